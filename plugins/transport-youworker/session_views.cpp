#include "session_views.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/session_turn.hpp"

namespace youworker {

namespace server = switchboard::server;

std::optional<nlohmann::json> view_of(const sb_sessions_ext &s, const std::string &id) {
  server::SinkText text;
  server::ExtError f;
  if (s.get(s.ctx, id.c_str(), text.sink(), &f.error) != SB_OK) return std::nullopt;
  auto view = nlohmann::json::parse(text.value, nullptr, false);
  return view.is_object() ? std::optional(std::move(view)) : std::nullopt;
}

std::optional<std::vector<nlohmann::json>> visible_sessions(const sb_sessions_ext &s, const server::Identity &who) {
  server::SinkText text;
  server::ExtError f;
  if (s.list(s.ctx, text.sink(), &f.error) != SB_OK) return std::nullopt;
  auto all = nlohmann::json::parse(text.value, nullptr, false).value("sessions", nlohmann::json::array());
  std::vector<nlohmann::json> mine;
  for (auto &one : all) {
    if (server::may_see(who, one.value("owner", ""))) mine.push_back(std::move(one));
  }
  // ISO 8601 times sort as text.
  std::sort(mine.begin(), mine.end(), [](const nlohmann::json &a, const nlohmann::json &b) {
    const std::string la = a.value("last_activity", ""), lb = b.value("last_activity", "");
    return la != lb ? la > lb : a.value("session_id", "") < b.value("session_id", "");
  });
  return mine;
}

std::optional<double> parse_iso8601(const std::string &text, bool end_of_day) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  if (text.size() == 10) {
    return static_cast<double>(timegm(&tm)) + (end_of_day ? 86400 - 0.001 : 0);
  }
  std::size_t at = 10;
  if (text[at] != 'T' && text[at] != ' ') return std::nullopt;
  double seconds = 0;
  int n = 0;
  if (std::sscanf(text.c_str() + at + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5) return std::nullopt;
  at += 1 + static_cast<std::size_t>(n);
  if (at < text.size() && text[at] == ':') {
    int k = 0;
    if (std::sscanf(text.c_str() + at + 1, "%lf%n", &seconds, &k) != 1 || seconds < 0 || seconds >= 61) {
      return std::nullopt;
    }
    at += 1 + static_cast<std::size_t>(k);
  }
  if (h > 23 || mi > 59) return std::nullopt;
  double offset = 0;
  if (at < text.size()) {
    if (text[at] == 'Z' && at + 1 == text.size()) {
    } else if ((text[at] == '+' || text[at] == '-') && text.size() - at == 6 && text[at + 3] == ':') {
      int oh = 0, om = 0;
      if (std::sscanf(text.c_str() + at + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
      offset = (text[at] == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
    } else {
      return std::nullopt;
    }
  }
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<double>(timegm(&tm)) + seconds - offset;
}

}  // namespace youworker
