// A request body checked as the published APIs' framework checks one: each
// field at fault is one entry of the 422's detail list, in its words.
#include "switchboard/server/validation.hpp"

#include <gtest/gtest.h>

namespace switchboard::server {
namespace {

nlohmann::json detail_of(const BodyFields &b) {
  return nlohmann::json::parse(b.refusal().body)["detail"];
}

TEST(BodyFields, EachFieldAtFaultIsOneEntryInThePydanticShape) {
  BodyFields b(R"({"name": 3, "rate": 7000, "on": "yes", "list": {}, "count": 2.5})");
  EXPECT_FALSE(b.string("name"));
  EXPECT_FALSE(b.integer("rate", 8000, 48000));
  EXPECT_FALSE(b.boolean("on"));
  EXPECT_FALSE(b.list("list"));
  EXPECT_FALSE(b.integer("count", 0, 10));
  EXPECT_FALSE(b.string("missing", true));
  EXPECT_FALSE(b.string("optional"));
  EXPECT_FALSE(b.ok());
  EXPECT_EQ(b.refusal().status, 422);
  const auto d = detail_of(b);
  ASSERT_EQ(d.size(), 6U) << d;
  EXPECT_EQ(d[0],
            (nlohmann::json{{"loc", {"body", "name"}}, {"msg", "str type expected"}, {"type", "type_error.str"}}));
  EXPECT_EQ(d[1], (nlohmann::json{{"loc", {"body", "rate"}},
                                  {"msg", "ensure this value is greater than or equal to 8000"},
                                  {"type", "value_error.number.not_ge"}}));
  EXPECT_EQ(d[2]["type"], "type_error.bool");
  EXPECT_EQ(d[3]["type"], "type_error.list");
  EXPECT_EQ(d[4]["type"], "type_error.integer");
  EXPECT_EQ(d[5],
            (nlohmann::json{{"loc", {"body", "missing"}}, {"msg", "field required"}, {"type", "value_error.missing"}}));
}

TEST(BodyFields, GoodFieldsPassAndNullIsAbsent) {
  BodyFields b(R"({"name": "x", "rate": 16000, "on": true, "list": [1], "none": null})");
  EXPECT_EQ(b.string("name"), "x");
  EXPECT_EQ(b.integer("rate", 8000, 48000), 16000);
  EXPECT_EQ(b.boolean("on"), true);
  EXPECT_EQ(b.list("list"), nlohmann::json::array({1}));
  EXPECT_FALSE(b.string("none"));
  EXPECT_TRUE(b.ok());
}

TEST(BodyFields, ABodyThatIsNoObjectIsRefusedFirst) {
  EXPECT_EQ(detail_of(BodyFields("{nope"))[0]["type"], "value_error.jsondecode");
  EXPECT_EQ(detail_of(BodyFields("[1]"))[0]["type"], "type_error.dict");
}

}  // namespace
}  // namespace switchboard::server
