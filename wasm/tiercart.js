// tiercart in the browser: the C++ core behind plain JavaScript. Two modules, so that a page
// downloads only what it calls: createTiercart() loads the storefront's (tiercart-core.wasm:
// evaluate, themeProgram, checkProgram), createTiercartOrders() the order page's
// (tiercart-order-core.wasm: selectOffers, editEligibility, checkAddress); both format money.
// Documents go in as objects or JSON text and come back as objects (or, from the *Json
// methods, as the exact JSON text the native build gives). A rejected document never
// throws inside the module: the core returns it as a value, and this wrapper turns it into
// a TiercartError with the core's stable `code`, its `message` and the JSON `path`.

export class TiercartError extends Error {
  constructor(code, message, path) {
    super(message);
    this.name = 'TiercartError';
    this.code = code;
    this.path = path;
  }
}

// JSON text for the core. Strings are passed as written (the core parses and checks them);
// a missing context is the empty document, which the core reads as "no context".
function documentText(value, name) {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  let text;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new TiercartError('invalid_json', `${name} cannot be written as JSON: ${cause.message}`, '$');
  }
  return typeof text === 'string' ? text : '';
}

// A Date as the ISO 8601 text the core reads. An invalid Date (new Date('x')) has none:
// toISOString would throw a RangeError, and this API throws only TiercartError.
function dateText(date) {
  if (Number.isNaN(date.getTime())) {
    throw new TiercartError('invalid_time', 'now is an invalid Date', '$');
  }
  return date.toISOString();
}

// A call of the module: one the module does not hold (the order page's in the storefront's
// module, or the reverse) is a TiercartError, not a TypeError.
function call(core, name, ...args) {
  const fn = core[name];
  if (typeof fn !== 'function') {
    throw new TiercartError(
      'not_in_module',
      `${name} is not in this module (docs/wasm.md: which module holds what)`,
      '$',
    );
  }
  return fn.apply(core, args);
}

function unwrap(outcome) {
  if (outcome.ok) return outcome.json;
  const { error } = JSON.parse(outcome.json);
  throw new TiercartError(error.code, error.message, error.path);
}

const encoder = new TextEncoder();

export class Tiercart {
  // `core` is the instantiated Embind module; use createTiercart() rather than this.
  constructor(core) {
    this.core = core;
  }

  get version() {
    return this.core.version();
  }

  // What the shopper sees: bars, messages, rewards and the cart actions to take.
  evaluate(program, cart, context) {
    return JSON.parse(this.evaluateJson(program, cart, context));
  }

  // Whether the cart's claimed gift lines are earned.
  validateCart(program, cart, context) {
    return JSON.parse(this.validateCartJson(program, cart, context));
  }

  // The same for an orders/create webhook payload.
  validateOrder(program, order, context) {
    return JSON.parse(this.validateOrderJson(program, order, context));
  }

  // Problems a merchant must fix before saving a program: {ok, problems}.
  checkProgram(program, context) {
    return JSON.parse(this.checkProgramJson(program, context));
  }

  // The drawer's hot call: the three texts are encoded straight into the module's memory
  // (wasm/storefront.cpp says why) rather than copied by Embind one character at a time. Room
  // for an eighth more bytes than characters (a few accented titles); a document that needs more,
  // or that does not fit, goes through Embind's copy, with the same answer.
  evaluateJson(program, cart, context) {
    const texts = [documentText(program, 'program'), documentText(cart, 'cart'), documentText(context, 'context')];
    const core = this.core;
    const room = texts.map((text) => text.length + (text.length >> 3) + 16);
    // A lone surrogate has no UTF-8: encodeInto would write U+FFFD where Embind's copy writes
    // bytes the core refuses, so such text takes the copy and gets the copy's answer.
    const fast = core.evaluateInput && texts.every((text) => text.isWellFormed?.() ?? true);
    const start = fast ? core.inputBuffer(room[0] + room[1] + room[2]) : 0;
    if (start) {
      const memory = new Uint8Array(core.HEAP8.buffer);
      const written = [];
      let at = start;
      for (let i = 0; i < 3; i += 1) {
        const { read, written: bytes } = encoder.encodeInto(texts[i], memory.subarray(at, at + room[i]));
        if (read !== texts[i].length) break;
        written.push(bytes);
        at += bytes;
      }
      if (written.length === 3) return unwrap(core.evaluateInput(written[0], written[1], written[2]));
    }
    return unwrap(call(core, 'evaluate', ...texts));
  }

