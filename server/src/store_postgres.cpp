// The PostgreSQL backend, on libpq. Durability is PostgreSQL's: with synchronous_commit on
// (its default), COMMIT returns once the WAL is flushed. A batch is two round trips: one
// multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING, and one SELECT for the webhook ids
// that were already there.
#include <libpq-fe.h>

#include <array>
#include <map>
#include <mutex>
#include <set>

#include "store.h"

namespace tiercart::server {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS verdicts (
  webhook_id  TEXT PRIMARY KEY,
  shop        TEXT NOT NULL,
  order_id    BIGINT NOT NULL,
  earned      INTEGER NOT NULL,
  verdict     TEXT NOT NULL,
  tags        TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  customer_id BIGINT,
  order_lines TEXT
);
-- A database from before verdicts.customer_id gains the column (NULL in old rows: no one may
-- edit those orders), and one from before verdicts.order_lines that one (NULL in old rows:
-- their offers cannot be chosen); IF NOT EXISTS leaves a current one alone.
ALTER TABLE verdicts ADD COLUMN IF NOT EXISTS customer_id BIGINT;
ALTER TABLE verdicts ADD COLUMN IF NOT EXISTS order_lines TEXT;
CREATE INDEX IF NOT EXISTS verdicts_flagged_first ON verdicts (earned, received_at DESC);
CREATE TABLE IF NOT EXISTS programs (
  id         TEXT NOT NULL,
  version    BIGINT NOT NULL,
  document   TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verdicts_by_order ON verdicts (shop, order_id, received_at);
CREATE TABLE IF NOT EXISTS changesets (
  request_key  TEXT PRIMARY KEY,
  reference_id TEXT NOT NULL,
  offer_id     TEXT NOT NULL,
  jti          TEXT NOT NULL UNIQUE,
  token        TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  UNIQUE (reference_id, offer_id)
);
CREATE TABLE IF NOT EXISTS order_edits (
  id         BIGSERIAL PRIMARY KEY,
  shop       TEXT NOT NULL,
  order_id   BIGINT NOT NULL,
  edit       TEXT NOT NULL,
  document   TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_edits_by_order ON order_edits (shop, order_id, id);
CREATE INDEX IF NOT EXISTS verdicts_by_customer ON verdicts (shop, customer_id);
CREATE TABLE IF NOT EXISTS data_requests (
  shop        TEXT NOT NULL,
  request_id  BIGINT NOT NULL,
  customer_id BIGINT,
  orders      TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (shop, request_id)
);
)sql";

constexpr const char* kVerdictColumns =
    "webhook_id, shop, order_id, earned, verdict, tags, received_at, customer_id, order_lines";

// A query result that clears itself.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result) {}
  ~Rows() { PQclear(result_); }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  bool ok() const {
    const auto status = PQresultStatus(result_);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  }
  int size() const { return PQntuples(result_); }
  std::string text(int row, int column) const {
    return std::string(PQgetvalue(result_, row, column),
                       static_cast<std::size_t>(PQgetlength(result_, row, column)));
  }
  int64_t integer(int row, int column) const {
    return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
  }
  bool null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
  int affected() const { return std::atoi(PQcmdTuples(result_)); }

 private:
  PGresult* result_;
};

VerdictRecord read_verdict(const Rows& rows, int row) {
  VerdictRecord record;
  record.webhook_id = rows.text(row, 0);
  record.shop = rows.text(row, 1);
  record.order_id = rows.integer(row, 2);
  record.earned = rows.integer(row, 3) != 0;
  record.verdict = rows.text(row, 4);
  record.tags = rows.text(row, 5);
  record.received_at = rows.integer(row, 6);
  if (!rows.null(row, 7)) record.customer_id = rows.integer(row, 7);
  record.order_lines = rows.text(row, 8);  // NULL reads as empty
  return record;
}

ProgramRecord read_program(const Rows& rows, int row) {
  ProgramRecord program;
  program.id = rows.text(row, 0);
  program.version = rows.integer(row, 1);
  program.document = rows.text(row, 2);
  program.active = rows.integer(row, 3) != 0;
  program.created_at = rows.integer(row, 4);
  return program;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(PGconn* connection) : connection_(connection) {}
  ~PostgresStore() override { PQfinish(connection_); }

  const char* backend() const override { return "postgres"; }

  Result<std::vector<StoredVerdict>> record_verdicts(
      const std::vector<VerdictRecord>& batch) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (batch.empty()) return std::vector<StoredVerdict>();
    // Parameters are text; libpq keeps pointers, so the strings live in `values`.
    std::vector<std::string> values;
    values.reserve(batch.size() * 9);
    std::string insert = std::string("INSERT INTO verdicts (") + kVerdictColumns + ") VALUES ";
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const VerdictRecord& r = batch[i];
      const std::size_t base = values.size();
      insert += i ? ", (" : "(";
      for (int c = 1; c <= 7; ++c) {
        insert += (c > 1 ? ", $" : "$") + std::to_string(base + c);
      }
      // Parameters are all text here: an empty one is a guest's missing customer, or lines
      // not kept, NULL.
      insert += ", NULLIF($" + std::to_string(base + 8) + ", '')::bigint";
      insert += ", NULLIF($" + std::to_string(base + 9) + ", ''))";
      values.push_back(r.webhook_id);
      values.push_back(r.shop);
      values.push_back(std::to_string(r.order_id));
      values.push_back(r.earned ? "1" : "0");
      values.push_back(r.verdict);
      values.push_back(r.tags);
      values.push_back(std::to_string(r.received_at));
      values.push_back(r.customer_id ? std::to_string(*r.customer_id) : std::string());
      values.push_back(r.order_lines);
    }
    // DO NOTHING (unlike DO UPDATE) accepts the same key twice in one statement: the first
    // row wins, which is the order in which the deliveries were queued.
    insert += " ON CONFLICT (webhook_id) DO NOTHING RETURNING webhook_id";
    if (!command("BEGIN")) return error("begin");
    Rows inserted(run(insert, values));
    if (!inserted.ok()) return rollback("insert verdicts");
    std::set<std::string> new_ids;
    for (int row = 0; row < inserted.size(); ++row) new_ids.insert(inserted.text(row, 0));

