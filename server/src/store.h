// Durable storage of verdicts, program versions, each shop's context and install state. Two
// backends with one contract: SQLite (embedded, the default) and PostgreSQL (a postgres://
// URL). The same storage tests (tests/server/storage_test.cpp) run against both.
//
// Every row belongs to a shop, and every call that reads or changes rows names the shop:
// no call can reach another shop's rows (docs/server.md, "Many shops").
//
// A Store is safe to call from several threads (each instance serialises its calls on one
// connection). The server opens two: one owned by the group-commit writer, one for the rest,
// so that reads never wait behind a batch being fsync'ed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tiercart/result.h"

namespace tiercart::server {

// A write to Shopify the server decided on (docs/server.md, "Writes to Shopify"): stored in
// the same transaction as the decision, then delivered by the outbox (outbox.h) at least
// once. A second write with the same (shop, key) is the same write and is not stored again.
struct OutboxWrite {
  std::string shop;
  std::string kind;     // what delivers it: "tags_add", "order_update", "order_edit", ...
  std::string key;      // unique per shop: "tags:<order id>", ...
  std::string payload;  // JSON the delivery reads
};

// A stored write and how its delivery goes. A shop's writes are delivered in the order they
// were stored: its oldest pending write holds back the others until it is done or failed.
struct OutboxRow {
  int64_t id = 0;  // the order of storage
  OutboxWrite write;
  std::string state = "pending";  // "pending" | "done" | "failed" (will not be retried)
  int64_t attempts = 0;           // deliveries tried that reached Shopify or failed on the way
  int64_t created_at = 0;         // Unix milliseconds
  int64_t next_attempt_at = 0;    // Unix milliseconds
  int64_t updated_at = 0;
  std::string last_error;  // "code: message" of the last failed try
};

// The outbox at a glance, for /metrics and the admin page.
struct OutboxState {
  int64_t pending = 0;
  int64_t failed = 0;
  int64_t done = 0;
  int64_t oldest_pending_at = 0;  // created_at of the oldest pending write; 0: none pending
  std::string last_error;         // of the most recently tried write that failed, if any
};

// What the server decided for one orders/create delivery.
struct VerdictRecord {
  std::string webhook_id;  // X-Shopify-Webhook-Id: the de-duplication key (unique)
  std::string shop;        // X-Shopify-Shop-Domain
  int64_t order_id = 0;
  bool earned = true;
  std::string verdict;      // the order's verdict document (JSON)
  std::string tags;         // JSON array of the order tags to apply
  int64_t received_at = 0;  // Unix milliseconds
  // The order's `customer.id`: who may edit the order (docs/server.md, "Order edits").
  // Empty for a guest checkout, and for rows stored before the column existed.
  std::optional<int64_t> customer_id;
  // What the order holds, as the core read it (order_lines_json: ids, quantities, amounts,
  // its currency; no personal data): the order status page's offers are chosen from it, never
  // from lines a browser sends. Kept for orders with a customer; empty for a guest's, and for
  // rows stored before the column existed.
  std::string order_lines;
  // Writes to Shopify the verdict causes (a flagged order's tags): stored with the verdict,
  // in its transaction, and only when the verdict is new. Not read back.
  std::vector<OutboxWrite> writes;
  // The order's figures for the merchant's report (tiercart/insight.h, OrderFigures as JSON)
  // and their day ("YYYY-MM-DD", the shop's): stored in the verdict's transaction, once per
  // (shop, order): the first verdict of an order gives its figures. Empty: none. Not read back.
  std::string figures;
  std::string figures_day;
};

// A refund or a cancellation the figures follow (insight.h, OrderAdjustment), stored once per
// (shop, key).
struct AdjustmentRecord {
  std::string shop;
  std::string key;  // "refund:<refund id>" | "cancel:<order id>"
  int64_t order_id = 0;
  int64_t refunded = 0;  // minor units of the shop currency
  bool cancelled = false;
  int64_t received_at = 0;  // Unix milliseconds
};

// Migration 4, for both backends: the merchant's figures of each judged order, and the refunds
// and cancellations that change them (VerdictRecord::figures, AdjustmentRecord).
inline constexpr const char* kFiguresMigration = R"sql(
CREATE TABLE order_figures (
  shop     TEXT NOT NULL,
  order_id BIGINT NOT NULL,
  day      TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (shop, order_id)
);
CREATE INDEX order_figures_by_day ON order_figures (shop, day);
CREATE TABLE order_adjustments (
  shop        TEXT NOT NULL,
  key         TEXT NOT NULL,
  order_id    BIGINT NOT NULL,
  refunded    BIGINT NOT NULL,
  cancelled   INTEGER NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (shop, key)
);
CREATE INDEX order_adjustments_by_order ON order_adjustments (shop, order_id);
)sql";

