// The server's settings, from flags first and then the environment. Secrets (app secret,
// admin token, database URL with its password) are read from the environment in
// production: flags show up in `ps`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tiercart/result.h"

namespace tiercart::server {

struct Config {
  std::string host = "127.0.0.1";  // loopback unless told otherwise: a proxy faces the world
  int port = 8080;                 // 0: any free port (printed on start)
  std::string database = "sqlite:tiercart.db";
  std::string app_secret;   // required: signs webhooks and app proxy requests
  std::string admin_token;  // empty: the admin API answers 403
  std::string api_key;      // the app's API key (client id): `aud` of session tokens, `iss` of
                            // post-purchase changesets; empty: sessions and changesets off
  // Encrypts access and refresh tokens at rest (AES-256-GCM): 64 hex digits. Empty: the server
  // cannot install on any shop (it never stores a token in the clear).
  std::string token_key;
  // Where a shop's admin is, with {shop} standing for its hostname: https://{shop} in
  // production; the demo and the tests give http://127.0.0.1:PORT/store/{shop}.
  std::string shopify_origin = "https://{shop}";
  // The app's public URL: the authorization code grant's redirect_uri is app_url/auth/callback.
  std::string app_url;
  std::string scopes =
      "read_orders,write_orders,write_order_edits,read_products,read_themes,write_discounts,"
      "write_validations";
  // The Admin GraphQL API version every call names (admin_api.h): one a quarter, each kept
  // at least 12 months (SHOPIFY.md section 9).
  std::string api_version = "2026-10";
  // How long a claimed outbox write stays leased to this process: longer than a delivery
  // can take. A process killed mid-delivery leaves its writes to others after this.
  int outbox_lease_ms = 60000;
  int admin_api_timeout_ms = 10000;
  // The theme app extension's handle in block types (shopify://apps/<handle>/blocks/...), and
  // where its locale files are: the default texts of a program made from theme settings.
  std::string app_handle = "tiercart";
  std::string theme_locales = "theme-extension/locales";
  std::string theme_locale = "en";
  // How often every installed shop's theme settings are read again (theme_sync.h).
  int64_t theme_poll_ms = 5 * 60 * 1000;
  // A shop's theme is read at most once in this interval on request (storefront reports, the
  // merchant opening the app); a request within it is deferred to its end (theme_sync.h).
  int64_t theme_sync_interval_ms = 10000;
  // The embedded admin page loads App Bridge from here (the demo serves a stand-in).
  std::string app_bridge_url = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
  // The embedded admin page's built assets (make build-admin); empty: the page answers 404.
  std::string admin_assets;
  // A database written by the single-shop server holds programs and the context without a
  // shop: the migration gives them to this shop (docs/server.md, "Migrating to many shops").
  std::string legacy_shop;
  // Handler threads: a webhook's handler waits for its group commit, so the pool is sized for
  // the requests handled at once, not for the cores. Connections hold no thread.
  int threads = 128;
  int io_threads = 2;  // the event loops that read and write every connection
  std::size_t max_batch = 512;
  // A request's head must arrive within this of its first byte (or of the connection), and
  // its body within read_timeout_ms of the head: a client that trickles is cut off (Shopify
  // itself gives up after 5 s).
  int header_timeout_ms = 5000;
  int read_timeout_ms = 5000;
  int write_timeout_ms = 5000;
  int keep_alive_timeout_ms = 5000;  // an idle kept-alive connection is closed after this
  std::size_t max_connections = 10000;
  // Connections from one client address; 0 lifts the bound, for a server behind a proxy
  // whose connections all come from one address.
  std::size_t max_connections_per_address = 256;
  std::size_t max_body_bytes = 4 * 1024 * 1024;  // webhooks: the core's document limit
  std::size_t max_admin_body_bytes = 1024 * 1024;
  // An orders export uploaded for a what-if (POST /admin/what-if): about 200,000 line items.
  std::size_t max_what_if_bytes = 64 * 1024 * 1024;
  std::size_t max_proxy_body_bytes = 256 * 1024;  // a cart.js document
  // An app proxy URL signed longer ago than this (or this far in the future: clocks drift)
  // is refused, so a signed URL that leaked into a log or a referrer cannot be replayed.
  int proxy_max_age_s = 300;
};

// `--name value` flags; TIERCART_APP_SECRET, TIERCART_ADMIN_TOKEN, TIERCART_DATABASE_URL,
// TIERCART_PORT, TIERCART_HOST from the environment. `help` is set for --help.
Result<Config> parse_config(int argc, char** argv, bool& help);

extern const char* const kConfigUsage;

}  // namespace tiercart::server
