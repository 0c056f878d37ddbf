// No secret ever leaves the process. One binary serves all five APIs with
// auth on, and every provider kind reaches a hosted service (the local
// upstream) with a key the service refuses and repeats back in its error,
// as a careless service does. Every key has its own known fake value: the
// providers' (in the YAML and through ${env:}), the transports' admin and
// user keys, the JWT secret and ROOT_API_KEY. The test then does what
// clients and operators do, through every API and the command line, on the
// paths that succeed and those that fail, and searches everything it got
// back (bodies, headers, socket messages) and everything the process wrote
// (its log at trace level with the access log on) for each value.
#include <filesystem>
#include <fstream>

#include "security/security_fixture.hpp"
#include "support/process.hpp"
#include "support/transports.hpp"
#include "upstream/upstream.hpp"

namespace switchboard::test {
namespace {

// Each secret, and where it lives.
const std::map<std::string, std::string> kSecrets = {
    {"llm-openai api_key (from the environment)", "sk-llm-7d1f0c3a9e5b4c2d8f6a1b3c5d7e9f01"},
    {"stt-openai api_key", "sk-stt-2b4d6f8a0c1e3a5c7e9b1d3f5a7c9e02"},
    {"stt-deepgram api_key", "dg-3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e03"},
    {"tts-openai api_key", "sk-tts-4d6f8b0c2e3a5c7e9a1c3e5b7d9f1a04"},
    {"tts-cartesia api_key", "sk_car_5e7a9c1d3f4b6d8f0a2c4e6b8d0f2a05"},
    {"tts-elevenlabs api_key", "xi-6f8b0d2e4a5c7e9a1b3d5f7c9e1a3b06"},
    {"admin key", kAdminKey},
    {"user key", kUserKey},
    {"jwt_secret", kJwtSecret},
    {"ROOT_API_KEY", "root-7a9c1e3f5b6d8f0a2c4e6a8c0e2b4d07"},
};

std::string secret(const std::string &what) {
  return kSecrets.at(what);
}

std::string config(const std::string &up) {
  return "log: {level: trace}\n"
         "stt:\n"
         "  - {name: cloud-stt, plugin: stt-openai, config: {base_url: \"" +
         up + "/v1\", api_key: " + secret("stt-openai api_key") +
         "}}\n"
         "  - {name: deepgram, plugin: stt-deepgram, config: {base_url: \"" +
         up + "\", api_key: " + secret("stt-deepgram api_key") +
         ", mode: live}}\n"
         "  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hello there\"]}}\n"
         "llm:\n"
         "  - {name: cloud, plugin: llm-openai, config: {base_url: \"" +
         up +
         "/v1\", api_key: \"${env:SB_LLM_KEY}\", model: gpt-4o-mini}}\n"
         "  - {name: backup, plugin: llm-scripted, config: {reply: \"Backup answer.\"}}\n"
         "tts:\n"
         "  - {name: cloud-tts, plugin: tts-openai, config: {base_url: \"" +
         up + "/v1\", api_key: " + secret("tts-openai api_key") +
         ", model: tts-1}}\n"
         "  - {name: cartesia, plugin: tts-cartesia, config: {base_url: \"" +
         up + "\", api_key: " + secret("tts-cartesia api_key") +
         ", voice: voice-1, sample_rate: 16000}}\n"
         "  - {name: elevenlabs, plugin: tts-elevenlabs, config: {base_url: \"" +
         up + "\", api_key: " + secret("tts-elevenlabs api_key") +
         ", voice: voice-1, sample_rate: 22050}}\n"
         "  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n" +
         every_transport([](const std::string &) { return auth_on("access_log: true"); });
}

// Everything a client or operator was told, in one place.
struct Seen {
  std::string all;
  void add(const std::string &what, const HttpReply &r) {
    all += "== " + what + " " + std::to_string(r.status) + "\n";
    for (const auto &[name, value] : r.headers) all += name + ": " + value + "\n";
    all += r.body + "\n";
  }
  void add(const std::string &what, const std::string &text) { all += "== " + what + "\n" + text + "\n"; }
};

// A socket's messages until one satisfies `last` (or 30 s of silence).
void read_until(WsClient &ws, Seen &seen, const std::function<bool(const nlohmann::json &)> &last) {
  while (auto m = ws.next(std::chrono::seconds(30))) {
    seen.add("socket message", m->dump());
    if (last(*m)) return;
  }
  ADD_FAILURE() << "the socket fell silent";
}

bool assistant_said(const nlohmann::json &m) {
  return m["type"] == "transcript_update" && m["data"]["speaker"] == "assistant" && m["data"]["is_final"] == true;
}

TEST(Secrets, NoKeyOrSecretReachesAnyLogErrorOrAnswer) {
  upstream::Upstream up;  // expects another key, and repeats the one it was given when it refuses it
  up.start();
  const std::map<std::string, std::string> env = {{"SB_LLM_KEY", secret("llm-openai api_key (from the environment)")},
                                                  {"ROOT_API_KEY", secret("ROOT_API_KEY")}};
  ServedBinary server(SWITCHBOARD_BINARY, config(up.url()), env);
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int native = server.port_of("voice-api");
  const auto user = key_header(kUserKey), admin = key_header(kAdminKey);
  Seen seen;

  // The native API: views, a refused key, a key in a REST query, tokens.
  for (const std::string path : {"/health", "/providers", "/metrics", "/metrics/recent", "/metrics/prometheus",
                                 "/cache/stats", "/sessions", "/openapi.json"}) {
    seen.add(path, http_request(native, "GET", path, "", user));
  }
  seen.add("a wrong key", http_request(native, "GET", "/providers", "", key_header(kUserKey + "x")));
  seen.add("a key in a REST query", http_request(native, "GET", "/providers?api_key=" + kUserKey));
  const auto token = token_for(native, "alice");
  seen.add("a token", token);
  seen.add("a forged token", http_request(native, "GET", "/sessions", "", bearer(token + "x")));

  // A text turn and a voice turn over the socket, the key in the URL: every
  // cloud provider is refused on the way and the last of each chain answers.
  {
    WsClient ws(native, "/voice/secrets-1?api_key=" + kUserKey);
    read_until(ws, seen, [](const auto &m) { return m["type"] == "state_change"; });
    ws.send_json({{"type", "text"}, {"data", "How do I stop my baby crying?"}});
    read_until(ws, seen, assistant_said);
    const std::string pcm = speech_pcm("crying.wav") + std::string(16000 * 2, '\0');
    for (std::size_t at = 0; at < pcm.size(); at += 6400) {
      ws.send_json({{"type", "audio"}, {"data", base64(pcm.substr(at, 6400))}});
    }
    read_until(ws, seen, assistant_said);
  }
  seen.add("/sessions/secrets-1", http_request(native, "GET", "/sessions/secrets-1", "", user));
  seen.add("/providers after the turns", http_request(native, "GET", "/providers", "", user));
  seen.add("a reload", http_request(native, "POST", "/admin/reload", "", admin));

  // The other four APIs: a turn each where they take one, and their refusals.
  const int poppins = server.port_of("poppins"), youworker = server.port_of("youworker");
  auto with_json = [](std::map<std::string, std::string> h) {
    h.emplace("Content-Type", "application/json");
    return h;
  };
  seen.add("poppins turn",
           http_request(poppins, "POST", "/chat/text", nlohmann::json{{"message", "hello"}, {"session_id", "p"}}.dump(),
                        with_json(user)));
  seen.add("poppins wrong key", http_request(poppins, "GET", "/session/p/stats", "", key_header("nope")));
  seen.add("youworker turn", http_request(youworker, "POST", "/v1/chat/unified",
                                          nlohmann::json{{"text_input", "hello"}, {"expect_audio", true}}.dump(),
                                          with_json(key_header(secret("ROOT_API_KEY")))));
  seen.add("youworker analytics",
           http_request(youworker, "GET", "/v1/analytics/overview", "", key_header(secret("ROOT_API_KEY"))));
  seen.add("youworker wrong key", http_request(youworker, "GET", "/v1/sessions", "", key_header("nope")));
  seen.add("voxtral stats", http_request(server.port_of("voxtral"), "GET", "/api/stats?api_key=" + kUserKey));
  seen.add("voxtral health", http_request(server.port_of("voxtral"), "GET", "/health"));
  seen.add("conversational health", http_request(server.port_of("conversational"), "GET", "/health"));

  // The operator's command line on the same config.
  for (const std::vector<std::string> &args :
       {std::vector<std::string>{"check", "--print"}, std::vector<std::string>{"plugins"}}) {
    auto argv = args;
    argv.insert(argv.end(), {"--config", server.config().string()});
    const auto r = run(SWITCHBOARD_BINARY, argv, env);
    EXPECT_EQ(r.code, 0) << r.err;
    seen.add("switchboard " + args.front(), r.out + r.err);
  }

  // Every provider was asked, refused and repeated its key to us, so the
  // errors did carry each secret into the process.
  for (const char *route : {"chat", "transcriptions", "speech", "cartesia", "elevenlabs", "deepgram-live"}) {
    EXPECT_GT(up.requests(route), 0) << route << " was never asked";
  }
  const std::string log = server.process().out() + server.process().err();
  EXPECT_NE(log.find("Incorrect API key provided: ***"), std::string::npos) << "the refusal is logged, scrubbed";
  EXPECT_NE(log.find("/voice/secrets-1?api_key=[redacted]"), std::string::npos) << "the access log ran";
  seen.add("the process's log", log);

  for (const auto &[what, value] : kSecrets) {
    EXPECT_EQ(seen.all.find(value), std::string::npos) << what << " was shown";
    EXPECT_EQ(seen.all.find(value.substr(0, 16)), std::string::npos) << "most of " << what << " was shown";
  }
}

}  // namespace
}  // namespace switchboard::test
