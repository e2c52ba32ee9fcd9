// <tiercart-write-list>: the updates Shopify refused (a flagged order's tags, a customer's new
// address or added offer, a program to publish), why, and a button to send each again once the
// cause is fixed (GET /admin/outbox, POST /admin/outbox/{id}/retry). Empty, and hidden, when
// Shopify took every update.
import { h } from '../tiercart-util.js';
import { timeElement } from './dates.js';

// What each kind of write does, in the merchant's words.
const KINDS = {
  tags_add: 'write_tags',
  order_update: 'write_address',
  order_edit: 'write_offer',
  metafields_set: 'write_program',
};

export class TiercartWriteList extends HTMLElement {
  // `writes`: GET /admin/outbox's list; `retry(id)`: sends one again, resolves when done.
  render(writes, t, retry) {
    const failed = (Array.isArray(writes) ? writes : []).filter((w) => w.state === 'failed');
    this.hidden = failed.length === 0;
    if (this.hidden) return this.replaceChildren();
    // The order a write is about, from its key ("tags:1001", "offer:1001:scarf").
    const order = (key) => String(key).split(':')[1] || '';
    this.replaceChildren(
      h('h2', { id: 'writes-heading' }, t('writes_heading')),
      h('p', { class: 'help' }, t('writes_help')),
      h(
        'ul',
        { class: 'writes', role: 'list' },
        ...failed.map((write) => {
          const button = h(
            'button',
            {
              type: 'button',
              class: 'button',
              onclick: async () => {
                button.disabled = true;
                await retry(write.id);
              },
            },
            t('write_retry'),
          );
          return h(
            'li',
            { class: 'write', 'data-write-id': String(write.id) },
            h('span', { class: 'write__what' }, t(KINDS[write.kind] || 'write_other', { order: order(write.key) })),
            h('span', { class: 'write__why' }, String(write.last_error || '')),
            h('span', { class: 'write__when' }, timeElement(write.created_at)),
            button,
          );
        }),
      ),
    );
  }
}

customElements.define('tiercart-write-list', TiercartWriteList);
