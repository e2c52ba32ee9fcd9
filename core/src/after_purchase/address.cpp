// Shipping address checks: required fields and postal code formats per country, the
// normalisation a carrier expects (codes upper case, single spaces, the dash in a ZIP+4),
// and warnings a customer can act on. Rules in docs/post-purchase.md section 3.

#include <algorithm>
#include <cstring>

#include "json/reader.h"
#include "tiercart/post_purchase.h"

namespace tiercart {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z'); }
bool all_digits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// Trims and collapses runs of ASCII white space to one space.
std::string tidy(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string without(const std::string& text, const char* drop) {
  std::string out;
  for (char c : text) {
    if (!std::strchr(drop, c)) out += c;
  }
  return out;
}

struct CountryRules {
  const char* code;
  const char* adjective;  // for messages: "A US ZIP code", "A Canadian postal code"
  bool requires_province;
  const char* example;
  // Brings a tidied, upper-cased postal code to its canonical form; nothing when invalid.
  std::optional<std::string> (*postal)(const std::string&);
  const char* const* provinces;  // null-terminated; null when not checked
};

std::optional<std::string> us_zip(const std::string& text) {
  const std::string digits = without(text, " -");
  if (digits.size() == 5 && all_digits(digits)) return digits;
  if (digits.size() == 9 && all_digits(digits)) return digits.substr(0, 5) + "-" + digits.substr(5);
  return std::nullopt;
}

std::optional<std::string> ca_postal(const std::string& text) {
  const std::string code = without(text, " -");
  if (code.size() != 6) return std::nullopt;
  auto letter = [](char c) { return is_upper(c) && !std::strchr("DFIOQU", c); };
  if (!letter(code[0]) || code[0] == 'W' || code[0] == 'Z' || !is_digit(code[1]) ||
      !letter(code[2]) || !is_digit(code[3]) || !letter(code[4]) || !is_digit(code[5])) {
    return std::nullopt;
  }
  return code.substr(0, 3) + " " + code.substr(3);
}

std::optional<std::string> gb_postcode(const std::string& text) {
  const std::string code = without(text, " ");
  if (code == "GIR0AA") return std::string("GIR 0AA");
  if (code.size() < 5 || code.size() > 7) return std::nullopt;
  const std::string outward = code.substr(0, code.size() - 3);
  const std::string inward = code.substr(code.size() - 3);
  if (!is_digit(inward[0]) || !is_upper(inward[1]) || !is_upper(inward[2])) return std::nullopt;
  // Outward: A9, A9A, A99, AA9, AA9A, AA99.
  std::size_t at = 0;
  while (at < outward.size() && at < 2 && is_upper(outward[at])) ++at;
  if (at == 0 || at >= outward.size() || !is_digit(outward[at])) return std::nullopt;
  ++at;
  if (at < outward.size() && (is_digit(outward[at]) || is_upper(outward[at]))) ++at;
  if (at != outward.size()) return std::nullopt;
  return outward + " " + inward;
}

std::optional<std::string> five_digits(const std::string& text) {
  const std::string code = without(text, " ");
  if (code.size() == 5 && all_digits(code)) return code;
  return std::nullopt;
}

std::optional<std::string> nl_postcode(const std::string& text) {
  const std::string code = without(text, " ");
  if (code.size() != 6 || code[0] == '0' || !all_digits(code.substr(0, 4)) || !is_upper(code[4]) ||
      !is_upper(code[5])) {
    return std::nullopt;
  }
  return code.substr(0, 4) + " " + code.substr(4);
}

std::optional<std::string> au_postcode(const std::string& text) {
  const std::string code = without(text, " ");
  if (code.size() == 4 && all_digits(code)) return code;
  return std::nullopt;
}

std::optional<std::string> jp_postal(const std::string& text) {
  const std::string digits = without(text, " -");
  if (digits.size() == 7 && all_digits(digits)) return digits.substr(0, 3) + "-" + digits.substr(3);
  return std::nullopt;
}

const char* const kUsStates[] = {"AL", "AK", "AZ", "AR", "CA", "CO",   "CT", "DE", "FL", "GA", "HI",
                                 "ID", "IL", "IN", "IA", "KS", "KY",   "LA", "ME", "MD", "MA", "MI",
                                 "MN", "MS", "MO", "MT", "NE", "NV",   "NH", "NJ", "NM", "NY", "NC",
                                 "ND", "OH", "OK", "OR", "PA", "RI",   "SC", "SD", "TN", "TX", "UT",
                                 "VT", "VA", "WA", "WV", "WI", "WY",   "DC", "AS", "GU", "MP", "PR",
                                 "VI", "UM", "AA", "AE", "AP", nullptr};
const char* const kCaProvinces[] = {"AB", "BC", "MB", "NB", "NL", "NS", "NT",
                                    "NU", "ON", "PE", "QC", "SK", "YT", nullptr};
const char* const kAuStates[] = {"ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA", nullptr};

const CountryRules kCountries[] = {
    {"US", "A US ZIP code", true, "12345 or 12345-6789", us_zip, kUsStates},
    {"CA", "A Canadian postal code", true, "A1A 1A1", ca_postal, kCaProvinces},
    {"GB", "A UK postcode", false, "SW1A 1AA", gb_postcode, nullptr},
    {"DE", "A German postal code", false, "10115", five_digits, nullptr},
    {"FR", "A French postal code", false, "75001", five_digits, nullptr},
    {"NL", "A Dutch postal code", false, "1234 AB", nl_postcode, nullptr},
    {"AU", "An Australian postcode", true, "2000", au_postcode, kAuStates},
    {"JP", "A Japanese postal code", true, "100-0001", jp_postal, nullptr},
};

const CountryRules* rules_for(const std::string& country) {
  for (const auto& rules : kCountries) {
    if (country == rules.code) return &rules;
  }
  return nullptr;
}

bool valid_province(const CountryRules& rules, const std::string& code) {
  if (std::strcmp(rules.code, "JP") == 0) {
    // JP-01 (Hokkaido) .. JP-47 (Okinawa)
    if (code.size() != 5 || code.compare(0, 3, "JP-") != 0 || !all_digits(code.substr(3))) {
      return false;
    }
    const int number = (code[3] - '0') * 10 + (code[4] - '0');
    return number >= 1 && number <= 47;
  }
  if (!rules.provinces) return true;
  for (const char* const* p = rules.provinces; *p; ++p) {
    if (code == *p) return true;
  }
  return false;
}

// A PO box written as people write it, as a word of its own ("Tempo Box" is not one).
bool looks_like_po_box(const std::string& line) {
  std::string text = tidy(without(detail::lower(line), "."));
  static const char* const kPatterns[] = {
      "po box",  "p o box",    "pobox",         "post office box", "postfach", "postbus",
      "gpo box", "locked bag", "boîte postale", "boite postale",   "postbox",  nullptr};
  for (const char* const* p = kPatterns; *p; ++p) {
    for (std::size_t at = text.find(*p); at != std::string::npos; at = text.find(*p, at + 1)) {
      const bool starts_word = at == 0 || !is_alnum(text[at - 1]);
      if (starts_word) return true;
    }
  }
  return false;
}

bool valid_phone(const std::string& phone) {
  int digits = 0;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (is_digit(c)) {
      ++digits;
    } else if (c == '+' && i == 0) {
    } else if (!std::strchr(" -.()", c)) {
      return false;
    }
  }
  return digits >= 7 && digits <= 15;
}

}  // namespace

