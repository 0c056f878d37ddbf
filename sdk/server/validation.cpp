#include "switchboard/server/validation.hpp"

namespace switchboard::server {

Response json_response(int status, const nlohmann::json &body) {
  return {status, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

Response detail_response(int status, const std::string &message) {
  return json_response(status, {{"detail", message}});
}

Response validation_error(const std::vector<std::string> &loc, const std::string &msg, const std::string &type) {
  nlohmann::json where = loc;
  return {422,
          "application/json",
          nlohmann::json{{"detail", nlohmann::json::array({{{"loc", where}, {"msg", msg}, {"type", type}}})}}.dump(
              -1, ' ', false, nlohmann::json::error_handler_t::replace),
          {}};
}

BodyFields::BodyFields(const std::string &body) : body_(nlohmann::json::parse(body, nullptr, false)) {
  if (body_.is_discarded()) {
    problems_.push_back(
        {{"loc", {"body", 0}}, {"msg", "the body is not valid JSON"}, {"type", "value_error.jsondecode"}});
    body_ = nlohmann::json::object();
  } else if (!body_.is_object()) {
    problems_.push_back({{"loc", {"body"}}, {"msg", "value is not a valid dict"}, {"type", "type_error.dict"}});
    body_ = nlohmann::json::object();
  }
}

Response BodyFields::refusal() const {
  return {422,
          "application/json",
          nlohmann::json{{"detail", problems_}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          {}};
}

void BodyFields::problem(const std::string &field, const std::string &msg, const std::string &type) {
  nlohmann::json loc = {"body"};
  if (!field.empty()) loc.push_back(field);
  problems_.push_back({{"loc", loc}, {"msg", msg}, {"type", type}});
}

const nlohmann::json *BodyFields::find(const std::string &name, bool required) {
  const auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) {
    if (required) problem(name, "field required", "value_error.missing");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> BodyFields::string(const std::string &name, bool required) {
  const auto *v = find(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    problem(name, "str type expected", "type_error.str");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<bool> BodyFields::boolean(const std::string &name) {
  const auto *v = find(name, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    problem(name, "value could not be parsed to a boolean", "type_error.bool");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::int64_t> BodyFields::integer(const std::string &name, std::int64_t at_least, std::int64_t at_most) {
  const auto *v = find(name, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    problem(name, "value is not a valid integer", "type_error.integer");
    return std::nullopt;
  }
  const auto n = v->get<std::int64_t>();
  if (n < at_least) {
    problem(name, "ensure this value is greater than or equal to " + std::to_string(at_least),
            "value_error.number.not_ge");
    return std::nullopt;
  }
  if (n > at_most) {
    problem(name, "ensure this value is less than or equal to " + std::to_string(at_most), "value_error.number.not_le");
    return std::nullopt;
  }
  return n;
}

std::optional<nlohmann::json> BodyFields::list(const std::string &name) {
  const auto *v = find(name, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) {
    problem(name, "value is not a valid list", "type_error.list");
    return std::nullopt;
  }
  return *v;
}

std::optional<nlohmann::json> BodyFields::object(const std::string &name) {
  const auto *v = find(name, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) {
    problem(name, "value is not a valid dict", "type_error.dict");
    return std::nullopt;
  }
  return *v;
}

}  // namespace switchboard::server
