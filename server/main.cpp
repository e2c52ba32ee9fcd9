// tiercart-server: verifies orders/create webhooks with the core and stores the verdicts,
// serves the app proxy and the admin API. Runs until SIGTERM or SIGINT, then finishes the
// requests in flight and stores what is queued before exiting.
#include <csignal>
#include <cstdio>

#include "src/config.h"
#include "src/service.h"

int main(int argc, char** argv) {
  bool help = false;
  auto config = tiercart::server::parse_config(argc, argv, help);
  if (help) {
    std::fputs(tiercart::server::kConfigUsage, stdout);
    return 0;
  }
  if (!config) {
    std::fprintf(stderr, "tiercart-server: %s\n%s", config.error().message.c_str(),
                 tiercart::server::kConfigUsage);
    return 2;
  }
  // Signals are taken by sigwait below, not by a handler: every thread started from here
  // on inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto service = tiercart::server::Service::create(config.value());
  if (!service) {
    std::fprintf(stderr, "tiercart-server: %s\n", service.error().message.c_str());
    return 1;
  }
  auto port = service.value()->start();
  if (!port) {
    std::fprintf(stderr, "tiercart-server: %s\n", port.error().message.c_str());
    return 1;
  }
  // Tests and scripts read this line to learn the port (with --port 0).
  std::printf("tiercart-server listening on %s:%d\n", config.value().host.c_str(), port.value());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  service.value()->stop();
  return 0;
}
