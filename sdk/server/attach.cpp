#include "attach.hpp"

#include <cstddef>

#include "switchboard/server/ext_call.hpp"

namespace switchboard::server::detail {

void *attach_session(const sb_sessions_ext &sessions, const std::string &session_id, const Identity &who,
                     const sb_session_events *events, std::string &id_out, std::string &error) {
  SinkText id;
  ExtError f;
  const bool owned = sessions.struct_size > offsetof(sb_sessions_ext, attach_as) && sessions.attach_as != nullptr;
  void *attachment = owned ? sessions.attach_as(sessions.ctx, session_id.c_str(), who.subject.c_str(),
                                                who.role == Role::admin, events, id.sink(), &f.error)
                           : sessions.attach(sessions.ctx, session_id.c_str(), events, id.sink(), &f.error);
  if (attachment == nullptr) {
    error = f.message();
  } else {
    id_out = std::move(id.value);
  }
  return attachment;
}

void set_voice(const sb_sessions_ext &sessions, void *attachment, const std::string &voice) {
  if (sessions.struct_size > offsetof(sb_sessions_ext, set_voice) && sessions.set_voice != nullptr) {
    sessions.set_voice(attachment, voice.c_str());
  }
}

bool configure(const sb_sessions_ext &sessions, void *attachment, const std::string &options_json, std::string &error) {
  if (sessions.struct_size <= offsetof(sb_sessions_ext, configure) || sessions.configure == nullptr) {
    error = "this host cannot choose providers, tools or documents per session (it is older than ABI 1.5)";
    return false;
  }
  sb_error err{};
  if (sessions.configure(attachment, options_json.c_str(), &err) == SB_OK) return true;
  error = err.message;
  return false;
}

}  // namespace switchboard::server::detail
