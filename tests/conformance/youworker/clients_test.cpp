// The document's Python examples (Debian's python3-requests), run as
// written except for API_BASE and API_KEY, in the document's order (the
// later ones use the first's names): the REST chat flow, the voice input
// with a recording as audio.wav, and the streaming chat.
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "youworker_fixture.hpp"

namespace switchboard::test {
namespace {

std::string python_examples(int port) {
  std::ifstream in(SWITCHBOARD_TESTDATA_DIR "/../apis/youworker.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), {});
  std::string code;
  for (std::size_t at = doc.find("```python\n"); at != std::string::npos; at = doc.find("```python\n", at)) {
    at += 10;
    code += doc.substr(at, doc.find("```", at) - at) + "\n";
  }
  const std::string base = "\"http://localhost:8001\"";
  code.replace(code.find(base), base.size(), "\"http://127.0.0.1:" + std::to_string(port) + "\"");
  return code;
}

TEST(YouWorkerClients, ThePythonExamplesRunAsWritten) {
  YouWorkerServer server(youworker_recognising_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto dir = std::filesystem::temp_directory_path() / ("sb-youworker-py-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "examples.py") << python_examples(server.port());
  std::filesystem::copy_file(speech_path("crying.wav"), dir / "audio.wav",
                             std::filesystem::copy_options::overwrite_existing);
  const auto r = run("/bin/sh", {"-c", "cd '" + dir.string() + "' && /usr/bin/python3 examples.py"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Assistant: Hello there! How can I help you today?\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Transcript: my baby will not stop crying what should i do\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Response: Hello there!"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Hello there! How can I help you today?\n\nDone!"), std::string::npos)
      << "the streamed tokens, then done: " << r.out;
  std::ifstream saved(dir / "response.wav", std::ios::binary);
  const std::string wav((std::istreambuf_iterator<char>(saved)), {});
  EXPECT_EQ(wav_format(wav).rate, 22050U);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace switchboard::test
