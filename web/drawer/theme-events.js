// The drawer and the theme around it. With Dawn's pub/sub (pubsub.js, constants.js) the drawer
// refreshes after the theme's own cart changes and publishes its own with `source: 'tiercart'`,
// so that it ignores them itself. Other themes get `tiercart:evaluation` and
// `tiercart:cart-updated` on document, and the item count in [data-tiercart-count] elements.

// Dawn's `subscribe` and `publish` are global functions and PUB_SUB_EVENTS a global `const`,
// which is a binding of the global scope, not a property of window: it is read by its bare name.
export function dawnPubSub() {
  try {
    // eslint-disable-next-line no-undef
    const events = typeof PUB_SUB_EVENTS !== 'undefined' ? PUB_SUB_EVENTS : null;
    if (typeof window.subscribe === 'function' && typeof window.publish === 'function' && events?.cartUpdate) {
      return { subscribe: window.subscribe, publish: window.publish, cartUpdate: events.cartUpdate };
    }
  } catch {
    // Declared but never initialised (the theme's script failed before it): not usable.
  }
  return null;
}

// What the drawer now shows, told to the page: the inline bars, the theme's cart count and cart.
export function publishCart(dawn, cart, evaluation, strings) {
  window.tiercart = { ...(window.tiercart || {}), lastEvaluation: { evaluation, strings } };
  document.dispatchEvent(
    new CustomEvent('tiercart:evaluation', { detail: { evaluation, strings, source: 'tiercart' } }),
  );
  document.dispatchEvent(new CustomEvent('tiercart:cart-updated', { detail: { cart, source: 'tiercart' } }));
  for (const node of document.querySelectorAll('[data-tiercart-count]')) node.textContent = String(cart.item_count);
  dawn?.publish(dawn.cartUpdate, { source: 'tiercart', cartData: cart });
}