  validateCartJson(program, cart, context) {
    return unwrap(
      call(
        this.core,
        'validateCart',
        documentText(program, 'program'),
        documentText(cart, 'cart'),
        documentText(context, 'context'),
      ),
    );
  }

  validateOrderJson(program, order, context) {
    return unwrap(
      call(
        this.core,
        'validateOrder',
        documentText(program, 'program'),
        documentText(order, 'order'),
        documentText(context, 'context'),
      ),
    );
  }

  checkProgramJson(program, context) {
    return unwrap(call(this.core, 'checkProgram', documentText(program, 'program'), documentText(context, 'context')));
  }

  // The theme's settings (config/settings_data.json, as text: it may open with a comment) as
  // the program the storefront and checkout use, with a notice for every setting left out
  // (docs/theme-extension.md). Options: {currency, locale, catalog, texts, ...}.
  themeProgram(settingsData, options) {
    return JSON.parse(this.themeProgramJson(settingsData, options));
  }

  themeProgramJson(settingsData, options) {
    return unwrap(
      call(this.core, 'themeProgram', documentText(settingsData, 'settings_data'), documentText(options, 'options')),
    );
  }

  // After the order (docs/post-purchase.md): offers for the post-purchase page, with prices
  // in the order's currency; what the customer may still change and until when; whether a
  // shipping address is complete and well formed.
  selectOffers(order, offers, context) {
    return JSON.parse(this.selectOffersJson(order, offers, context));
  }

  editEligibility(order, policy, now) {
    return JSON.parse(this.editEligibilityJson(order, policy, now));
  }

  checkAddress(address, options) {
    return JSON.parse(this.checkAddressJson(address, options));
  }

  selectOffersJson(order, offers, context) {
    return unwrap(
      call(
        this.core,
        'selectOffers',
        documentText(order, 'order'),
        documentText(offers, 'offers'),
        documentText(context, 'context'),
      ),
    );
  }

  // `now`: an ISO 8601 string or a Date.
  editEligibilityJson(order, policy, now) {
    const time = now instanceof Date ? dateText(now) : now == null ? '' : String(now);
    return unwrap(
      call(this.core, 'editEligibility', documentText(order, 'order'), documentText(policy, 'policy'), time),
    );
  }

  checkAddressJson(address, options) {
    return unwrap(call(this.core, 'checkAddress', documentText(address, 'address'), documentText(options, 'options')));
  }

  // An amount as cart.js gives it (an integer; `cartAmounts` "cents" or "minor_units", as in
  // the context) written with the store's money_format, by the core's one formatter.
  formatMoney(amount, currency, moneyFormat = '', cartAmounts = 'cents') {
    return JSON.parse(
      unwrap(
        call(this.core, 'formatMoney', Number(amount), String(currency), String(moneyFormat), String(cartAmounts)),
      ),
    );
  }

  // Bytes of linear memory the module holds now (it grows on demand, never shrinks).
  get memoryBytes() {
    return this.core.HEAP8.length;
  }
}

async function instantiate(factory, { wasmBinary, locateFile } = {}) {
  const settings = {};
  if (wasmBinary !== undefined) settings.wasmBinary = wasmBinary;
  if (locateFile !== undefined) settings.locateFile = locateFile;
  return new Tiercart(await factory(settings));
}

// Loads and instantiates the storefront's module. In a page, tiercart-core.wasm is fetched
// from next to tiercart-core.js; pass `locateFile(name)` to fetch it from elsewhere, or
// `wasmBinary` (bytes) to skip the fetch (Node: `wasmBinary: fs.readFileSync(path)`).
export async function createTiercart(options = {}) {
  return instantiate((await import('./tiercart-core.js')).default, options);
}

// The order page's module (tiercart-order-core.wasm), with the same options.
export async function createTiercartOrders(options = {}) {
  return instantiate((await import('./tiercart-order-core.js')).default, options);
}

export default createTiercart;
