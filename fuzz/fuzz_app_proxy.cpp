// The app proxy's query reading and signature check (server/src/query.h, signature.h) on any
// query string: no crash; a parameter set read from a query reads back the same once written
// again; a set signed with the app secret verifies and one altered signature byte does not; a
// set that passes the re-split rules holds no '=' in a name and Shopify's values in their form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "query.h"
#include "signature.h"

namespace {

std::string encode(std::string_view text) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

void check(bool holds) {
  if (!holds) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tiercart::server;
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  const auto params = parse_query(query);

  std::string written;
  for (const auto& [key, value] : params) {
    written += (written.empty() ? "" : "&") + encode(key) + "=" + encode(value);
  }
  check(parse_query(written) == params);

  auto signed_params = params;
  signed_params.erase("signature");
  signed_params.emplace("signature", hex(hmac_sha256("fuzz-secret", proxy_message(params))));
  check(proxy_signature_valid("fuzz-secret", signed_params));
  auto altered = signed_params;
  std::string& signature = altered.find("signature")->second;
  signature[size % signature.size()] = signature[size % signature.size()] == '0' ? '1' : '0';
  check(!proxy_signature_valid("fuzz-secret", altered));

  if (proxy_parameters_problem(params).empty()) {
    for (const auto& [key, value] : params) check(key.find('=') == std::string::npos);
    const std::string customer =
        params.count("logged_in_customer_id") ? params.find("logged_in_customer_id")->second : "";
    check(customer.find_first_not_of("0123456789") == std::string::npos);
    const std::string& shop = params.find("shop")->second;
    check(shop.find_first_of("=/&?# ") == std::string::npos);
  }
  return 0;
}
