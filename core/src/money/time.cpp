// Time as Shopify writes it (ISO 8601 with Z or an offset) to Unix seconds and back, in the
// proleptic Gregorian calendar. Integer arithmetic only; no locale, no time zone database,
// no printf (which would pull its formatter into the wasm modules).

#include "tiercart/time.h"

namespace tiercart {

Result<int64_t> parse_time(std::string_view text, const std::string& path) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  auto bad = [&] {
    return make_error(
        "invalid_time",
        "\"" + std::string(text) + "\" is not an ISO 8601 time such as 2026-11-21T12:00:00Z", path);
  };
  auto digits = [&](std::size_t at, std::size_t count, int& out) {
    if (at + count > text.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(5, 2, month) ||
      text[7] != '-' || !digits(8, 2, day) || (text[10] != 'T' && text[10] != ' ') ||
      !digits(11, 2, hour) || text[13] != ':' || !digits(14, 2, minute) || text[16] != ':' ||
      !digits(17, 2, second)) {
    return bad();
  }
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == start) return bad();
  }
  int offset_seconds = 0;
  if (at < text.size() && text[at] == 'Z' && at + 1 == text.size()) {
    // UTC
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    int oh, om;
    if (!digits(at + 1, 2, oh) || !digits(at + 4, 2, om) || oh > 23 || om > 59) return bad();
    offset_seconds = (oh * 3600 + om * 60) * (text[at] == '+' ? 1 : -1);
  } else {
    return bad();
  }
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDaysIn[month - 1] ||
      (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 60) {
    return bad();
  }
  // Days since 1970-01-01 in the proleptic Gregorian calendar, counting years from March
  // so that the leap day falls at the end of a year.
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = y / 400;
  const int year_of_era = y - era * 400;
  const int month_from_march = (month + 9) % 12;
  const int day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  const int64_t days = static_cast<int64_t>(era) * 146097 + day_of_era - 719468;
  return days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second - offset_seconds;
}

std::string format_time(int64_t unix_seconds) {
  // Civil date from days since 1970-01-01 (proleptic Gregorian), the inverse of parse_time.
  int64_t days = unix_seconds / 86400;
  int64_t rest = unix_seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  const int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  // Written by hand rather than with snprintf, which would pull printf into the wasm module.
  std::string text;
  auto two = [&](int64_t value) {
    text += static_cast<char>('0' + value / 10);
    text += static_cast<char>('0' + value % 10);
  };
  std::string digits = std::to_string(year < 0 ? -year : year);
  if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
  text = (year < 0 ? "-" : "") + digits + "-";
  two(month);
  text += '-';
  two(day);
  text += 'T';
  two(rest / 3600);
  text += ':';
  two(rest / 60 % 60);
  text += ':';
  two(rest % 60);
  text += 'Z';
  return text;
}

std::optional<int64_t> parse_day(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  std::string midnight(text);
  midnight += "T00:00:00Z";
  auto time = parse_time(midnight, "$");
  if (!time) return std::nullopt;
  return time.value() / 86400;
}

std::string format_local_time(int64_t unix_seconds, int32_t utc_offset_seconds) {
  std::string text = format_time(unix_seconds + utc_offset_seconds);
  text.pop_back();  // the "Z": this time is the shop's, not UTC
  return text;
}

std::string format_day(int64_t days) { return format_time(days * 86400).substr(0, 10); }

}  // namespace tiercart
