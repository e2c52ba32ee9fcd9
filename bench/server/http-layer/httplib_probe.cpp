// The webhook work behind cpp-httplib, set up as tiercart-server sets it up (service.cpp):
// a thread pool whose worker serves one keep-alive connection at a time, TCP_NODELAY, the
// same timeouts, body limit and listen backlog. With --commit-wait-ms the worker sleeps
// before answering, as the server's worker blocks until the group commit has its verdict.
//
//   httplib_probe [--port P] [--threads N (80)] [--commit-wait-ms W (0)]
#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "work.h"

int main(int argc, char** argv) {
  tiercart::probe::Flags flags;
  flags.threads = 80;
  if (!tiercart::probe::parse_flags(argc, argv, flags)) return 2;
  std::string error;
  auto work = tiercart::probe::load_work(flags.program, flags.context, error);
  if (!work) {
    std::fprintf(stderr, "httplib_probe: %s\n", error.c_str());
    return 1;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  httplib::Server http;
  http.set_tcp_nodelay(true);
  http.set_read_timeout(5, 0);
  http.set_write_timeout(5, 0);
  http.set_keep_alive_timeout(5);
  http.set_keep_alive_max_count(100000);
  http.set_payload_max_length(std::size_t{4} * 1024 * 1024);
  int listen_socket = -1;
  http.set_socket_options([&listen_socket](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (listen_socket < 0) listen_socket = sock;
  });
  const int threads = flags.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  const auto wait = std::chrono::milliseconds(flags.commit_wait_ms);
  http.Post(
      "/webhooks/orders/create",
      httplib::Server::Handler([&work, wait](const httplib::Request& req, httplib::Response& res) {
        auto answer = tiercart::probe::handle_webhook(
            *work, req.get_header_value("X-Shopify-Hmac-Sha256"),
            req.get_header_value("X-Shopify-Webhook-Id"),
            req.get_header_value("X-Shopify-Shop-Domain"), req.body);
        // Only a judged webhook would be stored, so only it waits for the commit.
        if (answer.status == 200 && wait.count() > 0) std::this_thread::sleep_for(wait);
        res.status = answer.status;
        res.set_content(answer.body, "application/json");
      }));

  int port = flags.port;
  if (port == 0) {
    port = http.bind_to_any_port("127.0.0.1");
    if (port <= 0) {
      std::fprintf(stderr, "httplib_probe: cannot bind 127.0.0.1\n");
      return 1;
    }
  } else if (!http.bind_to_port("127.0.0.1", port)) {
    std::fprintf(stderr, "httplib_probe: cannot bind 127.0.0.1:%d\n", port);
    return 1;
  }
  // httplib listens with a backlog of 5; 64 clients connecting at once need more.
  if (listen_socket >= 0) ::listen(listen_socket, SOMAXCONN);
  std::thread listener([&http] { http.listen_after_bind(); });
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::printf("httplib_probe listening on 127.0.0.1:%d (threads=%d, commit_wait_ms=%d)\n", port,
              flags.threads, flags.commit_wait_ms);
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  http.stop();
  listener.join();
  return 0;
}