Address normalise_address(const Address& in) {
  Address a;
  a.first_name = tidy(in.first_name);
  a.last_name = tidy(in.last_name);
  a.company = tidy(in.company);
  a.address1 = tidy(in.address1);
  a.address2 = tidy(in.address2);
  a.city = tidy(in.city);
  a.province = tidy(in.province);
  a.country_code = detail::upper(without(in.country_code, " \t\n\r"));
  a.country = tidy(in.country);
  a.phone = tidy(in.phone);
  a.province_code = detail::upper(without(in.province_code, " \t\n\r"));
  if (a.country_code == "JP" && !a.province_code.empty()) {
    std::string number =
        a.province_code.compare(0, 3, "JP-") == 0 ? a.province_code.substr(3) : a.province_code;
    if (number.size() == 1 && is_digit(number[0])) number = "0" + number;
    if (number.size() == 2 && all_digits(number)) a.province_code = "JP-" + number;
  }
  a.zip = tidy(in.zip);
  if (const CountryRules* rules = rules_for(a.country_code)) {
    a.zip = detail::upper(a.zip);
    if (auto canonical = rules->postal(a.zip)) a.zip = *canonical;
  }
  return a;
}

AddressCheck check_address(const Address& input, const AddressOptions& options) {
  AddressCheck check;
  check.address = normalise_address(input);
  const Address& a = check.address;
  auto problem = [&](const char* field, const char* code, const char* severity,
                     std::string message) {
    check.problems.push_back({field, code, severity, std::move(message)});
  };
  auto required = [&](const char* field, const std::string& value, const char* what) {
    if (value.empty()) problem(field, "required", "error", std::string(what) + " is required");
  };
  const bool country_ok = is_upper(a.country_code.empty() ? ' ' : a.country_code[0]) &&
                          a.country_code.size() == 2 && is_upper(a.country_code[1]);
  const CountryRules* rules = country_ok ? rules_for(a.country_code) : nullptr;
  const bool po_box_refused = options.po_box_allowed && !*options.po_box_allowed;

  required("last_name", a.last_name, "The last name");
  required("address1", a.address1, "The street address");
  if (po_box_refused && looks_like_po_box(a.address1)) {
    problem("address1", "po_box", "warning",
            "The chosen shipping method does not deliver to PO boxes");
  }
  if (po_box_refused && looks_like_po_box(a.address2)) {
    problem("address2", "po_box", "warning",
            "The chosen shipping method does not deliver to PO boxes");
  }
  required("city", a.city, "The city");
  if (rules && rules->requires_province) {
    if (a.province_code.empty()) {
      required("province_code", a.province_code, "The state or province");
    } else if (!valid_province(*rules, a.province_code)) {
      problem("province_code", "invalid_province", "error",
              "\"" + a.province_code + "\" is not a state or province of " + rules->code);
    }
  }
  if (rules) {
    if (a.zip.empty()) {
      required("zip", a.zip, "The postal code");
    } else if (!rules->postal(a.zip)) {
      problem("zip", "invalid_postal_code", "error",
              std::string(rules->adjective) + " looks like " + rules->example);
    }
  }
  if (a.country_code.empty()) {
    required("country_code", a.country_code, "The country");
  } else if (!country_ok) {
    problem("country_code", "invalid_country", "error",
            "\"" + a.country_code + "\" is not a two-letter country code");
  } else if (!options.countries.empty() &&
             std::find(options.countries.begin(), options.countries.end(), a.country_code) ==
                 options.countries.end()) {
    problem("country_code", "country_not_served", "error",
            "The shop does not ship to " + a.country_code);
  }
  if (!a.phone.empty() && !valid_phone(a.phone)) {
    problem("phone", "invalid_phone", "error",
            "A phone number has 7 to 15 digits, optionally starting with +");
  }
  check.ok = std::none_of(check.problems.begin(), check.problems.end(),
                          [](const AddressProblem& p) { return p.severity == "error"; });
  return check;
}

}  // namespace tiercart
