// Reading the repository's own example and fixture files from tests.
// TIERCART_SOURCE_DIR is defined for every test target (tests/CMakeLists.txt).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tiercart::testing {

// The text of a file given relative to the repository root ("examples/carts/empty.json").
inline std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(TIERCART_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The .json files of a folder relative to the repository root, sorted, as relative paths.
inline std::vector<std::string> ExampleFiles(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(TIERCART_SOURCE_DIR) + "/" + folder)) {
    if (entry.path().extension() == ".json") {
      files.push_back(folder + "/" + entry.path().filename().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace tiercart::testing
