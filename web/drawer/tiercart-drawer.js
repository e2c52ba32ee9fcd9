// <tiercart-drawer>: the slide-out cart. A modal <dialog> with the reward bars, the unlocked
// rewards and gift pickers, the cart's lines, in-cart offers, discount codes, the subtotal and
// checkout. This element reads the block's data, builds the dialog, opens and closes it and
// renders each synced cart; the other files of web/drawer/ do one job each: cart-sync.js (the
// queue and the sync with the store), evaluation.js (the wasm core), cart-lines.js, rewards.js,
// gift-picker.js, offers.js and discount-codes.js (what the dialog shows), focus.js and
// theme-events.js.
//
// `make build-web` bundles this file and its imports into theme-extension/assets/
// tiercart-drawer.js, which tiercart-loader.js imports lazily, then calls ready() and
// open()/addFromForm()/refresh(). URLs below are relative to that asset.

import { CartRequestError, routesRoot } from '../tiercart-cart.js';
import { h, readData, translate } from '../tiercart-util.js';
import '../tiercart-progress.js';
import { cartLine } from './cart-lines.js';
import { CartSync, giftClaim } from './cart-sync.js';
import { DiscountCodes } from './discount-codes.js';
import { CartEvaluator, yieldToMain } from './evaluation.js';
import { keepFocus, trapFocus } from './focus.js';
import { GiftChoices } from './gift-picker.js';
import { themeSettingsChanged } from './theme-settings.js';
import { renderOffers } from './offers.js';
import { RewardAnnouncer, addsGiftLines, openChoices, renderRewards, withGiftsWaiting } from './rewards.js';
import { dawnPubSub, publishCart } from './theme-events.js';

performance.mark('tiercart:drawer-module');
const assets = new URL('./', import.meta.url);
// Start fetching and compiling the core as soon as this module loads.
const corePromise = import(new URL('tiercart.js', assets).href).then((m) => m.createTiercart());
const cssPromise = new Promise((resolve) => {
  const link = h('link', { rel: 'stylesheet', href: new URL('tiercart.css', assets).href });
  link.addEventListener('load', resolve);
  link.addEventListener('error', resolve);
  document.head.append(link);
  setTimeout(resolve, 3000);
});

// No program published yet (an app just installed, or settings saved but not synced): the drawer
// works as a plain cart drawer, and asks the app, once per page load, to read the theme's settings
// again (the app proxy answers 202 {"queued": bool} and limits syncs per shop). The next page
// then has the program, the same one checkout applies.
let syncAsked = false;
function askForSync(url) {
  if (syncAsked || !url) return;
  syncAsked = true;
  fetch(url, { method: 'POST', headers: { Accept: 'application/json' }, credentials: 'same-origin' }).catch(() => {
    // Nothing to tell the shopper: the cart works without bars, the app's poll syncs anyway.
  });
}

export class TiercartDrawer extends HTMLElement {
  #opener = null;
  #built = false;
  // The error of the last change: its text, where it is shown (a `data-error-place`; none: at the
  // top) and whether it still has to be brought into view.
  #error = null;

  t = (key, vars) => translate(this.strings, key, vars);

