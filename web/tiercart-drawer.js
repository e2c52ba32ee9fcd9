// <tiercart-drawer>: the slide-out cart. A modal <dialog> with the cart's lines, steppers,
// subtotal, checkout, the reward bars, unlocked rewards, gift pickers and in-cart offers.
//
// Every cart change goes through one CartQueue: the shopper's change, then (when nothing else
// is queued) a sync that reads cart.js, evaluates it with the wasm core and applies the core's
// gift actions. A failed request shows the store's error text and the drawer re-renders from
// the cart the store actually holds (the rollback of any optimistic change).
//
// Loaded lazily by tiercart-loader.js, which calls ready() and then open()/addFromForm()/refresh().

import { CartQueue, CartRequestError, cartRequest } from './tiercart-cart.js';
import { h, readData, safeUrl, translate, withThemeBars } from './tiercart-util.js';
import './tiercart-progress.js';

performance.mark('tiercart:drawer-module');
const base = new URL('./', import.meta.url);
// Start fetching and compiling the core as soon as this module loads.
const corePromise = import(new URL('tiercart.js', base).href).then((m) => m.createTiercart());
const cssPromise = new Promise((resolve) => {
  const link = h('link', { rel: 'stylesheet', href: new URL('tiercart.css', base).href });
  link.addEventListener('load', resolve);
  link.addEventListener('error', resolve);
  document.head.append(link);
  setTimeout(resolve, 3000);
});

const GIFT_PROPERTY = '_tiercart';

// Gives the main thread back to the page (input, rendering) between two pieces of work.
const yieldToMain = () =>
  globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
const MAX_SYNC_ROUNDS = 4;

// Dawn's pub/sub (pubsub.js, constants.js): `subscribe`/`publish` are global functions and
// PUB_SUB_EVENTS a global `const`, which is a binding of the global scope, not a property of
// window; a module reads it by its bare name.
function dawnPubSub() {
  try {
    // eslint-disable-next-line no-undef
    const events = typeof PUB_SUB_EVENTS !== 'undefined' ? PUB_SUB_EVENTS : window.PUB_SUB_EVENTS;
    if (typeof window.subscribe === 'function' && typeof window.publish === 'function' && events?.cartUpdate) {
      return { subscribe: window.subscribe, publish: window.publish, cartUpdate: events.cartUpdate };
    }
  } catch {
    // Not Dawn.
  }
  return null;
}

const isGiftLine = (item) => Boolean(item.properties && GIFT_PROPERTY in item.properties);

export class TiercartDrawer extends HTMLElement {
  queue = new CartQueue();
  cart = null;
  evaluation = null;
  #core = null;
  #opener = null;
  #built = false;
  #announced = null;
  #failedGifts = new Set();

  connectedCallback() {
    // The block's data is read once: building the drawer replaces those <script> children, and
    // a theme may move the element (disconnect, connect again).
    if (!this.#built) {
      this.program = readData(this, 'program');
      if (this.dataset.programSource === 'settings') {
        const bars = [...document.querySelectorAll('script[data-tiercart-bar]')].map((node) => [
          node.dataset.tiercartBar,
          node.textContent,
        ]);
        this.program = withThemeBars(this.program, bars);
      }
      // Sent to the core as text: written once, not on every evaluation.
      this.programText = this.program ? JSON.stringify(this.program) : null;
      this.baseContext = readData(this, 'context') || {};
      this.strings = readData(this, 'strings') || {};
      this.openOnAdd = this.dataset.openOnAdd !== 'false';
      this.choicesKey = `tiercart:choices:${this.program?.id}`;
      try {
        this.giftChoices = JSON.parse(sessionStorage.getItem(this.choicesKey)) || {};
      } catch {
        this.giftChoices = {};
      }
    }
    this.#build();
    this.onKeydown = (event) => this.#trapFocus(event);
    this.dialog.addEventListener('keydown', this.onKeydown);
    // Dawn's pub/sub: refresh after the theme's own cart changes (ignoring our own).
    this.dawn = dawnPubSub();
    if (this.dawn) {
      this.unsubscribe = this.dawn.subscribe(this.dawn.cartUpdate, (event) => {
        if (event?.source === 'tiercart') return;
        if (event?.source === 'product-form' && this.openOnAdd) this.open();
        this.refresh();
      });
    }
  }

  disconnectedCallback() {
    this.dialog?.removeEventListener('keydown', this.onKeydown);
    this.unsubscribe?.();
  }

