#include "group_commit.h"

#include <algorithm>
#include <vector>

namespace tiercart::server {
namespace {

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

GroupCommitter::GroupCommitter(Store& store, std::size_t max_batch)
    : store_(store), max_batch_(max_batch ? max_batch : 1), writer_([this] { run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

std::chrono::milliseconds GroupCommitter::commit_in_flight() const {
  const int64_t started = commit_started_ns_;
  if (started == 0) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::nanoseconds(std::max<int64_t>(0, steady_ns() - started)));
}

Result<StoredVerdict> GroupCommitter::submit(VerdictRecord record) {
  Pending pending{std::move(record), {}};
  auto result = pending.done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return make_error("unavailable", "the server is shutting down");
    queue_.push_back(&pending);
  }
  wake_.notify_one();
  return result.get();  // `pending` outlives the writer's use of it: it fulfils, then drops it
}

void GroupCommitter::run() {
  std::vector<Pending*> batch;
  std::vector<VerdictRecord> records;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to store
      // No waiting for a batch to fill: a lone webhook is written at once; under load the
      // queue has filled during the previous commit.
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    records.clear();
    for (Pending* p : batch) records.push_back(std::move(p->record));
    // Never 0 (which means idle), whatever the clock's epoch.
    commit_started_ns_ = std::max<int64_t>(1, steady_ns());
    auto stored = store_.record_verdicts(records);
    commit_started_ns_ = 0;
    ++batches_;
    if (stored) {
      records_ += batch.size();
      for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->done.set_value(std::move(stored.value()[i]));
      }
    } else {
      failures_ += batch.size();
      for (Pending* p : batch) p->done.set_value(stored.error());
    }
    batch.clear();
  }
}

}  // namespace tiercart::server
