// A shop's time zone (Shopify's `shop.ianaTimezone`, "America/New_York") as offsets from UTC,
// read from the system's time zone database (Debian's tzdata) through Howard Hinnant's date
// library (libhowardhinnant-date-dev). Native only: the server and the CLI turn a program's
// schedule moments into the shop's local time for checkout (function.h); the wasm modules
// never need a zone.
#pragma once

#include <string_view>

#include "tiercart/function.h"
#include "tiercart/result.h"

namespace tiercart {

// The offsets of the zone named `iana_name`, ready for function_input_variables. Error
// "unknown_time_zone" when the database has no such zone (or none is installed).
Result<UtcOffsetAt> time_zone_offsets(std::string_view iana_name);

}  // namespace tiercart
