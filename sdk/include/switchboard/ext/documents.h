/* Host extension "switchboard.documents/1" (ABI 1.5): the operator's
 * documents, chunked and indexed for retrieval (config `documents`). A
 * transport ingests them; the host's turns and its search_documents tool
 * read them. Every call is [any-thread] and may block on the index (call it
 * from a worker, not an I/O loop). */
#ifndef SWITCHBOARD_EXT_DOCUMENTS_H
#define SWITCHBOARD_EXT_DOCUMENTS_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_EXT_DOCUMENTS "switchboard.documents/1"

typedef struct sb_documents_ext {
  size_t struct_size;
  void *ctx;
  /* Stores one document whole, or nothing of it:
   *   {"collection":"..","filename":"..","type":"pdf"|"text"|"markdown"|"web",
   *    "title":"..","source":"..","metadata":{..},"pages":["text of page 1",..]}
   * writes {"document_id","collection","pages","chunks"}. SB_INVALID_INPUT
   * with the reason for a document with no text or over the size limit. */
  sb_status (*ingest)(void *ctx, const char *document_json, sb_sink json_out, sb_error *err);
  /* {"query":"..","collections":[..] (none: all),"limit":N} writes
   * {"passages":[{"document_id","collection","source","text","score"}]},
   * best first. */
  sb_status (*search)(void *ctx, const char *query_json, sb_sink json_out, sb_error *err);
  /* {"total_documents","total_chunks","by_type":{..},"by_collection":{..}} */
  sb_status (*stats)(void *ctx, sb_sink json_out, sb_error *err);
} sb_documents_ext;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_EXT_DOCUMENTS_H */
