// Evaluation: where a cart stands against a program. Per bar, the qualifying amount,
// the reached and next tiers, what remains, the progress and the message to show; the
// rewards earned; and the cart actions (gift lines to add, reduce or remove) that bring
// the cart in line. Pure and deterministic: the same input gives the same output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tiercart/cart.h"
#include "tiercart/program.h"

namespace tiercart {

// Why a tier is out of reach for this shopper now; kAvailable when it is not.
// kSignInRequired: the tier asks for a customer history (orders, amount spent) and the shopper
// is signed out; signing in may or may not make it available.
enum class Availability { kAvailable, kNotStarted, kExpired, kNotEligible, kSignInRequired };

struct TierStatus {
  std::string id;
  int64_t threshold = 0;  // in the presentment currency (spend) or units (quantity)
  int position_bp = 0;    // where its marker sits on the bar, 0..10000
  bool unlocked = false;
  Availability availability = Availability::kAvailable;
  std::string label;  // reward label in the shopper's locale
};

struct BarStatus {
  std::string id;
  Metric metric = Metric::kSpend;
  int64_t qualifying = 0;  // presentment minor units (spend) or units (quantity)
  std::optional<std::string> reached_tier;
  std::optional<std::string> next_tier;
  int64_t remaining = 0;  // to the next tier; 0 when there is none
  int progress_bp = 0;    // toward the last available tier, 0..10000
  std::string message;    // rendered in the shopper's locale
  std::vector<TierStatus> tiers;
};

struct GiftOption {
  int64_t variant_id = 0;
  int64_t product_id = 0;
  std::string title;
  bool available = true;         // in stock
  std::optional<int64_t> price;  // catalog price of `quantity` units, presentment minor units
  std::string image;             // from the context's variant facts; may be empty
};

struct EarnedReward {
  std::string bar_id;
  std::string tier_id;
  RewardType type = RewardType::kFreeGift;
  std::string label;
  // free_gift
  std::vector<GiftOption> options;  // what the tier offers
  std::vector<int64_t> chosen;      // variant ids in the cart or to be added
  int choose = 0;
  int64_t quantity = 0;
  bool choice_required = false;   // the shopper must pick before anything is added
  bool declinable = true;         // the shopper may remove the gift (Reward::declinable)
  std::vector<int64_t> declined;  // offered gifts the shopper declined: never added
  // gift_card and fixed order_discount: amount in `currency`
  int64_t amount = 0;
  std::string currency;
  int percent = 0;  // order_discount in percent; buy_x_get_y: off the units got
  // buy_x_get_y: times the cart uses it, and the units it discounts among the cart's own
  // lines (the cheapest of the named products), unless they are added as gift lines (then
  // the gift fields above say which, `quantity` being the units of all uses).
  int64_t uses = 0;
  struct DiscountedUnits {
    int line = 0;  // 1-based in the evaluated cart
    int64_t variant_id = 0;
    int64_t quantity = 0;
  };
  std::vector<DiscountedUnits> discounted;
};

enum class ActionType { kAdd, kChange, kRemove };

// One AJAX Cart API call. Add: POST cart/add.js {id: variant_id, quantity, properties}.
// Change/Remove: POST cart/change.js {id: key (or line when no key), quantity}.
struct CartAction {
  ActionType type = ActionType::kAdd;
  std::string tier_id;
  int64_t variant_id = 0;
  int64_t quantity = 0;  // the line's new quantity (add: units to add; remove: 0)
  std::string key;       // change/remove
  int line = 0;          // change/remove: 1-based line number in the evaluated cart
  std::string property;  // add: the value of the _tiercart property
  std::string reason;    // why: "tier_unlocked", "tier_lost", "quantity_exceeded", ...
};

// An in-cart suggestion: a product that would bring the cart to a bar's next tier for the
// least extra spend. (Not a post-purchase offer: those are after_purchase's OfferRule and
// SelectedOffer.) In the evaluation's JSON it is listed under "offers".
struct Suggestion {
  std::string bar_id;
  std::string tier_id;
  int64_t variant_id = 0;
  int64_t product_id = 0;
  std::string title;
  int64_t price = 0;  // presentment minor units
  bool reaches_tier = false;
  std::string image;  // from the context's variant facts; may be empty
};

// Something the evaluation could not judge for sure. Code "missing_product_facts": a bar's scope
// names collections, tags or product types and the context has no such facts for a product in the
// cart, so whether it counts was decided without them: whoever builds the context should fetch
// them (docs/context-format.md).
struct EvaluationWarning {
  std::string code;
  std::string bar_id;
  int64_t product_id = 0;
  std::string message;
};

struct Evaluation {
  std::string program_id;
  int64_t program_version = 0;
  std::string arm;  // the cart's arm in the program's experiment ("a", "b"); empty: none
  std::string currency;
  std::string money_format;
  std::vector<BarStatus> bars;
  std::vector<EarnedReward> rewards;
  std::vector<CartAction> actions;
  std::vector<Suggestion> suggestions;  // JSON: "offers"
  // What the shopper saves on this cart, in presentment minor units: line and cart-level
  // discounts, and the price of the gift lines the cart keeps (free at checkout).
  int64_t savings = 0;
  std::vector<EvaluationWarning> warnings;
};

// Evaluates `cart` against `program`. Errors: "unknown_currency", "missing_rate" (the cart's
// currency differs from the shop's and the context gives no rate), "out_of_range".
Result<Evaluation> evaluate(const Program& program, const Cart& cart, const Context& context);

// The gift property value for a tier of a program: "<id>@<version>:<tier>".
std::string gift_property(const Program& program, const std::string& tier_id);

}  // namespace tiercart
