#include "config/env_substitution.hpp"

#include <map>

#include <gtest/gtest.h>

namespace switchboard::config {
namespace {

EnvLookup fake(std::map<std::string, std::string> vars) {
  return [vars](const std::string &name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(EnvSubstitution, ReplacesSetVariablesInsideText) {
  const auto r = substitute_env("Bearer ${env:KEY} for ${env:USER}", fake({{"KEY", "k1"}, {"USER", "ada"}}));
  EXPECT_TRUE(r.error.empty());
  EXPECT_TRUE(r.substituted);
  EXPECT_EQ(r.value, "Bearer k1 for ada");
}

TEST(EnvSubstitution, UsesDefaultWhenUnsetOrEmpty) {
  EXPECT_EQ(substitute_env("${env:PORT:-8000}", fake({})).value, "8000");
  EXPECT_EQ(substitute_env("${env:PORT:-8000}", fake({{"PORT", ""}})).value, "8000");
  EXPECT_EQ(substitute_env("${env:PORT:-8000}", fake({{"PORT", "9"}})).value, "9");
  EXPECT_EQ(substitute_env("${env:KEY:-}", fake({})).value, "");
}

TEST(EnvSubstitution, MissingVariableWithoutDefaultIsAnErrorNamingIt) {
  const auto r = substitute_env("${env:OPENAI_API_KEY}", fake({}));
  EXPECT_NE(r.error.find("OPENAI_API_KEY"), std::string::npos);
}

TEST(EnvSubstitution, EmptySetVariableWithoutDefaultIsKept) {
  const auto r = substitute_env("x${env:EMPTY}y", fake({{"EMPTY", ""}}));
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.value, "xy");
}

TEST(EnvSubstitution, DoubleDollarEscapesAReference) {
  const auto r = substitute_env("$${env:KEY}", fake({{"KEY", "secret"}}));
  EXPECT_EQ(r.value, "${env:KEY}");
  EXPECT_FALSE(r.substituted);
}

TEST(EnvSubstitution, MalformedReferencesAreErrors) {
  EXPECT_FALSE(substitute_env("${env:KEY", fake({})).error.empty());
  EXPECT_FALSE(substitute_env("${env:1BAD}", fake({})).error.empty());
  EXPECT_FALSE(substitute_env("${env:}", fake({})).error.empty());
}

TEST(EnvSubstitution, PlainTextIsUntouched) {
  const auto r = substitute_env("$HOME and {braces} and ${other}", fake({}));
  EXPECT_EQ(r.value, "$HOME and {braces} and ${other}");
  EXPECT_FALSE(r.substituted);
}

}  // namespace
}  // namespace switchboard::config
