// A/B tests of tier sets: a cart's arm follows from the test and its token alone (the drawer,
// the Function and the server agree), arm b's tiers measure carts in arm b, an order whose
// checkout was told another arm is flagged, and the report's statistics match textbook values
// (worked out independently by integrating Student's t density numerically).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "insight/statistics.h"
#include "tiercart/tiercart.h"

namespace tiercart {
namespace {

using Json = nlohmann::json;

// Free shipping from 50.00 in arm a and from 30.00 in arm b; the tote from 100.00 in both.
const char* kTest = R"({"format":1,"id":"spring","version":4,"currency":"USD","bars":[
  {"id":"main","tiers":[
    {"id":"ship","threshold":5000,"reward":{"type":"free_shipping"}},
    {"id":"tote","threshold":10000,"reward":{"type":"free_gift","gifts":[{"variant_id":9001}]}}]}],
  "experiment":{"id":"ship-at-30","split":50,"arm_b":{"bars":[
  {"id":"main","tiers":[
    {"id":"ship","threshold":3000,"reward":{"type":"free_shipping"}},
    {"id":"tote","threshold":10000,"reward":{"type":"free_gift","gifts":[{"variant_id":9001}]}}]}]}}})";

Program ShipAt30() {
  auto program = parse_program(kTest);
  EXPECT_TRUE(program) << (program ? "" : program.error().message);
  return program.value();
}

// A token in the wanted arm: the first of "cart-0", "cart-1", ... that is.
std::string TokenIn(const Program& program, const std::string& arm) {
  for (int i = 0;; ++i) {
    const std::string token = "cart-" + std::to_string(i);
    if (arm_of(program, token) == arm) return token;
  }
}

std::string CartJson(const std::string& token, int64_t cents) {
  return R"({"token":")" + token + R"(","currency":"USD","items":[{"variant_id":1,"product_id":1,
    "key":"1:a","quantity":1,"price":)" +
         std::to_string(cents) + R"(,"original_line_price":)" + std::to_string(cents) +
         R"(,"final_line_price":)" + std::to_string(cents) + "}]}";
}

TEST(Experiment, ACartsArmFollowsFromTheTestAndItsTokenAlone) {
  const Program program = ShipAt30();
  int in_b = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string token = "c1-" + std::to_string(i * 7919);
    const std::string arm = arm_of(program, token);
    EXPECT_EQ(arm, arm_of(program, token));                // stable
    EXPECT_EQ(arm, arm_of(program, token + "?key=3f2a"));  // cart.js's key is not the token
    in_b += arm == "b";
  }
  EXPECT_NEAR(in_b, 5000, 250);  // the split, within 5 standard deviations
  EXPECT_EQ(arm_of(program, ""), "a");
  Program plain = program;
  plain.experiment.reset();
  EXPECT_EQ(arm_of(plain, "cart-1"), "");
}

TEST(Experiment, ANewTestIdSplitsCartsAfresh) {
  Program first = ShipAt30();
  Program second = ShipAt30();
  second.experiment->id = "ship-at-30-again";
  int moved = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string token = "t" + std::to_string(i);
    moved += arm_of(first, token) != arm_of(second, token);
  }
  EXPECT_NEAR(moved, 1000, 120);  // independent splits: half the carts change arm
}

TEST(Experiment, TheSplitIsThePercentOfCartsInArmB) {
  Program program = ShipAt30();
  program.experiment->split_b = 10;
  int in_b = 0;
  for (int i = 0; i < 10000; ++i) in_b += arm_of(program, "x" + std::to_string(i)) == "b";
  EXPECT_NEAR(in_b, 1000, 150);
}

TEST(Experiment, ACartIsMeasuredByItsArmsTiersAndTheEvaluationSaysWhichArm) {
  const Program program = ShipAt30();
  for (const std::string arm : {"a", "b"}) {
    auto evaluation = evaluate_json(kTest, CartJson(TokenIn(program, arm), 4000), "");
    ASSERT_TRUE(evaluation) << evaluation.error().message;
    const Json e = Json::parse(evaluation.value());
    EXPECT_EQ(e["arm"], arm);
    EXPECT_EQ(e["program"]["version"], 4);
    const Json& ship = e["bars"][0]["tiers"][0];
    EXPECT_EQ(ship["threshold"], arm == "b" ? 3000 : 5000);
    EXPECT_EQ(ship["unlocked"], arm == "b");  // 40.00 is over 30.00, under 50.00
  }
}

