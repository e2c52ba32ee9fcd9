// What both backends share: choosing one from the database URL, and the order-id lists they
// keep as JSON text.
#include "store.h"

#include <cstdlib>

#include "responses.h"

namespace tiercart::server {

std::string ids_to_text(const std::vector<int64_t>& ids) {
  std::string text = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) text += ',';
    text += std::to_string(ids[i]);
  }
  return text + "]";
}

std::vector<int64_t> ids_from_text(const std::string& text) {
  // Only ever reads what ids_to_text wrote: integers between brackets and commas.
  std::vector<int64_t> ids;
  const char* p = text.c_str();
  while (*p) {
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
      char* end = nullptr;
      ids.push_back(std::strtoll(p, &end, 10));
      p = end;
    } else {
      ++p;
    }
  }
  return ids;
}

Result<std::string> legacy_owner(const OpenOptions& options,
                                 const std::vector<std::string>& verdict_shops,
                                 int64_t unowned_rows) {
  if (!options.legacy_shop.empty()) {
    // The name is written into the migration's SQL: only a shop hostname passes.
    auto shop = shop_hostname(options.legacy_shop);
    if (!shop) {
      return make_error("invalid_config", "--legacy-shop must be a shop's myshopify.com hostname",
                        "legacy_shop");
    }
    return *shop;
  }
  if (unowned_rows == 0) return std::string();
  if (verdict_shops.size() == 1) {
    if (auto shop = shop_hostname(verdict_shops.front())) return *shop;
  }
  return make_error("migration_needs_shop",
                    "this database holds programs or settings of a single-shop server and " +
                        std::string(verdict_shops.empty() ? "no verdict names its shop"
                                                          : "its verdicts name several shops") +
                        ": start once with --legacy-shop SHOP.myshopify.com (TIERCART_LEGACY_SHOP)",
                    "legacy_shop");
}

Result<std::unique_ptr<Store>> open_store(const std::string& url, const OpenOptions& options) {
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return open_postgres(url, options);
  }
  if (url.rfind("sqlite:", 0) == 0) return open_sqlite(url.substr(7), options);
  if (url.empty()) return make_error("invalid_config", "no database given");
  return open_sqlite(url, options);
}

}  // namespace tiercart::server
