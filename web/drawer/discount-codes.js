// Discount codes: the form that applies one and the codes on the cart, each with a button that
// removes it. The store decides whether a code applies; one it does not apply is listed as such.

import { h } from '../tiercart-util.js';

export class DiscountCodes {
  // sync: the CartSync the changes go through (cart/update.js, the whole list of codes at once).
  constructor(sync, t) {
    this.sync = sync;
    this.t = t;
    this.input = h('input', {
      id: 'tiercart-discount',
      name: 'discount',
      autocomplete: 'off',
      class: 'tiercart-discount__input',
    });
    this.list = h('ul', { class: 'tiercart-discount__codes' });
    this.form = h(
      'form',
      { class: 'tiercart-discount', 'data-error-place': 'discount', onsubmit: (event) => this.#apply(event) },
      h('label', { for: 'tiercart-discount' }, t('discount')),
      h(
        'div',
        { class: 'tiercart-discount__row' },
        this.input,
        h('button', { type: 'submit', class: 'tiercart-button tiercart-button--secondary' }, t('apply')),
      ),
      this.list,
    );
  }

  // The codes of the cart shown.
  render(cart) {
    const t = this.t;
    this.list.replaceChildren(
      ...(cart.discount_codes || []).map((d) =>
        h(
          'li',
          { class: 'tiercart-discount__code', 'data-applicable': String(d.applicable !== false) },
          h('span', {}, t(d.applicable === false ? 'discount_invalid' : 'discount_applied', { code: d.code })),
          h(
            'button',
            {
              type: 'button',
              class: 'tiercart-link',
              'data-focus-key': `code:${d.code}`,
              'aria-label': t('remove_discount', { code: d.code }),
              onclick: () => this.sync.setDiscountCodes(this.#storeCodes().filter((c) => c !== d.code)),
            },
            '×',
          ),
        ),
      ),
    );
  }

  // The codes on the store's cart: a change sends the whole list.
  #storeCodes() {
    return (this.sync.cart?.discount_codes || []).map((d) => d.code);
  }

  #apply(event) {
    event.preventDefault();
    const code = this.input.value.trim();
    if (!code) return;
    const others = this.#storeCodes().filter((c) => c.toUpperCase() !== code.toUpperCase());
    this.input.value = '';
    this.sync.setDiscountCodes([...others, code]);
  }
}
