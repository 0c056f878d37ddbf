#include "session_routes.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "session_views.hpp"
#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/session_turn.hpp"
#include "switchboard/server/validation.hpp"

namespace youworker {

namespace server = switchboard::server;
using server::Access;
using server::Call;
using server::Response;

namespace {

using server::json_response;

// A query parameter as an integer within [at_least, at_most]; nullopt and a
// 422 in the framework's shape otherwise.
std::optional<std::int64_t> query_int(const Call &c, const std::string &name, std::int64_t fallback,
                                      std::int64_t at_least, std::int64_t at_most, Response &refusal) {
  const auto it = c.request.query.find(name);
  if (it == c.request.query.end()) return fallback;
  std::int64_t v = 0;
  const auto *end = it->second.data() + it->second.size();
  if (std::from_chars(it->second.data(), end, v).ptr != end || it->second.empty()) {
    return refusal = server::validation_error({"query", name}, "value is not a valid integer", "type_error.integer"),
           std::nullopt;
  }
  if (v < at_least) {
    return refusal = server::validation_error(
               {"query", name}, "ensure this value is greater than or equal to " + std::to_string(at_least),
               "value_error.number.not_ge"),
           std::nullopt;
  }
  if (v > at_most) {
    return refusal = server::validation_error({"query", name},
                                              "ensure this value is less than or equal to " + std::to_string(at_most),
                                              "value_error.number.not_le"),
           std::nullopt;
  }
  return v;
}

}  // namespace

void add_session_routes(server::Router &router, const sb_sessions_ext &sessions) {
  const sb_sessions_ext *s = &sessions;
  const server::RouteOptions documented{.url_credentials = true};
  router.add(
      "GET", "/v1/sessions", Access::user,
      [s](const Call &c) {
        Response refusal;
        const auto limit = query_int(c, "limit", 20, 1, 100, refusal);
        if (!limit) return refusal;
        const auto offset = query_int(c, "offset", 0, 0, 1'000'000'000, refusal);
        if (!offset) return refusal;
        const auto visible = visible_sessions(*s, c.who);
        if (!visible) return error_body(500, "Internal server error");
        const auto &mine = *visible;
        nlohmann::json page = nlohmann::json::array();
        for (std::size_t i = static_cast<std::size_t>(*offset);
             i < mine.size() && page.size() < static_cast<std::size_t>(*limit); ++i) {
          const std::string id = mine[i].value("session_id", "");
          const auto view = view_of(*s, id);
          page.push_back({{"id", i + 1},
                          {"external_id", id},
                          {"created_at", mine[i].value("created_at", "")},
                          {"message_count", view ? view->value("history", nlohmann::json::array()).size() : 0},
                          {"last_activity", mine[i].value("last_activity", "")}});
        }
        return json_response(200, {{"sessions", page}, {"total", mine.size()}, {"limit", *limit}, {"offset", *offset}});
      },
      documented);
  router.add(
      "GET", "/v1/sessions/{session_id}/messages", Access::user,
      [s](const Call &c) {
        const std::string &id = c.param("session_id");
        const auto view = server::valid_session_id(id) ? view_of(*s, id) : std::nullopt;
        if (!view || !server::may_see(c.who, view->value("owner", ""))) return error_body(404, "Session not found");
        nlohmann::json messages = nlohmann::json::array();
        for (const auto &h : view->value("history", nlohmann::json::array())) {
          messages.push_back({{"id", messages.size() + 1},
                              {"role", h.value("role", "")},
                              {"content", h.value("text", "")},
                              {"timestamp", h.value("timestamp", nlohmann::json(nullptr))}});
        }
        return json_response(200, {{"messages", messages}});
      },
      documented);
  router.add("DELETE", "/v1/sessions/{session_id}", Access::user,
             [s](const Call &c) {
               const std::string &id = c.param("session_id");
               const auto view = server::valid_session_id(id) ? view_of(*s, id) : std::nullopt;
               if (!view || !server::may_see(c.who, view->value("owner", "")))
                 return error_body(404, "Session not found");
               const auto count = view->value("history", nlohmann::json::array()).size();
               server::ExtError f;
               if (s->remove(s->ctx, id.c_str(), &f.error) != SB_OK) return error_body(404, "Session not found");
               return json_response(200, {{"status", "success"}, {"deleted_messages", count}});
             },
             {.changes_state = true, .url_credentials = true});
}

}  // namespace youworker