TEST(Experiment, AProgramWithoutATestSaysNoArm) {
  auto evaluation = evaluate_json(
      R"({"format":1,"id":"p","version":1,"currency":"USD","bars":[{"id":"m","tiers":[
        {"id":"t","threshold":100,"reward":{"type":"free_shipping"}}]}]})",
      CartJson("cart-1", 4000), "");
  ASSERT_TRUE(evaluation);
  EXPECT_FALSE(Json::parse(evaluation.value()).contains("arm"));
}

// An orders/create payload of one 40.00 line, from the cart `token`, whose checkout was told
// `told` (nothing: no note attribute).
std::string OrderJson(const std::string& token, const std::optional<std::string>& told) {
  std::string notes = "[]";
  if (told)
    notes = R"([{"name":"gift wrap","value":"yes"},{"name":"_tiercart_arm","value":")" + *told +
            R"("}])";
  return R"({"id":51,"currency":"USD","cart_token":")" + token + R"(","note_attributes":)" + notes +
         R"(,"line_items":[{"variant_id":1,"product_id":1,"quantity":1,"price":"40.00"}]})";
}

OrderVerdict Judge(const std::string& order_json) {
  auto order = parse_order(order_json);
  EXPECT_TRUE(order) << (order ? "" : order.error().message);
  auto program = std::make_shared<const Program>(ShipAt30());
  return judge_order(order.value(), Context(), [&](const std::string&, int64_t) { return program; },
                     {program});
}

TEST(Experiment, AnOrderWhoseCheckoutWasToldItsOwnArmIsNotFlagged) {
  const Program program = ShipAt30();
  for (const std::string arm : {"a", "b"}) {
    const std::string token = TokenIn(program, arm);
    EXPECT_TRUE(Judge(OrderJson(token, token)).earned) << arm;
  }
  // A cart in arm a that never had the attribute was measured as arm a at checkout too.
  EXPECT_TRUE(Judge(OrderJson(TokenIn(program, "a"), std::nullopt)).earned);
}

TEST(Experiment, AForgedArmIsFlaggedWithItsReason) {
  const Program program = ShipAt30();
  // The shopper wrote another cart's token to get arm b's cheaper free shipping.
  const OrderVerdict forged = Judge(OrderJson(TokenIn(program, "a"), TokenIn(program, "b")));
  EXPECT_FALSE(forged.earned);
  EXPECT_EQ(forged.tags, (std::vector<std::string>{"tiercart-flagged", "tiercart-arm_forged"}));
  ASSERT_EQ(forged.verdicts.size(), 1u);
  EXPECT_EQ(forged.verdicts[0].arm, "a");
  EXPECT_EQ(forged.verdicts[0].lines[0].reason, "arm_forged");
  // An arm-b cart whose attribute was removed was measured as arm a at checkout.
  EXPECT_FALSE(Judge(OrderJson(TokenIn(program, "b"), std::nullopt)).earned);
}

TEST(Experiment, GiftClaimsAreJudgedByTheArmOfTheOrdersCart) {
  // Arm b gives the tote from 30.00; the same claim on a 40.00 order holds in arm b only.
  std::string program_text = kTest;
  const std::string b_tote =
      R"("threshold":10000,"reward":{"type":"free_gift","gifts":[{"variant_id":9001}]}}]}]}})";
  program_text.replace(
      program_text.rfind(b_tote), b_tote.size(),
      R"("threshold":3000,"reward":{"type":"free_gift","gifts":[{"variant_id":9001}]}}]}]}})");
  auto program = std::make_shared<const Program>(parse_program(program_text).value());
  for (const std::string arm : {"a", "b"}) {
    const std::string token = TokenIn(*program, arm);
    const std::string order_json =
        R"({"id":52,"currency":"USD","cart_token":")" + token +
        R"(","note_attributes":[{"name":"_tiercart_arm","value":")" + token +
        R"("}],"line_items":[{"variant_id":1,"product_id":1,"quantity":1,"price":"40.00"},
        {"variant_id":9001,"product_id":9,"quantity":1,"price":"25.00",
         "discount_allocations":[{"amount":"25.00"}],
         "properties":[{"name":"_tiercart","value":"spring@4:tote"}]}]})";
    auto order = parse_order(order_json);
    ASSERT_TRUE(order);
    const OrderVerdict verdict =
        judge_order(order.value(), Context(), [&](const std::string&, int64_t) { return program; });
    EXPECT_EQ(verdict.earned, arm == "b") << arm;
  }
}

