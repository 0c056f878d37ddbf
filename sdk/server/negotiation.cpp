#include "switchboard/server/negotiation.hpp"

#include <cstdlib>

#include "ascii.hpp"

namespace switchboard::server {

using ascii::iequals;
using ascii::trim;

namespace {

// How specifically `range` names `type`: 3 exactly, 2 "type/*", 1 "*/*", 0 not.
int specificity(std::string_view range, std::string_view type) {
  if (range == "*/*") return 1;
  const auto slash = range.find('/');
  if (slash != std::string_view::npos && range.substr(slash + 1) == "*") {
    return iequals(range.substr(0, slash), type.substr(0, type.find('/'))) ? 2 : 0;
  }
  return iequals(range, type) ? 3 : 0;
}

}  // namespace

std::string preferred_type(std::string_view accept, const std::vector<std::string> &offered) {
  if (offered.empty()) return {};
  if (trim(accept).empty()) return offered.front();
  std::string best;
  double best_q = 0;
  for (const auto &type : offered) {
    // The q of the most specific range that names this type.
    int spec = 0;
    double q = 0;
    std::string_view rest = accept;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const auto semi = item.find(';');
      const std::string_view range = trim(item.substr(0, semi));
      double item_q = 1;
      for (std::string_view params = semi == std::string_view::npos ? "" : item.substr(semi + 1); !params.empty();) {
        const auto next = params.find(';');
        const auto p = trim(params.substr(0, next));
        if (p.size() > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
          item_q = std::strtod(std::string(p.substr(2)).c_str(), nullptr);
        }
        params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
      }
      const int s = specificity(range, type);
      if (s > spec) {
        spec = s;
        q = item_q;
      }
    }
    if (q > best_q) {
      best_q = q;
      best = type;
    }
  }
  return best;
}

}  // namespace switchboard::server
