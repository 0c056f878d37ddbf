/* bench-llm-c: the same answer written against the bare C ABI, to separate
 * the cost of the C++ layer from the cost of the boundary itself. */
#include "switchboard/switchboard.h"

static sb_status chat(void *instance, const sb_llm_request *request, const sb_llm_callbacks *callbacks,
                      const sb_cancel_token *cancel, sb_error *err) {
  (void)instance;
  (void)request;
  (void)cancel;
  (void)err;
  callbacks->on_token(callbacks->user, "ok", 2);
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
    sizeof(sb_plugin_descriptor),     SB_ABI_MAJOR, SB_ABI_MINOR, "bench-llm-c", SB_KIND_LLM, "1.0.0",
    "One token, synchronously, in C", NULL,         create,       destroy,       &vtable};

SB_EXPORT const sb_plugin_descriptor *switchboard_plugin_entry(void) {
  return &descriptor;
}
