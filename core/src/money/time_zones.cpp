// Time zones from the system's database. The date library reports a missing zone or
// database by throwing; this file is built with exceptions so that it can turn them into
// the core's errors, and nothing is thrown past it.

#include "tiercart/time_zones.h"

#include <date/tz.h>

#include <chrono>
#include <exception>
#include <string>

namespace tiercart {

Result<UtcOffsetAt> time_zone_offsets(std::string_view iana_name) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(std::string(iana_name));
  } catch (const std::exception&) {
    zone = nullptr;
  }
  if (!zone) {
    return make_error("unknown_time_zone", "time zone \"" + std::string(iana_name) +
                                               "\" is not in the time zone database");
  }
  return UtcOffsetAt([zone](int64_t unix_seconds) -> Result<int32_t> {
    try {
      const auto info = zone->get_info(date::sys_seconds{std::chrono::seconds{unix_seconds}});
      return static_cast<int32_t>(info.offset.count());
    } catch (const std::exception& e) {
      return make_error("unknown_time_zone", e.what());
    }
  });
}

}  // namespace tiercart
