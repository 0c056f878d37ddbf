// The text of what a client ingests: plain text and Markdown as they are
// (UTF-8), PDF page by page (poppler), HTML without its markup.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/sdk/utf8.hpp"

namespace youworker {

struct Extracted {
  std::string type;                // "text", "markdown", "pdf" or "web"
  std::vector<std::string> pages;  // one for text
};

// The kind of a file by its name, else its Content-Type: "text",
// "markdown", "pdf", or "" when it is none of them.
std::string kind_of(std::string_view filename, std::string_view content_type);

// The text of `data` of that kind; nullopt with the reason when it cannot
// be read (not UTF-8, a damaged or locked PDF).
std::optional<Extracted> extract(const std::string &kind, const std::string &data, std::string &error);

// An HTML page's text: scripts, styles and tags out, common entities decoded.
std::string html_text(std::string_view html);

using switchboard::sdk::valid_utf8;

}  // namespace youworker
