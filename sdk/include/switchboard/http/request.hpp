// One HTTP call as a provider plugin describes it, and what it hears back.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/sdk/status.hpp"

namespace switchboard::http {

struct Header {
  std::string name;
  std::string value;
};

// Response headers, names lower-cased.
using Headers = std::vector<Header>;

// The value of a header (case-insensitive name), or empty.
std::string_view find_header(const Headers &headers, std::string_view name);

// One part of a multipart/form-data body: a field, or a file when filename is
// set.
struct Part {
  std::string name;
  std::string data;
  std::string filename;
  std::string content_type;
};

struct Request {
  std::string method = "POST";
  std::string url;
  std::vector<Header> headers;
  std::string body;         // sent as is, with the Content-Type the headers name
  std::vector<Part> parts;  // when not empty: a multipart/form-data body instead
  std::chrono::milliseconds connect_timeout{10000};
  // The whole call; zero means no limit here (the host's watchdogs bound it).
  std::chrono::milliseconds timeout{0};
  // TLS peer and host verification. Only for a server the operator trusts
  // on a private network; the default is on.
  bool verify_tls = true;
  // A file of CA certificates to trust instead of the system's, or empty.
  std::string ca_file;
  // Strings (API keys) scrubbed from every message this call reports.
  std::vector<std::string> secrets;
};

// What a call reports, on the client's I/O thread, one at a time.
struct Handlers {
  // The status line and headers of a successful (2xx) response, once, before
  // any data.
  std::function<void(int status, const Headers &headers)> on_head;
  // The next piece of a successful response's body. Returning an outcome
  // ends the call with it (a malformed stream, say).
  std::function<std::optional<sdk::Outcome>(std::string_view data)> on_data;
  // Exactly once, last: ok after the whole body, else why it failed (an HTTP
  // error mapped to a status with the provider's message, a connection error,
  // a timeout, or cancelled).
  std::function<void(const sdk::Outcome &outcome)> on_done;
};

}  // namespace switchboard::http
