/* Host extension "switchboard.admin/1": the operator's views and controls
 * that are not about one provider: health, metrics, the cache, reloading
 * the config. For transports that serve them. */
#ifndef SWITCHBOARD_EXT_ADMIN_H
#define SWITCHBOARD_EXT_ADMIN_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_EXT_ADMIN "switchboard.admin/1"

typedef struct sb_admin_ext {
  size_t struct_size;
  void *ctx;
  /* [any-thread] {"status":"healthy"|"degraded"|"unhealthy","timestamp":ISO 8601,
   * "active_sessions":N,"providers":{"stt":"healthy"|"degraded"|"unhealthy",..}}:
   * a kind is healthy when its first provider is available, degraded when a
   * later one is, unhealthy when none is. */
  sb_status (*health)(void *ctx, sb_sink json_out, sb_error *err);
  /* [any-thread] {"session_count","total_requests","average_latency_ms","error_rate",
   * "provider_stats":{kind:{"requests","errors"}},"counters":{name:value},"gauges":{..},
   * "histograms":{name:{"count","sum","p50","p99"}}}. */
  sb_status (*metrics)(void *ctx, sb_sink json_out, sb_error *err);
  /* [any-thread] The same counters over the last minute:
   * {"window_seconds":60,"turns":N,"latency_ms":{"p50","p99"},"provider_stats":{..}}. */
  sb_status (*metrics_recent)(void *ctx, sb_sink json_out, sb_error *err);
  /* [any-thread] The metrics in the Prometheus text format (0.0.4). */
  sb_status (*prometheus)(void *ctx, sb_sink text_out, sb_error *err);
  /* [any-thread] The cache plugin's stats as JSON; SB_INVALID_INPUT when no
   * cache is configured. */
  sb_status (*cache_stats)(void *ctx, sb_sink json_out, sb_error *err);
  /* [any-thread] Empties the cache. */
  sb_status (*cache_clear)(void *ctx, sb_error *err);
  /* [any-thread, may block] Re-reads the config file and applies it as
   * SIGHUP does; SB_INVALID_INPUT with the first problem when it is invalid
   * (the running config stays). */
  sb_status (*reload)(void *ctx, sb_error *err);
} sb_admin_ext;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_EXT_ADMIN_H */
