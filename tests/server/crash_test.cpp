// Crash safety: under load the server process is killed with SIGKILL (no chance to flush
// anything) and restarted on the same SQLite file. Every webhook that got a 2xx must be in
// the store, and none twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

#include "store.h"
#include "test_support.h"

extern char** environ;

namespace tiercart::server::testing {
namespace {

// build/bin/tiercart-server as a child process; its first stdout line gives the port.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& database) {
    int out[2];
    if (pipe(out) != 0) std::abort();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string secret = std::string("TIERCART_APP_SECRET=") + kSecret;
    const std::string token = std::string("TIERCART_ADMIN_TOKEN=") + kAdminToken;
    std::vector<std::string> env_strings = {secret, token};
    for (char** e = environ; *e; ++e) {
      if (std::string(*e).rfind("TIERCART_", 0) != 0) env_strings.push_back(*e);
    }
    std::vector<char*> env;
    for (auto& s : env_strings) env.push_back(s.data());
    env.push_back(nullptr);
    std::vector<std::string> args = {TIERCART_SERVER_BINARY, "--port",    "0", "--database",
                                     "sqlite:" + database,   "--threads", "32"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), env.data()) != 0) {
      std::abort();
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    FILE* lines = fdopen(out[0], "r");
    char line[256] = {};
    if (std::fgets(line, sizeof line, lines)) {
      const char* colon = std::strrchr(line, ':');
      if (colon) port_ = std::atoi(colon + 1);
    }
    std::fclose(lines);
  }
  ~ServerProcess() { kill_now(SIGTERM); }

  void kill_now(int signal) {
    if (pid_ <= 0) return;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST(CrashSafety, EveryAcknowledgedWebhookSurvivesSigkillAndNoneIsStoredTwice) {
  TempDir dir;
  const std::string database = dir.path() + "/tiercart.db";
  const std::string body = example("orders/orders-create-forged.json");
  std::mutex mutex;
  std::set<std::string> acknowledged, attempted;
  {
    ServerProcess server(database);
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
  ServerProcess restarted(database);
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
