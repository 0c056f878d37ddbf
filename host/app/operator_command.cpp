#include "app/operator_command.hpp"

#include <algorithm>
#include <memory>
#include <sstream>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

namespace switchboard::app {
namespace {

struct Answer {
  long status = 0;  // 0: no answer
  std::string body;
  std::string error;  // why there was no answer
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

std::size_t collect(char *data, std::size_t size, std::size_t n, void *user) {
  static_cast<std::string *>(user)->append(data, size * n);
  return size * n;
}

Answer call(const Command &cmd, const std::string &method, const std::string &path) {
  Answer a;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    a.error = "cannot start an HTTP client";
    return a;
  }
  std::string url = cmd.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  curl_slist *headers = curl_slist_append(nullptr, "Accept: application/json");
  // A state change must not look like a form a foreign page could post.
  if (method == "POST") headers = curl_slist_append(headers, "Content-Type: application/json");
  const std::string key_header = "X-API-Key: " + cmd.key;
  if (!cmd.key.empty()) headers = curl_slist_append(headers, key_header.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> owned(headers, curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, "{}");
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  if (const CURLcode rc = curl_easy_perform(curl.get()); rc != CURLE_OK) {
    a.error = curl_easy_strerror(rc);
    return a;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &a.status);
  return a;
}

// The API's own message for an error answer ({"detail": ...} natively).
std::string message_of(const Answer &a) {
  const auto j = a.json();
  if (j.is_object() && j.contains("detail"))
    return j["detail"].is_string() ? j["detail"].get<std::string>() : j["detail"].dump();
  return a.body;
}

std::string text(const nlohmann::json &j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "-";
  return j.dump();
}

void table(std::ostream &out, const std::vector<std::string> &head, const std::vector<std::vector<std::string>> &rows) {
  std::vector<std::size_t> width(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) width[c] = head[c].size();
  for (const auto &r : rows)
    for (std::size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
  auto line = [&](const std::vector<std::string> &cells) {
    std::string row;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      row += cells[c];
      if (c + 1 < cells.size()) row.append(width[c] + 2 - cells[c].size(), ' ');
    }
    out << row << "\n";
  };
  line(head);
  for (const auto &r : rows) line(r);
}

void print_providers(std::ostream &out, const nlohmann::json &view) {
  std::vector<std::vector<std::string>> rows;
  for (const char *kind : {"stt", "llm", "tts"}) {
    const auto chain = view["providers"].value(kind, nlohmann::json::object());
    for (const auto &p : chain.value("providers", nlohmann::json::array())) {
      const auto &stats = p.value("stats", nlohmann::json::object());
      rows.push_back({kind, text(p["name"]), text(p["circuit"]["state"]), p.value("available", false) ? "yes" : "no",
                      text(stats.value("calls", nlohmann::json(0))), text(stats.value("failures", nlohmann::json(0))),
                      text(p["circuit"]["open_until"])});
    }
  }
  table(out, {"KIND", "NAME", "BREAKER", "AVAILABLE", "CALLS", "FAILURES", "OPEN UNTIL"}, rows);
}

void print_sessions(std::ostream &out, const nlohmann::json &list) {
  std::vector<std::vector<std::string>> rows;
  for (const auto &s : list.value("sessions", nlohmann::json::array())) {
    rows.push_back({text(s.value("session_id", s.value("id", nlohmann::json()))),
                    text(s.value("owner", nlohmann::json(""))), text(s.value("created_at", nlohmann::json())),
                    text(s.value("last_activity", nlohmann::json()))});
  }
  table(out, {"SESSION", "OWNER", "CREATED", "LAST ACTIVITY"}, rows);
  out << list.value("count", rows.size()) << " session(s)\n";
}

void print_status(std::ostream &out, const nlohmann::json &health, const nlohmann::json &providers,
                  const nlohmann::json &recent) {
  out << "status: " << text(health.value("status", nlohmann::json("unknown"))) << "\n";
  for (const char *kind : {"stt", "llm", "tts"}) {
    const auto chain = providers["providers"].value(kind, nlohmann::json::object());
    const auto list = chain.value("providers", nlohmann::json::array());
    const auto available =
        std::count_if(list.begin(), list.end(), [](const auto &p) { return p.value("available", false); });
    out << kind << ": " << text(chain.value("current_provider", nlohmann::json())) << " (" << available << " of "
        << list.size() << " available, " << text(chain.value("fallback_count", nlohmann::json(0))) << " fallbacks)\n";
  }
  if (recent.is_object()) {
    out << "last minute: " << text(recent.value("turns", nlohmann::json(0))) << " turns, "
        << text(recent.value("errors", nlohmann::json(0))) << " errors, p99 "
        << text(recent["latency_ms"].value("p99", nlohmann::json())) << " ms\n";
  }
}

}  // namespace

int run_operator_command(const Command &cmd, std::ostream &out, std::ostream &err) {
  using Name = Command::Name;
  std::vector<std::pair<std::string, std::string>> calls;  // method, path
  switch (cmd.name) {
    case Name::status:
      calls = {{"GET", "/health"}, {"GET", "/providers"}, {"GET", "/metrics/recent"}};
      break;
    case Name::providers:
      calls = {{"GET", "/providers"}};
      break;
    case Name::sessions:
      calls = {{"GET", "/sessions"}};
      break;
    case Name::reset:
      calls = {{"POST", "/providers/" + cmd.kind + (cmd.provider.empty() ? "" : "/" + cmd.provider) + "/reset"}};
      break;
    case Name::force_open:
      calls = {{"POST", "/providers/" + cmd.kind + "/" + cmd.provider + "/force-open"}};
      break;
    case Name::reload:
      calls = {{"POST", "/admin/reload"}};
      break;
    default:
      return 2;
  }
  std::vector<nlohmann::json> answers;
  for (const auto &[method, path] : calls) {
    const Answer a = call(cmd, method, path);
    if (a.status == 0) {
      err << "cannot reach " << cmd.url << ": " << a.error << "\n";
      return 2;
    }
    // /health answers 503 with its body when degraded: still an answer.
    if (a.status >= 400 && !(path == "/health" && a.status == 503)) {
      err << method << " " << path << ": " << a.status << " " << message_of(a) << "\n";
      return 1;
    }
    answers.push_back(a.json());
  }
  if (cmd.json) {
    if (answers.size() == 1) {
      out << answers[0].dump(2) << "\n";
    } else {
      out << nlohmann::json{{"health", answers[0]}, {"providers", answers[1]}, {"recent", answers[2]}}.dump(2) << "\n";
    }
    return 0;
  }
  switch (cmd.name) {
    case Name::status:
      print_status(out, answers[0], answers[1], answers[2]);
      break;
    case Name::providers:
      print_providers(out, answers[0]);
      break;
    case Name::sessions:
      print_sessions(out, answers[0]);
      break;
    default:
      out << text(answers[0].value("message", answers[0].value("status", nlohmann::json("done")))) << "\n";
      break;
  }
  return 0;
}

}  // namespace switchboard::app