  t(key, vars) {
    return translate(this.strings, key, vars);
  }

  get moneyFormat() {
    return this.baseContext.money_format;
  }

  #build() {
    if (this.#built) return;
    this.#built = true;
    const s = (key) => this.t(key);
    this.status = h('div', { class: 'tiercart-visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.closeButton = h(
      'button',
      { type: 'button', class: 'tiercart-close', 'aria-label': s('close'), onclick: () => this.close() },
      '×',
    );
    this.progress = h('tiercart-progress', { class: 'tiercart-progress' });
    this.rewards = h('div', { class: 'tiercart-rewards' });
    this.error = h('p', { class: 'tiercart-error', role: 'alert' });
    this.lines = h('ul', { class: 'tiercart-lines', 'aria-label': s('title') });
    this.emptyText = h('p', { class: 'tiercart-empty', hidden: true }, s('empty'));
    this.offers = h('div', { class: 'tiercart-offers' });
    this.discountInput = h('input', {
      id: 'tiercart-discount',
      name: 'discount',
      autocomplete: 'off',
      class: 'tiercart-discount__input',
    });
    this.discountCodes = h('ul', { class: 'tiercart-discount__codes' });
    const discountForm = h(
      'form',
      { class: 'tiercart-discount', onsubmit: (event) => this.#applyDiscount(event) },
      h('label', { for: 'tiercart-discount' }, s('discount')),
      h(
        'div',
        { class: 'tiercart-discount__row' },
        this.discountInput,
        h('button', { type: 'submit', class: 'tiercart-button tiercart-button--secondary' }, s('apply')),
      ),
      this.discountCodes,
    );
    this.subtotal = h('span', { class: 'tiercart-subtotal__amount' });
    this.checkout = h(
      'a',
      { class: 'tiercart-button tiercart-checkout', href: `${window.Shopify?.routes?.root || '/'}checkout` },
      s('checkout'),
    );
    this.dialog = h(
      'dialog',
      { class: 'tiercart-dialog', 'aria-labelledby': 'tiercart-title', 'aria-busy': 'false' },
      h(
        'div',
        { class: 'tiercart-panel' },
        h(
          'div',
          { class: 'tiercart-header' },
          h('h2', { id: 'tiercart-title', class: 'tiercart-title' }, s('title')),
          this.closeButton,
        ),
        h(
          'div',
          { class: 'tiercart-body' },
          this.error,
          this.progress,
          this.rewards,
          this.lines,
          this.emptyText,
          this.offers,
        ),
        h(
          'div',
          { class: 'tiercart-footer' },
          discountForm,
          h('p', { class: 'tiercart-subtotal' }, h('span', {}, s('subtotal')), this.subtotal),
          this.checkout,
        ),
      ),
    );
    this.dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      this.close();
    });
    this.dialog.addEventListener('click', (event) => {
      if (event.target === this.dialog) this.close(); // the backdrop
    });
    this.error.hidden = true;
    this.replaceChildren(this.status, this.dialog);
    this.hidden = false;
  }

