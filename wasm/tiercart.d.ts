// The JavaScript API of tiercart's WebAssembly module (tiercart.js). The documents and
// results are those of the native core: see docs/program-format.md, docs/context-format.md,
// docs/errors.md and docs/wasm.md. Results are typed by their main fields; the core may add
// fields, never rename or remove them within a format version.

/** A document: a JS value (written with JSON.stringify) or JSON text (passed as written). */
export type Document = string | object;

/** A rejected document. `code` is stable (docs/errors.md); `path` is a JSONPath ("$.items[2].quantity"). */
export class TiercartError extends Error {
  readonly name: 'TiercartError';
  readonly code: string;
  readonly path: string;
  constructor(code: string, message: string, path: string);
}

export interface TierStatus {
  id: string;
  threshold: number;
  threshold_formatted?: string;
  position_bp: number;
  unlocked: boolean;
  availability: 'available' | 'not_started' | 'expired' | 'not_eligible' | 'sign_in_required';
  label: string;
}

export interface BarStatus {
  id: string;
  metric: 'spend' | 'quantity';
  qualifying: number;
  qualifying_formatted?: string;
  reached_tier: string | null;
  next_tier: string | null;
  remaining: number;
  remaining_formatted?: string;
  /** Progress toward the last available tier, in basis points (0..10000). */
  progress_bp: number;
  message: string;
  tiers: TierStatus[];
}

export interface GiftOption {
  variant_id: number;
  product_id: number;
  title: string;
  available: boolean;
  /** The catalog price of the gift's units, when the context gives one. */
  price?: number;
  price_formatted?: string;
  /** The variant's image URL, when the context gives one. */
  image?: string;
}

export interface EarnedReward {
  bar: string;
  tier: string;
  type: 'free_shipping' | 'free_gift' | 'order_discount' | 'gift_card' | 'buy_x_get_y' | string;
  label: string;
  options?: GiftOption[];
  chosen?: number[];
  choose?: number;
  quantity?: number;
  choice_required?: boolean;
  /** Whether the shopper may remove the gift (the program's `declinable`, default true). */
  declinable?: boolean;
  /** Offered gifts the shopper declined (cart attribute _tiercart_declined): never added. */
  declined?: number[];
  amount?: number;
  currency?: string;
  percent?: number;
  /** buy_x_get_y: times the cart uses it. */
  uses?: number;
  /** buy_x_get_y on the cart's own lines: the units it discounts (1-based line). */
  discounted?: { line: number; variant_id: number; quantity: number }[];
}

/** One AJAX Cart API call that brings the cart in line with the program. */
export interface CartAction {
  type: 'add' | 'change' | 'remove';
  tier: string;
  variant_id: number;
  quantity: number;
  /** change/remove: the line key for cart/change.js, and its 1-based line number. */
  key?: string;
  line?: number;
  /** add: the line properties to send with cart/add.js ({_tiercart: "<program>@<version>:<tier>"}). */
  properties?: { _tiercart: string };
  reason: string;
}

/** A product that brings a bar to its next tier for the least extra spend. */
export interface Offer {
  bar: string;
  tier: string;
  variant_id: number;
  product_id: number;
  title: string;
  price: number;
  price_formatted: string;
  reaches_tier: boolean;
  image?: string;
}

export interface Evaluation {
  program: { id: string; version: number };
  currency: string;
  minor_units: number;
  bars: BarStatus[];
  rewards: EarnedReward[];
  actions: CartAction[];
  /** Discounts taken and the gift lines kept (free at checkout), in minor units. */
  savings: number;
  savings_formatted: string;
  offers: Offer[];
}

export interface LineVerdict {
  line: number;
  variant_id: number;
  tier: string;
  earned: boolean;
  claimed_quantity: number;
  earned_quantity: number;
  reason?: string;
  message?: string;
}

export interface Verdict {
  program: { id: string; version: number };
  earned: boolean;
  lines: LineVerdict[];
  /** Order tags to set ("tiercart-flagged", "tiercart-<reason>"). */
  tags: string[];
}

export interface Problem {
  code: string;
  message: string;
  path: string;
  severity: 'error' | 'warning';
}

export interface ProgramCheck {
  ok: boolean;
  problems: Problem[];
}

/** Options of themeProgram (core/include/tiercart/theme_program.h). */
export interface ThemeProgramOptions {
  /** The shop currency: decides how many decimals a typed "50" has. Required. */
  currency: string;
  /** The program's default_locale and the locale of `texts` (default "en"). */
  locale?: string;
  /** The <app-handle> in the embeds' block types (default "tiercart"). */
  app_handle?: string;
  program_id?: string;
  version?: number;
  /** Product handle -> the product a product_list setting names. */
  catalog?: Record<string, { product_id: number; variant_id?: number | null; title?: string }>;
  /** Default texts in `locale`, placeholders as {{remaining}} and {{reward}}; absent ones are left out. */
  texts?: {
    labels?: { free_shipping?: string; free_gift?: string; gift_card?: string };
    progress?: string;
    unlocked?: string;
  };
}

/** A theme setting the program leaves out, and why. */
export interface ThemeNotice {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  /** JSON path in settings_data.json. */
  path: string;
  bar: string | null;
  tier: number | null;
}

/** The theme's settings as programs: null when no embed is on or no tier is usable. */
export interface ThemeProgramResult {
  /** With texts: what the drawer reads. */
  storefront: object | null;
  /** Without texts, canonical: what checkout reads from a metafield (at most 10,000 bytes). */
  checkout: object | null;
  notices: ThemeNotice[];
}

