// One storage contract, two backends. The SQLite cases run everywhere; the PostgreSQL cases
// run when TIERCART_TEST_DATABASE_URL names a server (with_postgres.sh starts one on
// loopback for ctest's server.storage.postgres) and skip otherwise.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <functional>
#include <set>
#include <thread>

#include "store.h"
#include "test_support.h"

namespace tiercart::server::testing {
namespace {

constexpr const char* kShopA = "northbound-supply.myshopify.com";

// Every table, so that a test can lay down an older server's database from nothing.
constexpr const char* kDropAll =
    "DROP TABLE verdicts; DROP TABLE programs; DROP TABLE settings; DROP TABLE changesets; "
    "DROP TABLE order_edits; DROP TABLE data_requests; DROP TABLE shops; DROP TABLE "
    "oauth_states; DROP TABLE outbox; DROP TABLE order_figures; DROP TABLE order_adjustments; "
    "DROP TABLE schema_migrations; ";

VerdictRecord verdict(const std::string& webhook_id, bool earned, int64_t received_at,
                      const std::string& note = "first") {
  VerdictRecord record;
  record.webhook_id = webhook_id;
  record.shop = "northbound-supply.myshopify.com";
  record.order_id = 1000 + received_at;
  record.earned = earned;
  record.verdict = R"({"note":")" + note + R"("})";
  record.tags = earned ? R"(["tiercart-verified"])" : R"(["tiercart-flagged"])";
  record.received_at = received_at;
  return record;
}

class Storage : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "Postgres") {
      const char* url = std::getenv("TIERCART_TEST_DATABASE_URL");
      if (!url || !*url) GTEST_SKIP() << "TIERCART_TEST_DATABASE_URL is not set";
      url_ = url;
      // Each case starts from an empty database.
      PGconn* connection = PQconnectdb(url_.c_str());
      ASSERT_EQ(PQstatus(connection), CONNECTION_OK) << PQerrorMessage(connection);
      PQclear(
          PQexec(connection,
                 "DROP TABLE IF EXISTS verdicts, programs, settings, changesets, order_edits, "
                 "data_requests, shops, oauth_states, outbox, order_figures, order_adjustments, "
                 "schema_migrations"));
      PQfinish(connection);
    } else {
      url_ = "sqlite:" + dir_.path() + "/store.db";
    }
    store_ = open();
  }

  std::unique_ptr<Store> open() {
    auto store = open_store(url_);
    EXPECT_TRUE(store) << (store ? "" : store.error().message);
    return store ? std::move(store).value() : nullptr;
  }

  // Runs SQL straight on the backend's database, outside the Store (an older schema).
  void raw_sql(const std::string& sql) {
    if (GetParam() == "Postgres") {
      PGconn* connection = PQconnectdb(url_.c_str());
      PGresult* result = PQexec(connection, sql.c_str());
      EXPECT_EQ(PQresultStatus(result), PGRES_COMMAND_OK) << PQerrorMessage(connection);
      PQclear(result);
      PQfinish(connection);
    } else {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(url_.substr(7).c_str(), &db), SQLITE_OK);
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
          << sqlite3_errmsg(db);
      sqlite3_close(db);
    }
  }

  std::vector<StoredVerdict> record(Store& store, const std::vector<VerdictRecord>& batch) {
    auto stored = store.record_verdicts(batch);
    EXPECT_TRUE(stored) << (stored ? "" : stored.error().message);
    return stored ? stored.value() : std::vector<StoredVerdict>();
  }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_P(Storage, NewVerdictIsStoredAndFoundByWebhookId) {
  const auto stored = record(*store_, {verdict("wh-1", false, 10)});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_FALSE(stored[0].duplicate);
  auto found = store_->find_verdict(kShopA, "wh-1");
  ASSERT_TRUE(found && found.value());
  EXPECT_EQ(found.value()->verdict, R"({"note":"first"})");
  EXPECT_EQ(found.value()->tags, R"(["tiercart-flagged"])");
  EXPECT_FALSE(found.value()->earned);
  EXPECT_EQ(found.value()->order_id, 1010);
  EXPECT_FALSE(store_->find_verdict(kShopA, "wh-2").value().has_value());
}

TEST_P(Storage, SecondRecordWithTheSameWebhookIdReturnsTheFirst) {
  record(*store_, {verdict("wh-1", false, 10, "first")});
  const auto again = record(*store_, {verdict("wh-1", true, 20, "second")});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].duplicate);
  EXPECT_EQ(again[0].record.verdict, R"({"note":"first"})");
  EXPECT_FALSE(again[0].record.earned);
  EXPECT_EQ(store_->count_verdicts(kShopA, false).value(), 1);
}

TEST_P(Storage, SameWebhookIdTwiceInOneBatchIsStoredOnce) {
  const auto stored =
      record(*store_, {verdict("wh-1", true, 10, "first"), verdict("wh-2", true, 11),
                       verdict("wh-1", false, 12, "second")});
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_FALSE(stored[0].duplicate);
  EXPECT_FALSE(stored[1].duplicate);
  EXPECT_TRUE(stored[2].duplicate);
  EXPECT_EQ(stored[2].record.verdict, R"({"note":"first"})");
  EXPECT_EQ(store_->count_verdicts(kShopA, false).value(), 2);
}

TEST_P(Storage, VerdictsAreListedFlaggedFirstThenNewestFirst) {
  record(*store_, {verdict("old-ok", true, 1), verdict("old-flag", false, 2),
                   verdict("new-ok", true, 3), verdict("new-flag", false, 4)});
  VerdictQuery everything;
  everything.shop = kShopA;
  const auto all = store_->list_verdicts(everything);
  ASSERT_TRUE(all);
  std::vector<std::string> order;
  for (const auto& r : all.value()) order.push_back(r.webhook_id);
  EXPECT_EQ(order, (std::vector<std::string>{"new-flag", "old-flag", "new-ok", "old-ok"}));

  VerdictQuery flagged;
  flagged.shop = kShopA;
  flagged.flagged_only = true;
  flagged.limit = 1;
  const auto first_flagged = store_->list_verdicts(flagged);
  ASSERT_EQ(first_flagged.value().size(), 1u);
  EXPECT_EQ(first_flagged.value()[0].webhook_id, "new-flag");
  EXPECT_EQ(store_->count_verdicts(kShopA, true).value(), 2);
  EXPECT_EQ(store_->count_verdicts(kShopA, false).value(), 4);
}

