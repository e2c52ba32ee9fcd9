// The drawer's cart, kept equal to the store's. Every change runs in one CartQueue: the
// shopper's change, shown at once where it can be (optimistic) and sent in its turn, then, when
// nothing else is queued behind it, a sync: read the cart, evaluate it, apply the core's gift
// actions one by one and read again, for at most MAX_SYNC_ROUNDS - 1 rounds of actions. Under
// fast clicks only the last change syncs, so gift lines are added or removed exactly once. A
// failed request shows the store's error text beside the control the change came from, and the
// drawer shows the cart the store holds: the optimistic change is rolled back.

import { CartQueue, cartRequest } from '../tiercart-cart.js';
import { addsGiftLines } from './rewards.js';

const MAX_SYNC_ROUNDS = 4;

// The cart attribute listing the gifts the shopper declined, "<program>:<tier>:<variant>" entries
// joined by commas (docs/program-format.md section 8). It lives on the cart so that every reader
// of the cart (the core here, the app proxy, another tab) honours it.
export const DECLINED_ATTRIBUTE = '_tiercart_declined';
// The cart attribute that carries the cart's token to checkout when the program runs an A/B
// test: the discount Function cannot read the token, and puts the cart in its arm by this
// (docs/program-format.md, "Experiments"). The server checks it against the order's cart.
export const ARM_ATTRIBUTE = '_tiercart_arm';
const HELD_KEY = 'tiercart:held-gifts';

