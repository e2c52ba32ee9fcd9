// The Function contract (docs/function.md): each export reads the input JSON on stdin and
// writes the output JSON on stdout. A malformed input ends the run with exit status 1 and
// the error on stderr: Shopify records a failed run and applies nothing from it.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <string>

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

// Reads stdin to its end, or one byte past the input limit (the core then refuses it).
inline std::string read_stdin() {
  std::string input;
  char buffer[16384];
  while (input.size() <= kMaxFunctionInputBytes) {
    const ssize_t n = ::read(0, buffer, sizeof buffer);
    if (n <= 0) break;
    input.append(buffer, static_cast<std::size_t>(n));
  }
  return input;
}

inline int run(FunctionTarget target) {
  std::string log;
  auto output = run_function_json(target, read_stdin(), &log);
  if (!log.empty()) write_all(2, log);
  if (!output) {
    write_all(2, to_json(output.error()) + "\n");
    return 1;
  }
  write_all(1, output.value());
  return 0;
}

}  // namespace tiercart::function
