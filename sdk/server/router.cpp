#include "switchboard/server/router.hpp"

#include <stdexcept>

namespace switchboard::server {

namespace {

std::vector<std::string> pattern_of(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto slash = text.find('/');
    const auto part = text.substr(0, slash);
    if (!part.empty()) out.emplace_back(part);
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return out;
}

bool is_param(const std::string &segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// How well a pattern fits the segments: -1 when it does not; otherwise a
// number that is higher the more of the leftmost segments are literals.
long fit(const std::vector<std::string> &pattern, const std::vector<std::string> &segments) {
  if (pattern.size() != segments.size()) return -1;
  long score = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    score <<= 1;
    if (is_param(pattern[i])) continue;
    if (pattern[i] != segments[i]) return -1;
    score |= 1;
  }
  return score;
}

}  // namespace

const std::string &Call::param(std::string_view name) const {
  static const std::string none;
  for (const auto &[k, v] : params) {
    if (k == name) return v;
  }
  return none;
}

Router &Router::add(std::string method, std::string_view pattern, Access access, Handler handler,
                    RouteOptions options) {
  return insert({std::move(method), pattern_of(pattern), access, options, std::move(handler), {}});
}

Router &Router::add_upgrade(std::string_view pattern, Access access, UpgradeHandler handler, RouteOptions options) {
  options.url_credentials = true;
  return insert({"GET", pattern_of(pattern), access, options, {}, std::move(handler)});
}

// Whether two patterns match the same paths ({a} and {b} alike).
static bool same_shape(const std::vector<std::string> &a, const std::vector<std::string> &b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (is_param(a[i]) != is_param(b[i]) || (!is_param(a[i]) && a[i] != b[i])) return false;
  }
  return true;
}

Router &Router::insert(Route route) {
  for (const auto &r : routes_) {
    if (r.method == route.method && same_shape(r.pattern, route.pattern) &&
        static_cast<bool>(r.upgrade) == static_cast<bool>(route.upgrade)) {
      throw std::logic_error("a route is declared twice");
    }
  }
  routes_.push_back(std::move(route));
  return *this;
}

Router::Match Router::match(std::string_view method, const std::vector<std::string> &segments, bool upgrade) const {
  Match m;
  long best = -1;
  long best_any_method = -1;
  for (const auto &r : routes_) {
    if (static_cast<bool>(r.upgrade) != upgrade) continue;
    const long f = fit(r.pattern, segments);
    if (f < 0) continue;
    best_any_method = std::max(best_any_method, f);
    if (r.method == method && f > best) {
      best = f;
      m.route = &r;
    }
  }
  // A more literal path with other methods shadows a parameter route:
  // DELETE /sessions/cleanup is not DELETE /sessions/{id}.
  if (m.route != nullptr && best < best_any_method) m.route = nullptr;
  // The path's methods: for a 405, a preflight, or a Allow header.
  for (const auto &r : routes_) {
    if (static_cast<bool>(r.upgrade) != upgrade || (m.route != nullptr && r.method != method) ||
        fit(r.pattern, segments) != best_any_method || best_any_method < 0) {
      continue;
    }
    if (m.allow.find(r.method) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + r.method;
  }
  if (m.route == nullptr) {
    m.status = best_any_method < 0 ? 404 : 405;
    return m;
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto &p = m.route->pattern[i];
    if (is_param(p)) m.params.emplace_back(p.substr(1, p.size() - 2), segments[i]);
  }
  return m;
}

}  // namespace switchboard::server
