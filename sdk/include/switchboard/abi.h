/* The Switchboard plugin ABI: versioning, status codes, host services and the
 * plugin descriptor. Plain C11 so any language with a C FFI can implement it. */
#ifndef SWITCHBOARD_ABI_H
#define SWITCHBOARD_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A host loads a plugin only if the majors are equal. Minors only add: new
 * fields at the end of structs (checked through struct_size), new kinds, new
 * extension ids. See docs/abi-policy.md. */
#define SB_ABI_MAJOR 1
#define SB_ABI_MINOR 5

/* The one symbol every plugin exports. */
#define SB_ENTRY_SYMBOL "switchboard_plugin_entry"

#if defined(_WIN32)
#define SB_EXPORT __declspec(dllexport)
#else
#define SB_EXPORT __attribute__((visibility("default")))
#endif

/* Every status says what the caller should do next. */
typedef enum sb_status {
  SB_OK = 0,
  /* Transient: timeout, 5xx, 429, connection loss. The circuit breaker counts
   * it and the chain falls back to the next provider. */
  SB_RETRYABLE = 1,
  /* The request's own fault (bad audio, unknown voice). Not counted, no
   * fallback: another provider would refuse it too. */
  SB_INVALID_INPUT = 2,
  /* The call was cancelled through its cancel token. Not counted. */
  SB_CANCELLED = 3,
  /* The provider cannot work (bad credentials, missing model). Counted; the
   * chain falls back. */
  SB_FATAL = 4
} sb_status;

/* Room for an error message. The callee writes a NUL-terminated UTF-8 message
 * into `message`, truncating it to fit; nobody allocates. */
#define SB_ERROR_MESSAGE_MAX 512
typedef struct sb_error {
  size_t struct_size;
  /* Milliseconds the provider asked to wait before retrying (HTTP
   * Retry-After), or 0. */
  uint32_t retry_after_ms;
  char message[SB_ERROR_MESSAGE_MAX];
} sb_error;

/* A place to write variable-length output (JSON text, cache values) so the
 * callee never hands out memory the caller would have to free. `write` may be
 * called several times; the pieces are concatenated. */
typedef struct sb_sink {
  void (*write)(void *user, const char *data, size_t size);
  void *user;
} sb_sink;

typedef enum sb_log_level {
  SB_LOG_TRACE = 0,
  SB_LOG_DEBUG = 1,
  SB_LOG_INFO = 2,
  SB_LOG_WARN = 3,
  SB_LOG_ERROR = 4
} sb_log_level;

/* Cancellation of one long call, owned by the host. The token stays valid
 * until the call has reported its end (its on_done callback returned). The
 * host never cancels a call from inside one of that call's own callbacks. */
typedef struct sb_cancel_token {
  size_t struct_size;
  void *ctx;
  /* [any-thread, non-blocking, no allocation] True once the call is cancelled. */
  bool (*is_cancelled)(void *ctx);
  /* [any-thread, non-blocking] Calls fn(user) once when the call is cancelled,
   * on the cancelling thread, or at once on this thread if it already is.
   * Returns an id for unsubscribe. */
  uint64_t (*subscribe)(void *ctx, void (*fn)(void *user), void *user);
  /* [any-thread] After this returns, fn will not be called for that id, and
   * is not running unless unsubscribe was called from inside fn. */
  void (*unsubscribe)(void *ctx, uint64_t id);
} sb_cancel_token;

/* Services the host gives each plugin instance. Valid from create() until
 * destroy() returns. */
