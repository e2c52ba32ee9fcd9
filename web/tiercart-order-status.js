// <tiercart-order-status>: the order status page after checkout. Offers the customer adds with
// one click, the time left to change the order (a live countdown), and a shipping address form
// checked by the wasm core as the customer types (docs/post-purchase-ui.md).
//
// The page gives the element its data (<script type="application/json" data-tiercart-order>:
// offers, edit eligibility, address, endpoints) and its strings (data-tiercart-strings, from
// the theme's locales). Prices are written by the core's formatter; the server recomputes
// every price and decision, so what is shown here is never trusted there.

import { formatTimeLeft } from './tiercart-format.js';
import { h, readData, translate } from './tiercart-util.js';

const base = new URL('./', import.meta.url);
let corePromise = null;
// The core is fetched on first need (the address form's first keystroke, or a price to write),
// so the page itself loads nothing heavy.
const loadCore = () =>
  (corePromise ??= import(new URL('tiercart.js', base).href).then((m) => m.createTiercartOrders()));
const cssPromise = new Promise((resolve) => {
  const link = h('link', { rel: 'stylesheet', href: new URL('tiercart-order-status.css', base).href });
  link.addEventListener('load', resolve);
  link.addEventListener('error', resolve);
  document.head.append(link);
});

const FIELDS = ['first_name', 'last_name', 'address1', 'address2', 'city', 'province_code', 'zip', 'country_code'];
const AUTOCOMPLETE = {
  first_name: 'shipping given-name',
  last_name: 'shipping family-name',
  address1: 'shipping address-line1',
  address2: 'shipping address-line2',
  city: 'shipping address-level2',
  province_code: 'shipping address-level1',
  zip: 'shipping postal-code',
  country_code: 'shipping country',
};
// Announced once each as the window runs out; the visible countdown itself is not live.
const ANNOUNCE_AT_MINUTES = [15, 5, 1];

async function postJson(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  let json = null;
  try {
    json = await response.json();
  } catch {
    // Not JSON: the status says enough.
  }
  return { ok: response.ok, status: response.status, json };
}

export class TiercartOrderStatus extends HTMLElement {
  #timer = null;
  #checkTimer = null;
  #announced = new Set();
  #touched = new Set();
  #deadline = 0;
  #ticked = false;
  #added = new Map();
  // The confirmation of each offer added, shown in its card, where the customer clicked.
  #confirmations = new Map();

  connectedCallback() {
    if (!this.data) {
      this.data = readData(this, 'order') || {};
      this.strings = readData(this, 'strings') || {};
    }
    this.#build();
    loadCore().then(
      (core) => {
        this.core = core;
        this.#renderOffers();
      },
      () => {},
    );
  }

