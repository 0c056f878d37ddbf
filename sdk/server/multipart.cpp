#include "switchboard/server/multipart.hpp"

#include "ascii.hpp"

namespace switchboard::server {
namespace {

// The value of `key` in a header's parameters (`; key="value"` or `; key=value`).
std::string parameter(std::string_view header, std::string_view key) {
  std::size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    ++at;
    while (at < header.size() && header[at] == ' ') ++at;
    const auto eq = header.find('=', at);
    if (eq == std::string_view::npos) return {};
    if (ascii::iequals(header.substr(at, eq - at), key)) {
      std::string_view v = header.substr(eq + 1);
      if (!v.empty() && v.front() == '"') {
        const auto end = v.find('"', 1);
        return std::string(v.substr(1, end == std::string_view::npos ? v.size() - 1 : end - 1));
      }
      return std::string(v.substr(0, v.find(';')));
    }
  }
  return {};
}

}  // namespace

std::optional<std::vector<FormPart>> parse_form(std::string_view content_type, std::string_view body,
                                                std::string &error) {
  if (!ascii::iequals(content_type.substr(0, content_type.find(';')), "multipart/form-data")) {
    error = "the body must be multipart/form-data";
    return std::nullopt;
  }
  const std::string boundary = parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) {
    error = "the multipart body has no boundary";
    return std::nullopt;
  }
  const std::string delimiter = "--" + boundary;
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) {
    error = "the multipart body has no parts";
    return std::nullopt;
  }
  std::vector<FormPart> parts;
  while (true) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") break;
    at += 2;
    const auto head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) break;
    FormPart part;
    std::string_view head = body.substr(at, head_end - at);
    while (!head.empty()) {
      const auto eol = head.find("\r\n");
      const std::string_view line = head.substr(0, eol);
      const auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        const std::string_view name = line.substr(0, colon);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (ascii::iequals(name, "content-disposition")) {
          part.name = parameter(value, "name");
          part.filename = parameter(value, "filename");
        } else if (ascii::iequals(name, "content-type")) {
          part.content_type = std::string(value);
        }
      }
      if (eol == std::string_view::npos) break;
      head.remove_prefix(eol + 2);
    }
    const auto data_start = head_end + 4;
    const auto next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) break;
    part.data = std::string(body.substr(data_start, next - data_start));
    parts.push_back(std::move(part));
    at = next + 2;
  }
  error = "the multipart body is malformed or cut short";
  return std::nullopt;
}

const FormPart *form_part(const std::vector<FormPart> &parts, std::string_view name) {
  for (const auto &p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace switchboard::server
