// Edit eligibility (docs/post-purchase.md section 2): windows, statuses, refusal order.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "result_matchers.h"
#include "tiercart/post_purchase.h"

namespace tiercart {
namespace {

using testing::FailsWith;

constexpr int64_t kCreated = 1'795'000'000;  // an arbitrary instant

OrderStatus PaidOrder() {
  OrderStatus order;
  order.created_at = kCreated;
  order.financial_status = "paid";
  return order;
}

EditPolicy AllEdits(int64_t minutes) {
  EditPolicy policy;
  policy.window_minutes = minutes;
  policy.allowed = {EditKind::kAddress, EditKind::kVariantSwap, EditKind::kAddItem,
                    EditKind::kCancel};
  return policy;
}

std::string CodeFor(const EditEligibility& result, EditKind kind) {
  for (const auto& refused : result.refused) {
    if (refused.edit == kind) return refused.code;
  }
  return "";
}

TEST(EditWindow, IsOpenOneSecondBeforeItsEnd) {
  const auto result = edit_eligibility(PaidOrder(), AllEdits(30), kCreated + 30 * 60 - 1);
  EXPECT_TRUE(result.editable);
  EXPECT_EQ(result.allowed.size(), 4u);
  EXPECT_EQ(result.seconds_left, 1);
  EXPECT_EQ(result.until, kCreated + 30 * 60);
}

TEST(EditWindow, ClosesExactlyAtItsEnd) {
  const auto result = edit_eligibility(PaidOrder(), AllEdits(30), kCreated + 30 * 60);
  EXPECT_FALSE(result.editable);
  EXPECT_EQ(result.seconds_left, 0);
  ASSERT_EQ(result.refused.size(), 4u);
  for (const auto& refused : result.refused) EXPECT_EQ(refused.code, "window_closed");
}

TEST(EditWindow, AZeroMinuteWindowAllowsNothing) {
  const auto result = edit_eligibility(PaidOrder(), AllEdits(0), kCreated);
  EXPECT_FALSE(result.editable);
}

TEST(EditWindow, AnEditsOwnWindowWinsOverTheGeneralOne) {
  EditPolicy policy = AllEdits(60);
  policy.window_minutes_by_edit["cancel"] = 10;
  const auto result = edit_eligibility(PaidOrder(), policy, kCreated + 15 * 60);
  EXPECT_EQ(CodeFor(result, EditKind::kCancel), "window_closed");
  EXPECT_EQ(result.allowed.size(), 3u);
  EXPECT_EQ(result.deadlines.at("address"), kCreated + 60 * 60);
}

TEST(EditWindow, EditsThePolicyDoesNotListAreNotAllowedEvenInTheWindow) {
  EditPolicy policy;
  policy.window_minutes = 60;
  policy.allowed = {EditKind::kAddress};
  const auto result = edit_eligibility(PaidOrder(), policy, kCreated);
  ASSERT_EQ(result.allowed.size(), 1u);
  EXPECT_EQ(result.allowed[0], EditKind::kAddress);
  EXPECT_EQ(CodeFor(result, EditKind::kCancel), "not_allowed");
}

TEST(EditWindow, FulfilledOrdersCannotChangeInsideTheWindow) {
  OrderStatus order = PaidOrder();
  order.fulfillment_status = "fulfilled";
  const auto result = edit_eligibility(order, AllEdits(60), kCreated + 60);
  EXPECT_FALSE(result.editable);
  EXPECT_EQ(CodeFor(result, EditKind::kAddress), "fulfilled");
}

TEST(EditWindow, PartialFulfilmentStillAllowsAddingAnItem) {
  OrderStatus order = PaidOrder();
  order.fulfillment_status = "partial";
  const auto result = edit_eligibility(order, AllEdits(60), kCreated + 60);
  ASSERT_EQ(result.allowed.size(), 1u);
  EXPECT_EQ(result.allowed[0], EditKind::kAddItem);
  EXPECT_EQ(CodeFor(result, EditKind::kAddress), "partially_fulfilled");
  EXPECT_EQ(CodeFor(result, EditKind::kCancel), "partially_fulfilled");
}

TEST(EditWindow, RefundedAndVoidedAndCancelledOrdersAreClosed) {
  for (const char* status : {"refunded", "voided"}) {
    OrderStatus order = PaidOrder();
    order.financial_status = status;
    const auto result = edit_eligibility(order, AllEdits(60), kCreated);
    EXPECT_FALSE(result.editable) << status;
    EXPECT_EQ(CodeFor(result, EditKind::kAddress), status);
  }
  OrderStatus cancelled = PaidOrder();
  cancelled.cancelled_at = kCreated + 10;
  cancelled.financial_status = "voided";
  // Cancelled comes before voided: the customer reads the reason that matters most.
  EXPECT_EQ(CodeFor(edit_eligibility(cancelled, AllEdits(60), kCreated), EditKind::kAddress),
            "cancelled");
}

TEST(EditWindow, StatusRefusalsComeBeforeTheClosedWindow) {
  OrderStatus order = PaidOrder();
  order.fulfillment_status = "fulfilled";
  const auto result = edit_eligibility(order, AllEdits(1), kCreated + 3600);
  EXPECT_EQ(CodeFor(result, EditKind::kVariantSwap), "fulfilled");
}

TEST(EditWindow, EveryEditIsEitherAllowedOrRefusedOnce) {
  OrderStatus order = PaidOrder();
  order.financial_status = "partially_refunded";
  const auto result = edit_eligibility(order, AllEdits(60), kCreated);
  EXPECT_EQ(result.allowed.size() + result.refused.size(), 4u);
  ASSERT_EQ(result.allowed.size(), 1u);
  EXPECT_EQ(result.allowed[0], EditKind::kAddress);
}

TEST(EditWindowJson, WritesTimesInUtc) {
  auto output = edit_eligibility_json(R"({"created_at":"2026-11-21T07:00:00-05:00"})",
                                      R"({"window_minutes":90,"allowed":["address"]})",
                                      "2026-11-21T12:30:00Z");
  ASSERT_TRUE(output.ok()) << output.error().message;
  const auto json = nlohmann::json::parse(output.value());
  EXPECT_EQ(json["until"], "2026-11-21T13:30:00Z");
  EXPECT_EQ(json["seconds_left"], 3600);
  EXPECT_EQ(json["deadlines"]["address"], "2026-11-21T13:30:00Z");
}

TEST(EditWindowJson, RequiresTheOrdersCreationTime) {
  EXPECT_TRUE(
      FailsWith(edit_eligibility_json(R"({"id":1})", R"({"window_minutes":60,"allowed":[]})",
                                      "2026-11-21T12:00:00Z"),
                "missing_field", "$.created_at"));
}

TEST(EditWindowJson, RefusesAWindowLongerThanThirtyDays) {
  EXPECT_TRUE(FailsWith(parse_edit_policy(R"({"window_minutes":43201,"allowed":[]})"),
                        "out_of_range", "$.window_minutes"));
}

TEST(EditWindowJson, RefusesUnknownEdits) {
  EXPECT_TRUE(FailsWith(parse_edit_policy(R"({"window_minutes":60,"allowed":["refund"]})"),
                        "invalid_value", "$.allowed[0]"));
  EXPECT_TRUE(FailsWith(
      parse_edit_policy(R"({"window_minutes":60,"allowed":[],"window_minutes_by_edit":{"x":1}})"),
      "invalid_value", "$.window_minutes_by_edit.x"));
}

TEST(EditWindowJson, RefusesATimeWithoutAZone) {
  EXPECT_TRUE(FailsWith(
      edit_eligibility_json(R"({"created_at":"2026-11-21T12:00:00Z"})",
                            R"({"window_minutes":60,"allowed":[]})", "2026-11-21T12:00:00"),
      "invalid_time", "$"));
}

TEST(FormatTime, IsTheInverseOfParseTime) {
  for (const char* text : {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "2026-11-21T12:00:00Z",
                           "1969-12-31T23:59:59Z", "2100-03-01T00:00:00Z"}) {
    auto seconds = parse_time(text, "$");
    ASSERT_TRUE(seconds.ok()) << text;
    EXPECT_EQ(format_time(seconds.value()), text);
  }
}

}  // namespace
}  // namespace tiercart
