// How HTTP failures become plugin statuses: one table for every provider.
//
//   408, 429, 5xx, connection errors, timeouts, truncated bodies -> retryable
//   400, 413, 415, 422 (the request's own fault)                  -> invalid_input
//   401, 403, 404 and other 4xx (credentials, model, endpoint)    -> fatal
//
// Retry-After (seconds or an HTTP date) rides along on the outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/sdk/status.hpp"

namespace switchboard::http {

// The status an HTTP error code maps to.
sdk::Status status_for_http(int code) noexcept;

// The provider's own message from an error body: error.message, error,
// message, detail(.message), err_msg; else the body's start.
std::string provider_message(std::string_view body);

// Milliseconds from a Retry-After value (delta seconds or HTTP date, read
// against `now`), or 0 when absent or unreadable.
std::uint32_t retry_after_ms(std::string_view value,
                             std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The outcome of an HTTP error response.
sdk::Outcome outcome_for_response(int code, std::string_view body, std::string_view retry_after);

// Replaces every occurrence of each secret in text with "***".
std::string scrub(std::string text, const std::vector<std::string> &secrets);

}  // namespace switchboard::http
