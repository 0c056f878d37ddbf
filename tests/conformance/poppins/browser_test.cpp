// A real browser against the Poppins API: Debian's Chromium, headless,
// runs the document's own EventSource, WebSocket and playAudio snippets
// (poppins_page.html) and decodes every spoken answer with decodeAudioData.
#include "conformance/poppins/poppins_fixture.hpp"
#include "support/headless_chromium.hpp"

namespace switchboard::test {
namespace {

TEST(PoppinsBrowser, TheDocumentsSnippetsWorkInChromiumAndItsAudioDecodes) {
  ASSERT_TRUE(HeadlessChromium::installed()) << "chromium is missing: scripts/install-deps.sh installs it";
  // The page is a file: its origin is "null", allowed here as a page of
  // the operator's would be by name.
  PoppinsServer server(streaming_providers(5, "Hello there. Here is some help."), "{cors_origins: [\"null\"]}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  HeadlessChromium browser("file://" SWITCHBOARD_SOURCE_DIR "/tests/conformance/poppins/poppins_page.html?port=" +
                           std::to_string(server.port()));
  const auto r = browser.result();
  ASSERT_TRUE(r.is_object()) << "the page reported nothing:\n" << browser.log();
  EXPECT_EQ(r["errors"], nlohmann::json::array()) << r.dump();
  EXPECT_EQ(r["sse_done"], true);
  EXPECT_EQ(r["sse_text"], "Hello there. Here is some help.");
  EXPECT_GT(r["sse_chunks"].get<int>(), 1);
  EXPECT_EQ(r["ws_complete"], true);
  EXPECT_EQ(r["ws_text"], "Hello there. Here is some help.");
  EXPECT_GE(r["ws_audio_chunks"].get<int>(), 2);
  EXPECT_EQ(r["decoded"], r["ws_audio_chunks"]) << "every audio chunk decodes";
  EXPECT_EQ(r["decode_errors"], nlohmann::json::array());
  // The tone speaks 2 ms a character: about 60 ms for the 31 of the answer.
  EXPECT_NEAR(r["decoded_seconds"].get<double>(), 0.062, 0.03);
}

}  // namespace
}  // namespace switchboard::test