TEST_P(Storage, ConcurrentWritersOnTwoConnectionsStoreEachWebhookIdOnce) {
  auto other = open();
  ASSERT_TRUE(other);
  std::vector<StoredVerdict> mine, theirs;
  std::thread a([&] {
    for (int i = 0; i < 100; ++i) {
      auto got = record(*store_, {verdict("wh-" + std::to_string(i), true, i, "a")});
      mine.insert(mine.end(), got.begin(), got.end());
    }
  });
  std::thread b([&] {
    for (int i = 0; i < 100; ++i) {
      auto got = record(*other, {verdict("wh-" + std::to_string(i), false, i, "b")});
      theirs.insert(theirs.end(), got.begin(), got.end());
    }
  });
  a.join();
  b.join();
  ASSERT_EQ(mine.size(), 100u);
  ASSERT_EQ(theirs.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    // Exactly one writer stored each id, and both answer with what it stored.
    EXPECT_NE(mine[i].duplicate, theirs[i].duplicate) << i;
    EXPECT_EQ(mine[i].record.verdict, theirs[i].record.verdict) << i;
  }
  EXPECT_EQ(store_->count_verdicts(kShopA, false).value(), 100);
}

TEST_P(Storage, ProgramVersionsAreImmutable) {
  ProgramRecord program{kShopA, "tote", 1, R"({"v":1})", false, 5};
  EXPECT_TRUE(store_->add_program(program).value());
  program.document = R"({"v":"changed"})";
  EXPECT_FALSE(store_->add_program(program).value());
  auto found = store_->find_program(kShopA, "tote", 1);
  ASSERT_TRUE(found && found.value());
  EXPECT_EQ(found.value()->document, R"({"v":1})");
  EXPECT_FALSE(store_->find_program(kShopA, "tote", 2).value().has_value());
}

TEST_P(Storage, ActivatingAVersionLeavesExactlyThatOneActive) {
  ASSERT_TRUE(store_->add_program({kShopA, "tote", 1, "{}", false, 1}).value());
  ASSERT_TRUE(store_->add_program({kShopA, "tote", 2, "{}", false, 2}).value());
  ASSERT_TRUE(store_->add_program({kShopA, "other", 1, "{}", false, 3}).value());
  EXPECT_TRUE(store_->activate_program(kShopA, "tote", 1).value());
  EXPECT_TRUE(store_->activate_program(kShopA, "other", 1).value());
  EXPECT_TRUE(store_->activate_program(kShopA, "tote", 2).value());
  EXPECT_FALSE(store_->activate_program(kShopA, "tote", 3).value());
  const auto programs = store_->list_programs(kShopA).value();
  ASSERT_EQ(programs.size(), 3u);
  EXPECT_EQ(programs[0].id, "other");
  EXPECT_TRUE(programs[0].active);
  EXPECT_FALSE(programs[1].active);  // tote 1
  EXPECT_TRUE(programs[2].active);   // tote 2
}

TEST_P(Storage, SettingsAreReplacedByKey) {
  EXPECT_FALSE(store_->get_setting(kShopA, "context").value().has_value());
  ASSERT_TRUE(store_->put_setting(kShopA, "context", "{}"));
  ASSERT_TRUE(store_->put_setting(kShopA, "context", R"({"country":"US"})"));
  EXPECT_EQ(store_->get_setting(kShopA, "context").value().value(), R"({"country":"US"})");
}

TEST_P(Storage, EverythingIsThereAfterReopening) {
  record(*store_, {verdict("wh-1", false, 10)});
  ASSERT_TRUE(store_->add_program({kShopA, "tote", 1, "{}", false, 1}).value());
  store_.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  EXPECT_TRUE(reopened->find_verdict(kShopA, "wh-1").value().has_value());
  EXPECT_TRUE(reopened->find_program(kShopA, "tote", 1).value().has_value());
  EXPECT_TRUE(reopened->ping());
}

TEST_P(Storage, TextIsStoredByteForByte) {
  VerdictRecord odd = verdict("wh-'quote\"; DROP TABLE verdicts;--", true, 1);
  odd.verdict = "{\"t\":\"caf\xc3\xa9 \\u0000 \xe2\x9c\x93\"}";
  record(*store_, {odd});
  auto found = store_->find_verdict(kShopA, odd.webhook_id);
  ASSERT_TRUE(found && found.value());
  EXPECT_EQ(found.value()->verdict, odd.verdict);
}

ChangesetRecord changeset(const std::string& key, const std::string& offer, const std::string& jti,
                          const std::string& reference = "ref-1") {
  return {kShopA, key, reference, offer, jti, "token-" + jti, 100};
}

TEST_P(Storage, FirstChangesetIsStoredAndCountedPerPurchase) {
  auto stored = store_->record_changeset(changeset("key-1", "mug", "jti-1"));
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_FALSE(stored.value().existing);
  EXPECT_EQ(stored.value().record.token, "token-jti-1");
  ASSERT_TRUE(store_->record_changeset(changeset("key-2", "tote", "jti-2")));
  ASSERT_TRUE(store_->record_changeset(changeset("key-3", "mug", "jti-3", "ref-2")));
  EXPECT_EQ(store_->count_changesets(kShopA, "ref-1").value(), 2);
  EXPECT_EQ(store_->count_changesets(kShopA, "ref-2").value(), 1);
  EXPECT_EQ(store_->count_changesets(kShopA, "ref-3").value(), 0);
}

