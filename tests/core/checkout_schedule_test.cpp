// Schedules at checkout (docs/program-format.md section 10, docs/function.md "Input"): a
// Function has no clock, so the app hands Shopify the program's schedule moments in the shop's
// local time and the Function reads back which of them the shop's clock has reached. A tier is
// then on or off at checkout exactly when the drawer and the server, which read a clock, say so.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "tiercart/function.h"
#include "tiercart/tiercart.h"
#include "tiercart/time.h"

namespace {

using json = nlohmann::json;
using tiercart::FunctionTarget;

int64_t at(const char* text) { return tiercart::parse_time(text, "$").value(); }

// Black Friday weekend's tote ($80.00) beside free shipping from $50.00, always on.
json weekend_program() {
  return json::parse(R"({"format": 1, "id": "black-friday", "version": 1, "currency": "USD",
    "bars": [{"id": "rewards", "tiers": [
      {"id": "free-shipping", "threshold": 5000, "reward": {"type": "free_shipping"}},
      {"id": "weekend-tote", "threshold": 8000,
       "schedule": {"starts_at": "2026-11-27T00:00:00-05:00", "ends_at": "2026-11-30T00:00:00-05:00"},
       "reward": {"type": "free_gift", "gifts": [{"variant_id": 9001, "product_id": 8001}]}}]}]})");
}

tiercart::Program parsed(const json& program) {
  auto result = tiercart::parse_program(program.dump());
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result ? result.value() : tiercart::Program{};
}

// New York: -04:00 until 2026-11-01T06:00:00Z, -05:00 from then on.
tiercart::Result<int32_t> new_york(int64_t unix_seconds) {
  return unix_seconds < at("2026-11-01T06:00:00Z") ? -4 * 3600 : -5 * 3600;
}

TEST(ScheduleMoments, AreTheDistinctStartsAndEndsOfTheProgramItsTiersAndArmBAscending) {
  json program = weekend_program();
  program["schedule"] = {{"starts_at", "2026-11-01T00:00:00-04:00"},
                         {"ends_at", "2026-12-01T00:00:00-05:00"}};
  // Arm b's tote starts with arm a's (counted once) and ends a day later.
  json arm_b = program["bars"];
  arm_b[0]["tiers"][1]["schedule"]["ends_at"] = "2026-12-01T00:00:00-05:00";
  arm_b[0]["tiers"][0]["schedule"] = {{"ends_at", "2026-11-20T00:00:00Z"}};
  program["experiment"] = {{"id", "longer-weekend"}, {"split", 50}, {"arm_b", {{"bars", arm_b}}}};
  EXPECT_EQ(tiercart::schedule_moments(parsed(program)),
            (std::vector<int64_t>{at("2026-11-01T04:00:00Z"), at("2026-11-20T00:00:00Z"),
                                  at("2026-11-27T05:00:00Z"), at("2026-11-30T05:00:00Z"),
                                  at("2026-12-01T05:00:00Z")}));
}

TEST(ScheduleMoments, EightAreAcceptedAndANinthIsRefusedEvenInArmB) {
  json program = weekend_program();
  auto day = [](int d) { return "2026-11-" + std::to_string(d) + "T00:00:00Z"; };
  program["schedule"] = {{"starts_at", day(10)}, {"ends_at", day(29)}};
  program["bars"][0]["tiers"][0]["schedule"] = {{"starts_at", day(11)}, {"ends_at", day(20)}};
  program["bars"][0]["tiers"][1]["schedule"] = {{"starts_at", day(12)}, {"ends_at", day(21)}};
  json arm_b = program["bars"];
  arm_b[0]["tiers"][1]["schedule"] = {{"starts_at", day(13)}, {"ends_at", day(22)}};
  program["experiment"] = {{"id", "t"}, {"split", 50}, {"arm_b", {{"bars", arm_b}}}};
  EXPECT_TRUE(tiercart::parse_program(program.dump()));

  program["experiment"]["arm_b"]["bars"][0]["tiers"][0]["schedule"]["ends_at"] = day(23);
  auto refused = tiercart::parse_program(program.dump());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "too_many");
  EXPECT_EQ(refused.error().path, "$");
  EXPECT_NE(refused.error().message.find("9 distinct moments"), std::string::npos);
}

