// In-cart offers: the products the core suggests to reach a bar's next tier, each with its image,
// its price (formatted by the core) and a button that adds it in one tap.

import { h, safeUrl } from '../tiercart-util.js';

export function renderOffers(container, evaluation, t, add) {
  const offers = evaluation?.offers || [];
  if (!offers.length) return container.replaceChildren();
  const tierLabel = (id) => {
    for (const bar of evaluation.bars) for (const tier of bar.tiers) if (tier.id === id) return tier.label;
    return '';
  };
  container.replaceChildren(
    h('h3', { class: 'tiercart-offers__title' }, t('offers')),
    h(
      'ul',
      { class: 'tiercart-offers__list' },
      ...offers.map((offer) =>
        h(
          'li',
          {
            class: 'tiercart-offer',
            'data-variant': offer.variant_id,
            'data-error-place': `offer:${offer.variant_id}`,
          },
          safeUrl(offer.image)
            ? h('img', { src: safeUrl(offer.image), alt: '', width: '48', height: '48', loading: 'lazy' })
            : h('span'),
          h(
            'span',
            { class: 'tiercart-offer__title' },
            offer.title,
            h(
              'span',
              { class: 'tiercart-offer__note' },
              t(offer.reaches_tier ? 'offer_unlocks' : 'offer_closer', { reward: tierLabel(offer.tier) }),
            ),
          ),
          h('span', { class: 'tiercart-offer__price' }, offer.price_formatted),
          h(
            'button',
            {
              type: 'button',
              class: 'tiercart-button tiercart-button--secondary',
              'data-focus-key': `offer:${offer.variant_id}`,
              'aria-label': t('add_offer', { title: offer.title }),
              onclick: () => add(offer.variant_id),
            },
            t('add_offer', { title: '' }).trim(),
          ),
        ),
      ),
    ),
  );
}
