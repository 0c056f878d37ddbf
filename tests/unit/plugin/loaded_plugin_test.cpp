#include "plugin/loaded_plugin.hpp"

#include <dlfcn.h>

#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace switchboard::plugin {
namespace {

std::string refusal(const std::string &id) {
  auto loaded = LoadedPlugin::load(test::fixture_plugin(id));
  const auto *reason = std::get_if<std::string>(&loaded);
  return reason != nullptr ? *reason : "";
}

TEST(LoadedPlugin, ReadsTheDescriptorOfAGoodPlugin) {
  const auto p = test::load_fixture("fixture-llm-echo");
  EXPECT_EQ(p->info().id, "fixture-llm-echo");
  EXPECT_EQ(p->info().kind, SB_KIND_LLM);
  EXPECT_EQ(p->info().version, "1.0.0");
  EXPECT_EQ(p->info().abi_major, static_cast<std::uint32_t>(SB_ABI_MAJOR));
  EXPECT_EQ(p->info().description, "Echoes the last user message");
  EXPECT_NE(p->descriptor().validate_config, nullptr);
}

TEST(LoadedPlugin, ReadsAPluginWrittenInC) {
  const auto p = test::load_fixture("fixture-factory-fails");
  EXPECT_EQ(p->info().id, "fixture-factory-fails");
  EXPECT_EQ(p->descriptor().validate_config, nullptr);
}

TEST(LoadedPlugin, RefusesAWrongAbiMajorSayingBothVersions) {
  const auto reason = refusal("fixture-bad-abi");
  EXPECT_NE(reason.find("ABI 99.0"), std::string::npos) << reason;
  const std::string host_abi = "ABI " + std::to_string(SB_ABI_MAJOR) + "." + std::to_string(SB_ABI_MINOR);
  EXPECT_NE(reason.find("this host speaks " + host_abi), std::string::npos) << reason;
}

TEST(LoadedPlugin, RefusesAMissingEntrySymbol) {
  EXPECT_EQ(refusal("fixture-no-entry"), "has no entry symbol 'switchboard_plugin_entry'");
}

TEST(LoadedPlugin, RefusesAFileThatIsNotASharedObjectWithTheLoaderMessage) {
  const auto dir = std::filesystem::temp_directory_path() / ("sb-loaded-plugin-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "garbage.so";
  std::ofstream(file) << "not an ELF file";
  auto loaded = LoadedPlugin::load(file);
  ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
  const auto &reason = std::get<std::string>(loaded);
  EXPECT_EQ(reason.rfind("cannot be loaded: ", 0), 0u) << reason;
  EXPECT_NE(reason.find("garbage.so"), std::string::npos) << "dlerror names the file: " << reason;
  std::filesystem::remove_all(dir);
}

TEST(LoadedPlugin, KeepsTheLibraryLoadedWhileAnInstanceLives) {
  const auto path = test::fixture_plugin("fixture-llm-echo");
  auto is_loaded = [&] {
    void *h = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (h != nullptr) dlclose(h);
    return h != nullptr;
  };
  ASSERT_FALSE(is_loaded());
  {
    test::TestHost host;
    auto instance = host.create("fixture-llm-echo");
    EXPECT_TRUE(is_loaded()) << "the plugin and its instance hold the library";
    instance.reset();
  }
  EXPECT_FALSE(is_loaded()) << "unloaded once the last holder is gone";
}

}  // namespace
}  // namespace switchboard::plugin
