// <tiercart-admin-page>: the merchant's embedded app page, framed by Shopify's admin and
// served by tiercart's server (GET /app, server/src/admin_page.cpp). It loads the shop's
// install state and programs (GET /admin/shop) and the latest verdicts (GET /admin/verdicts)
// with session tokens (session.js), shows a loading state while they come, and an announced
// error when one fails. The other files do one job each: shop-status.js, program-list.js,
// verdict-list.js (what the page shows), verdicts.js and dates.js (reading the answers).
//
// `make build-admin` bundles this file and its imports into build/admin/tiercart-admin.js, the
// module the shell loads.

import { h, translate } from '../tiercart-util.js';
import { adminGet, adminPost } from './session.js';
import { requestMessage } from './messages.js';
import { STRINGS } from './strings.js';
import './shop-status.js';
import './program-list.js';
import './verdict-list.js';
import './write-list.js';
import './analytics.js';
import './what-if.js';
import './ab-test.js';

const VERDICT_LIMIT = 50;

export class TiercartAdminPage extends HTMLElement {
  t = (key, vars) => translate(this.strings, key, vars);
  strings = STRINGS;
  #loading = null;

  connectedCallback() {
    if (!this.main) this.#build();
    this.refresh();
  }

  disconnectedCallback() {
    this.#loading?.abort();
  }

  #build() {
    const t = this.t;
    this.refreshButton = h('button', { type: 'button', class: 'button', onclick: () => this.refresh() }, t('refresh'));
    // Both regions are in the page from the start, so that what is put in them is announced.
    // Refresh stays enabled while loading (disabling it would drop its focus); it starts over.
    this.status = h('p', { class: 'status', role: 'status' });
    this.alert = h('div', { class: 'banner banner--critical', role: 'alert' });
    this.shopStatus = h('tiercart-shop-status');
    this.programs = h('tiercart-program-list');
    this.verdicts = h('tiercart-verdict-list');
    this.writes = h('tiercart-write-list', { hidden: true });
    this.writesCard = h('section', { class: 'card', 'aria-labelledby': 'writes-heading', hidden: true }, this.writes);
    this.main = h(
      'main',
      { class: 'page', 'aria-busy': 'true' },
      h('div', { class: 'page__header' }, h('h1', {}, t('title')), this.refreshButton),
      this.status,
      this.alert,
      h(
        'div',
        { class: 'page__layout' },
        h('section', { class: 'card', 'aria-labelledby': 'verdicts-heading' }, this.verdicts),
        h(
          'div',
          { class: 'page__aside' },
          h('section', { class: 'card', 'aria-labelledby': 'shop-heading' }, this.shopStatus),
          this.writesCard,
          h('section', { class: 'card', 'aria-labelledby': 'programs-heading' }, this.programs),
        ),
      ),
      this.#disclosure('analytics', 'tiercart-analytics'),
      this.#disclosure('what-if', 'tiercart-what-if'),
      this.#disclosure('ab-test', 'tiercart-ab-test'),
    );
    // A test started or ended makes a new live version: the overview shows it.
    this.main.addEventListener('tiercart:program-changed', (event) => this.refresh({ except: event.target }));
    this.replaceChildren(this.main);
  }

  // A part of the page made only when the merchant opens it: its element, its requests and its
  // charts (Chart.js measures a visible canvas) cost nothing until then.
  #disclosure(name, element) {
    const t = this.t;
    const key = name.replace('-', '_');
    const details = h(
      'details',
      { class: 'card disclosure', id: name },
      h(
        'summary',
        {},
        h('h2', { id: `${name}-heading` }, t(`${key}_heading`)),
        h('span', { class: 'help' }, t(`${key}_summary`)),
      ),
    );
    details.addEventListener('toggle', () => {
      if (!details.open || details.querySelector(element)) return;
      const part = h(element);
      part.t = t; // the page's strings (a translation replaces them)
      details.append(part);
    });
    return details;
  }

  // Loads both answers side by side; each part shows what arrived even when the other failed.
  // The parts opened are loaded again too, but `except` (the one that asked).
  async refresh({ except = null } = {}) {
    this.#loading?.abort();
    const loading = new AbortController();
    this.#loading = loading;
    const t = this.t;
    this.main.setAttribute('aria-busy', 'true');
    this.setAttribute('data-state', 'loading');
    this.status.textContent = t('loading');
    this.alert.replaceChildren();
    // The figures and the test, when shown, are refreshed with the rest.
    for (const part of this.querySelectorAll('details[open] :is(tiercart-analytics, tiercart-ab-test)')) {
      if (part !== except) part.load();
    }
    const [shop, verdicts, writes] = await Promise.allSettled([
      adminGet('/admin/shop', { signal: loading.signal }),
      adminGet(`/admin/verdicts?limit=${VERDICT_LIMIT}`, { signal: loading.signal }),
      adminGet('/admin/outbox', { signal: loading.signal }),
    ]);
    if (loading.signal.aborted) return;
    const errors = [];
    if (shop.status === 'fulfilled') {
      this.shopStatus.render(shop.value, t);
      this.programs.render(shop.value?.programs, t);
    } else errors.push(this.#message(shop.reason, 'what_shop'));
    if (verdicts.status === 'fulfilled') {
      const counts = shop.status === 'fulfilled' ? shop.value?.verdicts : null;
      this.verdicts.render(verdicts.value?.verdicts, counts, t);
    } else errors.push(this.#message(verdicts.reason, 'what_verdicts'));
    if (writes.status === 'fulfilled') {
      this.writes.render(writes.value?.writes, t, (id) => this.#retry(id));
      this.writesCard.hidden = this.writes.hidden;
    } else errors.push(this.#message(writes.reason, 'what_writes'));
    // One message when the session itself failed: every request failed for the same reason.
    const shown = [...new Set(errors)];
    this.alert.replaceChildren(...shown.map((text) => h('p', {}, text)));
    this.status.textContent = shown.length ? '' : t('loaded');
    this.main.setAttribute('aria-busy', 'false');
    this.setAttribute('data-state', shown.length ? 'error' : 'ready');
  }

  // Sends a refused update again, then shows what came of it.
  async #retry(id) {
    try {
      await adminPost(`/admin/outbox/${encodeURIComponent(id)}/retry`);
    } catch (error) {
      this.alert.replaceChildren(h('p', {}, this.#message(error, 'what_writes')));
      return;
    }
    await this.refresh();
  }

  #message(error, what) {
    return requestMessage(error, what, this.t);
  }
}

customElements.define('tiercart-admin-page', TiercartAdminPage);
