// The operator's documents: stored whole or not at all, cut into passages
// and indexed for BM25 search (SQLite FTS5), per collection. In a file
// (kept across restarts) or in memory. Every method may be called from many
// threads at once; each one blocks on the database.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::documents {

struct Document {
  std::string collection = "documents";
  std::string filename;
  std::string type = "text";  // pdf, text, markdown, web
  std::string title;          // "": the file name
  std::string source;         // where it came from (a URL, "upload", "manual")
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<std::string> pages;
};

struct Ingested {
  std::string id;
  std::string collection;
  int pages = 0;
  int chunks = 0;
};

struct Passage {
  std::string document_id;
  std::string collection;
  std::string source;  // the document's title
  std::string text;
  double score = 0;  // BM25, higher is better
};

// A document the store refuses, with the reason; nothing of it is stored.
class Refused : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct StoreLimits {
  int chunk_words = 120;
  long long max_document_bytes = 10 * 1024 * 1024;
};

class DocumentStore {
 public:
  // Opens (or creates) the index at `path`, "" for one in memory; throws
  // std::runtime_error naming the path and SQLite's reason.
  DocumentStore(const std::string &path, StoreLimits limits);
  ~DocumentStore();
  DocumentStore(const DocumentStore &) = delete;
  DocumentStore &operator=(const DocumentStore &) = delete;

  // Throws Refused for a document without words or over the size limit.
  Ingested ingest(const Document &document);
  // The best passages for `query` in `collections` (empty: all).
  std::vector<Passage> search(const std::string &query, const std::vector<std::string> &collections, int limit);
  // {"total_documents","total_chunks","by_type":{..},"by_collection":{..}}
  nlohmann::json stats();

 private:
  struct Db;
  std::unique_ptr<Db> db_;
  StoreLimits limits_;
};

}  // namespace switchboard::documents
