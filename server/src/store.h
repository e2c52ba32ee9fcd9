// Durable storage of verdicts, program versions and the shop context. Two backends with one
// contract: SQLite (embedded, the default) and PostgreSQL (a postgres:// URL). The same
// storage tests (tests/server/storage_test.cpp) run against both.
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
};

struct StoredVerdict {
  VerdictRecord record;    // what the store holds for this webhook id
  bool duplicate = false;  // the webhook id was stored before this batch or earlier in it
};

struct VerdictQuery {
  bool flagged_only = false;
  int limit = 100;
};

struct ProgramRecord {
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
  virtual Result<std::optional<VerdictRecord>> find_verdict(const std::string& webhook_id) = 0;
  // Flagged (not earned) first, then newest first.
  virtual Result<std::vector<VerdictRecord>> list_verdicts(const VerdictQuery& query) = 0;
  virtual Result<int64_t> count_verdicts(bool flagged_only) = 0;

  // Program versions are immutable: false when (id, version) is already stored.
  virtual Result<bool> add_program(const ProgramRecord& program) = 0;
  virtual Result<std::optional<ProgramRecord>> find_program(const std::string& id,
                                                            int64_t version) = 0;
  // Every version of every program (documents included), by id then version.
  virtual Result<std::vector<ProgramRecord>> list_programs() = 0;
  // Makes `version` the one active version of `id`; false when that version is not stored.
  virtual Result<bool> activate_program(const std::string& id, int64_t version) = 0;

  // Small named documents (the shop context).
  virtual Status put_setting(const std::string& key, const std::string& value) = 0;
  virtual Result<std::optional<std::string>> get_setting(const std::string& key) = 0;

  // Post-purchase: stores `changeset` unless its request key or its (reference, offer) pair
  // is stored already, in which case the stored one comes back with existing = true.
  virtual Result<StoredChangeset> record_changeset(const ChangesetRecord& changeset) = 0;
  virtual Result<int64_t> count_changesets(const std::string& reference_id) = 0;

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
  // shop/redact: every verdict, order edit and data request of the shop.
  virtual Result<Erasure> erase_shop(const std::string& shop) = 0;
  // Stored once per (shop, request id); false when it was stored before.
  virtual Result<bool> add_data_request(const DataRequestRecord& request) = 0;
  // Newest first.
  virtual Result<std::vector<DataRequestRecord>> list_data_requests(int limit) = 0;
  // The verdicts of the customer's orders (by customer id) and of `orders`, oldest first.
  virtual Result<std::vector<VerdictRecord>> customer_verdicts(
      const std::string& shop, std::optional<int64_t> customer_id,
      const std::vector<int64_t>& orders) = 0;

  virtual Status ping() = 0;
};

// Order ids as the stores keep them in one column or parameter: a JSON array ("[1,2]"),
// which SQLite's json_each and PostgreSQL's jsonb read.
std::string ids_to_text(const std::vector<int64_t>& ids);
std::vector<int64_t> ids_from_text(const std::string& text);

// "postgres://..." or "postgresql://..." opens PostgreSQL; "sqlite:PATH" or a plain PATH
// opens (and creates) an SQLite file. The schema is created when missing, and a database
// from an earlier version gains the columns added since (verdicts.customer_id,
// verdicts.order_lines).
Result<std::unique_ptr<Store>> open_store(const std::string& url);
Result<std::unique_ptr<Store>> open_sqlite(const std::string& path);
Result<std::unique_ptr<Store>> open_postgres(const std::string& url);

}  // namespace tiercart::server