  // Loaded and evaluated once: the loader awaits this before anything else.
  async ready() {
    if (!this.readyPromise) {
      this.readyPromise = (async () => {
        this.#core = await corePromise.catch((error) => {
          console.warn('tiercart: core not loaded', error);
          return null;
        });
        performance.mark('tiercart:core-ready');
        // The first calls compile most of the wasm functions (V8 compiles them lazily, on first
        // call). Warm them up in small steps, each in a task of its own, so that none of them,
        // nor the first real sync, is a long task blocking the page.
        const warmUps = [
          (core) => core.checkProgram(this.programText),
          (core) =>
            core.evaluate(this.programText, { currency: this.baseContext.shop_currency || 'USD', items: [] }, null),
          (core) =>
            core.evaluate(
              this.programText,
              { currency: this.baseContext.shop_currency || 'USD', items: [] },
              { ...this.baseContext, presentment_currency: this.baseContext.shop_currency },
            ),
        ];
        for (const warmUp of warmUps) {
          await yieldToMain();
          if (!this.#core || !this.programText) break;
          try {
            warmUp(this.#core);
          } catch {
            // Only a warm-up: the real evaluation reports its own errors.
          }
        }
        performance.mark('tiercart:core-warm');
        await cssPromise;
        await yieldToMain();
        await this.queue.run(() => this.#sync());
        performance.mark('tiercart:ready');
      })();
    }
    return this.readyPromise;
  }

  get isOpen() {
    return this.dialog.open;
  }

  open(opener) {
    if (!this.dialog.open) {
      this.#opener = opener || document.activeElement;
      this.dialog.showModal();
      this.closeButton.focus();
      this.dataset.open = '';
    }
  }

  close() {
    if (!this.dialog.open) return;
    this.dialog.close();
    delete this.dataset.open;
    const opener = this.#opener;
    this.#opener = null;
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
  }

  #trapFocus(event) {
    if (event.key !== 'Tab') return;
    const focusable = [
      ...this.dialog.querySelectorAll(
        'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])',
      ),
    ].filter((node) => node.offsetParent !== null || node === document.activeElement);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  // After a theme's own cart change.
  refresh() {
    return this.queue.run(() => this.#sync());
  }

  // A product form submitted (the loader intercepted it).
  addFromForm(formData, opener) {
    const item = { id: Number(formData.get('id')), quantity: Number(formData.get('quantity') || 1) };
    const properties = {};
    for (const [name, value] of formData) {
      const m = /^properties\[(.+)\]$/.exec(name);
      if (m && typeof value === 'string' && value !== '') properties[m[1]] = value;
    }
    if (Object.keys(properties).length) item.properties = properties;
    return this.addItems([item], opener);
  }

  addItems(items, opener) {
    if (this.openOnAdd) this.open(opener);
    return this.#mutate(() => cartRequest('cart/add.js', { items }));
  }

  setQuantity(key, quantity) {
    const optimistic = (cart) => {
      const item = cart.items.find((i) => i.key === key);
      if (item) {
        if (quantity === 0) cart.items.splice(cart.items.indexOf(item), 1);
        else {
          item.final_line_price = item.final_price * quantity;
          item.quantity = quantity;
        }
      }
      return cart;
    };
    return this.#mutate(() => cartRequest('cart/change.js', { id: key, quantity }), optimistic);
  }

  // A user change: shown at once when it can be (optimistic), then sent in its turn.
  #mutate(request, optimistic) {
    this.#clearError();
    if (optimistic && this.cart) {
      this.displayed = optimistic(structuredClone(this.displayed || this.cart));
      this.#keepFocus(() => this.#renderCart(this.displayed));
    }
    this.dialog.setAttribute('aria-busy', 'true');
    return this.queue.run(async () => {
      let answer;
      try {
        answer = await request();
      } catch (error) {
        this.#showError(error);
        // Roll back: whatever was shown, show what the store holds.
        this.displayed = null;
        await this.#sync({ force: true });
        return;
      }
      // Under fast clicks, only the last queued change syncs the gifts.
      // change.js and update.js answer with the whole cart: no need to read it again.
      const fullCart = answer && Array.isArray(answer.items) && 'item_count' in answer ? answer : null;
      if (fullCart) this.cart = fullCart;
      if (this.queue.waiting === 0) await this.#sync({ cart: fullCart });
    });
  }

  async #sync({ force = false, cart = null } = {}) {
    try {
      // Read, evaluate, apply; read again after every round of actions, so what is shown is
      // always what the store holds. At most MAX_SYNC_ROUNDS - 1 rounds of actions.
      let giveUp = false;
      for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
        this.cart = round === 0 && cart ? cart : await cartRequest('cart.js');
        this.evaluation = this.#evaluate(this.cart);
        const actions = this.evaluation?.actions || [];
        if (!actions.length || giveUp || round === MAX_SYNC_ROUNDS - 1 || this.queue.waiting > 0) break;
        for (const action of actions) {
          try {
            await this.#apply(action);
          } catch (error) {
            // A gift the store refuses as sold out is not asked for again.
            if (action.type === 'add' && error.status === 422) this.#failedGifts.add(action.variant_id);
            this.#showError(error);
            // One more round may succeed (a refused gift is now skipped); after that, stop.
            if (round > 0) giveUp = true;
            break;
          }
        }
      }
    } catch (error) {
      if (!force) this.#showError(error);
    }
    if (this.queue.waiting === 0) {
      this.displayed = null;
      this.dialog.removeAttribute('aria-busy');
      this.dialog.setAttribute('aria-busy', 'false');
    }
    this.#render();
  }

  #apply(action) {
    if (action.type === 'add') {
      return cartRequest('cart/add.js', {
        // The core writes the line's properties ({_tiercart: "<program>@<version>:<tier>"}).
        items: [
          {
            id: action.variant_id,
            quantity: action.quantity,
            properties: action.properties || { [GIFT_PROPERTY]: action.property },
          },
        ],
      });
    }
    const quantity = action.type === 'remove' ? 0 : action.quantity;
    return cartRequest('cart/change.js', action.key ? { id: action.key, quantity } : { line: action.line, quantity });
  }

  #context(cart) {
    const context = { ...this.baseContext, variants: { ...(this.baseContext.variants || {}) } };
    const currency = window.Shopify?.currency;
    context.presentment_currency = cart.currency || currency?.active || context.shop_currency;
    if (currency?.rate) context.rate = String(currency.rate);
    context.locale = window.Shopify?.locale || context.locale;
    context.now = new Date().toISOString();
    if (Object.keys(this.giftChoices).length) context.gift_choices = this.giftChoices;
    // A gift the store refused (sold out since the page was rendered) is out of stock now.
    for (const id of this.#failedGifts) context.variants[id] = { ...context.variants[id], available: 0 };
    return context;
  }

  #evaluate(cart) {
    if (!this.#core || !this.program) return null;
    try {
      return this.#core.evaluate(this.programText, cart, this.#context(cart));
    } catch (error) {
      console.warn('tiercart: evaluation failed', error.code, error.path, error.message);
      return null;
    }
  }

  chooseGift(tier, variantId) {
    this.giftChoices = { ...this.giftChoices, [tier]: [variantId] };
    try {
      sessionStorage.setItem(this.choicesKey, JSON.stringify(this.giftChoices));
    } catch {
      // Private mode: the choice lasts for this page.
    }
    this.#clearError();
    return this.queue.run(() => this.#sync());
  }

  #applyDiscount(event) {
    event.preventDefault();
    const code = this.discountInput.value.trim();
    if (!code) return;
    const codes = (this.cart?.discount_codes || [])
      .map((d) => d.code)
      .filter((c) => c.toUpperCase() !== code.toUpperCase());
    this.discountInput.value = '';
    return this.#mutate(() => cartRequest('cart/update.js', { discount: [...codes, code].join(',') }));
  }

  #removeDiscount(code) {
    const codes = (this.cart?.discount_codes || []).map((d) => d.code).filter((c) => c !== code);
    return this.#mutate(() => cartRequest('cart/update.js', { discount: codes.join(',') }));
  }

  #showError(error) {
    const text =
      error instanceof CartRequestError
        ? error.description || this.t(error.status === 0 ? 'network_error' : 'error')
        : this.t('error');
    this.error.textContent = text;
    this.error.hidden = false;
  }

  #clearError() {
    this.error.textContent = '';
    this.error.hidden = true;
  }

  // Re-rendering replaces the lines and pickers: keep keyboard focus on the same control (or,
  // when its line is gone, on the close button) rather than dropping it to the page.
  #keepFocus(render) {
    const active = document.activeElement;
    const key = active && this.dialog.contains(active) ? active.dataset.focusKey : undefined;
    render();
    if (key === undefined || active.isConnected) return;
    const same = [...this.dialog.querySelectorAll('[data-focus-key]')].find((node) => node.dataset.focusKey === key);
    (same && !same.disabled ? same : this.closeButton).focus();
  }

  #render() {
    this.#keepFocus(() => this.#renderNow());
  }

  #renderNow() {
    if (!this.cart) return;
    this.#renderCart(this.cart);
    const evaluation = this.evaluation;
    this.progress.update(evaluation, this.strings);
    this.#renderRewards(evaluation);
    this.#renderOffers(evaluation);
    this.#announce(evaluation);
    window.tiercart = { ...(window.tiercart || {}), lastEvaluation: { evaluation, strings: this.strings } };
    document.dispatchEvent(
      new CustomEvent('tiercart:evaluation', { detail: { evaluation, strings: this.strings, source: 'tiercart' } }),
    );
    document.dispatchEvent(
      new CustomEvent('tiercart:cart-updated', { detail: { cart: this.cart, source: 'tiercart' } }),
    );
    for (const node of document.querySelectorAll('[data-tiercart-count]'))
      node.textContent = String(this.cart.item_count);
    this.dawn?.publish(this.dawn.cartUpdate, { source: 'tiercart', cartData: this.cart });
    this.dataset.ready = '';
  }

  #renderCart(cart) {
    if (this.displayed && this.queue.waiting > 0) cart = this.displayed;
    // Written by the core, like every amount the bars show; without it (it failed to load)
    // amounts are left out rather than formatted by a second set of rules.
    const cartAmounts = this.baseContext.cart_amounts || 'cents';
    const money = (cents) =>
      this.#core ? this.#core.formatMoney(cents, cart.currency, this.moneyFormat, cartAmounts) : '';
    this.lines.replaceChildren(...cart.items.map((item) => this.#line(item, money)));
    this.emptyText.hidden = cart.items.length > 0;
    this.subtotal.textContent = money(cart.total_price);
    this.checkout.hidden = cart.items.length === 0;
    this.discountCodes.replaceChildren(
      ...(cart.discount_codes || []).map((d) =>
        h(
          'li',
          { class: 'tiercart-discount__code', 'data-applicable': String(d.applicable !== false) },
          h('span', {}, this.t(d.applicable === false ? 'discount_invalid' : 'discount_applied', { code: d.code })),
          h(
            'button',
            {
              type: 'button',
              class: 'tiercart-link',
              'data-focus-key': `code:${d.code}`,
              'aria-label': this.t('remove_discount', { code: d.code }),
              onclick: () => this.#removeDiscount(d.code),
            },
            '×',
          ),
        ),
      ),
    );
  }

  #line(item, money) {
    const gift = isGiftLine(item);
    const title = item.product_title || item.title;
    const details = [];
    if (item.variant_title) details.push(item.variant_title);
    for (const [name, value] of Object.entries(item.properties || {})) {
      if (!name.startsWith('_') && value !== '') details.push(`${name}: ${value}`);
    }
    const image = safeUrl(item.featured_image?.url || item.image);
    const controls = gift
      ? h(
          'p',
          { class: 'tiercart-line__gift' },
          h('span', { class: 'tiercart-badge' }, this.t('free_gift')),
          h('span', { class: 'tiercart-line__fixed', 'aria-hidden': 'true' }, `× ${item.quantity}`),
          h('span', { class: 'tiercart-visually-hidden' }, `${this.t('gift_locked')} (${item.quantity})`),
        )
      : h(
          'div',
          { class: 'tiercart-stepper' },
          h(
            'button',
            {
              type: 'button',
              class: 'tiercart-stepper__button',
              'data-action': 'decrease',
              'data-focus-key': `${item.key}:decrease`,
              'aria-label': this.t('decrease', { title: item.title }),
              onclick: () => this.#step(item.key, -1),
            },
            '−',
          ),
          h('input', {
            type: 'number',
            min: '0',
            inputmode: 'numeric',
            class: 'tiercart-stepper__input',
            'data-focus-key': `${item.key}:quantity`,
            value: String(item.quantity),
            onkeydown: (event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                event.target.dispatchEvent(new Event('change'));
              }
            },
            'aria-label': this.t('quantity', { title: item.title }),
            onchange: (event) => {
              const quantity = Number.parseInt(event.target.value, 10);
              if (Number.isInteger(quantity) && quantity >= 0) this.setQuantity(item.key, quantity);
            },
          }),
          h(
            'button',
            {
              type: 'button',
              class: 'tiercart-stepper__button',
              'data-action': 'increase',
              'data-focus-key': `${item.key}:increase`,
              'aria-label': this.t('increase', { title: item.title }),
              onclick: () => this.#step(item.key, 1),
            },
            '+',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'tiercart-link tiercart-remove',
              'data-focus-key': `${item.key}:remove`,
              'aria-label': this.t('remove', { title: item.title }),
              onclick: () => this.setQuantity(item.key, 0),
            },
            this.t('remove', { title: '' }).trim() || '×',
          ),
        );
    return h(
      'li',
      {
        class: 'tiercart-line',
        'data-key': item.key,
        'data-variant': item.variant_id,
        'data-gift': gift ? 'true' : 'false',
      },
      image
        ? h('img', { src: image, alt: '', width: '64', height: '64', loading: 'lazy', class: 'tiercart-line__image' })
        : h('span'),
      h(
        'div',
        { class: 'tiercart-line__info' },
        safeUrl(item.url)
          ? h('a', { href: safeUrl(item.url), class: 'tiercart-line__title' }, title)
          : h('span', { class: 'tiercart-line__title' }, title),
        ...details.map((text) => h('p', { class: 'tiercart-line__detail' }, text)),
        controls,
      ),
      h('p', { class: 'tiercart-line__price' }, gift ? this.t('free_gift') : money(item.final_line_price)),
    );
  }

  #step(key, delta) {
    const shown = (this.displayed || this.cart)?.items.find((i) => i.key === key);
    if (!shown) return;
    this.setQuantity(key, Math.max(0, shown.quantity + delta));
  }

  #renderRewards(evaluation) {
    const rewards = evaluation?.rewards || [];
    const list = h(
      'ul',
      { class: 'tiercart-rewards__list' },
      ...rewards.map((reward) =>
        h(
          'li',
          { class: 'tiercart-reward', 'data-tier': reward.tier, 'data-type': reward.type },
          this.t('unlocked', { reward: reward.label }),
        ),
      ),
    );
    const pickers = rewards
      .filter((reward) => reward.type === 'free_gift' && (reward.options || []).length > 1)
      .map((reward) => this.#picker(reward));
    this.rewards.replaceChildren(...(rewards.length ? [list] : []), ...pickers);
  }

  #picker(reward) {
    const name = `tiercart-gift-${reward.tier}`;
    const chosen = new Set(reward.chosen || []);
    const multiple = (reward.choose || 1) > 1;
    return h(
      'fieldset',
      { class: 'tiercart-picker', 'data-choice-required': reward.choice_required ? 'true' : 'false' },
      h('legend', {}, this.t('choose_gift', { reward: reward.label })),
      ...reward.options.map((option) => {
        const id = `${name}-${option.variant_id}`;
        const input = h('input', {
          type: multiple ? 'checkbox' : 'radio',
          id,
          'data-focus-key': id,
          name,
          value: String(option.variant_id),
          checked: chosen.has(option.variant_id),
          disabled: !option.available,
          onchange: () => this.chooseGift(reward.tier, option.variant_id),
        });
        const label = option.available ? option.title : `${option.title} (${this.t('sold_out')})`;
        return h('div', { class: 'tiercart-picker__option' }, input, h('label', { for: id }, label));
      }),
    );
  }

  #renderOffers(evaluation) {
    const offers = evaluation?.offers || [];
    const tierLabel = (id) => {
      for (const bar of evaluation?.bars || []) for (const tier of bar.tiers) if (tier.id === id) return tier.label;
      return '';
    };
    this.offers.replaceChildren(
      ...(offers.length
        ? [
            h('h3', { class: 'tiercart-offers__title' }, this.t('offers')),
            h(
              'ul',
              { class: 'tiercart-offers__list' },
              ...offers.map((offer) =>
                h(
                  'li',
                  { class: 'tiercart-offer', 'data-variant': offer.variant_id },
                  h(
                    'span',
                    { class: 'tiercart-offer__title' },
                    offer.title,
                    h(
                      'span',
                      { class: 'tiercart-offer__note' },
                      this.t(offer.reaches_tier ? 'offer_unlocks' : 'offer_closer', { reward: tierLabel(offer.tier) }),
                    ),
                  ),
                  h('span', { class: 'tiercart-offer__price' }, offer.price_formatted || ''),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'tiercart-button tiercart-button--secondary',
                      'data-focus-key': `offer:${offer.variant_id}`,
                      'aria-label': this.t('add_offer', { title: offer.title }),
                      onclick: () => this.addItems([{ id: offer.variant_id, quantity: 1 }]),
                    },
                    this.t('add_offer', { title: '' }).trim(),
                  ),
                ),
              ),
            ),
          ]
        : []),
    );
  }

  // The live region says which rewards were just unlocked (not those the page loaded with).
  #announce(evaluation) {
    const unlocked = new Set();
    for (const bar of evaluation?.bars || []) for (const tier of bar.tiers) if (tier.unlocked) unlocked.add(tier.id);
    if (this.#announced) {
      const labels = [];
      for (const bar of evaluation?.bars || [])
        for (const tier of bar.tiers)
          if (tier.unlocked && !this.#announced.has(tier.id)) labels.push(this.t('unlocked', { reward: tier.label }));
      if (labels.length) this.status.textContent = labels.join(' ');
    }
    this.#announced = unlocked;
  }
}

if (!customElements.get('tiercart-drawer')) customElements.define('tiercart-drawer', TiercartDrawer);

// The loader's entry point: the drawer element, defined, with its first cart evaluated.
export async function ready() {
  await customElements.whenDefined('tiercart-drawer');
  const drawer = document.querySelector('tiercart-drawer');
  if (drawer) await drawer.ready();
  return drawer;
}
