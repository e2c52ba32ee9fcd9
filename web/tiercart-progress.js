// <tiercart-progress>: the reward bars of one evaluation, each with its message, a
// role="progressbar" track, tier markers and the tiers listed as text. Inside the drawer it is
// fed directly; placed alone (the theme's inline app block) it listens for the drawer's
// `tiercart:evaluation` event. `data-bar` limits it to one bar.

import { h, translate } from './tiercart-util.js';

export class TiercartProgress extends HTMLElement {
  #onEvaluation = (event) => this.update(event.detail.evaluation, event.detail.strings);

  connectedCallback() {
    if (this.closest('tiercart-drawer')) return;
    document.addEventListener('tiercart:evaluation', this.#onEvaluation);
    const last = window.tiercart?.lastEvaluation;
    if (last) this.update(last.evaluation, last.strings);
  }

  disconnectedCallback() {
    document.removeEventListener('tiercart:evaluation', this.#onEvaluation);
  }

  update(evaluation, strings) {
    const only = this.dataset.bar;
    const bars = (evaluation?.bars || []).filter((bar) => !only || bar.id === only);
    // Rebuild only when the bars or tiers change; otherwise update in place so the fill animates.
    const shape = bars.map((bar) => `${bar.id}:${bar.tiers.map((t) => t.id).join(',')}`).join('|');
    if (shape !== this.dataset.shape) {
      this.replaceChildren(...bars.map((bar) => this.#build(bar)));
      this.dataset.shape = shape;
    }
    bars.forEach((bar, index) => this.#fill(this.children[index], bar, strings));
  }

  #build(bar) {
    const message = h('p', { class: 'tiercart-bar__message' });
    const track = h(
      'div',
      { class: 'tiercart-bar__track', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' },
      h('div', { class: 'tiercart-bar__fill' }),
      ...bar.tiers.map((tier) =>
        h('span', {
          class: 'tiercart-bar__marker',
          'aria-hidden': 'true',
          style: `inset-inline-start: ${tier.position_bp / 100}%`,
        }),
      ),
    );
    const list = h('ol', { class: 'tiercart-bar__tiers' }, ...bar.tiers.map(() => h('li')));
    return h('div', { class: 'tiercart-bar', 'data-bar': bar.id }, message, track, list);
  }

  #fill(node, bar, strings) {
    const [message, track, list] = node.children;
    message.textContent = bar.message || '';
    const percent = Math.round(bar.progress_bp / 100);
    track.setAttribute('aria-valuenow', String(percent));
    track.setAttribute('aria-valuetext', bar.message || `${percent}%`);
    const next = bar.tiers.find((tier) => tier.id === bar.next_tier) || bar.tiers[bar.tiers.length - 1];
    track.setAttribute('aria-label', translate(strings, 'progress_label', { reward: next ? next.label : bar.id }));
    track.firstElementChild.style.transform = `scaleX(${bar.progress_bp / 10000})`;
    bar.tiers.forEach((tier, i) => {
      const unlocked = tier.unlocked ? 'true' : 'false';
      track.children[i + 1].dataset.unlocked = unlocked;
      track.children[i + 1].dataset.availability = tier.availability;
      const item = list.children[i];
      item.dataset.tier = tier.id;
      item.dataset.unlocked = unlocked;
      item.dataset.availability = tier.availability;
      const threshold = tier.threshold_formatted || String(tier.threshold);
      item.textContent = translate(strings, 'tier_marker', { reward: tier.label, threshold });
    });
  }
}

if (!customElements.get('tiercart-progress')) customElements.define('tiercart-progress', TiercartProgress);
