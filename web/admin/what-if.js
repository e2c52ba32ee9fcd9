// <tiercart-what-if>: the shop's past orders replayed under its active program and, when the
// merchant picks one, another saved version (POST /admin/what-if, docs/analytics.md). The
// export is uploaded as it is, with a progress bar (XMLHttpRequest reports upload progress);
// the two programs are shown side by side: per tier the orders reaching it, their share, the
// rewards' cost and the orders just under it, the thresholds the core proposes and why, and
// the subtotal chart with both programs' thresholds. A file the core cannot read is named by
// row and column in the role=alert region. data-state: idle, uploading, ready or error.
import { h, translate } from '../tiercart-util.js';
import { shareText, subtotalChart } from './figures.js';
import { requestMessage } from './messages.js';
import { adminGet, adminUpload } from './session.js';
import { STRINGS } from './strings.js';
import { legendEntry } from './chart.js';

// The server reads at most this much (Config::max_what_if_bytes): a larger file is refused
// here, before a byte is sent.
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
const money = (value) => String(value?.text ?? '');
const STYLES = {
  current: { color: '#303030', dash: [], line: 'solid' },
  candidate: { color: '#b54708', dash: [6, 4], line: 'dashed' },
};

const sizeFormat = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 });
const megabytes = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 });
const fileSize = (bytes) =>
  bytes >= 1024 * 1024
    ? megabytes.format(bytes / (1024 * 1024))
    : sizeFormat.format(Math.max(1, Math.ceil(bytes / 1024)));

export class TiercartWhatIf extends HTMLElement {
  t = (key, vars) => translate(STRINGS, key, vars);
  #upload = null;

  connectedCallback() {
    if (!this.form) this.#build();
    this.setAttribute('data-state', 'idle');
    this.#loadPrograms();
  }

  disconnectedCallback() {
    this.#upload?.abort();
  }

