// The embedded backend. WAL mode with synchronous=FULL: a commit is on disk (fsync of the
// WAL) before record_verdicts returns, so a verdict answered with 200 survives a power cut,
// not only a crash of this process. Group commit makes that one fsync per batch, not per
// webhook (docs/server.md, "Durability").
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "store.h"

namespace tiercart::server {
namespace {

// Migration 1: the schema of the single-shop server, as it stood (created when missing, so a
// database from before schema_migrations existed passes through it unchanged).
constexpr const char* kSingleShopSchema = R"sql(
CREATE TABLE IF NOT EXISTS verdicts (
  webhook_id  TEXT PRIMARY KEY,
  shop        TEXT NOT NULL,
  order_id    INTEGER NOT NULL,
  earned      INTEGER NOT NULL,
  verdict     TEXT NOT NULL,
  tags        TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  customer_id INTEGER,
  order_lines TEXT
);
CREATE INDEX IF NOT EXISTS verdicts_flagged_first ON verdicts (earned, received_at DESC);
CREATE TABLE IF NOT EXISTS programs (
  id         TEXT NOT NULL,
  version    INTEGER NOT NULL,
  document   TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
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
  created_at   INTEGER NOT NULL,
  UNIQUE (reference_id, offer_id)
);
CREATE TABLE IF NOT EXISTS order_edits (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  shop       TEXT NOT NULL,
  order_id   INTEGER NOT NULL,
  edit       TEXT NOT NULL,
  document   TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS order_edits_by_order ON order_edits (shop, order_id, id);
CREATE TABLE IF NOT EXISTS data_requests (
  shop        TEXT NOT NULL,
  request_id  INTEGER NOT NULL,
  customer_id INTEGER,
  orders      TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (shop, request_id)
);
)sql";

// Migration 2: every row belongs to a shop. Programs, settings and changesets gain a shop
// (the rows already there get the legacy owner, ?1 below, written in by the caller: a
// checked shop hostname); verdict and data request lists are indexed per shop; shops hold
// the install state and oauth_states the code grant's nonces. SQLite cannot change a key in
// place, so the three tables are copied into new ones.
constexpr const char* kManyShopsMigration = R"sql(
CREATE TABLE programs_by_shop (
  shop       TEXT NOT NULL,
  id         TEXT NOT NULL,
  version    INTEGER NOT NULL,
  document   TEXT NOT NULL,
  active     INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (shop, id, version)
);
INSERT INTO programs_by_shop SELECT '@LEGACY@', id, version, document, active, created_at
  FROM programs;
DROP TABLE programs;
ALTER TABLE programs_by_shop RENAME TO programs;
CREATE TABLE settings_by_shop (
  shop  TEXT NOT NULL,
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (shop, key)
);
INSERT INTO settings_by_shop SELECT '@LEGACY@', key, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_by_shop RENAME TO settings;
CREATE TABLE changesets_by_shop (
  shop         TEXT NOT NULL,
  request_key  TEXT PRIMARY KEY,
  reference_id TEXT NOT NULL,
  offer_id     TEXT NOT NULL,
  jti          TEXT NOT NULL UNIQUE,
  token        TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  UNIQUE (shop, reference_id, offer_id)
);
INSERT INTO changesets_by_shop SELECT '@LEGACY@', request_key, reference_id, offer_id, jti,
  token, created_at FROM changesets;
DROP TABLE changesets;
ALTER TABLE changesets_by_shop RENAME TO changesets;
DROP INDEX IF EXISTS verdicts_flagged_first;
CREATE INDEX verdicts_by_shop ON verdicts (shop, earned, received_at DESC);
CREATE INDEX data_requests_by_shop ON data_requests (shop, received_at DESC);
CREATE TABLE shops (
  shop               TEXT PRIMARY KEY,
  state              TEXT NOT NULL,
  access_token       TEXT,
  refresh_token      TEXT,
  scope              TEXT,
  access_expires_at  INTEGER NOT NULL DEFAULT 0,
  refresh_expires_at INTEGER NOT NULL DEFAULT 0,
  installed_at       INTEGER NOT NULL DEFAULT 0,
  updated_at         INTEGER NOT NULL,
  last_error         TEXT,
  lease_owner        TEXT,
  lease_until        INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE oauth_states (
  state      TEXT PRIMARY KEY,
  shop       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
)sql";

// Migration 3: the outbox of writes to Shopify (store.h, OutboxWrite).
constexpr const char* kOutboxMigration = R"sql(
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  shop            TEXT NOT NULL,
  kind            TEXT NOT NULL,
  key             TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  lease_owner     TEXT NOT NULL DEFAULT '',
  lease_until     INTEGER NOT NULL DEFAULT 0,
  UNIQUE (shop, key)
);
CREATE INDEX outbox_by_shop ON outbox (shop, state, id);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
)sql";

// The columns migration 2 leaves unowned, counted before it runs.
constexpr const char* kUnownedRows =
    "SELECT (SELECT COUNT(*) FROM programs) + (SELECT COUNT(*) FROM settings) + "
    "(SELECT COUNT(*) FROM changesets)";

// Unix milliseconds, for rows stored without a time from the caller.
int64_t now_ms_wall() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error storage_error(sqlite3* db, const std::string& what) {
  return make_error("storage_error", what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  explicit operator bool() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }
  void bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  // Empty text as NULL: a value not known.
  void bind_or_null(int i, const std::string& text) {
    if (text.empty())
      sqlite3_bind_null(stmt_, i);
    else
      bind(i, text);
  }
  void bind(int i, const std::optional<int64_t>& value) {
    if (value)
      bind(i, *value);
    else
      sqlite3_bind_null(stmt_, i);
  }
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                : std::string();
  }
  int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::optional<int64_t> nullable_integer(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return integer(column);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kOutboxColumns =
    "id, shop, kind, key, payload, state, attempts, created_at, next_attempt_at, updated_at, "
    "last_error";

OutboxRow read_write(const Statement& row) {
  OutboxRow out;
  out.id = row.integer(0);
  out.write = {row.text(1), row.text(2), row.text(3), row.text(4)};
  out.state = row.text(5);
  out.attempts = row.integer(6);
  out.created_at = row.integer(7);
  out.next_attempt_at = row.integer(8);
  out.updated_at = row.integer(9);
  out.last_error = row.text(10);
  return out;
}

// Stores `write` unless its (shop, key) is; the caller holds a write transaction.
constexpr const char* kInsertWrite =
    "INSERT INTO outbox (shop, kind, key, payload, created_at, next_attempt_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5) ON CONFLICT (shop, key) DO NOTHING";

constexpr const char* kVerdictColumns =
    "webhook_id, shop, order_id, earned, verdict, tags, received_at, customer_id, order_lines";

VerdictRecord read_verdict(const Statement& row) {
  VerdictRecord record;
  record.webhook_id = row.text(0);
  record.shop = row.text(1);
  record.order_id = row.integer(2);
  record.earned = row.integer(3) != 0;
  record.verdict = row.text(4);
  record.tags = row.text(5);
  record.received_at = row.integer(6);
  record.customer_id = row.nullable_integer(7);
  record.order_lines = row.text(8);  // NULL reads as empty
  return record;
}

ProgramRecord read_program(const Statement& row) {
  ProgramRecord program;
  program.shop = row.text(5);
  program.id = row.text(0);
  program.version = row.integer(1);
  program.document = row.text(2);
  program.active = row.integer(3) != 0;
  program.created_at = row.integer(4);
  return program;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  ~SqliteStore() override { sqlite3_close(db_); }

  const char* backend() const override { return "sqlite"; }

  Result<std::vector<StoredVerdict>> record_verdicts(
      const std::vector<VerdictRecord>& batch) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // IMMEDIATE takes the write lock up front, so a concurrent writer (another process, or
    // the admin connection) makes us wait for busy_timeout instead of failing mid-batch.
    if (!exec("BEGIN IMMEDIATE")) return storage_error(db_, "begin");
    std::vector<StoredVerdict> stored;
    stored.reserve(batch.size());
    const std::string insert_sql = std::string("INSERT INTO verdicts (") + kVerdictColumns +
                                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                                   "ON CONFLICT (webhook_id) DO NOTHING";
    // A webhook id is Shopify's and unique over every shop; the stored row is read back only
    // when it is the same shop's.
    const std::string select_sql = std::string("SELECT ") + kVerdictColumns +
                                   " FROM verdicts WHERE webhook_id = ?1 AND shop = ?2";
    Statement insert(db_, insert_sql.c_str());
    Statement select(db_, select_sql.c_str());
    Statement insert_write(db_, kInsertWrite);
    Statement insert_figures(db_,
                             "INSERT INTO order_figures (shop, order_id, day, document) "
                             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (shop, order_id) DO NOTHING");
    if (!insert || !select || !insert_write || !insert_figures) {
      exec("ROLLBACK");
      return storage_error(db_, "prepare");
    }
    for (const auto& record : batch) {
      insert.bind(1, record.webhook_id);
      insert.bind(2, record.shop);
      insert.bind(3, record.order_id);
      insert.bind(4, static_cast<int64_t>(record.earned));
      insert.bind(5, record.verdict);
      insert.bind(6, record.tags);
      insert.bind(7, record.received_at);
      insert.bind(8, record.customer_id);
      insert.bind_or_null(9, record.order_lines);
      if (insert.step() != SQLITE_DONE) {
        return rollback("insert verdict");
      }
      insert.reset();
      if (sqlite3_changes(db_) == 1) {
        for (const OutboxWrite& write : record.writes) {
          if (!store_write(insert_write, write, record.received_at)) {
            return rollback("insert write");
          }
        }
        if (!record.figures.empty()) {
          insert_figures.bind(1, record.shop);
          insert_figures.bind(2, record.order_id);
          insert_figures.bind(3, record.figures_day);
          insert_figures.bind(4, record.figures);
          if (insert_figures.step() != SQLITE_DONE) return rollback("insert figures");
          insert_figures.reset();
        }
        stored.push_back({record, false});
        continue;
      }
      select.bind(1, record.webhook_id);
      select.bind(2, record.shop);
      if (select.step() != SQLITE_ROW) {
        Error error = make_error("storage_error", "webhook id stored for another shop");
        exec("ROLLBACK");
        return error;
      }
      stored.push_back({read_verdict(select), true});
      select.reset();
    }
    if (!exec("COMMIT")) {
      return rollback("commit");
    }
    return stored;
  }

  Result<std::optional<VerdictRecord>> find_verdict(const std::string& shop,
                                                    const std::string& webhook_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string sql = std::string("SELECT ") + kVerdictColumns +
                            " FROM verdicts WHERE webhook_id = ?1 AND shop = ?2";
    Statement select(db_, sql.c_str());
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, webhook_id);
    select.bind(2, shop);
    const int step = select.step();
    if (step == SQLITE_DONE) return std::optional<VerdictRecord>();
    if (step != SQLITE_ROW) return storage_error(db_, "find verdict");
    return std::optional<VerdictRecord>(read_verdict(select));
  }

  Result<std::vector<VerdictRecord>> list_verdicts(const VerdictQuery& query) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string sql = std::string("SELECT ") + kVerdictColumns +
                            " FROM verdicts WHERE shop = ?3 AND (?1 = 0 OR earned = 0)"
                            " ORDER BY earned ASC, received_at DESC, webhook_id ASC LIMIT ?2";
    Statement select(db_, sql.c_str());
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, static_cast<int64_t>(query.flagged_only));
    select.bind(2, static_cast<int64_t>(query.limit));
    select.bind(3, query.shop);
    std::vector<VerdictRecord> records;
    int step;
    while ((step = select.step()) == SQLITE_ROW) records.push_back(read_verdict(select));
    if (step != SQLITE_DONE) return storage_error(db_, "list verdicts");
    return records;
  }

  Result<int64_t> count_verdicts(const std::string& shop, bool flagged_only) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_,
                     "SELECT COUNT(*) FROM verdicts WHERE shop = ?2 AND (?1 = 0 OR earned = 0)");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, static_cast<int64_t>(flagged_only));
    select.bind(2, shop);
    if (select.step() != SQLITE_ROW) return storage_error(db_, "count verdicts");
    return select.integer(0);
  }

  Result<bool> add_program(const ProgramRecord& program) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement insert(db_,
                     "INSERT INTO programs (shop, id, version, document, active, created_at) "
                     "VALUES (?1, ?2, ?3, ?4, 0, ?5) ON CONFLICT (shop, id, version) DO NOTHING");
    if (!insert) return storage_error(db_, "prepare");
    insert.bind(1, program.shop);
    insert.bind(2, program.id);
    insert.bind(3, program.version);
    insert.bind(4, program.document);
    insert.bind(5, program.created_at);
    if (insert.step() != SQLITE_DONE) return storage_error(db_, "add program");
    return sqlite3_changes(db_) == 1;
  }

  Result<std::optional<ProgramRecord>> find_program(const std::string& shop, const std::string& id,
                                                    int64_t version) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_,
                     "SELECT id, version, document, active, created_at, shop FROM programs "
                     "WHERE id = ?1 AND version = ?2 AND shop = ?3");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, id);
    select.bind(2, version);
    select.bind(3, shop);
    const int step = select.step();
    if (step == SQLITE_DONE) return std::optional<ProgramRecord>();
    if (step != SQLITE_ROW) return storage_error(db_, "find program");
    return std::optional<ProgramRecord>(read_program(select));
  }

  Result<std::vector<ProgramRecord>> list_programs(const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_,
                     "SELECT id, version, document, active, created_at, shop FROM programs "
                     "WHERE shop = ?1 ORDER BY id, version");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    std::vector<ProgramRecord> programs;
    int step;
    while ((step = select.step()) == SQLITE_ROW) programs.push_back(read_program(select));
    if (step != SQLITE_DONE) return storage_error(db_, "list programs");
    return programs;
  }

  Result<bool> activate_program(const std::string& shop, const std::string& id, int64_t version,
                                const std::vector<OutboxWrite>& writes) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!exec("BEGIN IMMEDIATE")) return storage_error(db_, "begin");
    Statement update(
        db_,
        "UPDATE programs SET active = (version = ?2) WHERE shop = ?3 AND id = ?1 AND "
        "EXISTS (SELECT 1 FROM programs WHERE shop = ?3 AND id = ?1 AND version = ?2)");
    if (!update) {
      exec("ROLLBACK");
      return storage_error(db_, "prepare");
    }
    update.bind(1, id);
    update.bind(2, version);
    update.bind(3, shop);
    if (update.step() != SQLITE_DONE) {
      return rollback("activate program");
    }
    const bool found = sqlite3_changes(db_) > 0;
    if (found && !writes.empty()) {
      Statement insert_write(db_, kInsertWrite);
      bool ok = static_cast<bool>(insert_write);
      for (const OutboxWrite& write : writes) {
        ok = ok && store_write(insert_write, write, now_ms_wall());
      }
      if (!ok) {
        return rollback("insert write");
      }
    }
    if (!exec("COMMIT")) {
      return rollback("commit");
    }
    return found;
  }

  Status put_setting(const std::string& shop, const std::string& key,
                     const std::string& value) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement upsert(db_,
                     "INSERT INTO settings (shop, key, value) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (shop, key) DO UPDATE SET value = excluded.value");
    if (!upsert) return storage_error(db_, "prepare");
    upsert.bind(1, shop);
    upsert.bind(2, key);
    upsert.bind(3, value);
    if (upsert.step() != SQLITE_DONE) return storage_error(db_, "put setting");
    return true;
  }

  Result<std::optional<std::string>> get_setting(const std::string& shop,
                                                 const std::string& key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_, "SELECT value FROM settings WHERE shop = ?1 AND key = ?2");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    select.bind(2, key);
    const int step = select.step();
    if (step == SQLITE_DONE) return std::optional<std::string>();
    if (step != SQLITE_ROW) return storage_error(db_, "get setting");
    return std::optional<std::string>(select.text(0));
  }

  Result<StoredChangeset> record_changeset(const ChangesetRecord& c) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!exec("BEGIN IMMEDIATE")) return storage_error(db_, "begin");
    Statement insert(
        db_,
        "INSERT INTO changesets (request_key, reference_id, offer_id, jti, token, "
        "created_at, shop) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
    if (!insert) {
      exec("ROLLBACK");
      return storage_error(db_, "prepare");
    }
    insert.bind(1, c.request_key);
    insert.bind(2, c.reference_id);
    insert.bind(3, c.offer_id);
    insert.bind(4, c.jti);
    insert.bind(5, c.token);
    insert.bind(6, c.created_at);
    insert.bind(7, c.shop);
    if (insert.step() != SQLITE_DONE) {
      return rollback("insert changeset");
    }
    StoredChangeset stored{c, sqlite3_changes(db_) != 1};
    if (stored.existing) {
      // The row the request key names first: a replayed token gets its own earlier answer.
      Statement select(db_,
                       "SELECT request_key, reference_id, offer_id, jti, token, created_at, shop "
                       "FROM changesets WHERE request_key = ?1 OR (shop = ?5 AND reference_id = "
                       "?2 AND offer_id = ?3) OR jti = ?4 ORDER BY request_key = ?1 DESC LIMIT 1");
      select.bind(1, c.request_key);
      select.bind(2, c.reference_id);
      select.bind(3, c.offer_id);
      select.bind(4, c.jti);
      select.bind(5, c.shop);
      // Keys (the token's jti or digest) are global: one stored for another shop is never
      // handed back.
      if (!select || select.step() != SQLITE_ROW || select.text(6) != c.shop) {
        Error error = make_error("storage_error", "changeset stored for another shop");
        exec("ROLLBACK");
        return error;
      }
      stored.record = {select.text(6), select.text(0), select.text(1),   select.text(2),
                       select.text(3), select.text(4), select.integer(5)};
    }
    if (!exec("COMMIT")) {
      return rollback("commit");
    }
    return stored;
  }

  Result<int64_t> count_changesets(const std::string& shop,
                                   const std::string& reference_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_, "SELECT COUNT(*) FROM changesets WHERE shop = ?1 AND reference_id = ?2");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    select.bind(2, reference_id);
    if (select.step() != SQLITE_ROW) return storage_error(db_, "count changesets");
    return select.integer(0);
  }

  Status add_order_edit(const OrderEditRecord& edit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement insert(db_,
                     "INSERT INTO order_edits (shop, order_id, edit, document, created_at) "
                     "VALUES ($1, $2, $3, $4, $5)");
    if (!insert) return storage_error(db_, "prepare");
    insert.bind(1, edit.shop);
    insert.bind(2, edit.order_id);
    insert.bind(3, edit.edit);
    insert.bind(4, edit.document);
    insert.bind(5, edit.created_at);
    if (edit.writes.empty()) {
      if (insert.step() != SQLITE_DONE) return storage_error(db_, "insert order edit");
      return true;
    }
    // The edit and the writes that apply it to Shopify: both or neither.
    if (!exec("BEGIN IMMEDIATE")) return storage_error(db_, "begin");
    Statement insert_write(db_, kInsertWrite);
    bool ok = insert_write && insert.step() == SQLITE_DONE;
    for (const OutboxWrite& write : edit.writes) {
      ok = ok && store_write(insert_write, write, edit.created_at);
    }
    if (!ok || !exec("COMMIT")) {
      return rollback("insert order edit");
    }
    return true;
  }

  Result<bool> add_write(const OutboxWrite& write, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement insert(db_, kInsertWrite);
    if (!insert) return storage_error(db_, "prepare");
    if (!store_write(insert, write, now)) return storage_error(db_, "insert write");
    return sqlite3_changes(db_) == 1;
  }

  Result<std::vector<OutboxRow>> claim_writes(const std::string& owner, int64_t now,
                                              int64_t lease_until, int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // The write lock is taken up front: another process claiming at the same time waits and
    // then sees these leases.
    const std::string sql =
        std::string(
            "UPDATE outbox SET lease_owner = ?1, lease_until = ?2 WHERE id IN ("
            "SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= ?3 "
            "AND o.lease_until <= ?3 AND o.id = (SELECT MIN(p.id) FROM outbox p "
            "WHERE p.shop = o.shop AND p.state = 'pending') ORDER BY o.id LIMIT ?4) "
            "RETURNING ") +
        kOutboxColumns;
    // Most looks find nothing due: they read without taking the write lock, which the
    // group-commit writer shares.
    {
      Statement due(db_,
                    "SELECT 1 FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1 AND "
                    "lease_until <= ?1 LIMIT 1");
      if (!due) return storage_error(db_, "prepare");
      due.bind(1, now);
      const int step = due.step();
      if (step == SQLITE_DONE) return std::vector<OutboxRow>();
      if (step != SQLITE_ROW) return storage_error(db_, "claim writes");
    }
    if (!exec("BEGIN IMMEDIATE")) return storage_error(db_, "begin");
    std::vector<OutboxRow> claimed;
    {
      Statement update(db_, sql.c_str());
      if (!update) {
        return rollback("prepare");
      }
      update.bind(1, owner);
      update.bind(2, lease_until);
      update.bind(3, now);
      update.bind(4, static_cast<int64_t>(limit));
      int step;
      while ((step = update.step()) == SQLITE_ROW) claimed.push_back(read_write(update));
      if (step != SQLITE_DONE) {
        return rollback("claim writes");
      }
    }
    if (!exec("COMMIT")) {
      return rollback("commit");
    }
    std::sort(claimed.begin(), claimed.end(),
              [](const OutboxRow& a, const OutboxRow& b) { return a.id < b.id; });
    return claimed;
  }

  Result<bool> settle_write(int64_t id, const std::string& owner, const std::string& state,
                            int64_t next_attempt_at, bool attempted, const std::string& error,
                            int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement update(db_,
                     "UPDATE outbox SET state = ?1, next_attempt_at = ?2, attempts = attempts + "
                     "?3, last_error = ?4, updated_at = ?5, lease_owner = '', lease_until = 0 "
                     "WHERE id = ?6 AND lease_owner = ?7");
    if (!update) return storage_error(db_, "prepare");
    update.bind(1, state);
    update.bind(2, next_attempt_at);
    update.bind(3, static_cast<int64_t>(attempted ? 1 : 0));
    update.bind(4, error);
    update.bind(5, now);
    update.bind(6, id);
    update.bind(7, owner);
    if (update.step() != SQLITE_DONE) return storage_error(db_, "settle write");
    return sqlite3_changes(db_) == 1;
  }

  Result<OutboxState> outbox_state(const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement counts(db_,
                     "SELECT state, COUNT(*), MIN(created_at) FROM outbox "
                     "WHERE (?1 = '' OR shop = ?1) GROUP BY state");
    Statement last(db_,
                   "SELECT last_error FROM outbox WHERE (?1 = '' OR shop = ?1) AND state != "
                   "'done' AND last_error != '' ORDER BY updated_at DESC LIMIT 1");
    if (!counts || !last) return storage_error(db_, "prepare");
    counts.bind(1, shop);
    last.bind(1, shop);
    OutboxState state;
    int step;
    while ((step = counts.step()) == SQLITE_ROW) {
      const std::string name = counts.text(0);
      if (name == "pending") {
        state.pending = counts.integer(1);
        state.oldest_pending_at = counts.integer(2);
      } else if (name == "failed") {
        state.failed = counts.integer(1);
      } else if (name == "done") {
        state.done = counts.integer(1);
      }
    }
    if (step != SQLITE_DONE) return storage_error(db_, "outbox state");
    step = last.step();
    if (step == SQLITE_ROW)
      state.last_error = last.text(0);
    else if (step != SQLITE_DONE)
      return storage_error(db_, "outbox state");
    return state;
  }

  Result<std::vector<OutboxRow>> list_writes(const std::string& shop, int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string sql = std::string("SELECT ") + kOutboxColumns +
                            " FROM outbox WHERE shop = ?1 ORDER BY state = 'done', id DESC "
                            "LIMIT ?2";
    Statement select(db_, sql.c_str());
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    select.bind(2, static_cast<int64_t>(limit));
    std::vector<OutboxRow> rows;
    int step;
    while ((step = select.step()) == SQLITE_ROW) rows.push_back(read_write(select));
    if (step != SQLITE_DONE) return storage_error(db_, "list writes");
    return rows;
  }

  Result<int64_t> prune_writes(int64_t done_before, int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // Read first: a DELETE takes the write lock even when it deletes nothing.
    {
      Statement old(db_, "SELECT 1 FROM outbox WHERE state = 'done' AND updated_at < ?1 LIMIT 1");
      if (!old) return storage_error(db_, "prepare");
      old.bind(1, done_before);
      const int step = old.step();
      if (step == SQLITE_DONE) return int64_t{0};
      if (step != SQLITE_ROW) return storage_error(db_, "prune writes");
    }
    Statement remove(db_,
                     "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'done' "
                     "AND updated_at < ?1 ORDER BY id LIMIT ?2)");
    if (!remove) return storage_error(db_, "prepare");
    remove.bind(1, done_before);
    remove.bind(2, static_cast<int64_t>(limit));
    if (remove.step() != SQLITE_DONE) return storage_error(db_, "prune writes");
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<bool> retry_write(const std::string& shop, int64_t id, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement update(db_,
                     "UPDATE outbox SET state = 'pending', next_attempt_at = ?1, updated_at = ?1 "
                     "WHERE shop = ?2 AND id = ?3 AND state = 'failed'");
    if (!update) return storage_error(db_, "prepare");
    update.bind(1, now);
    update.bind(2, shop);
    update.bind(3, id);
    if (update.step() != SQLITE_DONE) return storage_error(db_, "retry write");
    return sqlite3_changes(db_) == 1;
  }

  Result<std::vector<OrderEditRecord>> list_order_edits(const std::string& shop,
                                                        int64_t order_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_,
                     "SELECT shop, order_id, edit, document, created_at FROM order_edits "
                     "WHERE shop = $1 AND order_id = $2 ORDER BY id");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    select.bind(2, order_id);
    std::vector<OrderEditRecord> edits;
    int step;
    while ((step = select.step()) == SQLITE_ROW) {
      edits.push_back({select.text(0),
                       select.integer(1),
                       select.text(2),
                       select.text(3),
                       select.integer(4),
                       {}});
    }
    if (step != SQLITE_DONE) return storage_error(db_, "list order edits");
    return edits;
  }

  Result<std::optional<VerdictRecord>> find_order_verdict(const std::string& shop,
                                                          int64_t order_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string sql = std::string("SELECT ") + kVerdictColumns +
                            " FROM verdicts WHERE shop = $1 AND order_id = $2"
                            " ORDER BY received_at LIMIT 1";
    Statement select(db_, sql.c_str());
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    select.bind(2, order_id);
    const int step = select.step();
    if (step == SQLITE_DONE) return std::optional<VerdictRecord>();
    if (step != SQLITE_ROW) return storage_error(db_, "find order verdict");
    return std::optional<VerdictRecord>(read_verdict(select));
  }

  Result<std::vector<std::pair<std::string, int64_t>>> active_programs(
      const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_, kActivePrograms);
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    std::vector<std::pair<std::string, int64_t>> active;
    int step;
    while ((step = select.step()) == SQLITE_ROW)
      active.emplace_back(select.text(0), select.integer(1));
    if (step != SQLITE_DONE) return storage_error(db_, "list active programs");
    return active;
  }

  Result<bool> add_adjustment(const AdjustmentRecord& a) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement insert(db_,
                     "INSERT INTO order_adjustments (shop, key, order_id, refunded, cancelled, "
                     "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
    if (!insert) return storage_error(db_, "prepare");
    insert.bind(1, a.shop);
    insert.bind(2, a.key);
    insert.bind(3, a.order_id);
    insert.bind(4, a.refunded);
    insert.bind(5, static_cast<int64_t>(a.cancelled));
    insert.bind(6, a.received_at);
    if (insert.step() != SQLITE_DONE) return storage_error(db_, "insert adjustment");
    return sqlite3_changes(db_) == 1;
  }

  Result<std::vector<FiguresRecord>> list_figures(const std::string& shop,
                                                  const std::string& from_day,
                                                  const std::string& to_day) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_, kListFigures);
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    select.bind(2, from_day);
    select.bind(3, to_day);
    std::vector<FiguresRecord> rows;
    int step;
    while ((step = select.step()) == SQLITE_ROW) {
      rows.push_back({select.text(0), select.integer(1), select.integer(2) != 0});
    }
    if (step != SQLITE_DONE) return storage_error(db_, "list figures");
    return rows;
  }

  Result<Erasure> erase_customer(const std::string& shop, std::optional<int64_t> customer_id,
                                 const std::vector<int64_t>& orders) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string ids = ids_to_text(orders);
    // ?N, not $N: SQLite numbers `$N` parameters by first appearance, and these statements
    // name them out of order. Edits first: the customer's orders are found through the ids
    // the verdicts still hold.
    auto changed = change_in_one_transaction(
        {"DELETE FROM order_edits WHERE shop = ?1 AND (order_id IN (SELECT value FROM "
         "json_each(?3)) OR order_id IN (SELECT order_id FROM verdicts WHERE shop = ?1 AND "
         "customer_id = ?2))",
         "UPDATE verdicts SET customer_id = NULL WHERE shop = ?1 AND customer_id IS NOT NULL "
         "AND (customer_id = ?2 OR order_id IN (SELECT value FROM json_each(?3)))",
         "DELETE FROM data_requests WHERE shop = ?1 AND customer_id = ?2"},
        [&](Statement& statement) {
          statement.bind(1, shop);
          statement.bind(2, customer_id);
          statement.bind(3, ids);
        },
        "erase customer");
    if (!changed) return changed.error();
    return Erasure{changed.value()[1], changed.value()[0], changed.value()[2]};
  }

  Result<Erasure> erase_shop(const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto changed = change_in_one_transaction(
        {"DELETE FROM verdicts WHERE shop = ?1", "DELETE FROM order_edits WHERE shop = ?1",
         "DELETE FROM data_requests WHERE shop = ?1", "DELETE FROM programs WHERE shop = ?1",
         "DELETE FROM settings WHERE shop = ?1", "DELETE FROM changesets WHERE shop = ?1",
         "DELETE FROM oauth_states WHERE shop = ?1", "DELETE FROM shops WHERE shop = ?1",
         "DELETE FROM outbox WHERE shop = ?1", "DELETE FROM order_figures WHERE shop = ?1",
         "DELETE FROM order_adjustments WHERE shop = ?1"},
        [&](Statement& s) { s.bind(1, shop); }, "erase shop");
    if (!changed) return changed.error();
    return Erasure{changed.value()[0], changed.value()[1], changed.value()[2]};
  }

  Result<bool> add_data_request(const DataRequestRecord& request) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement insert(db_,
                     "INSERT INTO data_requests (shop, request_id, customer_id, orders, "
                     "received_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");
    if (!insert) return storage_error(db_, "prepare");
    insert.bind(1, request.shop);
    insert.bind(2, request.request_id);
    insert.bind(3, request.customer_id);
    insert.bind(4, ids_to_text(request.orders));
    insert.bind(5, request.received_at);
    if (insert.step() != SQLITE_DONE) return storage_error(db_, "insert data request");
    return sqlite3_changes(db_) == 1;
  }

  Result<std::vector<DataRequestRecord>> list_data_requests(const std::string& shop,
                                                            int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_,
                     "SELECT shop, request_id, customer_id, orders, received_at FROM "
                     "data_requests WHERE shop = ?2 ORDER BY received_at DESC, request_id DESC "
                     "LIMIT ?1");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, int64_t{limit});
    select.bind(2, shop);
    std::vector<DataRequestRecord> requests;
    int step;
    while ((step = select.step()) == SQLITE_ROW) {
      requests.push_back({select.text(0), select.integer(1), select.nullable_integer(2),
                          ids_from_text(select.text(3)), select.integer(4)});
    }
    if (step != SQLITE_DONE) return storage_error(db_, "list data requests");
    return requests;
  }

  Result<std::vector<VerdictRecord>> customer_verdicts(
      const std::string& shop, std::optional<int64_t> customer_id,
      const std::vector<int64_t>& orders) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string sql = std::string("SELECT ") + kVerdictColumns +
                            " FROM verdicts WHERE shop = ?1 AND (customer_id = ?2 OR order_id "
                            "IN (SELECT value FROM json_each(?3))) ORDER BY received_at";
    Statement select(db_, sql.c_str());
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    select.bind(2, customer_id);
    select.bind(3, ids_to_text(orders));
    std::vector<VerdictRecord> verdicts;
    int step;
    while ((step = select.step()) == SQLITE_ROW) verdicts.push_back(read_verdict(select));
    if (step != SQLITE_DONE) return storage_error(db_, "customer verdicts");
    return verdicts;
  }

  Result<std::optional<ShopRecord>> find_shop(const std::string& shop) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_,
                     "SELECT shop, state, access_token, refresh_token, scope, access_expires_at, "
                     "refresh_expires_at, installed_at, updated_at, last_error FROM shops "
                     "WHERE shop = ?1");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, shop);
    const int step = select.step();
    if (step == SQLITE_DONE) return std::optional<ShopRecord>();
    if (step != SQLITE_ROW) return storage_error(db_, "find shop");
    ShopRecord record;
    record.shop = select.text(0);
    record.state = select.text(1);
    record.access_token = select.text(2);
    record.refresh_token = select.text(3);
    record.scope = select.text(4);
    record.access_expires_at = select.integer(5);
    record.refresh_expires_at = select.integer(6);
    record.installed_at = select.integer(7);
    record.updated_at = select.integer(8);
    record.last_error = select.text(9);
    return std::optional<ShopRecord>(std::move(record));
  }

  Result<bool> note_shop(const std::string& shop, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement insert(db_,
                     "INSERT INTO shops (shop, state, updated_at) VALUES (?1, 'pending', ?2) "
                     "ON CONFLICT (shop) DO NOTHING");
    if (!insert) return storage_error(db_, "prepare");
    insert.bind(1, shop);
    insert.bind(2, now);
    if (insert.step() != SQLITE_DONE) return storage_error(db_, "note shop");
    return sqlite3_changes(db_) == 1;
  }

  Status save_tokens(const ShopRecord& r) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // installed_at keeps the first install's time across refreshes; a reinstall after
    // app/uninstalled starts it again.
    Statement upsert(
        db_,
        "INSERT INTO shops (shop, state, access_token, refresh_token, scope, access_expires_at, "
        "refresh_expires_at, installed_at, updated_at, last_error) VALUES (?1, 'installed', ?2, "
        "?3, ?4, ?5, ?6, ?7, ?7, NULL) ON CONFLICT (shop) DO UPDATE SET state = 'installed', "
        "access_token = excluded.access_token, refresh_token = excluded.refresh_token, scope = "
        "excluded.scope, access_expires_at = excluded.access_expires_at, refresh_expires_at = "
        "excluded.refresh_expires_at, installed_at = CASE WHEN shops.state = 'installed' THEN "
        "shops.installed_at ELSE excluded.installed_at END, updated_at = excluded.updated_at, "
        "last_error = NULL");
    if (!upsert) return storage_error(db_, "prepare");
    upsert.bind(1, r.shop);
    upsert.bind(2, r.access_token);
    upsert.bind_or_null(3, r.refresh_token);
    upsert.bind(4, r.scope);
    upsert.bind(5, r.access_expires_at);
    upsert.bind(6, r.refresh_expires_at);
    upsert.bind(7, r.updated_at);
    if (upsert.step() != SQLITE_DONE) return storage_error(db_, "save tokens");
    return true;
  }

  Status set_shop_error(const std::string& shop, const std::string& error, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement update(db_, "UPDATE shops SET last_error = ?2, updated_at = ?3 WHERE shop = ?1");
    if (!update) return storage_error(db_, "prepare");
    update.bind(1, shop);
    update.bind(2, error);
    update.bind(3, now);
    if (update.step() != SQLITE_DONE) return storage_error(db_, "set shop error");
    return true;
  }

  Result<bool> uninstall_shop(const std::string& shop, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement update(db_,
                     "UPDATE shops SET state = 'uninstalled', access_token = NULL, refresh_token "
                     "= NULL, access_expires_at = 0, refresh_expires_at = 0, updated_at = ?2, "
                     "lease_owner = NULL, lease_until = 0 WHERE shop = ?1");
    if (!update) return storage_error(db_, "prepare");
    update.bind(1, shop);
    update.bind(2, now);
    if (update.step() != SQLITE_DONE) return storage_error(db_, "uninstall shop");
    return sqlite3_changes(db_) == 1;
  }

  Result<std::vector<std::string>> list_shops(const std::string& state, const std::string& after,
                                              int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(
        db_, "SELECT shop FROM shops WHERE state = ?1 AND shop > ?2 ORDER BY shop LIMIT ?3");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, state);
    select.bind(2, after);
    select.bind(3, static_cast<int64_t>(limit));
    std::vector<std::string> shops;
    int step;
    while ((step = select.step()) == SQLITE_ROW) shops.push_back(select.text(0));
    if (step != SQLITE_DONE) return storage_error(db_, "list shops");
    return shops;
  }

  Result<std::vector<std::string>> shops_to_refresh(int64_t before, int limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_,
                     "SELECT shop FROM shops WHERE state = 'installed' AND refresh_token IS NOT "
                     "NULL AND access_expires_at > 0 AND access_expires_at < ?1 "
                     "ORDER BY access_expires_at LIMIT ?2");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, before);
    select.bind(2, int64_t{limit});
    std::vector<std::string> shops;
    int step;
    while ((step = select.step()) == SQLITE_ROW) shops.push_back(select.text(0));
    if (step != SQLITE_DONE) return storage_error(db_, "shops to refresh");
    return shops;
  }

  Result<int64_t> count_shops(const std::string& state) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement select(db_, "SELECT COUNT(*) FROM shops WHERE state = ?1");
    if (!select) return storage_error(db_, "prepare");
    select.bind(1, state);
    if (select.step() != SQLITE_ROW) return storage_error(db_, "count shops");
    return select.integer(0);
  }

  Result<bool> take_token_lease(const std::string& shop, const std::string& owner, int64_t now,
                                int64_t until) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // One statement: whoever's UPDATE lands first holds the lease; the row is created first
    // so that a shop never seen before can be leased too.
    Statement insert(db_,
                     "INSERT INTO shops (shop, state, updated_at) VALUES (?1, 'pending', ?2) "
                     "ON CONFLICT (shop) DO NOTHING");
    Statement update(db_,
                     "UPDATE shops SET lease_owner = ?2, lease_until = ?4 WHERE shop = ?1 AND "
                     "(lease_owner IS NULL OR lease_owner = ?2 OR lease_until <= ?3)");
    if (!insert || !update) return storage_error(db_, "prepare");
    insert.bind(1, shop);
    insert.bind(2, now);
    if (insert.step() != SQLITE_DONE) return storage_error(db_, "take lease");
    update.bind(1, shop);
    update.bind(2, owner);
    update.bind(3, now);
    update.bind(4, until);
    if (update.step() != SQLITE_DONE) return storage_error(db_, "take lease");
    return sqlite3_changes(db_) == 1;
  }

  Status release_token_lease(const std::string& shop, const std::string& owner) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement update(db_,
                     "UPDATE shops SET lease_owner = NULL, lease_until = 0 WHERE shop = ?1 AND "
                     "lease_owner = ?2");
    if (!update) return storage_error(db_, "prepare");
    update.bind(1, shop);
    update.bind(2, owner);
    if (update.step() != SQLITE_DONE) return storage_error(db_, "release lease");
    return true;
  }

  Status add_oauth_state(const std::string& state, const std::string& shop, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    // Nonces older than a day are of no use to anyone: cleared as new ones arrive.
    Statement purge(db_, "DELETE FROM oauth_states WHERE created_at < ?1");
    Statement insert(db_, "INSERT INTO oauth_states (state, shop, created_at) VALUES (?1, ?2, ?3)");
    if (!purge || !insert) return storage_error(db_, "prepare");
    purge.bind(1, now - 86400000);
    if (purge.step() != SQLITE_DONE) return storage_error(db_, "purge oauth states");
    insert.bind(1, state);
    insert.bind(2, shop);
    insert.bind(3, now);
    if (insert.step() != SQLITE_DONE) return storage_error(db_, "add oauth state");
    return true;
  }

  Result<bool> consume_oauth_state(const std::string& state, const std::string& shop,
                                   int64_t issued_after) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!exec("BEGIN IMMEDIATE")) return storage_error(db_, "begin");
    Statement select(db_, "SELECT shop, created_at FROM oauth_states WHERE state = ?1");
    Statement remove(db_, "DELETE FROM oauth_states WHERE state = ?1");
    if (!select || !remove) {
      exec("ROLLBACK");
      return storage_error(db_, "prepare");
    }
    select.bind(1, state);
    const int step = select.step();
    const bool valid =
        step == SQLITE_ROW && select.text(0) == shop && select.integer(1) >= issued_after;
    remove.bind(1, state);
    if ((step != SQLITE_ROW && step != SQLITE_DONE) || remove.step() != SQLITE_DONE ||
        !exec("COMMIT")) {
      return rollback("consume oauth state");
    }
    return valid;
  }

  Status ping() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!exec("SELECT 1")) return storage_error(db_, "ping");
    return true;
  }

  // Runs statements, each bound by `bind`, in one write transaction; the rows each changed.
  // All or nothing.
  Result<std::vector<int64_t>> change_in_one_transaction(
      const std::vector<const char*>& statements, const std::function<void(Statement&)>& bind,
      const char* what) {
    std::vector<int64_t> changed(statements.size());
    if (!exec("BEGIN IMMEDIATE")) return storage_error(db_, "begin");
    for (std::size_t i = 0; i < statements.size(); ++i) {
      Statement statement(db_, statements[i]);
      if (statement) bind(statement);
      if (!statement || statement.step() != SQLITE_DONE) {
        return rollback(what);
      }
      changed[i] = sqlite3_changes(db_);
    }
    if (!exec("COMMIT")) {
      return rollback("commit");
    }
    return changed;
  }

  // Brings the schema to kSchemaVersion, each migration in one write transaction with its
  // row in schema_migrations: a crash leaves the database at one version or the next.
  Status migrate(const OpenOptions& options) {
    if (!exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
              "applied_at INTEGER NOT NULL)")) {
      return storage_error(db_, "create schema_migrations");
    }
    if (!exec("BEGIN IMMEDIATE")) return storage_error(db_, "begin migration");
    auto failed = [&](Error error) {
      exec("ROLLBACK");
      return error;
    };
    int64_t version = 0;
    {
      Statement select(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
      if (!select || select.step() != SQLITE_ROW) return failed(storage_error(db_, "version"));
      version = select.integer(0);
    }
    if (version > kSchemaVersion) {
      return failed(make_error("schema_too_new",
                               "the database was migrated by a newer tiercart-server (schema " +
                                   std::to_string(version) + ")"));
    }
    if (version < 1) {
      if (!exec(kSingleShopSchema) || !add_missing_columns()) {
        return failed(storage_error(db_, "migration 1"));
      }
      if (!record_migration(1)) return failed(storage_error(db_, "record migration 1"));
    }
    if (version < 2) {
      std::vector<std::string> verdict_shops;
      int64_t unowned = 0;
      {
        Statement shops(db_, "SELECT DISTINCT shop FROM verdicts LIMIT 2");
        Statement count(db_, kUnownedRows);
        if (!shops || !count || count.step() != SQLITE_ROW) {
          return failed(storage_error(db_, "migration 2"));
        }
        while (shops.step() == SQLITE_ROW) verdict_shops.push_back(shops.text(0));
        unowned = count.integer(0);
      }
      auto owner = legacy_owner(options, verdict_shops, unowned);
      if (!owner) return failed(owner.error());
      std::string sql = kManyShopsMigration;
      for (std::size_t at; (at = sql.find("@LEGACY@")) != std::string::npos;) {
        sql.replace(at, 8, owner.value());
      }
      if (!exec(sql.c_str())) return failed(storage_error(db_, "migration 2"));
      if (!record_migration(2)) return failed(storage_error(db_, "record migration 2"));
    }
    if (version < 3) {
      if (!exec(kOutboxMigration)) return failed(storage_error(db_, "migration 3"));
      if (!record_migration(3)) return failed(storage_error(db_, "record migration 3"));
    }
    if (version < 4) {
      if (!exec(kFiguresMigration)) return failed(storage_error(db_, "migration 4"));
      if (!record_migration(4)) return failed(storage_error(db_, "record migration 4"));
    }
    if (!exec("COMMIT")) return failed(storage_error(db_, "commit migration"));
    return true;
  }

  bool store_write(Statement& insert, const OutboxWrite& write, int64_t now) {
    insert.bind(1, write.shop);
    insert.bind(2, write.kind);
    insert.bind(3, write.key);
    insert.bind(4, write.payload);
    insert.bind(5, now);
    const bool ok = insert.step() == SQLITE_DONE;
    insert.reset();
    return ok;
  }

  bool record_migration(int64_t version) {
    Statement insert(db_,
                     "INSERT INTO schema_migrations (version, applied_at) VALUES "
                     "(?1, CAST(strftime('%s', 'now') AS INTEGER) * 1000)");
    if (!insert) return false;
    insert.bind(1, version);
    return insert.step() == SQLITE_DONE;
  }

  // Ends the open transaction after a failed step: the error names the step.
  Error rollback(const std::string& what) {
    Error error = storage_error(db_, what);
    exec("ROLLBACK");
    return error;
  }

  bool exec(const char* sql) {
    return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  // A database from before verdicts.customer_id gains the column (NULL in old rows: no one
  // may edit those orders), and one from before verdicts.order_lines gains that (NULL in old
  // rows: their offers cannot be chosen). "duplicate column" means it is there already: a
  // current database, or another process that added it first.
  // The index on customer_id comes after it.
  bool add_missing_columns() {
    for (const char* column : {"ALTER TABLE verdicts ADD COLUMN customer_id INTEGER",
                               "ALTER TABLE verdicts ADD COLUMN order_lines TEXT"}) {
      if (!exec(column) &&
          std::string(sqlite3_errmsg(db_)).find("duplicate column") == std::string::npos) {
        return false;
      }
    }
    return exec("CREATE INDEX IF NOT EXISTS verdicts_by_customer ON verdicts (shop, customer_id)");
  }

 private:
  std::mutex mutex_;
  sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, const OpenOptions& options) {
  sqlite3* db = nullptr;
  // FULLMUTEX is not needed: each SqliteStore serialises its own calls.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Error error = storage_error(db, "open " + path);
    sqlite3_close(db);
    return error;
  }
  auto store = std::make_unique<SqliteStore>(db);
  // busy_timeout: the writer and the admin connection share the file; a second process
  // (a restart racing a slow shutdown) waits rather than failing.
  sqlite3_busy_timeout(db, 5000);
  if (!store->exec("PRAGMA journal_mode = WAL") || !store->exec("PRAGMA synchronous = FULL")) {
    return storage_error(db, "prepare " + path);
  }
  if (auto migrated = store->migrate(options); !migrated) return migrated.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tiercart::server
