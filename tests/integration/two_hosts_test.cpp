// config/examples/two-hosts as shipped: redis-server, two switchboard
// processes (host-a.yaml, host-b.yaml) and nginx (nginx.conf) on 127.0.0.1,
// ports chosen here and given through the files' own environment
// variables; the local model server they list is the test's upstream, whose
// answer names the first question of the history it was sent. Every process
// started here is stopped here.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>

#include "conformance/voice_client.hpp"
#include "support/nginx.hpp"
#include "support/ports.hpp"
#include "support/process.hpp"
#include "support/redis_server.hpp"
#include "support/scratch.hpp"
#include "upstream/upstream.hpp"

namespace switchboard::test {
namespace {

// A message's "data" object (empty when it has none).
nlohmann::json data_of(const nlohmann::json &m) {
  const auto it = m.find("data");
  return it != m.end() && it->is_object() ? *it : nlohmann::json::object();
}

const std::string kExample = SWITCHBOARD_SOURCE_DIR "/config/examples/two-hosts/";

class Host {
 public:
  Host(const std::string &file, const std::string &redis_url, const std::string &model_url) : port_(unused_port()) {
    start_process(file, redis_url, model_url);
  }
  ~Host() { stop(); }
  int port() const noexcept { return port_; }
  bool ready() const noexcept { return ready_; }
  Process &process() { return *process_; }
  void stop() {
    if (!process_) return;
    process_->signal(SIGTERM);
    process_->wait();
  }
  nlohmann::json provider(const std::string &kind, const std::string &name) {
    const auto view = http_request(port_, "GET", "/providers").json();
    for (const auto &p : view["providers"][kind]["providers"]) {
      if (p["name"] == name) return p;
    }
    return nullptr;
  }

 private:
  void start_process(const std::string &file, const std::string &redis_url, const std::string &model_url) {
    process_ = std::make_unique<Process>(SWITCHBOARD_BINARY, std::vector<std::string>{"--config", kExample + file},
                                         std::map<std::string, std::string>{
                                             {"SWITCHBOARD_REDIS_URL", redis_url},
                                             {"SWITCHBOARD_LISTEN", "127.0.0.1:" + std::to_string(port_)},
                                             {"SWITCHBOARD_LOCAL_LLM_URL", model_url + "/v1"},
                                             {"SWITCHBOARD_LOCAL_LLM_MODEL", "gpt-4o-mini"},
                                             {"SWITCHBOARD_LOCAL_LLM_KEY", "sk-test-key"},
                                         });
    ready_ = !process_->wait_for("switchboard ready", std::chrono::seconds(60)).empty();
  }

  int port_;
  std::unique_ptr<Process> process_;
  bool ready_ = false;
};

struct Turn {
  std::string answer;
  int audio_messages = 0;
};

// One text turn over the native WebSocket: the assistant's words and how
// many audio messages spoke them, up to the session listening again.
Turn text_turn(int port, const std::string &session, const std::string &text) {
  WsClient ws(port, "/voice/" + session);
  Turn t;
  if (!ws.until("state_change")) return t;
  ws.send_json({{"type", "text"}, {"data", text}});
  for (;;) {
    const auto m = ws.next(std::chrono::seconds(60));
    if (!m) break;
    const auto type = (*m)["type"];
    if (type == "audio") ++t.audio_messages;
    if (type == "transcript_update" && data_of(*m).value("speaker", "") == "assistant") {
      t.answer = data_of(*m).value("text", "");
    }
    if (type == "state_change" && m->value("state", "") == "listening" && !t.answer.empty()) break;
  }
  return t;
}

class TwoHosts : public testing::Test {
 protected:
  void SetUp() override {
    upstream::Script script;
    script.reply = "You first asked: {first_user}";
    model = std::make_unique<upstream::Upstream>(script, 2);
    model->start();
    a = std::make_unique<Host>("host-a.yaml", redis.url(), model->url());
    b = std::make_unique<Host>("host-b.yaml", redis.url(), model->url());
    ASSERT_TRUE(a->ready()) << a->process().err();
    ASSERT_TRUE(b->ready()) << b->process().err();
    std::string site = read_file(kExample + "nginx.conf");
    front_port = unused_port();
    site = replaced(site, "listen 8000;", "listen 127.0.0.1:" + std::to_string(front_port) + ";");
    site = replaced(site, "server 127.0.0.1:8001 ", "server 127.0.0.1:" + std::to_string(a->port()) + " ");
    site = replaced(site, "server 127.0.0.1:8002 ", "server 127.0.0.1:" + std::to_string(b->port()) + " ");
    nginx = std::make_unique<NginxServer>(scratch_file("two-hosts", "nginx"), site);
    ASSERT_TRUE(nginx->ready()) << nginx->process().err();
  }
  void TearDown() override {
    nginx.reset();
    a.reset();
    b.reset();
    model.reset();
  }

