#include "plugin/tts_client.hpp"

#include "plugin/outcome.hpp"

namespace switchboard::plugin {

TtsHandler::TtsHandler() {
  callbacks_.struct_size = sizeof callbacks_;
  callbacks_.user = this;
  callbacks_.on_audio = [](void *user, const std::int16_t *samples, size_t count, std::uint32_t rate) {
    static_cast<TtsHandler *>(user)->on_audio(samples, count, rate);
  };
  callbacks_.on_done = [](void *user, sb_status status, const sb_error *error) {
    static_cast<TtsHandler *>(user)->on_done(outcome_of(status, error));
  };
  callbacks_.on_word = [](void *user, size_t text_offset, std::uint64_t sample) {
    static_cast<TtsHandler *>(user)->on_word(text_offset, sample);
  };
}

sdk::Outcome list_voices(const Instance &tts, nlohmann::json &voices) {
  std::string text;
  sb_error err = empty_error();
  const sb_status status = tts.vtable<sb_tts_vtable>().list_voices(tts.handle(), string_sink(text), &err);
  if (status != SB_OK) {
    return outcome_of(status, &err);
  }
  voices = nlohmann::json::parse(text, nullptr, false);
  if (!voices.is_array()) {
    voices = nlohmann::json::array();
    return {sdk::Status::fatal, "the plugin's voice list is not a JSON array", 0};
  }
  return {};
}

sdk::Outcome synthesize(const Instance &tts, const std::string &text, const std::string &voice, TtsHandler &handler,
                        const CancelSource &cancel) {
  sb_tts_request request{};
  request.struct_size = sizeof request;
  request.text = text.c_str();
  request.voice = voice.empty() ? nullptr : voice.c_str();
  sb_error err = empty_error();
  const sb_status status =
      tts.vtable<sb_tts_vtable>().synthesize(tts.handle(), &request, handler.callbacks(), cancel.token(), &err);
  return status == SB_OK ? sdk::Outcome{} : outcome_of(status, &err);
}

}  // namespace switchboard::plugin
