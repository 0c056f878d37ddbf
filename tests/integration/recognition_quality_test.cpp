// Word errors through the native API against PocketSphinx's own
// command-line decoder on the same WAV files: the API must hear at least as
// well as the engine alone (docs/audio.md has the figures and the method).
#include <cstdio>
#include <thread>

#include "conformance/voice-assistant/server_fixture.hpp"
#include "integration/api_transcript.hpp"
#include "support/process.hpp"
#include "support/word_errors.hpp"

namespace switchboard::test {
namespace {

TEST(RecognitionQuality, TheApiHearsWavAtLeastAsWellAsTheEngineAlone) {
  VoiceServer server(recognition_providers(), "{limits: {messages_per_second: 0}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::size_t words = 0, api_errors = 0, cli_errors = 0;
  for (const auto &[name, reference] : reference_transcripts()) {
    const auto ref = words_of(reference);
    const std::string api =
        api_transcript(server.port(), "wer-" + name, speech_pcm(name + ".wav") + std::string(32000, '\0'));
    const std::string cli = cli_transcript(speech_path(name + ".wav"));
    words += ref.size();
    const auto a = word_errors(ref, words_of(api));
    const auto c = word_errors(ref, words_of(cli));
    api_errors += a;
    cli_errors += c;
    // Turn segmentation cuts no word at an utterance's edges: where the
    // engine alone hears the first and last word, so does the API.
    const auto api_words = words_of(api), cli_words = words_of(cli);
    if (!cli_words.empty() && cli_words.front() == ref.front()) {
      EXPECT_TRUE(!api_words.empty() && api_words.front() == ref.front()) << name << ": the first word was cut";
    }
    if (!cli_words.empty() && cli_words.back() == ref.back()) {
      EXPECT_TRUE(!api_words.empty() && api_words.back() == ref.back()) << name << ": the last word was cut";
    }
    std::printf("%-10s ref \"%s\"\n           api \"%s\" (%zu)\n           cli \"%s\" (%zu)\n", name.c_str(),
                reference.c_str(), api.c_str(), a, cli.c_str(), c);
  }
  std::printf("WER on %zu words: api %.1f %%, cli %.1f %%\n", words, 100.0 * api_errors / words,
              100.0 * cli_errors / words);
  ASSERT_GT(words, 0U);
  EXPECT_LE(api_errors, cli_errors) << "the API hears worse than the engine alone";
}

}  // namespace
}  // namespace switchboard::test

namespace switchboard::test {
namespace {

// The browser's path: WebM/Opus at 48 kHz in MediaRecorder-sized binary
// chunks (about 200 ms each, cut anywhere) against the same recording as
// 16 kHz samples. The only WebM recording of ../shared/testdata is hello's.
TEST(RecognitionQuality, WebmInMediaRecorderChunksHearsWhatTheWavDoes) {
  VoiceServer server(recognition_providers(1), "{limits: {messages_per_second: 0}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto webm = speech_bytes("formats/hello.webm");
  const std::string wav_heard =
      api_transcript(server.port(), "as-wav", speech_pcm("hello.wav") + std::string(32000, '\0'));
  for (const std::size_t chunk : {std::size_t{500}, webm.size() / 12}) {
    WsClient ws(server.port(), "/voice/as-webm-" + std::to_string(chunk));
    ASSERT_TRUE(ws.until("state_change"));
    for (std::size_t at = 0; at < webm.size(); at += chunk) {
      ws.send_binary(std::string(reinterpret_cast<const char *>(webm.data()) + at, std::min(chunk, webm.size() - at)));
    }
    ws.send_json({{"type", "audio_end"}});
    std::string heard;
    for (int guard = 0; guard < 500 && heard.empty(); ++guard) {
      const auto m = ws.next(std::chrono::seconds(15));
      if (!m) break;
      if ((*m)["type"] == "transcript_update" && (*m)["data"]["is_final"] == true &&
          (*m)["data"]["speaker"] == "user") {
        heard = (*m)["data"]["text"];
      }
    }
    std::printf("webm in %zu-byte chunks: \"%s\"; wav: \"%s\"\n", chunk, heard.c_str(), wav_heard.c_str());
    EXPECT_EQ(heard, wav_heard) << chunk << "-byte chunks";
  }
}

}  // namespace
}  // namespace switchboard::test
