// The moments a program's schedules turn on or off. Checkout cannot read a clock, so it asks
// Shopify about each of these moments in the Function's input query (docs/function.md).

#include <algorithm>

#include "tiercart/program.h"

namespace tiercart {

namespace {

void add_moments(const Schedule& schedule, std::vector<int64_t>& moments) {
  if (schedule.starts_at) moments.push_back(*schedule.starts_at);
  if (schedule.ends_at) moments.push_back(*schedule.ends_at);
}

void add_tier_moments(const std::vector<Bar>& bars, std::vector<int64_t>& moments) {
  for (const Bar& bar : bars) {
    for (const Tier& tier : bar.tiers) add_moments(tier.schedule, moments);
  }
}

}  // namespace

std::vector<int64_t> schedule_moments(const Program& program) {
  std::vector<int64_t> moments;
  add_moments(program.schedule, moments);
  add_tier_moments(program.bars, moments);
  if (program.experiment && program.experiment->arm_b) {
    add_tier_moments(program.experiment->arm_b->bars, moments);
  }
  std::sort(moments.begin(), moments.end());
  moments.erase(std::unique(moments.begin(), moments.end()), moments.end());
  return moments;
}

}  // namespace tiercart
