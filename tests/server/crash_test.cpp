// Crash safety: under load the server process is killed with SIGKILL (no chance to flush
// anything) and restarted on the same SQLite file. Every webhook that got a 2xx must be in
// the store, and none twice.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

#include "store.h"
#include "test_support.h"

namespace tiercart::server::testing {
namespace {

TEST(CrashSafety, EveryAcknowledgedWebhookSurvivesSigkillAndNoneIsStoredTwice) {
  TempDir dir;
  const std::string database = dir.path() + "/tiercart.db";
  const std::string body = example("orders/orders-create-forged.json");
  std::mutex mutex;
  std::set<std::string> acknowledged, attempted;
  {
    ServerProcess server("sqlite:" + database);
    ASSERT_GT(server.port(), 0);
    std::atomic<bool> stop{false};
    std::vector<std::thread> senders;
    for (int t = 0; t < 8; ++t) {
      senders.emplace_back([&, t] {
        httplib::Client http("127.0.0.1", server.port());
        http.set_read_timeout(5);
        for (int i = 0; !stop; ++i) {
          const std::string id = "crash-" + std::to_string(t) + "-" + std::to_string(i);
          {
            std::lock_guard<std::mutex> lock(mutex);
            attempted.insert(id);
          }
          auto res = post_webhook(http, body, id);
          if (!res) break;  // the server is gone
          if (res->status >= 200 && res->status < 300) {
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged.insert(id);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    server.kill_now(SIGKILL);
    stop = true;
    for (auto& sender : senders) sender.join();
  }
  ASSERT_GT(acknowledged.size(), 50u) << "too little load to mean anything";

  // Restarted on the same file, the server answers every acknowledged webhook as a duplicate.
  ServerProcess restarted("sqlite:" + database);
  ASSERT_GT(restarted.port(), 0);
  const int64_t rows = count_verdicts(database);
  EXPECT_GE(rows, static_cast<int64_t>(acknowledged.size()));
  EXPECT_LE(rows, static_cast<int64_t>(attempted.size()));
  auto store = open_store("sqlite:" + database);
  ASSERT_TRUE(store);
  for (const auto& id : acknowledged) {
    auto found = store.value()->find_verdict(kTestShop, id);
    ASSERT_TRUE(found && found.value()) << id << " got a 2xx but is not stored";
  }
  httplib::Client http("127.0.0.1", restarted.port());
  int checked = 0;
  for (const auto& id : acknowledged) {
    if (++checked > 200) break;  // a sample is enough over HTTP; the store check was full
    auto res = post_webhook(http, body, id);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    EXPECT_EQ(parse(res->body)["duplicate"], true) << id;
  }
  EXPECT_EQ(count_verdicts(database), rows);  // replays stored nothing new
  std::printf("[ crash    ] %zu acknowledged, %lld stored, %zu attempted\n", acknowledged.size(),
              static_cast<long long>(rows), attempted.size());
}

}  // namespace
}  // namespace tiercart::server::testing
