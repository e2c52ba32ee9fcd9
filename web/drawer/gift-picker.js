// Gift choice. A gift reward with several options gets a picker: radio buttons, or checkboxes
// when the tier gives more than one gift, with sold-out options disabled. The shopper's picks
// are kept per program in sessionStorage for the visit; the core reads them as `gift_choices`.

import { h } from '../tiercart-util.js';

export function giftPicker(reward, t, choose) {
  const name = `tiercart-gift-${reward.tier}`;
  const chosen = new Set(reward.chosen);
  return h(
    'fieldset',
    {
      class: 'tiercart-picker',
      'data-tier': reward.tier,
      'data-choice-required': reward.choice_required ? 'true' : 'false',
      'data-error-place': `picker:${reward.tier}`,
    },
    h('legend', {}, t('choose_gift', { reward: reward.label })),
    ...reward.options.map((option) => {
      const id = `${name}-${option.variant_id}`;
      const input = h('input', {
        type: reward.choose > 1 ? 'checkbox' : 'radio',
        id,
        'data-focus-key': id,
        name,
        value: String(option.variant_id),
        checked: chosen.has(option.variant_id),
        disabled: !option.available,
        onchange: () => choose(reward.tier, option.variant_id),
      });
      const label = option.available ? option.title : `${option.title} (${t('sold_out')})`;
      return h('div', { class: 'tiercart-picker__option' }, input, h('label', { for: id }, label));
    }),
  );
}

export class GiftChoices {
  // {tier id: [variant id]}, as the context's gift_choices.
  byTier = {};

  constructor(programId) {
    this.key = `tiercart:choices:${programId}`;
    try {
      this.byTier = JSON.parse(sessionStorage.getItem(this.key)) || {};
    } catch {
      // Storage unavailable or unreadable: no picks yet.
    }
  }

  choose(tier, variantId) {
    this.byTier = { ...this.byTier, [tier]: [variantId] };
    try {
      sessionStorage.setItem(this.key, JSON.stringify(this.byTier));
    } catch {
      // Private mode: the choice lasts for this page.
    }
  }
}