    // Everything else was stored before: read it back in the same transaction.
    std::vector<std::string> others;
    std::string select =
        std::string("SELECT ") + kVerdictColumns + " FROM verdicts WHERE webhook_id IN (";
    for (const auto& r : batch) {
      if (new_ids.count(r.webhook_id)) continue;
      select += (others.empty() ? "$" : ", $") + std::to_string(others.size() + 1);
      others.push_back(r.webhook_id);
    }
    select += ")";
    std::map<std::string, VerdictRecord> existing;
    if (!others.empty()) {
      Rows rows(run(select, others));
      if (!rows.ok()) return rollback("read stored verdicts");
      for (int row = 0; row < rows.size(); ++row) {
        VerdictRecord record = read_verdict(rows, row);
        existing.emplace(record.webhook_id, std::move(record));
      }
    }
    if (!command("COMMIT")) return rollback("commit");

    std::vector<StoredVerdict> stored;
    stored.reserve(batch.size());
    std::set<std::string> claimed;  // new ids already answered once in this batch
    for (const auto& r : batch) {
      if (new_ids.count(r.webhook_id) && claimed.insert(r.webhook_id).second) {
        stored.push_back({r, false});
        continue;
      }
      // A duplicate within the batch: the first record with this id was inserted.
      if (new_ids.count(r.webhook_id)) {
        for (const auto& first : batch) {
          if (first.webhook_id == r.webhook_id) {
            stored.push_back({first, true});
            break;
          }
        }
        continue;
      }
      auto found = existing.find(r.webhook_id);
      if (found == existing.end()) return make_error("storage_error", "verdict vanished");
      stored.push_back({found->second, true});
    }
    return stored;
  }

  Result<std::optional<VerdictRecord>> find_verdict(const std::string& webhook_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(std::string("SELECT ") + kVerdictColumns + " FROM verdicts WHERE webhook_id = $1",
                  {webhook_id}));
    if (!rows.ok()) return error("find verdict");
    if (rows.size() == 0) return std::optional<VerdictRecord>();
    return std::optional<VerdictRecord>(read_verdict(rows, 0));
  }

  Result<std::vector<VerdictRecord>> list_verdicts(const VerdictQuery& query) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(std::string("SELECT ") + kVerdictColumns +
                      " FROM verdicts WHERE ($1::int = 0 OR earned = 0)"
                      " ORDER BY earned ASC, received_at DESC, webhook_id ASC LIMIT $2",
                  {query.flagged_only ? "1" : "0", std::to_string(query.limit)}));
    if (!rows.ok()) return error("list verdicts");
    std::vector<VerdictRecord> records;
    for (int row = 0; row < rows.size(); ++row) records.push_back(read_verdict(rows, row));
    return records;
  }

  Result<int64_t> count_verdicts(bool flagged_only) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("SELECT COUNT(*) FROM verdicts WHERE ($1::int = 0 OR earned = 0)",
                  {flagged_only ? "1" : "0"}));
    if (!rows.ok() || rows.size() != 1) return error("count verdicts");
    return rows.integer(0, 0);
  }

  Result<bool> add_program(const ProgramRecord& program) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("INSERT INTO programs (id, version, document, active, created_at) "
            "VALUES ($1, $2, $3, 0, $4) ON CONFLICT (id, version) DO NOTHING",
            {program.id, std::to_string(program.version), program.document,
             std::to_string(program.created_at)}));
    if (!rows.ok()) return error("add program");
    return rows.affected() == 1;
  }

  Result<std::optional<ProgramRecord>> find_program(const std::string& id,
                                                    int64_t version) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT id, version, document, active, created_at FROM programs "
            "WHERE id = $1 AND version = $2",
            {id, std::to_string(version)}));
    if (!rows.ok()) return error("find program");
    if (rows.size() == 0) return std::optional<ProgramRecord>();
    return std::optional<ProgramRecord>(read_program(rows, 0));
  }

  Result<std::vector<ProgramRecord>> list_programs() override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT id, version, document, active, created_at FROM programs "
            "ORDER BY id, version",
            {}));
    if (!rows.ok()) return error("list programs");
    std::vector<ProgramRecord> programs;
    for (int row = 0; row < rows.size(); ++row) programs.push_back(read_program(rows, row));
    return programs;
  }

  Result<bool> activate_program(const std::string& id, int64_t version) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // One statement is one transaction: no moment with two active versions, or none.
    Rows rows(
        run("UPDATE programs SET active = CASE WHEN version = $2 THEN 1 ELSE 0 END "
            "WHERE id = $1 AND EXISTS "
            "(SELECT 1 FROM programs WHERE id = $1 AND version = $2)",
            {id, std::to_string(version)}));
    if (!rows.ok()) return error("activate program");
    return rows.affected() > 0;
  }

  Status put_setting(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("INSERT INTO settings (key, value) VALUES ($1, $2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            {key, value}));
    if (!rows.ok()) return error("put setting");
    return true;
  }

  Result<StoredChangeset> record_changeset(const ChangesetRecord& c) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // One statement each, outside a transaction: the insert either wins on every unique key
    // or waits for the row that beat it, which is then committed and visible to the select.
    Rows inserted(run(
        "INSERT INTO changesets (request_key, reference_id, offer_id, jti, token, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        {c.request_key, c.reference_id, c.offer_id, c.jti, c.token, std::to_string(c.created_at)}));
    if (!inserted.ok()) return error("insert changeset");
    if (inserted.affected() == 1) return StoredChangeset{c, false};
    Rows rows(
        run("SELECT request_key, reference_id, offer_id, jti, token, created_at "
            "FROM changesets WHERE request_key = $1 OR (reference_id = $2 AND "
            "offer_id = $3) OR jti = $4 ORDER BY request_key = $1 DESC LIMIT 1",
            {c.request_key, c.reference_id, c.offer_id, c.jti}));
    if (!rows.ok() || rows.size() != 1) return error("read stored changeset");
    return StoredChangeset{{rows.text(0, 0), rows.text(0, 1), rows.text(0, 2), rows.text(0, 3),
                            rows.text(0, 4), rows.integer(0, 5)},
                           true};
  }

  Result<int64_t> count_changesets(const std::string& reference_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("SELECT COUNT(*) FROM changesets WHERE reference_id = $1", {reference_id}));
    if (!rows.ok() || rows.size() != 1) return error("count changesets");
    return rows.integer(0, 0);
  }

  Status add_order_edit(const OrderEditRecord& edit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("INSERT INTO order_edits (shop, order_id, edit, document, created_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            {edit.shop, std::to_string(edit.order_id), edit.edit, edit.document,
             std::to_string(edit.created_at)}));
    if (!rows.ok()) return error("insert order edit");
    return true;
  }

  Result<std::vector<OrderEditRecord>> list_order_edits(const std::string& shop,
                                                        int64_t order_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT shop, order_id, edit, document, created_at FROM order_edits "
            "WHERE shop = $1 AND order_id = $2 ORDER BY id",
            {shop, std::to_string(order_id)}));
    if (!rows.ok()) return error("list order edits");
    std::vector<OrderEditRecord> edits;
    for (int row = 0; row < rows.size(); ++row) {
      edits.push_back({rows.text(row, 0), rows.integer(row, 1), rows.text(row, 2),
                       rows.text(row, 3), rows.integer(row, 4)});
    }
    return edits;
  }

  Result<std::optional<VerdictRecord>> find_order_verdict(const std::string& shop,
                                                          int64_t order_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(std::string("SELECT ") + kVerdictColumns +
                      " FROM verdicts WHERE shop = $1 AND order_id = $2"
                      " ORDER BY received_at LIMIT 1",
                  {shop, std::to_string(order_id)}));
    if (!rows.ok()) return error("find order verdict");
    if (rows.size() == 0) return std::optional<VerdictRecord>();
    return std::optional<VerdictRecord>(read_verdict(rows, 0));
  }

  Result<Erasure> erase_customer(const std::string& shop, std::optional<int64_t> customer_id,
                                 const std::vector<int64_t>& orders) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // Parameters are text: an empty customer id is NULL, which matches no row.
    const std::string customer_text = customer_id ? std::to_string(*customer_id) : "";
    const std::vector<std::string> all = {shop, customer_text, ids_to_text(orders)};
    constexpr const char* kOrders = "(SELECT jsonb_array_elements_text($3::jsonb)::bigint)";
    const std::string customer = "NULLIF($2, '')::bigint";
    // Edits first: the customer's orders are found through the ids the verdicts still hold.
    // The last statement names no order ids, and PostgreSQL refuses a parameter it cannot
    // type, so it gets the first two only.
    auto changed = change_in_one_transaction(
        {Step{"DELETE FROM order_edits WHERE shop = $1 AND (order_id IN " + std::string(kOrders) +
                  " OR order_id IN (SELECT order_id FROM verdicts WHERE shop = $1 AND "
                  "customer_id = " +
                  customer + "))",
              all},
         Step{"UPDATE verdicts SET customer_id = NULL WHERE shop = $1 AND customer_id IS NOT "
              "NULL AND (customer_id = " +
                  customer + " OR order_id IN " + kOrders + ")",
              all},
         Step{"DELETE FROM data_requests WHERE shop = $1 AND customer_id = " + customer,
              {shop, customer_text}}},
        "erase customer");
    if (!changed) return changed.error();
    return Erasure{changed.value()[1], changed.value()[0], changed.value()[2]};
  }

  Result<Erasure> erase_shop(const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto changed =
        change_in_one_transaction({Step{"DELETE FROM verdicts WHERE shop = $1", {shop}},
                                   Step{"DELETE FROM order_edits WHERE shop = $1", {shop}},
                                   Step{"DELETE FROM data_requests WHERE shop = $1", {shop}}},
                                  "erase shop");
    if (!changed) return changed.error();
    return Erasure{changed.value()[0], changed.value()[1], changed.value()[2]};
  }

  Result<bool> add_data_request(const DataRequestRecord& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("INSERT INTO data_requests (shop, request_id, customer_id, orders, "
            "received_at) VALUES ($1, $2, NULLIF($3, '')::bigint, $4, $5) "
            "ON CONFLICT DO NOTHING",
            {request.shop, std::to_string(request.request_id),
             request.customer_id ? std::to_string(*request.customer_id) : std::string(),
             ids_to_text(request.orders), std::to_string(request.received_at)}));
    if (!rows.ok()) return error("insert data request");
    return rows.affected() == 1;
  }

  Result<std::vector<DataRequestRecord>> list_data_requests(int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT shop, request_id, customer_id, orders, received_at FROM "
            "data_requests ORDER BY received_at DESC, request_id DESC LIMIT $1",
            {std::to_string(limit)}));
    if (!rows.ok()) return error("list data requests");
    std::vector<DataRequestRecord> requests;
    for (int row = 0; row < rows.size(); ++row) {
      DataRequestRecord request{rows.text(row, 0), rows.integer(row, 1), std::nullopt,
                                ids_from_text(rows.text(row, 3)), rows.integer(row, 4)};
      if (!rows.null(row, 2)) request.customer_id = rows.integer(row, 2);
      requests.push_back(std::move(request));
    }
    return requests;
  }

  Result<std::vector<VerdictRecord>> customer_verdicts(
      const std::string& shop, std::optional<int64_t> customer_id,
      const std::vector<int64_t>& orders) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(
        std::string("SELECT ") + kVerdictColumns +
            " FROM verdicts WHERE shop = $1 AND (customer_id = NULLIF($2, '')::bigint"
            " OR order_id IN (SELECT jsonb_array_elements_text($3::jsonb)::bigint))"
            " ORDER BY received_at",
        {shop, customer_id ? std::to_string(*customer_id) : std::string(), ids_to_text(orders)}));
    if (!rows.ok()) return error("customer verdicts");
    std::vector<VerdictRecord> verdicts;
    for (int row = 0; row < rows.size(); ++row) verdicts.push_back(read_verdict(rows, row));
    return verdicts;
  }

  Result<std::optional<std::string>> get_setting(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("SELECT value FROM settings WHERE key = $1", {key}));
    if (!rows.ok()) return error("get setting");
    if (rows.size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(rows.text(0, 0));
  }

  Status ping() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!command("SELECT 1")) return error("ping");
    return true;
  }

  // One statement and its parameters.
  struct Step {
    std::string sql;
    std::vector<std::string> values;
  };
  // Runs three statements in one transaction; the rows each changed. All or nothing.
  Result<std::array<int64_t, 3>> change_in_one_transaction(const std::array<Step, 3>& steps,
                                                           const char* what) {
    std::array<int64_t, 3> changed{};
    if (!command("BEGIN")) return rollback("begin");
    for (std::size_t i = 0; i < steps.size(); ++i) {
      Rows rows(run(steps[i].sql, steps[i].values));
      if (!rows.ok()) return rollback(what);
      changed[i] = rows.affected();
    }
    if (!command("COMMIT")) return rollback("commit");
    return changed;
  }

  bool command(const char* sql) {
    Rows rows(PQexec(connection_, sql));
    return rows.ok();
  }

 private:
  PGresult* run(const std::string& sql, const std::vector<std::string>& values) {
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const auto& v : values) pointers.push_back(v.c_str());
    return PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                        pointers.data(), nullptr, nullptr, 0);
  }

  Error error(const std::string& what) {
    Error failure = make_error("storage_error", what + ": " + PQerrorMessage(connection_));
    // A broken connection (the database restarted) is re-opened for the next call.
    if (PQstatus(connection_) == CONNECTION_BAD) PQreset(connection_);
    return failure;
  }

  Error rollback(const std::string& what) {
    Error failure = error(what);
    command("ROLLBACK");
    return failure;
  }

  std::mutex mutex_;
  PGconn* connection_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres(const std::string& url) {
  PGconn* connection = PQconnectdb(url.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    Error error = make_error("storage_error", std::string("cannot connect to PostgreSQL: ") +
                                                  PQerrorMessage(connection));
    PQfinish(connection);
    return error;
  }
  auto store = std::make_unique<PostgresStore>(connection);
  // Several servers (or a server and a test) may create the schema at once; the advisory
  // lock makes CREATE ... IF NOT EXISTS race-free.
  if (!store->command("SELECT pg_advisory_lock(7150001)") || !store->command(kSchema) ||
      !store->command("SELECT pg_advisory_unlock(7150001)")) {
    return make_error("storage_error",
                      std::string("cannot create the schema: ") + PQerrorMessage(connection));
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tiercart::server