// Both backends: $1 shop.
inline constexpr const char* kActivePrograms =
    "SELECT id, version FROM programs WHERE shop = $1 AND active = 1 ORDER BY id";

// The report's input for both backends: $1 shop, $2 first day, $3 last day. (SQLite numbers
// $N parameters in order of first appearance, which this text keeps.)
inline constexpr const char* kListFigures =
    "SELECT f.document, COALESCE(a.refunded, 0), COALESCE(a.cancelled, 0) "
    "FROM order_figures f LEFT JOIN (SELECT order_id, SUM(refunded) AS refunded, "
    "MAX(cancelled) AS cancelled FROM order_adjustments WHERE shop = $1 GROUP BY order_id) a "
    "ON a.order_id = f.order_id WHERE f.shop = $1 AND f.day >= $2 AND f.day <= $3 "
    "ORDER BY f.day, f.order_id";

// One order's stored figures with what happened to it since: the report's input.
struct FiguresRecord {
  std::string document;  // OrderFigures as JSON
  int64_t refunded = 0;  // the sum of its refunds
  bool cancelled = false;
};

struct StoredVerdict {
  VerdictRecord record;    // what the store holds for this webhook id
  bool duplicate = false;  // the webhook id was stored before this batch or earlier in it
};

struct VerdictQuery {
  std::string shop;
  bool flagged_only = false;
  int limit = 100;
};

struct ProgramRecord {
  std::string shop;
  std::string id;
  int64_t version = 0;
  std::string document;  // the program JSON as saved
  bool active = false;
  int64_t created_at = 0;  // Unix milliseconds
};

// One accepted post-purchase offer and the changeset token signed for it (docs/server.md,
// "Post-purchase"). Two unique keys make acceptance idempotent: the request key (one answer
// per incoming token) and (reference_id, offer_id) (one change per offer and purchase).
struct ChangesetRecord {
  std::string shop;
  std::string request_key;   // the incoming token's jti, or a digest of the whole token
  std::string reference_id;  // the initial purchase: the incoming token's `sub`
  std::string offer_id;
  std::string jti;         // the changeset token's own jti (unique too)
  std::string token;       // the signed changeset
  int64_t created_at = 0;  // Unix milliseconds
};

struct StoredChangeset {
  ChangesetRecord record;  // what the store holds
  bool existing = false;   // stored before: `record` is the earlier one, not the one given
};

// A self-service change to an order (address, cancel), as applied.
struct OrderEditRecord {
  std::string shop;
  int64_t order_id = 0;
  std::string edit;        // "address" | "cancel"
  std::string document;    // JSON: the normalised address, or the cancel request
  int64_t created_at = 0;  // Unix milliseconds
  // Writes to Shopify that apply the edit, stored in its transaction. Not read back.
  std::vector<OutboxWrite> writes;
};

