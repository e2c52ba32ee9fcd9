#include "work.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "responses.h"
#include "signature.h"
#include "tiercart/judge.h"

namespace tiercart::probe {
namespace {

// The server's limit on X-Shopify-Webhook-Id (server/src/webhooks.cpp).
constexpr std::size_t kMaxWebhookIdBytes = 256;

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

Answer error(int status, const std::string& code, const std::string& message) {
  return {status, server::error_body(code, message)};
}

}  // namespace

std::unique_ptr<Work> load_work(const std::string& program_path, const std::string& context_path,
                                std::string& error_text) {
  auto work = std::make_unique<Work>();
  const char* secret = std::getenv("TIERCART_APP_SECRET");
  if (!secret || !*secret) {
    error_text = "TIERCART_APP_SECRET is not set";
    return nullptr;
  }
  work->secret = secret;
  std::string text;
  if (!read_file(program_path, text)) {
    error_text = "cannot read " + program_path;
    return nullptr;
  }
  auto program = parse_program(text);
  if (!program) {
    error_text = program_path + ": " + program.error().message;
    return nullptr;
  }
  work->program = std::make_shared<const Program>(std::move(program).value());
  if (!read_file(context_path, text)) {
    error_text = "cannot read " + context_path;
    return nullptr;
  }
  auto context = parse_context(text);
  if (!context) {
    error_text = context_path + ": " + context.error().message;
    return nullptr;
  }
  work->context = std::move(context).value();
  // As the server's shop context: what an order says of itself comes from the order.
  work->context.now.reset();
  work->context.country.clear();
  work->context.customer_tags.clear();
  work->context.presentment_currency.clear();
  return work;
}

Answer handle_webhook(const Work& work, std::string_view signature, std::string_view webhook_id,
                      std::string_view shop, std::string_view body) {
  if (signature.empty()) {
    return error(401, "missing_signature", "X-Shopify-Hmac-Sha256 is missing");
  }
  if (!server::webhook_signature_valid(work.secret, body, signature)) {
    return error(401, "invalid_signature", "X-Shopify-Hmac-Sha256 does not match the body");
  }
  if (webhook_id.empty() || webhook_id.size() > kMaxWebhookIdBytes) {
    return error(400, "missing_webhook_id",
                 "X-Shopify-Webhook-Id is missing or longer than 256 bytes");
  }
  auto order = parse_order(body);
  if (!order) {
    const Error& e = order.error();
    return {400, server::error_body(e.code, e.message, e.path)};
  }
  // The context is copied per order, as for_currency() does for one currency.
  const OrderVerdict verdict =
      judge_order(order.value(), work.context, [&work](const std::string& id, int64_t version) {
        return id == work.program->id && version == work.program->version ? work.program : nullptr;
      });
  // The real answer's shape (webhooks.cpp), with duplicate always false: nothing is stored.
  const std::string verdict_text = to_json(verdict);
  JsonWriter w(256 + verdict_text.size());
  w.begin_object()
      .field("webhook_id", webhook_id)
      .field("shop", shop)
      .field("order_id", verdict.order_id)
      .field("earned", verdict.earned);
  w.key("tags").begin_array();
  for (const auto& tag : verdict.tags) w.text(tag);
  w.end_array();
  w.field("received_at", server::now_ms());
  w.key("verdict").raw(verdict_text);
  w.field("duplicate", false).end_object();
  return {200, w.take()};
}

bool parse_flags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", flag.c_str());
      return false;
    }
    const std::string value = argv[++i];
    auto number = [&value, &flag](int low, int high, int& out) {
      char* end = nullptr;
      const long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end || n < low || n > high) {
        std::fprintf(stderr, "%s must be %d..%d\n", flag.c_str(), low, high);
        return false;
      }
      out = static_cast<int>(n);
      return true;
    };
    if (flag == "--port") {
      if (!number(0, 65535, flags.port)) return false;
    } else if (flag == "--threads") {
      if (!number(1, 1024, flags.threads)) return false;
    } else if (flag == "--commit-wait-ms") {
      if (!number(0, 10000, flags.commit_wait_ms)) return false;
    } else if (flag == "--program") {
      flags.program = value;
    } else if (flag == "--context") {
      flags.context = value;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace tiercart::probe
