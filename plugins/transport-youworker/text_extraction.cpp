#include "text_extraction.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <utility>

#include <poppler-document.h>
#include <poppler-page.h>

namespace youworker {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ends_with(const std::string &s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string kind_of(std::string_view filename, std::string_view content_type) {
  const std::string name = lower(filename);
  if (ends_with(name, ".txt") || ends_with(name, ".text")) return "text";
  if (ends_with(name, ".md") || ends_with(name, ".markdown")) return "markdown";
  if (ends_with(name, ".pdf")) return "pdf";
  const std::string type = lower(content_type.substr(0, content_type.find(';')));
  if (type == "text/plain") return "text";
  if (type == "text/markdown" || type == "text/x-markdown") return "markdown";
  if (type == "application/pdf") return "pdf";
  return "";
}

std::optional<Extracted> extract(const std::string &kind, const std::string &data, std::string &error) {
  if (kind == "pdf") {
    std::unique_ptr<poppler::document> pdf(
        poppler::document::load_from_raw_data(data.data(), static_cast<int>(data.size())));
    if (!pdf) {
      error = "the PDF cannot be read";
      return std::nullopt;
    }
    if (pdf->is_locked()) {
      error = "the PDF is encrypted";
      return std::nullopt;
    }
    Extracted out{"pdf", {}};
    for (int i = 0; i < pdf->pages(); ++i) {
      std::unique_ptr<poppler::page> page(pdf->create_page(i));
      if (!page) continue;
      const auto bytes = page->text().to_utf8();
      out.pages.emplace_back(bytes.begin(), bytes.end());
    }
    return out;
  }
  std::string_view text = data;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a byte order mark
  if (!valid_utf8(text)) {
    error = "the file is not UTF-8 text";
    return std::nullopt;
  }
  return Extracted{kind, {std::string(text)}};
}

std::string html_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  const std::string low = lower(html);
  while (i < html.size()) {
    if (html[i] == '<') {
      for (const char *skip : {"<script", "<style"}) {
        if (low.compare(i, std::string_view(skip).size(), skip) == 0) {
          const std::string close = std::string("</") + (skip + 1);
          const auto end = low.find(close, i);
          i = end == std::string::npos ? html.size() : end;
          break;
        }
      }
      const auto end = html.find('>', i);
      if (end == std::string_view::npos) break;
      out += ' ';
      i = end + 1;
      continue;
    }
    if (html[i] == '&') {
      static constexpr std::array<std::pair<std::string_view, char>, 6> kEntities = {
          {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&nbsp;", ' '}}};
      bool decoded = false;
      for (const auto &[entity, c] : kEntities) {
        if (html.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size();
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out += html[i++];
  }
  return out;
}

}  // namespace youworker
