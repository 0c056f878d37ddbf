// multipart/form-data bodies (RFC 7578), as browsers, curl -F and Python
// requests send them: the parts with their names, file names, types and
// bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::server {

struct FormPart {
  std::string name;
  std::string filename;      // "" for a plain field
  std::string content_type;  // "" when the part names none
  std::string data;
};

// The parts of `body` given its Content-Type header; nullopt, with the
// reason, when it is not multipart/form-data or is malformed.
std::optional<std::vector<FormPart>> parse_form(std::string_view content_type, std::string_view body,
                                                std::string &error);

// The first part named `name`, or null.
const FormPart *form_part(const std::vector<FormPart> &parts, std::string_view name);

}  // namespace switchboard::server
