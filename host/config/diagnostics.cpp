#include "config/diagnostics.hpp"

#include <algorithm>
#include <tuple>

namespace switchboard::config {

std::string format(const Diagnostic &d) {
  std::string out = d.file;
  if (d.at.line > 0) {
    out.append(":").append(std::to_string(d.at.line)).append(":").append(std::to_string(d.at.column));
  }
  out.append(": ").append(d.message);
  return out;
}

void Diagnostics::add(std::string file, Position at, std::string message) {
  items_.push_back({std::move(file), at, std::move(message)});
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  auto out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic &a, const Diagnostic &b) {
    return std::tie(a.file, a.at.line, a.at.column) < std::tie(b.file, b.at.line, b.at.column);
  });
  return out;
}

void Diagnostics::print(std::ostream &out) const {
  for (const auto &d : sorted()) {
    out << format(d) << '\n';
  }
}

}  // namespace switchboard::config
