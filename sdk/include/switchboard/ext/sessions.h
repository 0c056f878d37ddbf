/* Host extension "switchboard.sessions/1": conversations, for transports.
 * A transport attaches a client to a session, passes its audio, text and
 * interrupts in, and receives the session's events out; it also serves the
 * session views (list, get, delete). Ask for it with sb_host.get_extension. */
#ifndef SWITCHBOARD_EXT_SESSIONS_H
#define SWITCHBOARD_EXT_SESSIONS_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SB_EXT_SESSIONS "switchboard.sessions/1"

/* What a session says to the client attached to it. Calls for one
 * attachment come one at a time, in order, from host threads; they must not
 * block (queue to the socket). Valid from attach() until detach() returns. */
typedef struct sb_session_events {
  size_t struct_size;
  void *user;
  /* One event as a JSON object with a "type":
   *   {"type":"state","from":"idle","to":"listening"}
   *   {"type":"vad","is_speech":true,"speech_ended":false}
   *   {"type":"audio_metrics","rms":..,"peak":..,"snr_db":..,"quality_score":..,
   *    "quality_label":"Good","duration_ms":..}
   *   {"type":"transcript","id":"..","text":"..","is_final":true,"confidence":..,"timestamp":..}
   *   {"type":"text","turn_id":"..","text":".."}          the answer as it streams
   *   {"type":"turn_complete","turn_id":"..","user_text":"..","assistant_text":"..",
   *    "interrupted":false,"llm_provider":"..","timings":{...},
   *    "usage":{"prompt_tokens":..,"completion_tokens":..,"estimated":bool}}  (usage: ABI 1.5)
   *   {"type":"tool","turn_id":"..","tool":"..","call_id":"..","status":"start"|"end"|"error",
   *    "args":{..},"latency_ms":..,"result_preview":"..","error_message":".."}   (ABI 1.5)
   *   {"type":"interrupt_ack","reason":"interrupt"|"barge-in"}
   *   {"type":"audio_done","heard":true}   the audio ended by end_audio is heard out:
   *    every utterance in it has its final transcript (heard: one had words)
   *   {"type":"error","code":"stt_failed"|"llm_failed"|"tts_failed"|"bad_audio"|"empty_message",
   *    "message":".."}
   * The text is valid during the call. */
  void (*on_event)(void *user, const char *json, size_t size);
  /* Speech for the client: mono s16 at sample_rate, sentence by sentence in
   * order. The samples are valid during the call. */
  void (*on_audio)(void *user, const int16_t *samples, size_t count, uint32_t sample_rate);
  /* ABI 1.3 (optional, may be NULL): a later attachment took the session;
   * no event follows. The transport tells its client and closes. */
  void (*on_replaced)(void *user);
} sb_session_events;

typedef struct sb_sessions_ext {
  size_t struct_size;
  void *ctx;
  /* [any-thread] Attaches to the session `session_id` (made and stored if it
   * does not exist; "" makes a new id), replacing any earlier attachment to
   * it. Writes the id to id_out. Returns the attachment, or NULL with err. The
   * current state comes first as a "state" event. */
  void *(*attach)(void *ctx, const char *session_id, const sb_session_events *events, sb_sink id_out, sb_error *err);
  /* [one caller at a time per attachment] One audio message: WAV, Ogg, MP3,
   * WebM/Opus (a MediaRecorder's chunks continue one stream) or raw PCM16 at
   * declared_rate Hz mono. SB_INVALID_INPUT with the reason when it cannot
   * be decoded; the session goes on. */
  sb_status (*push_audio)(void *attachment, const uint8_t *bytes, size_t size, uint32_t declared_rate, sb_error *err);
  /* [same caller] The audio stream is over: an utterance in progress ends. */
  void (*end_audio)(void *attachment);
  /* [any-thread] A typed message; speak: the answer is spoken too. */
  void (*send_text)(void *attachment, const char *text, bool speak);
  /* [any-thread] Stops the turn and acknowledges with "interrupt_ack". */
  void (*interrupt)(void *attachment);
  /* [any-thread] Ends the attachment: no callback runs after this returns.
   * The session itself lives on (until deleted or idle). */
  void (*detach)(void *attachment);

  /* Views, as JSON. [any-thread] */
  /* {"count":N,"sessions":[{"session_id","created_at","last_activity"}]} (ISO 8601 times) */
  sb_status (*list)(void *ctx, sb_sink json_out, sb_error *err);
  /* {"session_id","created_at","last_activity","state","live","stats":{..},"history":[..]};
   * SB_INVALID_INPUT when there is no such session. */
  sb_status (*get)(void *ctx, const char *session_id, sb_sink json_out, sb_error *err);
  /* Ends and deletes one session; SB_INVALID_INPUT when there is none. */
  sb_status (*remove)(void *ctx, const char *session_id, sb_error *err);
  /* Ends and deletes every session; writes {"deleted":N}. */
  sb_status (*remove_all)(void *ctx, sb_sink json_out, sb_error *err);
  /* How many sessions are live now (a client is or was recently talking). */
  size_t (*active_count)(void *ctx);
  /* [any-thread] Samples of this attachment's session the audio path could
   * not keep up with and dropped, since the session started. */
  uint64_t (*dropped_samples)(void *attachment);
  /* ABI 1.3 (check struct_size). [any-thread] attach for a client acting as
   * `owner` (a key's or a token's subject): a session it makes is stored as
   * owner's; a session that exists and belongs to another owner is refused
   * (NULL, err "owned"), unless any_owner (an admin). list and get show each
   * session's "owner". The attachment replaced, if any, hears on_replaced
   * and takes no more audio. */
  void *(*attach_as)(void *ctx, const char *session_id, const char *owner, bool any_owner,
                     const sb_session_events *events, sb_sink id_out, sb_error *err);
  /* ABI 1.4 (check struct_size). [any-thread] The tts voice of this
   * session's turns from the next one on: a name from the "voices" of GET
   * /providers' tts entries (a provider's voice, or a name its voice_map
   * gives). NULL or "": the configured one again. A provider without that
   * voice speaks in its own. */
  void (*set_voice)(void *attachment, const char *voice);
  /* ABI 1.5 (check struct_size). [any-thread] How this attachment's turns
   * are answered from the next message on, as a JSON object; a key left out
   * keeps its value; each attach starts from the defaults (the chain's
   * order, no tools, no documents):
   *   "llm_provider": ".."   the llm chain's provider (by name, or by the
   *                          model it is configured with) asked first; the
   *                          rest of the chain still follows it. "": the
   *                          chain's order.
   *   "tools": bool          offer the host's tools (config `tools`)
   *   "documents": bool      add passages of the host's documents
   *   "collections": [".."]  which collections (none: all)
   * SB_INVALID_INPUT with the reason for an unknown provider or key. */
  sb_status (*configure)(void *attachment, const char *options_json, sb_error *err);
} sb_sessions_ext;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_EXT_SESSIONS_H */
