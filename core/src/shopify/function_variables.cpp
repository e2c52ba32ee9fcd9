// The input variables of the Function input queries, written by the app beside the program
// it publishes (docs/function.md, "Input").

#include <set>

#include "tiercart/function.h"
#include "tiercart/json_writer.h"
#include "tiercart/tiercart.h"
#include "tiercart/time.h"

namespace tiercart {

namespace {

// Slots past the program's moments still need a value (the variables are required); their
// answers are never read.
constexpr const char* kUnusedMoment = "2000-01-01T00:00:00";

void write_tags(JsonWriter& w, std::string_view name, const std::set<std::string>& tags) {
  w.key(name).begin_array();
  for (const auto& tag : tags) w.text(tag);
  w.end_array();
}

void add_bar_tags(const std::vector<Bar>& bars, std::set<std::string>& product_tags,
                  std::set<std::string>& customer_tags) {
  for (const Bar& bar : bars) {
    product_tags.insert(bar.scope.include.tags.begin(), bar.scope.include.tags.end());
    product_tags.insert(bar.scope.exclude.tags.begin(), bar.scope.exclude.tags.end());
    for (const Tier& tier : bar.tiers) {
      customer_tags.insert(tier.eligibility.customer_tags_any.begin(),
                           tier.eligibility.customer_tags_any.end());
    }
  }
}

}  // namespace

Result<std::string> function_input_variables(const Program& program, const UtcOffsetAt& offset_at) {
  std::set<std::string> product_tags;
  std::set<std::string> customer_tags(program.eligibility.customer_tags_any.begin(),
                                      program.eligibility.customer_tags_any.end());
  add_bar_tags(program.bars, product_tags, customer_tags);
  if (program.experiment && program.experiment->arm_b) {
    add_bar_tags(program.experiment->arm_b->bars, product_tags, customer_tags);
  }
  const std::vector<int64_t> moments = schedule_moments(program);
  JsonWriter w;
  w.begin_object();
  write_tags(w, "productTags", product_tags);
  write_tags(w, "customerTags", customer_tags);
  for (std::size_t i = 0; i < kMaxScheduleMoments; ++i) {
    std::string local = kUnusedMoment;
    if (i < moments.size()) {
      auto offset = offset_at(moments[i]);
      if (!offset) return offset.error();
      local = format_local_time(moments[i], offset.value());
    }
    w.field(std::string(kScheduleVariablePrefix) + std::to_string(i), local);
  }
  return w.end_object().take();
}

}  // namespace tiercart
