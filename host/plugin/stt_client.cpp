#include "plugin/stt_client.hpp"

#include "plugin/outcome.hpp"

namespace switchboard::plugin {

SttHandler::SttHandler() {
  callbacks_.struct_size = sizeof callbacks_;
  callbacks_.user = this;
  callbacks_.on_partial = [](void *user, const char *text) {
    static_cast<SttHandler *>(user)->on_partial(text != nullptr ? text : "");
  };
  callbacks_.on_final = [](void *user, const char *text, float confidence, const char *language) {
    static_cast<SttHandler *>(user)->on_final(text != nullptr ? text : "", confidence,
                                              language != nullptr ? language : "");
  };
  callbacks_.on_done = [](void *user, sb_status status, const sb_error *error) {
    static_cast<SttHandler *>(user)->on_done(outcome_of(status, error));
  };
}

SttStream &SttStream::operator=(SttStream &&other) noexcept {
  if (this != &other) {
    close();
    stt_ = other.stt_;
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

sdk::Status SttStream::feed(const std::int16_t *samples, std::size_t count) noexcept {
  return static_cast<sdk::Status>(stt_->vtable<sb_stt_vtable>().feed(handle_, samples, count));
}

void SttStream::finish() noexcept {
  stt_->vtable<sb_stt_vtable>().finish(handle_);
}

void SttStream::close() noexcept {
  if (handle_ != nullptr) {
    stt_->vtable<sb_stt_vtable>().close(std::exchange(handle_, nullptr));
  }
}

sdk::Outcome open_stream(const Instance &stt, SttHandler &handler, const CancelSource &cancel, SttStream &out) {
  sb_stt_options options{};
  options.struct_size = sizeof options;
  options.sample_rate = SB_STT_SAMPLE_RATE;
  sb_error err = empty_error();
  void *handle = stt.vtable<sb_stt_vtable>().open(stt.handle(), &options, handler.callbacks(), cancel.token(), &err);
  if (handle == nullptr) {
    out = SttStream();
    sdk::Outcome outcome = outcome_of(SB_FATAL, &err);
    if (outcome.message.empty()) {
      outcome.message = "the plugin opened no stream";
    }
    return outcome;
  }
  out = SttStream(&stt, handle);
  return {};
}

}  // namespace switchboard::plugin
