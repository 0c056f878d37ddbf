#include "tools/toolbox.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <curl/curl.h>

namespace switchboard::tools {
namespace {

nlohmann::json function(const std::string &name, const std::string &description, nlohmann::json parameters) {
  return {{"type", "function"},
          {"function", {{"name", name}, {"description", description}, {"parameters", std::move(parameters)}}}};
}

ToolResult failure(std::string why) {
  return {false, nlohmann::json{{"error", why}}.dump(), why};
}

std::string iso_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::size_t collect(char *data, std::size_t size, std::size_t count, void *user) {
  auto *out = static_cast<std::pair<std::string, std::size_t> *>(user);
  const std::size_t n = size * count;
  if (out->first.size() + n > out->second) return 0;  // over the limit: curl stops with a write error
  out->first.append(data, n);
  return n;
}

}  // namespace

ToolBox::ToolBox(config::ToolSettings settings, std::shared_ptr<documents::DocumentStore> documents,
                 core::Executor &executor)
    : settings_(std::move(settings)), documents_(std::move(documents)), executor_(executor) {
  auto offered = [&](const char *name) {
    return std::find(settings_.builtin.begin(), settings_.builtin.end(), name) != settings_.builtin.end();
  };
  if (offered("search_documents") && documents_) {
    definitions_.push_back(function("search_documents",
                                    "Search the documents the operator ingested; returns the best passages.",
                                    {{"type", "object"},
                                     {"properties",
                                      {{"query", {{"type", "string"}, {"description", "what to look for"}}},
                                       {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10}}}}},
                                     {"required", {"query"}}}));
  }
  if (offered("current_time")) {
    definitions_.push_back(function("current_time", "The current date and time (UTC).",
                                    {{"type", "object"}, {"properties", nlohmann::json::object()}}));
  }
  for (const auto &h : settings_.http) {
    nlohmann::json parameters = h.parameters.empty() ? nlohmann::json{{"type", "object"}} : h.parameters;
    definitions_.push_back(function(h.name, h.description, std::move(parameters)));
  }
  if (!definitions_.empty()) definitions_text_ = definitions_.dump();
}

void ToolBox::run(const std::string &name, const std::string &arguments, std::vector<std::string> collections,
                  std::function<void(ToolResult)> done) const {
  executor_.post([self = shared_from_this(), name, arguments, collections = std::move(collections),
                  done = std::move(done)] { done(self->call(name, arguments, collections)); });
}

ToolResult ToolBox::call(const std::string &name, const std::string &arguments,
                         const std::vector<std::string> &collections) const {
  try {
    const auto args = arguments.empty() ? nlohmann::json::object() : nlohmann::json::parse(arguments);
    if (!args.is_object()) return failure("the arguments must be a JSON object");
    for (const auto &h : settings_.http) {
      if (h.name == name) return http_tool(h, args.dump());
    }
    const bool builtin = std::find(settings_.builtin.begin(), settings_.builtin.end(), name) != settings_.builtin.end();
    if (builtin && name == "current_time") {
      const std::time_t now = std::time(nullptr);
      return {true, nlohmann::json{{"utc", iso_utc(now)}, {"unix", static_cast<long long>(now)}}.dump(), {}};
    }
    if (builtin && name == "search_documents" && documents_) return search_documents(args, collections);
    return failure("there is no tool named '" + name + "'");
  } catch (const nlohmann::json::exception &) {
    return failure("the arguments are not valid JSON");
  } catch (const std::exception &e) {
    return failure(std::string("the tool failed: ") + e.what());
  }
}

ToolResult ToolBox::search_documents(const nlohmann::json &args, const std::vector<std::string> &collections) const {
  if (!args.contains("query") || !args["query"].is_string() || args["query"].get<std::string>().empty()) {
    return failure("search_documents needs a \"query\" string");
  }
  const int limit = std::clamp(args.value("limit", 3), 1, 10);
  nlohmann::json passages = nlohmann::json::array();
  for (const auto &p : documents_->search(args["query"].get<std::string>(), collections, limit)) {
    passages.push_back({{"source", p.source}, {"collection", p.collection}, {"text", p.text}, {"score", p.score}});
  }
  return {true, nlohmann::json{{"passages", passages}}.dump(), {}};
}

ToolResult ToolBox::http_tool(const config::HttpTool &tool, const std::string &arguments) const {
  CURL *curl = curl_easy_init();
  if (curl == nullptr) return failure("the tool could not be called");
  std::pair<std::string, std::size_t> body{{}, static_cast<std::size_t>(settings_.max_result_bytes)};
  curl_slist *headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, tool.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(tool.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, arguments.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return failure("the tool gave no answer within " + std::to_string(tool.timeout_ms) + " ms");
  if (rc == CURLE_WRITE_ERROR)
    return failure("the tool's answer is over " + std::to_string(settings_.max_result_bytes) + " bytes");
  if (rc != CURLE_OK) return failure(std::string("the tool could not be reached: ") + curl_easy_strerror(rc));
  if (status < 200 || status >= 300) return failure("the tool answered HTTP " + std::to_string(status));
  const auto parsed = nlohmann::json::parse(body.first, nullptr, false);
  return {true, parsed.is_discarded() ? nlohmann::json{{"result", body.first}}.dump() : parsed.dump(), {}};
}

}  // namespace switchboard::tools
