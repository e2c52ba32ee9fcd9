// <tiercart-ab-test>: an A/B test of two tier sets on the shop's live program (docs/analytics.md,
// "A/B tests"; docs/program-format.md, section 16). With no test running, a form starts one
// (POST /admin/experiments): the live bars are arm A, a saved version's bars arm B, a share of
// carts in B. While one runs (the live version's document has an `experiment`), it shows each
// arm's thresholds side by side, the results per arm from GET /admin/analytics, what they
// decide in words and by which rule, and ends the test keeping the arm the merchant picks
// (POST /admin/experiments/end) after a confirm dialog.
// data-state: loading, idle (the form), running, or error; the verdict and every outcome are
// announced in its role=status region, failures in its role=alert region.
import { h, translate } from '../tiercart-util.js';
import { isoDay, moneyText } from './figures.js';
import { requestMessage } from './messages.js';
import { adminGet, adminPost } from './session.js';
import { STRINGS } from './strings.js';

const TEST_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const DEFAULT_SPLIT = 50;
const money = (value) => String(value?.text ?? '');
const armName = (arm) => String(arm).toUpperCase();
const pFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

export class TiercartAbTest extends HTMLElement {
  t = (key, vars) => translate(STRINGS, key, vars);
  #loading = null;
  #opener = null; // the Keep button the confirm dialog was opened from

  connectedCallback() {
    if (!this.body) this.#build();
    this.load();
  }

  disconnectedCallback() {
    this.#loading?.abort();
  }

