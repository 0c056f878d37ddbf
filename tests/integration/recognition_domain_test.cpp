// The domain model: stt-pocketsphinx biased toward the knowledge file's
// questions and answers. In-domain questions (the test data's recordings,
// each a question the knowledge file answers) must be heard clearly better;
// speech outside the domain (Harvard sentences, spoken here by flite)
// no worse than one point of word error rate.
#include <cstdio>
#include <thread>

#include "conformance/voice-assistant/server_fixture.hpp"
#include "integration/api_transcript.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"
#include "support/word_errors.hpp"

namespace switchboard::test {
namespace {

const std::vector<std::string> kOutOfDomain = {
    "the birch canoe slid on the smooth planks",  "glue the sheet to the dark blue background",
    "it is easy to tell the depth of a well",     "these days a chicken leg is a rare dish",
    "rice is often served in round bowls",        "the juice of lemons makes fine punch",
    "the box was thrown beside the parked truck", "four hours of steady work faced us",
};

// A sentence spoken by flite (through the host: an echoing llm, then tts).
std::string spoken(const std::string &sentence, int index) {
  const auto config = scratch_file("domain", "speak", ".yaml");
  std::ofstream(config) << "plugin_dirs: [\"" SWITCHBOARD_FIXTURE_PLUGIN_DIR "\"]\n"
                        << "llm:\n  - {name: echo, plugin: fixture-llm-echo, config: {}}\n"
                        << "tts:\n  - {name: flite, plugin: tts-flite, config: {voice: slt}}\n";
  const auto wav = scratch_file("domain", "sentence-" + std::to_string(index), ".wav");
  const auto r = run(SWITCHBOARD_BINARY, {"ask", "--config", config.string(), "--speak", wav.string(), sentence});
  EXPECT_EQ(r.code, 0) << r.err;
  return wav.string();
}

struct Errors {
  std::size_t words = 0, wrong = 0;
  double rate() const { return words == 0 ? 0 : 100.0 * static_cast<double>(wrong) / static_cast<double>(words); }
};

std::string server_config(bool domain) {
  std::string stt = "stt:\n  - {name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 1";
  if (domain) stt += ", domain_text: \"" SWITCHBOARD_SOURCE_DIR "/config/knowledge/parenting.yaml\"";
  return stt +
         "}}\n"
         "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Okay.\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n";
}

TEST(RecognitionDomain, InDomainQuestionsAreHeardBetterAndOtherSpeechNoWorse) {
  std::vector<std::pair<std::string, std::vector<std::int16_t>>> in, out;
  for (const auto &[name, reference] : reference_transcripts())
    in.emplace_back(reference, speech_samples(name + ".wav"));
  for (std::size_t i = 0; i < kOutOfDomain.size(); ++i) {
    const std::string bytes = read_file(spoken(kOutOfDomain[i], static_cast<int>(i)));
    std::vector<std::int16_t> samples;
    std::string error;
    ASSERT_TRUE(audio::decode({reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size()}, samples, error))
        << error;
    out.emplace_back(kOutOfDomain[i], std::move(samples));
  }
  Errors result[2][2];  // [domain model][in domain]
  for (const bool domain : {false, true}) {
    VoiceServer server(server_config(domain), "{limits: {messages_per_second: 0}}");
    ASSERT_TRUE(server.ready()) << server.process().err();
    int n = 0;
    for (const bool in_domain : {true, false}) {
      for (const auto &[reference, samples] : in_domain ? in : out) {
        const std::string got =
            api_transcript(server.port(), "d" + std::to_string(n++),
                           sdk::pcm_bytes(samples.data(), samples.size()) + std::string(32000, '\0'));
        auto &e = result[domain][in_domain];
        e.words += words_of(reference).size();
        e.wrong += word_errors(words_of(reference), words_of(got));
        std::printf("%-6s %-3s \"%s\" -> \"%s\"\n", domain ? "domain" : "plain", in_domain ? "in" : "out",
                    reference.c_str(), got.c_str());
      }
    }
  }
  std::printf("WER in domain: %.1f %% plain, %.1f %% with the domain model (%zu words)\n", result[0][1].rate(),
              result[1][1].rate(), result[0][1].words);
  std::printf("WER out of domain: %.1f %% plain, %.1f %% with the domain model (%zu words)\n", result[0][0].rate(),
              result[1][0].rate(), result[0][0].words);
  EXPECT_LT(result[1][1].wrong, result[0][1].wrong) << "in-domain questions are not heard better";
  EXPECT_LE(result[1][0].rate(), result[0][0].rate() + 1.0) << "speech outside the domain is heard worse";
}

}  // namespace
}  // namespace switchboard::test
