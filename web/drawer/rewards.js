// The rewards the cart has unlocked, listed as text, with a gift picker for each gift reward that
// offers a choice; and the live region's announcement of the rewards the last change unlocked.

import { h } from '../tiercart-util.js';
import { giftPicker } from './gift-picker.js';

export function renderRewards(container, evaluation, t, chooseGift) {
  const rewards = evaluation?.rewards || [];
  const list = h(
    'ul',
    { class: 'tiercart-rewards__list' },
    ...rewards.map((reward) =>
      h(
        'li',
        { class: 'tiercart-reward', 'data-tier': reward.tier, 'data-type': reward.type },
        t('unlocked', { reward: reward.label }),
      ),
    ),
  );
  const pickers = rewards
    .filter((reward) => reward.type === 'free_gift' && reward.options.length > 1)
    .map((reward) => giftPicker(reward, t, chooseGift));
  container.replaceChildren(...(rewards.length ? [list] : []), ...pickers);
}

// Announces, in a role="status" region, the tiers unlocked since the previous evaluation (not
// those the page loaded with).
export class RewardAnnouncer {
  #unlocked = null;

  constructor(status) {
    this.status = status;
  }

  announce(evaluation, t) {
    const tiers = (evaluation?.bars || []).flatMap((bar) => bar.tiers).filter((tier) => tier.unlocked);
    if (this.#unlocked) {
      const labels = tiers
        .filter((tier) => !this.#unlocked.has(tier.id))
        .map((tier) => t('unlocked', { reward: tier.label }));
      if (labels.length) this.status.textContent = labels.join(' ');
    }
    this.#unlocked = new Set(tiers.map((tier) => tier.id));
  }
}
