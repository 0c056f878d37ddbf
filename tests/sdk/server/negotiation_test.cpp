#include "switchboard/server/negotiation.hpp"

#include <gtest/gtest.h>

namespace switchboard::server {
namespace {

const std::vector<std::string> kOffers = {"application/json", "text/plain", "application/openmetrics-text"};

TEST(PreferredType, ClientsThatAskForJsonFirstGetJson) {
  EXPECT_EQ(preferred_type("application/json, text/plain, */*", kOffers), "application/json");  // axios
  EXPECT_EQ(preferred_type("*/*", kOffers), "application/json");                                // curl
  EXPECT_EQ(preferred_type("", kOffers), "application/json");
  EXPECT_EQ(preferred_type("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", kOffers),
            "application/json");  // a browser
}

TEST(PreferredType, ScrapersGetTheTextFormat) {
  EXPECT_EQ(preferred_type("text/plain", kOffers), "text/plain");
  EXPECT_EQ(preferred_type("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                           "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                           kOffers),
            "application/openmetrics-text");  // Prometheus
  EXPECT_EQ(preferred_type("text/plain;version=0.0.4;q=0.3,*/*;q=0.2", kOffers), "text/plain");
  EXPECT_EQ(preferred_type("application/json;q=0.1, text/*", kOffers), "text/plain");
  EXPECT_EQ(preferred_type("image/png", kOffers), "");
}

}  // namespace
}  // namespace switchboard::server