// A customers/data_request from Shopify: the merchant must be given what the app holds on
// this customer (docs/server.md, "Customer data").
struct DataRequestRecord {
  std::string shop;
  int64_t request_id = 0;  // data_request.id
  std::optional<int64_t> customer_id;
  std::vector<int64_t> orders;  // orders_requested
  int64_t received_at = 0;      // Unix milliseconds
};

// What an erasure touched.
struct Erasure {
  int64_t verdicts = 0;     // rows changed (customers/redact) or deleted (shop/redact)
  int64_t order_edits = 0;  // rows deleted
  int64_t data_requests = 0;
};

// What the server knows of a shop's install. Tokens are sealed (token_crypt.h) before they
// reach the store: the store never holds one in the clear.
struct ShopRecord {
  std::string shop;
  // "pending": seen (a session token, a webhook) with no access token yet; "installed";
  // "uninstalled": app/uninstalled arrived, the tokens are gone.
  std::string state = "pending";
  std::string access_token;   // sealed; empty: none
  std::string refresh_token;  // sealed; empty: none (a non-expiring token)
  std::string scope;
  int64_t access_expires_at = 0;   // Unix milliseconds; 0: does not expire
  int64_t refresh_expires_at = 0;  // Unix milliseconds; 0: unknown or none
  int64_t installed_at = 0;
  int64_t updated_at = 0;
  std::string last_error;  // why the last token exchange or refresh failed (a code, no secret)
};

// Ok is Result<bool>'s value when there is nothing else to say.
using Status = Result<bool>;

class Store {
 public:
  virtual ~Store() = default;
  virtual const char* backend() const = 0;  // "sqlite" | "postgres"

  // In ONE transaction: inserts each record whose webhook id is not stored yet and reads
  // back what is stored for the others. When this returns, the new records are durable.
  virtual Result<std::vector<StoredVerdict>> record_verdicts(
      const std::vector<VerdictRecord>& batch) = 0;
  virtual Result<std::optional<VerdictRecord>> find_verdict(const std::string& shop,
                                                            const std::string& webhook_id) = 0;
  // The shop's verdicts: flagged (not earned) first, then newest first.
  virtual Result<std::vector<VerdictRecord>> list_verdicts(const VerdictQuery& query) = 0;
  virtual Result<int64_t> count_verdicts(const std::string& shop, bool flagged_only) = 0;

  // Refunds and cancellations: false when the key was stored before (a repeated delivery).
  virtual Result<bool> add_adjustment(const AdjustmentRecord& adjustment) = 0;
  // The figures of the shop's orders placed from `from_day` to `to_day` ("YYYY-MM-DD", both
  // included), by day, each with the sum of its adjustments.
  virtual Result<std::vector<FiguresRecord>> list_figures(const std::string& shop,
                                                          const std::string& from_day,
                                                          const std::string& to_day) = 0;

