// stt-openai (upload) and stt-deepgram (live WebSocket, prerecorded REST)
// against the local upstream.
#include <gtest/gtest.h>

#include "support/provider_harness.hpp"

namespace switchboard::test {
namespace {

using upstream::Fault;
using upstream::FaultKind;

struct SttCall {
  std::unique_ptr<SttRecord> record = std::make_unique<SttRecord>();
  plugin::CancelSource cancel;
  plugin::SttStream stream;
};

// Opens a stream and feeds `samples` in 20 ms frames, the way the host does.
std::unique_ptr<SttCall> speak(plugin::Instance &stt, const std::vector<std::int16_t> &samples, bool finish = true) {
  auto call = std::make_unique<SttCall>();
  const auto opened = plugin::open_stream(stt, *call->record, call->cancel, call->stream);
  EXPECT_TRUE(opened.ok()) << opened.message;
  for (std::size_t at = 0; at < samples.size(); at += 320) {
    call->stream.feed(samples.data() + at, std::min<std::size_t>(320, samples.size() - at));
  }
  if (finish) call->stream.finish();
  return call;
}

struct SttOpenAi : ::testing::Test {
  ProviderHarness h;
  nlohmann::json config() const {
    return {{"base_url", h.upstream.url() + "/v1"}, {"api_key", "sk-test-key"}, {"language", "en-US"}};
  }
  sdk::Outcome with(const Fault &fault) {
    auto stt = h.make("stt-openai", config());
    h.upstream.inject(fault);
    auto call = speak(*stt, speech_like(16000));
    ProviderHarness::finished(call->record->done);
    return call->record->outcome;
  }
};

TEST_F(SttOpenAi, UploadsTheWholeUtteranceAsWavAndReportsItsText) {
  auto stt = h.make("stt-openai", config());
  auto call = speak(*stt, speech_like(24000));
  ProviderHarness::finished(call->record->done);
  ASSERT_TRUE(call->record->outcome.ok()) << call->record->outcome.message;
  EXPECT_EQ(call->record->finals, std::vector<std::string>{"hello from the upstream"});
  const auto sent = h.upstream.last_request("transcriptions")["body"];
  EXPECT_EQ(sent["samples"], 24000) << "every sample fed was uploaded";
  EXPECT_EQ(sent["sample_rate"], 16000);
  EXPECT_EQ(sent["model"], "whisper-1");
  EXPECT_EQ(sent["language"], "en") << "the BCP 47 hint becomes ISO-639-1";
}

TEST_F(SttOpenAi, SilenceGivesAnEmptyFinal) {
  auto stt = h.make("stt-openai", config());
  auto call = speak(*stt, std::vector<std::int16_t>(8000, 0));
  ProviderHarness::finished(call->record->done);
  ASSERT_TRUE(call->record->outcome.ok()) << call->record->outcome.message;
  EXPECT_EQ(call->record->finals, std::vector<std::string>{""});
}

TEST_F(SttOpenAi, FaultsMapToTheirStatuses) {
  EXPECT_EQ(with({"transcriptions", FaultKind::status429, 1, 0, 0, 3}).retry_after_ms, 3000U);
  EXPECT_EQ(with({"transcriptions", FaultKind::status500}).status, sdk::Status::retryable);
  // Twice: libcurl re-sends a request once, on a new connection, when a
  // kept-alive connection dies before any byte of the answer.
  EXPECT_EQ(with({"transcriptions", FaultKind::reset, 2}).status, sdk::Status::retryable);
  EXPECT_TRUE(with({"transcriptions", FaultKind::latency, 1, 100}).ok());
}

TEST_F(SttOpenAi, WrongKeyIsFatal) {
  auto c = config();
  c["api_key"] = "sk-not-the-key-77777";
  auto stt = h.make("stt-openai", c);
  auto call = speak(*stt, speech_like(1600));
  ProviderHarness::finished(call->record->done);
  EXPECT_EQ(call->record->outcome.status, sdk::Status::fatal);
  EXPECT_EQ(call->record->outcome.message.find("sk-not-the-key-77777"), std::string::npos);
}

TEST_F(SttOpenAi, CancellingAHungUploadEndsItAndReleasesTheConnection) {
  auto stt = h.make("stt-openai", config());
  h.upstream.inject({"transcriptions", FaultKind::hang});
  auto call = speak(*stt, speech_like(1600));
  ASSERT_TRUE(h.upstream.wait_open_connections(1, std::chrono::seconds(10)));
  call->cancel.cancel();
  ProviderHarness::finished(call->record->done);
  EXPECT_EQ(call->record->outcome.status, sdk::Status::cancelled);
  EXPECT_TRUE(h.upstream.wait_open_connections(0, std::chrono::seconds(10)));
}

TEST_F(SttOpenAi, CancellingBeforeTheUtteranceEndsSendsNothing) {
  auto stt = h.make("stt-openai", config());
  auto call = speak(*stt, speech_like(1600), false);
  call->cancel.cancel();
  ProviderHarness::finished(call->record->done);
  EXPECT_EQ(call->record->outcome.status, sdk::Status::cancelled);
  EXPECT_EQ(h.upstream.requests("transcriptions"), 0);
}

struct SttDeepgram : ::testing::Test {
  ProviderHarness h;
  nlohmann::json config(const std::string &mode = "live") const {
    return {{"base_url", h.upstream.url()}, {"api_key", "sk-test-key"}, {"mode", mode}};
  }
  sdk::Outcome with(const Fault &fault, const std::string &mode = "live") {
    auto stt = h.make("stt-deepgram", config(mode));
    h.upstream.inject(fault);
    auto call = speak(*stt, speech_like(16000));
    ProviderHarness::finished(call->record->done);
    return call->record->outcome;
  }
};

TEST_F(SttDeepgram, LiveStreamsAudioWithInterimResultsThenTheFinal) {
  h.upstream.script().interim_every_ms = 200;
  auto stt = h.make("stt-deepgram", config());
  auto call = speak(*stt, speech_like(16000));
  ProviderHarness::finished(call->record->done);
  ASSERT_TRUE(call->record->outcome.ok()) << call->record->outcome.message;
  EXPECT_EQ(call->record->finals, std::vector<std::string>{"hello from the upstream"});
  ASSERT_GE(call->record->partials.size(), 2U) << "interim results arrive while audio streams";
  EXPECT_EQ(call->record->partials.front(), "hello");
  EXPECT_FLOAT_EQ(call->record->confidence, 0.98F);
  const auto query = h.upstream.last_request("deepgram-live")["body"]["query"];
  EXPECT_EQ(query["encoding"], "linear16");
  EXPECT_EQ(query["sample_rate"], "16000");
  EXPECT_EQ(query["interim_results"], "true");
  EXPECT_EQ(query["model"], "nova-3");
}

TEST_F(SttDeepgram, LiveRefusedUpgradesMapToTheirStatuses) {
  const auto limited = with({"deepgram-live", FaultKind::status429, 1, 0, 0, 4});
  EXPECT_EQ(limited.status, sdk::Status::retryable) << limited.message;
  EXPECT_EQ(limited.retry_after_ms, 4000U);
  EXPECT_EQ(with({"deepgram-live", FaultKind::status500}).status, sdk::Status::retryable);
  EXPECT_EQ(with({"deepgram-live", FaultKind::reset}).status, sdk::Status::retryable);
}

TEST_F(SttDeepgram, LiveResetAndMalformedMidStreamAreRetryable) {
  h.upstream.script().interim_every_ms = 100;
  EXPECT_EQ(with({"deepgram-live", FaultKind::reset, 1, 0, 2}).status, sdk::Status::retryable);
  const auto bad = with({"deepgram-live", FaultKind::malformed, 1, 0, 1});
  EXPECT_EQ(bad.status, sdk::Status::retryable);
  EXPECT_NE(bad.message.find("malformed"), std::string::npos) << bad.message;
}

TEST_F(SttDeepgram, LiveWrongKeyIsFatalWithoutTheKey) {
  auto c = config();
  c["api_key"] = "dg-wrong-key-31337";
  auto stt = h.make("stt-deepgram", c);
  auto call = speak(*stt, speech_like(1600));
  ProviderHarness::finished(call->record->done);
  EXPECT_EQ(call->record->outcome.status, sdk::Status::fatal) << call->record->outcome.message;
  EXPECT_EQ(call->record->outcome.message.find("dg-wrong-key-31337"), std::string::npos);
}

TEST_F(SttDeepgram, CancellingAStalledLiveStreamEndsItAndReleasesTheConnection) {
  h.upstream.script().interim_every_ms = 100;
  auto stt = h.make("stt-deepgram", config());
  h.upstream.inject({"deepgram-live", FaultKind::stall, 1, 0, 1});
  auto call = speak(*stt, speech_like(8000));
  ASSERT_FALSE(call->record->done.wait(std::chrono::seconds(1)))
      << "a stalled stream has no final to give: " << call->record->outcome.message;
  call->cancel.cancel();
  ProviderHarness::finished(call->record->done);
  EXPECT_EQ(call->record->outcome.status, sdk::Status::cancelled);
  EXPECT_TRUE(h.upstream.wait_open_connections(0, std::chrono::seconds(10)));
}

TEST_F(SttDeepgram, PrerecordedPostsTheUtteranceAndReportsItsTranscript) {
  auto stt = h.make("stt-deepgram", config("prerecorded"));
  auto call = speak(*stt, speech_like(16000));
  ProviderHarness::finished(call->record->done);
  ASSERT_TRUE(call->record->outcome.ok()) << call->record->outcome.message;
  EXPECT_EQ(call->record->finals, std::vector<std::string>{"hello from the upstream"});
  EXPECT_EQ(h.upstream.last_request("deepgram")["body"]["samples"], 16000);
  EXPECT_EQ(with({"deepgram", FaultKind::status500}, "prerecorded").status, sdk::Status::retryable);
  EXPECT_EQ(with({"deepgram", FaultKind::status429}, "prerecorded").status, sdk::Status::retryable);
}

TEST_F(SttDeepgram, TheKeyIsRequiredByTheConfigCheck) {
  const auto errors = h.config_errors("stt-deepgram", {{"mode", "batch"}});
  EXPECT_EQ(errors.size(), 2U) << ::testing::PrintToString(errors);
}

}  // namespace
}  // namespace switchboard::test
