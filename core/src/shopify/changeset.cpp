// Shopify's changeset for an accepted post-purchase offer: the change the app signs and
// Shopify applies to the order (docs/post-purchase.md, "Changesets"). The amounts are the
// ones select_offers() priced; a discount's value is a number here, not the text the offer's
// own document carries.

#include "tiercart/json_writer.h"
#include "tiercart/money.h"
#include "tiercart/post_purchase.h"

namespace tiercart {

std::string changeset_change(const PostPurchaseOffer& offer) {
  JsonWriter w(256);
  w.begin_object();
  if (offer.selling_plan_id) {
    w.field("type", "add_subscription").field("sellingPlanId", *offer.selling_plan_id);
  } else {
    w.field("type", "add_variant");
  }
  w.field("variantID", offer.variant_id).field("quantity", offer.quantity);
  if (offer.discount) {
    const bool percentage = offer.discount->type == DiscountType::kPercentage;
    const int minor = minor_units(offer.price.currency).value_or(2);
    // Written from the numbers, not the merchant's text, so that it is always a JSON number:
    // 12.5 (percent) or 4.50 (the amount off, in the order's currency).
    const Rate& percent = offer.discount->percentage;
    w.key("discount")
        .begin_object()
        .key("value")
        .raw(percentage ? decimal_text(percent.digits, percent.scale)
                        : decimal_text(offer.discount_amount, minor))
        .field("valueType", percentage ? "percentage" : "fixed_amount")
        .field("title", offer.discount->title)
        .end_object();
  }
  w.end_object();
  return w.take();
}

}  // namespace tiercart
