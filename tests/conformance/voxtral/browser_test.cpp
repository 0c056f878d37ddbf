// /docs and /redoc in a real browser: Debian's Chromium, headless, renders
// the transport's OpenAPI description with the viewer the binary serves.
// Every name but 127.0.0.1 resolves to nothing, and Chromium's network log
// shows that each request the page made went to 127.0.0.1.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/headless_chromium.hpp"
#include "voxtral_fixture.hpp"

namespace switchboard::test {
namespace {

struct Rendered {
  std::string dom;
  std::vector<std::string> page_requests;  // what the page itself asked for
  std::string log;
};

// The page's DOM once its scripts have run (Chromium's virtual time lets
// the fetch finish before the dump), and its requests from the net log.
Rendered render(const std::string &url, const std::string &origin) {
  static int n = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sb-voxtral-docs-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
  std::filesystem::create_directories(dir);
  const auto netlog = dir / "netlog.json";
  const auto r = run(HeadlessChromium::kBinary,
                     {"--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                      "--disable-background-networking", "--user-data-dir=" + (dir / "profile").string(),
                      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--log-net-log=" + netlog.string(),
                      "--virtual-time-budget=10000", "--dump-dom", url});
  Rendered out{r.out, {}, r.err};
  std::ifstream in(netlog);
  const auto log = nlohmann::json::parse(in, nullptr, false);
  if (log.is_object()) {
    int start_job = -1;
    for (const auto &[name, id] : log["constants"]["logEventTypes"].items()) {
      if (name == "URL_REQUEST_START_JOB") start_job = id;
    }
    for (const auto &e : log["events"]) {
      if (e.value("type", -2) != start_job || !e.contains("params")) continue;
      const auto &p = e["params"];
      if (p.value("initiator", "") == origin) out.page_requests.push_back(p.value("url", ""));
    }
  }
  std::filesystem::remove_all(dir);
  return out;
}

TEST(VoxtralDocs, BothPagesRenderTheDescriptionWithNothingFromBeyond127001) {
  ASSERT_TRUE(HeadlessChromium::installed()) << "chromium is missing: scripts/install-deps.sh installs it";
  VoxtralServer server(scripted_voxtral_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const std::string origin = "http://127.0.0.1:" + std::to_string(server.port());
  for (const char *page : {"/docs", "/redoc"}) {
    const auto r = render(origin + page, origin);
    ASSERT_NE(r.dom.find("data-rendered=\""), std::string::npos) << page << " did not render:\n" << r.dom << r.log;
    for (const char *path : {"/health", "/api/voices", "/api/stats", "/ws/{session_id}"}) {
      EXPECT_NE(r.dom.find(std::string("<code class=\"path\">") + path + "</code>"), std::string::npos)
          << page << " lacks " << path;
    }
    for (const char *message : {"audio_response", "text_response", "status_response"}) {
      EXPECT_NE(r.dom.find(std::string("<code class=\"name\">") + message + "</code>"), std::string::npos)
          << page << " lacks the message " << message;
    }
    ASSERT_FALSE(r.page_requests.empty()) << "the net log has the page's requests";
    EXPECT_NE(std::find(r.page_requests.begin(), r.page_requests.end(), origin + "/openapi.json"),
              r.page_requests.end());
    for (const auto &url : r.page_requests) EXPECT_EQ(url.rfind(origin + "/", 0), 0U) << page << " asked for " << url;
  }
  EXPECT_NE(render(origin + "/redoc", origin).dom.find("<nav class=\"contents\">"), std::string::npos)
      << "/redoc is the reference layout";
}

}  // namespace
}  // namespace switchboard::test
