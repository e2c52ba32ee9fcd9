// The order page's calls (tiercart-order-core.wasm, with address.cpp's address check): offers
// after the purchase and the edit window (docs/post-purchase.md). The storefront's drawer never
// loads them.

#include <emscripten/bind.h>

#include <string>

#include "outcome.h"
#include "tiercart/post_purchase.h"

namespace {

using tiercart::wasm::Outcome;
using tiercart::wasm::outcome;

Outcome select_offers(const std::string& order, const std::string& offers,
                      const std::string& context) {
  return outcome(tiercart::select_offers_json(order, offers, context));
}

Outcome edit_eligibility(const std::string& order, const std::string& policy,
                         const std::string& now) {
  return outcome(tiercart::edit_eligibility_json(order, policy, now));
}

}  // namespace

EMSCRIPTEN_BINDINGS(tiercart_orders) {
  emscripten::function("selectOffers", &select_offers);
  emscripten::function("editEligibility", &edit_eligibility);
}
