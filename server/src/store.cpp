// What both backends share: choosing one from the database URL, and the order-id lists they
// keep as JSON text.
#include "store.h"

#include <cstdlib>

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

Result<std::unique_ptr<Store>> open_store(const std::string& url) {
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return open_postgres(url);
  }
  if (url.rfind("sqlite:", 0) == 0) return open_sqlite(url.substr(7));
  if (url.empty()) return make_error("invalid_config", "no database given");
  return open_sqlite(url);
}

}  // namespace tiercart::server