TEST_P(Storage, SameRequestKeyReturnsTheFirstChangesetAndStoresNothing) {
  ASSERT_TRUE(store_->record_changeset(changeset("key-1", "mug", "jti-1")));
  // A replay, even one asking for another offer, gets the first answer back.
  auto again = store_->record_changeset(changeset("key-1", "tote", "jti-2"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again.value().existing);
  EXPECT_EQ(again.value().record.offer_id, "mug");
  EXPECT_EQ(again.value().record.jti, "jti-1");
  EXPECT_EQ(store_->count_changesets(kShopA, "ref-1").value(), 1);
}

TEST_P(Storage, SameOfferOfTheSamePurchaseIsStoredOnceWhateverTheToken) {
  ASSERT_TRUE(store_->record_changeset(changeset("key-1", "mug", "jti-1")));
  auto again = store_->record_changeset(changeset("key-2", "mug", "jti-2"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again.value().existing);
  EXPECT_EQ(again.value().record.request_key, "key-1");
  EXPECT_EQ(again.value().record.token, "token-jti-1");
  EXPECT_EQ(store_->count_changesets(kShopA, "ref-1").value(), 1);
}

TEST_P(Storage, ConcurrentAcceptancesOfOneOfferStoreOneChangeset) {
  std::vector<std::thread> threads;
  std::vector<std::string> tokens(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([this, i, &tokens] {
      auto store = open();
      if (!store) return;
      auto stored = store->record_changeset(
          changeset("key-" + std::to_string(i), "mug", "jti-" + std::to_string(i)));
      if (stored) tokens[i] = stored.value().record.token;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store_->count_changesets(kShopA, "ref-1").value(), 1);
  EXPECT_EQ(std::set<std::string>(tokens.begin(), tokens.end()).size(), 1u);
  EXPECT_FALSE(tokens[0].empty());
}

TEST_P(Storage, OrderEditsAreListedOldestFirstPerOrder) {
  ASSERT_TRUE(store_->add_order_edit({"shop-a", 7, "address", R"({"zip":"10001"})", 1}));
  ASSERT_TRUE(store_->add_order_edit({"shop-a", 8, "cancel", "{}", 2}));
  ASSERT_TRUE(store_->add_order_edit({"shop-a", 7, "cancel", "{}", 3}));
  ASSERT_TRUE(store_->add_order_edit({"shop-b", 7, "cancel", "{}", 4}));
  const auto edits = store_->list_order_edits("shop-a", 7).value();
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[0].edit, "address");
  EXPECT_EQ(edits[0].document, R"({"zip":"10001"})");
  EXPECT_EQ(edits[1].edit, "cancel");
  EXPECT_EQ(edits[1].created_at, 3);
  EXPECT_TRUE(store_->list_order_edits("shop-a", 9).value().empty());
}

TEST_P(Storage, OrderVerdictIsTheFirstStoredForThatShopAndOrder) {
  VerdictRecord first = verdict("wh-1", true, 10);
  first.order_id = 42;
  VerdictRecord later = verdict("wh-2", true, 20);
  later.order_id = 42;
  record(*store_, {later, first});
  auto found = store_->find_order_verdict("northbound-supply.myshopify.com", 42);
  ASSERT_TRUE(found && found.value());
  EXPECT_EQ(found.value()->webhook_id, "wh-1");
  EXPECT_FALSE(store_->find_order_verdict("other.myshopify.com", 42).value().has_value());
  EXPECT_FALSE(store_->find_order_verdict("northbound-supply.myshopify.com", 43).value());
}

TEST_P(Storage, TheOrdersCustomerIsKeptAndAGuestHasNone) {
  VerdictRecord customer = verdict("wh-1", true, 10);
  customer.customer_id = 6109845530;
  VerdictRecord guest = verdict("wh-2", true, 20);
  record(*store_, {customer, guest});
  store_.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  auto found = reopened->find_order_verdict("northbound-supply.myshopify.com", 1010);
  ASSERT_TRUE(found && found.value());
  EXPECT_EQ(found.value()->customer_id, std::optional<int64_t>(6109845530));
  auto by_webhook = reopened->find_verdict(kShopA, "wh-2");
  ASSERT_TRUE(by_webhook && by_webhook.value());
  EXPECT_FALSE(by_webhook.value()->customer_id.has_value());
  // A duplicate delivery answers with the stored record, customer included.
  const auto again = record(*reopened, {customer});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].duplicate);
  EXPECT_EQ(again[0].record.customer_id, std::optional<int64_t>(6109845530));
}

TEST_P(Storage, ADatabaseFromBeforeCustomerIdsGainsTheColumnOnOpen) {
  store_.reset();
  // The verdicts table as earlier versions created it, with one order in it.
  raw_sql(std::string(kDropAll) +
          "CREATE TABLE verdicts (webhook_id TEXT PRIMARY KEY, shop TEXT NOT "
          "NULL, order_id BIGINT NOT NULL, earned INTEGER NOT NULL, verdict TEXT NOT NULL, tags "
          "TEXT NOT NULL, received_at BIGINT NOT NULL); INSERT INTO verdicts VALUES ('wh-old', "
          "'northbound-supply.myshopify.com', 77, 1, '{}', '[]', 5)");
  store_ = open();
  ASSERT_TRUE(store_);
  auto old = store_->find_order_verdict("northbound-supply.myshopify.com", 77);
  ASSERT_TRUE(old && old.value()) << (old ? "" : old.error().message);
  EXPECT_FALSE(old.value()->customer_id.has_value());  // no owner known: not editable
  VerdictRecord fresh = verdict("wh-new", true, 30);
  fresh.customer_id = 42;
  record(*store_, {fresh});
  // Opening again finds the column there and leaves it be.
  store_.reset();
  store_ = open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(store_->find_verdict(kShopA, "wh-new").value()->customer_id,
            std::optional<int64_t>(42));
}

TEST_P(Storage, TheOrdersLinesAreKeptWithItsVerdictAndAGuestsAreNot) {
  VerdictRecord customer = verdict("wh-1", true, 10);
  customer.customer_id = 6109845530;
  customer.order_lines = R"({"id":1010,"currency":"USD","line_items":[]})";
  VerdictRecord guest = verdict("wh-2", true, 20);
  record(*store_, {customer, guest});
  store_.reset();
  store_ = open();
  ASSERT_TRUE(store_);
  auto found = store_->find_order_verdict("northbound-supply.myshopify.com", 1010);
  ASSERT_TRUE(found && found.value());
  EXPECT_EQ(found.value()->order_lines, customer.order_lines);
  EXPECT_EQ(store_->find_verdict(kShopA, "wh-2").value()->order_lines, "");
  // A duplicate delivery answers with the stored record, lines included.
  const auto again = record(*store_, {customer});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].record.order_lines, customer.order_lines);
  // A customer's redaction leaves the lines: they say what was bought, not by whom.
  ASSERT_TRUE(store_->erase_customer("northbound-supply.myshopify.com", 6109845530, {}));
  EXPECT_EQ(store_->find_verdict(kShopA, "wh-1").value()->order_lines, customer.order_lines);
}

