// The Function input through the core's one JSON reader (json/reader.h): parse_document
// checks that it is JSON (the same accept/reject rules as every other document the core
// reads) and builds the tree in one pass; this file then walks the tree once, reading the
// fields tiercart uses into the core's values. Errors carry the same codes, messages and
// JSON paths as the rest of the core's readers (docs/errors.md).

#include "shopify/function_input.h"

#include <algorithm>
#include <cstdint>

#include "json/reader.h"
#include "tiercart/function.h"
#include "tiercart/tiercart.h"

namespace tiercart::detail {

namespace {

using namespace std::string_view_literals;

constexpr int64_t kMaxQuantity = 1'000'000;
const char* const kWhat = "function input";

// Keys are compared many times a line: by length first, then byte by byte, inline.
inline bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ---- Reading the parsed document -------------------------------------------------------

// Walks objects' members in document order (repeated keys included, as they were written),
// so that the first error in the document is the one reported, and keeps the JSON path as a
// stack of keys and indexes that becomes text only for an error.
class Walker {
 public:
  Walker() { frames_.reserve(16); }

  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }

  // The JSON path of the value being read, built only for an error.
  std::string path() const {
    std::string out = "$";
    for (const auto& frame : frames_) {
      out = frame.array ? index_path(out, frame.index) : key_path(out, frame.key);
    }
    return out;
  }
  std::string path_of(std::string_view key) const { return key_path(path(), key); }

  void fail_at(std::string code, const std::string& message, std::string at) {
    if (error_) return;
    error_ = Error{std::move(code), std::string(kWhat) + ": " + at + ": " + message, at};
  }
  void fail(std::string code, const std::string& message) {
    fail_at(std::move(code), message, path());
  }
  void adopt(const Error& error) {
    if (!error_) error_ = error;
  }

  // Calls `member(key, value)` for each member of `value`, in document order. False (and an
  // error) when it is not an object.
  template <typename Member>
  bool members(const Value& value, Member&& member) {
    if (!value.is_object()) {
      fail("invalid_type", "expected an object");
      return false;
    }
    frames_.push_back(Frame{});
    for (const Value& field : value.members()) {
      frames_.back().key = field.key();
      member(field.key(), field);
      if (failed()) break;
    }
    frames_.pop_back();
    return !failed();
  }

  // Calls `item(index, element)` for each element of `value`.
  template <typename Item>
  bool items(const Value& value, Item&& item) {
    if (!value.is_array()) {
      fail("invalid_type", "expected an array");
      return false;
    }
    frames_.push_back(Frame{true, 0, std::string_view()});
    std::size_t index = 0;
    for (const Value& element : value.members()) {
      frames_.back().index = index;
      item(index, element);
      if (failed()) break;
      ++index;
    }
    frames_.pop_back();
    return !failed();
  }

  // A string; JSON null reads as absent. Other types fail.
  std::optional<std::string> string(const Value& value) {
    auto text = view(value);
    if (!text) return std::nullopt;
    return std::string(*text);
  }

  // A string as a view into the document (no copy). JSON null reads as absent; other types
  // fail.
  std::optional<std::string_view> view(const Value& value) {
    if (value.is_string()) return value.text();
    if (!value.is_null()) fail("invalid_type", "expected a string");
    return std::nullopt;
  }

  std::optional<bool> boolean(const Value& value) {
    if (value.is_boolean()) return value.boolean();
    if (!value.is_null()) fail("invalid_type", "expected true or false");
    return std::nullopt;
  }

  // An integer within [min, max]; the same wording as ObjectReader::integer_in. Read from
  // the number's spelling, so that 1.0 and 1e2 are not integers and a magnitude past int64
  // is out of range, as they always were here.
  std::optional<int64_t> integer(const Value& value, int64_t min, int64_t max) {
    if (value.is_null()) return std::nullopt;
    const std::string_view text = value.raw();
    if (!value.is_number() || text.find_first_of(".eE") != std::string_view::npos) {
      fail("invalid_type", "expected an integer");
      return std::nullopt;
    }
    const bool negative = text[0] == '-';
    uint64_t magnitude = 0;
    for (std::size_t i = negative ? 1 : 0; i < text.size(); ++i) {
      const auto digit = static_cast<uint64_t>(text[i] - '0');
      if (magnitude > (UINT64_MAX - digit) / 10) {
        fail("out_of_range", "integer is too large");
        return std::nullopt;
      }
      magnitude = magnitude * 10 + digit;
    }
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) {
      fail("out_of_range", "integer is too large");
      return std::nullopt;
    }
    const int64_t number =
        negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
    if (number < min || number > max) {
      fail(number < 0 && min >= 0 ? "negative_value" : "out_of_range",
           "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
               std::to_string(number));
      return std::nullopt;
    }
    return number;
  }

