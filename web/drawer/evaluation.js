// A cart's rewards, computed in the page by the wasm core (tiercart.js). The core is warmed up in
// small steps so that no step is a long task; each evaluation completes the block's static
// context with what only the page knows; line prices are formatted by the core too.

// Gives the main thread back to the page (input, rendering) between two pieces of work.
export const yieldToMain = () =>
  globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));

export class CartEvaluator {
  #core = null;
  #refusedGifts = new Set();
  // Product facts fetched from the store (product id -> facts, or null while asked or refused).
  #fetchedFacts = new Map();
  // Compare-at prices learnt from the same product.js (variant id -> {product_id,
  // compare_at_price}), for bars that leave sale items out.
  #fetchedVariants = new Map();

  // programText: the program as JSON text (null without a program); baseContext: the block's
  // context document; giftChoices: the shopper's picks (GiftChoices); publishedFacts: whether the
  // app published the products of the collections the bars count (then a product it left out
  // is in none of them).
  constructor(programText, baseContext, giftChoices, publishedFacts = false) {
    this.programText = programText;
    this.baseContext = baseContext;
    this.giftChoices = giftChoices;
    this.publishedFacts = publishedFacts;
  }

  // The wasm core once loaded (null before, or when it could not be loaded).
  get core() {
    return this.#core;
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

  // The core warns of products it had to judge without facts (missing_product_facts). The store's
  // product.js gives a product's type and tags (not its collections) and its variants' compare-at
  // prices: fetched once per product
  // and added to the context. When a bar's scope asks for collections, only if the app published
  // the products of those collections (a product it did not list is in none of them); otherwise
  // the warning stands. Whether anything was learnt: then the cart is evaluated again.
  async learnFacts(cart, evaluation) {
    const missing = (evaluation?.warnings || []).filter((w) => w.code === 'missing_product_facts');
    if (!missing.length || (this.#scopesUseCollections() && !this.publishedFacts)) return false;
    let learnt = false;
    for (const warning of missing) {
      if (this.#fetchedFacts.has(warning.product_id)) continue;
      const item = cart.items.find((i) => i.product_id === warning.product_id);
      this.#fetchedFacts.set(warning.product_id, null);
      if (!item?.handle) continue;
      try {
        const root = window.Shopify?.routes?.root || '/';
        const response = await fetch(`${root}products/${encodeURIComponent(item.handle)}.js`, {
          headers: { Accept: 'application/json' },
        });
        if (!response.ok) continue;
        const product = await response.json();
        const tags = Array.isArray(product.tags) ? product.tags.map(String) : [];
        this.#fetchedFacts.set(warning.product_id, {
          collections: [],
          tags,
          product_type: String(product.type ?? product.product_type ?? ''),
        });
        for (const variant of Array.isArray(product.variants) ? product.variants : []) {
          const compareAt = Number.isInteger(variant?.compare_at_price) ? variant.compare_at_price : null;
          if (Number.isInteger(variant?.id)) {
            this.#fetchedVariants.set(variant.id, { product_id: warning.product_id, compare_at_price: compareAt });
          }
        }
        learnt = true;
      } catch {
        // Not reachable now: the warning stands.
      }
    }
    return learnt;
  }

  #scopesUseCollections() {
    const bars = JSON.parse(this.programText || '{}').bars || [];
    return bars.some((bar) => bar.scope?.include?.collections?.length || bar.scope?.exclude?.collections?.length);
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
    // The page's own facts of a variant win; a learnt compare-at price only fills the gap.
    for (const [id, learnt] of this.#fetchedVariants) {
      const known = context.variants[id];
      if (!known || !('compare_at_price' in known)) context.variants[id] = { ...learnt, ...known };
    }
    const fetched = [...this.#fetchedFacts].filter(([, facts]) => facts);
    if (fetched.length) context.products = { ...(context.products || {}), ...Object.fromEntries(fetched) };
    return context;
  }
}
