// Properties that must hold for every cart, checked on thousands of seeded random cases.
// A failure prints its seed; replay it with TIERCART_SEED=<seed>.

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "random_cases.h"
#include "tiercart/tiercart.h"

namespace {

using tiercart::testing::apply_actions;
using tiercart::testing::random_case;

constexpr uint64_t kCases = 3000;

uint64_t first_seed() {
  const char* fixed = std::getenv("TIERCART_SEED");
  return fixed ? std::strtoull(fixed, nullptr, 10) : 1;
}

uint64_t case_count() { return std::getenv("TIERCART_SEED") ? 1 : kCases; }

nlohmann::json actions_of(const std::string& evaluation) {
  return nlohmann::json::parse(evaluation, nullptr, false)["actions"];
}

TEST(Property, ApplyingTheActionsLeavesNothingMoreToDo) {
  uint64_t evaluated = 0;
  uint64_t with_actions = 0;
  for (uint64_t seed = first_seed(); seed < first_seed() + case_count(); ++seed) {
    const auto c = random_case(seed);
    auto first = tiercart::evaluate_json(c.program, c.cart, c.context);
    if (!first) {
      // Random programs may be unconvertible (no rate); that is an error, never a crash.
      EXPECT_FALSE(first.error().code.empty()) << "seed " << seed;
      continue;
    }
    ++evaluated;
    if (!actions_of(first.value()).empty()) ++with_actions;
    const std::string settled = apply_actions(c.cart, first.value(), c.context);
    auto second = tiercart::evaluate_json(c.program, settled, c.context);
    ASSERT_TRUE(second) << "seed " << seed << ": " << second.error().message;
    EXPECT_EQ(actions_of(second.value()), nlohmann::json::array())
        << "seed " << seed << "\ncart after actions: " << settled
        << "\nsecond evaluation: " << second.value();
  }
  // The generator must exercise the property, not skip it.
  EXPECT_GT(evaluated, case_count() * 8 / 10);
  if (case_count() == kCases) EXPECT_GT(with_actions, case_count() / 5);
}

TEST(Property, SameInputGivesByteIdenticalOutput) {
  for (uint64_t seed = first_seed(); seed < first_seed() + case_count() / 10 + 1; ++seed) {
    const auto c = random_case(seed);
    auto a = tiercart::evaluate_json(c.program, c.cart, c.context);
    auto b = tiercart::evaluate_json(c.program, c.cart, c.context);
    ASSERT_EQ(a.ok(), b.ok()) << "seed " << seed;
    if (a) EXPECT_EQ(a.value(), b.value()) << "seed " << seed;
  }
}

TEST(Property, ACartThatFollowedItsActionsHoldsOnlyEarnedGifts) {
  // What the widget settles on, the server accepts: after applying the actions, every
  // gift claim validates (prices are catalog prices here, so nothing reads as tampered).
  uint64_t claims = 0;
  for (uint64_t seed = first_seed(); seed < first_seed() + case_count(); ++seed) {
    const auto c = random_case(seed);
    auto first = tiercart::evaluate_json(c.program, c.cart, c.context);
    if (!first) continue;
    const std::string settled = apply_actions(c.cart, first.value(), c.context);
    auto context = tiercart::parse_context(c.context);
    ASSERT_TRUE(context);
    auto program = tiercart::parse_program(c.program);
    ASSERT_TRUE(program);
    auto cart = tiercart::parse_cart(settled, context.value());
    ASSERT_TRUE(cart) << cart.error().message;
    // Validation compares prices with the catalog; random paid lines have other prices.
    context.value().variants.clear();
    auto verdict = tiercart::validate(program.value(), cart.value(), context.value());
    ASSERT_TRUE(verdict) << "seed " << seed;
    for (const auto& line : verdict.value().lines) {
      const auto& item = cart.value().items[static_cast<std::size_t>(line.line - 1)];
      const auto claim = item.properties.at("_tiercart");
      if (claim.rfind("rand@", 0) != 0) continue;
      ++claims;
      EXPECT_TRUE(line.earned) << "seed " << seed << " line " << line.line << ": " << line.reason
                               << " " << line.message << "\ncart: " << settled;
    }
  }
  EXPECT_GT(claims, 100u);
}

}  // namespace
