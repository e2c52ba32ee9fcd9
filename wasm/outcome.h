// What every call of the browser's modules returns to JavaScript, and how a core result
// becomes one (registered for JavaScript in outcome.cpp). Shared by the binding files, each of
// which goes into the modules that need it (wasm/CMakeLists.txt).

#pragma once

#include <string>

#include "tiercart/tiercart.h"

namespace tiercart::wasm {

// `json` is byte-for-byte what the native build gives for the same input: the result
// document when ok, else tiercart::to_json(error).
struct Outcome {
  bool ok = false;
  std::string json;
};

inline Outcome outcome(const Result<std::string>& result) {
  if (result) return Outcome{true, result.value()};
  return Outcome{false, to_json(result.error())};
}

inline Outcome failure(const Error& error) { return Outcome{false, to_json(error)}; }

}  // namespace tiercart::wasm
