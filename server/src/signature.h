// Shopify's two signatures, checked with OpenSSL in constant time: the webhook HMAC
// (base64 of HMAC-SHA256 over the raw body) and the app proxy signature (hex HMAC-SHA256
// over the sorted query parameters). SHOPIFY.md section 7 describes both.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tiercart::server {

std::string hmac_sha256(std::string_view key, std::string_view message);  // raw 32 bytes
std::string base64(std::string_view bytes);
std::string hex(std::string_view bytes);

// True when both strings are equal, in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

// `header` is X-Shopify-Hmac-Sha256 as received.
bool webhook_signature_valid(std::string_view secret, std::string_view body,
                             std::string_view header);

// The message an app proxy request is signed over: every parameter but `signature`,
// repeated values joined with commas, "k=v" pairs sorted and concatenated.
std::string proxy_message(const std::multimap<std::string, std::string>& params);
bool proxy_signature_valid(std::string_view secret,
                           const std::multimap<std::string, std::string>& params);

// The signed message joins "k=v" pairs with nothing between them, so a parameter set can be
// re-split into another with the same signature (`logged_in_customer_id=` then `m=/42` reads
// as `logged_in_customer_id=m=/42`). Shopify never puts '=' in a name, nor in the values it
// adds itself, and each of those comes once; with those rules no re-split changes what the
// server reads. Returns what is wrong ("" when nothing): Shopify's `shop` must be a shop
// hostname, `logged_in_customer_id` empty or digits, `timestamp` digits, `path_prefix` a path.
std::string proxy_parameters_problem(const std::multimap<std::string, std::string>& params);

}  // namespace tiercart::server
