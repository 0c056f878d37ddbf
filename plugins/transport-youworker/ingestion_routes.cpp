#include "ingestion_routes.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "errors.hpp"
#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/multipart.hpp"
#include "switchboard/server/validation.hpp"
#include "text_extraction.hpp"

namespace youworker {

namespace server = switchboard::server;
using server::Access;
using server::Call;
using server::Response;

namespace {

using Clock = std::chrono::steady_clock;

bool valid_collection(const std::string &name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '_' || c == '-' || c == '.';
  });
}

// Stores one document through the host; the ingestion's answer or the refusal.
Response store(const IngestionContext &ctx, nlohmann::json document, Clock::time_point started, bool full_answer) {
  server::SinkText text;
  server::ExtError f;
  const sb_status status = ctx.documents->ingest(
      ctx.documents->ctx, document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str(), text.sink(),
      &f.error);
  if (status == SB_INVALID_INPUT) return error_body(400, f.message());
  if (status != SB_OK) return error_body(500, "the document could not be stored: " + f.message());
  const auto done = nlohmann::json::parse(text.value, nullptr, false);
  nlohmann::json body = {{"status", "success"}, {"document_id", done.value("document_id", "")}};
  if (full_answer) {
    body["filename"] = document.value("filename", "");
    body["pages"] = done.value("pages", 0);
  }
  body["chunks"] = done.value("chunks", 0);
  if (full_answer) {
    body["processing_time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  }
  return server::json_response(200, body);
}

Response upload(const IngestionContext &ctx, const Call &c) {
  const auto started = Clock::now();
  std::string error;
  const auto parts = server::parse_form(c.request.header("content-type"), c.request.body, error);
  if (!parts) return error_body(400, error);
  const auto *file = server::form_part(*parts, "file");
  if (file == nullptr) {
    return server::validation_error({"body", "file"}, "field required", "value_error.missing");
  }
  const auto *collection = server::form_part(*parts, "collection_name");
  const std::string name = collection != nullptr && !collection->data.empty() ? collection->data : "documents";
  if (!valid_collection(name)) return error_body(400, "collection_name must be 1 to 64 of A-Z a-z 0-9 _ - .");
  if (file->data.size() > ctx.settings.max_file_bytes) {
    return error_body(413, "File too large: " + std::to_string(file->data.size()) + " bytes (the limit is " +
                               std::to_string(ctx.settings.max_file_bytes) + ")");
  }
  const std::string kind = kind_of(file->filename, file->content_type);
  if (kind.empty()) {
    return error_body(415, "Unsupported file type for '" + file->filename + "': TXT, Markdown and PDF are ingested");
  }
  const auto text = extract(kind, file->data, error);
  if (!text) return error_body(400, "'" + file->filename + "': " + error);
  return store(ctx,
               {{"collection", name},
                {"filename", file->filename},
                {"type", text->type},
                {"source", "upload"},
                {"pages", text->pages}},
               started, true);
}

Response ingest_text(const IngestionContext &ctx, const Call &c) {
  const auto started = Clock::now();
  server::BodyFields body(c.request.body);
  const auto text = body.string("text", true);
  const auto collection = body.string("collection_name");
  const auto metadata = body.object("metadata");
  if (!body.ok()) return body.refusal();
  const std::string name = collection.value_or("documents");
  if (!valid_collection(name)) return error_body(400, "collection_name must be 1 to 64 of A-Z a-z 0-9 _ - .");
  const nlohmann::json meta = metadata.value_or(nlohmann::json::object());
  auto field = [&](const char *key) {
    return meta.contains(key) && meta[key].is_string() ? meta[key].get<std::string>() : std::string();
  };
  return store(ctx,
               {{"collection", name},
                {"filename", field("title")},
                {"title", field("title")},
                {"type", "text"},
                {"source", field("source").empty() ? "manual" : field("source")},
                {"metadata", meta},
                {"pages", {*text}}},
               started, false);
}

Response ingest_url(const IngestionContext &ctx, const Call &c) {
  const auto started = Clock::now();
  server::BodyFields body(c.request.body);
  const auto url = body.string("url", true);
  const auto collection = body.string("collection_name");
  if (!body.ok()) return body.refusal();
  const std::string name = collection.value_or("documents");
  if (!valid_collection(name)) return error_body(400, "collection_name must be 1 to 64 of A-Z a-z 0-9 _ - .");
  FetchRefusal refusal{0, {}};
  const auto page = fetch(ctx.settings.url, *url, refusal);
  if (!page) return error_body(refusal.status, refusal.message);
  std::string kind = kind_of(*url, page->content_type);
  std::string error;
  std::optional<Extracted> text;
  if (kind.empty() && page->content_type.rfind("text/html", 0) == 0) {
    text = Extracted{"web", {html_text(page->body)}};
    if (!valid_utf8(text->pages.front())) return error_body(400, "the page is not UTF-8 text");
  } else if (kind.empty()) {
    return error_body(
        415, "Unsupported content type '" + page->content_type + "': HTML, text, Markdown and PDF are ingested");
  } else {
    text = extract(kind, page->body, error);
    if (!text) return error_body(400, *url + ": " + error);
    if (kind != "pdf") text->type = "web";
  }
  return store(
      ctx, {{"collection", name}, {"filename", *url}, {"type", text->type}, {"source", *url}, {"pages", text->pages}},
      started, true);
}

}  // namespace

IngestionSettings read_ingestion(const nlohmann::json &config) {
  IngestionSettings s;
  const auto block = config.value("ingestion", nlohmann::json::object());
  s.max_file_bytes = block.value("max_file_bytes", s.max_file_bytes);
  s.url = read_url_fetch(block.value("url", nlohmann::json::object()));
  return s;
}

void add_ingestion_routes(server::Router &router, const IngestionContext &context) {
  const IngestionContext *ctx = &context;
  const server::RouteOptions changes{.changes_state = true, .url_credentials = true};
  // Each runs off the I/O threads: reading a PDF, fetching a page and the
  // index's writes block.
  auto later = [ctx](Response (*route)(const IngestionContext &, const Call &)) {
    return [ctx, route](const Call &c) {
      if (ctx->documents == nullptr) return error_body(503, "this host keeps no documents");
      Response r;
      r.later = [ctx, route, request = c.request, who = c.who, client = c.client, segments = c.segments] {
        const Call copy{request, segments, {}, who, client};
        return route(*ctx, copy);
      };
      return r;
    };
  };
  router.add("POST", "/v1/ingestion/upload", Access::user, later(&upload), changes);
  router.add("POST", "/v1/ingestion/text", Access::user, later(&ingest_text), changes);
  router.add("POST", "/v1/ingestion/url", Access::user, later(&ingest_url), changes);
}

}  // namespace youworker
