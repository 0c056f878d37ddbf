#include "plugin/registry.hpp"

#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace switchboard::plugin {
namespace {

const Refusal *refusal_for(const Registry &r, const std::string &file) {
  for (const auto &x : r.refused()) {
    if (x.path.filename() == file) return &x;
  }
  return nullptr;
}

TEST(Registry, ScansADirectoryLoadingTheGoodAndRefusingTheBroken) {
  Registry registry;
  registry.scan({test::fixture_plugin_dir()});

  for (const char *id : {"fixture-llm-echo", "fixture-llm-throws", "fixture-stt-counter", "fixture-tts-silence",
                         "fixture-cache-map", "fixture-transport-socket", "fixture-factory-fails", "fixture-dup"}) {
    EXPECT_NE(registry.find(id), nullptr) << id;
  }
  EXPECT_EQ(registry.plugins().size(), 8u);
  ASSERT_EQ(registry.refused().size(), 3u);
  EXPECT_NE(refusal_for(registry, "fixture-bad-abi.so"), nullptr);
  EXPECT_NE(refusal_for(registry, "fixture-no-entry.so"), nullptr);
  const Refusal *dup = refusal_for(registry, "fixture-dup-b.so");
  ASSERT_NE(dup, nullptr) << "files load in name order, so the second copy is refused";
  EXPECT_NE(dup->reason.find("duplicate plugin id 'fixture-dup'"), std::string::npos);
  EXPECT_NE(dup->reason.find("fixture-dup-a.so"), std::string::npos) << "names the file that won";
}

TEST(Registry, FirstDirectoryWinsForTheSameId) {
  const auto dir = std::filesystem::temp_directory_path() / ("sb-registry-first-wins-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(test::fixture_plugin("fixture-llm-echo"), dir / "my-echo.so");
  Registry registry;
  registry.scan({dir, test::fixture_plugin_dir()});
  EXPECT_EQ(registry.find("fixture-llm-echo")->info().path, dir / "my-echo.so");
  EXPECT_NE(refusal_for(registry, "fixture-llm-echo.so"), nullptr);
  std::filesystem::remove_all(dir);
}

TEST(Registry, SkipsMissingDirectoriesAndIgnoresOtherFiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("sb-registry-other-files-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "README.txt") << "not a plugin";
  Registry registry;
  registry.scan({dir / "missing", dir});
  EXPECT_TRUE(registry.plugins().empty());
  EXPECT_TRUE(registry.refused().empty());
  std::filesystem::remove_all(dir);
}

TEST(Registry, TheSameFileThroughTwoPathsLoadsOnce) {
  Registry registry;
  registry.scan({test::fixture_plugin_dir(), test::fixture_plugin_dir() / "."});
  EXPECT_EQ(registry.plugins().size(), 8u);
  EXPECT_EQ(registry.refused().size(), 3u);
}

TEST(Registry, SearchPathPutsConfigDirsFirstThenEnvironmentThenInstalled) {
  setenv("SWITCHBOARD_PLUGIN_PATH", "/env/a:/env/b", 1);
  const auto dirs = Registry::search_path({"/from/config"});
  unsetenv("SWITCHBOARD_PLUGIN_PATH");
  ASSERT_EQ(dirs.size(), 4u);
  EXPECT_EQ(dirs[0], "/from/config");
  EXPECT_EQ(dirs[1], "/env/a");
  EXPECT_EQ(dirs[2], "/env/b");
  EXPECT_EQ(dirs[3].filename(), "plugins");
  EXPECT_EQ(dirs[3].parent_path().filename(), "switchboard");
}

}  // namespace
}  // namespace switchboard::plugin
