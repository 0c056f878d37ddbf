#include "switchboard/http/status_map.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

namespace switchboard::http {

sdk::Status status_for_http(int code) noexcept {
  if (code == 408 || code == 429 || code >= 500) return sdk::Status::retryable;
  if (code == 400 || code == 413 || code == 415 || code == 422) return sdk::Status::invalid_input;
  return sdk::Status::fatal;
}

namespace {

std::string text_of(const nlohmann::json &v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object()) {
    for (const char *key : {"message", "msg", "detail", "error"}) {
      if (const auto it = v.find(key); it != v.end()) {
        if (auto t = text_of(*it); !t.empty()) return t;
      }
    }
  }
  if (v.is_array() && !v.empty()) return text_of(v.front());
  return {};
}

std::string_view reason(int code) {
  switch (code) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace

std::string provider_message(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_discarded()) {
    for (const char *key : {"error", "message", "detail", "err_msg", "title"}) {
      if (json.is_object()) {
        if (const auto it = json.find(key); it != json.end()) {
          if (auto t = text_of(*it); !t.empty()) return t;
        }
      }
    }
  }
  std::string text(body.substr(0, 200));
  for (char &c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::uint32_t retry_after_ms(std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (value.empty()) return 0;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    if (value.size() > 6) return 3'600'000;  // absurd: cap at an hour
    return static_cast<std::uint32_t>(std::stoul(std::string(value)) * 1000);
  }
  std::tm tm{};
  const std::string text(value);
  if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return 0;
  const auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return 0;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when - now).count();
  return static_cast<std::uint32_t>(std::min<long long>(ms, 3'600'000));
}

sdk::Outcome outcome_for_response(int code, std::string_view body, std::string_view retry_after) {
  std::string message = "HTTP " + std::to_string(code);
  if (const auto r = reason(code); !r.empty()) message.append(" ").append(r);
  if (const auto said = provider_message(body); !said.empty()) message.append(": ").append(said);
  return {status_for_http(code), std::move(message), retry_after_ms(retry_after)};
}

std::string scrub(std::string text, const std::vector<std::string> &secrets) {
  for (const auto &secret : secrets) {
    if (secret.size() < 4) continue;  // too short to be a key; would mangle the text
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace switchboard::http
