// The Function contract (docs/function.md): each export reads the input JSON on stdin and
// writes the output JSON on stdout. A malformed input ends the run with exit status 1 and
// the error on stderr: Shopify records a failed run and applies nothing from it.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "tiercart/function.h"
#include "tiercart/tiercart.h"

namespace tiercart::function {

inline void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// Reads stdin to its end, or one chunk past the input limit (the core then refuses it and
// quotes the size read, so the chunk size is part of the output; capacities are whole
// chunks, so a read is cut short only where a pipe cuts it). The chunks go straight
// into one buffer sized for Shopify's 128 kB inputs: appending them to a growing string
// copied a 200-line cart about three times over (0.25 million instructions).
class StdinText {
 public:
  StdinText() {
    while (size_ <= kMaxFunctionInputBytes) {
      // Grown only when full, so that the read that finds the end of a 128 kB input does
      // not double the buffer first.
      if (size_ == capacity_) grow();
      const std::size_t room = capacity_ - size_;
      const ssize_t n = ::read(0, data_.get() + size_, room < kChunk ? room : kChunk);
      if (n <= 0) break;
      size_ += static_cast<std::size_t>(n);
    }
  }
  std::string_view text() const { return std::string_view(data_.get(), size_); }

 private:
  static constexpr std::size_t kChunk = 16384;

  void grow() {
    const std::size_t capacity = capacity_ == 0 ? 8 * kChunk : 2 * capacity_;
    std::unique_ptr<char[]> data(new char[capacity]);  // uninitialized: read() fills it
    if (size_ != 0) std::memcpy(data.get(), data_.get(), size_);
    data_ = std::move(data);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

inline int run(FunctionTarget target) {
  std::string log;
  const StdinText input;
  auto output = run_function_json(target, input.text(), &log);
  if (!log.empty()) write_all(2, log);
  if (!output) {
    write_all(2, to_json(output.error()) + "\n");
    return 1;
  }
  write_all(1, output.value());
  return 0;
}

}  // namespace tiercart::function
