// The merchant's embedded admin page: the HTML shell Shopify's admin frames (GET /app) and
// the page's built assets (GET /app/assets/<name>, web/admin bundled by make build-admin). The
// page itself reads the admin API with App Bridge session tokens; these routes serve only
// static bytes, so they need no token (the first load's ?id_token= is never read here).
#pragma once

#include <string>
#include <string_view>

#include "config.h"
#include "http.h"

namespace tiercart::server {

// Reads the assets from config.admin_assets once, now. Without that directory both routes
// answer 404; a listed asset missing from it is reported on stderr and answered 404.
void add_admin_page_routes(http::Router& router, const Config& config);

// The page's Content-Security-Policy for a `shop` query parameter as sent: framed only by
// that shop's admin (https://{shop} and https://admin.shopify.com, plus the origin of
// config.shopify_origin when that is not https://{shop}, as in the demo); `frame-ancestors
// 'none'` when `shop` is not a shop hostname.
std::string admin_page_policy(const Config& config, std::string_view shop);

// `text` safe inside an HTML element or a quoted attribute value.
std::string html_escape(std::string_view text);

}  // namespace tiercart::server
