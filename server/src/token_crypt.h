// Shopify access and refresh tokens at rest: sealed with AES-256-GCM under the server's token
// key (config.token_key) before a store ever sees them. The shop's hostname is the associated
// data, so a sealed token copied into another shop's row does not open there.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "tiercart/result.h"

namespace tiercart::server {

class TokenCipher {
 public:
  // 64 hex digits (either case): the 256-bit key. Error code: invalid_token_key.
  static Result<TokenCipher> from_hex(std::string_view key_hex);

  TokenCipher(const TokenCipher&) = default;
  TokenCipher& operator=(const TokenCipher&) = default;
  // Every copy wipes its key bytes when it goes.
  ~TokenCipher();

  // "v1:" + base64url (no padding) of nonce (12 random bytes) || ciphertext || tag (16 bytes).
  // A fresh nonce each call: sealing one token twice gives two different texts. `associated`
  // is the shop's hostname. Empty only when OpenSSL fails (no randomness): a caller must not
  // store an empty result.
  std::string seal(std::string_view plaintext, std::string_view associated) const;

  // The plaintext, or token_unreadable: not a sealed token, cut short, tampered with, sealed
  // under another key or for another shop. The message says which of the first two; the
  // last three cannot be told apart (GCM's tag fails for each).
  Result<std::string> open(std::string_view sealed, std::string_view associated) const;

 private:
  TokenCipher() = default;
  std::array<unsigned char, 32> key_{};
};

}  // namespace tiercart::server
