// Query strings as Shopify builds and signs them. The app proxy's signature covers the
// decoded parameters, so they are read from the raw query exactly as Shopify reads it (every
// occurrence of a key kept, a pair split at its first '='), never from a reading that drops
// or merges anything.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tiercart::server {

// Pairs at '&' (empty ones skipped), each split at its first '=' (none: an empty value), both
// sides decoded ('+' is a space, %XX a byte; a malformed escape is kept as sent). Every
// occurrence of a key is kept, in the order sent.
std::multimap<std::string, std::string> parse_query(std::string_view query);
std::string percent_decode(std::string_view text);

}  // namespace tiercart::server
