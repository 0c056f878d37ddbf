// tts-openai, tts-cartesia and tts-elevenlabs against the local upstream:
// one matrix, each plugin with its own wire protocol.
#include <gtest/gtest.h>

#include "support/provider_harness.hpp"

namespace switchboard::test {
namespace {

using upstream::Fault;
using upstream::FaultKind;

struct Service {
  std::string plugin;
  std::string route;
  std::function<nlohmann::json(const std::string &url)> config;
  std::uint32_t rate;
};

std::ostream &operator<<(std::ostream &out, const Service &s) {
  return out << s.plugin;
}

const std::string kText = "Speech from the upstream, for a test.";

struct HttpTts : ::testing::TestWithParam<Service> {
  ProviderHarness h;
  std::unique_ptr<TtsRecord> say(plugin::Instance &tts, plugin::CancelSource &cancel, const std::string &voice = "") {
    auto record = std::make_unique<TtsRecord>();
    const auto started = plugin::synthesize(tts, kText, voice, *record, cancel);
    EXPECT_TRUE(started.ok()) << started.message;
    return record;
  }
  sdk::Outcome with(const Fault &fault) {
    auto tts = h.make(GetParam().plugin, GetParam().config(h.upstream.url()));
    h.upstream.inject(fault);
    plugin::CancelSource cancel;
    auto r = say(*tts, cancel);
    ProviderHarness::finished(r->done);
    EXPECT_EQ(r->dones, 1);
    return r->outcome;
  }
};

TEST_P(HttpTts, StreamsTheWholeSpeechInChunksAtTheServicesRate) {
  h.upstream.script().audio_chunk_ms = 50;
  auto tts = h.make(GetParam().plugin, GetParam().config(h.upstream.url()));
  plugin::CancelSource cancel;
  auto r = say(*tts, cancel);
  ProviderHarness::finished(r->done);
  ASSERT_TRUE(r->outcome.ok()) << r->outcome.message;
  const std::size_t expected = kText.size() * GetParam().rate * 20 / 1000;  // the upstream's 20 ms per character
  EXPECT_EQ(r->samples, expected);
  EXPECT_EQ(r->sample_rate, GetParam().rate);
  EXPECT_GT(r->chunks, 5) << "streamed, not delivered whole";
  EXPECT_EQ(h.upstream.requests(GetParam().route), 1);
}

TEST_P(HttpTts, RateLimitAndServerErrorsAreRetryable) {
  const auto limited = with({GetParam().route, FaultKind::status429, 1, 0, 0, 2});
  EXPECT_EQ(limited.status, sdk::Status::retryable) << limited.message;
  EXPECT_EQ(limited.retry_after_ms, 2000U);
  EXPECT_EQ(with({GetParam().route, FaultKind::status500}).status, sdk::Status::retryable);
}

TEST_P(HttpTts, ResetAndTruncatedAudioAreRetryable) {
  EXPECT_EQ(with({GetParam().route, FaultKind::reset}).status, sdk::Status::retryable);
  EXPECT_EQ(with({GetParam().route, FaultKind::reset, 1, 0, 2}).status, sdk::Status::retryable);
  const auto cut = with({GetParam().route, FaultKind::truncate, 1, 0, 2});
  EXPECT_EQ(cut.status, sdk::Status::retryable) << cut.message;
}

TEST_P(HttpTts, WrongKeyIsFatalWithoutTheKey) {
  auto config = GetParam().config(h.upstream.url());
  config["api_key"] = "wrong-key-4242424242";
  auto tts = h.make(GetParam().plugin, config);
  plugin::CancelSource cancel;
  auto r = say(*tts, cancel);
  ProviderHarness::finished(r->done);
  EXPECT_EQ(r->outcome.status, sdk::Status::fatal) << r->outcome.message;
  EXPECT_EQ(r->outcome.message.find("wrong-key-4242424242"), std::string::npos) << r->outcome.message;
}

TEST_P(HttpTts, CancellingMidStreamStopsTheAudioAndReleasesTheConnection) {
  auto tts = h.make(GetParam().plugin, GetParam().config(h.upstream.url()));
  h.upstream.inject({GetParam().route, FaultKind::stall, 1, 0, 2});
  plugin::CancelSource cancel;
  auto r = say(*tts, cancel);
  ProviderHarness::finished(r->first_chunk);
  cancel.cancel();
  ProviderHarness::finished(r->done);
  EXPECT_EQ(r->outcome.status, sdk::Status::cancelled);
  EXPECT_TRUE(h.upstream.wait_open_connections(0, std::chrono::seconds(10))) << "the connection was not released";
}

TEST_P(HttpTts, AnUnknownVoiceIsRefused) {
  auto tts = h.make(GetParam().plugin, GetParam().config(h.upstream.url()));
  plugin::CancelSource cancel;
  auto r = say(*tts, cancel, "unknown");
  ProviderHarness::finished(r->done);
  EXPECT_FALSE(r->outcome.ok());
  EXPECT_NE(r->outcome.status, sdk::Status::retryable) << r->outcome.message;
}

INSTANTIATE_TEST_SUITE_P(
    Services, HttpTts,
    ::testing::Values(
        Service{"tts-openai", "speech",
                [](const std::string &url) {
                  return nlohmann::json{{"base_url", url + "/v1"}, {"api_key", "sk-test-key"}, {"model", "tts-1"}};
                },
                24000},
        Service{"tts-cartesia", "cartesia",
                [](const std::string &url) {
                  return nlohmann::json{
                      {"base_url", url}, {"api_key", "sk-test-key"}, {"voice", "voice-1"}, {"sample_rate", 16000}};
                },
                16000},
        Service{"tts-elevenlabs", "elevenlabs",
                [](const std::string &url) {
                  return nlohmann::json{
                      {"base_url", url}, {"api_key", "sk-test-key"}, {"voice", "voice-1"}, {"sample_rate", 22050}};
                },
                22050}),
    [](const auto &info) {
      std::string name = info.param.plugin;
      name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
      return name;
    });

TEST(TtsOpenAi, WavStreamsAreReadFromTheirHeader) {
  ProviderHarness h;
  auto tts = h.make("tts-openai",
                    {{"base_url", h.upstream.url() + "/v1"}, {"api_key", "sk-test-key"}, {"response_format", "wav"}});
  TtsRecord r;
  plugin::CancelSource cancel;
  ASSERT_TRUE(plugin::synthesize(*tts, "Hello there.", "nova", r, cancel).ok());
  ProviderHarness::finished(r.done);
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.message;
  EXPECT_EQ(r.samples, std::string("Hello there.").size() * 24000 * 20 / 1000) << "no header bytes taken as audio";
  EXPECT_EQ(h.upstream.last_request("speech")["body"]["voice"], "nova");
}

}  // namespace
}  // namespace switchboard::test
