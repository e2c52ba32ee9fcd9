// Group commit: one writer thread takes every verdict waiting to be stored, writes them in
// one transaction (one fsync), then releases all their HTTP responses at once. Under load a
// batch grows by itself (everything that arrived during the previous commit), so the cost of
// durability is shared instead of paid per webhook.
#pragma once

#include <atomic>
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
  std::thread writer_;  // last: starts once everything above exists
};

}  // namespace tiercart::server
