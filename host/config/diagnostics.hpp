// Config problems with their place in the file, printed FILE:LINE:COL: message.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace switchboard::config {

struct Position {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct Diagnostic {
  std::string file;
  Position at;
  std::string message;
};

std::string format(const Diagnostic &d);

// Collected problems, in file order when printed.
class Diagnostics {
 public:
  void add(std::string file, Position at, std::string message);
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  const std::vector<Diagnostic> &items() const noexcept { return items_; }
  std::vector<Diagnostic> sorted() const;
  void print(std::ostream &out) const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace switchboard::config