TEST(Experiment, TheProgramReadsBackAsWrittenAndArmBFollowsTheProgramsRules) {
  const Program program = ShipAt30();
  auto again = parse_program(to_json(program));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(to_json(again.value()), to_json(program));
  ASSERT_TRUE(again.value().experiment);
  EXPECT_EQ(again.value().experiment->split_b, 50);
  EXPECT_EQ(again.value().experiment->arm_b->bars[0].tiers[0].threshold, 3000);

  std::string bad = kTest;
  bad.replace(bad.find("\"split\":50"), 10, "\"split\":0");
  auto split = parse_program(bad);
  ASSERT_FALSE(split);
  EXPECT_EQ(split.error().path, "$.experiment.split");
  std::string twice = kTest;
  const std::string b_ship = R"({"id":"ship","threshold":3000)";
  twice.replace(twice.find(b_ship), b_ship.size(), R"({"id":"tote","threshold":3000)");
  auto duplicate = parse_program(twice);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, "duplicate_id");
  EXPECT_EQ(duplicate.error().path.rfind("$.experiment.arm_b.bars[0]", 0), 0u)
      << duplicate.error().path;
}

TEST(Experiment, StartingATestPutsTheCandidatesBarsInArmBAndEndingKeepsOneArm) {
  Program live = ShipAt30();
  live.experiment.reset();
  Program candidate = live;
  candidate.bars[0].tiers[0].threshold = 3500;
  auto started = start_experiment(live, candidate, "ship-at-35", 20, 5);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_EQ(started.value().version, 5);
  EXPECT_EQ(started.value().experiment->split_b, 20);
  EXPECT_EQ(started.value().experiment->arm_b->bars[0].tiers[0].threshold, 3500);
  EXPECT_EQ(started.value().bars[0].tiers[0].threshold, 5000);
  auto again = start_experiment(started.value(), candidate, "another", 50, 6);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().path, "program");
  EXPECT_FALSE(start_experiment(live, candidate, "Bad Id", 50, 6));
  EXPECT_FALSE(start_experiment(live, candidate, "ok", 100, 6));

  auto kept_b = end_experiment(started.value(), "b", 6);
  ASSERT_TRUE(kept_b) << kept_b.error().message;
  EXPECT_FALSE(kept_b.value().experiment);
  EXPECT_EQ(kept_b.value().version, 6);
  EXPECT_EQ(kept_b.value().bars[0].tiers[0].threshold, 3500);
  auto kept_a = end_experiment(started.value(), "a", 6);
  ASSERT_TRUE(kept_a);
  EXPECT_EQ(kept_a.value().bars[0].tiers[0].threshold, 5000);
  EXPECT_FALSE(end_experiment(live, "a", 6));
  EXPECT_FALSE(end_experiment(started.value(), "c", 6));
}

TEST(Statistics, StudentsTMatchesTextbookValues) {
  EXPECT_NEAR(detail::student_t_cdf(2.0, 10), 0.9633059826, 1e-9);
  EXPECT_NEAR(detail::student_t_cdf(-1.5, 3.5), 0.1089090935, 1e-8);  // a fractional df
  EXPECT_NEAR(detail::student_t_cdf(0, 7), 0.5, 1e-12);
  EXPECT_NEAR(detail::student_t_quantile(0.975, 10), 2.228138852, 1e-6);
  EXPECT_NEAR(detail::student_t_quantile(0.975, 1), 12.70620474, 1e-5);
}

