// The shipped nginx config (config/examples/nginx-tls.conf) in front of
// the real binary: TLS on the outside, REST and WebSockets through it, the
// client's own X-Forwarded-For replaced, no credential in either log. nginx
// and the certificate are made here, on 127.0.0.1, and go with the test.
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "security/security_fixture.hpp"
#include "support/nginx.hpp"
#include "support/ports.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"
#include "switchboard/http/websocket.hpp"

namespace switchboard::test {
namespace {

// The shipped example with this test's addresses, names, paths and a
// certificate made here.
class Nginx {
 public:
  Nginx(const std::filesystem::path &dir, int listen_port, int upstream_port) : dir_(dir) {
    std::filesystem::create_directories(dir / "logs");
    const auto cert = (dir / "cert.pem").string();
    const auto key = (dir / "key.pem").string();
    const auto made = run("/usr/bin/openssl",
                          {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                           "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
    EXPECT_EQ(made.code, 0) << made.err;
    std::string site = read_file(SWITCHBOARD_SOURCE_DIR "/config/examples/nginx-tls.conf");
    site = replaced(site, "listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(listen_port) + " ssl;");
    site = replaced(site, "server 127.0.0.1:8000;", "server 127.0.0.1:" + std::to_string(upstream_port) + ";");
    site = replaced(site, "server_name assistant.example.com;", "server_name localhost;");
    site = replaced(site, "/etc/ssl/certs/assistant.example.com.pem", cert);
    site = replaced(site, "/etc/ssl/private/assistant.example.com.key", key);
    site = replaced(site, "/var/log/nginx/switchboard.log", access_log().string());
    server_ = std::make_unique<NginxServer>(dir, site);
  }
  bool ready() const { return server_->ready(); }
  std::filesystem::path access_log() const { return dir_ / "logs" / "switchboard.log"; }
  Process &process() { return server_->process(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<NginxServer> server_;
};

TEST(NginxTls, TheShippedConfigCarriesRestAndWebSocketsOverTlsWithoutLeakingCredentials) {
  VoiceServer server(scripted_providers(), auth_on("trusted_proxies: [127.0.0.1/32], access_log: true"));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto dir = scratch_file("security", "nginx");
  const int port = unused_port();
  Nginx nginx(dir, port, server.port());
  ASSERT_TRUE(nginx.ready()) << nginx.process().err();
  const std::string base = "https://localhost:" + std::to_string(port);
  const std::string ca = (dir / "cert.pem").string();

  // REST through TLS; a client's own X-Forwarded-For is not passed on.
  const auto health = run("/usr/bin/curl", {"-sS", "--cacert", ca, "-H", "X-Forwarded-For: 6.6.6.6", base + "/health"});
  ASSERT_EQ(health.code, 0) << health.err;
  EXPECT_EQ(nlohmann::json::parse(health.out, nullptr, false).value("status", ""), "healthy") << health.out;
  const auto token_reply =
      run("/usr/bin/curl", {"-sS", "--cacert", ca, "-X", "POST", "-H", "X-API-Key: " + kUserKey, "-H",
                            "Content-Type: application/json", "-d", R"({"user_id":"tls-user"})", base + "/auth/token"});
  const std::string token = nlohmann::json::parse(token_reply.out, nullptr, false).value("token", "");
  ASSERT_FALSE(token.empty()) << token_reply.out << token_reply.err;

  // A browser's WebSocket through TLS, its token in the URL.
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread runner([&io] { io.run(); });
  std::promise<std::string> first;
  std::promise<sdk::Outcome> closed;
  http::WebSocket::Options options;
  options.url = "wss://localhost:" + std::to_string(port) + "/voice/tls-room?token=" + token;
  options.ca_file = ca;
  http::WebSocket::Handlers handlers;
  bool got_first = false;
  handlers.on_text = [&](std::string_view text) {
    if (!got_first) first.set_value(std::string(text));
    got_first = true;
  };
  handlers.on_close = [&](const sdk::Outcome &o) { closed.set_value(o); };
  auto ws = http::WebSocket::connect(io, options, handlers);
  auto message = first.get_future();
  ASSERT_EQ(message.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_EQ(nlohmann::json::parse(message.get()).value("type", ""), "state_change");
  ws->close();
  closed.get_future().wait_for(std::chrono::seconds(10));
  work.reset();
  runner.join();

  // Switchboard saw nginx's address for the client, not the forged one, and
  // neither log holds the token.
  EXPECT_FALSE(server.process().wait_for("GET /health 200 127\\.0\\.0\\.1").empty());
  EXPECT_FALSE(server.process().wait_for("/voice/tls-room\\?token=\\[redacted\\] 101").empty());
  const std::string ours = server.process().out() + server.process().err();
  EXPECT_EQ(ours.find("6.6.6.6"), std::string::npos);
  EXPECT_EQ(ours.find(token), std::string::npos);
  nginx.process().signal(SIGQUIT);  // flushes the access log
  nginx.process().wait();
  const std::string theirs = read_file(nginx.access_log());
  EXPECT_NE(theirs.find("\"GET /voice/tls-room\" 101"), std::string::npos) << theirs;
  EXPECT_EQ(theirs.find(token), std::string::npos) << "nginx logged the token";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace switchboard::test