  // Program versions are immutable: false when (id, version) is already stored.
  virtual Result<bool> add_program(const ProgramRecord& program) = 0;
  virtual Result<std::optional<ProgramRecord>> find_program(const std::string& shop,
                                                            const std::string& id,
                                                            int64_t version) = 0;
  // Every version of every program of the shop (documents included), by id then version.
  virtual Result<std::vector<ProgramRecord>> list_programs(const std::string& shop) = 0;
  // The (id, version) of each active program of the shop, by id: the programs an order is
  // measured by for the merchant's figures, read without their documents.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> active_programs(
      const std::string& shop) = 0;
  // Makes `version` the one active version of `id`; false when that version is not stored.
  // `writes` (publishing it to the shop: outbox.h) are stored in the same transaction, and
  // only when the version is found.
  virtual Result<bool> activate_program(const std::string& shop, const std::string& id,
                                        int64_t version,
                                        const std::vector<OutboxWrite>& writes) = 0;
  Result<bool> activate_program(const std::string& shop, const std::string& id, int64_t version) {
    return activate_program(shop, id, version, {});
  }

  // Small named documents of a shop (its context).
  virtual Status put_setting(const std::string& shop, const std::string& key,
                             const std::string& value) = 0;
  virtual Result<std::optional<std::string>> get_setting(const std::string& shop,
                                                         const std::string& key) = 0;

  // Post-purchase: stores `changeset` unless its request key or its (reference, offer) pair
  // is stored already, in which case the stored one comes back with existing = true.
  virtual Result<StoredChangeset> record_changeset(const ChangesetRecord& changeset) = 0;
  virtual Result<int64_t> count_changesets(const std::string& shop,
                                           const std::string& reference_id) = 0;

  // Order edits, oldest first; and the first verdict stored for an order (its orders/create).
  virtual Status add_order_edit(const OrderEditRecord& edit) = 0;
  virtual Result<std::vector<OrderEditRecord>> list_order_edits(const std::string& shop,
                                                                int64_t order_id) = 0;
  virtual Result<std::optional<VerdictRecord>> find_order_verdict(const std::string& shop,
                                                                  int64_t order_id) = 0;

  // Privacy requests (Shopify's mandatory compliance webhooks), each in one transaction.
  // customers/redact: the customer's orders (by customer id) and `orders` keep their verdicts,
  // which hold only ids of orders, variants and tiers and are the merchant's record of what
  // was earned, but lose the customer id; their edits (addresses) are deleted.
  virtual Result<Erasure> erase_customer(const std::string& shop,
                                         std::optional<int64_t> customer_id,
                                         const std::vector<int64_t>& orders) = 0;
  // shop/redact: every row of the shop: verdicts, order figures and adjustments, order edits,
  // data requests, programs, settings, changesets and its install record.
  virtual Result<Erasure> erase_shop(const std::string& shop) = 0;
  // Stored once per (shop, request id); false when it was stored before.
  virtual Result<bool> add_data_request(const DataRequestRecord& request) = 0;
  // Newest first.
  virtual Result<std::vector<DataRequestRecord>> list_data_requests(const std::string& shop,
                                                                    int limit) = 0;
  // The verdicts of the customer's orders (by customer id) and of `orders`, oldest first.
  virtual Result<std::vector<VerdictRecord>> customer_verdicts(
      const std::string& shop, std::optional<int64_t> customer_id,
      const std::vector<int64_t>& orders) = 0;

  // Install state. A shop is recorded once seen (pending); tokens replace the earlier ones.
  virtual Result<std::optional<ShopRecord>> find_shop(const std::string& shop) = 0;
  // Inserts a pending record unless the shop has one; true when inserted.
  virtual Result<bool> note_shop(const std::string& shop, int64_t now) = 0;
  // Stores the shop's (sealed) tokens and marks it installed.
  virtual Status save_tokens(const ShopRecord& record) = 0;
  virtual Status set_shop_error(const std::string& shop, const std::string& error, int64_t now) = 0;
  // app/uninstalled: forgets the tokens, marks the shop uninstalled; false when it had no
  // record. Its verdicts stay until shop/redact.
  virtual Result<bool> uninstall_shop(const std::string& shop, int64_t now) = 0;
  // Shops whose access token expires before `before` and that hold a refresh token.
  virtual Result<std::vector<std::string>> shops_to_refresh(int64_t before, int limit) = 0;
  virtual Result<int64_t> count_shops(const std::string& state) = 0;
  // Shops in `state`, by hostname, at most `limit` after `after` (paging: the last one seen).
  virtual Result<std::vector<std::string>> list_shops(const std::string& state,
                                                      const std::string& after, int limit) = 0;
  // A lease serialises token work (exchange, refresh) for one shop over every server
  // process sharing the database: true when `owner` holds it until `until`. An expired
  // lease (its holder died) is taken over.
  virtual Result<bool> take_token_lease(const std::string& shop, const std::string& owner,
                                        int64_t now, int64_t until) = 0;
  virtual Status release_token_lease(const std::string& shop, const std::string& owner) = 0;

  // The authorization code grant's `state` nonces: stored when issued, consumed once.
  virtual Status add_oauth_state(const std::string& state, const std::string& shop,
                                 int64_t now) = 0;
  // True when `state` was issued for `shop` at or after `issued_after` and not used before;
  // it is deleted either way, so a second use fails.
  virtual Result<bool> consume_oauth_state(const std::string& state, const std::string& shop,
                                           int64_t issued_after) = 0;

  // The outbox (outbox.h). add_write stores one write on its own (a decision with no row of
  // its own, as a program to publish); false when its key is stored already.
  virtual Result<bool> add_write(const OutboxWrite& write, int64_t now) = 0;
  // Leases to `owner` until `lease_until` at most `limit` writes that are due: each the oldest
  // pending write of its shop, its next attempt at or before `now`, not leased by another
  // live owner. A shop without a token is paused by settling its write "pending" again.
  virtual Result<std::vector<OutboxRow>> claim_writes(const std::string& owner, int64_t now,
                                                      int64_t lease_until, int limit) = 0;
  // Ends `owner`'s lease on write `id` with its outcome: "done", "failed", or "pending" again
  // with `next_attempt_at` (a try that failed, or a pause). `attempted` counts the try.
  // False when the lease was not `owner`'s any more (it lapsed and another took it).
  virtual Result<bool> settle_write(int64_t id, const std::string& owner, const std::string& state,
                                    int64_t next_attempt_at, bool attempted,
                                    const std::string& error, int64_t now) = 0;
  // Every shop's writes when `shop` is empty.
  virtual Result<OutboxState> outbox_state(const std::string& shop) = 0;
  // The shop's writes, pending and failed first, then newest first.
  virtual Result<std::vector<OutboxRow>> list_writes(const std::string& shop, int limit) = 0;
  // A failed write of the shop is tried again (the merchant fixed its cause); false when the
  // shop has no failed write with that id.
  virtual Result<bool> retry_write(const std::string& shop, int64_t id, int64_t now) = 0;
  // Deletes at most `limit` writes done before `done_before` (Unix ms): a delivered write is
  // kept a while for the admin page and the logs, not for ever. How many were deleted.
  virtual Result<int64_t> prune_writes(int64_t done_before, int limit) = 0;

  virtual Status ping() = 0;
};

