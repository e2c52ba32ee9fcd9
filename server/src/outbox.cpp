#include "outbox.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "responses.h"

namespace tiercart::server {

Outbox::Outbox(Store& store, AdminApi& api, TokenSource token, OutboxOptions options)
    : store_(store), api_(api), token_(std::move(token)), options_(options) {
  std::random_device random;
  char id[32];
  std::snprintf(id, sizeof id, "outbox-%08x%08x", random(), random());
  owner_ = id;
}

Outbox::~Outbox() { stop(); }

void Outbox::start() {
  if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
}

void Outbox::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

void Outbox::wake() {
  std::lock_guard<std::mutex> lock(mutex_);
  woken_ = true;
  wake_.notify_all();
}

int64_t Outbox::retry_delay_ms(int64_t attempts) {
  const int64_t capped = std::clamp<int64_t>(attempts, 1, 20);
  return std::min<int64_t>(10 * 60 * 1000, int64_t{1000} << std::min<int64_t>(capped - 1, 19));
}

int64_t Outbox::prune(int64_t now) {
  int64_t deleted = 0;
  while (true) {
    auto pruned = store_.prune_writes(now - options_.keep_done_ms, 1000);
    if (!pruned) {
      std::fprintf(stderr, "tiercart-server: outbox: %s\n", pruned.error().message.c_str());
      return deleted;
    }
    deleted += pruned.value();
    if (pruned.value() < 1000) return deleted;
  }
}

void Outbox::run() {
  // Not at start: a process starting (or restarting under load) has better things to do.
  int64_t next_prune = steady_ms() + options_.prune_every_ms;
  while (true) {
    if (steady_ms() >= next_prune) {
      prune(now_ms());
      next_prune = steady_ms() + options_.prune_every_ms;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    const int claimed = deliver_due(now_ms());
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_) return;
    // A shop's next write is due as soon as the one before it is settled: look again at once
    // after any delivery, and wait only when nothing was due.
    if (claimed > 0) continue;
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                   [&] { return stopping_ || woken_; });
  }
}

int Outbox::deliver_due(int64_t now) {
  auto claimed = store_.claim_writes(owner_, now, now + options_.lease_ms, options_.batch);
  if (!claimed) {
    std::fprintf(stderr, "tiercart-server: outbox: %s\n", claimed.error().message.c_str());
    return 0;
  }
  for (const OutboxRow& row : claimed.value()) deliver(row, now);
  return static_cast<int>(claimed.value().size());
}

void Outbox::deliver(const OutboxRow& row, int64_t now) {
  const std::string& shop = row.write.shop;
  auto settle = [&](const char* state, int64_t next, bool attempted, const std::string& error) {
    auto settled = store_.settle_write(row.id, owner_, state, next, attempted, error, now_ms());
    if (!settled) {
      std::fprintf(stderr, "tiercart-server: outbox: %s\n", settled.error().message.c_str());
    }
  };
  auto token = token_(shop);
  if (!token) {
    // No token to send with: the write waits, without counting a try.
    ++counters_.paused;
    settle("pending", now + options_.pause_ms, false,
           "paused: " + token.error().code + ": " + token.error().message);
    return;
  }
  auto delivered = deliver_write(api_, shop, token.value(), row.write.kind, row.write.payload);
  if (delivered) {
    ++counters_.delivered;
    settle("done", now, true, "");
    return;
  }
  const Error& error = delivered.error();
  const std::string reason = error.code + ": " + error.message;
  if (error.code == "stopping") {
    // Not a try: the next process or start sends it.
    settle("pending", now, false, row.last_error);
  } else if (retryable(error)) {
    ++counters_.retried;
    settle("pending", now + retry_delay_ms(row.attempts + 1), true, reason);
  } else {
    ++counters_.failed;
    std::fprintf(stderr, "tiercart-server: outbox: write %lld (%s) for %s failed: %s\n",
                 static_cast<long long>(row.id), row.write.kind.c_str(), shop.c_str(),
                 reason.c_str());
    settle("failed", now, true, reason);
  }
}

}  // namespace tiercart::server