TEST_P(Storage, ADatabaseFromBeforeOrderLinesGainsTheColumnOnOpen) {
  store_.reset();
  // The verdicts table as the previous version created it, with one customer's order in it.
  raw_sql(std::string(kDropAll) +
          "CREATE TABLE verdicts (webhook_id TEXT PRIMARY KEY, shop TEXT NOT "
          "NULL, order_id BIGINT NOT NULL, earned INTEGER NOT NULL, verdict TEXT NOT NULL, tags "
          "TEXT NOT NULL, received_at BIGINT NOT NULL, customer_id BIGINT); INSERT INTO verdicts "
          "VALUES ('wh-old', 'northbound-supply.myshopify.com', 77, 1, '{}', '[]', 5, 42)");
  store_ = open();
  ASSERT_TRUE(store_);
  auto old = store_->find_order_verdict("northbound-supply.myshopify.com", 77);
  ASSERT_TRUE(old && old.value()) << (old ? "" : old.error().message);
  EXPECT_EQ(old.value()->customer_id, std::optional<int64_t>(42));
  EXPECT_EQ(old.value()->order_lines, "");  // not known: no offers can be chosen for it
  VerdictRecord fresh = verdict("wh-new", true, 30);
  fresh.customer_id = 42;
  fresh.order_lines = R"({"id":1030,"currency":"USD","line_items":[]})";
  record(*store_, {fresh});
  store_.reset();
  store_ = open();  // the column is there now: opening again leaves it be
  ASSERT_TRUE(store_);
  EXPECT_EQ(store_->find_verdict(kShopA, "wh-new").value()->order_lines, fresh.order_lines);
}

// Privacy requests. Two customers of one shop and an order of another shop with the same id:
// each erasure touches exactly what it names.
class StoragePrivacy : public Storage {
 protected:
  static constexpr const char* kShop = "northbound-supply.myshopify.com";
  static constexpr const char* kOtherShop = "other.myshopify.com";

  void SetUp() override {
    Storage::SetUp();
    if (IsSkipped() || !store_) return;
    VerdictRecord alice_1 = verdict("wh-a1", true, 1);  // order 1001
    alice_1.customer_id = 501;
    VerdictRecord alice_2 = verdict("wh-a2", false, 2);  // order 1002
    alice_2.customer_id = 501;
    VerdictRecord bob = verdict("wh-b", true, 3);  // order 1003
    bob.customer_id = 502;
    VerdictRecord guest = verdict("wh-g", true, 4);      // order 1004, no customer
    VerdictRecord elsewhere = verdict("wh-x", true, 1);  // order 1001 of another shop
    elsewhere.shop = kOtherShop;
    elsewhere.customer_id = 501;
    record(*store_, {alice_1, alice_2, bob, guest, elsewhere});
    for (const auto& [shop, order] : std::vector<std::pair<std::string, int64_t>>{
             {kShop, 1001}, {kShop, 1002}, {kShop, 1003}, {kShop, 1004}, {kOtherShop, 1001}}) {
      ASSERT_TRUE(
          store_->add_order_edit({shop, order, "address", R"({"address1":"1 Main St"})", 10}));
    }
  }

  std::size_t edits(const std::string& shop, int64_t order) {
    return store_->list_order_edits(shop, order).value().size();
  }
  std::optional<int64_t> customer_of(const std::string& webhook_id,
                                     const std::string& shop = kShopA) {
    return store_->find_verdict(shop, webhook_id).value()->customer_id;
  }
};

TEST_P(StoragePrivacy, ACustomerRedactionForgetsTheCustomerAndTheirAddressesOnly) {
  // Alice's orders by her id, and the guest order 1004 named by id.
  auto erased = store_->erase_customer(kShop, 501, {1004});
  ASSERT_TRUE(erased) << erased.error().message;
  EXPECT_EQ(erased.value().verdicts, 2);  // 1004 had no customer to forget
  EXPECT_EQ(erased.value().order_edits, 3);
  EXPECT_FALSE(customer_of("wh-a1").has_value());
  EXPECT_FALSE(customer_of("wh-a2").has_value());
  EXPECT_EQ(edits(kShop, 1001), 0u);
  EXPECT_EQ(edits(kShop, 1002), 0u);
  EXPECT_EQ(edits(kShop, 1004), 0u);
  // The verdicts themselves stay, flagged one included.
  EXPECT_FALSE(store_->find_verdict(kShopA, "wh-a2").value()->earned);
  // Bob and the other shop's customer of the same id are untouched.
  EXPECT_EQ(customer_of("wh-b"), std::optional<int64_t>(502));
  EXPECT_EQ(edits(kShop, 1003), 1u);
  EXPECT_EQ(customer_of("wh-x", kOtherShop), std::optional<int64_t>(501));
  EXPECT_EQ(edits(kOtherShop, 1001), 1u);
  // Shopify may send it again: nothing left to change.
  auto again = store_->erase_customer(kShop, 501, {1004});
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value().verdicts, 0);
  EXPECT_EQ(again.value().order_edits, 0);
}

TEST_P(StoragePrivacy, ARedactionByOrderIdsAloneReachesOnlyThoseOrders) {
  auto erased = store_->erase_customer(kShop, std::nullopt, {1003});
  ASSERT_TRUE(erased) << erased.error().message;
  EXPECT_EQ(erased.value().verdicts, 1);
  EXPECT_FALSE(customer_of("wh-b").has_value());
  EXPECT_EQ(edits(kShop, 1003), 0u);
  EXPECT_EQ(customer_of("wh-a1"), std::optional<int64_t>(501));
  EXPECT_EQ(edits(kShop, 1001), 1u);
}

