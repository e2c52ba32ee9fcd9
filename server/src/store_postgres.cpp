// The PostgreSQL backend, on libpq. Durability is PostgreSQL's: with synchronous_commit on
// (its default), COMMIT returns once the WAL is flushed. A batch is two round trips: one
// multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING, and one SELECT for the webhook ids
// that were already there.
#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include "store.h"

namespace tiercart::server {
namespace {

// Migration 1: the schema of the single-shop server, as it stood (created when missing, so a
// database from before schema_migrations existed passes through it unchanged).
constexpr const char* kSingleShopSchema = R"sql(
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

// Migration 2: every row belongs to a shop (docs/server.md, "Migrating to many shops"). The
// rows already there get the legacy owner, @LEGACY@ below, written in by the caller: a
// checked shop hostname. The keys change in place.
constexpr const char* kManyShopsMigration = R"sql(
ALTER TABLE programs ADD COLUMN shop TEXT;
UPDATE programs SET shop = '@LEGACY@';
ALTER TABLE programs ALTER COLUMN shop SET NOT NULL;
ALTER TABLE programs DROP CONSTRAINT programs_pkey;
ALTER TABLE programs ADD PRIMARY KEY (shop, id, version);
ALTER TABLE settings ADD COLUMN shop TEXT;
UPDATE settings SET shop = '@LEGACY@';
ALTER TABLE settings ALTER COLUMN shop SET NOT NULL;
ALTER TABLE settings DROP CONSTRAINT settings_pkey;
ALTER TABLE settings ADD PRIMARY KEY (shop, key);
ALTER TABLE changesets ADD COLUMN shop TEXT;
UPDATE changesets SET shop = '@LEGACY@';
ALTER TABLE changesets ALTER COLUMN shop SET NOT NULL;
ALTER TABLE changesets DROP CONSTRAINT changesets_reference_id_offer_id_key;
ALTER TABLE changesets ADD CONSTRAINT changesets_offer_once UNIQUE (shop, reference_id, offer_id);
DROP INDEX IF EXISTS verdicts_flagged_first;
CREATE INDEX verdicts_by_shop ON verdicts (shop, earned, received_at DESC);
CREATE INDEX data_requests_by_shop ON data_requests (shop, received_at DESC);
CREATE TABLE shops (
  shop               TEXT PRIMARY KEY,
  state              TEXT NOT NULL,
  access_token       TEXT,
  refresh_token      TEXT,
  scope              TEXT,
  access_expires_at  BIGINT NOT NULL DEFAULT 0,
  refresh_expires_at BIGINT NOT NULL DEFAULT 0,
  installed_at       BIGINT NOT NULL DEFAULT 0,
  updated_at         BIGINT NOT NULL,
  last_error         TEXT,
  lease_owner        TEXT,
  lease_until        BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE oauth_states (
  state      TEXT PRIMARY KEY,
  shop       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql";

// Migration 3: the outbox of writes to Shopify (store.h, OutboxWrite).
constexpr const char* kOutboxMigration = R"sql(
CREATE TABLE outbox (
  id              BIGSERIAL PRIMARY KEY,
  shop            TEXT NOT NULL,
  kind            TEXT NOT NULL,
  key             TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  attempts        BIGINT NOT NULL DEFAULT 0,
  created_at      BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  lease_owner     TEXT NOT NULL DEFAULT '',
  lease_until     BIGINT NOT NULL DEFAULT 0,
  UNIQUE (shop, key)
);
CREATE INDEX outbox_by_shop ON outbox (shop, state, id);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
)sql";

// Stores a write unless its (shop, key) is.
constexpr const char* kInsertWrite =
    "INSERT INTO outbox (shop, kind, key, payload, created_at, next_attempt_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5::bigint, $5::bigint, $5::bigint) ON CONFLICT (shop, key) DO "
    "NOTHING";

constexpr const char* kOutboxColumns =
    "id, shop, kind, key, payload, state, attempts, created_at, next_attempt_at, updated_at, "
    "last_error";

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

OutboxRow read_write(const Rows& rows, int row) {
  OutboxRow out;
  out.id = rows.integer(row, 0);
  out.write = {rows.text(row, 1), rows.text(row, 2), rows.text(row, 3), rows.text(row, 4)};
  out.state = rows.text(row, 5);
  out.attempts = rows.integer(row, 6);
  out.created_at = rows.integer(row, 7);
  out.next_attempt_at = rows.integer(row, 8);
  out.updated_at = rows.integer(row, 9);
  out.last_error = rows.text(row, 10);
  return out;
}

ProgramRecord read_program(const Rows& rows, int row) {
  ProgramRecord program;
  program.shop = rows.text(row, 5);
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
    // A webhook id is Shopify's and unique over every shop: a stored row is read back only
    // when it is the same shop's.
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
      for (const auto& r : batch) {
        auto found = existing.find(r.webhook_id);
        if (found != existing.end() && found->second.shop != r.shop) {
          command("ROLLBACK");
          return make_error("storage_error", "webhook id stored for another shop");
        }
      }
    }
    // The writes of the verdicts inserted now (the first record of an id), in this transaction.
    std::set<std::string> written;
    for (const auto& r : batch) {
      if (!new_ids.count(r.webhook_id) || !written.insert(r.webhook_id).second) continue;
      for (const OutboxWrite& write : r.writes) {
        if (!insert_write(write, r.received_at)) return rollback("insert write");
      }
    }
    // Their figures, in one statement; an order judged twice keeps its first figures.
    std::vector<std::string> figures;
    std::string insert_figures =
        "INSERT INTO order_figures (shop, order_id, day, document) VALUES ";
    std::set<std::string> figured;
    for (const auto& r : batch) {
      if (r.figures.empty() || !new_ids.count(r.webhook_id) || !figured.insert(r.webhook_id).second)
        continue;
      const std::size_t base = figures.size();
      insert_figures += (base ? ", ($" : "($") + std::to_string(base + 1) + ", $" +
                        std::to_string(base + 2) + "::bigint, $" + std::to_string(base + 3) +
                        ", $" + std::to_string(base + 4) + ")";
      figures.push_back(r.shop);
      figures.push_back(std::to_string(r.order_id));
      figures.push_back(r.figures_day);
      figures.push_back(r.figures);
    }
    if (!figures.empty()) {
      Rows done(run(insert_figures + " ON CONFLICT (shop, order_id) DO NOTHING", figures));
      if (!done.ok()) return rollback("insert figures");
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

  Result<std::optional<VerdictRecord>> find_verdict(const std::string& shop,
                                                    const std::string& webhook_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(std::string("SELECT ") + kVerdictColumns +
                      " FROM verdicts WHERE webhook_id = $1 AND shop = $2",
                  {webhook_id, shop}));
    if (!rows.ok()) return error("find verdict");
    if (rows.size() == 0) return std::optional<VerdictRecord>();
    return std::optional<VerdictRecord>(read_verdict(rows, 0));
  }

  Result<std::vector<VerdictRecord>> list_verdicts(const VerdictQuery& query) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(std::string("SELECT ") + kVerdictColumns +
                      " FROM verdicts WHERE shop = $3 AND ($1::int = 0 OR earned = 0)"
                      " ORDER BY earned ASC, received_at DESC, webhook_id ASC LIMIT $2",
                  {query.flagged_only ? "1" : "0", std::to_string(query.limit), query.shop}));
    if (!rows.ok()) return error("list verdicts");
    std::vector<VerdictRecord> records;
    for (int row = 0; row < rows.size(); ++row) records.push_back(read_verdict(rows, row));
    return records;
  }

