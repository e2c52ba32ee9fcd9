#include "signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace tiercart::server {

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // The length of a signature is public (it is fixed by the algorithm); only its bytes
  // must not leak through timing.
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool webhook_signature_valid(std::string_view secret, std::string_view body,
                             std::string_view header) {
  if (secret.empty() || header.empty()) return false;
  return constant_time_equal(base64(hmac_sha256(secret, body)), header);
}

std::string proxy_message(const std::multimap<std::string, std::string>& params) {
  // Shopify sorts the joined "k=v" strings, not the keys ("a-b=1" comes before "a=2"), so
  // the pairs are built first and sorted as strings. multimap keeps the values of one key
  // in the order they came.
  std::vector<std::string> pairs;
  for (auto it = params.begin(); it != params.end();) {
    const std::string key = it->first;
    std::string joined;
    for (bool first = true; it != params.end() && it->first == key; ++it, first = false) {
      if (!first) joined += ',';
      joined += it->second;
    }
    if (key != "signature") pairs.push_back(key + "=" + joined);
  }
  std::sort(pairs.begin(), pairs.end());
  std::string message;
  for (const auto& pair : pairs) message += pair;
  return message;
}

bool proxy_signature_valid(std::string_view secret,
                           const std::multimap<std::string, std::string>& params) {
  auto signature = params.find("signature");
  if (secret.empty() || signature == params.end() || params.count("signature") != 1) return false;
  return constant_time_equal(hex(hmac_sha256(secret, proxy_message(params))), signature->second);
}

namespace {

bool all_of(std::string_view text, const char* allowed) {
  return text.find_first_not_of(allowed) == std::string_view::npos;
}

constexpr const char* kDigits = "0123456789";

bool shop_hostname(std::string_view shop) {
  constexpr std::string_view suffix = ".myshopify.com";
  if (shop.size() <= suffix.size() || shop.size() > 255) return false;
  if (shop.substr(shop.size() - suffix.size()) != suffix) return false;
  const std::string_view name = shop.substr(0, shop.size() - suffix.size());
  return name.front() != '-' && all_of(name, "abcdefghijklmnopqrstuvwxyz0123456789-");
}

}  // namespace

std::string proxy_parameters_problem(const std::multimap<std::string, std::string>& params) {
  for (const auto& [key, value] : params) {
    if (key.find('=') != std::string::npos) return "a parameter name holds '='";
  }
  struct Rule {
    const char* key;
    bool required;
    bool (*valid)(std::string_view);
  };
  static const Rule rules[] = {
      {"shop", true, shop_hostname},
      {"timestamp", true,
       [](std::string_view v) { return !v.empty() && v.size() <= 12 && all_of(v, kDigits); }},
      {"logged_in_customer_id", false,
       [](std::string_view v) { return v.size() <= 18 && all_of(v, kDigits); }},
      {"path_prefix", false,
       [](std::string_view v) {
         return !v.empty() && v.size() <= 128 && v.front() == '/' &&
                all_of(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-");
       }},
      {"signature", true,
       [](std::string_view v) { return v.size() == 64 && all_of(v, "0123456789abcdef"); }},
  };
  for (const Rule& rule : rules) {
    const std::size_t count = params.count(rule.key);
    if (count == 0 && !rule.required) continue;
    if (count != 1) return std::string("`") + rule.key + "` must come exactly once";
    if (!rule.valid(params.find(rule.key)->second)) {
      return std::string("`") + rule.key + "` is not in the form Shopify sends";
    }
  }
  return "";
}

}  // namespace tiercart::server