TEST(LocalTime, IsTheWallClockAtTheOffsetWithoutAZone) {
  EXPECT_EQ(tiercart::format_local_time(at("2026-11-27T05:00:00Z"), -5 * 3600),
            "2026-11-27T00:00:00");
  EXPECT_EQ(tiercart::format_local_time(at("2026-07-04T03:59:59Z"), -4 * 3600),
            "2026-07-03T23:59:59");
  EXPECT_EQ(tiercart::format_local_time(at("2026-12-31T18:30:00Z"), 5 * 3600 + 1800),
            "2027-01-01T00:00:00");
}

TEST(InputVariables, HoldTheTagsAndEveryMomentInTheShopsTimeThenUnusedSlots) {
  json program = weekend_program();
  program["schedule"] = {{"starts_at", "2026-10-31T00:00:00-04:00"}};
  program["eligibility"] = {{"customer_tags_any", {"VIP"}}};
  program["bars"][0]["scope"] = {{"exclude", {{"tags", {"clearance"}}}}};
  auto variables = tiercart::function_input_variables(parsed(program), new_york);
  ASSERT_TRUE(variables) << variables.error().message;
  EXPECT_EQ(json::parse(variables.value()),
            json::parse(R"({"productTags": ["clearance"], "customerTags": ["VIP"],
              "scheduleAt0": "2026-10-31T00:00:00", "scheduleAt1": "2026-11-27T00:00:00",
              "scheduleAt2": "2026-11-30T00:00:00", "scheduleAt3": "2000-01-01T00:00:00",
              "scheduleAt4": "2000-01-01T00:00:00", "scheduleAt5": "2000-01-01T00:00:00",
              "scheduleAt6": "2000-01-01T00:00:00", "scheduleAt7": "2000-01-01T00:00:00"})"));
}

TEST(InputVariables, AZoneThatCannotBeReadStopsThemOnlyWhenThereIsAMoment) {
  auto unknown = [](int64_t) -> tiercart::Result<int32_t> {
    return tiercart::make_error("unknown_time_zone", "no such zone");
  };
  auto scheduled = tiercart::function_input_variables(parsed(weekend_program()), unknown);
  ASSERT_FALSE(scheduled);
  EXPECT_EQ(scheduled.error().code, "unknown_time_zone");
  json always_on = weekend_program();
  always_on["bars"][0]["tiers"][1].erase("schedule");
  EXPECT_TRUE(tiercart::function_input_variables(parsed(always_on), unknown));
}

// What Shopify answers for `after<i>: dateTimeAfter(dateTime: $scheduleAt<i>)` when the shop's
// clock reads `now`: the shop's local time compared with each variable (both written the same
// way, so text order is time order).
json shopify_answers(const std::string& variables, int64_t now) {
  const std::string local = tiercart::format_local_time(now, new_york(now).value());
  json answers = json::object();
  const json written = json::parse(variables);
  for (const auto& [name, value] : written.items()) {
    if (name.rfind("scheduleAt", 0) != 0) continue;
    answers["after" + name.substr(10)] = local >= value.get<std::string>();
  }
  return answers;
}

// A $89.00 sweater and the tote claimed as the weekend's gift, as checkout's discount sees them.
json checkout_input(const json& program, const json& answers) {
  json input = json::parse(R"({"cart": {"lines": [
      {"id": "gid://shopify/CartLine/1", "quantity": 1,
       "cost": {"amountPerQuantity": {"amount": "89.0", "currencyCode": "USD"},
                "subtotalAmount": {"amount": "89.0", "currencyCode": "USD"}},
       "merchandise": {"__typename": "ProductVariant", "id": "gid://shopify/ProductVariant/2001",
                       "product": {"id": "gid://shopify/Product/1001"}}},
      {"id": "gid://shopify/CartLine/2", "quantity": 1,
       "attribute": {"value": "black-friday@1:weekend-tote"},
       "cost": {"amountPerQuantity": {"amount": "25.0", "currencyCode": "USD"},
                "subtotalAmount": {"amount": "25.0", "currencyCode": "USD"}},
       "merchandise": {"__typename": "ProductVariant", "id": "gid://shopify/ProductVariant/9001",
                       "product": {"id": "gid://shopify/Product/8001"}}}]},
    "presentmentCurrencyRate": "1.0"})");
  input["discount"]["metafield"]["value"] = program.dump();
  if (!answers.is_null()) input["shop"]["localTime"] = answers;
  return input;
}