  // GraphQL's Decimal: a string ("19.99"), or a number taken at its JSON spelling.
  std::optional<std::string_view> decimal(const Value& value) {
    if (value.is_string()) return value.text();
    if (value.is_null()) return std::nullopt;
    if (value.is_number()) return value.raw();
    fail("invalid_type", "expected a decimal string");
    return std::nullopt;
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t index = 0;
    std::string_view key;  // into the document
  };

  std::vector<Frame> frames_;
  std::optional<Error> error_;
};

// "gid://shopify/ProductVariant/9001" -> 9001.
std::optional<int64_t> gid_number(std::string_view gid) {
  // The digits after the last '/' (the whole gid when it has none), found from the end in
  // one pass: rfind is a call, and costs more than the digits.
  std::size_t start = gid.size();
  while (start > 0 && is_digit(gid[start - 1])) --start;
  if (start > 0 && gid[start - 1] != '/') return std::nullopt;
  const std::size_t count = gid.size() - start;
  if (count == 0 || count > 18) return std::nullopt;
  int64_t id = 0;
  for (std::size_t i = start; i < gid.size(); ++i) id = id * 10 + (gid[i] - '0');
  return id;
}

// An amount as Shopify writes them ("19.99", "1000"), in minor units of a currency with
// `units` decimals, without the general parser's checks: nullopt for anything else (a sign,
// an exponent, more decimals than the currency has, 16 or more integer digits, past
// kMaxAmount), which parse_decimal_amount then reads, or refuses, as it always did. The
// general path cost about 1,700 instructions an amount, three amounts a line.
std::optional<int64_t> plain_amount(std::string_view text, int units) {
  // One pass with local pointers, without find() (a call to memchr cost more than the
  // digits). Digits past the limits may wrap `value`; it is then not used.
  const char* p = text.data();
  const char* const end = p + text.size();
  uint64_t value = 0;
  while (p < end && is_digit(*p)) value = value * 10 + static_cast<uint64_t>(*p++ - '0');
  const auto whole = static_cast<std::size_t>(p - text.data());
  std::size_t decimals = 0;
  if (p < end) {
    if (*p != '.') return std::nullopt;
    const char* const fraction = ++p;
    while (p < end && is_digit(*p)) value = value * 10 + static_cast<uint64_t>(*p++ - '0');
    decimals = static_cast<std::size_t>(p - fraction);
    if (p != end || decimals == 0) return std::nullopt;
  }
  if (whole == 0 || whole > 15 || decimals > static_cast<std::size_t>(units)) return std::nullopt;
  // Now value < 10^15 * 10^units: it fits for every ISO 4217 exponent (at most 4).
  for (std::size_t i = decimals; i < static_cast<std::size_t>(units); ++i) value *= 10;
  if (value > static_cast<uint64_t>(kMaxAmount)) return std::nullopt;
  return static_cast<int64_t>(value);
}

