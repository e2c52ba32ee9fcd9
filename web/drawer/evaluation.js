// A cart's rewards, computed in the page by the wasm core (tiercart.js). The core is warmed up in
// small steps so that no step is a long task; each evaluation completes the block's static
// context with what only the page knows; line prices are formatted by the core too.

// Gives the main thread back to the page (input, rendering) between two pieces of work.
export const yieldToMain = () =>
  globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));

export class CartEvaluator {
  #core = null;
  #refusedGifts = new Set();

  // programText: the program as JSON text (null without a program); baseContext: the block's
  // context document; giftChoices: the shopper's picks (GiftChoices).
  constructor(programText, baseContext, giftChoices) {
    this.programText = programText;
    this.baseContext = baseContext;
    this.giftChoices = giftChoices;
  }

  // Waits for the core (without it the drawer still works: no rewards, no amounts) and warms it up.
  async load(corePromise) {
    this.#core = await corePromise.catch((error) => {
      console.warn('tiercart: core not loaded', error);
      return null;
    });
    performance.mark('tiercart:core-ready');
    // The first calls compile most of the wasm functions (V8 compiles them lazily, on first
    // call). Warm them up in small steps, each in a task of its own, so that none of them, nor
    // the first real sync, is a long task blocking the page.
    const empty = { currency: this.baseContext.shop_currency || 'USD', items: [] };
    const warmUps = [
      (core) => core.checkProgram(this.programText),
      (core) => core.evaluate(this.programText, empty, null),
      (core) =>
        core.evaluate(this.programText, empty, {
          ...this.baseContext,
          presentment_currency: this.baseContext.shop_currency,
        }),
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
  }

  // The evaluation (bars, rewards, gift actions, offers), or null without a core or a program or
  // when the core rejects the cart.
  evaluate(cart) {
    if (!this.#core || !this.programText) return null;
    try {
      return this.#core.evaluate(this.programText, cart, this.#context(cart));
    } catch (error) {
      console.warn('tiercart: evaluation failed', error.code, error.path, error.message);
      return null;
    }
  }

  // A gift the store refused with a 422 (sold out since the page was rendered): out of stock for
  // every later evaluation, so that it is not asked for again.
  refuseGift(variantId) {
    this.#refusedGifts.add(variantId);
  }

  // An amount of the cart, written by the core like every amount the bars show; without the core
  // it is left out rather than formatted by a second set of rules.
  formatMoney(amount, currency) {
    const { money_format: moneyFormat, cart_amounts: cartAmounts } = this.baseContext;
    return this.#core ? this.#core.formatMoney(amount, currency, moneyFormat, cartAmounts) : '';
  }

  #context(cart) {
    const context = { ...this.baseContext, variants: { ...(this.baseContext.variants || {}) } };
    const currency = window.Shopify?.currency;
    context.presentment_currency = cart.currency;
    if (currency?.rate) context.rate = String(currency.rate);
    context.locale = window.Shopify?.locale || context.locale;
    context.now = new Date().toISOString();
    if (Object.keys(this.giftChoices.byTier).length) context.gift_choices = this.giftChoices.byTier;
    for (const id of this.#refusedGifts) context.variants[id] = { ...context.variants[id], available: 0 };
    return context;
  }
}