const declinedEntries = (cart) =>
  String(cart?.attributes?.[DECLINED_ATTRIBUTE] || '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

// "<program>@<version>:<tier>" of a gift line, as {program, tier}; null on other lines.
export function giftClaim(item) {
  const value = item.properties?._tiercart;
  if (typeof value !== 'string') return null;
  const at = value.lastIndexOf('@');
  const colon = value.indexOf(':', at);
  if (at <= 0 || colon < 0) return null;
  return { program: value.slice(0, at), tier: value.slice(colon + 1) };
}

// The gift lines a cart holds, as decline entries.
const heldGifts = (cart) =>
  (cart?.items || []).flatMap((item) => {
    const claim = giftClaim(item);
    return claim ? [`${claim.program}:${claim.tier}:${item.variant_id}`] : [];
  });

// The core's gift actions as AJAX Cart API requests. An add carries the line properties the core
// wrote ({_tiercart: "<program>@<version>:<tier>"}); a change or a removal (quantity 0) names the
// line by its key.
function applyAction(action) {
  if (action.type === 'add') {
    return cartRequest('cart/add.js', {
      items: [{ id: action.variant_id, quantity: action.quantity, properties: action.properties }],
    });
  }
  return cartRequest('cart/change.js', { id: action.key, quantity: action.quantity });
}

// The optimistic cart after a quantity change; quantity 0 removes the line.
function withQuantity(cart, key, quantity) {
  const index = cart.items.findIndex((i) => i.key === key);
  if (index < 0) return cart;
  const item = cart.items[index];
  if (quantity === 0) cart.items.splice(index, 1);
  else {
    item.final_line_price = item.final_price * quantity;
    item.quantity = quantity;
  }
  return cart;
}

export class CartSync {
  queue = new CartQueue();
  // The cart the store holds, as last read, and its evaluation.
  cart = null;
  evaluation = null;
  // The cart as the shopper's queued changes will leave it (optimistic), until they are synced.
  displayed = null;
  // Keys of the lines whose change is queued or being sent and synced: shown busy.
  pending = new Set();
  #evaluator;
  #view;
  // The gift lines of the cart as the last sync left it ({token, entries}), kept for the visit:
  // a gift gone since then that the core would add again was removed by the theme (its own
  // remove link, change.js with quantity 0), and counts as declined.
  #held = null;

  // evaluator: a CartEvaluator. view: showError(error, place), clearError(), showChange(cart) (an
  // optimistic cart), busy(boolean) and synced() (render the synced cart).
  constructor(evaluator, view) {
    this.#evaluator = evaluator;
    this.#view = view;
  }

  // The cart to show: the optimistic one while changes are still queued, else the store's.
  get shown() {
    return this.displayed && this.queue.waiting > 0 ? this.displayed : this.cart;
  }

  // Read the cart again (after a theme's own change, a gift pick, on load). place: where an error
  // is shown (the gift picker that asked), else at the top.
  refresh(place) {
    return this.queue.run(() => this.#sync({ place }));
  }

  add(items, place) {
    return this.change(() => cartRequest('cart/add.js', { items }), null, place);
  }

  setQuantity(key, quantity) {
    // Already asked for (Enter in the quantity field fires its change event twice): one request,
    // or a second one would carry the change through after the first failed and was rolled back.
    const shown = (this.displayed || this.cart)?.items.find((i) => i.key === key);
    if (shown && shown.quantity === quantity) return this.queue.idle();
    return this.change(
      () => cartRequest('cart/change.js', { id: key, quantity }),
      (cart) => withQuantity(cart, key, quantity),
      `line:${key}`,
    );
  }

  // One step up or down from the quantity shown, which is ahead of the store's under fast clicks.
  step(key, delta) {
    const shown = (this.displayed || this.cart)?.items.find((i) => i.key === key);
    if (shown) this.setQuantity(key, Math.max(0, shown.quantity + delta));
  }

  // The shopper removes a gift: the line goes and the decline is written on the cart, in one
  // update.js request, so that no reader ever sees the cart without the gift and without the
  // decline. Not optimistic: the line stays (busy) until the notice that takes it back replaces it.
  declineGift(item) {
    const claim = giftClaim(item);
    if (!claim) return this.queue.idle();
    const entry = `${claim.program}:${claim.tier}:${item.variant_id}`;
    return this.change(
      () =>
        cartRequest('cart/update.js', {
          updates: { [item.key]: 0 },
          attributes: { [DECLINED_ATTRIBUTE]: [...new Set([...declinedEntries(this.cart), entry])].join(',') },
        }),
      null,
      `line:${item.key}`,
    );
  }

  // The shopper takes a declined gift back: the tier's entries are cleared and the sync that
  // follows adds the gift (or asks for a pick).
  takeBackGift(program, tier, place) {
    const prefix = `${program}:${tier}:`;
    return this.change(
      () =>
        cartRequest('cart/update.js', {
          attributes: {
            [DECLINED_ATTRIBUTE]: declinedEntries(this.cart)
              .filter((entry) => !entry.startsWith(prefix))
              .join(','),
          },
        }),
      null,
      place,
    );
  }

  setDiscountCodes(codes) {
    return this.change(() => cartRequest('cart/update.js', { discount: codes.join(',') }), null, 'discount');
  }

  // A shopper's change: `optimistic(cart)` shows it at once when it can, then `request` is sent
  // in its turn. place: the control it came from (`line:<key>`, `discount`, `offer:<variant>`),
  // where an error of the change or of its sync is shown.
  change(request, optimistic, place) {
    this.#view.clearError();
    if (place?.startsWith('line:')) this.pending.add(place.slice('line:'.length));
    if (optimistic && this.cart) this.displayed = optimistic(structuredClone(this.displayed || this.cart));
    if (this.displayed || this.cart) this.#view.showChange(this.displayed || this.cart);
    this.#view.busy(true);
    return this.queue.run(async () => {
      let answer;
      try {
        answer = await request();
      } catch (error) {
        this.#view.showError(error, place);
        // Roll back: whatever was shown, show what the store holds.
        this.displayed = null;
        await this.#sync({ force: true, place });
        return;
      }
      // change.js and update.js answer with the whole cart: no need to read it again.
      const fullCart = Array.isArray(answer.items) && 'item_count' in answer ? answer : null;
      if (fullCart) this.cart = fullCart;
      // Under fast clicks, only the last queued change syncs the gifts.
      if (this.queue.waiting === 0) await this.#sync({ cart: fullCart, place });
    });
  }

  // force: after a failed change, whose error is already shown. cart: the store's answer, if it
  // was the whole cart. place: where the change came from, for errors.
  async #sync({ force = false, cart = null, place } = {}) {
    try {
      // Read, evaluate, apply; read again after every round of actions, so what is shown is
      // always what the store holds.
      let giveUp = false;
      for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
        this.cart = round === 0 && cart ? cart : await cartRequest('cart.js');
        this.evaluation = this.#evaluator.evaluate(this.cart);
        if (round === 0) {
          if (await this.#evaluator.learnFacts(this.cart, this.evaluation)) {
            this.evaluation = this.#evaluator.evaluate(this.cart);
          }
          await this.#declineRemovedGifts();
          await this.#tellCheckoutTheArm();
        }
        const actions = this.evaluation?.actions || [];
        if (!actions.length || giveUp || round === MAX_SYNC_ROUNDS - 1 || this.queue.waiting > 0) break;
        for (const action of actions) {
          try {
            await applyAction(action);
          } catch (error) {
            // A gift the store refuses as sold out is not asked for again.
            if (action.type === 'add' && error.status === 422) this.#evaluator.refuseGift(action.variant_id);
            this.#view.showError(error, place);
            // One more round may succeed (a refused gift is now skipped); after that, stop.
            if (round > 0) giveUp = true;
            break;
          }
        }
      }
      this.#remember();
    } catch (error) {
      if (!force) this.#view.showError(error, place);
    }
    if (this.queue.waiting === 0) {
      this.displayed = null;
      this.pending.clear();
      this.#view.busy(false);
    }
    this.#view.synced();
  }

  // In an A/B test the core measured the cart by its token's arm; checkout must measure it by
  // the same arm, so the token goes on the cart once (a cart keeps its token).
  async #tellCheckoutTheArm() {
    if (!this.evaluation?.arm) return;
    const token = String(this.cart?.token || '').split('?')[0];
    if (!token || this.cart.attributes?.[ARM_ATTRIBUTE] === token) return;
    this.cart = await cartRequest('cart/update.js', { attributes: { [ARM_ATTRIBUTE]: token } });
  }

  // Gifts the core would add again although the cart held them at the last sync: the theme
  // removed them, which declines them like the drawer's own remove control (unless the reward
  // may not be declined).
  async #declineRemovedGifts() {
    const held = this.#heldBefore();
    const program = this.evaluation?.program?.id;
    if (!held.size || !program) return;
    const declinable = new Set(
      (this.evaluation.rewards || []).filter((r) => addsGiftLines(r) && r.declinable).map((r) => r.tier),
    );
    const holding = new Set(heldGifts(this.cart));
    const removed = (this.evaluation.actions || [])
      .filter((action) => action.type === 'add' && declinable.has(action.tier))
      .map((action) => `${program}:${action.tier}:${action.variant_id}`)
      .filter((entry) => held.has(entry) && !holding.has(entry));
    if (!removed.length) return;
    const entries = [...new Set([...declinedEntries(this.cart), ...removed])].join(',');
    this.cart = await cartRequest('cart/update.js', { attributes: { [DECLINED_ATTRIBUTE]: entries } });
    this.evaluation = this.#evaluator.evaluate(this.cart);
  }

  // The gift lines of this cart at the last sync: in memory, or from this visit's earlier pages.
  #heldBefore() {
    if (!this.#held) {
      try {
        this.#held = JSON.parse(sessionStorage.getItem(HELD_KEY));
      } catch {
        // Storage unavailable: nothing is known of earlier pages.
      }
    }
    return new Set(this.#held && this.#held.token === this.cart?.token ? this.#held.entries : []);
  }

  #remember() {
    if (!this.cart) return;
    this.#held = { token: this.cart.token, entries: heldGifts(this.cart) };
    try {
      sessionStorage.setItem(HELD_KEY, JSON.stringify(this.#held));
    } catch {
      // Private mode: remembered for this page.
    }
  }
}