  disconnectedCallback() {
    clearInterval(this.#timer);
    clearTimeout(this.#checkTimer);
  }

  t(key, vars) {
    return translate(this.strings, key, vars);
  }

  // Minor units of the order's currency, written by the core; plain digits until it loads.
  money(amount) {
    if (!this.core) return `${amount} ${this.data.currency || ''}`.trim();
    return this.core.formatMoney(amount, this.data.currency, this.data.money_format || '', 'minor_units');
  }

  #build() {
    this.replaceChildren();
    this.status = h('p', { class: 'tiercart-os__status', role: 'status', 'aria-live': 'polite', 'data-status': '' });
    this.offersList = h('ul', { class: 'tiercart-os__offers', role: 'list' });
    // Offers are confirmed in their card; this region only announces it.
    this.offerStatus = h('p', { class: 'tiercart-visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.offersSection = h(
      'section',
      { class: 'tiercart-os__section', 'aria-labelledby': 'tiercart-os-offers' },
      h('h2', { id: 'tiercart-os-offers' }, this.t('offers_title')),
      this.offersList,
      this.offerStatus,
    );
    this.windowText = h('p', { class: 'tiercart-os__countdown', 'data-countdown': '' });
    this.windowAnnounce = h('p', { class: 'tiercart-visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.form = this.#buildForm();
    this.editSection = h(
      'section',
      { class: 'tiercart-os__section', 'aria-labelledby': 'tiercart-os-edit' },
      h('h2', { id: 'tiercart-os-edit' }, this.t('window_title')),
      this.windowText,
      this.windowAnnounce,
      this.form,
    );
    this.append(this.offersSection, this.editSection, this.status);
    this.#renderOffers();
    this.#startCountdown();
  }

  // --- offers ---------------------------------------------------------------------------

  #renderOffers() {
    const offers = (this.data.offers || []).filter((offer) => !this.#added.has(offer.id));
    this.offersSection.hidden = offers.length === 0 && this.#added.size === 0;
    const item = (offer, added) => {
      const price = this.money(offer.price.amount);
      const button = added
        ? h('button', { class: 'button tiercart-os__add', type: 'button', disabled: true }, this.t('added'))
        : h(
            'button',
            {
              class: 'button tiercart-os__add',
              type: 'button',
              'aria-describedby': `tiercart-os-offer-${offer.id}`,
              'data-offer': offer.id,
            },
            this.t('add'),
          );
      if (!added) button.addEventListener('click', () => this.#accept(offer, button));
      const was =
        offer.original_price && offer.original_price.amount !== offer.price.amount
          ? this.money(offer.original_price.amount)
          : null;
      return h(
        'li',
        { class: 'tiercart-os__offer', 'data-offer-id': offer.id },
        h('p', { class: 'tiercart-os__offer-title', id: `tiercart-os-offer-${offer.id}` }, offer.title),
        offer.reason ? h('p', { class: 'tiercart-os__reason' }, offer.reason) : null,
        offer.discount?.title ? h('p', { class: 'tiercart-os__discount' }, offer.discount.title) : null,
        h(
          'p',
          { class: 'tiercart-os__price' },
          h('span', { 'data-offer-price': '' }, price),
          was ? h('s', { class: 'tiercart-os__was', 'aria-hidden': 'true' }, was) : null,
          was ? h('span', { class: 'tiercart-visually-hidden' }, this.t('regular_price', { price: was })) : null,
        ),
        button,
        this.#confirmations.has(offer.id)
          ? h('p', { class: 'tiercart-os__confirmation', 'data-confirmation': '' }, this.#confirmations.get(offer.id))
          : null,
      );
    };
    this.offersList.replaceChildren(
      ...[...this.#added.values()].map((offer) => item(offer, true)),
      ...offers.map((offer) => item(offer, false)),
    );
  }

  async #accept(offer, button) {
    if (button.disabled) return;
    button.disabled = true;
    button.textContent = this.t('adding');
    try {
      // The price the customer saw goes along only to be compared: the server prices the line.
      const { ok, json } = await postJson(new URL(offer.id, new URL(this.data.endpoints.accept, location.href)).href, {
        price: offer.price,
      });
      if (ok) {
        const price = this.money(offer.price.amount);
        const total = this.#cents(json.total_price);
        const confirmation = this.t('added_status', { title: offer.title, price, total });
        this.#added.set(offer.id, offer);
        this.#confirmations.set(offer.id, confirmation);
        if (json.offers) this.data.offers = json.offers;
        this.#renderOffers();
        this.offersList.querySelector(`[data-offer-id="${CSS.escape(offer.id)}"] button`)?.focus();
        this.#updateOrder(json);
        this.#say(confirmation, this.offerStatus);
        this.dispatchEvent(new CustomEvent('tiercart:order-updated', { bubbles: true, detail: json }));
        return;
      }
      if (json?.error?.code === 'price_mismatch' && json.error.offer) {
        Object.assign(offer, json.error.offer);
        this.#renderOffers();
        this.#say(this.t('price_changed', { title: offer.title, price: this.money(offer.price.amount) }));
        return;
      }
      this.#say(this.t(json?.error?.code === 'offer_unavailable' ? 'unavailable' : 'failed'));
    } catch {
      this.#say(this.t('failed'));
    }
    button.disabled = false;
    button.textContent = this.t('add');
  }

  // An amount of the store's answers (cents, as cart.js), written by the core.
  #cents(amount) {
    return this.core
      ? this.core.formatMoney(amount, this.data.currency, this.data.money_format || '', 'cents')
      : String(amount);
  }

  // The order summary the page shows, updated in place: the line added and the new total, in the
  // elements the theme marks (data-tiercart-order-lines, data-tiercart-order-total). Without
  // them the page is left as it is and the confirmation says the new total.
  #updateOrder(json) {
    const total = document.querySelector('[data-tiercart-order-total]');
    if (total && json.total_price !== undefined) total.textContent = this.#cents(json.total_price);
    const lines = document.querySelector('[data-tiercart-order-lines]');
    const line = json.line;
    if (!lines || !line || json.duplicate) return;
    const title = line.variant_title ? `${line.title} - ${line.variant_title}` : line.title;
    lines.append(
      h(
        'li',
        { 'data-variant': line.variant_id, 'data-tiercart-added': '' },
        this.t('order_line', { quantity: line.quantity, title, price: this.#cents(line.final_line_price) }),
      ),
    );
  }

  #say(text, region = this.status) {
    // Cleared first so that the same sentence twice is announced twice.
    region.textContent = '';
    requestAnimationFrame(() => {
      region.textContent = text;
    });
  }

  // --- edit window ----------------------------------------------------------------------

  #startCountdown() {
    const eligibility = this.data.eligibility || {};
    const until = eligibility.deadlines?.address || null;
    // Measured from this page's clock: seconds_left is the server's view at render time.
    this.#deadline =
      until && eligibility.allowed?.includes('address') ? Date.now() + eligibility.seconds_left * 1000 : 0;
    clearInterval(this.#timer);
    this.#tick();
    if (this.#deadline) this.#timer = setInterval(() => this.#tick(), 1000);
  }

  #tick() {
    const left = Math.max(0, Math.round((this.#deadline - Date.now()) / 1000));
    if (left <= 0) {
      clearInterval(this.#timer);
      this.windowText.textContent = this.t('window_closed');
      if (this.#deadline && !this.#announced.has(0)) {
        this.#announced.add(0);
        this.windowAnnounce.textContent = this.t('window_closed');
      }
      this.form.hidden = true;
      return;
    }
    const minutes = Math.floor(left / 60);
    this.windowText.textContent = this.t('window_open', { time: formatTimeLeft(left) });
    for (const mark of ANNOUNCE_AT_MINUTES) {
      if (minutes >= mark || this.#announced.has(mark)) continue;
      this.#announced.add(mark);
      // Marks already passed when the page opens are not announced: the text is on the page.
      if (this.#ticked) this.windowAnnounce.textContent = this.t('window_announce', { minutes: mark });
    }
    this.#ticked = true;
  }

  // --- address form ---------------------------------------------------------------------

  #buildForm() {
    const address = this.data.shipping_address || {};
    const form = h(
      'form',
      { class: 'tiercart-os__form', novalidate: true, 'aria-labelledby': 'tiercart-os-address' },
      h('h3', { id: 'tiercart-os-address' }, this.t('address_title')),
    );
    this.inputs = {};
    this.errors = {};
    for (const field of FIELDS) {
      const id = `tiercart-os-${field}`;
      const input = h('input', {
        id,
        name: field,
        type: 'text',
        autocomplete: AUTOCOMPLETE[field],
        value: address[field] || '',
        'aria-describedby': `${id}-error`,
      });
      const error = h('p', { id: `${id}-error`, class: 'tiercart-os__field-error', 'data-error-for': field });
      input.addEventListener('input', () => {
        this.#touched.add(field);
        this.#scheduleCheck();
      });
      input.addEventListener('blur', () => {
        this.#touched.add(field);
        this.#scheduleCheck(0);
      });
      this.inputs[field] = input;
      this.errors[field] = error;
      form.append(h('div', { class: 'tiercart-os__field' }, h('label', { for: id }, this.t(field)), input, error));
    }
    this.saveButton = h('button', { class: 'button', type: 'submit' }, this.t('save'));
    form.append(this.saveButton);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#save();
    });
    return form;
  }

  #values() {
    const values = {};
    for (const field of FIELDS) if (this.inputs[field].value.trim() !== '') values[field] = this.inputs[field].value;
    return values;
  }

  #scheduleCheck(delay = 150) {
    clearTimeout(this.#checkTimer);
    this.#checkTimer = setTimeout(() => this.#check(), delay);
  }

  // The core's verdict on the form as it stands; errors shown only on fields already touched.
  async #check(all = false) {
    let core;
    try {
      core = await loadCore();
    } catch {
      return null; // no core: the server checks on save
    }
    let result;
    try {
      result = core.checkAddress(this.#values(), this.data.address_options || {});
    } catch {
      return null;
    }
    this.#showProblems(result.problems, all);
    return result;
  }

  #showProblems(problems, all) {
    const byField = new Map();
    for (const problem of problems || []) if (!byField.has(problem.field)) byField.set(problem.field, problem);
    for (const field of FIELDS) {
      const problem = byField.get(field);
      const shown = problem && (all || this.#touched.has(field));
      this.errors[field].textContent = shown ? this.t(`error_${problem.code}`) || problem.message : '';
      if (shown && problem.severity === 'error') this.inputs[field].setAttribute('aria-invalid', 'true');
      else this.inputs[field].removeAttribute('aria-invalid');
    }
  }

  async #save() {
    const checked = await this.#check(true);
    if (checked && !checked.ok) {
      this.#say(this.t('invalid'));
      this.form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    this.saveButton.disabled = true;
    this.saveButton.textContent = this.t('saving');
    try {
      const { ok, json } = await postJson(this.data.endpoints.address, this.#values());
      if (ok) {
        for (const field of FIELDS) this.inputs[field].value = json.shipping_address?.[field] || '';
        this.#showProblems(json.problems, true);
        this.#say(this.t('saved'));
      } else if (json?.error?.code === 'invalid_address') {
        this.#showProblems(json.error.problems, true);
        this.#say(this.t('invalid'));
      } else if (json?.error?.code === 'edit_window_closed') {
        this.#deadline = 0;
        this.#tick();
        this.#say(this.t('window_closed'));
      } else {
        this.#say(this.t('failed'));
      }
    } catch {
      this.#say(this.t('failed'));
    }
    this.saveButton.disabled = false;
    this.saveButton.textContent = this.t('save');
  }
}

cssPromise.then(() => {
  if (!customElements.get('tiercart-order-status')) customElements.define('tiercart-order-status', TiercartOrderStatus);
});
