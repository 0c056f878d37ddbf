// TLS verification in the provider plugins: a certificate nobody vouches
// for is refused (fatal: another provider will be tried), a configured CA
// or tls_verify: false lets the call through. Over HTTPS (libcurl) and WSS
// (Beast), through a TLS front for the local upstream.
#include <gtest/gtest.h>

#include "support/provider_harness.hpp"
#include "support/scratch.hpp"
#include "upstream/tls_front.hpp"

namespace switchboard::test {
namespace {

struct Tls : ::testing::Test {
  ProviderHarness h;
  upstream::TlsFront front{h.upstream.port(), scratch_file("tls", "upstream-ca", ".pem").string()};

  sdk::Outcome chat(const nlohmann::json &extra) {
    nlohmann::json config = {{"base_url", front.url() + "/v1"}, {"api_key", "sk-test-key"}, {"model", "gpt-4o-mini"}};
    config.update(extra);
    auto llm = h.make("llm-openai", config);
    LlmRecord record;
    plugin::CancelSource cancel;
    plugin::LlmRequest r;
    r.messages = {{"user", "hi"}};
    EXPECT_TRUE(plugin::chat(*llm, r, record, cancel).ok());
    ProviderHarness::finished(record.done);
    if (record.outcome.ok()) EXPECT_FALSE(record.text.empty());
    return record.outcome;
  }

  sdk::Outcome listen(const nlohmann::json &extra, std::vector<std::string> *finals = nullptr) {
    nlohmann::json config = {{"base_url", front.url()}, {"api_key", "sk-test-key"}};
    config.update(extra);
    auto stt = h.make("stt-deepgram", config);
    SttRecord record;
    plugin::CancelSource cancel;
    plugin::SttStream stream;
    EXPECT_TRUE(plugin::open_stream(*stt, record, cancel, stream).ok());
    const auto audio = speech_like(8000);
    stream.feed(audio.data(), audio.size());
    stream.finish();
    ProviderHarness::finished(record.done);
    if (finals != nullptr) *finals = record.finals;
    return record.outcome;
  }
};

TEST_F(Tls, HttpsToAnUnknownCertificateIsRefusedAsFatal) {
  const auto o = chat(nlohmann::json::object());
  EXPECT_EQ(o.status, sdk::Status::fatal) << o.message;
  EXPECT_NE(o.message.find("certificate"), std::string::npos) << o.message;
  EXPECT_EQ(h.upstream.requests("chat"), 0) << "nothing was sent before the peer was verified";
}

TEST_F(Tls, HttpsWithTheConfiguredCaOrVerificationOffGoesThrough) {
  EXPECT_TRUE(chat({{"ca_file", front.cert_file()}}).ok());
  EXPECT_TRUE(chat({{"tls_verify", false}}).ok());
  EXPECT_EQ(h.upstream.requests("chat"), 2);
}

TEST_F(Tls, WssIsVerifiedTheSameWay) {
  const auto refused = listen(nlohmann::json::object());
  EXPECT_EQ(refused.status, sdk::Status::fatal) << refused.message;
  EXPECT_NE(refused.message.find("TLS"), std::string::npos) << refused.message;
  std::vector<std::string> finals;
  const auto trusted = listen({{"ca_file", front.cert_file()}}, &finals);
  EXPECT_TRUE(trusted.ok()) << trusted.message;
  EXPECT_EQ(finals, std::vector<std::string>{"hello from the upstream"});
}

}  // namespace
}  // namespace switchboard::test
