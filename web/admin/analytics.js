// <tiercart-analytics>: what the rewards earned and cost over the days the merchant picks
// (GET /admin/analytics, docs/analytics.md): the headline figures, a table per tier, and three
// charts, each with a table of its numbers: the order subtotals with the spend thresholds
// drawn on them, AOV over time, and the share of orders reaching each tier over time.
// data-state: loading, ready or error (announced in its role=alert region).
import { h, translate } from '../tiercart-util.js';
import { SERIES, legendEntry } from './chart.js';
import { lastDays, moneyTick, periodText, shareText, subtotalChart, tierKey, tierNames } from './figures.js';
import { requestMessage } from './messages.js';
import { adminGet } from './session.js';
import { STRINGS } from './strings.js';

const PERIODS = ['day', 'week', 'month'];
const DEFAULT_DAYS = 30;
const money = (value) => String(value?.text ?? '');

export class TiercartAnalytics extends HTMLElement {
  t = (key, vars) => translate(STRINGS, key, vars);
  #loading = null;

  connectedCallback() {
    if (!this.form) this.#build();
    this.load();
  }

  disconnectedCallback() {
    this.#loading?.abort();
  }

  #build() {
    const t = this.t;
    const range = lastDays(DEFAULT_DAYS);
    const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
    this.period = h(
      'select',
      { id: 'analytics-period', name: 'period' },
      ...PERIODS.map((p) => h('option', { value: p }, t(`period_${p}`))),
    );
    this.from = h('input', { type: 'date', id: 'analytics-from', name: 'from', value: range.from, max: range.to });
    this.to = h('input', { type: 'date', id: 'analytics-to', name: 'to', value: range.to, min: range.from });
    this.form = h(
      'form',
      { class: 'filters', onchange: () => this.load(), onsubmit: (event) => (event.preventDefault(), this.load()) },
      field('analytics-period', t('period'), this.period),
      field('analytics-from', t('from'), this.from),
      field('analytics-to', t('to'), this.to),
    );
    this.status = h('p', { class: 'status', role: 'status' });
    this.alert = h('div', { class: 'banner banner--critical', role: 'alert' });
    this.body = h('div', { class: 'analytics__body' });
    this.replaceChildren(h('p', { class: 'help' }, t('analytics_help')), this.form, this.status, this.alert, this.body);
  }

  async load() {
    this.#loading?.abort();
    const loading = new AbortController();
    this.#loading = loading;
    const t = this.t;
    this.from.max = this.to.value;
    this.to.min = this.from.value;
    this.setAttribute('data-state', 'loading');
    this.setAttribute('aria-busy', 'true');
    this.status.textContent = t('analytics_loading');
    this.alert.replaceChildren();
    const query = new URLSearchParams({ period: this.period.value, from: this.from.value, to: this.to.value });
    let report;
    try {
      report = await adminGet(`/admin/analytics?${query}`, { signal: loading.signal });
    } catch (error) {
      if (loading.signal.aborted) return;
      this.alert.replaceChildren(h('p', {}, requestMessage(error, 'what_analytics', t)));
      this.status.textContent = '';
      this.setAttribute('aria-busy', 'false');
      this.setAttribute('data-state', 'error');
      return;
    }
    if (loading.signal.aborted) return;
    this.render(report);
    this.status.textContent = t('analytics_loaded', { from: report.from, to: report.to });
    this.setAttribute('aria-busy', 'false');
    this.setAttribute('data-state', 'ready');
  }

  render(report) {
    const t = this.t;
    const tiers = Array.isArray(report?.tiers) ? report.tiers : [];
    const names = tierNames(tiers);
    const periods = Array.isArray(report?.periods) ? report.periods : [];
    const parts = [this.#figures(report), this.#tierTable(tiers, names)];
    if (Number(report?.orders) > 0) {
      const subtotals = h('tiercart-chart', { id: 'chart-subtotals', class: 'chart', 'data-chart': 'subtotals' });
      const aov = h('tiercart-chart', { id: 'chart-aov', class: 'chart', 'data-chart': 'aov' });
      const reach = h('tiercart-chart', { id: 'chart-reach', class: 'chart', 'data-chart': 'reach' });
      parts.push(
        this.#chartSection('subtotals', t('subtotals_heading'), t('subtotals_help'), subtotals),
        this.#chartSection('aov', t('aov_heading'), null, aov),
        tiers.length ? this.#chartSection('reach', t('reach_heading'), null, reach) : null,
      );
      this.body.replaceChildren(...parts.filter(Boolean));
      // Drawn once in the page: Chart.js measures its container.
      const spend = tiers.filter((tier) => tier.metric === 'spend');
      subtotals.render(
        subtotalChart(
          report.subtotals,
          [
            {
              name: '',
              color: '#303030',
              dash: [],
              thresholds: spend.map((tier) => ({
                tier: names.get(tierKey(tier)),
                amount: Number(tier.threshold),
                text: String(tier.threshold_text ?? tier.threshold),
              })),
            },
          ],
          report.currency,
          t,
        ),
      );
      aov.render(this.#aovChart(report, periods));
      if (tiers.length) reach.render(this.#reachChart(report, tiers, names, periods));
    } else {
      parts.push(h('p', { class: 'empty' }, t('analytics_empty')));
      this.body.replaceChildren(...parts.filter(Boolean));
    }
  }

  #chartSection(name, heading, help, chart) {
    const id = `analytics-${name}-heading`;
    return h(
      'section',
      { class: 'analytics__chart', 'aria-labelledby': id },
      h('h3', { id }, heading),
      help ? h('p', { class: 'help' }, help) : null,
      chart,
    );
  }

  // The headline figures: one tile each, rewards by kind and flags by reason under theirs.
  #figures(report) {
    const t = this.t;
    const kinds = ['gifts', 'gift_cards', 'free_shipping', 'order_discounts']
      .filter((kind) => Number(report?.rewards?.[kind]?.amount) > 0)
      .map((kind) => t(`reward_${kind}`, { amount: money(report.rewards[kind]) }));
    const reasons = (Array.isArray(report?.reasons) ? report.reasons : []).map((r) =>
      h('li', {}, h('code', {}, String(r.reason)), ` ${t('orders_count', { count: r.orders })}`),
    );
    const tile = (name, label, value, ...more) =>
      h('div', { class: 'figure', 'data-figure': name }, h('dt', {}, label), h('dd', {}, value), ...more);
    const note = (text) => h('dd', { class: 'figure__note' }, text);
    return h(
      'dl',
      { class: 'figures' },
      tile(
        'orders',
        t('figure_orders'),
        String(report?.orders ?? 0),
        note(t('figure_sales', { amount: money(report?.sales) })),
      ),
      tile('aov', t('figure_aov'), money(report?.aov)),
      tile(
        'rewards_cost',
        t('figure_rewards_cost'),
        money(report?.rewards_cost),
        kinds.length ? note(kinds.join(' · ')) : null,
      ),
      tile('cost_per_order', t('figure_cost_per_order'), money(report?.cost_per_order)),
      tile(
        'flagged',
        t('figure_flagged'),
        String(report?.flagged ?? 0),
        reasons.length ? h('dd', { class: 'figure__note' }, h('ul', { class: 'reasons' }, ...reasons)) : null,
      ),
      tile('cancelled', t('figure_cancelled'), String(report?.cancelled ?? 0)),
      tile(
        'refunded',
        t('figure_refunded_orders'),
        String(report?.refunded_orders ?? 0),
        Number(report?.refunded?.amount) > 0 ? note(t('figure_refunded', { amount: money(report.refunded) })) : null,
        Number(report?.left_out) > 0 ? note(t('figure_left_out', { count: report.left_out })) : null,
      ),
    );
  }

  #tierTable(tiers, names) {
    const t = this.t;
    if (!tiers.length) return h('p', { class: 'help' }, t('tiers_none'));
    // A div: the table's scrolling region is the landmark the heading names.
    return h(
      'div',
      { class: 'analytics__tiers' },
      h('h3', { id: 'analytics-tiers-heading' }, t('tiers_heading')),
      h(
        'div',
        { class: 'table-scroll', role: 'region', 'aria-labelledby': 'analytics-tiers-heading', tabindex: '0' },
        h(
          'table',
          { class: 'data-table', 'data-table': 'tiers' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['tier', 'threshold', 'reached', 'share', 'aov_reached', 'aov_not_reached'].map((key) =>
                h('th', { scope: 'col' }, t(`column_${key}`)),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            ...tiers.map((tier) =>
              h(
                'tr',
                { 'data-tier': String(tier.tier) },
                h('th', { scope: 'row' }, names.get(tierKey(tier))),
                h('td', {}, String(tier.threshold_text ?? tier.threshold)),
                h('td', { 'data-reached': String(tier.reached) }, String(tier.reached)),
                h('td', {}, shareText(tier.share_bp)),
                h('td', {}, money(tier.aov_reached)),
                h('td', {}, money(tier.aov_not_reached)),
              ),
            ),
          ),
        ),
      ),
    );
  }

  #aovChart(report, periods) {
    const t = this.t;
    const period = report.period;
    const shown = periods.filter((p) => Number(p.orders) > 0);
    const low = shown.reduce((a, p) => (!a || Number(p.aov.amount) < Number(a.aov.amount) ? p : a), null);
    const high = shown.reduce((a, p) => (!a || Number(p.aov.amount) > Number(a.aov.amount) ? p : a), null);
    return {
      type: 'line',
      summary: t('aov_summary', {
        period: t(`period_${period}`).toLowerCase(),
        aov: money(report.aov),
        low: money(low?.aov),
        low_at: low ? periodText(low.start, period) : '',
        high: money(high?.aov),
        high_at: high ? periodText(high.start, period) : '',
      }),
      labels: periods.map((p) => periodText(p.start, period)),
      datasets: [
        {
          label: t('figure_aov'),
          data: periods.map((p) => (Number(p.orders) > 0 ? Number(p.aov.amount) : null)),
          borderColor: SERIES[0].color,
          backgroundColor: SERIES[0].color,
          pointRadius: 3,
          spanGaps: true,
        },
      ],
      yTitle: t('aov_axis', { currency: String(report.currency ?? '') }),
      yTick: moneyTick(report.currency),
      tooltipLabel: (d, i) => t('aov_point', { aov: money(periods[i].aov), count: periods[i].orders }),
      table: {
        caption: t('aov_caption'),
        head: [t('column_period'), t('orders'), t('column_sales'), t('figure_aov')],
        rows: periods.map((p) => [periodText(p.start, period), String(p.orders), money(p.sales), money(p.aov)]),
      },
      showData: t('show_numbers'),
    };
  }

  #reachChart(report, tiers, names, periods) {
    const t = this.t;
    const period = report.period;
    const at = (p, tier) => (Array.isArray(p.tiers) ? p.tiers : []).find((x) => tierKey(x) === tierKey(tier));
    return {
      type: 'line',
      summary: t('reach_summary', {
        period: t(`period_${period}`).toLowerCase(),
        tiers: tiers.map((tier) => `${names.get(tierKey(tier))} ${shareText(tier.share_bp)}`).join(', '),
      }),
      labels: periods.map((p) => periodText(p.start, period)),
      datasets: tiers.map((tier, i) => {
        const style = SERIES[i % SERIES.length];
        return {
          label: names.get(tierKey(tier)),
          data: periods.map((p) => (Number(p.orders) > 0 ? Number(at(p, tier)?.share_bp ?? 0) / 100 : null)),
          borderColor: style.color,
          backgroundColor: style.color,
          borderDash: style.dash,
          pointStyle: style.point,
          pointRadius: 3,
          spanGaps: true,
        };
      }),
      legend: tiers.map((tier, i) => {
        const style = SERIES[i % SERIES.length];
        return legendEntry(names.get(tierKey(tier)), style.color, style.line);
      }),
      yTitle: t('reach_axis'),
      yMax: 100,
      yTick: (value) => shareText(value * 100),
      tooltipLabel: (d, i) => {
        const reached = at(periods[i], tiers[d]);
        return t('reach_point', {
          tier: names.get(tierKey(tiers[d])),
          share: shareText(reached?.share_bp ?? 0),
          count: reached?.reached ?? 0,
        });
      },
      table: {
        caption: t('reach_caption'),
        head: [t('column_period'), t('orders'), ...tiers.map((tier) => names.get(tierKey(tier)))],
        rows: periods.map((p) => [
          periodText(p.start, period),
          String(p.orders),
          ...tiers.map((tier) => {
            const reached = at(p, tier);
            return t('reach_cell', { share: shareText(reached?.share_bp ?? 0), count: reached?.reached ?? 0 });
          }),
        ]),
      },
      showData: t('show_numbers'),
    };
  }
}

customElements.define('tiercart-analytics', TiercartAnalytics);
