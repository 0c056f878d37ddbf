// Status codes and the exception a C++ plugin throws to report one.
#pragma once

#include <cstdint>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "switchboard/abi.h"
#include "switchboard/sdk/utf8.hpp"

namespace switchboard::sdk {

enum class Status {
  ok = SB_OK,
  retryable = SB_RETRYABLE,
  invalid_input = SB_INVALID_INPUT,
  cancelled = SB_CANCELLED,
  fatal = SB_FATAL,
};

inline const char *to_string(Status status) noexcept {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::retryable:
      return "retryable";
    case Status::invalid_input:
      return "invalid_input";
    case Status::cancelled:
      return "cancelled";
    case Status::fatal:
      return "fatal";
  }
  return "unknown";
}

// Throw this from a plugin to fail a call with a chosen status; any other
// exception is reported as Status::fatal.
class Error : public std::runtime_error {
 public:
  Error(Status status, const std::string &message, std::uint32_t retry_after_ms = 0)
      : std::runtime_error(message), status_(status), retry_after_ms_(retry_after_ms) {}

  Status status() const noexcept { return status_; }
  std::uint32_t retry_after_ms() const noexcept { return retry_after_ms_; }

 private:
  Status status_;
  std::uint32_t retry_after_ms_;
};

// A status with its message, as it crosses the boundary.
struct Outcome {
  Status status = Status::ok;
  std::string message;
  std::uint32_t retry_after_ms = 0;

  bool ok() const noexcept { return status == Status::ok; }

  void fill(sb_error *err) const noexcept {
    if (err == nullptr) {
      return;
    }
    err->retry_after_ms = retry_after_ms;
    try {
      // A message may quote a client's bytes: what crosses is UTF-8.
      sb_error_set(err, utf8_or_replaced(message).c_str());
    } catch (...) {
      sb_error_set(err, "out of memory");
    }
  }

  sb_error to_error() const noexcept {
    sb_error err{};
    err.struct_size = sizeof err;
    fill(&err);
    return err;
  }
};

// Turns whatever is in flight into an Outcome. Call only inside a catch block.
inline Outcome outcome_of_current_exception() noexcept {
  try {
    throw;
  } catch (const Error &e) {
    return {e.status(), e.what(), e.retry_after_ms()};
  } catch (const std::bad_alloc &) {
    return {Status::fatal, "out of memory", 0};
  } catch (const std::exception &e) {
    return {Status::fatal, std::string("unhandled exception: ") + e.what(), 0};
  } catch (...) {
    return {Status::fatal, "unhandled exception of unknown type", 0};
  }
}

}  // namespace switchboard::sdk
