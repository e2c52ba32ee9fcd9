// <tiercart-shop-status>: whether tiercart is installed on the shop (GET /admin/shop's
// install_state), with what access, and what the merchant should do when it is not.
import { h } from '../tiercart-util.js';
import { timeElement } from './dates.js';

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
    parts.push(...this.liveParts(shop, t));
    this.replaceChildren(...parts.filter(Boolean));
  }

  // What checkout enforces now, whether the theme editor's settings could be used, and the
  // writes to Shopify (tags, order edits, the published program) not made yet.
  liveParts(shop, t) {
    const live = shop?.live_program;
    const sync = shop?.theme_sync;
    const outbox = shop?.outbox || {};
    const fromTheme = live?.id === 'theme-settings';
    const liveText = live
      ? t(fromTheme ? 'live_program_theme' : 'live_program_value', {
          id: String(live.id),
          version: String(live.version),
        })
      : t('live_program_none');
    const writes = [];
    if (outbox.pending > 0) writes.push(t('writes_pending', { count: String(outbox.pending) }));
    if (outbox.failed > 0) writes.push(t('writes_failed', { count: String(outbox.failed) }));
    const notices = Array.isArray(sync?.notices) ? sync.notices.length : 0;
    return [
      h('h2', { id: 'live-heading' }, t('live_heading')),
      h(
        'dl',
        { class: 'facts', 'data-live': live ? `${live.id}@${live.version}` : '' },
        h('dt', {}, t('live_program')),
        h('dd', {}, liveText),
        h('dt', {}, t('theme_read')),
        h('dd', {}, sync?.synced_at ? timeElement(sync.synced_at) : t('theme_read_never')),
        h('dt', {}, t('writes')),
        h('dd', { 'data-pending': String(outbox.pending || 0) }, writes.length ? writes.join(', ') : t('writes_none')),
      ),
      sync?.error ? h('p', { class: 'help', role: 'status' }, t('theme_problem', { error: String(sync.error) })) : null,
      notices > 0 ? h('p', { class: 'help' }, t('theme_notices', { count: String(notices) })) : null,
      outbox.last_error && (outbox.pending > 0 || outbox.failed > 0)
        ? h('p', { class: 'help' }, t('writes_error', { error: String(outbox.last_error) }))
        : null,
    ];
  }
}

customElements.define('tiercart-shop-status', TiercartShopStatus);
