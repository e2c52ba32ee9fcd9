// GoogleTest assertions on the core's Result values.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "tiercart/result.h"

namespace tiercart::testing {

// Passes when `result` is an error with exactly this code and path; otherwise says what came.
template <typename T>
::testing::AssertionResult FailsWith(const Result<T>& result, std::string_view code,
                                     std::string_view path) {
  if (result.ok()) {
    return ::testing::AssertionFailure() << "parsed, but expected " << code << " at " << path;
  }
  const Error& error = result.error();
  if (error.code == code && error.path == path) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << error.code << " at " << error.path << " ("
                                       << error.message << "), expected " << code << " at " << path;
}

}  // namespace tiercart::testing
