// Group commit: one writer thread takes every verdict waiting to be stored, writes them in
// one transaction (one fsync), then releases all their HTTP responses at once. Under load a
// batch grows by itself (everything that arrived during the previous commit), so the cost of
// durability is shared instead of paid per webhook.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "store.h"

namespace tiercart::server {

class GroupCommitter {
 public:
  GroupCommitter(Store& store, std::size_t max_batch);
  ~GroupCommitter();  // stores what is queued, then stops the writer
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Blocks until `record` (or the verdict already stored under its webhook id) is durable.
  Result<StoredVerdict> submit(VerdictRecord record);

  // How long the batch being written now has been in the store's hands; zero when none is.
  // Reads can go on answering while a write hangs (a frozen disk, a lock held elsewhere):
  // this is what tells a health check so.
  std::chrono::milliseconds commit_in_flight() const;

  uint64_t batches() const { return batches_; }
  uint64_t records() const { return records_; }
  uint64_t failures() const { return failures_; }

 private:
  struct Pending {
    VerdictRecord record;
    std::promise<Result<StoredVerdict>> done;
  };
  void run();

  Store& store_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> batches_{0}, records_{0}, failures_{0};
  // steady_clock nanoseconds at which the batch in flight was handed to the store; 0: none.
  std::atomic<int64_t> commit_started_ns_{0};
  std::thread writer_;  // last: starts once everything above exists
};

}  // namespace tiercart::server
