// The webhook work behind Boost.Beast on Asio: asynchronous accept, read and write over
// HTTP/1.1 keep-alive, T threads for all connections. Each thread runs its own io_context
// and a connection stays on the one it was accepted to, so no strand is needed; the
// streams and timers name that concrete executor type rather than asio::any_io_executor
// (a first version with one shared io_context, strands and any_io_executor took 116 µs of
// CPU a request against 100 with this layout, before the read buffer below). With
// --commit-wait-ms the answer is written after an asio::steady_timer, so a connection waiting
// for its "commit" holds no thread, unlike httplib's blocked worker.
//
//   beast_probe [--port P] [--threads T (2)] [--commit-wait-ms W (0)]
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "work.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;

namespace {

// The server's limits (server/src/config.h): 4 MiB bodies, 5 s to read a request or to
// wait for the next one on a kept-alive connection.
constexpr std::uint64_t kMaxBodyBytes = std::uint64_t{4} * 1024 * 1024;
constexpr auto kTimeout = std::chrono::seconds(5);
constexpr std::size_t kReadBufferBytes = 16 * 1024;

struct Settings {
  const tiercart::probe::Work* work;
  std::chrono::milliseconds commit_wait;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, const Settings& settings)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), settings_(settings) {}

  void start() {
    stream_.socket().set_option(tcp::no_delay(true));
    // The parser moves body bytes out of the buffer as they arrive, so the buffer never
    // grows by itself and each read would ask the socket for about 512 bytes: ~29 recvmsg
    // for a 14 KiB order. 16 KiB per connection reads a typical order in one or two.
    buffer_.reserve(kReadBufferBytes);
    read();
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxBodyBytes);
    stream_.expires_after(kTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit) {
      return answer(413, error_body("too_large", "the body is over 4194304 bytes"), false);
    }
    if (ec) return close();  // timeout, reset, or a request that is not HTTP: drop it
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    if (req.target() != "/webhooks/orders/create") {
      return answer(404, error_body("not_found", "no such route"), keep_alive_);
    }
    if (req.method() != http::verb::post) {
      return answer(405, error_body("method_not_allowed", "POST only"), keep_alive_);
    }
    auto header = [&req](const char* name) {
      auto found = req.find(name);
      return found == req.end() ? std::string_view()
                                : std::string_view(found->value().data(), found->value().size());
    };
    auto result = tiercart::probe::handle_webhook(*settings_.work, header("X-Shopify-Hmac-Sha256"),
                                                  header("X-Shopify-Webhook-Id"),
                                                  header("X-Shopify-Shop-Domain"), req.body());
    if (result.status == 200 && settings_.commit_wait.count() > 0) {
      // The thread goes back to the loop; the answer leaves when the timer fires.
      auto pending = std::make_shared<tiercart::probe::Answer>(std::move(result));
      timer_.expires_after(settings_.commit_wait);
      timer_.async_wait([self = shared_from_this(), pending](beast::error_code) {
        self->answer(pending->status, std::move(pending->body), self->keep_alive_);
      });
      return;
    }
    answer(result.status, std::move(result.body), keep_alive_);
  }

  static std::string error_body(const char* code, const char* message) {
    return std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + message + "\"}}";
  }

  void answer(int status, std::string body, bool keep_alive) {
    response_.emplace();
    response_->result(static_cast<unsigned>(status));
    response_->version(11);
    response_->set(http::field::content_type, "application/json");
    response_->keep_alive(keep_alive);
    response_->body() = std::move(body);
    response_->prepare_payload();
    stream_.expires_after(kTimeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  Stream stream_;
  Timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  bool keep_alive_ = true;
  const Settings& settings_;
};

// Connections are dealt to the io_contexts in turn.
struct Loops {
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::size_t next = 0;
};

void accept(Acceptor& acceptor, Loops& loops, const Settings& settings) {
  asio::io_context& target = *loops.contexts[loops.next++ % loops.contexts.size()];
  acceptor.async_accept(target,
                        [&acceptor, &loops, &settings](beast::error_code ec, Socket socket) {
                          if (!ec) std::make_shared<Session>(std::move(socket), settings)->start();
                          if (acceptor.is_open()) accept(acceptor, loops, settings);
                        });
}

}  // namespace

int main(int argc, char** argv) {
  tiercart::probe::Flags flags;
  flags.threads = 2;
  if (!tiercart::probe::parse_flags(argc, argv, flags)) return 2;
  std::string error;
  auto work = tiercart::probe::load_work(flags.program, flags.context, error);
  if (!work) {
    std::fprintf(stderr, "beast_probe: %s\n", error.c_str());
    return 1;
  }
  std::signal(SIGPIPE, SIG_IGN);
  const Settings settings{work.get(), std::chrono::milliseconds(flags.commit_wait_ms)};

  Loops loops;
  for (int i = 0; i < flags.threads; ++i) {
    loops.contexts.push_back(std::make_unique<asio::io_context>(1));
  }
  asio::io_context& first = *loops.contexts.front();
  Acceptor acceptor(first);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                               static_cast<unsigned short>(flags.port));
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "beast_probe: cannot listen on 127.0.0.1:%d: %s\n", flags.port,
                 ec.message().c_str());
    return 1;
  }
  accept(acceptor, loops, settings);
  asio::signal_set stop(first, SIGTERM, SIGINT);
  stop.async_wait([&loops](beast::error_code, int) {
    for (auto& io : loops.contexts) io->stop();
  });

  std::printf("beast_probe listening on 127.0.0.1:%d (threads=%d, commit_wait_ms=%d)\n",
              acceptor.local_endpoint().port(), flags.threads, flags.commit_wait_ms);
  std::fflush(stdout);
  // Threads without a pending operation would return at once: keep every loop running.
  std::vector<asio::executor_work_guard<Executor>> keep;
  for (auto& io : loops.contexts) keep.push_back(asio::make_work_guard(*io));
  std::vector<std::thread> threads;
  for (int i = 1; i < flags.threads; ++i) {
    threads.emplace_back([&loops, i] { loops.contexts[static_cast<std::size_t>(i)]->run(); });
  }
  first.run();
  for (auto& thread : threads) thread.join();
  return 0;
}
