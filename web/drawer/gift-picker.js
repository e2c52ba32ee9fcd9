// Gift choice. A gift reward with several options gets a picker: radio buttons, or checkboxes
// when the tier gives more than one gift, each with its image and value (formatted by the core),
// sold-out options disabled and said to be sold out. The shopper's picks
// are kept per program in sessionStorage for the visit; the core reads them as `gift_choices`.

import { h, safeUrl } from '../tiercart-util.js';

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
      const image = safeUrl(option.image);
      return h(
        'div',
        { class: 'tiercart-picker__option', 'data-available': String(option.available) },
        input,
        h(
          'label',
          { for: id },
          image ? h('img', { src: image, alt: '', width: '40', height: '40', loading: 'lazy' }) : null,
          h(
            'span',
            { class: 'tiercart-picker__text' },
            h('span', {}, option.available ? option.title : `${option.title} (${t('sold_out')})`),
            option.price_formatted
              ? h('span', { class: 'tiercart-picker__value' }, t('gift_value', { price: option.price_formatted }))
              : null,
          ),
        ),
      );
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
