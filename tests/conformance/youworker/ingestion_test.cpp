// Document ingestion against the real binary: text, TXT, Markdown and PDF
// uploads and pages fetched by URL go into the host's index, a question is
// then answered from them, and every refusal (too large, an unsupported or
// damaged file, a URL off the allowlist or inside the network) is the API's
// error with nothing of the document stored.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/process.hpp"
#include "support/scratch.hpp"
#include "youworker_fixture.hpp"

namespace switchboard::test {
namespace {

// The offline answerer first: what it says comes from the knowledge file or
// from the passages the host adds.
std::string kb_providers() {
  return "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hello\"]}}\n"
         "llm:\n  - {name: kb, plugin: llm-kb, config: {knowledge: \"" SWITCHBOARD_SOURCE_DIR
         "/config/knowledge/parenting.yaml\", fallback: \"I do not know.\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n";
}

const std::string kFact = "The Zorbex reactor is cooled with heavy water every Tuesday at noon.";

struct Field {
  std::string name, filename, type, data;
};

std::pair<std::string, std::string> multipart(const std::vector<Field> &fields) {
  const std::string boundary = "----switchboard-test-boundary";
  std::string body;
  for (const auto &f : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"";
    if (!f.filename.empty()) body += "; filename=\"" + f.filename + "\"";
    body += "\r\n";
    if (!f.type.empty()) body += "Content-Type: " + f.type + "\r\n";
    body += "\r\n" + f.data + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return {"multipart/form-data; boundary=" + boundary, body};
}

HttpReply upload(int port, const std::vector<Field> &fields) {
  const auto [type, body] = multipart(fields);
  // A form needs a header no cross-site form can send (the document's curl
  // example sends X-API-Key).
  return http_request(port, "POST", "/v1/ingestion/upload", body,
                      {{"Content-Type", type}, {"X-Requested-With", "test"}});
}

// A PDF of one page per text, with Helvetica (one of the fonts every reader has).
std::string pdf_of(const std::vector<std::string> &pages) {
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", ""};
  std::string kids;
  const std::size_t font = 3 + 2 * pages.size();
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const std::size_t page = 3 + 2 * i;
    kids += std::to_string(page) + " 0 R ";
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents " + std::to_string(page + 1) +
                      " 0 R /Resources << /Font << /F1 " + std::to_string(font) + " 0 R >> >> >>");
    const std::string content = "BT /F1 12 Tf 72 720 Td (" + pages[i] + ") Tj ET";
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream");
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const auto o : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

nlohmann::json ingestion_stats(int port) {
  return http_request(port, "GET", "/v1/analytics/ingestion").json();
}

std::string ask(int port, const std::string &question) {
  const auto r = post_json(port, "/v1/chat/unified", {{"text_input", question}, {"enable_tools", false}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json().value("content", "");
}

struct YouWorkerIngestion : ::testing::Test {
  static void SetUpTestSuite() {
    server = std::make_unique<YouWorkerServer>(kb_providers(), "{ingestion: {max_file_bytes: 4096}}");
  }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<YouWorkerServer> server;
};
std::unique_ptr<YouWorkerServer> YouWorkerIngestion::server;

TEST_F(YouWorkerIngestion, IngestedTextAnswersTheNextQuestion) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  const int port = server->port();
  EXPECT_EQ(ask(port, "How is the Zorbex reactor cooled?"), "I do not know.") << "not known before";
  const auto r = post_json(port, "/v1/ingestion/text",
                           {{"text", kFact},
                            {"metadata", {{"source", "manual"}, {"title", "Reactor notes"}}},
                            {"collection_name", "documents"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["status"], "success");
  EXPECT_EQ(body["document_id"].get<std::string>().rfind("doc_", 0), 0U) << body;
  EXPECT_EQ(body["chunks"], 1);
  EXPECT_EQ(ask(port, "How is the Zorbex reactor cooled?"), kFact);
  // The knowledge file still answers what it knows.
  EXPECT_NE(ask(port, "How much sleep does a newborn need?"), "I do not know.");
}

TEST_F(YouWorkerIngestion, UploadsOfTextMarkdownAndPdfAreIndexedPageByPage) {
  const int port = server->port();
  auto r = upload(port, {{"file", "notes.txt", "text/plain", "The Quillon bridge opens at dawn for barges."},
                         {"collection_name", "", "", "harbour"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body["filename"], "notes.txt");
  EXPECT_EQ(body["pages"], 1);
  EXPECT_EQ(body["chunks"], 1);
  EXPECT_TRUE(body["processing_time_ms"].is_number_integer()) << body;

  r = upload(port, {{"file", "guide.md", "", "# Lighthouse\n\nThe Varne lighthouse blinks twice every ten seconds."}});
  ASSERT_EQ(r.status, 200) << r.body;

  r = upload(port, {{"file", "tides.pdf", "application/pdf",
                     pdf_of({"Spring tides at Morlaix rise nine metres.", "Neap tides rise only four metres."})}});
  ASSERT_EQ(r.status, 200) << r.body;
  body = r.json();
  EXPECT_EQ(body["pages"], 2);
  EXPECT_EQ(body["chunks"], 2);
  EXPECT_EQ(ask(port, "How high do spring tides at Morlaix rise?"), "Spring tides at Morlaix rise nine metres.");
  EXPECT_EQ(ask(port, "When does the Quillon bridge open?"), "The Quillon bridge opens at dawn for barges.");

  const auto stats = ingestion_stats(port);
  EXPECT_GE(stats["by_type"]["pdf"].get<int>(), 1) << stats;
  EXPECT_GE(stats["by_type"]["markdown"].get<int>(), 1) << stats;
  EXPECT_EQ(stats["by_collection"]["harbour"], 1) << stats;
}

TEST_F(YouWorkerIngestion, RefusalsAreClearAndLeaveNothingBehind) {
  const int port = server->port();
  const auto before = ingestion_stats(port);
  struct Case {
    std::vector<Field> fields;
    int status;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{{"file", "big.txt", "text/plain", std::string(5000, 'a')}}, 413, "File too large"},
      {{{"file", "song.mp3", "audio/mpeg", "ID3\x03"}}, 415, "Unsupported file type"},
      {{{"file", "broken.pdf", "application/pdf", "%PDF-1.4 this is not a pdf"}}, 400, "cannot be read"},
      {{{"file", "latin1.txt", "text/plain", "caf\xe9"}}, 400, "not UTF-8"},
      {{{"file", "empty.txt", "text/plain", "   "}}, 400, "no text"},
      {{{"file", "x.txt", "text/plain", "fine"}, {"collection_name", "", "", "bad name!"}}, 400, "collection_name"},
  };
  for (const auto &c : cases) {
    const auto r = upload(port, c.fields);
    EXPECT_EQ(r.status, c.status) << c.fields[0].filename << ": " << r.body;
    const auto body = r.json();
    EXPECT_NE(body.value("detail", "").find(c.says), std::string::npos) << r.body;
    EXPECT_EQ(body["status_code"], c.status);
  }
  // Not multipart at all, and no file field.
  auto r = post_json(port, "/v1/ingestion/upload", {{"file", "x"}});
  EXPECT_EQ(r.status, 400) << r.body;
  const auto [type, body] = multipart({{"collection_name", "", "", "documents"}});
  r = http_request(port, "POST", "/v1/ingestion/upload", body, {{"Content-Type", type}});
  EXPECT_EQ(r.status, 403) << "a form with no custom header could come from any site: " << r.body;
  EXPECT_EQ(only_problem(upload(port, {{"collection_name", "", "", "documents"}}))["loc"],
            (nlohmann::json{"body", "file"}));
  EXPECT_EQ(only_problem(post_json(port, "/v1/ingestion/text", {{"metadata", {}}}))["loc"],
            (nlohmann::json{"body", "text"}));
  EXPECT_EQ(only_problem(post_json(port, "/v1/ingestion/text", {{"text", "x"}, {"metadata", "m"}}))["type"],
            "type_error.dict");
  EXPECT_EQ(ingestion_stats(port), before) << "nothing of a refused document was stored";
}

TEST_F(YouWorkerIngestion, UrlIngestionIsOffUnlessConfigured) {
  const auto r = post_json(server->port(), "/v1/ingestion/url", {{"url", "https://example.com/article"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.json()["detail"].get<std::string>().find("off"), std::string::npos);
}

// A page server on 127.0.0.1, for the URL routes.
struct PageServer {
  std::filesystem::path dir = scratch_file("youworker-pages", "site");
  std::unique_ptr<Process> process;
  int port = 0;

  PageServer() {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "article.html")
        << "<html><head><style>p{}</style><script>var x=1;</script></head><body><h1>Canals</h1>"
           "<p>The Oudegracht canal in Utrecht has wharf cellars &amp; terraces.</p></body></html>";
    process = std::make_unique<Process>(
        "/usr/bin/python3",
        std::vector<std::string>{"-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir.string()});
    const auto line = process->wait_for("port [0-9]+");
    port = line.empty() ? 0 : std::stoi(line.substr(5));
  }
  ~PageServer() {
    process->signal(SIGTERM);
    process->wait();
    std::filesystem::remove_all(dir);
  }
  std::string url(const std::string &host, const std::string &file) const {
    return "http://" + host + ":" + std::to_string(port) + "/" + file;
  }
};

TEST(YouWorkerUrlIngestion, AnAllowedPageIsFetchedAndAnswersFromIt) {
  PageServer pages;
  ASSERT_NE(pages.port, 0) << pages.process->err();
  YouWorkerServer server(kb_providers(),
                         "{ingestion: {url: {enabled: true, allowed_hosts: [127.0.0.1], allow_private: true}}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  auto r = post_json(port, "/v1/ingestion/url",
                     {{"url", pages.url("127.0.0.1", "article.html")}, {"collection_name", "web"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["filename"], pages.url("127.0.0.1", "article.html"));
  EXPECT_EQ(ingestion_stats(port)["by_type"]["web"], 1);
  const std::string answer = ask(port, "What does the Oudegracht canal in Utrecht have?");
  EXPECT_NE(answer.find("wharf cellars & terraces"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("var x"), std::string::npos) << "scripts are not text";
  // Not on the allowlist (the same server by another name), a missing page, not http.
  r = post_json(port, "/v1/ingestion/url", {{"url", pages.url("localhost", "article.html")}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.json()["detail"].get<std::string>().find("allowlist"), std::string::npos) << r.body;
  r = post_json(port, "/v1/ingestion/url", {{"url", pages.url("127.0.0.1", "missing.html")}});
  EXPECT_EQ(r.status, 502) << r.body;
  r = post_json(port, "/v1/ingestion/url", {{"url", "file:///etc/passwd"}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = post_json(port, "/v1/ingestion/url",
                {{"url", "http://127.0.0.1@localhost:" + std::to_string(pages.port) + "/article.html"}});
  EXPECT_EQ(r.status, 400) << "credentials in a URL hide its real host: " << r.body;
  EXPECT_EQ(ingestion_stats(port)["total_documents"], 1);
}

TEST(YouWorkerUrlIngestion, AnAllowedHostInsideTheNetworkIsStillRefused) {
  PageServer pages;
  ASSERT_NE(pages.port, 0) << pages.process->err();
  YouWorkerServer server(kb_providers(), "{ingestion: {url: {enabled: true, allowed_hosts: [127.0.0.1, localhost]}}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    const auto r = post_json(server.port(), "/v1/ingestion/url", {{"url", pages.url(host, "article.html")}});
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_NE(r.json()["detail"].get<std::string>().find("internal address"), std::string::npos) << r.body;
  }
  EXPECT_EQ(ingestion_stats(server.port())["total_documents"], 0);
}

}  // namespace
}  // namespace switchboard::test
