#include "documents/document_store.hpp"

#include <chrono>
#include <mutex>
#include <random>

#include "documents/chunker.hpp"
#include "store/sqlite_statement.hpp"

namespace switchboard::documents {
namespace {

using store::Statement;

constexpr const char *kSchema = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY,
  collection TEXT NOT NULL,
  filename TEXT NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  source TEXT NOT NULL,
  metadata TEXT NOT NULL,
  pages INTEGER NOT NULL,
  chunks INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_at REAL NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
  text, document_id UNINDEXED, collection UNINDEXED, title UNINDEXED, tokenize = 'porter unicode61');
)sql";

std::string new_document_id() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "doc_";
  std::uint64_t bits = random();
  for (int i = 0; i < 16; ++i, bits >>= 4) id.push_back(kHex[bits & 15]);
  return id;
}

void exec(sqlite3 *db, const char *sql) {
  char *error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("sqlite: " + message);
  }
}

}  // namespace

struct DocumentStore::Db {
  std::mutex mutex;
  sqlite3 *handle = nullptr;
  ~Db() { sqlite3_close(handle); }
};

DocumentStore::DocumentStore(const std::string &path, StoreLimits limits)
    : db_(std::make_unique<Db>()), limits_(limits) {
  const std::string file = path.empty() ? ":memory:" : path;
  if (sqlite3_open(file.c_str(), &db_->handle) != SQLITE_OK) {
    throw std::runtime_error("documents '" + file + "': " + sqlite3_errmsg(db_->handle));
  }
  try {
    exec(db_->handle, kSchema);
  } catch (const std::exception &e) {
    throw std::runtime_error("documents '" + file + "': " + e.what());
  }
}

DocumentStore::~DocumentStore() = default;

Ingested DocumentStore::ingest(const Document &document) {
  long long bytes = 0;
  for (const auto &page : document.pages) bytes += static_cast<long long>(page.size());
  if (bytes > limits_.max_document_bytes) {
    throw Refused("the document's text is " + std::to_string(bytes) + " bytes, over the limit of " +
                  std::to_string(limits_.max_document_bytes));
  }
  std::vector<std::vector<std::string>> chunks;
  std::size_t total = 0;
  for (const auto &page : document.pages) {
    chunks.push_back(chunk_text(page, limits_.chunk_words));
    total += chunks.back().size();
  }
  if (total == 0) throw Refused("the document has no text to index");

  Ingested out{new_document_id(), document.collection, static_cast<int>(document.pages.size()),
               static_cast<int>(total)};
  const std::string title = document.title.empty() ? document.filename : document.title;
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::lock_guard lock(db_->mutex);
  exec(db_->handle, "BEGIN IMMEDIATE");
  try {
    Statement(db_->handle,
              "INSERT INTO documents (id, collection, filename, type, title, source, metadata, pages, chunks, bytes, "
              "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        .bind(1, out.id)
        .bind(2, document.collection)
        .bind(3, document.filename)
        .bind(4, document.type)
        .bind(5, title)
        .bind(6, document.source)
        .bind(7, document.metadata.dump())
        .bind(8, static_cast<std::int64_t>(out.pages))
        .bind(9, static_cast<std::int64_t>(out.chunks))
        .bind(10, static_cast<std::int64_t>(bytes))
        .bind(11, now)
        .step();
    Statement insert(db_->handle,
                     "INSERT INTO passages (text, document_id, collection, title) VALUES (?1, ?2, ?3, ?4)");
    for (const auto &page : chunks) {
      for (const auto &chunk : page) {
        insert.bind(1, chunk).bind(2, out.id).bind(3, document.collection).bind(4, title).step();
        insert.reset();
      }
    }
    exec(db_->handle, "COMMIT");
  } catch (...) {
    exec(db_->handle, "ROLLBACK");
    throw;
  }
  return out;
}

std::vector<Passage> DocumentStore::search(const std::string &query, const std::vector<std::string> &collections,
                                           int limit) {
  std::vector<Passage> out;
  const std::string match = match_query(query);
  if (match.empty() || limit <= 0) return out;
  nlohmann::json wanted = collections;
  std::lock_guard lock(db_->mutex);
  Statement q(db_->handle,
              "SELECT document_id, collection, title, text, bm25(passages) FROM passages WHERE passages MATCH ?1 "
              "AND (?2 = '[]' OR collection IN (SELECT value FROM json_each(?2))) ORDER BY bm25(passages) LIMIT ?3");
  q.bind(1, match).bind(2, wanted.dump()).bind(3, static_cast<std::int64_t>(limit));
  while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), -q.real(4)});
  return out;
}

nlohmann::json DocumentStore::stats() {
  std::lock_guard lock(db_->mutex);
  nlohmann::json out = {{"total_documents", 0},
                        {"total_chunks", 0},
                        {"by_type", nlohmann::json::object()},
                        {"by_collection", nlohmann::json::object()}};
  Statement totals(db_->handle, "SELECT COUNT(*), COALESCE(SUM(chunks), 0) FROM documents");
  if (totals.step()) {
    out["total_documents"] = totals.integer(0);
    out["total_chunks"] = totals.integer(1);
  }
  for (const char *column : {"type", "collection"}) {
    Statement by(db_->handle, (std::string("SELECT ") + column + ", COUNT(*) FROM documents GROUP BY 1").c_str());
    while (by.step()) out[std::string("by_") + column][by.text(0)] = by.integer(1);
  }
  return out;
}

}  // namespace switchboard::documents
