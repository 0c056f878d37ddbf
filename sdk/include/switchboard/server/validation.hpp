// A JSON request body checked field by field as the published APIs'
// framework (FastAPI, Pydantic v1) checks one, so that their clients get
// the refusals they already handle: 422 {"detail": [{"loc": ["body",
// field], "msg": ..., "type": ...}]}, one entry per field at fault.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/server/server.hpp"

namespace switchboard::server {

// A JSON body with this status (invalid UTF-8 replaced).
Response json_response(int status, const nlohmann::json &body);
// The framework's plain error body: {"detail": message}.
Response detail_response(int status, const std::string &message);

// One refusal in that shape.
Response validation_error(const std::vector<std::string> &loc, const std::string &msg, const std::string &type);

class BodyFields {
 public:
  // Parses `body`; what is not a JSON object is the first problem.
  explicit BodyFields(const std::string &body);

  bool ok() const noexcept { return problems_.empty(); }
  // 422 with every problem found.
  Response refusal() const;
  const nlohmann::json &json() const noexcept { return body_; }

  // A field's value, or nullopt (absent or null, or of the wrong type: then
  // a problem is noted; absent and `required`: "field required").
  std::optional<std::string> string(const std::string &name, bool required = false);
  std::optional<bool> boolean(const std::string &name);
  std::optional<std::int64_t> integer(const std::string &name, std::int64_t at_least, std::int64_t at_most);
  // An array (of anything), or nullopt.
  std::optional<nlohmann::json> list(const std::string &name);
  // An object (a dict), or nullopt.
  std::optional<nlohmann::json> object(const std::string &name);
  // A problem of the caller's own (a rule across fields).
  void problem(const std::string &field, const std::string &msg, const std::string &type);

 private:
  const nlohmann::json *find(const std::string &name, bool required);
  nlohmann::json body_;
  nlohmann::json problems_ = nlohmann::json::array();
};

}  // namespace switchboard::server
