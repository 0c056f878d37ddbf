/* Transport plugins: a client-facing API (HTTP, WebSocket, ...) served over
 * the host's sessions. */
#ifndef SWITCHBOARD_TRANSPORT_H
#define SWITCHBOARD_TRANSPORT_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sb_transport_vtable {
  size_t struct_size;
  /* [main-thread, may block] Starts listening on `listen` ("host:port"; port
   * 0 picks a free one) and writes the bound "host:port" to bound_out. The
   * transport reaches sessions and admin views through host extensions. */
  sb_status (*start)(void *instance, const char *listen, sb_sink bound_out, sb_error *err);
  /* [main-thread, may block] Stops accepting, closes connections and returns
   * once no call into the host is in flight. */
  void (*stop)(void *instance);
  /* ABI 1.3 (optional: check struct_size, may be NULL). [reload thread] The
   * transport's config block changed at a reload (same name, plugin and
   * listen): `config_json` is the new block, already validated. Applies what
   * it can without dropping connections (credentials, at least: a key
   * removed stops working, with the tokens it issued). SB_OK when all of it
   * applied; SB_INVALID_INPUT with what still needs a restart. */
  sb_status (*reconfigure)(void *instance, const char *config_json, size_t size, sb_error *err);
} sb_transport_vtable;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_TRANSPORT_H */