// Shopify's LanguageCode ("EN", "PT_BR") to the program's locale keys ("en", "pt-BR").
std::string locale_of(const std::string& iso_code) {
  std::string locale;
  for (std::size_t i = 0; i < iso_code.size(); ++i) {
    const char c = iso_code[i];
    if (c == '_') {
      locale += '-';
      locale += upper(iso_code.substr(i + 1));
      break;
    }
    locale += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return locale;
}

class InputReader {
 public:
  explicit InputReader(const Value& root) : root_(root) {}

  Result<FunctionInput> read() {
    w_.members(root_, [&](std::string_view key, const Value& value) {
      if (same(key, "cart"sv)) {
        cart(value);
      } else if (same(key, "discount"sv) || same(key, "validation"sv)) {
        owner(value);
      } else if (same(key, "presentmentCurrencyRate"sv)) {
        if (auto rate = w_.decimal(value)) rate_text_ = std::string(*rate);
      } else if (same(key, "localization"sv)) {
        localization(value);
      } else if (same(key, "shop"sv)) {
        shop(value);
      }
    });
    if (w_.failed()) return w_.error();
    if (!saw_cart_)
      return make_error("missing_field", "function input: $.cart: required field is missing",
                        "$.cart");
    if (rate_text_) {
      auto parsed = parse_rate(*rate_text_, "$.presentmentCurrencyRate");
      if (!parsed) return parsed.error();
      in_.context.rate = parsed.value();
    }
    // The address checkout delivers to decides country-limited rewards, then the market's.
    in_.context.country = upper(!delivery_country_.empty() ? delivery_country_ : market_country_);
    in_.context.presentment_currency = in_.cart.currency;
    return std::move(in_);
  }

 private:
  // Called once an object has been read, when the walker's path is the object's again.
  void required(bool seen, std::string_view key) {
    if (!seen && !w_.failed()) {
      w_.fail_at("missing_field", "required field is missing", w_.path_of(key));
    }
  }

  void owner(const Value& value) {
    if (value.is_null()) return;
    w_.members(value, [&](std::string_view key, const Value& field) {
      if (same(key, "discountClasses"sv)) {
        if (field.is_null()) return;
        // The classes the merchant gave the discount; absent means the query did not ask.
        in_.product_class = false;
        in_.shipping_class = false;
        w_.items(field, [&](std::size_t, const Value& element) {
          auto name = w_.view(element);
          if (name && same(*name, "PRODUCT"sv)) in_.product_class = true;
          if (name && same(*name, "SHIPPING"sv)) in_.shipping_class = true;
        });
      } else if (same(key, "metafield"sv)) {
        if (field.is_null()) return;
        w_.members(field, [&](std::string_view name, const Value& member) {
          if (same(name, "value"sv)) in_.program_json = w_.string(member);
        });
      }
    });
  }

  void cart(const Value& value) {
    if (value.is_null()) return;
    saw_cart_ = true;
    in_.cart.items.clear();
    in_.line_ids.clear();
    bool saw_lines = false;
    w_.members(value, [&](std::string_view key, const Value& field) {
      if (same(key, "lines"sv)) {
        saw_lines = !field.is_null();
        if (!saw_lines) return;
        if (field.is_array()) {
          const std::size_t count = std::min(field.size(), kMaxCartLines);
          in_.cart.items.reserve(in_.cart.items.size() + count);
          in_.line_ids.reserve(in_.line_ids.size() + count);
        }
        w_.items(field, [&](std::size_t index, const Value& element) {
          if (index == kMaxCartLines) {
            w_.fail_at("too_many",
                       "more than " + std::to_string(kMaxCartLines) + " lines, the limit",
                       "$.cart.lines");
            return;
          }
          line(element);
        });
      } else if (same(key, "cost"sv)) {
        if (field.is_null()) return;
        w_.members(field, [&](std::string_view name, const Value& member) {
          if (same(name, "subtotalAmount"sv) && in_.cart.items.empty()) money(member, false);
        });
      } else if (same(key, "armKey"sv)) {
        // The drawer's kArmAttribute: the cart's token, which a Function cannot read itself,
        // puts the cart in its experiment arm (program.h, arm_of).
        if (field.is_null()) return;
        w_.members(field, [&](std::string_view name, const Value& member) {
          if (!same(name, "value"sv)) return;
          if (auto text = w_.string(member)) in_.cart.arm_key = std::move(*text);
        });
      } else if (same(key, "buyerIdentity"sv)) {
        if (field.is_null()) return;
        w_.members(field, [&](std::string_view name, const Value& member) {
          if (!same(name, "customer"sv) || member.is_null()) return;
          // A customer in the input is a signed-in buyer: their history is known, even when
          // the query did not ask for it (then it is empty).
          CustomerHistory history;
          history.minor_units = true;
          w_.members(member, [&](std::string_view inner, const Value& answer) {
            if (same(inner, "hasTags"sv)) {
              in_.context.customer_tags = tags(answer);
            } else if (same(inner, "numberOfOrders"sv)) {
              history.orders = w_.integer(answer, 0, kMaxQuantity).value_or(0);
            } else if (same(inner, "amountSpent"sv)) {
              history.amount_spent = amount_spent(answer, history.currency).value_or(0);
            }
          });
          in_.context.customer = history;
        });
      } else if (same(key, "deliveryGroups"sv)) {
        if (field.is_null()) return;
        in_.delivery_groups.clear();
        w_.items(field, [&](std::size_t, const Value& element) { delivery_group(element); });
      }
    });
    // The Function API names cart lines "lines"; a cart without them is not its input.
    if (!w_.failed() && !saw_lines) {
      w_.fail_at("missing_field", "required field is missing", key_path("$.cart", "lines"));
    }
  }

  void delivery_group(const Value& value) {
    std::optional<std::string> id;
    w_.members(value, [&](std::string_view key, const Value& field) {
      if (same(key, "id"sv)) {
        id = w_.string(field);
      } else if (same(key, "deliveryAddress"sv) && !field.is_null()) {
        w_.members(field, [&](std::string_view name, const Value& member) {
          if (!same(name, "countryCode"sv)) return;
          auto code = w_.view(member);
          if (code && delivery_country_.empty()) delivery_country_ = std::string(*code);
        });
      }
    });
    required(id.has_value(), "id");
    if (id) in_.delivery_groups.push_back(*id);
  }

  // `shop { localTime { after0: dateTimeAfter(...) ... } }`: one answer per schedule moment,
  // in the order of the input variables (function.h, function_input_variables).
  void shop(const Value& value) {
    if (value.is_null()) return;
    w_.members(value, [&](std::string_view key, const Value& field) {
      if (!same(key, "localTime"sv) || field.is_null()) return;
      w_.members(field, [&](std::string_view name, const Value& answer) {
        constexpr std::string_view kAlias = kScheduleAnswerAlias;
        if (name.size() != kAlias.size() + 1 || name.substr(0, kAlias.size()) != kAlias ||
            !is_digit(name.back())) {
          return;
        }
        const std::size_t index = static_cast<std::size_t>(name.back() - '0');
        if (index >= kMaxScheduleMoments) return;
        const auto reached = w_.boolean(answer);
        if (!reached) return;
        if (in_.moments_reached.size() <= index) in_.moments_reached.resize(index + 1);
        in_.moments_reached[index] = *reached;
      });
    });
  }

  void localization(const Value& value) {
    if (value.is_null()) return;
    w_.members(value, [&](std::string_view key, const Value& field) {
      if ((!same(key, "language"sv) && !same(key, "country"sv)) || field.is_null()) return;
      const bool language = same(key, "language"sv);
      w_.members(field, [&](std::string_view name, const Value& member) {
        if (!same(name, "isoCode"sv)) return;
        auto code = w_.string(member);
        if (!code || code->empty()) return;
        if (language) {
          in_.context.locale = locale_of(*code);
        } else {
          market_country_ = *code;
        }
      });
    });
  }

  // The tags of a `hasTags(tags: [...]) { tag hasTag }` answer that are present.
  std::vector<std::string> tags(const Value& value) {
    std::vector<std::string> present;
    if (value.is_null()) return present;
    w_.items(value, [&](std::size_t, const Value& element) {
      std::optional<std::string_view> tag;
      bool has = false;
      w_.members(element, [&](std::string_view key, const Value& field) {
        if (same(key, "tag"sv)) {
          tag = w_.view(field);
        } else if (same(key, "hasTag"sv)) {
          has = w_.boolean(field).value_or(false);
        }
      });
      required(tag.has_value(), "tag");
      if (tag && has) present.emplace_back(*tag);
    });
    return present;
  }

  // The two members of a MoneyV2 object, as written: the amount's decimal text and the
  // currency code (either absent when the object lacks it).
  struct MoneyFields {
    std::optional<std::string_view> amount;
    std::optional<std::string_view> code;
  };
  MoneyFields money_fields(const Value& value) {
    MoneyFields fields;
    w_.members(value, [&](std::string_view key, const Value& field) {
      if (same(key, "amount"sv)) {
        fields.amount = w_.decimal(field);
      } else if (same(key, "currencyCode"sv)) {
        fields.code = w_.view(field);
      }
    });
    return fields;
  }

  // The customer's amountSpent, a MoneyV2 in the shop currency (not the cart's, so not
  // money()): minor units of its own currency, which is kept to be compared with the
  // program's.
  std::optional<int64_t> amount_spent(const Value& value, std::string& currency) {
    if (value.is_null()) return std::nullopt;
    const auto [amount, code] = money_fields(value);
    if (!amount || !code) return std::nullopt;
    auto minor = parse_decimal_amount(*amount, *code, "$.cart.buyerIdentity.customer.amountSpent");
    if (!minor) return std::nullopt;
    currency = std::string(*code);
    return minor.value();
  }

  // A MoneyV2 object {amount, currencyCode} in minor units of the cart's currency, which the
  // first amount read sets.
  std::optional<int64_t> money(const Value& value, bool required_here) {
    if (value.is_null()) {
      if (required_here) w_.fail("missing_field", "required field is missing");
      return std::nullopt;
    }
    if (auto amount = plain_money(value)) return amount;
    const auto [amount, code] = money_fields(value);
    required(amount.has_value(), "amount");
    required(code.has_value(), "currencyCode");
    if (w_.failed()) return std::nullopt;
    std::string& currency = in_.cart.currency;
    if (currency.empty()) {
      if (!minor_units(*code)) {
        w_.fail_at("unknown_currency", "unknown currency \"" + std::string(*code) + "\"",
                   w_.path_of("currencyCode"));
        return std::nullopt;
      }
      currency = std::string(*code);
      currency_units_.reset();
    } else if (!same(*code, currency)) {
      w_.fail_at("currency_mismatch", "amounts are in " + currency + " and " + std::string(*code),
                 w_.path_of("currencyCode"));
      return std::nullopt;
    }
    if (!currency_units_) currency_units_ = minor_units(currency);
    if (currency_units_) {
      if (auto plain = plain_amount(*amount, *currency_units_)) return *plain;
    }
    auto minor = parse_decimal_amount(*amount, currency, "");
    if (!minor) {
      Error error = minor.error();
      error.path = w_.path_of("amount");
      w_.adopt(error);
      return std::nullopt;
    }
    if (minor.value() < 0) {
      w_.fail_at("negative_value", "amounts are not negative", w_.path_of("amount"));
      return std::nullopt;
    }
    return minor.value();
  }

  // money() for what a cart is made of, three to a line: an object of string members whose
  // amount is plain and whose currency is the cart's, already known. Without the walker (its
  // frames are for error paths) it costs about a third. Anything else answers nullopt having
  // changed nothing, and money() reads it, errors and all, as before.
  std::optional<int64_t> plain_money(const Value& value) const {
    if (!value.is_object() || !currency_units_) return std::nullopt;
    std::optional<std::string_view> amount;
    std::optional<std::string_view> code;
    for (const Value& field : value.members()) {  // document order, repeated keys included
      const std::string_view key = field.key();
      if (same(key, "amount"sv)) {
        if (!field.is_string()) return std::nullopt;
        amount = field.text();
      } else if (same(key, "currencyCode"sv)) {
        if (!field.is_string()) return std::nullopt;
        code = field.text();
      }
    }
    if (!amount || !code || !same(*code, in_.cart.currency)) return std::nullopt;
    return plain_amount(*amount, *currency_units_);
  }

  // A gid's number, read without copying the gid.
  std::optional<int64_t> id_number(const Value& value) {
    auto gid = w_.view(value);
    if (!gid) return std::nullopt;
    auto number = gid_number(*gid);
    if (!number) w_.fail("invalid_value", "\"" + std::string(*gid) + "\" is not a Shopify id");
    return number;
  }

  void product(const Value& value, CartLine& line) {
    if (value.is_null()) return;
    w_.members(value, [&](std::string_view key, const Value& field) {
      if (same(key, "id"sv)) {
        line.product_id = id_number(field).value_or(0);
      } else if (same(key, "productType"sv)) {
        line.product_type = w_.string(field).value_or("");
      } else if (same(key, "isGiftCard"sv)) {
        line.gift_card = w_.boolean(field).value_or(false);
      } else if (same(key, "title"sv)) {
        line.title = w_.string(field).value_or("");
      } else if (same(key, "hasTags"sv)) {
        product_tags_ = tags(field);
      }
    });
  }

  void line(const Value& value) {
    CartLine line;
    std::optional<std::string_view> id;
    bool saw_quantity = false;
    bool saw_cost = false;
    std::optional<int64_t> subtotal;
    std::optional<int64_t> total;
    product_tags_.clear();
    w_.members(value, [&](std::string_view key, const Value& field) {
      if (same(key, "id"sv)) {
        id = w_.view(field);
      } else if (same(key, "quantity"sv)) {
        auto quantity = w_.integer(field, 0, kMaxQuantity);
        saw_quantity = quantity.has_value();
        line.quantity = quantity.value_or(0);
      } else if (same(key, "attribute"sv)) {
        if (field.is_null()) return;
        w_.members(field, [&](std::string_view name, const Value& member) {
          if (!same(name, "value"sv)) return;
          if (auto text = w_.string(member)) line.properties[kGiftProperty] = std::move(*text);
        });
      } else if (same(key, "cost"sv)) {
        saw_cost = !field.is_null();
        if (!saw_cost) return;
        bool saw_unit = false;
        w_.members(field, [&](std::string_view name, const Value& member) {
          if (same(name, "amountPerQuantity"sv)) {
            saw_unit = true;
            line.price = money(member, true).value_or(0);
          } else if (same(name, "subtotalAmount"sv)) {
            subtotal = money(member, false);
          } else if (same(name, "totalAmount"sv)) {
            total = money(member, false);
          } else if (same(name, "compareAtAmountPerQuantity"sv)) {
            // Null when the variant has no compare-at price (or it is hidden from the buyer).
            line.compare_at_price = money(member, false).value_or(0);
          }
        });
        required(saw_unit, "amountPerQuantity");
      } else if (same(key, "merchandise"sv)) {
        if (field.is_null()) return;
        w_.members(field, [&](std::string_view name, const Value& member) {
          // A CustomProduct has no id: it matches no selector by id and is no gift.
          if (same(name, "id"sv)) {
            line.variant_id = id_number(member).value_or(0);
          } else if (same(name, "requiresShipping"sv)) {
            line.requires_shipping = w_.boolean(member).value_or(true);
          } else if (same(name, "product"sv)) {
            product(member, line);
          }
        });
      } else if (same(key, "sellingPlanAllocation"sv)) {
        line.subscription = !field.is_null();
      }
    });
    required(id.has_value(), "id");
    required(saw_quantity, "quantity");
    required(saw_cost, "cost");
    if (w_.failed()) return;
    line.original_line_price = subtotal.value_or(line.price * line.quantity);  // both bounded
    line.final_line_price = total.value_or(line.original_line_price);
    if (!product_tags_.empty() && line.product_id != 0) {
      in_.context.products[line.product_id].tags = std::move(product_tags_);
    }
    in_.line_ids.emplace_back(*id);
    in_.cart.items.push_back(std::move(line));
  }

  const Value& root_;
  Walker w_;
  FunctionInput in_;
  bool saw_cart_ = false;
  std::optional<std::string> rate_text_;
  std::string delivery_country_;
  std::string market_country_;
  std::vector<std::string> product_tags_;
  // The exponent of in_.cart.currency, looked up once: the table search cost about a
  // thousand instructions for each of a line's three amounts.
  std::optional<int> currency_units_;
};

}  // namespace

Result<FunctionInput> parse_function_input(std::string_view text) {
  if (text.size() > kMaxFunctionInputBytes) {
    return make_error("too_large", std::string(kWhat) + " is " + std::to_string(text.size()) +
                                       " bytes; the limit is " +
                                       std::to_string(kMaxFunctionInputBytes));
  }
  // The core's one JSON reader decides what is JSON (and words invalid_json, too_deep and a
  // top level that is not an object); the tree views `text`, alive for the whole read.
  auto document = parse_document(text, kWhat);
  if (!document) return document.error();
  return InputReader(document.value().root()).read();
}

}  // namespace tiercart::detail
