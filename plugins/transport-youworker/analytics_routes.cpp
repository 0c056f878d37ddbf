#include "analytics_routes.hpp"

#include <cmath>
#include <map>
#include <set>

#include "errors.hpp"
#include "session_views.hpp"
#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/validation.hpp"

namespace youworker {

namespace server = switchboard::server;
using server::Access;
using server::Call;
using server::Response;

namespace {

struct Period {
  double from = 0;
  double to = 0;
};

// start_date and end_date, or the framework's 422 for one that is not a date.
std::optional<Period> period_of(const Call &c, Response &refusal) {
  Period p{0, now_seconds()};
  for (const auto &[name, end] : {std::pair{"start_date", false}, std::pair{"end_date", true}}) {
    const auto it = c.request.query.find(name);
    if (it == c.request.query.end()) continue;
    const auto t = parse_iso8601(it->second, end);
    if (!t) {
      refusal = server::validation_error({"query", name}, "invalid datetime format", "value_error.datetime");
      return std::nullopt;
    }
    (end ? p.to : p.from) = *t;
  }
  return p;
}

double round_to(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

std::string day_of(double seconds) {
  return iso8601(seconds).substr(0, 10);
}

// A session the caller may see that began in the period, with its numbers.
struct SessionFacts {
  double created = 0;
  double last = 0;
  std::size_t messages = 0;
};

std::optional<std::vector<SessionFacts>> sessions_in(const AnalyticsContext &ctx, const Call &c, const Period &p) {
  const auto visible = visible_sessions(ctx.sessions, c.who);
  if (!visible) return std::nullopt;
  std::vector<SessionFacts> out;
  for (const auto &s : *visible) {
    const auto created = parse_iso8601(s.value("created_at", ""));
    if (!created || *created < p.from || *created > p.to) continue;
    const auto view = view_of(ctx.sessions, s.value("session_id", ""));
    out.push_back({*created, parse_iso8601(s.value("last_activity", "")).value_or(*created),
                   view ? view->value("history", nlohmann::json::array()).size() : 0});
  }
  return out;
}

nlohmann::json documents_stats(const AnalyticsContext &ctx) {
  nlohmann::json empty = {{"total_documents", 0},
                          {"total_chunks", 0},
                          {"by_type", nlohmann::json::object()},
                          {"by_collection", nlohmann::json::object()}};
  if (ctx.documents == nullptr) return empty;
  server::SinkText text;
  server::ExtError f;
  if (ctx.documents->stats(ctx.documents->ctx, text.sink(), &f.error) != SB_OK) return empty;
  const auto stats = nlohmann::json::parse(text.value, nullptr, false);
  return stats.is_object() ? stats : empty;
}

Response overview(const AnalyticsContext &ctx, const Call &c) {
  Response refusal;
  const auto p = period_of(c, refusal);
  if (!p) return refusal;
  const auto sessions = sessions_in(ctx, c, *p);
  if (!sessions) return error_body(500, "Internal server error");
  std::size_t messages = 0;
  double first = p->to;
  for (const auto &s : *sessions) {
    messages += s.messages;
    first = std::min(first, s.created);
  }
  std::uint64_t tokens = 0;
  std::set<std::string> users;
  for (const auto &t : ctx.ledger.turns(c.who, p->from, p->to)) {
    tokens += t.input_tokens + t.output_tokens;
    users.insert(t.subject);
    first = std::min(first, t.at);
  }
  return server::json_response(
      200, {{"total_sessions", sessions->size()},
            {"total_messages", messages},
            {"total_tokens", tokens},
            {"total_tool_calls", ctx.ledger.tools(c.who, p->from, p->to).size()},
            {"active_users", users.size()},
            {"period", {{"start", iso8601(p->from > 0 ? p->from : first)}, {"end", iso8601(p->to)}}}});
}

Response tokens(const AnalyticsContext &ctx, const Call &c) {
  Response refusal;
  const auto p = period_of(c, refusal);
  if (!p) return refusal;
  nlohmann::json by_model = nlohmann::json::object();
  std::map<std::string, std::uint64_t> by_day;
  for (const auto &t : ctx.ledger.turns(c.who, p->from, p->to)) {
    auto &m = by_model[t.model.empty() ? "unknown" : t.model];
    if (m.is_null()) m = {{"input_tokens", 0ULL}, {"output_tokens", 0ULL}, {"total_tokens", 0ULL}};
    m["input_tokens"] = m["input_tokens"].get<std::uint64_t>() + t.input_tokens;
    m["output_tokens"] = m["output_tokens"].get<std::uint64_t>() + t.output_tokens;
    m["total_tokens"] = m["total_tokens"].get<std::uint64_t>() + t.input_tokens + t.output_tokens;
    by_day[day_of(t.at)] += t.input_tokens + t.output_tokens;
  }
  nlohmann::json days = nlohmann::json::array();
  for (const auto &[day, n] : by_day) days.push_back({{"date", day}, {"tokens", n}});
  return server::json_response(200, {{"by_model", by_model}, {"by_day", days}});
}

Response tools(const AnalyticsContext &ctx, const Call &c) {
  Response refusal;
  const auto p = period_of(c, refusal);
  if (!p) return refusal;
  struct Sum {
    std::size_t calls = 0, ok = 0;
    double latency = 0;
  };
  std::map<std::string, Sum> by_tool;
  for (const auto &t : ctx.ledger.tools(c.who, p->from, p->to)) {
    auto &s = by_tool[t.tool];
    ++s.calls;
    s.ok += t.ok ? 1 : 0;
    s.latency += t.latency_ms;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto &[name, s] : by_tool) {
    out.push_back({{"name", name},
                   {"calls", s.calls},
                   {"success_rate", round_to(static_cast<double>(s.ok) / s.calls, 4)},
                   {"avg_latency_ms", std::llround(s.latency / s.calls)}});
  }
  return server::json_response(200, {{"tools", out}});
}

Response sessions(const AnalyticsContext &ctx, const Call &c) {
  Response refusal;
  const auto p = period_of(c, refusal);
  if (!p) return refusal;
  const auto all = sessions_in(ctx, c, *p);
  if (!all) return error_body(500, "Internal server error");
  std::size_t messages = 0;
  double minutes = 0;
  std::map<std::string, std::pair<std::size_t, std::size_t>> by_date;
  for (const auto &s : *all) {
    messages += s.messages;
    minutes += (s.last - s.created) / 60;
    auto &d = by_date[day_of(s.created)];
    ++d.first;
    d.second += s.messages;
  }
  const double n = static_cast<double>(all->size());
  nlohmann::json days = nlohmann::json::array();
  for (const auto &[day, d] : by_date) days.push_back({{"date", day}, {"sessions", d.first}, {"messages", d.second}});
  return server::json_response(200, {{"total_sessions", all->size()},
                                     {"avg_messages_per_session", n > 0 ? round_to(messages / n, 1) : 0.0},
                                     {"avg_duration_minutes", n > 0 ? round_to(minutes / n, 1) : 0.0},
                                     {"by_date", days}});
}

}  // namespace

void add_analytics_routes(server::Router &router, const AnalyticsContext &context) {
  const AnalyticsContext *ctx = &context;
  const server::RouteOptions documented{.url_credentials = true};
  router.add(
      "GET", "/v1/analytics/overview", Access::user, [ctx](const Call &c) { return overview(*ctx, c); }, documented);
  router.add(
      "GET", "/v1/analytics/tokens", Access::user, [ctx](const Call &c) { return tokens(*ctx, c); }, documented);
  router.add(
      "GET", "/v1/analytics/tools", Access::user, [ctx](const Call &c) { return tools(*ctx, c); }, documented);
  router.add(
      "GET", "/v1/analytics/sessions", Access::user, [ctx](const Call &c) { return sessions(*ctx, c); }, documented);
  router.add(
      "GET", "/v1/analytics/ingestion", Access::user,
      [ctx](const Call &) {
        auto stats = documents_stats(*ctx);
        return server::json_response(200, {{"total_documents", stats["total_documents"]},
                                           {"total_chunks", stats["total_chunks"]},
                                           {"by_type", stats["by_type"]},
                                           {"by_collection", stats["by_collection"]}});
      },
      documented);
}

}  // namespace youworker