TEST_P(StoragePrivacy, AShopRedactionDeletesEverythingOfThatShopAndNothingElse) {
  ASSERT_TRUE(store_->add_data_request({kShop, 9, 501, {1001}, 20}));
  auto erased = store_->erase_shop(kShop);
  ASSERT_TRUE(erased) << erased.error().message;
  EXPECT_EQ(erased.value().verdicts, 4);
  EXPECT_EQ(erased.value().order_edits, 4);
  EXPECT_EQ(erased.value().data_requests, 1);
  EXPECT_FALSE(store_->find_verdict(kShopA, "wh-a1").value().has_value());
  EXPECT_EQ(edits(kShop, 1001), 0u);
  EXPECT_TRUE(store_->list_data_requests(kShopA, 10).value().empty());
  EXPECT_TRUE(store_->find_verdict(kOtherShop, "wh-x").value().has_value());
  EXPECT_EQ(edits(kOtherShop, 1001), 1u);
}

TEST_P(StoragePrivacy, ADataRequestIsStoredOnceAndFindsTheCustomersVerdicts) {
  auto first = store_->add_data_request({kShop, 9, 501, {1003}, 20});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first.value());
  EXPECT_FALSE(store_->add_data_request({kShop, 9, 501, {1003}, 30}).value());  // a retry
  ASSERT_TRUE(store_->add_data_request({kShop, 10, std::nullopt, {}, 40}));
  auto requests = store_->list_data_requests(kShopA, 10);
  ASSERT_TRUE(requests) << requests.error().message;
  ASSERT_EQ(requests.value().size(), 2u);
  EXPECT_EQ(requests.value()[0].request_id, 10);  // newest first
  EXPECT_FALSE(requests.value()[0].customer_id.has_value());
  EXPECT_EQ(requests.value()[1].customer_id, std::optional<int64_t>(501));
  EXPECT_EQ(requests.value()[1].orders, (std::vector<int64_t>{1003}));
  EXPECT_EQ(requests.value()[1].received_at, 20);
  // Alice's two orders by her id, plus order 1003 asked for by id; not the other shop's.
  auto verdicts = store_->customer_verdicts(kShop, 501, {1003});
  ASSERT_TRUE(verdicts) << verdicts.error().message;
  std::vector<std::string> ids;
  for (const auto& v : verdicts.value()) ids.push_back(v.webhook_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"wh-a1", "wh-a2", "wh-b"}));
  // A redaction of the customer also drops their data requests.
  EXPECT_EQ(store_->erase_customer(kShop, 501, {}).value().data_requests, 1);
  EXPECT_EQ(store_->list_data_requests(kShopA, 10).value().size(), 1u);
}

// Many shops on one database: every call names its shop and reaches no other shop's rows.
constexpr const char* kShopB = "harbor-goods.myshopify.com";

TEST_P(Storage, EveryRowBelongsToItsShop) {
  VerdictRecord b = verdict("wh-b", false, 2);
  b.shop = kShopB;
  record(*store_, {verdict("wh-a", false, 1), b});
  EXPECT_EQ(store_->count_verdicts(kShopA, false).value(), 1);
  EXPECT_EQ(store_->count_verdicts(kShopB, true).value(), 1);
  EXPECT_FALSE(store_->find_verdict(kShopA, "wh-b").value().has_value());
  VerdictQuery query;
  query.shop = kShopB;
  const auto listed = store_->list_verdicts(query).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].webhook_id, "wh-b");
  // A delivery of shop A's webhook id claimed by shop B is not handed A's verdict.
  VerdictRecord stolen = verdict("wh-a", true, 3);
  stolen.shop = kShopB;
  EXPECT_FALSE(store_->record_verdicts({stolen}));

  // The same program id and version in two shops are two programs.
  ASSERT_TRUE(store_->add_program({kShopA, "tote", 1, R"({"shop":"a"})", false, 1}).value());
  ASSERT_TRUE(store_->add_program({kShopB, "tote", 1, R"({"shop":"b"})", false, 1}).value());
  EXPECT_TRUE(store_->activate_program(kShopB, "tote", 1).value());
  EXPECT_FALSE(store_->list_programs(kShopA).value()[0].active);
  EXPECT_EQ(store_->find_program(kShopB, "tote", 1).value()->document, R"({"shop":"b"})");
  EXPECT_EQ(store_->find_program(kShopB, "tote", 1).value()->shop, kShopB);
  EXPECT_FALSE(store_->activate_program(kShopA, "tote", 2).value());

  ASSERT_TRUE(store_->put_setting(kShopA, "context", "{}"));
  EXPECT_FALSE(store_->get_setting(kShopB, "context").value().has_value());

  // One offer per purchase and shop; a request key of shop A never answers shop B.
  ChangesetRecord mine = changeset("key-1", "mug", "jti-1");
  ChangesetRecord theirs = changeset("key-2", "mug", "jti-2");
  theirs.shop = kShopB;
  EXPECT_FALSE(store_->record_changeset(mine).value().existing);
  EXPECT_FALSE(store_->record_changeset(theirs).value().existing);
  EXPECT_EQ(store_->count_changesets(kShopB, "ref-1").value(), 1);
  ChangesetRecord replayed = changeset("key-1", "mug", "jti-3");
  replayed.shop = kShopB;
  EXPECT_FALSE(store_->record_changeset(replayed));

  // shop/redact of B leaves A whole.
  ASSERT_TRUE(store_->note_shop(kShopB, 5).value());
  ASSERT_TRUE(store_->erase_shop(kShopB));
  EXPECT_TRUE(store_->list_programs(kShopB).value().empty());
  EXPECT_FALSE(store_->find_shop(kShopB).value().has_value());
  EXPECT_EQ(store_->list_programs(kShopA).value().size(), 1u);
  EXPECT_EQ(store_->count_changesets(kShopA, "ref-1").value(), 1);
  EXPECT_TRUE(store_->get_setting(kShopA, "context").value().has_value());
}

