// One line of the cart as the drawer lists it: image, title (a link to the product), the variant
// and the properties shoppers may see (not those whose name starts with "_"), a quantity stepper
// and a remove button, and the line price. A gift line has a "Free gift" badge and no control,
// with the reason in visually hidden text: the core adds and removes it.

import { h, safeUrl } from '../tiercart-util.js';
import { giftClaim } from './cart-sync.js';

const GIFT_PROPERTY = '_tiercart';

const isGiftLine = (item) => Boolean(item.properties && GIFT_PROPERTY in item.properties);

// sync: the CartSync the stepper changes go through; money(amount) formats an amount of the cart;
// declinable(item): whether the shopper may remove this gift line; busy(item): whether a change of
// it is on its way (the line says so, and only it is aria-busy: the rest stays usable);
// percentOff(item): how much of a gift line's price checkout takes off (a buy X get Y may take
// less than all of it).
export function cartLine(
  item,
  { t, money, sync, declinable = () => false, busy = () => false, percentOff = () => 100 },
) {
  const changing = busy(item);
  const gift = isGiftLine(item);
  const title = item.product_title || item.title;
  const details = [];
  if (item.variant_title) details.push(item.variant_title);
  for (const [name, value] of Object.entries(item.properties || {})) {
    if (!name.startsWith('_') && value !== '') details.push(`${name}: ${value}`);
  }
  const image = safeUrl(item.featured_image?.url || item.image);
  const url = safeUrl(item.url);
  return h(
    'li',
    {
      class: 'tiercart-line',
      'data-key': item.key,
      'data-variant': item.variant_id,
      'data-gift': String(gift),
      'data-error-place': `line:${item.key}`,
      'aria-busy': changing ? 'true' : null,
    },
    image
      ? h('img', { src: image, alt: '', width: '64', height: '64', loading: 'lazy', class: 'tiercart-line__image' })
      : h('span'),
    h(
      'div',
      { class: 'tiercart-line__info' },
      url
        ? h('a', { href: url, class: 'tiercart-line__title' }, title)
        : h('span', { class: 'tiercart-line__title' }, title),
      ...details.map((text) => h('p', { class: 'tiercart-line__detail' }, text)),
      gift ? giftBadge(item, t, declinable(item) ? sync : null, percentOff(item)) : stepper(item, t, sync),
      changing ? h('p', { class: 'tiercart-line__busy' }, t('loading')) : null,
    ),
    gift
      ? giftPrice(item, t, money, percentOff(item))
      : h('p', { class: 'tiercart-line__price' }, money(item.final_line_price)),
  );
}

// The gift's value struck through, then "Free" (the value as the core formats it; without the core,
// only "Free").
function giftPrice(item, t, money, percent) {
  const value = money(item.original_line_price);
  return h(
    'p',
    { class: 'tiercart-line__price' },
    value
      ? h(
          's',
          { class: 'tiercart-line__was' },
          h('span', { class: 'tiercart-visually-hidden' }, `${t('regular_price')} `),
          value,
        )
      : null,
    value ? ' ' : null,
    h('span', { class: 'tiercart-line__free' }, percent < 100 ? t('percent_off', { percent }) : t('free')),
  );
}

// sync: given when the shopper may decline the gift, which gets a remove control.
function giftBadge(item, t, sync, percent) {
  return h(
    'p',
    { class: 'tiercart-line__gift' },
    h('span', { class: 'tiercart-badge' }, percent < 100 ? t('percent_off', { percent }) : t('free_gift')),
    h('span', { class: 'tiercart-line__fixed', 'aria-hidden': 'true' }, `× ${item.quantity}`),
    h('span', { class: 'tiercart-visually-hidden' }, `${t('gift_locked')} (${item.quantity})`),
    sync
      ? h(
          'button',
          {
            type: 'button',
            class: 'tiercart-link tiercart-remove',
            'data-action': 'decline',
            // The control that takes the gift back has the same key: focus moves to it.
            'data-focus-key': `take-back:${giftClaim(item)?.tier}`,
            'aria-label': t('remove', { title: item.title }),
            onclick: () => sync.declineGift(item),
          },
          t('remove', { title: '' }).trim() || '×',
        )
      : null,
  );
}

function stepper(item, t, sync) {
  const stepButton = (action, delta, text) =>
    h(
      'button',
      {
        type: 'button',
        class: 'tiercart-stepper__button',
        'data-action': action,
        'data-focus-key': `${item.key}:${action}`,
        'aria-label': t(action, { title: item.title }),
        onclick: () => sync.step(item.key, delta),
      },
      text,
    );
  return h(
    'div',
    { class: 'tiercart-stepper' },
    stepButton('decrease', -1, '−'),
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
      'aria-label': t('quantity', { title: item.title }),
      onchange: (event) => {
        const quantity = Number.parseInt(event.target.value, 10);
        if (Number.isInteger(quantity) && quantity >= 0) sync.setQuantity(item.key, quantity);
      },
    }),
    stepButton('increase', 1, '+'),
    h(
      'button',
      {
        type: 'button',
        class: 'tiercart-link tiercart-remove',
        'data-focus-key': `${item.key}:remove`,
        'aria-label': t('remove', { title: item.title }),
        onclick: () => sync.setQuantity(item.key, 0),
      },
      t('remove', { title: '' }).trim() || '×',
    ),
  );
}
