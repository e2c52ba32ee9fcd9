#include "admin_page.h"

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "responses.h"
#include "signature.h"

namespace tiercart::server {

using http::Request;
using http::Response;

namespace {

// The files make build-admin writes, and nothing else: a name never reaches the file system.
struct AssetName {
  const char* name;
  const char* type;
};
constexpr AssetName kAssets[] = {
    {"tiercart-admin.js", "text/javascript; charset=utf-8"},
    {"tiercart-admin.css", "text/css; charset=utf-8"},
};

struct Asset {
  std::string body;
  std::string type;
  std::string version;  // a fingerprint of the body: the shell's URLs change when it does
};

using Assets = std::map<std::string, Asset, std::less<>>;

std::string fingerprint(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  return hex(std::string_view(reinterpret_cast<const char*>(digest), size)).substr(0, 16);
}

Assets read_assets(const std::string& dir) {
  Assets assets;
  if (dir.empty()) return assets;
  for (const auto& [name, type] : kAssets) {
    std::ifstream file(dir + "/" + name, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "tiercart-server: admin page: %s/%s is missing (make build-admin)\n",
                   dir.c_str(), name);
      continue;
    }
    std::ostringstream bytes;
    bytes << file.rdbuf();
    Asset asset{bytes.str(), type, ""};
    asset.version = fingerprint(asset.body);
    assets.emplace(name, std::move(asset));
  }
  return assets;
}

// scheme://host[:port] of an origin template with {shop} filled in; "" when it is not an
// http(s) URL whose authority is plain host characters (it goes into a header unquoted).
std::string template_origin(const std::string& origin_template, const std::string& shop) {
  std::string url = origin_template;
  for (std::size_t at; (at = url.find("{shop}")) != std::string::npos;) url.replace(at, 6, shop);
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "";
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http") return "";
  const std::size_t host_start = scheme_end + 3;
  const std::size_t host_end = url.find_first_of("/?#", host_start);
  const std::string authority = url.substr(host_start, host_end - host_start);
  if (authority.empty() ||
      authority.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789.-:[]") != std::string::npos) {
    return "";
  }
  return scheme + "://" + authority;
}

std::string asset_url(const Assets& assets, const char* name) {
  const auto found = assets.find(name);
  std::string url = std::string("/app/assets/") + name;
  if (found != assets.end()) url += "?v=" + found->second.version;
  return url;
}

// App Bridge must be the first script, loaded synchronously: it defines `shopify` before the
// page's module runs, and Shopify's review checks for it.
std::string shell(const Config& config, const Assets& assets, const std::string& shop) {
  std::string html;
  html.reserve(1024);
  html +=
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"shopify-api-key\" content=\"";
  html += html_escape(config.api_key);
  html += "\">\n<script src=\"";
  html += html_escape(config.app_bridge_url);
  html += "\"></script>\n<title>tiercart</title>\n<link rel=\"stylesheet\" href=\"";
  html += html_escape(asset_url(assets, "tiercart-admin.css"));
  html += "\">\n<script type=\"module\" src=\"";
  html += html_escape(asset_url(assets, "tiercart-admin.js"));
  html += "\"></script>\n</head>\n<body>\n<tiercart-admin-page data-shop=\"";
  html += html_escape(shop);
  html += "\"></tiercart-admin-page>\n</body>\n</html>\n";
  return html;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string admin_page_policy(const Config& config, std::string_view shop_parameter) {
  const auto shop = shop_hostname(shop_parameter);
  if (!shop) return "frame-ancestors 'none'";
  const std::string own = "https://" + *shop;
  std::string policy = "frame-ancestors " + own + " https://admin.shopify.com";
  const std::string configured = template_origin(config.shopify_origin, *shop);
  if (!configured.empty() && configured != own) policy += " " + configured;
  return policy;
}

void add_admin_page_routes(http::Router& router, const Config& config) {
  if (config.admin_assets.empty()) return;  // no routes: the layer answers 404
  auto assets = std::make_shared<const Assets>(read_assets(config.admin_assets));
  router.add("GET", "/app", [assets, config](const Request& req, Response& res) {
    const auto shop = shop_hostname(req.get_param_value("shop"));
    res.set_header("Content-Security-Policy",
                   admin_page_policy(config, req.get_param_value("shop")));
    // The URL carries a session token on the first load: it must not reach other origins.
    res.set_header("Referrer-Policy", "same-origin");
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(shell(config, *assets, shop.value_or("")), "text/html; charset=utf-8");
  });
  router.add("GET", R"(/app/assets/([A-Za-z0-9._-]{1,64}))",
             [assets](const Request& req, Response& res) {
               const auto found = assets->find(req.matches[1]);
               if (found == assets->end()) {
                 return send_error(res, 404, "not_found", "no such asset");
               }
               const Asset& asset = found->second;
               // The shell names each asset with its fingerprint: that URL never changes
               // content. Any other URL of it may, after a deploy.
               res.set_header("Cache-Control", req.get_param_value("v") == asset.version
                                                   ? "public, max-age=31536000, immutable"
                                                   : "no-cache");
               res.set_header("X-Content-Type-Options", "nosniff");
               res.set_content(asset.body, asset.type);
             });
}

}  // namespace tiercart::server