/** Minor units of a currency ($4.50 is {amount: 450, currency: "USD"}). */
export interface MoneyAmount {
  amount: number;
  currency: string;
}

/** One post-purchase offer (docs/post-purchase.md section 1.3). */
export interface PostPurchaseOffer {
  id: string;
  kind: 'complementary' | 'bundle' | 'subscription';
  variant_id: number;
  product_id: number;
  quantity: number;
  title: string;
  reason: string;
  /** What the customer pays for all units, in the order's currency. */
  price: MoneyAmount;
  original_price: MoneyAmount;
  /** Absent when the offer has no discount. `value`/`value_type`/`title` are what Shopify's changeset takes. */
  discount?: {
    value_type: 'percentage' | 'fixed_amount';
    value: string;
    title: string;
    amount: number;
  };
  selling_plan_id?: number;
}

export interface OfferSelection {
  currency: string;
  suppressed: null | 'gift_card_order' | 'cancelled_order' | 'empty_order';
  offers: PostPurchaseOffer[];
  skipped: { id: string; code: string }[];
}

export type EditKind = 'address' | 'variant_swap' | 'add_item' | 'cancel';

export interface EditEligibility {
  editable: boolean;
  /** ISO 8601 UTC: created_at + window_minutes. */
  until: string;
  seconds_left: number;
  allowed: EditKind[];
  deadlines: Partial<Record<EditKind, string>>;
  refused: { edit: EditKind; code: string; message: string }[];
}

export interface ShopifyAddress {
  first_name?: string;
  last_name?: string;
  company?: string;
  address1?: string;
  address2?: string;
  city?: string;
  province?: string;
  province_code?: string;
  zip?: string;
  country_code?: string;
  country?: string;
  phone?: string;
}

export interface AddressProblem {
  field: keyof ShopifyAddress;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface AddressCheck {
  ok: boolean;
  address: ShopifyAddress;
  problems: AddressProblem[];
}

export class Tiercart {
  /** Use createTiercart() rather than this. */
  constructor(core: unknown);
  /** The raw Embind table: each call returns {ok: boolean, json: string}. */
  readonly core: unknown;
  /** The core's version, e.g. "0.1.0". */
  readonly version: string;
  /** Bytes of linear memory the module holds (grows on demand, never shrinks). */
  readonly memoryBytes: number;

  /** What the shopper sees, and the cart actions to take. Throws TiercartError. */
  evaluate(program: Document, cart: Document, context?: Document | null): Evaluation;
  /** Whether a cart's claimed gift lines are earned. Throws TiercartError. */
  validateCart(program: Document, cart: Document, context?: Document | null): Verdict;
  /** The same for an orders/create webhook payload. Throws TiercartError. */
  validateOrder(program: Document, order: Document, context?: Document | null): Verdict;
  /** Problems a merchant must fix before saving. Throws TiercartError. */
  checkProgram(program: Document, context?: Document | null): ProgramCheck;

  /** As above, returning the core's JSON text: byte-identical to the native build. */
  evaluateJson(program: Document, cart: Document, context?: Document | null): string;
  validateCartJson(program: Document, cart: Document, context?: Document | null): string;
  validateOrderJson(program: Document, order: Document, context?: Document | null): string;
  checkProgramJson(program: Document, context?: Document | null): string;
  /** Offers for the post-purchase page (docs/post-purchase.md). Throws TiercartError. */
  selectOffers(order: Document, offers: Document, context?: Document | null): OfferSelection;
  /** What the customer may still change on the order, and until when. Throws TiercartError. */
  editEligibility(order: Document, policy: Document, now: string | Date): EditEligibility;
  /** Required fields, postal code formats and warnings for a shipping address. Throws TiercartError. */
  checkAddress(address: Document, options?: Document | null): AddressCheck;
  /** The theme's settings_data.json (text) as programs and notices. Throws TiercartError. */
  themeProgram(settingsData: string, options: ThemeProgramOptions | string): ThemeProgramResult;
  themeProgramJson(settingsData: string, options: ThemeProgramOptions | string): string;
  selectOffersJson(order: Document, offers: Document, context?: Document | null): string;
  editEligibilityJson(order: Document, policy: Document, now: string | Date): string;
  checkAddressJson(address: Document, options?: Document | null): string;
  /**
   * An amount as cart.js gives it (an integer), written with the store's money_format by
   * the core. `cartAmounts` as in the context ("cents" by default). Throws TiercartError
   * (`invalid_amount` for a non-integer, `unknown_currency`).
   */
  formatMoney(amount: number, currency: string, moneyFormat?: string, cartAmounts?: 'cents' | 'minor_units'): string;
}

export interface TiercartOptions {
  /** The module's bytes, to skip the fetch (Node: fs.readFileSync('.../tiercart-core.wasm')). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to fetch a file from; by default next to tiercart-core.js. */
  locateFile?: (name: string, scriptDirectory: string) => string;
}

/**
 * Loads and instantiates the storefront's module, tiercart-core.wasm (one fetch and compile;
 * reuse the result): evaluate, themeProgram, checkProgram, formatMoney. Another call throws a
 * TiercartError with code `not_in_module`.
 */
export function createTiercart(options?: TiercartOptions): Promise<Tiercart>;

/**
 * Loads and instantiates the order status page's module, tiercart-order-core.wasm:
 * selectOffers, editEligibility, checkAddress, formatMoney.
 */
export function createTiercartOrders(options?: TiercartOptions): Promise<Tiercart>;
export default createTiercart;
