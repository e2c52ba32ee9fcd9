// A reward program: the merchant's bars, tiers and rewards, in the versioned format
// of docs/program-format.md (JSON Schema: schema/program.schema.json). The theme editor,
// the widget, the server and the Shopify Function all read this one format.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiercart/money.h"
#include "tiercart/result.h"

namespace tiercart {

inline constexpr int kProgramFormat = 1;

// Which lines count toward a bar. A line counts when it matches `include` (or include is
// empty) and matches nothing in `exclude`. Gift lines never count.
struct Selector {
  std::vector<int64_t> products;
  std::vector<int64_t> variants;
  std::vector<std::string> collections;  // handles
  std::vector<std::string> tags;         // compared case-insensitively, as Shopify does
  std::vector<std::string> product_types;
  bool empty() const {
    return products.empty() && variants.empty() && collections.empty() && tags.empty() &&
           product_types.empty();
  }
};

struct Scope {
  Selector include;
  Selector exclude;
  bool gift_cards = false;    // gift card lines count
  bool subscriptions = true;  // lines with a selling plan count
  // Lines on sale (unit price below the compare-at price) count; false leaves them out.
  bool sale_items = true;
};

// A window in Unix seconds; either end may be open.
struct Schedule {
  std::optional<int64_t> starts_at;
  std::optional<int64_t> ends_at;
};

// Who may earn. Empty lists allow everyone.
struct Eligibility {
  std::vector<std::string> customer_tags_any;  // at least one of these tags
  std::vector<std::string> countries;          // ISO 3166-1 alpha-2
  // Customer history, as Shopify counts it: at least this many orders, at least this much
  // spent (minor units of the program currency). Needs a signed-in customer.
  std::optional<int64_t> min_orders;
  std::optional<int64_t> min_spent;
};

enum class Metric { kSpend, kQuantity };
enum class Basis { kAfterDiscounts, kBeforeDiscounts };
enum class Stacking { kCumulative, kHighestOnly };

struct Gift {
  int64_t variant_id = 0;
  int64_t product_id = 0;
  std::string title;
};

// kBuyXGetY: buy the tier's threshold in units of the bar's lines, get `quantity` units of the
// named products (`gifts`, JSON "get_items") at `percent` off, once per threshold reached.
enum class RewardType { kFreeGift, kFreeShipping, kGiftCard, kOrderDiscount, kBuyXGetY };

struct Reward {
  RewardType type = RewardType::kFreeGift;
  // free_gift
  std::vector<Gift> gifts;
  int choose = 1;        // how many distinct gifts the shopper takes
  int64_t quantity = 1;  // units of each chosen gift
  bool skip_out_of_stock = true;
  bool preselect = false;  // add the first available gifts without asking
  // The shopper may remove the gift and it stays removed for that cart (the default); false:
  // added without asking and put back if removed.
  bool declinable = true;
  // free_shipping
  std::vector<std::string> countries;  // empty = everywhere
  // gift_card (issued after purchase, in the shop currency) and fixed order_discount
  int64_t amount = 0;
  std::map<std::string, int64_t> amounts_by_currency;
  // order_discount in percent, 1..100; buy_x_get_y: off the units got (100 = free)
  int percent = 0;
  // buy_x_get_y: how many times one cart may use it (0 = as often as it buys), and whether
  // the units got are added as gift lines (like free_gift) rather than bought by the shopper.
  int64_t max_uses = 0;
  bool add_to_cart = false;
};

// Texts of one locale. Placeholders: {{remaining}}, {{reward}}, {{tier}}, {{threshold}}.
struct TierTexts {
  std::string label;     // the reward in a few words: "a free tote"
  std::string progress;  // shown while the tier is the next one
  std::string unlocked;  // shown once it is reached
};

struct Tier {
  std::string id;
  int64_t threshold = 0;  // spend: minor units of the program currency; quantity: units
  std::map<std::string, int64_t> thresholds_by_currency;  // explicit, override conversion
  // Spend bars only: by ISO 3166-1 alpha-2 country (Shopify Markets), minor units of the
  // program currency. A listed country's amount stands in for `threshold` and is then
  // converted like it; thresholds_by_currency was chosen for `threshold` and is not used.
  std::map<std::string, int64_t> thresholds_by_country;
  Reward reward;
  std::map<std::string, TierTexts> texts;  // by locale ("en", "fr", "pt-BR")
  Schedule schedule;
  Eligibility eligibility;
};

struct Bar {
  std::string id;
  Metric metric = Metric::kSpend;
  std::optional<Basis> basis;  // falls back to the program's
  Stacking stacking = Stacking::kCumulative;
  Scope scope;
  std::vector<Tier> tiers;                            // ascending thresholds
  std::map<std::string, std::string> complete_texts;  // by locale, once every tier is reached
};

struct Program;

// The spend threshold of `tier` for a shopper in `country`, in minor units of the program
// currency: the country's own amount when the tier lists it, else `threshold`. Empty country
// (not known yet): `threshold`. The drawer, checkout and the order check all go through this.
int64_t threshold_for_country(const Tier& tier, std::string_view country);

// An A/B test of two tier sets (docs/program-format.md, "Experiments"). Arm a is the program
// itself; arm b is another set of bars under the same id and version, so that a gift line's
// claim names its tier whichever arm it came from. A cart's arm follows from the experiment's
// id and the cart's token (arm_of), so the drawer, checkout and the server put it in the same
// arm and no shopper chooses it.
struct Experiment {
  std::string id;    // names the test: a new id splits carts afresh
  int split_b = 50;  // percent of carts in arm b, 1..99
  std::shared_ptr<const Program> arm_b;
};

struct Program {
  int format = kProgramFormat;
  std::string id;
  int64_t version = 1;
  std::string currency;  // shop currency of thresholds and amounts
  Basis basis = Basis::kAfterDiscounts;
  Rounding rounding = Rounding::kUpToMinor;  // for converted thresholds
  std::string default_locale = "en";
  Schedule schedule;
  Eligibility eligibility;
  std::vector<Bar> bars;
  std::optional<Experiment> experiment;
};

// The cart attribute that carries the cart's token to checkout, where the discount Function
// cannot read the token itself: the arm key of a Function's cart. The drawer writes it when
// the program runs an experiment; the server compares it with the order's cart_token.
inline constexpr const char* kArmAttribute = "_tiercart_arm";

// The arm ("a" or "b") of a cart whose token is `arm_key` in the program's experiment: a stable
// hash of the experiment id and the token (the part before any "?key=..."), against the split.
// Without a key, "a". Empty when the program runs no experiment.
std::string arm_of(const Program& program, std::string_view arm_key);
// The tier set a cart is measured by: arm b's bars when the cart is in arm b, else the program.
const Program& program_for_arm(const Program& program, std::string_view arm_key);

// An A/B test started: the next `version` of `live`, with `live`'s bars as arm a and
// `candidate`'s as arm b, `split_b` percent of carts in b. Errors ("invalid_value" at the
// field): an id that is not one, a split outside 1..99, another currency, a live program that
// runs a test already.
Result<Program> start_experiment(const Program& live, const Program& candidate,
                                 const std::string& id, int split_b, int64_t version);
// A test ended: the next `version` of `running`, with the bars of the arm kept ("a" or "b")
// and no experiment.
Result<Program> end_experiment(const Program& running, std::string_view keep, int64_t version);

// The distinct starts_at and ends_at of the program, its tiers and arm b's tiers, ascending:
// what checkout, which has no clock, asks Shopify about (function.h, input variables).
std::vector<int64_t> schedule_moments(const Program& program);

// A problem found by check_program: wrong enough to refuse ("error") or worth a look
// ("warning").
struct Problem {
  std::string severity;  // "error" | "warning"
  std::string code;      // "overlapping_tiers", "unreachable_tier", "missing_gift", ...
  std::string message;
  std::string path;
};

}  // namespace tiercart