  #build() {
    const t = this.t;
    this.file = h('input', {
      type: 'file',
      id: 'what-if-file',
      name: 'orders',
      accept: '.csv,text/csv',
      required: true,
      'aria-describedby': 'what-if-file-help',
    });
    this.candidate = h(
      'select',
      { id: 'what-if-candidate', name: 'candidate' },
      h('option', { value: '' }, t('what_if_no_candidate')),
    );
    this.progressLabel = h('span', { id: 'what-if-progress-label' });
    this.progress = h('progress', { 'aria-labelledby': 'what-if-progress-label', max: '1', value: '0' });
    this.upload = h('div', { class: 'upload', hidden: true }, this.progressLabel, this.progress);
    this.status = h('p', { class: 'status', role: 'status' });
    this.alert = h('div', { class: 'banner banner--critical', role: 'alert' });
    this.results = h('div', { class: 'what-if__results' });
    this.form = h(
      'form',
      { class: 'filters what-if__form', onsubmit: (event) => (event.preventDefault(), this.replay()) },
      h(
        'div',
        { class: 'field field--wide' },
        h('label', { for: 'what-if-file' }, t('what_if_file')),
        this.file,
        h('span', { class: 'help', id: 'what-if-file-help' }, t('what_if_file_help')),
      ),
      h('div', { class: 'field' }, h('label', { for: 'what-if-candidate' }, t('what_if_candidate')), this.candidate),
      h(
        'div',
        { class: 'field field--action' },
        h('button', { type: 'submit', class: 'button button--primary' }, t('what_if_replay')),
      ),
    );
    this.replaceChildren(
      h('p', { class: 'help' }, t('what_if_help')),
      this.form,
      this.upload,
      this.status,
      this.alert,
      this.results,
    );
  }

  // The saved versions other than the active one, to compare with.
  async #loadPrograms() {
    try {
      const answer = await adminGet('/admin/programs');
      const programs = (Array.isArray(answer?.programs) ? answer.programs : []).filter((p) => !p.active);
      this.candidate.replaceChildren(
        h('option', { value: '' }, this.t('what_if_no_candidate')),
        ...programs.map((p) =>
          h('option', { value: `${p.id}@${p.version}` }, this.t('program_choice', { id: p.id, version: p.version })),
        ),
      );
    } catch (error) {
      this.alert.replaceChildren(h('p', {}, requestMessage(error, 'what_programs', this.t)));
    }
  }

  async replay() {
    const t = this.t;
    const file = this.file.files?.[0];
    this.alert.replaceChildren();
    if (!file) {
      this.alert.replaceChildren(h('p', {}, t('what_if_pick_file')));
      this.file.focus();
      return;
    }
    if (file.size > MAX_UPLOAD_BYTES) return this.#fail(t('what_if_too_large', { size: fileSize(file.size) }));
    this.#upload?.abort();
    const upload = new AbortController();
    this.#upload = upload;
    this.setAttribute('data-state', 'uploading');
    this.setAttribute('aria-busy', 'true');
    this.upload.hidden = false;
    this.progress.max = Math.max(1, file.size);
    this.progress.value = 0;
    this.progressLabel.textContent = t('what_if_uploading', { name: file.name, size: fileSize(file.size) });
    this.status.textContent = t('what_if_uploading', { name: file.name, size: fileSize(file.size) });
    const query = this.candidate.value ? `?${new URLSearchParams({ candidate: this.candidate.value })}` : '';
    let answer;
    try {
      answer = await adminUpload(`/admin/what-if${query}`, file, {
        signal: upload.signal,
        contentType: 'text/csv',
        onProgress: (sent, total) => {
          this.progress.max = Math.max(1, total);
          this.progress.value = sent;
          if (sent >= total) this.status.textContent = t('what_if_replaying');
        },
      });
    } catch (error) {
      if (upload.signal.aborted) return;
      return this.#fail(this.#uploadMessage(error));
    }
    if (upload.signal.aborted) return;
    this.progressLabel.textContent = t('what_if_uploaded', { name: file.name, size: fileSize(file.size) });
    this.render(answer);
    this.status.textContent = t('what_if_done', { orders: answer?.current?.orders ?? answer?.candidate?.orders ?? 0 });
    this.setAttribute('aria-busy', 'false');
    this.setAttribute('data-state', 'ready');
  }

  #fail(text) {
    this.alert.replaceChildren(h('p', {}, text));
    this.status.textContent = '';
    this.setAttribute('aria-busy', 'false');
    this.setAttribute('data-state', 'error');
  }

  // The core's message with the row and column it names, as the merchant fixes the file by them.
  #uploadMessage(error) {
    const t = this.t;
    if (error?.status === 413) return t('what_if_too_large_server');
    if (error?.status === 400 && error.message) {
      // The core's message starts with the row and column; a path it left out is added.
      return error.path && !error.message.includes(error.path)
        ? t('what_if_bad_file_at', { message: error.message, path: error.path })
        : t('what_if_bad_file', { message: error.message });
    }
    return requestMessage(error, 'what_what_if', t);
  }

  render(answer) {
    const t = this.t;
    const current = answer?.current || null;
    const candidate = answer?.candidate || null;
    const columns = [this.#program('current', current)];
    if (candidate) columns.push(this.#program('candidate', candidate));
    const chart = h('tiercart-chart', { id: 'chart-what-if', class: 'chart', 'data-chart': 'what-if' });
    const replayed = current || candidate;
    const programs = [
      ['current', current],
      ['candidate', candidate],
    ]
      .filter(([, r]) => r)
      .map(([role, r]) => ({
        name: t(`what_if_${role}_short`),
        ...STYLES[role],
        thresholds: (r.bars || [])
          .filter((bar) => bar.metric === 'spend')
          .flatMap((bar) =>
            (bar.tiers || []).map((tier) => ({
              tier: String(tier.id),
              amount: Number(tier.threshold),
              text: String(tier.threshold_text ?? tier.threshold),
            })),
          ),
      }));
    const parts = [
      h('p', { class: 'help' }, t('what_if_columns_help')),
      h('div', { class: `compare${candidate ? ' compare--two' : ''}` }, ...columns),
      replayed
        ? h(
            'section',
            { class: 'analytics__chart', 'aria-labelledby': 'what-if-chart-heading' },
            h('h3', { id: 'what-if-chart-heading' }, t('subtotals_heading')),
            h('p', { class: 'help' }, t('subtotals_help')),
            chart,
          )
        : null,
    ];
    this.results.replaceChildren(...parts.filter(Boolean));
    if (replayed) {
      // The wider of the two distributions: each reaches its program's highest threshold.
      const subtotals = [current, candidate]
        .filter(Boolean)
        .map((r) => r.subtotals)
        .reduce((a, b) => (lastFrom(b) > lastFrom(a) ? b : a));
      const spec = subtotalChart(subtotals, programs, replayed.currency, t);
      if (candidate)
        spec.legend = programs.map((p) => legendEntry(t('what_if_legend', { name: p.name }), p.color, p.line));
      chart.render(spec);
    }
  }

  #program(role, r) {
    const t = this.t;
    const id = `what-if-${role}-heading`;
    if (!r)
      return h(
        'section',
        { class: 'compare__program', 'data-program': role, 'aria-labelledby': id },
        h('h3', { id }, t(`what_if_${role}_short`)),
        h('p', { class: 'help' }, t('what_if_no_active')),
      );
    const leftOut = Object.entries(r.left_out || {})
      .filter(([, count]) => Number(count) > 0)
      .map(([why, count]) => t('what_if_left_out_item', { count, why }));
    const proposals = Array.isArray(r.proposals) ? r.proposals : [];
    return h(
      'section',
      { class: 'compare__program', 'data-program': role, 'aria-labelledby': id },
      h(
        'h3',
        { id },
        t(role === 'current' ? 'what_if_current' : 'what_if_candidate_title', {
          id: String(r.program),
          version: String(r.version),
        }),
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('what_if_orders')),
        h('dd', { 'data-orders': String(r.orders) }, String(r.orders)),
        h('dt', {}, t('figure_aov')),
        h('dd', {}, money(r.aov)),
        h('dt', {}, t('what_if_left_out')),
        h('dd', {}, leftOut.length ? leftOut.join(', ') : t('what_if_left_out_none')),
      ),
      ...(r.bars || []).map((bar) => this.#bar(role, bar)),
      h('h4', {}, t('what_if_proposals')),
      proposals.length
        ? h(
            'ul',
            { class: 'proposals' },
            ...proposals.map((p) =>
              h(
                'li',
                { 'data-tier': String(p.tier) },
                h(
                  'strong',
                  {},
                  t('proposal', { tier: String(p.tier), threshold: String(p.threshold_text ?? p.threshold) }),
                ),
                ` ${t('proposal_now', { threshold: now(r, p) })} `,
                h('span', { class: 'help' }, String(p.rule ?? '')),
              ),
            ),
          )
        : h('p', { class: 'help' }, t('what_if_no_proposals')),
    );
  }

  #bar(role, bar) {
    const t = this.t;
    const captionId = `what-if-${role}-${String(bar.id).replace(/[^\w-]/g, '_')}`;
    return h(
      'div',
      { class: 'table-scroll', role: 'region', 'aria-labelledby': captionId, tabindex: '0' },
      h(
        'table',
        { class: 'data-table', 'data-bar': String(bar.id) },
        h(
          'caption',
          { id: captionId },
          t('what_if_bar', { program: t(`what_if_${role}_short`), bar: String(bar.id), metric: String(bar.metric) }),
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['tier', 'threshold', 'reached_short', 'share_short', 'cost_short', 'near'].map((key) =>
              h('th', { scope: 'col' }, t(`column_${key}`)),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...(bar.tiers || []).map((tier) =>
            h(
              'tr',
              { 'data-tier': String(tier.id) },
              h('th', { scope: 'row' }, String(tier.id)),
              h('td', {}, String(tier.threshold_text ?? tier.threshold)),
              h('td', { 'data-reached': String(tier.reached) }, String(tier.reached)),
              h('td', {}, shareText(tier.share_bp)),
              h('td', {}, money(tier.cost)),
              h('td', { 'data-near': String(tier.near) }, String(tier.near)),
            ),
          ),
        ),
      ),
    );
  }
}

// A proposal's tier's threshold today, as the core wrote it.
function now(r, proposal) {
  const bar = (r.bars || []).find((b) => b.id === proposal.bar);
  const tier = (bar?.tiers || []).find((x) => x.id === proposal.tier);
  return String(tier?.threshold_text ?? tier?.threshold ?? '');
}

// The lowest subtotal of a distribution's last (open) bar: how far it reaches.
const lastFrom = (subtotals) => Number(subtotals?.buckets?.at(-1)?.from?.amount ?? -1);

customElements.define('tiercart-what-if', TiercartWhatIf);
