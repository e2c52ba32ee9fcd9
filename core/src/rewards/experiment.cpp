// A/B tests of tier sets (program.h, Experiment): which arm a cart is in. The same few lines
// run in the drawer, the discount Function and the server, so that all three put a cart in
// the same arm.

#include <cstdint>

#include "json/reader.h"
#include "tiercart/program.h"
#include "tiercart/tiercart.h"

namespace tiercart {

namespace {

// FNV-1a over the bytes, then splitmix64's finalizer: FNV alone leaves its low bits, which
// the split reads, poorly mixed for keys that differ only at their end.
uint64_t mixed_hash(std::string_view a, std::string_view b) {
  uint64_t h = 14695981039346656037ull;
  auto add = [&](std::string_view text) {
    for (unsigned char c : text) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  add(a);
  add(":");
  add(b);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

}  // namespace

std::string arm_of(const Program& program, std::string_view arm_key) {
  if (!program.experiment) return "";
  // cart.js gives "<token>?key=<secret>"; an order's cart_token is the part before '?'.
  arm_key = arm_key.substr(0, arm_key.find('?'));
  if (arm_key.empty()) return "a";
  const uint64_t bucket = mixed_hash(program.experiment->id, arm_key) % 100;
  return bucket < static_cast<uint64_t>(program.experiment->split_b) ? "b" : "a";
}

const Program& program_for_arm(const Program& program, std::string_view arm_key) {
  if (program.experiment && program.experiment->arm_b && arm_of(program, arm_key) == "b") {
    return *program.experiment->arm_b;
  }
  return program;
}

Result<Program> start_experiment(const Program& live, const Program& candidate,
                                 const std::string& id, int split_b, int64_t version) {
  if (!detail::is_id(id)) {
    return make_error("invalid_value", "a test's id is [a-z0-9][a-z0-9_-]{0,63}", "id");
  }
  if (split_b < 1 || split_b > 99) {
    return make_error("invalid_value", "the split is 1 to 99 percent of carts in arm b", "split");
  }
  if (live.experiment) {
    return make_error(
        "invalid_value",
        "program " + live.id + " runs test " + live.experiment->id + " already: end it first",
        "program");
  }
  if (candidate.currency != live.currency) {
    return make_error("invalid_value",
                      "the candidate's thresholds are in " + candidate.currency +
                          ", the live "
                          "program's in " +
                          live.currency,
                      "candidate");
  }
  Program running = live;
  running.version = version;
  Program arm_b = running;
  arm_b.bars = candidate.bars;
  running.experiment = Experiment{id, split_b, nullptr};
  running.experiment->arm_b = std::make_shared<const Program>(std::move(arm_b));
  // Read back as a program is read, so that arm b's tiers follow every rule the reader holds
  // a program's to (ids unique in the program, thresholds in range).
  return parse_program(to_json(running));
}

Result<Program> end_experiment(const Program& running, std::string_view keep, int64_t version) {
  if (!running.experiment || !running.experiment->arm_b) {
    return make_error("invalid_value", "program " + running.id + " runs no test", "program");
  }
  if (keep != "a" && keep != "b") return make_error("invalid_value", "keep is a or b", "keep");
  Program kept = keep == "b" ? *running.experiment->arm_b : running;
  kept.experiment.reset();
  kept.version = version;
  return kept;
}

}  // namespace tiercart
