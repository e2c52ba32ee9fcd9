#include "token_crypt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "jwt.h"

namespace tiercart::server {
namespace {

constexpr std::string_view kVersion = "v1:";
constexpr std::size_t kNonceBytes = 12;  // GCM's own size: no hashing of the nonce
constexpr std::size_t kTagBytes = 16;
// Shopify's tokens are well under 1 KB; a sealed text far beyond that is not one of ours and
// is refused before it is decoded.
constexpr std::size_t kMaxSealedChars = 16 * 1024;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

Error unreadable(std::string message) {
  return make_error("token_unreadable", std::move(message), "token");
}

}  // namespace

Result<TokenCipher> TokenCipher::from_hex(std::string_view key_hex) {
  TokenCipher cipher;
  if (key_hex.size() != 2 * cipher.key_.size()) {
    return make_error("invalid_token_key", "the token key must be 64 hex digits", "token_key");
  }
  for (std::size_t i = 0; i < cipher.key_.size(); ++i) {
    const int high = hex_digit(key_hex[2 * i]);
    const int low = hex_digit(key_hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      return make_error("invalid_token_key", "the token key must be 64 hex digits", "token_key");
    }
    cipher.key_[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return cipher;
}

TokenCipher::~TokenCipher() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string TokenCipher::seal(std::string_view plaintext, std::string_view associated) const {
  std::string sealed(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  if (RAND_bytes(out, static_cast<int>(kNonceBytes)) != 1) return "";
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int length = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), out) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out + kNonceBytes, &length, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + kNonceBytes + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          out + kNonceBytes + plaintext.size()) != 1) {
    return "";
  }
  return std::string(kVersion) + base64url_encode(sealed);
}

Result<std::string> TokenCipher::open(std::string_view sealed, std::string_view associated) const {
  if (sealed.size() > kMaxSealedChars || sealed.substr(0, kVersion.size()) != kVersion) {
    return unreadable("not a sealed token (v1)");
  }
  auto decoded = base64url_decode(sealed.substr(kVersion.size()));
  if (!decoded) return unreadable("not a sealed token (v1)");
  const std::string& raw = decoded.value();
  if (raw.size() < kNonceBytes + kTagBytes) return unreadable("the sealed token is cut short");

  const std::size_t text_bytes = raw.size() - kNonceBytes - kTagBytes;
  const auto* nonce = bytes(raw);
  const auto* ciphertext = nonce + kNonceBytes;
  // EVP's tag setter takes a non-const pointer; it only reads from it.
  std::string tag = raw.substr(kNonceBytes + text_bytes);
  std::string plaintext(text_bytes, '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int length = 0;
  const bool opened =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes(associated),
                        static_cast<int>(associated.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &length,
                        ciphertext, static_cast<int>(text_bytes)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + length,
                          &length) == 1;
  if (!opened) {
    // Whatever was decrypted before the tag failed is not to be trusted, nor left behind.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return unreadable("the sealed token does not open with this key for this shop");
  }
  return plaintext;
}

}  // namespace tiercart::server
