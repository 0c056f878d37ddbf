/* Host extension "switchboard.providers/1": the provider chains' view and the
 * operator's controls, for transports that serve GET /providers and
 * POST /providers/{type}/reset. Ask for it with sb_host.get_extension. */
#ifndef SWITCHBOARD_EXT_PROVIDERS_H
#define SWITCHBOARD_EXT_PROVIDERS_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_EXT_PROVIDERS "switchboard.providers/1"

typedef struct sb_providers_ext {
  size_t struct_size;
  void *ctx;
  /* [any-thread, non-blocking] Writes the JSON of GET /providers: {"providers":
   * {kind: {provider_type, current_provider, fallback_count, providers: [...]}},
   * "summary": {kind: {current, available_count}}}. */
  sb_status (*view)(void *ctx, sb_sink json_out, sb_error *err);
  /* [any-thread] Closes breakers: kind "stt", "llm" or "tts" (NULL: every
   * kind), name NULL for every provider of the kind. SB_INVALID_INPUT when
   * nothing matches. */
  sb_status (*reset)(void *ctx, const char *kind, const char *name, sb_error *err);
  /* [any-thread] Opens one provider's breaker until reset. */
  sb_status (*force_open)(void *ctx, const char *kind, const char *name, sb_error *err);
} sb_providers_ext;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_EXT_PROVIDERS_H */
