// POST /v1/ingestion/upload (multipart: TXT, Markdown, PDF), /v1/ingestion/text
// and /v1/ingestion/url: documents into the host's index (the documents
// extension), each whole or not at all, for the turns and the
// search_documents tool to answer from.
#pragma once

#include <cstddef>
#include <string>

#include "switchboard/ext/documents.h"
#include "switchboard/server/router.hpp"
#include "url_fetch.hpp"

namespace youworker {

struct IngestionSettings {
  std::size_t max_file_bytes = 10 * 1024 * 1024;
  UrlFetchSettings url;
};

IngestionSettings read_ingestion(const nlohmann::json &config);

struct IngestionContext {
  const sb_documents_ext *documents;  // null: the host keeps no documents
  IngestionSettings settings;
};

void add_ingestion_routes(switchboard::server::Router &router, const IngestionContext &context);

}  // namespace youworker
