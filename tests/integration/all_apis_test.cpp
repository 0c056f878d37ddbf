// config/examples/all-apis.yaml: every published API in one process, each
// on its own port, over one set of providers and one conversation store:
// a conversation held on one API is the same session on the others.
#include <fstream>
#include <sstream>
#include <thread>

#include "conformance/conversational/conversational_fixture.hpp"
#include "conformance/poppins/poppins_fixture.hpp"

namespace switchboard::test {
namespace {

// The example as shipped, with its relative paths made absolute (the test
// runs it from a folder of its own).
std::string all_apis_config() {
  std::ifstream in(SWITCHBOARD_SOURCE_DIR "/config/examples/all-apis.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string config = text.str();
  const std::string relative = "../knowledge/", absolute = SWITCHBOARD_SOURCE_DIR "/config/knowledge/";
  for (auto at = config.find(relative); at != std::string::npos; at = config.find(relative, at + absolute.size())) {
    config.replace(at, relative.size(), absolute);
  }
  return config;
}

TEST(AllApis, OneProcessServesEachApiOnItsPortOverOneSessionStore) {
  ServedBinary server(SWITCHBOARD_BINARY, all_apis_config(),
                      {{"SWITCHBOARD_LISTEN", "127.0.0.1:0"},
                       {"SWITCHBOARD_POPPINS_LISTEN", "127.0.0.1:0"},
                       {"SWITCHBOARD_CONVERSATIONAL_LISTEN", "127.0.0.1:0"},
                       {"SWITCHBOARD_VOXTRAL_LISTEN", "127.0.0.1:0"},
                       {"SWITCHBOARD_YOUWORKER_LISTEN", "127.0.0.1:0"}});
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int native = server.port_of("voice-api"), poppins = server.port_of("poppins"),
            conversational = server.port_of("conversational"), voxtral = server.port_of("voxtral");
  ASSERT_GT(native, 0);
  ASSERT_GT(poppins, 0);
  ASSERT_GT(conversational, 0);
  ASSERT_GT(voxtral, 0);
  ASSERT_GT(server.port_of("youworker"), 0);
  ASSERT_NE(native, poppins);

  // The knowledge base's calls, as the native API's provider view counts them.
  auto kb_calls = [native] {
    const auto view = http_request(native, "GET", "/providers").json();
    for (const auto &p : view["providers"]["llm"]["providers"]) {
      if (p["name"] == "knowledge-base") return p["stats"]["calls"].get<int>();
    }
    return -1;
  };
  const int calls_before = kb_calls();
  ASSERT_GE(calls_before, 0);

  // A turn on the Poppins API ...
  const auto r = post(poppins, "/chat/text", {{"message", "How do I stop my baby crying?"}, {"session_id", "both"}});
  ASSERT_EQ(r.status, 200) << r.body;
  // ... is in the session the native API shows, on the provider it counts.
  const auto view = http_request(native, "GET", "/sessions/both");
  ASSERT_EQ(view.status, 200) << view.body;
  const auto history = view.json()["history"];
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0]["text"], "How do I stop my baby crying?");
  EXPECT_EQ(history[1]["text"], r.json()["response"]);
  EXPECT_EQ(kb_calls(), calls_before + 1);

  // A turn on the native API's socket counts in the Poppins API's stats.
  WsClient ws(native, "/voice/both");
  ASSERT_TRUE(ws.until("state_change"));
  ws.send_json({{"type", "text"}, {"data", "thank you"}});
  bool answered = false;
  while (auto m = ws.next(std::chrono::seconds(30))) {
    if ((*m)["type"] == "transcript_update" && (*m)["data"]["speaker"] == "assistant") {
      answered = true;
      break;
    }
  }
  ASSERT_TRUE(answered);
  EXPECT_EQ(http_request(poppins, "GET", "/session/both/stats").json()["conversation_pairs"], 2);

  // A spoken turn on the Conversational AI API is a session of its own,
  // which the native API lists with its history.
  auto talk = connect(conversational);
  const std::string id = start(*talk);
  ASSERT_FALSE(id.empty());
  send_chunks(*talk, wav_chunks(speech_samples("crying.wav")));
  const Heard heard = hear_turn(*talk);
  ASSERT_TRUE(heard.response) << ::testing::PrintToString(heard.types);
  const auto listed = http_request(native, "GET", "/sessions").json()["sessions"];
  EXPECT_TRUE(std::any_of(listed.begin(), listed.end(), [&](const auto &s) { return s["session_id"] == id; }));
  const auto spoken = http_request(native, "GET", "/sessions/" + id).json()["history"];
  ASSERT_EQ(spoken.size(), 2U);
  EXPECT_EQ(spoken[0]["text"], reference_of("crying"));
  EXPECT_EQ(spoken[1]["text"], (*heard.response)["text"]);

  // A text turn on the Voxtral API in one of its voice names is the same
  // session the native API shows.
  WsClient vox(voxtral, "/ws/voxtral-shared");
  ASSERT_TRUE(vox.until("system"));
  vox.send_json({{"type", "text"}, {"text", "How do I stop my baby crying?"}, {"voice", "leo"}});
  const auto answer = vox.until("audio_response", {}, std::chrono::seconds(60));
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["voice"], "leo");
  const auto shared = http_request(native, "GET", "/sessions/voxtral-shared").json()["history"];
  ASSERT_EQ(shared.size(), 2U);
  EXPECT_EQ(shared[1]["text"], (*answer)["text"]);
}

}  // namespace
}  // namespace switchboard::test
