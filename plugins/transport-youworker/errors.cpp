#include "errors.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

namespace youworker {

std::string iso8601(double seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return out;
}

switchboard::server::Response error_body(int status, const std::string &message) {
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return {status,
          "application/json",
          nlohmann::json{{"detail", message}, {"status_code", status}, {"timestamp", iso8601(now)}}.dump(
              -1, ' ', false, nlohmann::json::error_handler_t::replace),
          {}};
}

}  // namespace youworker