  connectedCallback() {
    // The block's data is read once: building the drawer replaces those <script> children, and
    // a theme may move the element (disconnect, connect again).
    if (!this.#built) {
      this.#readBlock();
      // The preview's program (theme editor) is always the theme's settings program.
      this.giftChoices = new GiftChoices(this.editor ? 'theme-settings' : this.program?.id);
      this.evaluator = new CartEvaluator(this.programText, this.baseContext, this.giftChoices, this.publishedFacts);
      this.sync = new CartSync(this.evaluator, {
        showError: (error, place) => this.#showError(error, place),
        clearError: () => this.#clearError(),
        showChange: (cart) => keepFocus(this.dialog, this.closeButton, () => this.#renderCart(cart)),
        busy: (busy) => {
          this.dialog.dataset.busy = String(busy);
        },
        synced: () => keepFocus(this.dialog, this.closeButton, () => this.#render()),
      });
      this.#build();
    }
    this.onKeydown = (event) => trapFocus(this.dialog, event);
    this.dialog.addEventListener('keydown', this.onKeydown);
    // Dawn's pub/sub: refresh after the theme's own cart changes (ignoring our own).
    this.dawn = dawnPubSub();
    this.unsubscribe = this.dawn?.subscribe(this.dawn.cartUpdate, (event) => {
      if (event?.source === 'tiercart') return;
      if (event?.source === 'product-form' && this.openOnAdd) this.open();
      this.refresh();
    });
  }

  disconnectedCallback() {
    this.dialog?.removeEventListener('keydown', this.onKeydown);
    window.visualViewport?.removeEventListener('resize', this.#fitViewport);
    window.visualViewport?.removeEventListener('scroll', this.#fitViewport);
    this.unsubscribe?.();
  }

  // The one queue of cart changes: awaiting queue.idle() waits for the drawer to settle.
  get queue() {
    return this.sync.queue;
  }

  // The program the app published, context and strings the block wrote. In the theme editor,
  // the embed's unsaved settings too: tiercart-preview.js converts them and gives the drawer
  // that program instead (previewProgram), so the live one is never shown there meanwhile.
  #readBlock() {
    this.publishedProgram = readData(this, 'program');
    this.editor = readData(this, 'editor');
    this.settingsBlock = readData(this, 'settings');
    this.program = this.editor ? null : this.publishedProgram;
    // Sent to the core as text: written once, not on every evaluation.
    this.programText = this.program ? JSON.stringify(this.program) : null;
    this.baseContext = readData(this, 'context') || {};
    // The products the app published facts for (the collections the bars count): products the
    // shopper adds later are judged by them. This page's own facts of the cart's products win.
    this.facts = readData(this, 'facts');
    this.publishedFacts = Boolean(this.facts?.products && typeof this.facts.products === 'object');
    if (this.publishedFacts)
      this.baseContext.products = { ...this.facts.products, ...(this.baseContext.products || {}) };
    this.strings = readData(this, 'strings') || {};
    this.openOnAdd = this.dataset.openOnAdd !== 'false';
    if (!this.publishedProgram && !this.editor) askForSync(this.dataset.syncUrl);
  }

  #build() {
    this.#built = true;
    const t = this.t;
    // Two live regions for the rewards: the open modal dialog makes the page outside it inert,
    // hidden from screen readers, so while it is open the one inside it speaks.
    const statusRegion = () => h('div', { class: 'tiercart-visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.pageStatus = statusRegion();
    this.dialogStatus = statusRegion();
    this.announcer = new RewardAnnouncer([this.pageStatus, this.dialogStatus], () =>
      this.dialog.open ? this.dialogStatus : this.pageStatus,
    );
    // Errors are announced here, once, wherever they are shown.
    this.alert = h('p', { class: 'tiercart-visually-hidden', role: 'alert' });
    this.closeButton = h(
      'button',
      { type: 'button', class: 'tiercart-close', 'aria-label': t('close'), onclick: () => this.close() },
      '×',
    );
    this.progress = h('tiercart-progress', { class: 'tiercart-progress' });
    this.rewards = h('div', { class: 'tiercart-rewards' });
    this.error = h('p', { class: 'tiercart-error', hidden: true });
    this.errorHere = h('p', { class: 'tiercart-error-here' });
    this.lines = h('ul', { class: 'tiercart-lines', 'aria-label': t('title') });
    // Shown from the first open until the first cart is rendered.
    this.loadingText = h('p', { class: 'tiercart-loading' }, t('loading'));
    // An empty cart: said, with the way back to the shop (Dawn's "Continue shopping").
    this.emptyText = h(
      'div',
      { class: 'tiercart-empty', hidden: true },
      h('p', {}, t('empty')),
      h('a', { class: 'tiercart-button', href: `${routesRoot()}collections/all` }, t('continue_shopping')),
    );
    this.offers = h('div', { class: 'tiercart-offers' });
    this.discounts = new DiscountCodes(this.sync, t);
    this.subtotal = h('span', { class: 'tiercart-subtotal__amount' });
    // Discounts and gifts together, as the core adds them up (evaluation.savings).
    this.savingsAmount = h('span', { class: 'tiercart-savings__amount' });
    this.savings = h(
      'p',
      { class: 'tiercart-savings', hidden: true },
      h('span', {}, t('you_save')),
      this.savingsAmount,
    );
    this.checkout = h(
      'a',
      { class: 'tiercart-button tiercart-checkout', href: `${routesRoot()}checkout` },
      t('checkout'),
    );
    // A gift earned but not picked yet: said beside the checkout button, which still works.
    this.giftReminderText = h('span');
    this.giftReminder = h(
      'p',
      { class: 'tiercart-gift-reminder', id: 'tiercart-gift-reminder', hidden: true },
      this.giftReminderText,
      ' ',
      h('button', { type: 'button', class: 'tiercart-link', onclick: () => this.#goToPicker() }, t('choose_gift_now')),
    );
    this.dialog = h(
      'dialog',
      // aria-busy while the first cart is loading; after that only the lines being changed are.
      { class: 'tiercart-dialog', 'aria-labelledby': 'tiercart-title', 'aria-busy': 'true', 'data-busy': 'false' },
      h(
        'div',
        { class: 'tiercart-panel' },
        this.dialogStatus,
        this.alert,
        h(
          'div',
          { class: 'tiercart-header' },
          h('h2', { id: 'tiercart-title', class: 'tiercart-title' }, t('title')),
          this.closeButton,
        ),
        h(
          'div',
          { class: 'tiercart-body' },
          this.loadingText,
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
          this.discounts.form,
          this.savings,
          h('p', { class: 'tiercart-subtotal' }, h('span', {}, t('subtotal')), this.subtotal),
          this.giftReminder,
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
    this.replaceChildren(this.pageStatus, this.dialog);
    this.hidden = false;
  }

  // Loaded and evaluated once: the loader awaits this before anything else.
  ready() {
    this.readyPromise ??= (async () => {
      await this.evaluator.load(corePromise);
      await cssPromise;
      await yieldToMain();
      await this.sync.refresh();
      performance.mark('tiercart:ready');
      if (!this.editor) this.#checkThemeSettings();
    })();
    return this.readyPromise;
  }

  // Asks the app to sync when the theme's saved settings are not the ones it last read.
  async #checkThemeSettings() {
    await yieldToMain();
    const changed = await themeSettingsChanged(this.evaluator.core, this.settingsBlock, {
      published: this.facts?.theme_checkout,
      currency: this.baseContext.shop_currency,
    }).catch(() => false);
    if (changed) askForSync(this.dataset.syncUrl);
    performance.mark('tiercart:theme-checked');
  }

  get isOpen() {
    return this.dialog.open;
  }

  // The open drawer covers what the shopper sees (the visual viewport), not the layout viewport,
  // which a theme wider than a phone's screen makes wider and taller than the screen.
  #fitViewport = () => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    const style = this.dialog.style;
    style.setProperty('--tc-viewport-top', `${viewport.offsetTop}px`);
    style.setProperty('--tc-viewport-right', `${viewport.offsetLeft + viewport.width}px`);
    style.setProperty('--tc-viewport-width', `${viewport.width}px`);
    style.setProperty('--tc-viewport-height', `${viewport.height}px`);
    this.dialog.dataset.viewport = '';
  };

  // Opens at once, with a loading state until the first cart is evaluated. The theme editor's
  // preview opens it with { takeFocus: false }: the preview is rendered again while the merchant
  // types in the editor's settings, and a modal dialog (showModal, even show()) moves focus into
  // it, so the next keystrokes would land in the preview. It opens non-modal and leaves focus.
  open(opener, { takeFocus = true } = {}) {
    this.ready();
    if (!this.dialog.open) {
      this.#opener = takeFocus ? opener || document.activeElement : null;
      this.#fitViewport();
      window.visualViewport?.addEventListener('resize', this.#fitViewport);
      window.visualViewport?.addEventListener('scroll', this.#fitViewport);
      if (takeFocus) {
        this.dialog.showModal();
        this.closeButton.focus();
      } else {
        this.dialog.setAttribute('open', ''); // no dialog focusing steps
      }
      this.dataset.open = '';
    }
  }

  close() {
    if (!this.dialog.open) return;
    window.visualViewport?.removeEventListener('resize', this.#fitViewport);
    window.visualViewport?.removeEventListener('scroll', this.#fitViewport);
    this.dialog.close();
    delete this.dataset.open;
    const opener = this.#opener;
    this.#opener = null;
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
  }

  // Theme editor preview (tiercart-preview.js): a sample cart's evaluation in place of the bars and
  // rewards, so that the two never disagree; the (empty) cart's lines are left as they are.
  showSample(evaluation) {
    this.progress.update(evaluation, this.strings);
    renderRewards(this.rewards, evaluation, this.t, () => {}, []);
    this.offers.replaceChildren();
  }

  // Theme editor preview: the program converted from the unsaved settings (null: none usable),
  // evaluated from now on in place of the one the block gave.
  previewProgram(program) {
    this.program = program;
    this.programText = program ? JSON.stringify(program) : null;
    this.evaluator.programText = this.programText;
    return this.refresh();
  }

  // After a theme's own cart change.
  async refresh() {
    await this.ready();
    return this.sync.refresh();
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

  // place: where an error is shown (an offer's `offer:<variant>`), else at the top.
  async addItems(items, opener, place) {
    if (this.openOnAdd) this.open(opener);
    await this.ready();
    return this.sync.add(items, place);
  }

  setQuantity(key, quantity) {
    return this.sync.setQuantity(key, quantity);
  }

  // A pick of a gift the shopper had declined takes it back.
  chooseGift(tier, variantId) {
    this.giftChoices.choose(tier, variantId);
    this.#clearError();
    const reward = this.sync.evaluation?.rewards?.find((r) => r.tier === tier);
    if (reward?.declined?.length) return this.takeBackGift(tier, `picker:${tier}`);
    return this.sync.refresh(`picker:${tier}`);
  }

  takeBackGift(tier, place = `taken:${tier}`) {
    const program = this.sync.evaluation?.program?.id;
    return program ? this.sync.takeBackGift(program, tier, place) : this.sync.queue.idle();
  }

  // Announced at once; shown by the render that follows every failure (the rollback), beside the
  // control it came from.
  #showError(error, place) {
    const text =
      error instanceof CartRequestError
        ? error.description || this.t(error.status === 0 ? 'network_error' : 'error')
        : this.t('error');
    this.#error = { text, place, reveal: true };
    this.alert.textContent = text;
  }

  #clearError() {
    this.#error = null;
    this.alert.textContent = '';
    this.#placeError();
  }

  // The error beside the line or control it belongs to (their `data-error-place`), or at the top
  // when it belongs to none still shown; scrolled into view the first time it is shown.
  #placeError() {
    this.errorHere.remove();
    this.error.hidden = true;
    this.error.textContent = '';
    if (!this.#error) return;
    const { text, place } = this.#error;
    const target = place
      ? [...this.dialog.querySelectorAll('[data-error-place]')].find((node) => node.dataset.errorPlace === place)
      : null;
    const shown = target ? this.errorHere : this.error;
    shown.textContent = text;
    if (target) target.append(this.errorHere);
    else this.error.hidden = false;
    if (this.#error.reveal && this.dialog.open) shown.scrollIntoView({ block: 'nearest' });
    this.#error.reveal = false;
  }

  // The reminder's button: to the first gift picker still waiting for a pick.
  #goToPicker() {
    const picker = this.rewards.querySelector('.tiercart-picker[data-choice-required="true"]');
    const input = picker?.querySelector('input:not([disabled])');
    if (!input) return;
    picker.scrollIntoView({ block: 'nearest' });
    input.focus();
  }

  #render() {
    const cart = this.sync.cart;
    if (!cart) return;
    const evaluation = this.sync.evaluation;
    const shown = this.sync.shown;
    this.#renderCart(shown);
    // The bars say when a gift waits for the shopper's pick, here and in the inline bars.
    const barsEvaluation = withGiftsWaiting(evaluation, this.t);
    this.progress.update(barsEvaluation, this.strings);
    this.announcer.announce(evaluation, this.t);
    renderRewards(
      this.rewards,
      evaluation,
      this.t,
      (tier, variantId) => this.chooseGift(tier, variantId),
      this.announcer.lostNotices(),
      (tier) => this.takeBackGift(tier),
    );
    renderOffers(this.offers, evaluation, this.t, (variantId) =>
      this.addItems([{ id: variantId, quantity: 1 }], undefined, `offer:${variantId}`),
    );
    this.#remindGift(openChoices(evaluation), shown);
    const saved = evaluation?.savings > 0 && shown.items.length > 0;
    this.savings.hidden = !saved;
    this.savingsAmount.textContent = saved ? evaluation.savings_formatted : '';
    this.#placeError();
    publishCart(this.dawn, cart, barsEvaluation, this.strings);
    this.loadingText.hidden = true;
    this.dialog.setAttribute('aria-busy', 'false');
    this.dataset.ready = '';
  }

  #remindGift(open, cart) {
    const remind = open.length > 0 && cart.items.length > 0;
    this.giftReminder.hidden = !remind;
    if (remind) {
      this.giftReminderText.textContent = this.t('gift_reminder', { reward: open[0].label });
      this.checkout.setAttribute('aria-describedby', this.giftReminder.id);
    } else this.checkout.removeAttribute('aria-describedby');
  }

  #renderCart(cart) {
    const money = (amount) => this.evaluator.formatMoney(amount, cart.currency);
    // A gift line may be declined when its reward says so (and the core, reading the cart, agrees
    // the line is this program's).
    const rewards = this.sync.evaluation?.rewards || [];
    const declinable = (item) => {
      const claim = giftClaim(item);
      return Boolean(
        claim &&
        claim.program === this.sync.evaluation?.program?.id &&
        rewards.some((r) => r.tier === claim.tier && addsGiftLines(r) && r.declinable),
      );
    };
    // A buy X get Y's added line is taken its percent off, a gift's all of it.
    const percentOff = (item) => {
      const claim = giftClaim(item);
      const reward = claim && rewards.find((r) => r.tier === claim.tier && r.type === 'buy_x_get_y');
      return reward?.percent ?? 100;
    };
    const busy = (item) => this.sync.pending.has(item.key);
    this.lines.replaceChildren(
      ...cart.items.map((item) => cartLine(item, { t: this.t, money, sync: this.sync, declinable, busy, percentOff })),
    );
    this.emptyText.hidden = cart.items.length > 0;
    this.subtotal.textContent = money(cart.total_price);
    this.checkout.hidden = cart.items.length === 0;
    // Nothing to discount in an empty cart.
    this.discounts.form.hidden = cart.items.length === 0;
    this.discounts.render(cart);
  }
}

if (!customElements.get('tiercart-drawer')) customElements.define('tiercart-drawer', TiercartDrawer);

// The loader's entry point: the drawer element, defined, its first cart being loaded. Its
// methods (open, addFromForm, refresh) wait for that themselves: open() shows the drawer at once.
export function element() {
  const drawer = document.querySelector('tiercart-drawer');
  drawer?.ready();
  return drawer;
}

// The drawer element with its first cart evaluated.
export async function ready() {
  await customElements.whenDefined('tiercart-drawer');
  const drawer = document.querySelector('tiercart-drawer');
  if (drawer) await drawer.ready();
  return drawer;
}