typedef struct sb_host {
  size_t struct_size;
  void *ctx;
  /* The instance's name from the YAML (`name:`), e.g. "ollama". */
  const char *instance_name;
  /* The instance's `config:` block as JSON text ("{}" when absent), with
   * ${env:...} already substituted. */
  const char *config_json;
  /* [any-thread, non-blocking] One log line; the host adds time, level and
   * instance name. */
  void (*log)(void *ctx, sb_log_level level, const char *message);
  /* [any-thread, non-blocking] Metrics, named in snake_case; the host prefixes
   * them with the plugin kind and instance name. */
  void (*counter_add)(void *ctx, const char *name, double value);
  void (*gauge_set)(void *ctx, const char *name, double value);
  void (*histogram_observe)(void *ctx, const char *name, double value);
  /* [any-thread, non-blocking] Runs fn(user) on a host worker thread after
   * delay_ms (0: as soon as possible). For providers wrapping blocking
   * libraries and for paced output. fn may block; it must not throw. Before
   * destroy() the host runs every task of the instance still pending (early,
   * if its delay has not passed) and waits for them. */
  void (*post)(void *ctx, uint32_t delay_ms, void (*fn)(void *user), void *user);
  /* [any-thread] An optional host capability by id with its revision, e.g.
   * "switchboard.sessions/1", or NULL when the host does not offer it. */
  const void *(*get_extension)(void *ctx, const char *id);

  /* Since ABI 1.1 (check struct_size): */
  /* The folder of the config file, for paths in the config block that are
   * relative to it. */
  const char *config_dir;
  /* [any-thread, non-blocking, no allocation] The host's monotonic clock in
   * nanoseconds. Use it for anything timed (a cache's time to live): the
   * host's tests step it. */
  int64_t (*now_ns)(void *ctx);
} sb_host;

typedef enum sb_plugin_kind {
  SB_KIND_STT = 1,
  SB_KIND_LLM = 2,
  SB_KIND_TTS = 3,
  SB_KIND_CACHE = 4,
  SB_KIND_TRANSPORT = 5
} sb_plugin_kind;

/* Receives one config problem: where (a JSON pointer into the instance's
 * config block, "" for the block itself) and what. */
typedef struct sb_config_report {
  void (*error)(void *user, const char *json_pointer, const char *message);
  void *user;
} sb_config_report;

/* What a plugin's entry returns. The first three fields keep their place in
 * every ABI version so any host can read and refuse a plugin. */
typedef struct sb_plugin_descriptor {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  /* Unique id, named in YAML as `plugin:`, e.g. "stt-pocketsphinx". */
  const char *id;
  sb_plugin_kind kind;
  /* Semantic version of the plugin itself, e.g. "1.2.0". */
  const char *version;
  /* One line for `switchboard plugins`. */
  const char *description;
  /* [main-thread, may block, optional (NULL)] Checks a config block (JSON
   * text) without creating anything; reports each problem. Returns SB_OK when
   * it found none, SB_INVALID_INPUT otherwise. */
  sb_status (*validate_config)(const char *config_json, sb_config_report report);
  /* [main-thread, may block] Creates an instance; the host keeps `host` valid
   * until destroy(). Returns NULL and fills err on failure. */
  void *(*create)(const sb_host *host, sb_error *err);
  /* [main-thread, may block] Destroys an instance. Every call and stream of
   * the instance has ended before the host calls it. */
  void (*destroy)(void *instance);
  /* The kind's function table: sb_stt_vtable, sb_llm_vtable, ... */
  const void *vtable;
} sb_plugin_descriptor;

/* [main-thread, non-blocking] The entry symbol. Returns a descriptor with
 * static storage duration; it must not start threads or touch the outside
 * world, so scanning a plugin directory stays cheap. */
typedef const sb_plugin_descriptor *(*sb_plugin_entry_fn)(void);

/* Copies a message into an sb_error, truncating to fit. NULL err is allowed. */
static inline void sb_error_set(sb_error *err, const char *message) {
  size_t i = 0;
  if (err == NULL) {
    return;
  }
  if (message != NULL) {
    for (; message[i] != '\0' && i + 1 < SB_ERROR_MESSAGE_MAX; ++i) {
      err->message[i] = message[i];
    }
    /* Never cut a UTF-8 sequence in half. */
    if (message[i] != '\0') {
      while (i > 0 && ((unsigned char)message[i] & 0xC0u) == 0x80u) {
        --i;
      }
    }
  }
  err->message[i] = '\0';
}

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_ABI_H */
