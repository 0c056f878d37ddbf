// Files of a test: a path of this test process's own under the temporary
// folder (tests running side by side never share one), and reading one.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace switchboard::test {

// <tmp>/sb-<folder>/<name>-<pid><ext>, removed first (file or folder, with
// what it holds) if an earlier process with the same pid left it there.
inline std::filesystem::path scratch_file(const std::string &folder, const std::string &name,
                                          const std::string &ext = "") {
  const auto dir = std::filesystem::temp_directory_path() / ("sb-" + folder);
  std::filesystem::create_directories(dir);
  const auto path = dir / (name + "-" + std::to_string(::getpid()) + ext);
  std::filesystem::remove_all(path);
  return path;
}

// A whole file as text ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace switchboard::test
