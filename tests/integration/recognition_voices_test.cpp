// Word errors through the native API against pocketsphinx_continuous on
// recordings made here: the test data's sentences spoken by flite and
// eSpeak NG voices, clean and with noise mixed in at 20 dB SNR. The
// API must hear them at least as well as the engine alone.
#include <cmath>
#include <cstdio>
#include <fstream>

#include "conformance/voice-assistant/server_fixture.hpp"
#include "integration/api_transcript.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"
#include "support/word_errors.hpp"
#include "switchboard/sdk/wav.hpp"

namespace switchboard::test {
namespace {

// The sentence in a voice, as 16 kHz samples (the host speaks it: an
// echoing llm, then the voice's tts).
std::vector<std::int16_t> spoken(const std::string &tts, const std::string &sentence, int index) {
  const auto config = scratch_file("voices", "speak-" + std::to_string(index), ".yaml");
  std::ofstream(config) << "plugin_dirs: [\"" SWITCHBOARD_FIXTURE_PLUGIN_DIR "\"]\n"
                        << "llm:\n  - {name: echo, plugin: fixture-llm-echo, config: {}}\n"
                        << "tts:\n  - " << tts << "\n";
  const auto wav = scratch_file("voices", "sentence-" + std::to_string(index), ".wav");
  const auto r = run(SWITCHBOARD_BINARY, {"ask", "--config", config.string(), "--speak", wav.string(), sentence});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string bytes = read_file(wav);
  std::vector<std::int16_t> out;
  std::string error;
  EXPECT_TRUE(audio::decode({reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size()}, out, error)) << error;
  return out;
}

double rms(const std::vector<std::int16_t> &s) {
  double sum = 0;
  for (auto x : s) sum += static_cast<double>(x) * x;
  return s.empty() ? 0 : std::sqrt(sum / static_cast<double>(s.size()));
}

// Speech with the test data's noise recording mixed in at `snr_db` (the
// speech's RMS over the noise's), looped to the speech's length.
std::vector<std::int16_t> with_noise(const std::vector<std::int16_t> &speech, double snr_db) {
  static const auto noise = speech_samples("noise-2s.wav");
  const double gain = rms(speech) / (rms(noise) * std::pow(10.0, snr_db / 20.0));
  std::vector<std::int16_t> out(speech.size());
  for (std::size_t i = 0; i < speech.size(); ++i) {
    const double v = speech[i] + gain * noise[i % noise.size()];
    out[i] = static_cast<std::int16_t>(std::clamp(v, -32768.0, 32767.0));
  }
  return out;
}

std::string cli_of(const std::vector<std::int16_t> &samples, int index) {
  const auto wav = scratch_file("voices", "cli-" + std::to_string(index), ".wav");
  std::ofstream(wav, std::ios::binary) << sdk::wav_file(samples.data(), samples.size(), 16000);
  return switchboard::test::cli_transcript(wav.string());
}

TEST(RecognitionVoices, OtherVoicesCleanAndNoisyAreHeardThroughTheApiAsByTheEngineAlone) {
  VoiceServer server(recognition_providers(), "{limits: {messages_per_second: 0}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const std::vector<std::pair<std::string, std::string>> voices = {
      {"flite slt", "{name: flite, plugin: tts-flite, config: {voice: slt}}"},
      {"flite awb", "{name: flite, plugin: tts-flite, config: {voice: awb}}"},
      {"espeak en-us", "{name: espeak, plugin: tts-espeak, config: {voice: en-us}}"},
  };
  auto sentences = reference_transcripts();
  sentences.resize(std::min<std::size_t>(sentences.size(), 3));
  int n = 0;
  std::size_t all_api = 0, all_cli = 0;
  for (const auto &[voice, tts] : voices) {
    for (const double snr : {-1.0, 20.0}) {
      std::size_t words = 0, api_wrong = 0, cli_wrong = 0;
      for (const auto &[name, reference] : sentences) {
        const auto clean = spoken(tts, reference, n);
        const auto samples = snr < 0 ? clean : with_noise(clean, snr);
        const auto ref = words_of(reference);
        const std::string api =
            api_transcript(server.port(), "voice-" + std::to_string(n),
                           sdk::pcm_bytes(samples.data(), samples.size()) + std::string(32000, '\0'));
        const std::string cli = cli_of(samples, n);
        ++n;
        words += ref.size();
        api_wrong += word_errors(ref, words_of(api));
        cli_wrong += word_errors(ref, words_of(cli));
      }
      std::printf("%-13s %-6s WER api %5.1f %%  cli %5.1f %%  (%zu words)\n", voice.c_str(),
                  snr < 0 ? "clean" : (std::to_string(static_cast<int>(snr)) + " dB").c_str(),
                  100.0 * api_wrong / words, 100.0 * cli_wrong / words, words);
      all_api += api_wrong;
      all_cli += cli_wrong;
    }
  }
  EXPECT_LE(all_api, all_cli) << "the API hears these recordings worse than the engine alone";
}

}  // namespace
}  // namespace switchboard::test
