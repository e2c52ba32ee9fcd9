#include "config.h"

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace tiercart::server {

const char* const kConfigUsage =
    "usage: tiercart-server [--host H] [--port P] [--database URL] [--threads N]\n"
    "                       [--io-threads N] [--max-batch N] [--header-timeout-ms MS]\n"
    "                       [--read-timeout-ms MS] [--write-timeout-ms MS]\n"
    "                       [--keep-alive-timeout-ms MS] [--max-connections N]\n"
    "                       [--max-connections-per-address N (0: no bound)]\n"
    "                       [--proxy-max-age-s S] [--app-secret S] [--admin-token T]\n"
    "                       [--api-key K] [--shopify-origin URL] [--app-url URL]\n"
    "                       [--scopes A,B] [--app-bridge-url URL] [--admin-assets DIR]\n"
    "                       [--api-version YYYY-MM] [--outbox-lease-ms MS]\n"
    "                       [--admin-api-timeout-ms MS] [--app-handle H]\n"
    "                       [--theme-locales DIR] [--theme-locale L] [--theme-poll-ms MS]\n"
    "                       [--theme-sync-interval-ms MS] [--legacy-shop SHOP]\n"
    "Environment: TIERCART_APP_SECRET (required), TIERCART_ADMIN_TOKEN, TIERCART_API_KEY,\n"
    "TIERCART_TOKEN_KEY (64 hex digits: encrypts Shopify tokens at rest), TIERCART_APP_URL,\n"
    "TIERCART_SHOPIFY_ORIGIN, TIERCART_LEGACY_SHOP, TIERCART_DATABASE_URL "
    "(sqlite:PATH or postgres://...; default sqlite:tiercart.db), TIERCART_PORT, TIERCART_HOST.\n"
    "Prefer the environment for secrets: flags are visible to every user in `ps`.\n";

namespace {

bool parse_int(std::string_view text, long min, long max, long& out) {
  if (text.empty() || text.size() > 18) return false;
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return false;
  out = value;
  return true;
}

}  // namespace

Result<Config> parse_config(int argc, char** argv, bool& help) {
  Config config;
  help = false;
  auto env = [](const char* name) -> const char* {
    const char* value = std::getenv(name);
    return value && *value ? value : nullptr;
  };
  if (const char* v = env("TIERCART_APP_SECRET")) config.app_secret = v;
  if (const char* v = env("TIERCART_ADMIN_TOKEN")) config.admin_token = v;
  if (const char* v = env("TIERCART_DATABASE_URL")) config.database = v;
  if (const char* v = env("TIERCART_API_KEY")) config.api_key = v;
  if (const char* v = env("TIERCART_HOST")) config.host = v;
  if (const char* v = env("TIERCART_TOKEN_KEY")) config.token_key = v;
  if (const char* v = env("TIERCART_APP_URL")) config.app_url = v;
  if (const char* v = env("TIERCART_SHOPIFY_ORIGIN")) config.shopify_origin = v;
  if (const char* v = env("TIERCART_LEGACY_SHOP")) config.legacy_shop = v;
  if (const char* v = env("TIERCART_PORT")) {
    long port;
    if (!parse_int(v, 0, 65535, port))
      return make_error("invalid_config", "TIERCART_PORT: not a port");
    config.port = static_cast<int>(port);
  }
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      help = true;
      return config;
    }
    if (i + 1 >= argc) return make_error("invalid_config", std::string(flag) + " needs a value");
    const std::string value = argv[++i];
    long number = 0;
    auto number_in = [&](long min, long max) {
      if (!parse_int(value, min, max, number)) return false;
      return true;
    };
    if (flag == "--host") {
      config.host = value;
    } else if (flag == "--port" && number_in(0, 65535)) {
      config.port = static_cast<int>(number);
    } else if (flag == "--database") {
      config.database = value;
    } else if (flag == "--app-secret") {
      config.app_secret = value;
    } else if (flag == "--admin-token") {
      config.admin_token = value;
    } else if (flag == "--api-key") {
      config.api_key = value;
    } else if (flag == "--shopify-origin") {
      config.shopify_origin = value;
    } else if (flag == "--app-url") {
      config.app_url = value;
    } else if (flag == "--scopes") {
      config.scopes = value;
    } else if (flag == "--api-version") {
      if (value.size() != 7 || value[4] != '-' ||
          value.find_first_not_of("0123456789-") != std::string::npos) {
        return make_error("invalid_config", "--api-version: YYYY-MM, as 2026-10");
      }
      config.api_version = value;
    } else if (flag == "--outbox-lease-ms" && number_in(100, 3600000)) {
      config.outbox_lease_ms = static_cast<int>(number);
    } else if (flag == "--admin-api-timeout-ms" && number_in(50, 600000)) {
      config.admin_api_timeout_ms = static_cast<int>(number);
    } else if (flag == "--app-handle") {
      config.app_handle = value;
    } else if (flag == "--theme-locales") {
      config.theme_locales = value;
    } else if (flag == "--theme-locale") {
      config.theme_locale = value;
    } else if (flag == "--theme-poll-ms" && number_in(100, 86400000)) {
      config.theme_poll_ms = number;
    } else if (flag == "--theme-sync-interval-ms" && number_in(100, 3600000)) {
      config.theme_sync_interval_ms = number;
    } else if (flag == "--app-bridge-url") {
      config.app_bridge_url = value;
    } else if (flag == "--admin-assets") {
      config.admin_assets = value;
    } else if (flag == "--legacy-shop") {
      config.legacy_shop = value;
    } else if (flag == "--threads" && number_in(1, 4096)) {
      config.threads = static_cast<int>(number);
    } else if (flag == "--io-threads" && number_in(1, 64)) {
      config.io_threads = static_cast<int>(number);
    } else if (flag == "--header-timeout-ms" && number_in(1, 600000)) {
      config.header_timeout_ms = static_cast<int>(number);
    } else if (flag == "--keep-alive-timeout-ms" && number_in(1, 600000)) {
      config.keep_alive_timeout_ms = static_cast<int>(number);
    } else if (flag == "--max-connections" && number_in(1, 1000000)) {
      config.max_connections = static_cast<std::size_t>(number);
    } else if (flag == "--max-connections-per-address" && number_in(0, 1000000)) {
      config.max_connections_per_address = static_cast<std::size_t>(number);
    } else if (flag == "--max-batch" && number_in(1, 5000)) {
      config.max_batch = static_cast<std::size_t>(number);
    } else if (flag == "--read-timeout-ms" && number_in(1, 600000)) {
      config.read_timeout_ms = static_cast<int>(number);
    } else if (flag == "--write-timeout-ms" && number_in(1, 600000)) {
      config.write_timeout_ms = static_cast<int>(number);
    } else if (flag == "--proxy-max-age-s" && number_in(1, 86400)) {
      config.proxy_max_age_s = static_cast<int>(number);
    } else {
      return make_error("invalid_config",
                        "unknown flag or bad value: " + std::string(flag) + " " + value);
    }
  }
  if (config.app_secret.empty()) {
    return make_error("invalid_config",
                      "no app secret: set TIERCART_APP_SECRET (every webhook would be refused)");
  }
  if (!config.token_key.empty() &&
      (config.token_key.size() != 64 ||
       config.token_key.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)) {
    return make_error("invalid_config", "TIERCART_TOKEN_KEY must be 64 hex digits (256 bits)");
  }
  return config;
}

}  // namespace tiercart::server
