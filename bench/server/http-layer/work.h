// The per-request work of tiercart-server's POST /webhooks/orders/create, without storage:
// the signature, the webhook id, parse_order and judge_order against one program and one
// shop context loaded at startup. Both probes call this, so that only the HTTP layer differs.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "tiercart/tiercart.h"

namespace tiercart::probe {

// What both probes share: the secret, the program and the shop context.
struct Work {
  std::string secret;
  std::shared_ptr<const Program> program;
  Context context;
};

// Reads the program and context documents (paths) with the core's parsers and the secret
// from TIERCART_APP_SECRET. On failure returns nullptr and says why in `error`.
std::unique_ptr<Work> load_work(const std::string& program_path, const std::string& context_path,
                                std::string& error);

struct Answer {
  int status = 200;
  std::string body;  // JSON
};

// One webhook: the three header values as received (empty when absent) and the raw body.
Answer handle_webhook(const Work& work, std::string_view signature, std::string_view webhook_id,
                      std::string_view shop, std::string_view body);

// Command-line flags shared by the probes: --port, --threads, --commit-wait-ms.
struct Flags {
  int port = 0;  // 0: an ephemeral port
  int threads = 0;
  int commit_wait_ms = 0;
  std::string program = "examples/programs/free-shipping-and-tote.json";
  std::string context = "examples/contexts/catalog.json";
};
// False (with a message on stderr) on an unknown flag or a bad value.
bool parse_flags(int argc, char** argv, Flags& flags);

}  // namespace tiercart::probe