  #build() {
    const t = this.t;
    // Present from the start, so that what is put in them is announced.
    this.status = h('p', { class: 'status', role: 'status' });
    this.alert = h('div', { class: 'banner banner--critical', role: 'alert' });
    this.body = h('div', { class: 'ab-test__body' });
    this.dialog = this.#confirmDialog();
    this.replaceChildren(h('p', { class: 'help' }, t('ab_help')), this.status, this.alert, this.body, this.dialog);
  }

  // The live program, its document, and while a test runs, the figures since it started.
  // `announce`: what to say once loaded (a test started or ended) instead of the verdict.
  async load({ announce = '' } = {}) {
    this.#loading?.abort();
    const loading = new AbortController();
    this.#loading = loading;
    const t = this.t;
    const { signal } = loading;
    this.setAttribute('data-state', 'loading');
    this.setAttribute('aria-busy', 'true');
    this.status.textContent = t('ab_loading');
    this.status.classList.remove('ab-test__verdict');
    this.alert.replaceChildren();
    let what = 'what_programs';
    try {
      const programs = (await adminGet('/admin/programs', { signal }))?.programs;
      const saved = Array.isArray(programs) ? programs : [];
      const live = saved.find((p) => p.active);
      if (signal.aborted) return;
      if (!live) return this.#show('idle', [h('p', { class: 'empty' }, t('ab_no_live'))], announce);
      const version = `/admin/programs/${encodeURIComponent(live.id)}/versions/${encodeURIComponent(live.version)}`;
      const program = (await adminGet(version, { signal }))?.program;
      if (signal.aborted) return;
      const experiment = program?.experiment;
      if (!experiment) return this.#show('idle', this.#form(live, saved), announce);
      what = 'what_ab_results';
      const report = await adminGet(`/admin/analytics?${this.#since(live.created_at)}`, { signal });
      if (signal.aborted) return;
      const results = (Array.isArray(report?.experiments) ? report.experiments : []).find(
        (e) => e.id === experiment.id,
      );
      this.#show('running', this.#running(live, program, results), announce || this.#verdict(experiment, results));
      this.status.classList.add('ab-test__verdict');
    } catch (error) {
      if (signal.aborted) return;
      this.alert.replaceChildren(h('p', {}, requestMessage(error, what, t)));
      this.status.textContent = '';
      this.setAttribute('aria-busy', 'false');
      this.setAttribute('data-state', 'error');
    }
  }

  #show(state, parts, announce) {
    this.body.replaceChildren(...parts.filter(Boolean));
    this.status.textContent = announce;
    this.setAttribute('aria-busy', 'false');
    this.setAttribute('data-state', state);
  }

  // The figures from the day before the running version was made (the shop's day may start
  // before the merchant's) to tomorrow, by month: a test may run for long.
  #since(startedAt) {
    const started = new Date(Number(startedAt) || Date.now());
    const from = new Date(started.getFullYear(), started.getMonth(), started.getDate() - 1);
    const today = new Date();
    const to = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
    return new URLSearchParams({ period: 'month', from: isoDay(from), to: isoDay(to) });
  }

  // ---- No test running: the form that starts one.

  #form(live, saved) {
    const t = this.t;
    const candidates = saved
      .filter((p) => !p.active)
      .sort((a, b) => Number(b.id === live.id) - Number(a.id === live.id) || Number(b.version) - Number(a.version));
    const intro = h('h3', { id: 'ab-start-heading', tabindex: '-1' }, t('ab_start_heading'));
    const liveText = h(
      'p',
      { class: 'help' },
      t('ab_start_help', { id: String(live.id), version: String(live.version) }),
    );
    if (!candidates.length) return [intro, liveText, h('p', { class: 'empty' }, t('ab_no_candidates'))];
    const field = (name, label, control, help) => {
      const error = h('p', { class: 'field__error', id: `ab-${name}-error`, hidden: true });
      const helpText = help ? h('span', { class: 'help', id: `ab-${name}-help` }, help) : null;
      control.setAttribute(
        'aria-describedby',
        [helpText && `ab-${name}-help`, `ab-${name}-error`].filter(Boolean).join(' '),
      );
      return h(
        'div',
        { class: 'field', 'data-field': name },
        h('label', { for: `ab-${name}` }, label),
        control,
        helpText,
        error,
      );
    };
    const candidate = h(
      'select',
      { id: 'ab-candidate', name: 'candidate', required: true },
      ...candidates.map((p) =>
        h(
          'option',
          { value: `${p.id}@${p.version}` },
          t('program_choice', { id: String(p.id), version: String(p.version) }),
        ),
      ),
    );
    const id = h('input', {
      type: 'text',
      id: 'ab-id',
      name: 'id',
      required: true,
      maxlength: '64',
      autocomplete: 'off',
      spellcheck: 'false',
      autocapitalize: 'none',
    });
    const split = h('input', {
      type: 'number',
      id: 'ab-split',
      name: 'split',
      required: true,
      min: '1',
      max: '99',
      step: '1',
      inputmode: 'numeric',
      value: String(DEFAULT_SPLIT),
    });
    // The name follows the candidate until the merchant writes one of their own.
    let named = false;
    const suggest = () => {
      if (!named) id.value = suggestedId(live, candidate.value);
    };
    candidate.addEventListener('change', suggest);
    id.addEventListener('input', () => (named = id.value !== ''));
    suggest();
    const submit = h('button', { type: 'submit', class: 'button button--primary' }, t('ab_start'));
    const form = h(
      'form',
      {
        class: 'filters ab-test__form',
        novalidate: true,
        'aria-labelledby': 'ab-start-heading',
        onsubmit: (event) => {
          event.preventDefault();
          this.#start(live, form, submit);
        },
      },
      field('candidate', t('ab_candidate'), candidate, t('ab_candidate_help')),
      field('id', t('ab_id'), id, t('ab_id_help')),
      field('split', t('ab_split'), split, t('ab_split_help')),
      h('div', { class: 'field field--action' }, submit),
    );
    return [intro, liveText, form];
  }

  // Checks the fields as the server would, sends them, and shows the running test; a refusal is
  // announced, and put by the field it names.
  async #start(live, form, submit) {
    const t = this.t;
    const { candidate, id, split } = form.elements;
    for (const name of ['candidate', 'id', 'split']) this.#fieldError(form, name, '');
    this.alert.replaceChildren();
    const percent = Number(split.value);
    const problems = [];
    if (!candidate.value) problems.push(['candidate', t('ab_error_candidate')]);
    if (!TEST_ID.test(id.value)) problems.push(['id', t('ab_error_id')]);
    if (!Number.isInteger(percent) || percent < 1 || percent > 99 || split.value.trim() === '')
      problems.push(['split', t('ab_error_split')]);
    if (problems.length) {
      for (const [name, text] of problems) this.#fieldError(form, name, text);
      this.alert.replaceChildren(h('p', {}, t('ab_error_fields', { count: problems.length })));
      form.elements[problems[0][0]].focus();
      return;
    }
    submit.disabled = true;
    this.setAttribute('aria-busy', 'true');
    this.status.textContent = t('ab_starting');
    let started;
    try {
      started = await adminPost('/admin/experiments', {
        json: { program: live.id, candidate: candidate.value, id: id.value, split: percent },
      });
    } catch (error) {
      submit.disabled = false;
      this.setAttribute('aria-busy', 'false');
      this.status.textContent = '';
      const message = error?.message
        ? t('ab_error_start', { message: error.message })
        : requestMessage(error, 'what_ab_start', t);
      this.alert.replaceChildren(h('p', {}, message));
      const name = String(error?.path || '').replace(/^\$\.?/, '');
      if (['candidate', 'id', 'split'].includes(name)) {
        this.#fieldError(form, name, error.message);
        form.elements[name].focus();
      }
      return;
    }
    this.#changed();
    await this.load({
      announce: t('ab_started', {
        id: String(started?.experiment?.id ?? id.value),
        split: String(started?.experiment?.split ?? percent),
        version: String(started?.version ?? ''),
      }),
    });
    this.querySelector('#ab-running-heading')?.focus();
  }

  #fieldError(form, name, text) {
    const control = form.elements[name];
    const error = form.querySelector(`#ab-${name}-error`);
    if (!control || !error) return;
    error.textContent = text;
    error.hidden = !text;
    if (text) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  }

  // ---- A test running.

  #running(live, program, results) {
    const t = this.t;
    const experiment = program.experiment;
    const split = Number(experiment.split) || 0;
    const currency = String(program.currency ?? '');
    return [
      h(
        'div',
        { class: 'section-head' },
        h('h3', { id: 'ab-running-heading', tabindex: '-1' }, t('ab_running_heading', { id: String(experiment.id) })),
        h('span', { class: 'badge badge--attention' }, t('ab_running')),
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('ab_split_fact')),
        h('dd', { 'data-split': String(split) }, t('ab_split_value', { b: split, a: 100 - split })),
        h('dt', {}, t('ab_program_fact')),
        h('dd', {}, t('program_choice', { id: String(live.id), version: String(live.version) })),
      ),
      h('h4', {}, t('ab_thresholds_heading')),
      h('p', { class: 'help' }, t('ab_thresholds_help')),
      ...this.#thresholds(program, currency),
      h('h4', { id: 'ab-results-heading' }, t('ab_results_heading')),
      this.#results(results),
      h(
        'p',
        { class: 'help ab-test__rule', 'data-rule': '' },
        t('ab_rule', { rule: String(results?.rule ?? t('ab_rule_default')) }),
      ),
      h('h4', {}, t('ab_end_heading')),
      h('p', { class: 'help' }, t('ab_end_help')),
      h(
        'div',
        { class: 'ab-test__actions' },
        ...['a', 'b'].map((arm) =>
          h(
            'button',
            {
              type: 'button',
              class: `button${results?.winner === arm ? ' button--primary' : ''}`,
              'data-keep': arm,
              onclick: (event) => this.#confirm(live, experiment, arm, event.currentTarget),
            },
            t('ab_keep', { arm: armName(arm) }),
          ),
        ),
      ),
    ];
  }

  // Both arms' thresholds side by side: a table per bar (arm A's bars, then any only arm B has),
  // a row per tier, a column per arm; a tier one arm lacks is a dash.
  #thresholds(program, currency) {
    const t = this.t;
    const arms = {
      a: Array.isArray(program.bars) ? program.bars : [],
      b: Array.isArray(program.experiment.arm_b?.bars) ? program.experiment.arm_b.bars : [],
    };
    const barIds = [...new Set([...arms.a, ...arms.b].map((bar) => String(bar.id)))];
    const threshold = (bar, tier) => {
      if (!tier) return t('ab_none');
      return bar.metric === 'quantity' ? t('ab_units', { count: tier.threshold }) : moneyText(tier.threshold, currency);
    };
    return barIds.map((barId) => {
      const bars = {
        a: arms.a.find((bar) => String(bar.id) === barId),
        b: arms.b.find((bar) => String(bar.id) === barId),
      };
      const tiersOf = (arm) => (Array.isArray(bars[arm]?.tiers) ? bars[arm].tiers : []);
      const tierIds = [...new Set([...tiersOf('a'), ...tiersOf('b')].map((tier) => String(tier.id)))];
      return h(
        'div',
        { class: 'ab-test__bar' },
        h(
          'table',
          { class: 'data-table ab-test__compare', 'data-bar': barId },
          h('caption', {}, t('ab_bar', { bar: barId })),
          this.#armsHead(t('column_tier')),
          h(
            'tbody',
            {},
            ...tierIds.map((tierId) =>
              h(
                'tr',
                { 'data-tier': tierId },
                h('th', { scope: 'row' }, tierId),
                ...['a', 'b'].map((arm) => {
                  const tier = tiersOf(arm).find((x) => String(x.id) === tierId);
                  return h('td', { 'data-arm': arm }, threshold(bars[arm], tier));
                }),
              ),
            ),
          ),
        ),
      );
    });
  }

  // The head of a table that compares the arms: its first column's title, then arm A, arm B.
  #armsHead(first) {
    const t = this.t;
    return h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, first),
        h('th', { scope: 'col' }, t('ab_arm_a_column')),
        h('th', { scope: 'col' }, t('ab_arm_b_column')),
      ),
    );
  }

  // The figures per arm: a row per measure, a column per arm (three columns fit a phone).
  #results(results) {
    const t = this.t;
    const arms = Array.isArray(results?.arms) ? results.arms : [];
    const of = (arm) => arms.find((x) => x.arm === arm) || null;
    const counted = (r) => Number(r?.orders) > 0;
    const measures = [
      ['orders', (r) => String(Number(r?.orders) || 0)],
      ['aov', (r) => (counted(r) ? money(r.aov) : t('ab_none'))],
      [
        'aov_ci95',
        (r) =>
          counted(r) ? t('ab_interval', { low: money(r.aov_ci95?.low), high: money(r.aov_ci95?.high) }) : t('ab_none'),
      ],
      ['cost_per_order', (r) => (counted(r) ? money(r.cost_per_order) : t('ab_none'))],
      ['net_per_order', (r) => (counted(r) ? money(r.net_per_order) : t('ab_none'))],
    ];
    return h(
      'div',
      { class: 'table-scroll', role: 'region', 'aria-labelledby': 'ab-results-heading', tabindex: '0' },
      h(
        'table',
        { class: 'data-table ab-test__compare', 'data-table': 'arms' },
        this.#armsHead(t('ab_column_measure')),
        h(
          'tbody',
          {},
          ...measures.map(([key, cell]) =>
            h(
              'tr',
              { 'data-measure': key },
              h('th', { scope: 'row' }, t(`ab_column_${key}`)),
              ...['a', 'b'].map((arm) =>
                h(
                  'td',
                  { 'data-arm': arm, ...(key === 'orders' ? { 'data-orders': cell(of(arm)) } : {}) },
                  cell(of(arm)),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  // What the results decide, in words.
  #verdict(experiment, results) {
    const t = this.t;
    const least = Number(results?.min_orders_per_arm) || 100;
    const orders = (arm) => Number((results?.arms || []).find((x) => x.arm === arm)?.orders) || 0;
    const p = pText(results?.p_value);
    if (results?.status === 'winner' && (results.winner === 'a' || results.winner === 'b')) {
      const difference = results.difference || {};
      // `difference` is b minus a: arm A's lead is its negative, written with the shop's format.
      const lead = Number(difference.amount) < 0 ? money(difference).replace(/[-−]/, '') : money(difference);
      return t('ab_winner', { arm: armName(results.winner), amount: lead, p });
    }
    if (results?.status === 'no_difference') return t('ab_no_difference', { p });
    const short = ['a', 'b']
      .map((arm) => [arm, Math.max(0, least - orders(arm))])
      .filter(([, count]) => count > 0)
      .map(([arm, count]) => t(count === 1 ? 'ab_more_order' : 'ab_more_orders', { count, arm: armName(arm) }));
    return short.length ? t('ab_collecting', { more: short.join(t('ab_and')) }) : t('ab_collecting_plain');
  }

  // ---- Ending the test.

  #confirmDialog() {
    const t = this.t;
    this.confirmTitle = h('h2', { id: 'ab-confirm-title' }, '');
    this.confirmText = h('p', { id: 'ab-confirm-text' }, '');
    this.confirmButton = h('button', { type: 'button', class: 'button button--primary' }, '');
    this.cancelButton = h(
      'button',
      { type: 'button', class: 'button', onclick: () => this.dialog.close() },
      t('ab_cancel'),
    );
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'ab-confirm-title', 'aria-describedby': 'ab-confirm-text' },
      this.confirmTitle,
      this.confirmText,
      h('div', { class: 'ab-test__actions' }, this.cancelButton, this.confirmButton),
    );
    // Escape or Cancel: focus back on the button that opened it.
    dialog.addEventListener('close', () => {
      if (this.#opener?.isConnected) this.#opener.focus();
      this.#opener = null;
    });
    return dialog;
  }

  #confirm(live, experiment, arm, opener) {
    const t = this.t;
    this.#opener = opener;
    this.confirmTitle.textContent = t('ab_confirm_title', { id: String(experiment.id), arm: armName(arm) });
    this.confirmText.textContent = t('ab_confirm_text', { arm: armName(arm), program: String(live.id) });
    this.confirmButton.textContent = t('ab_confirm', { arm: armName(arm) });
    this.confirmButton.disabled = false;
    this.confirmButton.onclick = () => this.#end(live, experiment, arm);
    this.dialog.showModal();
    this.cancelButton.focus(); // the safe choice first
  }

  async #end(live, experiment, arm) {
    const t = this.t;
    this.confirmButton.disabled = true;
    this.setAttribute('aria-busy', 'true');
    this.status.textContent = t('ab_ending');
    let ended;
    try {
      ended = await adminPost('/admin/experiments/end', { json: { program: live.id, keep: arm } });
    } catch (error) {
      this.dialog.close();
      this.setAttribute('aria-busy', 'false');
      this.status.textContent = '';
      const message = error?.message
        ? t('ab_error_end', { message: error.message })
        : requestMessage(error, 'what_ab_end', t);
      this.alert.replaceChildren(h('p', {}, message));
      return;
    }
    this.#opener = null; // the buttons are replaced: focus goes to the form's heading
    this.dialog.close();
    this.#changed();
    await this.load({
      announce: t('ab_ended', { id: String(experiment.id), arm: armName(arm), version: String(ended?.version ?? '') }),
    });
    this.querySelector('#ab-start-heading')?.focus();
  }

  // The live program changed: the page shows its new version.
  #changed() {
    this.dispatchEvent(new CustomEvent('tiercart:program-changed', { bubbles: true }));
  }
}

// A test's name from what it compares and when: "v2-vs-v1-2026-12-03" (a new name splits carts
// afresh, and the figures keep each test's orders under its name).
function suggestedId(live, candidate) {
  const at = candidate.lastIndexOf('@');
  const [id, version] = [candidate.slice(0, at), candidate.slice(at + 1)];
  const name = id === live.id ? `v${version}-vs-v${live.version}` : `${id}-v${version}`;
  return `${name}-${isoDay(new Date())}`
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
}

// A p-value as the merchant reads it: "p = 0.003", "p < 0.001".
function pText(value) {
  const p = Number(value);
  if (!Number.isFinite(p)) return 'p = 1';
  return p < 0.001 ? 'p < 0.001' : `p = ${pFormat.format(p)}`;
}

customElements.define('tiercart-ab-test', TiercartAbTest);