TEST_P(Storage, AShopIsPendingUntilItsTokensAreSavedAndUninstallForgetsThem) {
  EXPECT_FALSE(store_->find_shop(kShopA).value().has_value());
  EXPECT_TRUE(store_->note_shop(kShopA, 10).value());
  EXPECT_FALSE(store_->note_shop(kShopA, 11).value());
  EXPECT_EQ(store_->find_shop(kShopA).value()->state, "pending");
  ShopRecord tokens;
  tokens.shop = kShopA;
  tokens.access_token = "v1:sealed-access";
  tokens.refresh_token = "v1:sealed-refresh";
  tokens.scope = "read_orders";
  tokens.access_expires_at = 1000;
  tokens.updated_at = 20;
  ASSERT_TRUE(store_->save_tokens(tokens));
  auto saved = store_->find_shop(kShopA).value().value();
  EXPECT_EQ(saved.state, "installed");
  EXPECT_EQ(saved.access_token, "v1:sealed-access");
  EXPECT_EQ(saved.installed_at, 20);
  EXPECT_EQ(store_->shops_to_refresh(2000, 10).value(), std::vector<std::string>{kShopA});
  EXPECT_TRUE(store_->shops_to_refresh(500, 10).value().empty());
  // A refresh keeps the install time.
  tokens.updated_at = 30;
  ASSERT_TRUE(store_->save_tokens(tokens));
  EXPECT_EQ(store_->find_shop(kShopA).value()->installed_at, 20);
  EXPECT_EQ(store_->count_shops("installed").value(), 1);

  EXPECT_TRUE(store_->uninstall_shop(kShopA, 40).value());
  saved = store_->find_shop(kShopA).value().value();
  EXPECT_EQ(saved.state, "uninstalled");
  EXPECT_EQ(saved.access_token, "");
  EXPECT_EQ(saved.refresh_token, "");
  EXPECT_TRUE(store_->shops_to_refresh(2000, 10).value().empty());
  EXPECT_FALSE(store_->uninstall_shop(kShopB, 40).value());  // never seen
  // A reinstall starts cleanly.
  tokens.updated_at = 50;
  ASSERT_TRUE(store_->save_tokens(tokens));
  EXPECT_EQ(store_->find_shop(kShopA).value()->installed_at, 50);
}

TEST_P(Storage, ATokenLeaseHasOneHolderUntilReleasedOrExpired) {
  EXPECT_TRUE(store_->take_token_lease(kShopA, "p1", 100, 200).value());  // creates the row
  EXPECT_FALSE(store_->take_token_lease(kShopA, "p2", 150, 250).value());
  EXPECT_TRUE(store_->take_token_lease(kShopB, "p2", 150, 250).value());  // another shop
  ASSERT_TRUE(store_->release_token_lease(kShopA, "p2"));                 // not p2's to release
  EXPECT_FALSE(store_->take_token_lease(kShopA, "p2", 160, 260).value());
  ASSERT_TRUE(store_->release_token_lease(kShopA, "p1"));
  EXPECT_TRUE(store_->take_token_lease(kShopA, "p2", 170, 270).value());
  // The holder died: once its lease lapses another takes over.
  EXPECT_TRUE(store_->take_token_lease(kShopA, "p3", 270, 370).value());
}

TEST_P(Storage, TwoProcessesRacingForOneLeaseGetOneHolder) {
  auto other = open();
  ASSERT_TRUE(other);
  for (int round = 0; round < 20; ++round) {
    const std::string shop = "race-" + std::to_string(round) + ".myshopify.com";
    bool mine = false, theirs = false;
    std::thread racer([&] { theirs = other->take_token_lease(shop, "p2", 1, 100).value(); });
    mine = store_->take_token_lease(shop, "p1", 1, 100).value();
    racer.join();
    EXPECT_NE(mine, theirs) << shop;
  }
}

TEST_P(Storage, AnOAuthStateIsGoodOnceForItsShopWhileFresh) {
  ASSERT_TRUE(store_->add_oauth_state("nonce-1", kShopA, 1000));
  ASSERT_TRUE(store_->add_oauth_state("nonce-2", kShopA, 1000));
  ASSERT_TRUE(store_->add_oauth_state("nonce-3", kShopA, 1000));
  EXPECT_FALSE(store_->consume_oauth_state("nonce-1", kShopB, 0).value());  // another shop's
  EXPECT_FALSE(store_->consume_oauth_state("nonce-1", kShopA, 0).value());  // and now used up
  EXPECT_TRUE(store_->consume_oauth_state("nonce-2", kShopA, 500).value());
  EXPECT_FALSE(store_->consume_oauth_state("nonce-2", kShopA, 500).value());   // reused
  EXPECT_FALSE(store_->consume_oauth_state("nonce-3", kShopA, 2000).value());  // stale
  EXPECT_FALSE(store_->consume_oauth_state("never-issued", kShopA, 0).value());
}

// A database the single-shop server wrote: its programs, settings and changesets have no shop.
constexpr const char* kSingleShopRows =
    "INSERT INTO programs (id, version, document, active, created_at) VALUES ('tote', 1, "
    "'{}', 1, 5); INSERT INTO settings (key, value) VALUES ('context', '{\"c\":1}'); "
    "INSERT INTO changesets (request_key, reference_id, offer_id, jti, token, created_at) "
    "VALUES ('key-1', 'ref-1', 'mug', 'jti-1', 'tok', 5);";

void lay_down_single_shop_database(Storage& test,
                                   const std::function<void(const std::string&)>& sql,
                                   const std::string& verdict_rows) {
  (void)test;
  sql(std::string(kDropAll) +
      "CREATE TABLE verdicts (webhook_id TEXT PRIMARY KEY, shop TEXT NOT NULL, order_id BIGINT "
      "NOT NULL, earned INTEGER NOT NULL, verdict TEXT NOT NULL, tags TEXT NOT NULL, "
      "received_at BIGINT NOT NULL, customer_id BIGINT, order_lines TEXT); "
      "CREATE TABLE programs (id TEXT NOT NULL, version BIGINT NOT NULL, document TEXT NOT "
      "NULL, active INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, PRIMARY KEY (id, "
      "version)); CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL); "
      "CREATE TABLE changesets (request_key TEXT PRIMARY KEY, reference_id TEXT NOT NULL, "
      "offer_id TEXT NOT NULL, jti TEXT NOT NULL UNIQUE, token TEXT NOT NULL, created_at BIGINT "
      "NOT NULL, UNIQUE (reference_id, offer_id)); " +
      kSingleShopRows + verdict_rows);
}

