/* Cache plugins: byte values under byte keys, with a time to live. */
#ifndef SWITCHBOARD_CACHE_H
#define SWITCHBOARD_CACHE_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every function: [any-thread, thread-safe, may block briefly (a networked
 * cache does I/O), never on the audio thread]. */
typedef struct sb_cache_vtable {
  size_t struct_size;
  /* Writes the value to value_out and sets *found, or leaves value_out
   * untouched and clears *found. A miss is SB_OK. */
  sb_status (*get)(void *instance, const char *key, size_t key_size, sb_sink value_out, bool *found, sb_error *err);
  /* ttl_seconds 0: the cache's configured default. */
  sb_status (*put)(void *instance, const char *key, size_t key_size, const char *value, size_t value_size,
                   uint32_t ttl_seconds, sb_error *err);
  sb_status (*erase)(void *instance, const char *key, size_t key_size, sb_error *err);
  sb_status (*clear)(void *instance, sb_error *err);
  /* Writes a JSON object with at least "entries", "bytes", "hits", "misses",
   * "evictions". */
  sb_status (*stats)(void *instance, sb_sink json_out, sb_error *err);
} sb_cache_vtable;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_CACHE_H */
