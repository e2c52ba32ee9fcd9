// What the merchant set in the theme editor becomes what checkout enforces (docs/server.md,
// "From the theme editor to checkout").
//
// A sync of a shop reads its main theme's config/settings_data.json through the Admin API,
// resolves the gift products' handles, converts the tiercart embeds' settings with the core's
// theme_program() (the same function the theme editor's preview runs in wasm) and, when the
// checkout program's content changed, stores a new version of the "theme-settings" program,
// makes it the live one and publishes it. Publishing is two writes, handed to the outbox in
// the transaction that activates the version and delivered in this order:
// - metafields: the checkout program (no texts) on the automatic app discount and on the
//   validation, which the sync creates once per shop (the Functions read them: SHOPIFY.md
//   section 12), and the storefront program (with texts) on the app's installation, which
//   the blocks read;
// - the storefront's facts on the app's installation (tiercart.context): the gifts' product
//   handles and the products of the collections the bars name, which only the Admin API
//   knows; the delivery reads them (outbox_writes.cpp).
// A program the merchant activates in the app's admin is published the same way; whichever
// the merchant changed last is live.
//
// A settings file that is not JSON, has no tiercart embed or only settings the core refuses
// leaves the last good program live; the reason is kept for the admin page. A text edited
// alone (same rewards) publishes the storefront program again under the same version, so
// that shoppers' gift lines, which name the version, stay valid.
//
// Syncs run on a background thread: at install, when the merchant opens the app, every
// poll interval for every installed shop, and when a storefront reports settings the server
// has not published (rate-limited per shop).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "admin_api.h"
#include "config.h"
#include "outbox.h"
#include "store.h"

namespace tiercart::server {

// What one sync found and did.
struct SyncReport {
  bool published = false;  // a new version (or new texts) was handed to the outbox
  std::string program_id;  // the live program after the sync
  int64_t version = 0;
  std::string error;    // "code: message" when the theme's settings could not be used
  std::string notices;  // JSON array of the core's notices (settings left out)
};

class ThemeSync {
 public:
  using TokenSource = std::function<Result<std::string>(const std::string& shop)>;

  static constexpr const char* kProgramId = "theme-settings";

  ThemeSync(const Config& config, Store& store, AdminApi& api, Outbox& outbox, TokenSource token);
  ~ThemeSync();
  ThemeSync(const ThemeSync&) = delete;
  ThemeSync& operator=(const ThemeSync&) = delete;

  void start();
  void stop();

  // Queues a sync of `shop`. Within config.theme_sync_interval_ms of the last one (and not
  // `force`: the poll, install and activation), the sync
  // is deferred to the end of that interval rather than dropped, so that a storefront's report
  // is never lost; many reports make one sync. False when one is already queued or deferred.
  bool request(const std::string& shop, bool force = false);
  // Syncs `shop` now, on the caller's thread (the background thread, and tests).
  Result<SyncReport> sync(const std::string& shop);
  // The merchant activated `program` in the app's admin: it becomes live, and is published
  // in the activation's transaction when the shop's discount and validation exist (else by
  // the next sync, which creates them). False when the version is not stored.
  Result<bool> activate(const std::string& shop, const ProgramRecord& program);
  // The shop's time zone is now `zone` (the shop/update webhook's iana_timezone): the live
  // program is published again, its schedule moments in the new zone. False when the zone is
  // the one already known (shop/update comes for any change of the shop's settings), or when
  // the shop's Functions do not exist yet (their first sync reads the zone).
  Result<bool> time_zone_changed(const std::string& shop, const std::string& zone);
  // Blocks until no sync is queued or running (tests).
  void drain();

  // The writes that publish `program` (its document as stored) to a shop whose Function
  // owners are `ids` ({"installation", "timezone", "discount", "validation"}): metafields_set, then
  // storefront_facts, carrying `theme_checkout` (the digest of the theme settings last read,
  // for the storefront's check; empty: none). Error checkout_too_large when the checkout
  // program is over the 10,000 bytes a Function reads.
  static Result<std::vector<OutboxWrite>> publication(const std::string& shop, const Json& ids,
                                                      const ProgramRecord& program,
                                                      const std::string& theme_checkout = "");

 private:
  void run();
  // The shop's app installation, discount and validation ids, created when missing.
  Result<Json> function_owners(const std::string& shop, const std::string& token);
  Result<std::optional<ProgramRecord>> publish_live_program(const std::string& shop,
                                                            const Json& ids,
                                                            const std::string& theme_checkout,
                                                            const char* kind);
  Result<bool> publish_live(const std::string& shop, const Json& ids,
                            const std::string& theme_checkout);
  Result<bool> publish_facts(const std::string& shop, const Json& ids,
                             const std::string& theme_checkout);
  Result<bool> activate_with(const std::string& shop, const ProgramRecord& program,
                             const std::string& theme_checkout);

  const Config& config_;
  Store& store_;
  AdminApi& api_;
  Outbox& outbox_;
  TokenSource token_;
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::string> queue_;
  std::set<std::string> queued_;
  std::map<std::string, int64_t> requested_at_;  // steady ms of the last request honoured
  std::map<std::string, int64_t> deferred_;      // shop -> steady ms its deferred sync is due
  uint64_t deferrals_ = 0;                       // counts deferrals: wakes the worker
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace tiercart::server
