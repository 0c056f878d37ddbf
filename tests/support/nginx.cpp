#include "support/nginx.hpp"

#include <gtest/gtest.h>

namespace switchboard::test {

std::string replaced(std::string text, const std::string &from, const std::string &to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the example no longer has: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

}  // namespace switchboard::test
