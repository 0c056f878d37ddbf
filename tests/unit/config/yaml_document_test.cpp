#include "config/yaml_document.hpp"

#include <gtest/gtest.h>

namespace switchboard::config {
namespace {

EnvLookup no_env() {
  return [](const std::string &) -> std::optional<std::string> { return std::nullopt; };
}

TEST(YamlDocument, ResolvesPlainScalarsAndKeepsQuotedOnesAsStrings) {
  Diagnostics diags;
  const auto doc = YamlDocument::parse("a: 3\nb: 2.5\nc: true\nd: ~\ne: \"3\"\nf: '08'\ng: hello\nh: 0x10\n", "t.yaml",
                                       no_env(), diags);
  ASSERT_TRUE(diags.empty());
  const auto &r = doc.root();
  EXPECT_TRUE(r["a"].is_number_integer());
  EXPECT_EQ(r["a"], 3);
  EXPECT_DOUBLE_EQ(r["b"].get<double>(), 2.5);
  EXPECT_EQ(r["c"], true);
  EXPECT_TRUE(r["d"].is_null());
  EXPECT_EQ(r["e"], "3");
  EXPECT_EQ(r["f"], "08");
  EXPECT_EQ(r["g"], "hello");
  EXPECT_EQ(r["h"], 16);
}

TEST(YamlDocument, RecordsOneBasedPositionsOfKeysAndValues) {
  Diagnostics diags;
  const auto doc = YamlDocument::parse("top:\n  list:\n    - name: x\n      value: 7\n", "t.yaml", no_env(), diags);
  ASSERT_TRUE(diags.empty());
  EXPECT_EQ(doc.key_at("/top/list/0/value").line, 4);
  EXPECT_EQ(doc.key_at("/top/list/0/value").column, 7);
  EXPECT_EQ(doc.value_at("/top/list/0/value").column, 14);
  EXPECT_EQ(doc.value_at("/top/list/0").line, 3);
  // An unknown pointer falls back to its nearest known parent.
  EXPECT_EQ(doc.value_at("/top/list/0/missing/deeper").line, 3);
}

TEST(YamlDocument, SubstitutesEnvironmentBeforeTyping) {
  Diagnostics diags;
  EnvLookup env = [](const std::string &n) -> std::optional<std::string> {
    if (n == "PORT") return "9000";
    return std::nullopt;
  };
  const auto doc = YamlDocument::parse("port: ${env:PORT}\nquoted: \"${env:PORT}\"\n", "t.yaml", env, diags);
  ASSERT_TRUE(diags.empty());
  EXPECT_EQ(doc.root()["port"], 9000);
  EXPECT_EQ(doc.root()["quoted"], "9000");
}

TEST(YamlDocument, ReportsMissingVariablesAtTheirScalar) {
  Diagnostics diags;
  YamlDocument::parse("a: 1\nkey: \"${env:NOT_SET_ANYWHERE}\"\n", "t.yaml", no_env(), diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(format(diags.items()[0]).substr(0, 11), "t.yaml:2:6:");
  EXPECT_NE(diags.items()[0].message.find("NOT_SET_ANYWHERE"), std::string::npos);
}

TEST(YamlDocument, ReportsDuplicateKeys) {
  Diagnostics diags;
  const auto doc = YamlDocument::parse("a: 1\nb: 2\na: 3\n", "t.yaml", no_env(), diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].at.line, 3);
  EXPECT_EQ(diags.items()[0].at.column, 1);
  EXPECT_EQ(doc.root()["a"], 1);
}

// Found by tests/fuzz/config: a stray byte in a key reached the JSON views of
// the config, whose output refuses it.
TEST(YamlDocument, RefusesTextThatIsNotUtf8AtItsLine) {
  Diagnostics diags;
  const auto doc = YamlDocument::parse("log: {level: debug}\nl\x94g: 1\n", "t.yaml", no_env(), diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.items()[0].at.line, 2);
  EXPECT_EQ(diags.items()[0].message, "the file is not UTF-8 text");
  EXPECT_TRUE(doc.root().empty());
}

TEST(YamlDocument, ReportsSyntaxErrorsWithPosition) {
  Diagnostics diags;
  YamlDocument::parse("a: [1, 2\nb: 3\n", "t.yaml", no_env(), diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_GT(diags.items()[0].at.line, 0);
}

TEST(YamlDocument, EmptyFileIsAnEmptyMapping) {
  Diagnostics diags;
  const auto doc = YamlDocument::parse("", "t.yaml", no_env(), diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_TRUE(doc.root().is_object());
}

}  // namespace
}  // namespace switchboard::config
