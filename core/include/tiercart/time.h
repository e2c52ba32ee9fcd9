// Time: the one place where the core reads and writes points in time. Shopify's documents
// carry ISO 8601 texts ("2026-11-21T12:00:00Z", "2025-10-07T09:50:26+02:00"); the core holds
// Unix seconds, so that schedules, edit windows and countdowns compare integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tiercart/result.h"

namespace tiercart {

// Parses an ISO 8601 UTC or offset time ("2026-11-21T12:00:00Z", "...+01:00") into Unix
// seconds. Error "invalid_time" at `path`.
Result<int64_t> parse_time(std::string_view text, const std::string& path);

// Unix seconds as "2026-11-21T12:00:00Z".
std::string format_time(int64_t unix_seconds);
// The wall-clock time at `unix_seconds` where clocks are `utc_offset_seconds` ahead of UTC,
// without a zone ("2026-11-21T07:00:00" for New York in winter, offset -18000): Shopify's
// DateTimeWithoutTimezone, read in the shop's own time zone.
std::string format_local_time(int64_t unix_seconds, int32_t utc_offset_seconds);

// A calendar day "YYYY-MM-DD" as days since 1970-01-01; nothing when it is not a real date.
// The merchant's figures count orders by the shop's days (insight.h).
std::optional<int64_t> parse_day(std::string_view text);
// Days since 1970-01-01 as "YYYY-MM-DD".
std::string format_day(int64_t days);

}  // namespace tiercart
