// Errors as values: every entry point of the core returns a Result, never throws.
// An Error carries a stable machine code (documented in docs/errors.md), a human
// message, and the JSON path of the offending field ("$" when it concerns a whole document).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tiercart {

struct Error {
  std::string code;     // stable, snake_case: "invalid_type", "unknown_currency", ...
  std::string message;  // for people; may change between versions
  std::string path;     // JSONPath of the field, e.g. "$.items[2].quantity"
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

inline Error make_error(std::string code, std::string message, std::string path = "$") {
  return Error{std::move(code), std::move(message), std::move(path)};
}

}  // namespace tiercart
