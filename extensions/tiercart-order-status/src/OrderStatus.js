// tiercart's customer account UI extension on the Order status page
// (customer-account.order-status.block.render). It renders Shopify's web components into the
// extension's Remote DOM, and asks tiercart's server for what it shows: the offers and their
// prices (recomputed natively), the edit window, and the address it saves. Where the sandbox
// can compile WebAssembly (tried, not assumed: address-check.js), the address is also checked
// as the customer types, by the core's own check; the server checks again when it saves
// (docs/post-purchase-ui.md).

import { formatTimeLeft, minorToDecimal } from '../../../web/tiercart-format.js';
import { localAddressCheck } from './address-check.js';
import { numericId, problemsByField } from './logic.js';

const FIELDS = ['first_name', 'last_name', 'address1', 'address2', 'city', 'province_code', 'zip', 'country_code'];

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export default async function extension() {
  const t = (key, vars) => shopify.i18n.translate(key, vars);
  const server = String(shopify.settings.value?.server_url || '').replace(/\/$/, '');
  const order = shopify.order.value;
  const orderId = numericId(order?.id);
  if (!server || !orderId) return;
  const currency = shopify.localization?.currency?.value?.isoCode || order?.currencyCode || 'USD';
  const money = (amount) => shopify.i18n.formatCurrency(Number(minorToDecimal(amount, currency)), { currency });

  async function call(path, body) {
    const token = await shopify.sessionToken.get();
    const response = await fetch(`${server}/customer-account/orders/${orderId}/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = null;
    try {
      json = await response.json();
    } catch {
      // not JSON
    }
    return { ok: response.ok, json };
  }

  const banner = el('s-banner', { tone: 'info', hidden: true });
  const say = (text, tone = 'info') => {
    banner.setAttribute('tone', tone);
    banner.replaceChildren(el('s-text', {}, text));
    banner.removeAttribute('hidden');
  };

  // Offers. What happens to an offer is said in its own card, where the customer clicked.
  const offersStack = el('s-stack', { gap: 'base' });
  const offersSection = el('s-section', { heading: t('offers_title') }, offersStack);
  const renderOffers = (offers) => {
    offersStack.replaceChildren(
      ...offers.map((offer) => {
        const button = el('s-button', { variant: 'primary' }, t('add'));
        const outcome = el('s-banner', { hidden: true });
        const tell = (text, tone) => {
          outcome.setAttribute('tone', tone);
          outcome.replaceChildren(el('s-text', {}, text));
          outcome.removeAttribute('hidden');
        };
        button.addEventListener('click', async () => {
          button.setAttribute('loading', '');
          // The price shown goes along only to be compared: the server prices the offer.
          const { ok, json } = await call(`offers/${offer.id}`, { price: offer.price }).catch(() => ({ ok: false }));
          button.removeAttribute('loading');
          if (ok) {
            button.setAttribute('disabled', '');
            button.replaceChildren(t('added'));
            tell(t('added_status', { title: offer.title, price: money(json.offer.price.amount) }), 'success');
          } else if (json?.error?.code === 'price_mismatch') {
            Object.assign(offer, json.error.offer);
            renderOffers(offers);
            say(t('price_changed', { title: offer.title, price: money(offer.price.amount) }), 'warning');
          } else {
            tell(t(json?.error?.code === 'offer_unavailable' ? 'unavailable' : 'failed'), 'critical');
          }
        });
        // The price before the offer's discount, in words (no strike-through to read).
        const regular =
          offer.original_price && offer.original_price.amount !== offer.price.amount
            ? el('s-text', { color: 'subdued' }, t('regular_price', { price: money(offer.original_price.amount) }))
            : null;
        return el(
          's-stack',
          { gap: 'small-100', 'data-offer-id': offer.id },
          el(
            's-stack',
            { direction: 'inline', gap: 'base', 'align-items': 'center' },
            el(
              's-stack',
              { gap: 'small-100' },
              el('s-text', { type: 'strong' }, offer.title),
              offer.reason ? el('s-text', { color: 'subdued' }, offer.reason) : null,
              el('s-text', {}, money(offer.price.amount)),
              regular,
            ),
            button,
          ),
          outcome,
        );
      }),
    );
  };

  // Edit window and address.
  const countdown = el('s-text', { type: 'strong' });
  const fields = {};
  const form = el('s-stack', { gap: 'base' });
  for (const field of FIELDS) {
    fields[field] = el('s-text-field', { label: t(field), name: field });
    form.append(fields[field]);
  }
  const save = el('s-button', {}, t('save'));
  form.append(save);
  const editSection = el(
    's-section',
    { heading: t('window_title') },
    countdown,
    el('s-heading', {}, t('address_title')),
    form,
  );
  document.body.append(el('s-stack', { gap: 'base' }, banner, offersSection, editSection));

  let deadline = 0;
  let timer = null;
  const tick = () => {
    const left = Math.round((deadline - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(timer);
      countdown.replaceChildren(t('window_closed'));
      form.setAttribute('hidden', '');
      return;
    }
    countdown.replaceChildren(t('window_open', { time: formatTimeLeft(left) }));
  };
  const showAddress = (address) => {
    for (const field of FIELDS) fields[field].value = address?.[field] || '';
  };

  const typedAddress = () => {
    const address = {};
    for (const field of FIELDS) if (String(fields[field].value || '').trim()) address[field] = fields[field].value;
    return address;
  };
  // Each field's first problem as its error text: on the fields the customer has changed, or
  // on all of them (a save).
  const showProblems = (problems, only) => {
    const byField = problemsByField(problems);
    for (const field of FIELDS) {
      const problem = byField[field];
      if (problem && (!only || only.has(field))) fields[field].setAttribute('error', t(`error_${problem.code}`));
      else fields[field].removeAttribute('error');
    }
  };

  // As the customer types: the core's check in the extension, when the sandbox runs it. Compiled
  // on the first keystroke or save, not when the page opens (most views never edit).
  let checker = null;
  let addressOptions = {};
  const touched = new Set();
  let checkTimer = null;
  const checkTyped = async (all) => {
    checker ??= localAddressCheck();
    const check = await checker;
    const result = check ? check(typedAddress(), addressOptions) : null;
    if (result) showProblems(result.problems, all ? null : touched);
    return result;
  };
  for (const field of FIELDS) {
    fields[field].addEventListener('input', () => {
      touched.add(field);
      clearTimeout(checkTimer);
      checkTimer = setTimeout(() => checkTyped(false), 150);
    });
  }

  save.addEventListener('click', async () => {
    clearTimeout(checkTimer);
    const checked = await checkTyped(true);
    if (checked && !checked.ok) {
      say(t('invalid'), 'critical'); // the core refuses it here as the server would
      return;
    }
    const address = typedAddress();
    save.setAttribute('loading', '');
    const { ok, json } = await call('address', address).catch(() => ({ ok: false }));
    save.removeAttribute('loading');
    showProblems(ok ? json.problems : json?.error?.problems, null);
    if (ok) {
      showAddress(json.shipping_address);
      say(t('saved'), 'success');
    } else if (json?.error?.code === 'edit_window_closed') {
      deadline = 0;
      tick();
      say(t('window_closed'), 'warning');
    } else if (json?.error?.code === 'invalid_address') {
      // Each field says what is wrong with it; the banner says where to look.
      say(t('invalid'), 'critical');
    } else {
      say(t('failed'), 'critical');
    }
  });

  const [offers, edits] = await Promise.all([
    // The server chooses the offers from the order it holds: nothing about the lines is sent.
    call('offers', {}).catch(() => ({ ok: false })),
    call('edits').catch(() => ({ ok: false })),
  ]);
  if (offers.ok && offers.json.offers?.length) renderOffers(offers.json.offers);
  else offersSection.setAttribute('hidden', '');
  if (edits.ok && edits.json.eligibility?.allowed?.includes('address')) {
    deadline = Date.now() + edits.json.eligibility.seconds_left * 1000;
    addressOptions = edits.json.address_options || {};
    showAddress(edits.json.shipping_address || shopify.shippingAddress?.value);
    tick();
    timer = setInterval(tick, 1000);
  } else {
    editSection.setAttribute('hidden', '');
  }
}
