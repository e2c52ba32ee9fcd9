// tiercart's loader: the only script a theme block references. It renders nothing and costs
// nothing up front. On idle, or on the shopper's first interaction, it imports the drawer
// module (which fetches the wasm core). Product forms and the cart icon are taken over at
// once: the click waits for the drawer, it is never lost. A classic deferred script, as
// Shopify adds a block's `javascript`.
(() => {
  const script = document.currentScript;
  const base = script ? script.src.replace(/[^/]*$/, '') : '/';
  const drawer = () => document.querySelector('tiercart-drawer');
  let loading = null;
  // What the drawer needs, asked for at once rather than one after another (the drawer module,
  // then the core's wrapper, its glue, its .wasm: four round trips on a phone's network): the
  // module preloads and the .wasm's fetch are in flight while the drawer module loads, and the
  // drawer's own imports and the glue's fetch find them (docs/storefront.md).
  const preload = () => {
    for (const [rel, file, as] of [
      ['modulepreload', 'tiercart.js'],
      ['modulepreload', 'tiercart-core.js'],
      ['preload', 'tiercart-core.wasm', 'fetch'],
      ['preload', 'tiercart.css', 'style'],
    ]) {
      const link = document.createElement('link');
      link.rel = rel;
      link.href = base + file;
      if (as) link.as = as;
      if (as === 'fetch') link.crossOrigin = 'anonymous'; // as the glue fetches it (CORS, no cookies)
      document.head.append(link);
    }
  };
  const load = () => {
    if (!loading) {
      preload();
      // The element as soon as its module is in: it opens at once and loads its first cart
      // (and the core) itself.
      loading = import(`${base}tiercart-drawer.js`)
        .then((module) => module.element())
        .catch((error) => {
          loading = null;
          throw error;
        });
    }
    return loading;
  };
  const isCartAdd = (form) => {
    try {
      return /\/cart\/add(\.js)?$/.test(new URL(form.action, location.href).pathname);
    } catch {
      return false;
    }
  };

  // Product forms: the drawer adds and opens. Capture phase, before the theme's own handler.
  document.addEventListener(
    'submit',
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !isCartAdd(form) || !drawer()) return;
      event.preventDefault();
      event.stopPropagation();
      const data = new FormData(form, event.submitter);
      const opener = event.submitter || document.activeElement;
      load().then(
        (element) => element.addFromForm(data, opener),
        () => form.submit(), // the drawer failed to load: the plain form still works
      );
    },
    true,
  );

  // The cart icon opens the drawer rather than the cart page.
  document.addEventListener(
    'click',
    (event) => {
      const opener = event.target instanceof Element && event.target.closest('[data-tiercart-open]');
      if (!opener || !drawer() || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      load().then(
        (element) => element.open(opener),
        () => {
          if (opener.href) location.href = opener.href;
        },
      );
    },
    true,
  );

  // Themes' cart events (Dawn's pub/sub is picked up by the drawer module itself).
  for (const name of ['cart:refresh', 'cart:updated', 'tiercart:refresh']) {
    document.addEventListener(name, () => load().then((element) => element.refresh()));
  }

  const warm = () => {
    if (drawer() || document.querySelector('tiercart-progress')) load().catch(() => {});
  };
  for (const name of ['pointerdown', 'keydown', 'touchstart']) {
    addEventListener(name, warm, { once: true, passive: true, capture: true });
  }
  const idle = () =>
    window.requestIdleCallback ? requestIdleCallback(warm, { timeout: 5000 }) : setTimeout(warm, 2000);
  if (document.readyState === 'complete') idle();
  else addEventListener('load', idle, { once: true });
  // The theme editor shows the drawer open, without taking the focus from its settings.
  if (window.Shopify?.designMode) load().then((element) => element.open(null, { takeFocus: false }));
})();
