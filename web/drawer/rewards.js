// The rewards the cart has unlocked, listed as text, with a gift picker for each gift reward that
// offers a choice; the rewards a change took away, each with what brings it back; and the live
// region that announces what the last change unlocked or took away.

import { h } from '../tiercart-util.js';
import { giftPicker } from './gift-picker.js';

// Rewards that put gift lines in the cart: gifts, and a buy X get Y that adds its get-items (its
// reward then lists them as options, as a gift reward does).
export const addsGiftLines = (reward) =>
  reward.type === 'free_gift' || (reward.type === 'buy_x_get_y' && Boolean(reward.options?.length));

// What the reward list says of a reward. A buy X get Y on the shopper's own lines that gets no
// unit yet (the get-items are not in the cart) says what to add: "unlocked" would promise a
// discount checkout does not give.
function rewardText(reward, t) {
  if (reward.type === 'buy_x_get_y' && !addsGiftLines(reward) && !reward.uses) {
    return t('get_items_waiting', { reward: reward.label });
  }
  return t('unlocked', { reward: reward.label });
}

// lost: the notices of rewards taken away (RewardAnnouncer.lostNotices()). takeBack(tier): the
// shopper takes back a gift they declined.
export function renderRewards(container, evaluation, t, chooseGift, lost = [], takeBack = () => {}) {
  const rewards = evaluation?.rewards || [];
  const list = h(
    'ul',
    { class: 'tiercart-rewards__list' },
    ...rewards.map((reward) =>
      h('li', { class: 'tiercart-reward', 'data-tier': reward.tier, 'data-type': reward.type }, rewardText(reward, t)),
    ),
  );
  const lostList = h(
    'ul',
    { class: 'tiercart-rewards__lost' },
    ...lost.map(({ tier, text }) => h('li', { class: 'tiercart-lost', 'data-tier': tier }, text)),
  );
  const declined = rewards
    .filter((reward) => addsGiftLines(reward) && reward.declined?.length)
    .map((reward) => declinedNotice(reward, t, takeBack));
  // Tiers open to returning customers, for a signed-out shopper: what signing in could unlock,
  // never a promise (their history decides once they sign in).
  const signIn = (evaluation?.bars || [])
    .flatMap((bar) => bar.tiers.filter((tier) => tier.availability === 'sign_in_required'))
    .map((tier) =>
      h('p', { class: 'tiercart-sign-in', 'data-tier': tier.id }, t('sign_in_unlocks', { reward: tier.label })),
    );
  const pickers = rewards
    .filter((reward) => addsGiftLines(reward) && reward.options.length > 1)
    .map((reward) => giftPicker(reward, t, chooseGift));
  container.replaceChildren(
    ...(lost.length ? [lostList] : []),
    ...(rewards.length ? [list] : []),
    ...declined,
    ...signIn,
    ...pickers,
  );
}

// A gift the shopper removed: said, with a button that takes it back (clears the decline).
function declinedNotice(reward, t, takeBack) {
  const titles = reward.options
    .filter((option) => reward.declined.includes(option.variant_id))
    .map((option) => option.title);
  return h(
    'p',
    { class: 'tiercart-declined', 'data-tier': reward.tier, 'data-error-place': `taken:${reward.tier}` },
    h('span', {}, t('gift_declined', { gift: titles.join(', ') || reward.label })),
    ' ',
    h(
      'button',
      {
        type: 'button',
        class: 'tiercart-link',
        'data-action': 'take-back',
        'data-focus-key': `take-back:${reward.tier}`,
        onclick: () => takeBack(reward.tier),
      },
      t('gift_take_back'),
    ),
  );
}

// Gift rewards whose choice is still open: earned, but nothing is added until the shopper picks.
export const openChoices = (evaluation) =>
  (evaluation?.rewards || []).filter((reward) => addsGiftLines(reward) && reward.choice_required);

// The evaluation as the bars show it: a bar holding a gift still to be picked says so, rather
// than "every reward unlocked" (the core's complete message) or only the way to the next tier.
export function withGiftsWaiting(evaluation, t) {
  const open = openChoices(evaluation);
  if (!open.length) return evaluation;
  return {
    ...evaluation,
    bars: evaluation.bars.map((bar) => {
      const waiting = open.filter((reward) => reward.bar === bar.id);
      if (!waiting.length) return bar;
      const note = waiting.map((reward) => t('gift_waiting', { reward: reward.label })).join(' ');
      return { ...bar, message: bar.next_tier ? `${note} ${bar.message}` : note };
    }),
  };
}

// What brings a lost tier back: the amount still to spend (formatted by the core) when it is the
// bar's next tier, else its threshold; nothing when the tier is no longer offered.
function lostText(bar, tier, t) {
  const reward = tier.label;
  if (tier.availability !== 'available') return t('reward_ended', { reward });
  if (bar.next_tier === tier.id) {
    const remaining = bar.remaining_formatted || String(bar.remaining);
    return t(bar.metric === 'quantity' ? 'reward_lost_items' : 'reward_lost', { reward, remaining });
  }
  return t('reward_lost_at', { reward, threshold: tier.threshold_formatted || String(tier.threshold) });
}

// Announces, in a role="status" region, the tiers unlocked and the tiers lost since the previous
// evaluation (not those the page loaded with), and only those: once nothing changed, the region is
// emptied, so it never goes on saying "Unlocked" about a reward the cart no longer holds. A lost
// tier keeps its notice on screen until the cart earns it again.
export class RewardAnnouncer {
  #unlocked = null;
  #lost = new Set();
  #notices = [];

  // regions: the live regions; current(): the one a screen reader can reach now.
  constructor(regions, current) {
    this.regions = regions;
    this.current = current;
  }

  announce(evaluation, t) {
    // Without an evaluation (no core, a cart the core rejects) nothing is known to have changed.
    if (!evaluation) return;
    const tiers = (evaluation.bars || []).flatMap((bar) => bar.tiers.map((tier) => ({ bar, tier })));
    const unlocked = new Set(tiers.filter(({ tier }) => tier.unlocked).map(({ tier }) => tier.id));
    const messages = [];
    if (this.#unlocked) {
      for (const { tier } of tiers) {
        if (tier.unlocked && !this.#unlocked.has(tier.id)) messages.push(t('unlocked', { reward: tier.label }));
      }
      for (const { tier } of tiers) {
        if (!tier.unlocked && this.#unlocked.has(tier.id)) this.#lost.add(tier.id);
      }
    }
    const newlyLost = new Set([...this.#lost].filter((id) => this.#unlocked?.has(id) && !unlocked.has(id)));
    this.#notices = [];
    for (const { bar, tier } of tiers) {
      if (!this.#lost.has(tier.id)) continue;
      if (unlocked.has(tier.id)) {
        this.#lost.delete(tier.id);
        continue;
      }
      const text = lostText(bar, tier, t);
      this.#notices.push({ tier: tier.id, text });
      if (newlyLost.has(tier.id)) messages.push(text);
    }
    // Tiers the program no longer has are forgotten.
    const known = new Set(tiers.map(({ tier }) => tier.id));
    for (const id of this.#lost) if (!known.has(id)) this.#lost.delete(id);
    const current = this.current();
    for (const region of this.regions) region.textContent = region === current ? messages.join(' ') : '';
    this.#unlocked = unlocked;
  }

  // The rewards taken away and not yet earned again, each with what brings it back.
  lostNotices() {
    return this.#notices;
  }
}