  Result<int64_t> count_verdicts(const std::string& shop, bool flagged_only) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("SELECT COUNT(*) FROM verdicts WHERE shop = $2 AND ($1::int = 0 OR earned = 0)",
                  {flagged_only ? "1" : "0", shop}));
    if (!rows.ok() || rows.size() != 1) return error("count verdicts");
    return rows.integer(0, 0);
  }

  Result<bool> add_program(const ProgramRecord& program) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("INSERT INTO programs (id, version, document, active, created_at, shop) "
            "VALUES ($1, $2, $3, 0, $4, $5) ON CONFLICT (shop, id, version) DO NOTHING",
            {program.id, std::to_string(program.version), program.document,
             std::to_string(program.created_at), program.shop}));
    if (!rows.ok()) return error("add program");
    return rows.affected() == 1;
  }

  Result<std::optional<ProgramRecord>> find_program(const std::string& shop, const std::string& id,
                                                    int64_t version) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT id, version, document, active, created_at, shop FROM programs "
            "WHERE id = $1 AND version = $2 AND shop = $3",
            {id, std::to_string(version), shop}));
    if (!rows.ok()) return error("find program");
    if (rows.size() == 0) return std::optional<ProgramRecord>();
    return std::optional<ProgramRecord>(read_program(rows, 0));
  }

  Result<std::vector<ProgramRecord>> list_programs(const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT id, version, document, active, created_at, shop FROM programs "
            "WHERE shop = $1 ORDER BY id, version",
            {shop}));
    if (!rows.ok()) return error("list programs");
    std::vector<ProgramRecord> programs;
    for (int row = 0; row < rows.size(); ++row) programs.push_back(read_program(rows, row));
    return programs;
  }

  Result<bool> activate_program(const std::string& shop, const std::string& id, int64_t version,
                                const std::vector<OutboxWrite>& writes) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!writes.empty() && !command("BEGIN")) return error("begin");
    // One statement: no moment with two active versions, or none.
    Rows rows(
        run("UPDATE programs SET active = CASE WHEN version = $2 THEN 1 ELSE 0 END "
            "WHERE shop = $3 AND id = $1 AND EXISTS "
            "(SELECT 1 FROM programs WHERE shop = $3 AND id = $1 AND version = $2)",
            {id, std::to_string(version), shop}));
    if (writes.empty()) {
      if (!rows.ok()) return error("activate program");
      return rows.affected() > 0;
    }
    if (!rows.ok()) return rollback("activate program");
    const bool found = rows.affected() > 0;
    if (found) {
      const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      for (const OutboxWrite& write : writes) {
        if (!insert_write(write, now)) return rollback("insert write");
      }
    }
    if (!command("COMMIT")) return rollback("commit");
    return found;
  }

  Status put_setting(const std::string& shop, const std::string& key,
                     const std::string& value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("INSERT INTO settings (shop, key, value) VALUES ($3, $1, $2) "
            "ON CONFLICT (shop, key) DO UPDATE SET value = excluded.value",
            {key, value, shop}));
    if (!rows.ok()) return error("put setting");
    return true;
  }

  Result<StoredChangeset> record_changeset(const ChangesetRecord& c) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // One statement each, outside a transaction: the insert either wins on every unique key
    // or waits for the row that beat it, which is then committed and visible to the select.
    Rows inserted(
        run("INSERT INTO changesets (request_key, reference_id, offer_id, jti, token, "
            "created_at, shop) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            {c.request_key, c.reference_id, c.offer_id, c.jti, c.token,
             std::to_string(c.created_at), c.shop}));
    if (!inserted.ok()) return error("insert changeset");
    if (inserted.affected() == 1) return StoredChangeset{c, false};
    Rows rows(
        run("SELECT request_key, reference_id, offer_id, jti, token, created_at, shop "
            "FROM changesets WHERE request_key = $1 OR (shop = $5 AND reference_id = $2 AND "
            "offer_id = $3) OR jti = $4 ORDER BY request_key = $1 DESC LIMIT 1",
            {c.request_key, c.reference_id, c.offer_id, c.jti, c.shop}));
    if (!rows.ok() || rows.size() != 1) return error("read stored changeset");
    // Keys (the token's jti or digest) are global: one stored for another shop is never
    // handed back.
    if (rows.text(0, 6) != c.shop) {
      return make_error("storage_error", "changeset stored for another shop");
    }
    return StoredChangeset{{rows.text(0, 6), rows.text(0, 0), rows.text(0, 1), rows.text(0, 2),
                            rows.text(0, 3), rows.text(0, 4), rows.integer(0, 5)},
                           true};
  }

  Result<int64_t> count_changesets(const std::string& shop,
                                   const std::string& reference_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("SELECT COUNT(*) FROM changesets WHERE shop = $1 AND reference_id = $2",
                  {shop, reference_id}));
    if (!rows.ok() || rows.size() != 1) return error("count changesets");
    return rows.integer(0, 0);
  }

  Status add_order_edit(const OrderEditRecord& edit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // The edit and the writes that apply it to Shopify: both or neither.
    if (!edit.writes.empty() && !command("BEGIN")) return error("begin");
    Rows rows(
        run("INSERT INTO order_edits (shop, order_id, edit, document, created_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            {edit.shop, std::to_string(edit.order_id), edit.edit, edit.document,
             std::to_string(edit.created_at)}));
    if (edit.writes.empty()) {
      if (!rows.ok()) return error("insert order edit");
      return true;
    }
    if (!rows.ok()) return rollback("insert order edit");
    for (const OutboxWrite& write : edit.writes) {
      if (!insert_write(write, edit.created_at)) return rollback("insert write");
    }
    if (!command("COMMIT")) return rollback("commit");
    return true;
  }

  bool insert_write(const OutboxWrite& write, int64_t now) {
    Rows rows(
        run(kInsertWrite, {write.shop, write.kind, write.key, write.payload, std::to_string(now)}));
    return rows.ok();
  }

  Result<bool> add_write(const OutboxWrite& write, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run(kInsertWrite, {write.shop, write.kind, write.key, write.payload, std::to_string(now)}));
    if (!rows.ok()) return error("insert write");
    return rows.affected() == 1;
  }

  Result<std::vector<OutboxRow>> claim_writes(const std::string& owner, int64_t now,
                                              int64_t lease_until, int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // One statement: when two processes pick the same write, the second's UPDATE waits for
    // the first's row lock and then finds the lease taken (lease_until is re-checked on the
    // row as the first left it), so it leases nothing.
    const std::string sql =
        std::string(
            "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id IN ("
            "SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= $3 "
            "AND o.lease_until <= $3 AND o.id = (SELECT MIN(p.id) FROM outbox p "
            "WHERE p.shop = o.shop AND p.state = 'pending') ORDER BY o.id LIMIT $4) "
            "AND state = 'pending' AND lease_until <= $3 RETURNING ") +
        kOutboxColumns;
    Rows rows(
        run(sql, {owner, std::to_string(lease_until), std::to_string(now), std::to_string(limit)}));
    if (!rows.ok()) return error("claim writes");
    std::vector<OutboxRow> claimed;
    for (int row = 0; row < rows.size(); ++row) claimed.push_back(read_write(rows, row));
    std::sort(claimed.begin(), claimed.end(),
              [](const OutboxRow& a, const OutboxRow& b) { return a.id < b.id; });
    return claimed;
  }

  Result<bool> settle_write(int64_t id, const std::string& owner, const std::string& state,
                            int64_t next_attempt_at, bool attempted, const std::string& message,
                            int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("UPDATE outbox SET state = $1, next_attempt_at = $2, attempts = attempts + $3, "
            "last_error = $4, updated_at = $5, lease_owner = '', lease_until = 0 "
            "WHERE id = $6 AND lease_owner = $7",
            {state, std::to_string(next_attempt_at), attempted ? "1" : "0", message,
             std::to_string(now), std::to_string(id), owner}));
    if (!rows.ok()) return error("settle write");
    return rows.affected() == 1;
  }

  Result<OutboxState> outbox_state(const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows counts(
        run("SELECT state, COUNT(*), COALESCE(MIN(created_at), 0) FROM outbox "
            "WHERE ($1 = '' OR shop = $1) GROUP BY state",
            {shop}));
    if (!counts.ok()) return error("outbox state");
    OutboxState state;
    for (int row = 0; row < counts.size(); ++row) {
      const std::string name = counts.text(row, 0);
      if (name == "pending") {
        state.pending = counts.integer(row, 1);
        state.oldest_pending_at = counts.integer(row, 2);
      } else if (name == "failed") {
        state.failed = counts.integer(row, 1);
      } else if (name == "done") {
        state.done = counts.integer(row, 1);
      }
    }
    Rows last(
        run("SELECT last_error FROM outbox WHERE ($1 = '' OR shop = $1) AND state != "
            "'done' AND last_error != '' ORDER BY updated_at DESC LIMIT 1",
            {shop}));
    if (!last.ok()) return error("outbox state");
    if (last.size() == 1) state.last_error = last.text(0, 0);
    return state;
  }

  Result<std::vector<OutboxRow>> list_writes(const std::string& shop, int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(std::string("SELECT ") + kOutboxColumns +
                      " FROM outbox WHERE shop = $1 ORDER BY state = 'done', id DESC LIMIT $2",
                  {shop, std::to_string(limit)}));
    if (!rows.ok()) return error("list writes");
    std::vector<OutboxRow> writes;
    for (int row = 0; row < rows.size(); ++row) writes.push_back(read_write(rows, row));
    return writes;
  }

  Result<int64_t> prune_writes(int64_t done_before, int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'done' "
            "AND updated_at < $1 ORDER BY id LIMIT $2)",
            {std::to_string(done_before), std::to_string(limit)}));
    if (!rows.ok()) return error("prune writes");
    return static_cast<int64_t>(rows.affected());
  }

  Result<bool> retry_write(const std::string& shop, int64_t id, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("UPDATE outbox SET state = 'pending', next_attempt_at = $1, updated_at = $1 "
            "WHERE shop = $2 AND id = $3 AND state = 'failed'",
            {std::to_string(now), shop, std::to_string(id)}));
    if (!rows.ok()) return error("retry write");
    return rows.affected() == 1;
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
      edits.push_back({rows.text(row, 0),
                       rows.integer(row, 1),
                       rows.text(row, 2),
                       rows.text(row, 3),
                       rows.integer(row, 4),
                       {}});
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

  Result<std::vector<std::pair<std::string, int64_t>>> active_programs(
      const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(kActivePrograms, {shop}));
    if (!rows.ok()) return error("list active programs");
    std::vector<std::pair<std::string, int64_t>> active;
    for (int row = 0; row < rows.size(); ++row) {
      active.emplace_back(rows.text(row, 0), rows.integer(row, 1));
    }
    return active;
  }

  Result<bool> add_adjustment(const AdjustmentRecord& a) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("INSERT INTO order_adjustments (shop, key, order_id, refunded, cancelled, "
            "received_at) VALUES ($1, $2, $3::bigint, $4::bigint, $5::integer, $6::bigint) "
            "ON CONFLICT DO NOTHING RETURNING key",
            {a.shop, a.key, std::to_string(a.order_id), std::to_string(a.refunded),
             a.cancelled ? "1" : "0", std::to_string(a.received_at)}));
    if (!rows.ok()) return error("insert adjustment");
    return rows.size() == 1;
  }

  Result<std::vector<FiguresRecord>> list_figures(const std::string& shop,
                                                  const std::string& from_day,
                                                  const std::string& to_day) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run(kListFigures, {shop, from_day, to_day}));
    if (!rows.ok()) return error("list figures");
    std::vector<FiguresRecord> figures;
    figures.reserve(rows.size());
    for (int row = 0; row < rows.size(); ++row) {
      figures.push_back({rows.text(row, 0), rows.integer(row, 1), rows.integer(row, 2) != 0});
    }
    return figures;
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
    std::vector<Step> steps;
    for (const char* table :
         {"verdicts", "order_edits", "data_requests", "programs", "settings", "changesets",
          "oauth_states", "shops", "outbox", "order_figures", "order_adjustments"}) {
      steps.push_back(Step{std::string("DELETE FROM ") + table + " WHERE shop = $1", {shop}});
    }
    auto changed = change_in_one_transaction(steps, "erase shop");
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

  Result<std::vector<DataRequestRecord>> list_data_requests(const std::string& shop,
                                                            int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT shop, request_id, customer_id, orders, received_at FROM data_requests "
            "WHERE shop = $2 ORDER BY received_at DESC, request_id DESC LIMIT $1",
            {std::to_string(limit), shop}));
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

  Result<std::optional<std::string>> get_setting(const std::string& shop,
                                                 const std::string& key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("SELECT value FROM settings WHERE shop = $2 AND key = $1", {key, shop}));
    if (!rows.ok()) return error("get setting");
    if (rows.size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(rows.text(0, 0));
  }

  Result<std::optional<ShopRecord>> find_shop(const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT shop, state, access_token, refresh_token, scope, access_expires_at, "
            "refresh_expires_at, installed_at, updated_at, last_error FROM shops WHERE shop = $1",
            {shop}));
    if (!rows.ok()) return error("find shop");
    if (rows.size() == 0) return std::optional<ShopRecord>();
    ShopRecord record;
    record.shop = rows.text(0, 0);
    record.state = rows.text(0, 1);
    record.access_token = rows.text(0, 2);
    record.refresh_token = rows.text(0, 3);
    record.scope = rows.text(0, 4);
    record.access_expires_at = rows.integer(0, 5);
    record.refresh_expires_at = rows.integer(0, 6);
    record.installed_at = rows.integer(0, 7);
    record.updated_at = rows.integer(0, 8);
    record.last_error = rows.text(0, 9);
    return std::optional<ShopRecord>(std::move(record));
  }

  Result<bool> note_shop(const std::string& shop, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("INSERT INTO shops (shop, state, updated_at) VALUES ($1, 'pending', $2) "
            "ON CONFLICT (shop) DO NOTHING",
            {shop, std::to_string(now)}));
    if (!rows.ok()) return error("note shop");
    return rows.affected() == 1;
  }

  Status save_tokens(const ShopRecord& r) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // installed_at keeps the first install's time across refreshes; a reinstall after
    // app/uninstalled starts it again.
    Rows rows(run(
        "INSERT INTO shops (shop, state, access_token, refresh_token, scope, access_expires_at, "
        "refresh_expires_at, installed_at, updated_at, last_error) VALUES ($1, 'installed', $2, "
        "NULLIF($3, ''), $4, $5, $6, $7, $7, NULL) ON CONFLICT (shop) DO UPDATE SET state = "
        "'installed', access_token = excluded.access_token, refresh_token = "
        "excluded.refresh_token, scope = excluded.scope, access_expires_at = "
        "excluded.access_expires_at, refresh_expires_at = excluded.refresh_expires_at, "
        "installed_at = CASE WHEN shops.state = 'installed' THEN shops.installed_at ELSE "
        "excluded.installed_at END, updated_at = excluded.updated_at, last_error = NULL",
        {r.shop, r.access_token, r.refresh_token, r.scope, std::to_string(r.access_expires_at),
         std::to_string(r.refresh_expires_at), std::to_string(r.updated_at)}));
    if (!rows.ok()) return error("save tokens");
    return true;
  }

  Status set_shop_error(const std::string& shop, const std::string& message, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("UPDATE shops SET last_error = $2, updated_at = $3 WHERE shop = $1",
                  {shop, message, std::to_string(now)}));
    if (!rows.ok()) return error("set shop error");
    return true;
  }

  Result<bool> uninstall_shop(const std::string& shop, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("UPDATE shops SET state = 'uninstalled', access_token = NULL, refresh_token = NULL, "
            "access_expires_at = 0, refresh_expires_at = 0, updated_at = $2, lease_owner = "
            "NULL, lease_until = 0 WHERE shop = $1",
            {shop, std::to_string(now)}));
    if (!rows.ok()) return error("uninstall shop");
    return rows.affected() == 1;
  }

  Result<std::vector<std::string>> list_shops(const std::string& state, const std::string& after,
                                              int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("SELECT shop FROM shops WHERE state = $1 AND shop > $2 ORDER BY shop LIMIT $3",
                  {state, after, std::to_string(limit)}));
    if (!rows.ok()) return error("list shops");
    std::vector<std::string> shops;
    for (int row = 0; row < rows.size(); ++row) shops.push_back(rows.text(row, 0));
    return shops;
  }

  Result<std::vector<std::string>> shops_to_refresh(int64_t before, int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("SELECT shop FROM shops WHERE state = 'installed' AND refresh_token IS NOT NULL "
            "AND access_expires_at > 0 AND access_expires_at < $1 ORDER BY access_expires_at "
            "LIMIT $2",
            {std::to_string(before), std::to_string(limit)}));
    if (!rows.ok()) return error("shops to refresh");
    std::vector<std::string> shops;
    for (int row = 0; row < rows.size(); ++row) shops.push_back(rows.text(row, 0));
    return shops;
  }

  Result<int64_t> count_shops(const std::string& state) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(run("SELECT COUNT(*) FROM shops WHERE state = $1", {state}));
    if (!rows.ok() || rows.size() != 1) return error("count shops");
    return rows.integer(0, 0);
  }

  Result<bool> take_token_lease(const std::string& shop, const std::string& owner, int64_t now,
                                int64_t until) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // One statement: the row is created when missing, and the lease is taken only when free,
    // expired or already ours. Two processes racing on one row serialise on its lock, and the
    // second sees the first's lease.
    Rows rows(
        run("INSERT INTO shops (shop, state, updated_at, lease_owner, lease_until) VALUES ($1, "
            "'pending', $3, $2, $4) ON CONFLICT (shop) DO UPDATE SET lease_owner = $2, "
            "lease_until = $4 WHERE shops.lease_owner IS NULL OR shops.lease_owner = $2 OR "
            "shops.lease_until <= $3",
            {shop, owner, std::to_string(now), std::to_string(until)}));
    if (!rows.ok()) return error("take lease");
    return rows.affected() == 1;
  }

  Status release_token_lease(const std::string& shop, const std::string& owner) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Rows rows(
        run("UPDATE shops SET lease_owner = NULL, lease_until = 0 WHERE shop = $1 AND "
            "lease_owner = $2",
            {shop, owner}));
    if (!rows.ok()) return error("release lease");
    return true;
  }

  Status add_oauth_state(const std::string& state, const std::string& shop, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // Nonces older than a day are of no use to anyone: cleared as new ones arrive.
    Rows purge(
        run("DELETE FROM oauth_states WHERE created_at < $1", {std::to_string(now - 86400000)}));
    if (!purge.ok()) return error("purge oauth states");
    Rows rows(run("INSERT INTO oauth_states (state, shop, created_at) VALUES ($1, $2, $3)",
                  {state, shop, std::to_string(now)}));
    if (!rows.ok()) return error("add oauth state");
    return true;
  }

  Result<bool> consume_oauth_state(const std::string& state, const std::string& shop,
                                   int64_t issued_after) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // DELETE ... RETURNING: of two callbacks racing with one state, one gets the row.
    Rows rows(run("DELETE FROM oauth_states WHERE state = $1 RETURNING shop, created_at", {state}));
    if (!rows.ok()) return error("consume oauth state");
    return rows.size() == 1 && rows.text(0, 0) == shop && rows.integer(0, 1) >= issued_after;
  }

  // Brings the schema to kSchemaVersion in one transaction, under a transaction-scoped
  // advisory lock: of several servers starting at once, one migrates and the others then
  // find the work done.
  Status migrate(const OpenOptions& options) {
    if (!command("BEGIN")) return error("begin migration");
    if (!command("SELECT pg_advisory_xact_lock(7150001)") ||
        !command("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                 "applied_at BIGINT NOT NULL)")) {
      return rollback("migration");
    }
    Rows current(run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}));
    if (!current.ok() || current.size() != 1) return rollback("schema version");
    const int64_t version = current.integer(0, 0);
    if (version > kSchemaVersion) {
      command("ROLLBACK");
      return make_error("schema_too_new",
                        "the database was migrated by a newer tiercart-server (schema " +
                            std::to_string(version) + ")");
    }
    auto record = [&](int v) {
      Rows rows(
          run("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, "
              "(EXTRACT(EPOCH FROM now()) * 1000)::bigint)",
              {std::to_string(v)}));
      return rows.ok();
    };
    if (version < 1 && (!command(kSingleShopSchema) || !record(1))) return rollback("migration 1");
    if (version < 2) {
      Rows shops(run("SELECT DISTINCT shop FROM verdicts LIMIT 2", {}));
      Rows unowned(
          run("SELECT (SELECT COUNT(*) FROM programs) + (SELECT COUNT(*) FROM "
              "settings) + (SELECT COUNT(*) FROM changesets)",
              {}));
      if (!shops.ok() || !unowned.ok()) return rollback("migration 2");
      std::vector<std::string> verdict_shops;
      for (int row = 0; row < shops.size(); ++row) verdict_shops.push_back(shops.text(row, 0));
      auto owner = legacy_owner(options, verdict_shops, unowned.integer(0, 0));
      if (!owner) {
        command("ROLLBACK");
        return owner.error();
      }
      std::string sql = kManyShopsMigration;
      for (std::size_t at; (at = sql.find("@LEGACY@")) != std::string::npos;) {
        sql.replace(at, 8, owner.value());
      }
      if (!command(sql.c_str()) || !record(2)) return rollback("migration 2");
    }
    if (version < 3 && (!command(kOutboxMigration) || !record(3))) return rollback("migration 3");
    if (version < 4 && (!command(kFiguresMigration) || !record(4))) return rollback("migration 4");
    if (!command("COMMIT")) return rollback("commit migration");
    return true;
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
  // Runs statements in one transaction; the rows each changed. All or nothing.
  Result<std::vector<int64_t>> change_in_one_transaction(const std::vector<Step>& steps,
                                                         const char* what) {
    std::vector<int64_t> changed(steps.size());
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

Result<std::unique_ptr<Store>> open_postgres(const std::string& url, const OpenOptions& options) {
  PGconn* connection = PQconnectdb(url.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    Error error = make_error("storage_error", std::string("cannot connect to PostgreSQL: ") +
                                                  PQerrorMessage(connection));
    PQfinish(connection);
    return error;
  }
  auto store = std::make_unique<PostgresStore>(connection);
  // "relation already exists, skipping" and its kin on every start are not news.
  store->command("SET client_min_messages = warning");
  if (auto migrated = store->migrate(options); !migrated) return migrated.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tiercart::server