  int flite_calls(Host &h) { return h.provider("tts", "flite")["stats"]["calls"].get<int>(); }

  RedisServer redis;
  std::unique_ptr<upstream::Upstream> model;
  std::unique_ptr<Host> a;
  std::unique_ptr<Host> b;
  std::unique_ptr<NginxServer> nginx;
  int front_port = 0;
};

TEST_F(TwoHosts, ASessionGoesOnOnTheOtherHostWithItsHistoryAndTheSpeechAlreadyMade) {
  const auto first = text_turn(front_port, "moving-user", "what is the capital of France");
  EXPECT_EQ(first.answer, "You first asked: what is the capital of France");
  EXPECT_GT(first.audio_messages, 0);
  // Whichever host nginx chose spoke it; that one goes away.
  const bool on_a = flite_calls(*a) > 0;
  Host &gone = on_a ? *a : *b;
  Host &left = on_a ? *b : *a;
  ASSERT_EQ(flite_calls(left), 0) << "one host spoke the first answer";
  gone.stop();

  const auto second = text_turn(front_port, "moving-user", "and what about Spain");
  EXPECT_EQ(second.answer, "You first asked: what is the capital of France")
      << "the other host sent the model the history the first one wrote";
  EXPECT_GT(second.audio_messages, 0) << "and spoke it";
  EXPECT_EQ(flite_calls(left), 0) << "with the speech the first host made, from the shared cache";
  const auto session = http_request(left.port(), "GET", "/sessions/moving-user").json();
  EXPECT_EQ(session["history"].size(), 4u) << session;
}

TEST_F(TwoHosts, ABreakerOpenedOnOneHostIsOpenOnTheOther) {
  upstream::Fault down;
  down.route = "chat";
  down.kind = upstream::FaultKind::status500;
  down.count = 1000;
  model->inject(down);
  // Straight to A: its model call fails and its breaker opens (threshold 1);
  // the knowledge base answers.
  const auto turn = text_turn(a->port(), "breaker-user", "hello");
  EXPECT_FALSE(turn.answer.empty());
  EXPECT_EQ(a->provider("llm", "local-model")["circuit"]["state"], "open");
  ASSERT_FALSE(b->process().wait_for("local-model: opened on host-a").empty()) << b->process().err();
  const auto seen = b->provider("llm", "local-model");
  EXPECT_EQ(seen["circuit"]["state"], "open") << seen;
  EXPECT_EQ(seen["stats"]["calls"], 0) << "B learned it without a failed call of its own";
  EXPECT_EQ(model->requests("chat"), 1) << "only A's call reached the failing model";
}

TEST_F(TwoHosts, RedisGoneCostsNoTurnAndItsReturnIsPickedUp) {
  ASSERT_FALSE(text_turn(front_port, "outage-user", "first question").answer.empty());
  redis.stop();
  const auto during = text_turn(front_port, "outage-user", "second question");
  EXPECT_FALSE(during.answer.empty()) << "answered with Redis gone";
  EXPECT_GT(during.audio_messages, 0) << "and spoken (the cache a miss)";
  redis.start();
  const auto after = text_turn(front_port, "outage-user", "third question");
  EXPECT_FALSE(after.answer.empty());
  // Redis came back empty (it keeps nothing on disk here): what it holds of
  // the session now came from the hosts after its return.
  EXPECT_GE(redis.command({"LLEN", "switchboard:history:outage-user"}).integer, 2)
      << "the hosts use Redis again without a restart";
}

}  // namespace
}  // namespace switchboard::test
