// The HTTP layer under attack, on loopback: bodies and headers bounded however they are sent,
// slow and idle connections that cost no worker, pipelined requests answered in order.
// docs/server.md, "Bounds", gives each figure.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace tiercart::server::testing {
namespace {

// A blocking TCP connection from `source` (any 127.x.y.z address is loopback on Linux, so a
// test can be several clients at once) with a receive limit.
class Connection {
 public:
  Connection(int port, const char* source = "127.0.0.1", int receive_limit_ms = 5000) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source, &from.sin_addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
    timeval limit{receive_limit_ms / 1000, (receive_limit_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }
  // False once the server has closed or reset the connection.
  bool send_text(std::string_view text) {
    while (!text.empty()) {
      const ssize_t sent = send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      text.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }
  // Everything until the server closes (or the receive limit passes).
  std::string receive_all() {
    std::string out;
    char buffer[4096];
    ssize_t got;
    while ((got = recv(fd_, buffer, sizeof buffer, 0)) > 0) out.append(buffer, got);
    timed_out_ = got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    return out;
  }
  // Reads until `text` has arrived `times` times (or the connection ends).
  std::string receive_until(std::string_view text, int times) {
    std::string out;
    char buffer[4096];
    auto count = [&] {
      int n = 0;
      for (std::size_t at = out.find(text); at != std::string::npos; at = out.find(text, at + 1))
        ++n;
      return n;
    };
    while (count() < times) {
      const ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      out.append(buffer, got);
    }
    return out;
  }
  bool timed_out() const { return timed_out_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool timed_out_ = false;
};

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

// The body of a raw answer, parsed.
Json body_of(const std::string& response) {
  const std::size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? Json() : parse(response.substr(at + 4));
}

// A gzip body of `mib` members, each 1 MiB of zeros once inflated: about 1 KB per MiB.
std::string gzip_bomb(int mib) {
  const std::string zeros(1 << 20, '\0');
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
  std::string member(deflateBound(&z, zeros.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
  z.avail_in = static_cast<uInt>(zeros.size());
  z.next_out = reinterpret_cast<Bytef*>(member.data());
  z.avail_out = static_cast<uInt>(member.size());
  deflate(&z, Z_FINISH);
  member.resize(z.total_out);
  deflateEnd(&z);
  std::string bomb;
  for (int i = 0; i < mib; ++i) bomb += member;
  return bomb;
}

// This process's peak resident memory since the last reset, in KiB (the server runs here).
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

class UnderAttack : public ::testing::Test {
 protected:
  TestServer server_;
};

TEST_F(UnderAttack, ACompressedBodyIsRefusedUnreadAndNeverInflated) {
  const std::string bomb = gzip_bomb(1024);  // 1 GiB once inflated
  ASSERT_LT(bomb.size(), 2u * 1024 * 1024);
  reset_peak_rss();
  const long before = peak_rss_kib();
  std::vector<std::thread> attackers;
  std::vector<std::string> answers(4);
  const char* paths[] = {"/webhooks/orders/create", "/apps/tiercart/evaluate", "/no/such/route",
                         "/post-purchase/offer"};
  for (int i = 0; i < 4; ++i) {
    attackers.emplace_back([&, i] {
      Connection c(server_.port());
      c.send_text(std::string("POST ") + paths[i] +
                  " HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: " +
                  std::to_string(bomb.size()) + "\r\n\r\n");
      c.send_text(bomb);
      answers[i] = c.receive_all();
    });
  }
  for (auto& t : attackers) t.join();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(status_line(answers[i]), "HTTP/1.1 415 Unsupported Media Type") << paths[i];
    EXPECT_EQ(body_of(answers[i])["error"]["code"], "unsupported_encoding") << paths[i];
  }
  EXPECT_NE(answers[3].find("Access-Control-Allow-Origin: *"), std::string::npos)
      << "the post-purchase extension reads refusals across origins";
  // The bomb itself is 1 MB in this process; 1 GiB would show if anything inflated it.
  EXPECT_LT(peak_rss_kib() - before, 64 * 1024);
}

TEST_F(UnderAttack, AChunkedBodyIsCutAtTheBodyLimit) {
  reset_peak_rss();
  const long before = peak_rss_kib();
  Connection c(server_.port());
  ASSERT_TRUE(c.send_text(
      "POST /webhooks/orders/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";  // 64 KiB each
  int sent = 0;
  while (sent < 1024 && c.send_text(chunk)) ++sent;  // up to 64 MiB, unless cut off
  const std::string answer = c.receive_all();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(body_of(answer)["error"]["code"], "too_large");
  EXPECT_LT(peak_rss_kib() - before, 64 * 1024);
}

TEST_F(UnderAttack, AGigabyteOrdersExportIsRefusedBeforeAByteOfItIsRead) {
  // The what-if upload takes 64 MiB, more than any other route; 1 GiB is refused on its
  // Content-Length, with the JSON error, before the body is read or any memory reserved.
  reset_peak_rss();
  const long before = peak_rss_kib();
  Connection c(server_.port());
  ASSERT_TRUE(
      c.send_text("POST /admin/what-if?shop=northbound-supply.myshopify.com HTTP/1.1\r\nHost: x\r\n"
                  "Authorization: Bearer test-admin-token\r\nContent-Type: text/csv\r\n"
                  "Content-Length: 1073741824\r\n\r\nName,Currency\r\n"));
  const std::string answer = c.receive_all();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(body_of(answer)["error"]["code"], "too_large");
  EXPECT_NE(body_of(answer)["error"]["message"].get<std::string>().find("67108864"),
            std::string::npos);
  EXPECT_LT(peak_rss_kib() - before, 16 * 1024);
}

TEST_F(UnderAttack, AHugeHeaderBlockIsRefusedAtItsLimit) {
  reset_peak_rss();
  const long before = peak_rss_kib();
  Connection c(server_.port());
  ASSERT_TRUE(c.send_text("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  const std::string field = "X-Padding: " + std::string(8000, 'p') + "\r\n";
  int sent = 0;
  while (sent < 8192 && c.send_text(field)) ++sent;  // up to 64 MiB of header
  const std::string answer = c.receive_all();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(body_of(answer)["error"]["code"], "headers_too_large");
  EXPECT_LT(sent, 8192) << "the server kept reading";
  EXPECT_LT(peak_rss_kib() - before, 64 * 1024);
}

TEST_F(UnderAttack, TooManyHeaderFieldsAreRefused) {
  Connection c(server_.port());
  std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 200; ++i) request += "X-" + std::to_string(i) + ": 1\r\n";
  ASSERT_TRUE(c.send_text(request + "\r\n"));
  const std::string answer = c.receive_all();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(body_of(answer)["error"]["code"], "too_many_headers");
}

TEST(PostPurchaseHeaders, ALargeTokenIsReadAndOversizedHeadersGetCors) {
  // A 40 KB bearer token (a long purchase) reaches the route, which judges it (here: 401,
  // it is not signed); past the header limit the refusal still carries the CORS headers.
  TempDir dir;
  Config config = test_config(dir.path() + "/tiercart.db");
  config.api_key = "test-api-key";
  TestServer server(config);
  for (const std::size_t size : {std::size_t{40000}, std::size_t{200000}}) {
    Connection c(server.port());
    c.send_text("POST /post-purchase/offer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                std::string(size, 'a') + "\r\nContent-Length: 2\r\n\r\n{}");
    const std::string answer = c.receive_until("}}", 1);
    if (size == 40000) {
      EXPECT_EQ(status_line(answer), "HTTP/1.1 401 Unauthorized");
    } else {
      EXPECT_EQ(status_line(answer), "HTTP/1.1 431 Request Header Fields Too Large");
    }
    EXPECT_TRUE(body_of(answer)["error"].is_object()) << answer.substr(0, 300);
    EXPECT_NE(answer.find("Access-Control-Allow-Origin: *"), std::string::npos)
        << answer.substr(0, 300);
  }
}

TEST_F(UnderAttack, PipelinedRequestsAreEachAnsweredInOrder) {
  Connection c(server_.port());
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string missing = "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(c.send_text(get + missing + get));
  const std::string answers = c.receive_until("HTTP/1.1 ", 3);
  const std::size_t first = answers.find("HTTP/1.1 200");
  const std::size_t second = answers.find("HTTP/1.1 404", first);
  const std::size_t third = answers.find("HTTP/1.1 200", second);
  EXPECT_NE(first, std::string::npos) << answers;
  EXPECT_NE(second, std::string::npos) << answers;
  EXPECT_NE(third, std::string::npos) << answers;
}

TEST_F(UnderAttack, AClientThatAsksToContinueIsToldToAndAnswered) {
  // curl sends `Expect: 100-continue` before a body over 1 MiB and waits for the go-ahead.
  server_.install_examples();
  const std::string order = example("orders/orders-create-earned.json");
  Connection c(server_.port());
  ASSERT_TRUE(c.send_text(
      "POST /webhooks/orders/create HTTP/1.1\r\nHost: x\r\n"
      "X-Shopify-Topic: orders/create\r\n"
      "X-Shopify-Shop-Domain: northbound-supply.myshopify.com\r\n"
      "X-Shopify-Webhook-Id: wh-continue\r\n"
      "X-Shopify-Hmac-Sha256: " +
      sign_webhook(order) + "\r\nContent-Type: application/json\r\n" + "Content-Length: " +
      std::to_string(order.size()) + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(status_line(c.receive_until("\r\n\r\n", 1)), "HTTP/1.1 100 Continue");
  ASSERT_TRUE(c.send_text(order));
  const std::string answer = c.receive_all();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(answer)["webhook_id"], "wh-continue") << answer;
}

TEST(SlowConnections, ThreeHundredStalledClientsDoNotStopTheServerAnsweringOthers) {
  TempDir dir;
  Config config = test_config(dir.path() + "/tiercart.db");
  config.threads = 8;  // fewer handler threads than stalled clients: they must hold none
  TestServer server(config);
  // 300 clients from three addresses that never finish their request head.
  std::vector<std::unique_ptr<Connection>> stalled;
  for (int i = 0; i < 300; ++i) {
    const std::string from = "127.0.0." + std::to_string(2 + i % 3);
    stalled.push_back(std::make_unique<Connection>(server.port(), from.c_str()));
    ASSERT_TRUE(stalled.back()->connected());
    ASSERT_TRUE(stalled.back()->send_text("POST /webhooks/orders/create HTTP/1.1\r\nHost: x\r\n"));
  }
  // A normal client is answered at once (within a second) meanwhile.
  for (int i = 0; i < 3; ++i) {
    Connection normal(server.port(), "127.0.0.1", 1000);
    ASSERT_TRUE(normal.send_text("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string answer = normal.receive_all();
    EXPECT_EQ(status_line(answer), "HTTP/1.1 200 OK");
    EXPECT_FALSE(normal.timed_out());
  }
  EXPECT_GE(server.service().open_connections(), 300u);  // all still held, none dropped
}

TEST(SlowConnections, OneAddressGetsNoMoreThanItsShareOfConnections) {
  TempDir dir;
  Config config = test_config(dir.path() + "/tiercart.db");
  config.max_connections_per_address = 20;
  TestServer server(config);
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 20; ++i) {
    held.push_back(std::make_unique<Connection>(server.port(), "127.0.0.2"));
    ASSERT_TRUE(held.back()->send_text("GET /healthz HTTP/1.1\r\n"));
  }
  // The 21st from that address is closed unanswered; another address is still served.
  Connection over(server.port(), "127.0.0.2");
  over.send_text("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(over.receive_all(), "");
  EXPECT_FALSE(over.timed_out());
  Connection other(server.port(), "127.0.0.3");
  ASSERT_TRUE(other.send_text("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(status_line(other.receive_all()), "HTTP/1.1 200 OK");
}

TEST(SlowConnections, AnIdleKeptAliveConnectionIsClosedAfterItsWait) {
  TempDir dir;
  Config config = test_config(dir.path() + "/tiercart.db");
  config.keep_alive_timeout_ms = 200;
  TestServer server(config);
  Connection c(server.port());
  ASSERT_TRUE(c.send_text("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string answers = c.receive_all();  // the answer, then the server's close
  EXPECT_EQ(status_line(answers), "HTTP/1.1 200 OK");
  EXPECT_FALSE(c.timed_out()) << "closed by the server, not by this test's 5 s limit";
}

}  // namespace
}  // namespace tiercart::server::testing
