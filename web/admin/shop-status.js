// <tiercart-shop-status>: whether tiercart is installed on the shop (GET /admin/shop's
// install_state), with what access, and what the merchant should do when it is not.
import { h } from '../tiercart-util.js';

const TONES = { installed: 'success', pending: 'attention', token_exchange_failed: 'critical', uninstalled: 'neutral' };

export class TiercartShopStatus extends HTMLElement {
  // `shop`: the /admin/shop answer; `t`: the page's translate.
  render(shop, t) {
    const state = Object.hasOwn(TONES, shop?.install_state) ? shop.install_state : 'unknown';
    // Shopify writes granted scopes comma-separated; an array is read the same.
    const scopes = (Array.isArray(shop?.scopes) ? shop.scopes : String(shop?.scopes || '').split(','))
      .map((scope) => String(scope).trim())
      .filter(Boolean)
      .join(', ');
    // replaceChildren writes a null as the text "null": what is not shown is left out first.
    const parts = [
      h('h2', { id: 'shop-heading' }, t('shop_heading')),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('shop_name')),
        h('dd', {}, String(shop?.shop || '')),
        h('dt', {}, t('shop_state')),
        h(
          'dd',
          {},
          h('span', { class: `badge badge--${TONES[state] || 'neutral'}`, 'data-state': state }, t(`state_${state}`)),
        ),
        h('dt', {}, t('shop_scopes')),
        h('dd', {}, scopes || t('shop_scopes_none')),
      ),
      state === 'unknown' ? null : h('p', { class: 'help' }, t(`state_${state}_help`)),
      // What Shopify answered when the token exchange failed, in its words.
      state === 'token_exchange_failed' && shop?.last_error
        ? h('p', { class: 'help' }, t('shop_last_error', { error: String(shop.last_error) }))
        : null,
    ];
    this.replaceChildren(...parts.filter(Boolean));
  }
}

customElements.define('tiercart-shop-status', TiercartShopStatus);
