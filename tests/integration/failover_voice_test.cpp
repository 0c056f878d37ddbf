// Failover heard as a user hears it: the real binary over the native API,
// with the first tts provider killed mid-sentence and the first stt
// provider failing after its final. What the user got is recognised back by
// PocketSphinx through the same API and compared with the same answer spoken
// by a server where nothing fails.
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "conformance/voice-assistant/server_fixture.hpp"
#include "support/word_errors.hpp"

namespace switchboard::test {
namespace {

const std::string kAnswer = "Most babies sleep about fourteen hours a day and wake up every few hours to eat.";

// PocketSphinx for speech in; one scripted answer; flite for speech out.
// With `faults`, the first flite is cut 15 chunks (1.5 s) into the sentence
// and the first stt provider fails right after sending its final.
std::string providers(bool faults) {
  std::string stt = "stt:\n";
  if (faults) {
    stt +=
        "  - {name: flaky-ears, plugin: stt-scripted, config: {transcripts: [\"what the flaky provider heard\"], "
        "fail_after_final: true}}\n";
  }
  stt += "  - {name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 1}}\n";
  std::string tts = "tts:\n";
  if (faults) tts += "  - {name: flite-cut, plugin: tts-flite, fault: {cut_after_chunks: 15}}\n";
  tts += "  - {name: flite, plugin: tts-flite}\n";
  return stt + "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"" + kAnswer + "\"}}\n" + tts;
}

struct Heard {
  std::vector<std::int16_t> speech;  // every audio message of the turn, in order
  std::vector<nlohmann::json> resumed;
};

// Asks by text and keeps the spoken answer, until the turn is over.
Heard spoken_answer(VoiceServer &server, const std::string &session) {
  Heard h;
  WsClient ws(server.port(), "/voice/" + session);
  EXPECT_TRUE(ws.until("state_change"));
  ws.send_json({{"type", "text"}, {"data", "how should my baby sleep"}});
  bool spoke = false;
  while (true) {
    const auto m = ws.next(std::chrono::seconds(60));
    if (!m) {
      ADD_FAILURE() << "no end of turn";
      break;
    }
    const std::string type = (*m)["type"];
    if (type == "audio") {
      EXPECT_EQ((*m)["sample_rate"], 16000);
      const std::string pcm = base64_decode((*m)["data"]);
      const auto *samples = reinterpret_cast<const std::int16_t *>(pcm.data());
      h.speech.insert(h.speech.end(), samples, samples + pcm.size() / 2);
      spoke = true;
    }
    if (type == "speech_resumed") h.resumed.push_back((*m)["data"]);
    if (type == "transcript_update" && (*m)["data"]["speaker"] == "assistant") break;
  }
  EXPECT_TRUE(spoke);
  return h;
}

// Speaks `pcm` (16 kHz) into a session as 20 ms frames and returns the final transcript.
std::string recognised(VoiceServer &server, const std::string &session, const std::string &pcm) {
  WsClient ws(server.port(), "/voice/" + session);
  EXPECT_TRUE(ws.until("state_change"));
  const std::string audio = std::string(16000, '\0') + pcm + std::string(32000, '\0');
  // Twice real time: within the API's 100 messages a second (a pace, not a wait for anything).
  auto next = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < audio.size(); at += 640) {
    ws.send_json({{"type", "audio"}, {"data", base64(audio.substr(at, 640))}});
    next += std::chrono::milliseconds(10);
    std::this_thread::sleep_until(next);
  }
  while (const auto m = ws.until("transcript_update", {}, std::chrono::seconds(60))) {
    const auto &data = (*m)["data"];
    if (data["speaker"] == "user" && data["is_final"] == true) return data["text"];
  }
  ADD_FAILURE() << "no final transcript; the server said:\n" << server.process().err();
  return "";
}

std::string pcm_of(const std::vector<std::int16_t> &samples) {
  return sdk::pcm_bytes(samples.data(), samples.size());
}

struct FailoverVoice : ::testing::Test {
  static void SetUpTestSuite() {
    faulty = std::make_unique<VoiceServer>(providers(true), "{output_format: pcm16}");
    healthy = std::make_unique<VoiceServer>(providers(false), "{output_format: pcm16}");
  }
  static void TearDownTestSuite() {
    faulty.reset();
    healthy.reset();
  }
  static std::unique_ptr<VoiceServer> faulty;
  static std::unique_ptr<VoiceServer> healthy;
};
std::unique_ptr<VoiceServer> FailoverVoice::faulty;
std::unique_ptr<VoiceServer> FailoverVoice::healthy;

TEST_F(FailoverVoice, ATtsProviderKilledMidSentenceIsHeardWithNoWordRepeatedOrMissing) {
  ASSERT_TRUE(faulty->ready()) << faulty->process().err();
  ASSERT_TRUE(healthy->ready()) << healthy->process().err();
  const Heard broken = spoken_answer(*faulty, "tts-broken");
  const Heard whole = spoken_answer(*healthy, "tts-whole");
  ASSERT_EQ(broken.resumed.size(), 1u) << "the client is told the speech was resumed";
  const std::string remaining = broken.resumed[0]["remaining"];
  EXPECT_EQ(broken.resumed[0]["failed_provider"], "flite-cut");
  EXPECT_LT(remaining.size(), kAnswer.size()) << "resumed after the words already heard, not from the start";
  EXPECT_EQ(kAnswer.substr(kAnswer.size() - remaining.size()), remaining) << "at a word of the answer";

  // Heard back by the healthy server's recogniser (no flaky stt there).
  const std::string heard_broken = recognised(*healthy, "hear-broken", pcm_of(broken.speech));
  const std::string heard_whole = recognised(*healthy, "hear-whole", pcm_of(whole.speech));
  const auto reference = words_of(kAnswer);
  const auto errors_broken = word_errors(reference, words_of(heard_broken));
  const auto errors_whole = word_errors(reference, words_of(heard_whole));
  std::cout << "whole:  " << whole.speech.size() / 16 << " ms, heard \"" << heard_whole << "\" (" << errors_whole
            << " errors)\nbroken: " << broken.speech.size() / 16 << " ms, resumed at \"" << remaining << "\", heard \""
            << heard_broken << "\" (" << errors_broken << " errors)\n";
  // Every word once, in order (the recogniser is allowed one slip of its own:
  // the unbroken answer is the control).
  EXPECT_LE(errors_broken, errors_whole + 1) << "the seam costs at most one word's recognition";
  EXPECT_LE(errors_broken, 1u);
  // Repeating the 1.5 s already heard would make it that much longer.
  const double extra_ms = (static_cast<double>(broken.speech.size()) - static_cast<double>(whole.speech.size())) / 16.0;
  EXPECT_LT(extra_ms, 500) << "nothing heard is sent again";
  EXPECT_GT(extra_ms, -500) << "nothing is missing";
  // The first words are heard once.
  const auto hyp = words_of(heard_broken);
  EXPECT_LE(std::count(hyp.begin(), hyp.end(), "babies"), 1);
  EXPECT_LE(std::count(hyp.begin(), hyp.end(), "sleep"), 1);
}

TEST_F(FailoverVoice, AnSttProviderFailingAfterItsFinalLeavesTheWordsHeardOnce) {
  ASSERT_TRUE(faulty->ready()) << faulty->process().err();
  ASSERT_TRUE(healthy->ready()) << healthy->process().err();
  const std::string pcm = speech_pcm("crying.wav");
  const std::string after_failover = recognised(*faulty, "stt-failover", pcm);
  const std::string alone = recognised(*healthy, "stt-alone", pcm);
  std::cout << "pocketsphinx alone heard \"" << alone << "\"; after the failover \"" << after_failover << "\"\n";
  EXPECT_FALSE(alone.empty());
  EXPECT_EQ(after_failover, alone) << "the flaky provider's final is superseded, not kept beside the replay's";
  EXPECT_EQ(after_failover.find("flaky"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::test
