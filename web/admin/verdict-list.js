// <tiercart-verdict-list>: the orders the server checked, flagged ones first, each with the
// core's reason for every refused gift. A list of cards rather than a table: it reads the same
// on a phone. "Flagged only" filters what was loaded; the counts are the shop's totals.
import { h } from '../tiercart-util.js';
import { timeElement } from './dates.js';
import { flaggedFirst, programsOf, reasons } from './verdicts.js';

export class TiercartVerdictList extends HTMLElement {
  #verdicts = [];
  #counts = null;
  #t = null;
  #flaggedOnly = false;

  render(verdicts, counts, t) {
    this.#verdicts = flaggedFirst(Array.isArray(verdicts) ? verdicts : []);
    this.#counts = counts;
    this.#t = t;
    this.#draw();
  }

  #toggle = () => {
    this.#flaggedOnly = !this.#flaggedOnly;
    this.#draw();
    this.querySelector('.verdicts__filter')?.focus();
  };

  #draw() {
    const t = this.#t;
    const shown = this.#flaggedOnly ? this.#verdicts.filter((v) => !v.earned) : this.#verdicts;
    const total = this.#counts?.total ?? this.#verdicts.length;
    const flagged = this.#counts?.flagged ?? this.#verdicts.filter((v) => !v.earned).length;
    let body;
    if (!this.#verdicts.length) body = h('p', { class: 'empty' }, t('verdicts_empty'));
    else if (!shown.length)
      body = h('p', { class: 'empty' }, t('verdicts_none_flagged', { count: this.#verdicts.length }));
    else body = h('ul', { class: 'verdicts', role: 'list' }, ...shown.map((record) => this.#item(record)));
    this.replaceChildren(
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: 'verdicts-heading' }, t('verdicts_heading')),
        // Nothing to filter in an empty list.
        this.#verdicts.length === 0
          ? null
          : h(
              'button',
              {
                type: 'button',
                class: 'button verdicts__filter',
                'aria-pressed': String(this.#flaggedOnly),
                onclick: this.#toggle,
              },
              t('verdicts_flagged_only'),
            ),
      ),
      h('p', { class: 'help' }, t('verdicts_help')),
      h(
        'p',
        { class: 'counts', 'data-total': total, 'data-flagged': flagged },
        t('verdicts_counts', { flagged, total }),
      ),
      body,
    );
  }

  #item(record) {
    const t = this.#t;
    const flagged = !record.earned;
    const headingId = `order-${String(record.webhook_id || record.order_id).replace(/[^\w-]/g, '_')}`;
    const why = reasons(record);
    const programs = programsOf(record).map((p) => t('verdict_program', { id: p.id, version: p.version }));
    const tags = Array.isArray(record.tags) ? record.tags.join(', ') : '';
    return h(
      'li',
      {
        class: `verdict${flagged ? ' verdict--flagged' : ''}`,
        'data-order-id': String(record.order_id),
        'data-earned': String(Boolean(record.earned)),
      },
      h(
        'article',
        { 'aria-labelledby': headingId },
        h(
          'div',
          { class: 'verdict__head' },
          h('h3', { id: headingId }, t('verdict_order', { id: record.order_id })),
          h(
            'span',
            { class: `badge badge--${flagged ? 'critical' : 'success'}` },
            t(flagged ? 'verdict_flagged' : 'verdict_earned'),
          ),
        ),
        why.length
          ? h(
              'ul',
              { class: 'verdict__reasons' },
              ...why.map((r) => h('li', {}, h('code', {}, r.reason), r.message ? ` ${r.message}` : '')),
            )
          : h('p', { class: 'verdict__reasons' }, t('verdict_all_earned')),
        h(
          'p',
          { class: 'verdict__meta' },
          programs.join(', '),
          programs.length ? ' · ' : '',
          timeElement(record.received_at),
          tags ? ` · ${t('verdict_tags', { tags })}` : '',
        ),
      ),
    );
  }
}

customElements.define('tiercart-verdict-list', TiercartVerdictList);
