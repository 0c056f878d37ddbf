#include <charconv>

#include "switchboard/redis/client.hpp"

namespace switchboard::redis {
namespace {

int number(std::string_view text, std::string_view what, std::string_view url, int max) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    throw std::invalid_argument("redis url '" + std::string(url) + "': the " + std::string(what) + " '" +
                                std::string(text) + "' is not a number from 0 to " + std::to_string(max));
  }
  return value;
}

}  // namespace

Options parse_url(std::string_view url, Options base) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme) {
    throw std::invalid_argument("redis url '" + std::string(url) + "' must start with redis://");
  }
  std::string_view rest = url.substr(scheme.size());
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const auto db = rest.substr(slash + 1);
    if (!db.empty()) base.database = number(db, "database", url, 1 << 20);
    rest = rest.substr(0, slash);
  }
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const auto credentials = rest.substr(0, at);
    const auto colon = credentials.find(':');
    if (colon == std::string_view::npos) {
      base.password = std::string(credentials);
    } else {
      base.username = std::string(credentials.substr(0, colon));
      base.password = std::string(credentials.substr(colon + 1));
    }
    rest = rest.substr(at + 1);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    base.port = number(rest.substr(colon + 1), "port", url, 65535);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw std::invalid_argument("redis url '" + std::string(url) + "' names no host");
  base.host = std::string(rest);
  return base;
}

std::string redacted(const Options &o) {
  std::string out = "redis://";
  if (!o.password.empty()) out.append(o.username).append(":***@");
  out.append(o.host).append(1, ':').append(std::to_string(o.port));
  if (o.database != 0) out.append(1, '/').append(std::to_string(o.database));
  return out;
}

}  // namespace switchboard::redis
