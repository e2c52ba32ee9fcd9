// The core as a Shopify Function: the input of a Function target (the JSON result of its
// GraphQL input query) becomes a Program, a Cart and a Context; the core's verdict becomes
// the target's output operations. The wasm modules in function/ and the native tests
// call these same entry points, so a checkout is priced by the decision validate() makes
// on the server. Nothing here throws; bad input comes back as an Error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "tiercart/program.h"
#include "tiercart/result.h"

namespace tiercart {

// The Function targets tiercart implements, one export each (docs/function.md).
enum class FunctionTarget {
  kCartLinesDiscounts,  // cart.lines.discounts.generate.run
  kDeliveryDiscounts,   // cart.delivery-options.discounts.generate.run
  kCartValidations,     // cart.validations.generate.run
};

// Function inputs larger than Shopify's 128 kB are refused before parsing (error
// "too_large"); this leaves room for Shopify's scaling of inputs of very large carts.
inline constexpr std::size_t kMaxFunctionInputBytes = std::size_t{512} * 1024;

// The export name of a target in the module and the extension toml.
const char* function_export_name(FunctionTarget target);

// Runs a target on its input JSON and returns the output JSON ({"operations": [...]}).
// A missing or unreadable program yields no discounts (nothing unearned gets anything);
// for validation it blocks only carts that hold gift lines, since their claims cannot be
// checked. Errors (the input itself is malformed): "invalid_json", "invalid_type",
// "missing_field", "invalid_value", "too_large", "too_deep", "too_many", "unknown_currency",
// "currency_mismatch", "invalid_amount", "invalid_rate", "out_of_range".
// `log`, when given, receives lines worth a merchant's attention (an unreadable program),
// which the modules write to stderr, where Shopify shows a Function's logs.
Result<std::string> run_function_json(FunctionTarget target, std::string_view input_json,
                                      std::string* log = nullptr);

// A Function has no clock. Its input queries ask Shopify, for each of the program's
// schedule moments (schedule_moments, program.h), whether the shop's clock has reached it:
// `shop { localTime { after<i>: dateTimeAfter(dateTime: $scheduleAt<i>) } }`, i from 0 to
// kMaxScheduleMoments - 1. The moments are given in the shop's local time, without a zone,
// as Shopify reads DateTimeWithoutTimezone.
inline constexpr std::string_view kScheduleVariablePrefix = "scheduleAt";
inline constexpr std::string_view kScheduleAnswerAlias = "after";

// The shop's offset from UTC (seconds ahead) at a moment, from its time zone; an Error when
// the zone is unknown. The core keeps no time zone table: the server and the CLI pass
// tiercart/time_zones.h's.
using UtcOffsetAt = std::function<Result<int32_t>(int64_t unix_seconds)>;

// The value of the `$app:tiercart.input_variables` metafield the app writes beside a program,
// which Shopify passes to the input queries as their variables: `productTags` and
// `customerTags` (what `hasTags` asks about), and `scheduleAt0`... for every slot, the
// program's schedule moments in the shop's local time first, then a fixed unused moment.
Result<std::string> function_input_variables(const Program& program, const UtcOffsetAt& offset_at);

}  // namespace tiercart
