/* Language-model plugins: a chat completion over a message list, streamed as
 * text fragments. */
#ifndef SWITCHBOARD_LLM_H
#define SWITCHBOARD_LLM_H

#include "switchboard/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sb_llm_message {
  /* "system", "user" or "assistant"; since ABI 1.5 also "tool" (a tool's
   * result, for a plugin that reads tools_json). */
  const char *role;
  const char *content;
} sb_llm_message;

/* ABI 1.5: a passage of the operator's documents that may answer the
 * question, best first. A later revision adds a new array rather than
 * growing this struct. */
typedef struct sb_llm_passage {
  const char *source; /* the document's title or file name */
  const char *text;
  double score; /* the store's relevance, higher is better */
} sb_llm_passage;

/* Valid only during chat(): a plugin that works asynchronously copies what it
 * needs. */
typedef struct sb_llm_request {
  size_t struct_size;
  const sb_llm_message *messages;
  size_t message_count;
  /* NULL: the provider's configured model. */
  const char *model;
  /* Negative: the provider's default. */
  double temperature;
  /* Zero or negative: the provider's default. */
  int32_t max_tokens;
  /* Extra provider options as a JSON object, or NULL. */
  const char *options_json;
  /* ABI 1.5 (check struct_size). Tools the model may call, as an
   * OpenAI-style JSON array ([{"type":"function","function":{"name",
   * "description","parameters"}}]), or NULL: none. A plugin that cannot call
   * tools ignores it and answers in text. */
  const char *tools_json;
  /* ABI 1.5. NULL, or one entry per message (NULL for most): for an
   * "assistant" message that called tools, {"tool_calls":[{"id","name",
   * "arguments"}]} (arguments a JSON text); for a "tool" message,
   * {"tool_call_id","name"}. Only sent with tools_json. */
  const char *const *message_tools_json;
  /* ABI 1.5. Passages to answer from (a generative plugin adds them to its
   * prompt), or none. */
  const sb_llm_passage *passages;
  size_t passage_count;
} sb_llm_request;

/* Valid from chat() until on_done has returned. Callbacks may come from any
 * thread but never two at once for one call. */
typedef struct sb_llm_callbacks {
  size_t struct_size;
  void *user;
  /* The next fragment of the answer (UTF-8, not NUL-terminated). */
  void (*on_token)(void *user, const char *text, size_t size);
  /* Token counts, when the provider reports them; at most once, before on_done. */
  void (*on_usage)(void *user, uint32_t prompt_tokens, uint32_t completion_tokens);
  /* Exactly once, last. error is NULL on SB_OK. */
  void (*on_done)(void *user, sb_status status, const sb_error *error);
  /* ABI 1.5 (check struct_size). A piece of a tool call the model makes,
   * in stream order: call `index` of this answer; id and name are set on
   * its first piece (NULL after), arguments is the next fragment of its
   * JSON arguments. The host runs a call only after on_done(SB_OK): a call
   * that failed midway is never run. */
  void (*on_tool_call)(void *user, uint32_t index, const char *id, const char *name, const char *arguments,
                       size_t arguments_size);
} sb_llm_callbacks;

typedef struct sb_llm_vtable {
  size_t struct_size;
  /* [any-thread, non-blocking] Starts a completion. SB_OK: it started and
   * on_done will come exactly once, possibly before chat() returns. Any other
   * status: nothing started, no callback comes, err says why. */
  sb_status (*chat)(void *instance, const sb_llm_request *request, const sb_llm_callbacks *callbacks,
                    const sb_cancel_token *cancel, sb_error *err);
} sb_llm_vtable;

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_LLM_H */