// Order ids as the stores keep them in one column or parameter: a JSON array ("[1,2]"),
// which SQLite's json_each and PostgreSQL's jsonb read.
std::string ids_to_text(const std::vector<int64_t>& ids);
std::vector<int64_t> ids_from_text(const std::string& text);

// How a store is opened.
struct OpenOptions {
  // A database written by the single-shop server holds programs, settings and changesets
  // without a shop; the migration to many shops gives them to this shop. Empty: the one shop
  // its verdicts name, and an error when they name none or several.
  std::string legacy_shop;
};

// The schema's migrations, in order; a database records the ones it has had.
inline constexpr int kSchemaVersion = 4;

// "postgres://..." or "postgresql://..." opens PostgreSQL; "sqlite:PATH" or a plain PATH
// opens (and creates) an SQLite file. The schema is created when missing and migrated in
// place when older (docs/server.md, "Migrating to many shops"), in one transaction, by one
// process at a time.
Result<std::unique_ptr<Store>> open_store(const std::string& url, const OpenOptions& options = {});
Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, const OpenOptions& options);
Result<std::unique_ptr<Store>> open_postgres(const std::string& url, const OpenOptions& options);

// The shop the migration gives unowned rows: `options.legacy_shop`, else the one shop in
// `verdict_shops`; an error when unowned rows exist and neither names exactly one shop.
Result<std::string> legacy_owner(const OpenOptions& options,
                                 const std::vector<std::string>& verdict_shops,
                                 int64_t unowned_rows);

}  // namespace tiercart::server
