// The outbox: every write the server decides to make in a shop (a flagged order's tags, an
// address a customer changed, an offer a customer added, a program to publish) is a row
// stored in the same transaction as the decision (store.h, OutboxWrite), and this worker
// delivers those rows through the Admin GraphQL client (admin_api.h).
//
// - At least once: a row is leased before it is sent and settled after; a process killed in
//   between leaves the lease to lapse, and the row is sent again by whichever process claims
//   it next. Every delivery is written so that applying it twice changes nothing
//   (outbox_writes.cpp says how, kind by kind), so "at least once" is "once in effect".
// - In order per shop: a shop's oldest pending write holds back its later ones.
// - Shopify unreachable, throttled or failing: the write stays pending, tried again with
//   backoff (1 s doubling, at most 10 minutes), for as long as it takes. A refusal that
//   another try cannot change (a userError, a 403) marks it failed: the admin page shows it
//   and the merchant can send it again.
// - A shop without an access token (not installed yet, uninstalled, a refresh failing):
//   its writes wait, paused, without counting tries.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "admin_api.h"
#include "store.h"

namespace tiercart::server {

struct OutboxOptions {
  int64_t lease_ms = 60000;  // longer than one delivery can take (AdminApi's wait budget)
  int64_t poll_ms = 1000;    // how often writes stored by other processes are looked for
  int64_t pause_ms = 30000;  // how long a shop without a token waits before the next look
  int batch = 16;            // writes claimed at once (each of a different shop)
  // A delivered write is kept this long (the admin page lists it), then deleted, a batch an
  // hour: the table does not grow with every order for ever.
  int64_t keep_done_ms = int64_t{30} * 24 * 60 * 60 * 1000;
  int64_t prune_every_ms = 60 * 60 * 1000;
};

struct OutboxCounters {
  std::atomic<uint64_t> delivered{0}, retried{0}, failed{0}, paused{0};
};

class Outbox {
 public:
  // The shop's access token, or an error (not_installed, ...): Install::access_token.
  using TokenSource = std::function<Result<std::string>(const std::string& shop)>;

  Outbox(Store& store, AdminApi& api, TokenSource token, OutboxOptions options);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  void start();  // the delivery thread
  void stop();   // ends the thread; a write in flight is settled or left to its lease
  void wake();   // a write was stored: look now rather than at the next poll

  // One pass: claims the writes due at `now` (Unix ms) and delivers them; how many were
  // claimed. The thread calls it; tests call it directly.
  int deliver_due(int64_t now);

  // Deletes writes done more than keep_done_ms before `now`, in batches; how many.
  int64_t prune(int64_t now);

  // Delay before the next try of a write tried `attempts` times: 1 s doubling, at most 10 min.
  static int64_t retry_delay_ms(int64_t attempts);

  const OutboxCounters& counters() const { return counters_; }
  const std::string& owner() const { return owner_; }

 private:
  void run();
  void deliver(const OutboxRow& row, int64_t now);

  Store& store_;
  AdminApi& api_;
  TokenSource token_;
  OutboxOptions options_;
  std::string owner_;  // names this process's leases
  OutboxCounters counters_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

// Delivers one write of `kind` with its payload (outbox_writes.cpp); Ok when Shopify holds
// the change, including when an earlier delivery already made it. Error code unknown_write
// for a kind this server does not know (a newer server stored it), and AdminApi's errors.
Result<bool> deliver_write(AdminApi& api, const std::string& shop, const std::string& token,
                           const std::string& kind, const std::string& payload);

// The writes, as rows the store keeps: `key` makes a second decision of the same change the
// same row.
OutboxWrite tags_write(const std::string& shop, int64_t order_id,
                       const std::vector<std::string>& tags);
// A customer's new shipping address (the core's normalised address document), applied with
// orderUpdate.
OutboxWrite address_write(const std::string& shop, int64_t order_id,
                          const std::string& address_json, int64_t decided_at);
// An offer the customer added on the order status page: `quantity` units of `variant_id`,
// applied with the order-editing mutations unless the order already holds
// `expected_units` of it.
// `offer_json` is the offer as the core wrote it (to_json(PostPurchaseOffer)): its discount,
// when it has one, is applied to the added line, so the order charges the price the customer
// was shown.
OutboxWrite add_item_write(const std::string& shop, int64_t order_id, const std::string& offer_json,
                           int64_t expected_units);

}  // namespace tiercart::server