TEST(Statistics, WelchsTestMatchesAWorkedExample) {
  detail::Sample a, b;
  for (double x : {1, 2, 3, 4, 5}) a.add(x);
  for (double x : {2, 4, 6, 8, 10}) b.add(x);
  EXPECT_DOUBLE_EQ(a.mean(), 3);
  EXPECT_DOUBLE_EQ(b.variance(), 10);
  const detail::Welch test = detail::welch_test(b, a);
  EXPECT_NEAR(test.t, 1.8973665961, 1e-9);   // 3 / sqrt(2.5 / 5 + 10 / 5)
  EXPECT_NEAR(test.df, 5.8823529412, 1e-9);  // 6.25 / (0.0625 + 1)
  EXPECT_NEAR(test.p, 0.1075311949, 1e-8);
  // 95% confidence interval of b's mean: 6 +- 2.776445 x sqrt(10 / 5).
  EXPECT_NEAR(detail::mean_ci95_half_width(b), 2.776445105 * std::sqrt(2.0), 1e-6);
}

ReportOrder ArmOrder(int64_t id, const std::string& arm, int64_t subtotal, int64_t cost) {
  ReportOrder order;
  order.figures.order_id = id;
  order.figures.day = "2026-11-02";
  order.figures.currency = "USD";
  order.figures.subtotal = subtotal;
  order.figures.cost.free_shipping = cost;
  order.figures.experiment = "ship-at-30";
  order.figures.arm = arm;
  return order;
}

Json Experiments(const std::vector<ReportOrder>& orders) {
  ReportRequest request;
  request.from = request.to = "2026-11-02";
  request.currency = "USD";
  auto report = report_json(orders, request);
  EXPECT_TRUE(report);
  return Json::parse(report.value())["experiments"];
}

TEST(Report, AnAbTestIsCollectingUntilEachArmHasItsMinimumSample) {
  std::vector<ReportOrder> orders;
  for (int i = 0; i < 99; ++i) orders.push_back(ArmOrder(i, "a", 5000 + i, 0));
  for (int i = 0; i < 150; ++i) orders.push_back(ArmOrder(1000 + i, "b", 9000 + i, 0));
  const Json tests = Experiments(orders);
  ASSERT_EQ(tests.size(), 1u);
  EXPECT_EQ(tests[0]["status"], "collecting");
  EXPECT_TRUE(tests[0]["winner"].is_null());
  EXPECT_EQ(tests[0]["arms"][0]["orders"], 99);
}

TEST(Report, AnAbTestNamesTheWinnerByNetValuePerOrderWithItsConfidenceInterval) {
  std::vector<ReportOrder> orders;
  // Arm a: 60.00 +- 10.00 with no cost; arm b: 70.00 +- 10.00 costing 5.00 an order, so b
  // brings 5.00 more an order after its rewards.
  for (int i = 0; i < 200; ++i) {
    const int64_t wobble = (i % 2 ? 1000 : -1000);
    orders.push_back(ArmOrder(i, "a", 6000 + wobble, 0));
    orders.push_back(ArmOrder(1000 + i, "b", 7000 + wobble, 500));
  }
  const Json test = Experiments(orders)[0];
  EXPECT_EQ(test["status"], "winner");
  EXPECT_EQ(test["winner"], "b");
  EXPECT_EQ(test["difference"]["amount"], 500);
  EXPECT_LT(test["p_value"].get<double>(), 1e-6);
  const Json& a = test["arms"][0];
  EXPECT_EQ(a["aov"]["amount"], 6000);
  // 60.00 +- t(0.975, 199) x 10.025 / sqrt(200) = 1.9720 x 0.7089 = 1.40
  EXPECT_EQ(a["aov_ci95"]["low"]["amount"], 5860);
  EXPECT_EQ(a["aov_ci95"]["high"]["amount"], 6140);
  EXPECT_EQ(test["arms"][1]["cost_per_order"]["amount"], 500);
  EXPECT_EQ(test["arms"][1]["net_per_order"]["amount"], 6500);
}

TEST(Report, EqualArmsShowNoDifference) {
  std::vector<ReportOrder> orders;
  for (int i = 0; i < 300; ++i) {
    orders.push_back(ArmOrder(i, i % 2 ? "a" : "b", 5000 + (i % 7) * 300, 0));
  }
  const Json test = Experiments(orders)[0];
  EXPECT_EQ(test["status"], "no_difference");
  EXPECT_GT(test["p_value"].get<double>(), 0.05);
}

}  // namespace
}  // namespace tiercart
