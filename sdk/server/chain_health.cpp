#include "switchboard/server/chain_health.hpp"

#include <nlohmann/json.hpp>

#include "switchboard/server/ext_call.hpp"

namespace switchboard::server {

std::optional<ChainHealth> chain_health(const sb_admin_ext *admin) {
  if (admin == nullptr) return std::nullopt;
  SinkText text;
  ExtError f;
  if (admin->health(admin->ctx, text.sink(), &f.error) != SB_OK) return std::nullopt;
  const auto view = nlohmann::json::parse(text.value, nullptr, false);
  if (!view.is_object()) return std::nullopt;
  const auto providers = view.value("providers", nlohmann::json::object());
  const auto ready = [&](const char *kind) {
    return providers.contains(kind) && providers[kind].is_string() && providers[kind] != "unhealthy";
  };
  ChainHealth h;
  h.stt = ready("stt");
  h.llm = ready("llm");
  h.tts = ready("tts");
  h.status = view.value("status", "unhealthy");
  h.active_sessions = view.value("active_sessions", std::size_t{0});
  return h;
}

}  // namespace switchboard::server
