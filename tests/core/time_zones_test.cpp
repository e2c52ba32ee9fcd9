// A shop's time zone from the system's database (tiercart/time_zones.h): the offsets the app
// turns schedule moments into the shop's local time with, daylight saving time included.
// Native only, like the library.

#include "tiercart/time_zones.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tiercart/tiercart.h"
#include "tiercart/time.h"

namespace {

int64_t at(const char* text) { return tiercart::parse_time(text, "$").value(); }

TEST(TimeZones, NewYorkFallsBackAnHourOnTheFirstSundayOfNovember) {
  auto zone = tiercart::time_zone_offsets("America/New_York");
  ASSERT_TRUE(zone) << zone.error().message;
  EXPECT_EQ(zone.value()(at("2026-11-01T05:59:59Z")).value(), -4 * 3600);
  EXPECT_EQ(zone.value()(at("2026-11-01T06:00:00Z")).value(), -5 * 3600);
  EXPECT_EQ(zone.value()(at("2026-07-04T12:00:00Z")).value(), -4 * 3600);
}

TEST(TimeZones, HalfHourZonesAndZonesWithoutDaylightSavingTime) {
  auto kolkata = tiercart::time_zone_offsets("Asia/Kolkata");
  ASSERT_TRUE(kolkata);
  EXPECT_EQ(kolkata.value()(at("2026-01-15T00:00:00Z")).value(), 5 * 3600 + 1800);
  EXPECT_EQ(kolkata.value()(at("2026-07-15T00:00:00Z")).value(), 5 * 3600 + 1800);
  auto utc = tiercart::time_zone_offsets("Etc/UTC");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc.value()(at("2026-07-15T00:00:00Z")).value(), 0);
}

TEST(TimeZones, AnUnknownZoneIsAnErrorNotAGuess) {
  for (const char* name : {"Mars/Olympus_Mons", "", "America/New_York/../../etc"}) {
    auto zone = tiercart::time_zone_offsets(name);
    ASSERT_FALSE(zone) << name;
    EXPECT_EQ(zone.error().code, "unknown_time_zone");
  }
}

TEST(TimeZones, ACampaignWrittenInNewYorkTimeIsMidnightInNewYorkOnBothSidesOfTheChange) {
  // November in New York, as docs/program-format.md writes it: the offsets differ because
  // daylight saving time ends on 1 November; both bounds are local midnight.
  auto program = tiercart::parse_program(R"({"format": 1, "id": "november", "version": 1,
    "currency": "USD",
    "schedule": {"starts_at": "2026-11-01T00:00:00-04:00", "ends_at": "2026-12-01T00:00:00-05:00"},
    "bars": [{"id": "b", "tiers": [{"id": "t", "threshold": 5000,
      "reward": {"type": "free_shipping"}}]}]})");
  ASSERT_TRUE(program);
  auto zone = tiercart::time_zone_offsets("America/New_York");
  ASSERT_TRUE(zone);
  auto variables = tiercart::function_input_variables(program.value(), zone.value());
  ASSERT_TRUE(variables);
  const auto json = nlohmann::json::parse(variables.value());
  EXPECT_EQ(json["scheduleAt0"], "2026-11-01T00:00:00");
  EXPECT_EQ(json["scheduleAt1"], "2026-12-01T00:00:00");
  // The same moments for a shop in Berlin.
  auto berlin = tiercart::time_zone_offsets("Europe/Berlin");
  ASSERT_TRUE(berlin);
  const auto there = nlohmann::json::parse(
      tiercart::function_input_variables(program.value(), berlin.value()).value());
  EXPECT_EQ(there["scheduleAt0"], "2026-11-01T05:00:00");
  EXPECT_EQ(there["scheduleAt1"], "2026-12-01T06:00:00");
}

}  // namespace
