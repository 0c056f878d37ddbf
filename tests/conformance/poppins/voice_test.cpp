// Spoken turns through POST /chat/audio with the embedded recogniser: a
// recording of ../shared/testdata/speech/ in each format a client sends.
#include "conformance/poppins/poppins_fixture.hpp"

namespace switchboard::test {
namespace {

TEST(PoppinsVoice, ARecordingIsHeardAnsweredAndSpokenBack) {
  PoppinsServer server(offline_providers(2));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = post(server.port(), "/chat/audio", {{"audio_data", speech_b64("crying.wav")}, {"session_id", "v1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["transcript"], "my baby will not stop crying what should i do");
  EXPECT_NE(j["response"].get<std::string>().find("hunger"), std::string::npos) << j["response"];
  EXPECT_EQ(j["session_id"], "v1");
  const auto f = wav_format_b64(j["audio_data"]);
  EXPECT_EQ(f.rate, 24000U);
  EXPECT_GT(f.data_bytes, 0U);
}

TEST(PoppinsVoice, RawPcmAt24kHzWebmAndWavAreAllHeard) {
  PoppinsServer server(offline_providers(2));
  ASSERT_TRUE(server.ready()) << server.process().err();
  for (const char *name : {"formats/hello-24k-s16le.pcm", "formats/hello.webm", "formats/hello-44k-stereo.wav"}) {
    const auto r = post(server.port(), "/chat/audio", {{"audio_data", speech_b64(name)}});
    ASSERT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_EQ(r.json()["transcript"], "hello how are you today") << name;
  }
}

TEST(PoppinsVoice, SilenceIsNothingHeardNotAHang) {
  PoppinsServer server(offline_providers(2));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = post(server.port(), "/chat/audio", {{"audio_data", speech_b64("silence-2s.wav")}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json()["detail"], "no words were heard in the audio");
}

}  // namespace
}  // namespace switchboard::test
