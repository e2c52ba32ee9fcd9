// A stand-in for Shopify's App Bridge (cdn.shopify.com/shopifycloud/app-bridge.js) in the demo:
// the part tiercart's embedded page uses, `shopify.idToken()`. Like App Bridge it is a classic
// script loaded first, so `shopify` exists before the page's module runs. It asks the admin
// frame that embeds the page for a fresh session token over postMessage: the request goes only
// to the admin's origin (this script's own: the demo serves it) and only that origin's answers,
// from the parent window, are read.
(() => {
  const adminOrigin = new URL(document.currentScript.src).origin;
  const pending = new Map();
  let nextId = 0;

  window.addEventListener('message', (event) => {
    if (event.origin !== adminOrigin || event.source !== window.parent) return;
    const message = event.data;
    if (!message || message.type !== 'tiercart-demo:id-token-reply') return;
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (typeof message.token === 'string' && message.token) waiting.resolve(message.token);
    else waiting.reject(new Error(message.error || 'the admin gave no session token'));
  });

  function idToken() {
    if (window.parent === window) return Promise.reject(new Error('the app page is not embedded in the admin'));
    return new Promise((resolve, reject) => {
      nextId += 1;
      const id = String(nextId);
      // The admin answers at once; a frame left without an answer fails rather than hangs.
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('the admin did not answer'));
      }, 10000);
      pending.set(id, { resolve, reject, timer });
      window.parent.postMessage({ type: 'tiercart-demo:id-token', id }, adminOrigin);
    });
  }

  const params = new URLSearchParams(window.location.search);
  window.shopify = Object.freeze({
    idToken,
    config: Object.freeze({
      apiKey: document.querySelector('meta[name="shopify-api-key"]')?.content || '',
      shop: params.get('shop') || '',
      host: params.get('host') || '',
    }),
  });
})();
