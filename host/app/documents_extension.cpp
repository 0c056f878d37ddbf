#include "app/documents_extension.hpp"

#include <nlohmann/json.hpp>

namespace switchboard::app {
namespace {

void write(sb_sink sink, const nlohmann::json &value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  sink.write(sink.user, text.data(), text.size());
}

documents::DocumentStore &store_of(void *ctx) {
  return *static_cast<documents::DocumentStore *>(ctx);
}

std::vector<std::string> strings(const nlohmann::json &j, const char *key) {
  std::vector<std::string> out;
  for (const auto &v : j.value(key, nlohmann::json::array())) out.push_back(v.get<std::string>());
  return out;
}

// Runs fn, turning what it throws into the ABI's status and message.
template <class Fn>
sb_status guarded(sb_error *err, Fn &&fn) {
  try {
    fn();
    return SB_OK;
  } catch (const documents::Refused &e) {
    sb_error_set(err, e.what());
    return SB_INVALID_INPUT;
  } catch (const nlohmann::json::exception &e) {
    sb_error_set(err, (std::string("bad request: ") + e.what()).c_str());
    return SB_INVALID_INPUT;
  } catch (const std::exception &e) {
    sb_error_set(err, e.what());
    return SB_RETRYABLE;
  }
}

}  // namespace

DocumentsExtension::DocumentsExtension(std::shared_ptr<documents::DocumentStore> store) : store_(std::move(store)) {
  ext_.struct_size = sizeof ext_;
  ext_.ctx = store_.get();
  ext_.ingest = [](void *ctx, const char *json, sb_sink out, sb_error *err) {
    return guarded(err, [&] {
      const auto j = nlohmann::json::parse(json != nullptr ? json : "");
      documents::Document d;
      d.collection = j.value("collection", d.collection);
      d.filename = j.value("filename", "");
      d.type = j.value("type", d.type);
      d.title = j.value("title", "");
      d.source = j.value("source", "");
      d.metadata = j.value("metadata", nlohmann::json::object());
      d.pages = strings(j, "pages");
      const auto done = store_of(ctx).ingest(d);
      write(
          out,
          {{"document_id", done.id}, {"collection", done.collection}, {"pages", done.pages}, {"chunks", done.chunks}});
    });
  };
  ext_.search = [](void *ctx, const char *json, sb_sink out, sb_error *err) {
    return guarded(err, [&] {
      const auto j = nlohmann::json::parse(json != nullptr ? json : "");
      nlohmann::json passages = nlohmann::json::array();
      for (const auto &p : store_of(ctx).search(j.value("query", ""), strings(j, "collections"), j.value("limit", 3))) {
        passages.push_back({{"document_id", p.document_id},
                            {"collection", p.collection},
                            {"source", p.source},
                            {"text", p.text},
                            {"score", p.score}});
      }
      write(out, {{"passages", passages}});
    });
  };
  ext_.stats = [](void *ctx, sb_sink out, sb_error *err) {
    return guarded(err, [&] { write(out, store_of(ctx).stats()); });
  };
}

}  // namespace switchboard::app