TEST_P(Storage, ASingleShopDatabaseIsMigratedToItsOneShopInPlace) {
  store_.reset();
  lay_down_single_shop_database(
      *this, [&](const std::string& sql) { raw_sql(sql); },
      "INSERT INTO verdicts VALUES ('wh-1', 'Northbound-Supply.myshopify.com', 1, "
      "1, '{}', '[]', 5, NULL, NULL);");
  store_ = open();
  ASSERT_TRUE(store_);
  const auto programs = store_->list_programs(kShopA).value();
  ASSERT_EQ(programs.size(), 1u);
  EXPECT_TRUE(programs[0].active);
  EXPECT_EQ(store_->get_setting(kShopA, "context").value().value(), R"({"c":1})");
  EXPECT_EQ(store_->count_changesets(kShopA, "ref-1").value(), 1);
  // And the new tables are there.
  EXPECT_TRUE(store_->note_shop(kShopA, 1).value());
  // Opening again migrates nothing twice.
  store_.reset();
  store_ = open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(store_->list_programs(kShopA).value().size(), 1u);
}

TEST_P(Storage, AMigrationThatCannotTellTheShopStopsAndChangesNothing) {
  store_.reset();
  auto lay_down = [&] {
    lay_down_single_shop_database(
        *this, [&](const std::string& sql) { raw_sql(sql); },
        "INSERT INTO verdicts VALUES ('wh-1', 'a.myshopify.com', 1, 1, "
        "'{}', '[]', 5, NULL, NULL); INSERT INTO verdicts VALUES "
        "('wh-2', 'b.myshopify.com', 2, 1, '{}', '[]', 6, NULL, NULL);");
  };
  lay_down();
  auto refused = open_store(url_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "migration_needs_shop");
  // Told which shop the rows are, it migrates.
  OpenOptions options;
  options.legacy_shop = kShopB;
  auto opened = open_store(url_, options);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened.value()->list_programs(kShopB).value().size(), 1u);
  EXPECT_TRUE(opened.value()->list_programs("a.myshopify.com").value().empty());
  options.legacy_shop = "not a shop'; DROP TABLE verdicts;--";
  opened.value().reset();
  lay_down();
  auto bad = open_store(url_, options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "invalid_config");
}

TEST_P(Storage, ADatabaseOfANewerServerIsNotOpened) {
  store_.reset();
  raw_sql("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)");
  auto refused = open_store(url_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "schema_too_new");
}

// The outbox (store.h, OutboxWrite): writes to Shopify, stored with the decision that causes
// them, claimed one shop write at a time, in order.
OutboxWrite write_of(const std::string& shop, const std::string& key) {
  return {shop, "tags_add", key, R"({"order_id":1,"tags":["tiercart-flagged"]})"};
}

std::vector<std::string> keys_of(const std::vector<OutboxRow>& rows) {
  std::vector<std::string> keys;
  for (const auto& row : rows) keys.push_back(row.write.key);
  return keys;
}

TEST_P(Storage, AVerdictsWritesAreStoredWithItOnceWhateverTheDeliveries) {
  VerdictRecord flagged = verdict("wh-1", false, 10);
  flagged.writes = {write_of(kShopA, "tags:1010")};
  record(*store_, {flagged});
  // Shopify delivers the webhook again, and another webhook decides the same write.
  record(*store_, {flagged});
  VerdictRecord again = verdict("wh-2", false, 10);
  again.writes = {write_of(kShopA, "tags:1010")};
  record(*store_, {again});
  const OutboxState state = store_->outbox_state(kShopA).value();
  EXPECT_EQ(state.pending, 1);
  EXPECT_EQ(state.oldest_pending_at, 10);
  EXPECT_EQ(store_->outbox_state(kShopB).value().pending, 0);
}

TEST_P(Storage, AnOrderEditsWritesAreStoredWithIt) {
  OrderEditRecord edit{kShopA, 77, "address", R"({"city":"Oslo"})", 5, {}};
  edit.writes = {{kShopA, "order_update", "address:77:1", R"({"order_id":77})"}};
  ASSERT_TRUE(store_->add_order_edit(edit));
  auto rows = store_->list_writes(kShopA, 10).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].write.kind, "order_update");
  EXPECT_EQ(rows[0].write.payload, R"({"order_id":77})");
  EXPECT_EQ(store_->list_order_edits(kShopA, 77).value().size(), 1u);
}

TEST_P(Storage, EachShopsOldestPendingWriteIsClaimedAloneAndInOrder) {
  for (const char* key : {"a1", "a2", "a3"})
    ASSERT_TRUE(store_->add_write(write_of(kShopA, key), 1).value());
  ASSERT_TRUE(store_->add_write(write_of(kShopB, "b1"), 2).value());
  EXPECT_FALSE(store_->add_write(write_of(kShopA, "a1"), 3).value());  // the same write

  auto first = store_->claim_writes("p1", 10, 1000, 10).value();
  EXPECT_EQ(keys_of(first), (std::vector<std::string>{"a1", "b1"}));
  // While a1 is out, a2 waits: a shop's writes go in order.
  EXPECT_TRUE(store_->claim_writes("p2", 20, 1000, 10).value().empty());
  ASSERT_TRUE(store_->settle_write(first[0].id, "p1", "done", 30, true, "", 30).value());
  EXPECT_EQ(keys_of(store_->claim_writes("p2", 40, 1000, 10).value()),
            (std::vector<std::string>{"a2"}));
}

TEST_P(Storage, ALapsedLeaseIsTakenOverAndItsFirstHolderCannotSettleIt) {
  ASSERT_TRUE(store_->add_write(write_of(kShopA, "a1"), 1).value());
  auto mine = store_->claim_writes("p1", 10, 100, 10).value();
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_TRUE(store_->claim_writes("p2", 99, 200, 10).value().empty());
  // p1 died (or hangs) past its lease: p2 delivers the write again.
  auto theirs = store_->claim_writes("p2", 100, 200, 10).value();
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].id, mine[0].id);
  EXPECT_FALSE(store_->settle_write(mine[0].id, "p1", "done", 150, true, "", 150).value());
  EXPECT_TRUE(store_->settle_write(theirs[0].id, "p2", "done", 150, true, "", 150).value());
  EXPECT_EQ(store_->outbox_state(kShopA).value().done, 1);
}

