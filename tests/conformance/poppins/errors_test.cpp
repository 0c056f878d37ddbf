// Bad input gets the API's error format and its status codes; nothing
// stored is lost and other sessions go on.
#include "conformance/poppins/poppins_fixture.hpp"

namespace switchboard::test {
namespace {

TEST(PoppinsErrors, MalformedBodiesAreRefusedAsTheApiFrameworkRefusesThem) {
  PoppinsServer server(streaming_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  const auto not_json = http_request(port, "POST", "/chat/text", "{\"message\": ");
  EXPECT_EQ(not_json.status, 422);
  EXPECT_EQ(not_json.json()["detail"][0]["type"], "value_error.jsondecode");
  const auto missing = post(port, "/chat/text", {{"session_id", "a"}});
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.json()["detail"][0]["loc"], nlohmann::json::array({"body", "message"}));
  EXPECT_EQ(missing.json()["detail"][0]["msg"], "field required");
  const auto wrong = post(port, "/chat/text/stream", {{"message", 42}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(wrong.json()["detail"][0]["type"], "type_error.str");
  const auto empty = post(port, "/chat/multimodal", {{"message", "  "}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.json()["detail"], "message is empty");
  const auto bad_id = post(port, "/chat/text", {{"message", "hi"}, {"session_id", "../etc"}});
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_TRUE(bad_id.json()["detail"].is_string());
  const auto unknown = http_request(port, "GET", "/chat/nowhere");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(unknown.json()["detail"].is_string());
}

TEST(PoppinsErrors, BadAudioIsRefusedClearlyAndTheSessionKeepsItsHistory) {
  PoppinsServer server(streaming_providers(), "{limits: {max_audio_bytes: 100000}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  ASSERT_EQ(post(port, "/chat/text", {{"message", "keep me"}, {"session_id", "kept"}}).status, 200);

  const auto not_base64 = post(port, "/chat/audio", {{"audio_data", "@@ not base64 @@"}, {"session_id", "kept"}});
  EXPECT_EQ(not_base64.status, 400);
  EXPECT_EQ(not_base64.json()["detail"], "audio_data is not valid base64");
  // A WAV header that promises what is not there.
  std::string broken("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00", 24);
  broken.resize(40, '\x7f');
  const auto corrupt = post(port, "/chat/audio", {{"audio_data", sdk::base64_encode(broken)}, {"session_id", "kept"}});
  EXPECT_EQ(corrupt.status, 400);
  EXPECT_EQ(corrupt.json()["detail"].get<std::string>().rfind("Invalid audio: ", 0), 0U) << corrupt.body;
  const auto too_long = post(port, "/chat/audio", {{"audio_data", speech_b64("crying.wav")}, {"session_id", "kept"}});
  EXPECT_EQ(too_long.status, 413);
  EXPECT_EQ(too_long.json()["detail"], "audio_data is larger than 100000 bytes");
  const auto missing = post(port, "/chat/audio", {{"session_id", "kept"}});
  EXPECT_EQ(missing.status, 422);

  // What was stored stays; the session and others go on.
  EXPECT_EQ(http_request(port, "GET", "/session/kept/stats").json()["conversation_pairs"], 1);
  EXPECT_EQ(post(port, "/chat/text", {{"message", "still here"}, {"session_id", "kept"}}).status, 200);
  EXPECT_EQ(post(port, "/chat/text", {{"message", "another"}, {"session_id", "other"}}).status, 200);
  EXPECT_EQ(http_request(port, "GET", "/session/kept/stats").json()["conversation_pairs"], 2);
}

}  // namespace
}  // namespace switchboard::test

namespace switchboard::test {
namespace {

// With auth on, each key sees its own sessions only: another's is not
// found, is not listed, cannot be cleared, deleted or talked on.
TEST(PoppinsErrors, AnotherSubjectsSessionIsNotFound) {
  const std::string alice = "alice-key-0123456789abcdef0123456789", bob = "bob-key-0123456789abcdef0123456789ab";
  PoppinsServer server(streaming_providers(), "{auth: {enabled: true, api_keys: [{name: alice, key: " + alice +
                                                  ", role: user}, {name: bob, key: " + bob + ", role: user}]}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  auto as = [](const std::string &key) { return std::map<std::string, std::string>{{"X-API-Key", key}}; };
  EXPECT_EQ(http_request(port, "POST", "/chat/text", R"({"message":"hi"})").status, 401);
  ASSERT_EQ(http_request(port, "POST", "/chat/text", R"({"message":"mine","session_id":"a1"})", as(alice)).status, 200);
  EXPECT_EQ(http_request(port, "GET", "/session/a1/stats", "", as(alice)).status, 200);
  EXPECT_EQ(http_request(port, "GET", "/session/a1/stats", "", as(bob)).status, 404);
  EXPECT_EQ(http_request(port, "GET", "/sessions", "", as(bob)).json()["total_sessions"], 0);
  EXPECT_EQ(http_request(port, "POST", "/session/a1/clear", "{}", as(bob)).status, 404);
  EXPECT_EQ(http_request(port, "POST", "/chat/text", R"({"message":"hers?","session_id":"a1"})", as(bob)).status, 404);
  EXPECT_EQ(http_request(port, "DELETE", "/session/a1", "", as(bob)).status, 200);
  // None of that touched alice's conversation.
  EXPECT_EQ(http_request(port, "GET", "/session/a1/stats", "", as(alice)).json()["conversation_pairs"], 1);
}

}  // namespace
}  // namespace switchboard::test
