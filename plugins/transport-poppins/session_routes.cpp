// GET /session/{id}/stats, POST /session/{id}/clear, DELETE /session/{id},
// GET /sessions: the host's one conversation store, so these are the
// sessions every API sees. A session of another subject is not found.
#include "chat_routes.hpp"
#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/session_turn.hpp"

namespace poppins {

namespace server = switchboard::server;
using server::Access;
using server::Call;
using server::Response;

namespace {

// The session's view, when it exists and the caller may see it.
std::optional<nlohmann::json> visible(const sb_sessions_ext &sessions, const Call &c, const std::string &id) {
  if (!server::valid_session_id(id)) return std::nullopt;
  server::SinkText text;
  server::ExtError failure;
  if (sessions.get(sessions.ctx, id.c_str(), text.sink(), &failure.error) != SB_OK) return std::nullopt;
  auto view = nlohmann::json::parse(text.value, nullptr, false);
  if (!view.is_object() || !server::may_see(c.who, view.value("owner", ""))) return std::nullopt;
  return view;
}

// An empty session under the same id and owner (the store has no "forget
// the history" of its own: remove, then attach and go).
void recreate(const sb_sessions_ext &sessions, const Call &c, const std::string &id) {
  server::ExtError failure;
  sessions.remove(sessions.ctx, id.c_str(), &failure.error);
  server::TurnHandlers none;
  std::string error;
  if (auto turn = server::SessionTurn::open(sessions, id, c.who, none, error)) turn->cancel();
}

}  // namespace

void add_session_routes(server::Router &router, const sb_sessions_ext &sessions) {
  router.add("GET", "/session/{session_id}/stats", Access::user, [&sessions](const Call &c) {
    const std::string &id = c.param("session_id");
    const auto view = visible(sessions, c, id);
    if (!view) return detail(404, "Session not found");
    const auto stats = view->value("stats", nlohmann::json::object());
    return Response{200,
                    "application/json",
                    nlohmann::json{{"session_id", id},
                                   {"total_messages", stats.value("messages", 0)},
                                   {"conversation_pairs", stats.value("pairs", 0)},
                                   {"user_messages", stats.value("user_messages", 0)},
                                   {"assistant_messages", stats.value("assistant_messages", 0)}}
                        .dump(),
                    {}};
  });
  router.add(
      "POST", "/session/{session_id}/clear", Access::user,
      [&sessions](const Call &c) {
        const std::string &id = c.param("session_id");
        if (!visible(sessions, c, id)) return detail(404, "Session not found");
        recreate(sessions, c, id);
        return Response{
            200, "application/json", nlohmann::json{{"message", "Session " + id + " conversation cleared"}}.dump(), {}};
      },
      {.changes_state = true});
  router.add(
      "DELETE", "/session/{session_id}", Access::user,
      [&sessions](const Call &c) {
        const std::string &id = c.param("session_id");
        // As documented, 200 whether or not it existed; another's stays.
        if (visible(sessions, c, id)) {
          server::ExtError failure;
          sessions.remove(sessions.ctx, id.c_str(), &failure.error);
        }
        return Response{200, "application/json", nlohmann::json{{"message", "Session " + id + " deleted"}}.dump(), {}};
      },
      {.changes_state = true});
  router.add("GET", "/sessions", Access::user, [&sessions](const Call &c) {
    server::SinkText text;
    server::ExtError failure;
    if (sessions.list(sessions.ctx, text.sink(), &failure.error) != SB_OK) return detail(500, failure.message());
    const auto all = nlohmann::json::parse(text.value, nullptr, false);
    nlohmann::json ids = nlohmann::json::array();
    if (all.is_object()) {
      for (const auto &s : all.value("sessions", nlohmann::json::array())) {
        if (server::may_see(c.who, s.value("owner", ""))) ids.push_back(s.value("session_id", ""));
      }
    }
    return Response{
        200, "application/json", nlohmann::json{{"active_sessions", ids}, {"total_sessions", ids.size()}}.dump(), {}};
  });
}

}  // namespace poppins
