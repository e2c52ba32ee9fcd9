// What a customer may still change on an order, and until when. The order of the refusal
// codes is part of the contract (docs/post-purchase.md section 2): the first that applies
// is the one the customer reads, so "already shipped" wins over "too late".

#include <algorithm>
#include <string>

#include "tiercart/post_purchase.h"
#include "tiercart/time.h"

namespace tiercart {

namespace {

std::string_view edit_label(EditKind kind) {
  switch (kind) {
    case EditKind::kAddress:
      return "Changing the address";
    case EditKind::kVariantSwap:
      return "Swapping a variant";
    case EditKind::kAddItem:
      return "Adding an item";
    case EditKind::kCancel:
      return "Cancelling";
  }
  return "Editing";
}

// The refusal code and message for one edit, or nothing when it is open.
std::optional<RefusedEdit> refusal(EditKind kind, const OrderStatus& order,
                                   const EditPolicy& policy, int64_t deadline, int64_t now) {
  const std::string label(edit_label(kind));
  auto refuse = [&](const char* code, std::string message) {
    return RefusedEdit{kind, code, std::move(message)};
  };
  const auto& financial = order.financial_status;
  const auto& fulfillment = order.fulfillment_status;
  if (std::find(policy.allowed.begin(), policy.allowed.end(), kind) == policy.allowed.end()) {
    return refuse("not_allowed", label + " is not offered by this shop");
  }
  if (order.cancelled_at) return refuse("cancelled", "The order is cancelled");
  if (financial == "voided") return refuse("voided", "The payment was voided");
  if (financial == "refunded") return refuse("refunded", "The order was refunded");
  if (fulfillment == "fulfilled" || fulfillment == "restocked") {
    return refuse("fulfilled", "The order has already been fulfilled");
  }
  if (fulfillment == "partial" && kind != EditKind::kAddItem) {
    return refuse("partially_fulfilled", "Part of the order has already been fulfilled");
  }
  if (financial == "partially_refunded" && kind != EditKind::kAddress) {
    return refuse("partially_refunded", "Part of the order was refunded");
  }
  if (!order.created_at || now >= deadline) {
    return refuse("window_closed", label + " was possible until " + format_time(deadline));
  }
  return std::nullopt;
}

}  // namespace

std::string_view edit_kind_name(EditKind kind) {
  switch (kind) {
    case EditKind::kAddress:
      return "address";
    case EditKind::kVariantSwap:
      return "variant_swap";
    case EditKind::kAddItem:
      return "add_item";
    case EditKind::kCancel:
      return "cancel";
  }
  return "address";
}

EditEligibility edit_eligibility(const OrderStatus& order, const EditPolicy& policy, int64_t now) {
  EditEligibility result;
  const int64_t created = order.created_at.value_or(0);
  result.until = created + policy.window_minutes * 60;
  result.seconds_left = order.created_at ? std::max<int64_t>(0, result.until - now) : 0;
  for (EditKind kind : kAllEditKinds) {
    const std::string name(edit_kind_name(kind));
    auto own = policy.window_minutes_by_edit.find(name);
    const int64_t minutes =
        own == policy.window_minutes_by_edit.end() ? policy.window_minutes : own->second;
    const int64_t deadline = created + minutes * 60;
    if (auto refused = refusal(kind, order, policy, deadline, now)) {
      result.refused.push_back(std::move(*refused));
    } else {
      result.allowed.push_back(kind);
      result.deadlines[name] = deadline;
    }
  }
  result.editable = !result.allowed.empty();
  return result;
}

}  // namespace tiercart
