/* Speech-to-text plugins: a stream of 16 kHz mono s16 audio in, partial and
 * final transcripts out. */
#ifndef SWITCHBOARD_STT_H
#define SWITCHBOARD_STT_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The pipeline's one audio format for STT. */
#define SB_STT_SAMPLE_RATE 16000

typedef struct sb_stt_options {
  size_t struct_size;
  /* Always SB_STT_SAMPLE_RATE in ABI 1; here so a later minor can widen it. */
  uint32_t sample_rate;
  /* BCP 47 language hint such as "en-US", or NULL for the provider's default. */
  const char *language;
} sb_stt_options;

/* Valid from open() until on_done has returned. Callbacks may come from any
 * thread but never two at once for one stream. */
typedef struct sb_stt_callbacks {
  size_t struct_size;
  void *user;
  /* A hypothesis for the utterance so far; later ones replace it. */
  void (*on_partial)(void *user, const char *text);
  /* A settled transcript. confidence in [0, 1]; language may be NULL. */
  void (*on_final)(void *user, const char *text, float confidence, const char *language);
  /* Exactly once per stream, last: after finish() has produced the finals,
   * after cancellation (SB_CANCELLED), or on failure. error is NULL on SB_OK. */
  void (*on_done)(void *user, sb_status status, const sb_error *error);
} sb_stt_callbacks;

typedef struct sb_stt_vtable {
  size_t struct_size;
  /* [any-thread, may block briefly, e.g. to take a pooled decoder] Opens a
   * stream. Returns NULL and fills err when it cannot; then no callback comes. */
  void *(*open)(void *instance, const sb_stt_options *options, const sb_stt_callbacks *callbacks,
                const sb_cancel_token *cancel, sb_error *err);
  /* [audio-thread: no blocking, no allocation, no I/O] Appends samples. Never
   * called after finish(). A non-OK return means the stream failed; its
   * on_done follows. After a failure a few more calls may still arrive from
   * the audio thread: ignore them. */
  sb_status (*feed)(void *stream, const int16_t *samples, size_t count);
  /* [any-thread, non-blocking] No more audio: deliver finals, then on_done. */
  void (*finish)(void *stream);
  /* [any-thread, may block] Frees the stream. Called once, after on_done. To
   * stop a stream early the host cancels its token and waits for on_done. */
  void (*close)(void *stream);
} sb_stt_vtable;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_STT_H */
