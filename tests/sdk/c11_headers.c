/* The C ABI compiles as strict C11 and a C plugin can fill every table. */
#include <string.h>

#include "switchboard/switchboard.h"

static sb_status chat(void *instance, const sb_llm_request *request, const sb_llm_callbacks *callbacks,
                      const sb_cancel_token *cancel, sb_error *err) {
  (void)instance;
  (void)cancel;
  (void)err;
  callbacks->on_token(callbacks->user, request->messages[0].content, strlen(request->messages[0].content));
  callbacks->on_done(callbacks->user, SB_OK, NULL);
  return SB_OK;
}

static void *create(const sb_host *host, sb_error *err) {
  (void)err;
  return (void *)host;
}

static void destroy(void *instance) {
  (void)instance;
}

static const sb_llm_vtable vtable = {sizeof(sb_llm_vtable), chat};

static const sb_plugin_descriptor descriptor = {
    sizeof(sb_plugin_descriptor), SB_ABI_MAJOR, SB_ABI_MINOR, "c11-llm", SB_KIND_LLM, "1.0.0",
    "C11 compile test",           NULL,         create,       destroy,   &vtable};

static size_t received;
static sb_status final_status = SB_FATAL;

static void on_token(void *user, const char *text, size_t size) {
  (void)user;
  (void)text;
  received += size;
}
static void on_usage(void *user, uint32_t p, uint32_t c) {
  (void)user;
  (void)p;
  (void)c;
}
static void on_done(void *user, sb_status status, const sb_error *error) {
  (void)user;
  (void)error;
  final_status = status;
}

int main(void) {
  sb_error err;
  sb_llm_message message = {"user", "hello"};
  sb_llm_request request;
  sb_llm_callbacks callbacks = {sizeof(sb_llm_callbacks), NULL, on_token, on_usage, on_done, NULL};
  const sb_llm_vtable *v = (const sb_llm_vtable *)descriptor.vtable;

  memset(&request, 0, sizeof request);
  request.struct_size = sizeof request;
  request.messages = &message;
  request.message_count = 1;
  err.struct_size = sizeof err;
  sb_error_set(&err, "a message far longer than needed is still cut safely");
  if (v->chat(NULL, &request, &callbacks, NULL, &err) != SB_OK || received != 5 || final_status != SB_OK) {
    return 1;
  }
  return descriptor.abi_major == SB_ABI_MAJOR ? 0 : 1;
}
