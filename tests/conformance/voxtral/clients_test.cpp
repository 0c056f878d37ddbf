// The document's Python client, run as written except for its URL (read
// from ../shared/apis/voxtral.md at run time, Debian's python3-websockets):
// it connects, reads the welcome, sends a text, and saves the spoken
// answer.
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "voxtral_fixture.hpp"

namespace switchboard::test {
namespace {

std::string python_example(int port) {
  std::ifstream in(SWITCHBOARD_TESTDATA_DIR "/../apis/voxtral.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), {});
  const auto at = doc.find("### Python Client");
  const auto start = doc.find("```python\n", at) + 10;
  std::string code = doc.substr(start, doc.find("```", start) - start);
  const std::string url = "ws://localhost:8555";
  code.replace(code.find(url), url.size(), "ws://127.0.0.1:" + std::to_string(port));
  return code;
}

TEST(VoxtralClients, ThePythonExampleSavesTheSpokenAnswer) {
  VoxtralServer server(scripted_voxtral_providers(), "{default_voice: tara}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto dir = std::filesystem::temp_directory_path() / ("sb-voxtral-py-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "client.py") << python_example(server.port());
  const auto r = run("/bin/sh", {"-c", "cd '" + dir.string() + "' && /usr/bin/python3 client.py"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Connected: {"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Response: Hello! I am doing well."), std::string::npos) << r.out;
  std::ifstream saved(dir / "response.wav", std::ios::binary);
  const std::string wav((std::istreambuf_iterator<char>(saved)), {});
  const auto format = wav_format(wav);
  EXPECT_EQ(format.rate, 24000U);
  EXPECT_EQ(format.channels, 1);
  EXPECT_GT(format.data_bytes, 24000U);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace switchboard::test
