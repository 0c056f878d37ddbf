// A file path of this test process's own under the temporary folder, so
// tests running side by side never share one.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace switchboard::test {

// <tmp>/sb-<folder>/<name>-<pid><ext>, removed first if it was there.
inline std::filesystem::path scratch_file(const std::string &folder, const std::string &name,
                                          const std::string &ext = "") {
  const auto dir = std::filesystem::temp_directory_path() / ("sb-" + folder);
  std::filesystem::create_directories(dir);
  const auto path = dir / (name + "-" + std::to_string(::getpid()) + ext);
  std::filesystem::remove(path);
  return path;
}

}  // namespace switchboard::test
