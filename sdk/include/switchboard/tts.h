/* Text-to-speech plugins: text in, mono s16 PCM chunks out. */
#ifndef SWITCHBOARD_TTS_H
#define SWITCHBOARD_TTS_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Valid only during synthesize(). */
typedef struct sb_tts_request {
  size_t struct_size;
  const char *text;
  /* A voice id from list_voices(), or NULL for the configured default. */
  const char *voice;
  /* Preferred output rate, or 0 for the voice's own; a plugin may ignore it
   * (each chunk says its rate). */
  uint32_t sample_rate;
  /* Extra provider options as a JSON object, or NULL. */
  const char *options_json;
} sb_tts_request;

/* Valid from synthesize() until on_done has returned. Callbacks may come from
 * any thread but never two at once for one call. */
typedef struct sb_tts_callbacks {
  size_t struct_size;
  void *user;
  /* The next chunk of mono signed 16-bit audio at sample_rate Hz. */
  void (*on_audio)(void *user, const int16_t *samples, size_t count, uint32_t sample_rate);
  /* Exactly once, last. error is NULL on SB_OK. */
  void (*on_done)(void *user, sb_status status, const sb_error *error);
  /* Since ABI 1.2 (check struct_size; may be NULL): the word that begins at
   * byte text_offset of the request's text begins at sample `sample` of this
   * synthesis (samples counted over every on_audio so far, at their rate).
   * Words come in order, each no later than the audio that reaches its
   * sample. A plugin that knows its word timings reports them, so a
   * synthesis that breaks can be resumed at the first word not yet heard. */
  void (*on_word)(void *user, size_t text_offset, uint64_t sample);
} sb_tts_callbacks;

typedef struct sb_tts_vtable {
  size_t struct_size;
  /* [any-thread, may block] Writes the voices as a JSON array of objects with
   * at least "id", and where known "name", "language", "gender",
   * "sample_rate". */
  sb_status (*list_voices)(void *instance, sb_sink json_out, sb_error *err);
  /* [any-thread, non-blocking] Starts synthesis; same contract as
   * sb_llm_vtable.chat. */
  sb_status (*synthesize)(void *instance, const sb_tts_request *request, const sb_tts_callbacks *callbacks,
                          const sb_cancel_token *cancel, sb_error *err);
} sb_tts_vtable;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_TTS_H */