TEST_P(Storage, AWriteTriedAgainLaterHoldsBackItsShopUntilDue) {
  ASSERT_TRUE(store_->add_write(write_of(kShopA, "a1"), 1).value());
  ASSERT_TRUE(store_->add_write(write_of(kShopA, "a2"), 2).value());
  auto rows = store_->claim_writes("p1", 10, 1000, 10).value();
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_TRUE(
      store_->settle_write(rows[0].id, "p1", "pending", 500, true, "shopify_unavailable: 503", 20)
          .value());
  EXPECT_TRUE(store_->claim_writes("p1", 499, 1000, 10).value().empty());
  const OutboxState state = store_->outbox_state("").value();
  EXPECT_EQ(state.pending, 2);
  EXPECT_EQ(state.last_error, "shopify_unavailable: 503");
  auto again = store_->claim_writes("p1", 500, 1000, 10).value();
  ASSERT_EQ(keys_of(again), (std::vector<std::string>{"a1"}));
  EXPECT_EQ(again[0].attempts, 1);
}

TEST_P(Storage, AFailedWriteLetsTheNextGoAndCanBeSentAgain) {
  ASSERT_TRUE(store_->add_write(write_of(kShopA, "a1"), 1).value());
  ASSERT_TRUE(store_->add_write(write_of(kShopA, "a2"), 2).value());
  auto rows = store_->claim_writes("p1", 10, 1000, 10).value();
  ASSERT_TRUE(store_
                  ->settle_write(rows[0].id, "p1", "failed", 20, true,
                                 "shopify_user_error: tags: too long", 20)
                  .value());
  EXPECT_EQ(keys_of(store_->claim_writes("p1", 30, 1000, 10).value()),
            (std::vector<std::string>{"a2"}));
  EXPECT_EQ(store_->outbox_state(kShopA).value().failed, 1);
  // Another shop cannot send it again; its own merchant can.
  EXPECT_FALSE(store_->retry_write(kShopB, rows[0].id, 40).value());
  EXPECT_TRUE(store_->retry_write(kShopA, rows[0].id, 40).value());
  EXPECT_EQ(store_->outbox_state(kShopA).value().failed, 0);
  auto listed = store_->list_writes(kShopA, 10).value();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].state, "pending");  // a2 is still leased: both pending, newest first
}

TEST_P(Storage, TwoProcessesClaimingAtOnceLeaseEachWriteOnce) {
  auto other = open();
  ASSERT_TRUE(other);
  for (int i = 0; i < 40; ++i) {
    const std::string shop = "race-" + std::to_string(i) + ".myshopify.com";
    ASSERT_TRUE(store_->add_write(write_of(shop, "w"), 1).value());
  }
  std::vector<OutboxRow> mine, theirs;
  std::thread racer([&] {
    for (int round = 0; round < 10; ++round) {
      auto got = other->claim_writes("p2", 10, 1000, 3).value();
      theirs.insert(theirs.end(), got.begin(), got.end());
    }
  });
  for (int round = 0; round < 10; ++round) {
    auto got = store_->claim_writes("p1", 10, 1000, 3).value();
    mine.insert(mine.end(), got.begin(), got.end());
  }
  racer.join();
  // A claim that lost every row to the other comes back empty: what is left is claimed after.
  for (auto rest = store_->claim_writes("p1", 10, 1000, 3).value(); !rest.empty();
       rest = store_->claim_writes("p1", 10, 1000, 3).value()) {
    mine.insert(mine.end(), rest.begin(), rest.end());
  }
  std::set<int64_t> ids;
  for (const auto& row : mine) EXPECT_TRUE(ids.insert(row.id).second);
  for (const auto& row : theirs) EXPECT_TRUE(ids.insert(row.id).second) << row.id;
  EXPECT_EQ(ids.size(), 40u);
}

TEST_P(Storage, WritesDoneLongAgoArePrunedAndNoOthers) {
  for (const char* key : {"old-done", "new-done", "old-pending", "old-failed"}) {
    ASSERT_TRUE(
        store_->add_write(write_of("shop-" + std::string(key) + ".myshopify.com", key), 1).value());
  }
  auto claimed = store_->claim_writes("p1", 10, 1000, 10).value();
  ASSERT_EQ(claimed.size(), 4u);
  for (const auto& row : claimed) {
    const std::string& key = row.write.key;
    const int64_t at = key.rfind("old", 0) == 0 ? 100 : 5000;
    const char* state = key == "old-pending" ? "pending" : key == "old-failed" ? "failed" : "done";
    ASSERT_TRUE(store_->settle_write(row.id, "p1", state, 1 << 30, true, "", at).value());
  }
  EXPECT_EQ(store_->prune_writes(1000, 100).value(), 1);
  const OutboxState state = store_->outbox_state("").value();
  EXPECT_EQ(state.done, 1);  // the recent one
  EXPECT_EQ(state.pending, 1);
  EXPECT_EQ(state.failed, 1);
}

TEST_P(Storage, AShopRedactionDeletesItsWritesOnly) {
  ASSERT_TRUE(store_->add_write(write_of(kShopA, "a1"), 1).value());
  ASSERT_TRUE(store_->add_write(write_of(kShopB, "b1"), 1).value());
  ASSERT_TRUE(store_->erase_shop(kShopA));
  EXPECT_EQ(store_->outbox_state(kShopA).value().pending, 0);
  EXPECT_EQ(store_->outbox_state(kShopB).value().pending, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoragePrivacy, ::testing::Values("Sqlite", "Postgres"),
                         [](const auto& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Backends, Storage, ::testing::Values("Sqlite", "Postgres"),
                         [](const auto& info) { return info.param; });

TEST(StorageUrl, PlainPathOpensSqliteAndAnUnreachableServerIsAnError) {
  TempDir dir;
  auto store = open_store(dir.path() + "/plain.db");
  ASSERT_TRUE(store);
  EXPECT_STREQ(store.value()->backend(), "sqlite");
  auto refused = open_store("postgres://nobody@127.0.0.1:1/none?connect_timeout=1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "storage_error");
}

}  // namespace
}  // namespace tiercart::server::testing