bool tote_free_at_checkout(const json& input, std::string* log = nullptr) {
  auto output = tiercart::run_function_json(FunctionTarget::kCartLinesDiscounts, input.dump(), log);
  EXPECT_TRUE(output) << (output ? "" : output.error().message);
  return output && !json::parse(output.value())["operations"].empty();
}

TEST(CheckoutSchedule, TheToteIsFreeAtCheckoutExactlyWhenTheDrawerAndServerSaySo) {
  const json program = weekend_program();
  const std::string variables =
      tiercart::function_input_variables(parsed(program), new_york).value();
  std::mt19937_64 random(20);
  std::uniform_int_distribution<int64_t> around(at("2026-11-25T00:00:00Z"),
                                                at("2026-12-02T00:00:00Z"));
  std::vector<int64_t> nows = {at("2026-11-27T04:59:59Z"), at("2026-11-27T05:00:00Z"),
                               at("2026-11-30T04:59:59Z"), at("2026-11-30T05:00:00Z")};
  for (int i = 0; i < 200; ++i) nows.push_back(around(random));
  int on = 0;
  for (const int64_t now : nows) {
    // The drawer's and the server's verdict: the core with a clock.
    const json cart = json::parse(R"({"currency": "USD", "items": [
      {"variant_id": 2001, "product_id": 1001, "quantity": 1, "price": 8900,
       "original_line_price": 8900, "final_line_price": 8900}]})");
    auto evaluation = tiercart::evaluate_json(program.dump(), cart.dump(),
                                              json{{"now", tiercart::format_time(now)}}.dump());
    ASSERT_TRUE(evaluation);
    const bool drawer =
        json::parse(evaluation.value())["bars"][0]["tiers"][1]["availability"] == "available";
    const bool checkout =
        tote_free_at_checkout(checkout_input(program, shopify_answers(variables, now)));
    EXPECT_EQ(checkout, drawer) << "at " << tiercart::format_time(now);
    on += drawer;
  }
  // Both sides of the weekend were tried.
  EXPECT_GT(on, 10);
  EXPECT_LT(on, static_cast<int>(nows.size()) - 10);
}

TEST(CheckoutSchedule, AnUnusedSlotsAnswerIsNeverRead) {
  const json program = weekend_program();
  json answers = {{"after0", true}, {"after1", false}};
  for (int i = 2; i < 8; ++i) answers["after" + std::to_string(i)] = (i % 2) == 0;
  EXPECT_TRUE(tote_free_at_checkout(checkout_input(program, answers)));
  answers["after1"] = true;
  EXPECT_FALSE(tote_free_at_checkout(checkout_input(program, answers)));
}

TEST(CheckoutSchedule, WithoutTheShopsClockSchedulesAreNotCheckedAndTheLogSaysSo) {
  std::string log;
  EXPECT_TRUE(tote_free_at_checkout(checkout_input(weekend_program(), json()), &log));
  EXPECT_NE(log.find("schedules are not checked"), std::string::npos);
  // A missing answer for one of the program's moments counts as not told.
  log.clear();
  EXPECT_TRUE(tote_free_at_checkout(checkout_input(weekend_program(), {{"after0", true}}), &log));
  EXPECT_NE(log.find("schedules are not checked"), std::string::npos);
}

TEST(CheckoutSchedule, AProgramWithoutSchedulesNeedsNoClock) {
  json always_on = weekend_program();
  always_on["bars"][0]["tiers"][1].erase("schedule");
  std::string log;
  EXPECT_TRUE(tote_free_at_checkout(checkout_input(always_on, json()), &log));
  EXPECT_EQ(log, "");
}

}  // namespace
