// A transport block's common keys: a transport's own defaults hold where
// its block is silent, and the block wins where it speaks.
#include <gtest/gtest.h>

#include "switchboard/server/gateway.hpp"
#include "switchboard/server/transport_settings.hpp"

namespace switchboard::server {
namespace {

TEST(GatewaySettings, ATransportsDefaultsHoldUntilItsBlockSaysOtherwise) {
  GatewaySettings mine;
  mine.requests_per_minute = 100;
  mine.max_sessions_per_address = 10;
  mine.limits.idle_timeout = std::chrono::milliseconds(3600000);

  const auto silent = read_gateway_settings(nlohmann::json::object(), mine);
  EXPECT_EQ(silent.requests_per_minute, 100);
  EXPECT_EQ(silent.max_sessions_per_address, 10U);
  EXPECT_EQ(silent.limits.idle_timeout, std::chrono::milliseconds(3600000));
  EXPECT_EQ(silent.max_sessions, GatewaySettings{}.max_sessions) << "what the transport left alone";

  const auto spoken = read_gateway_settings(
      {{"limits", {{"requests_per_minute", 5}, {"max_sessions_per_address", 2}, {"idle_timeout_ms", 1000}}}}, mine);
  EXPECT_EQ(spoken.requests_per_minute, 5);
  EXPECT_EQ(spoken.max_sessions_per_address, 2U);
  EXPECT_EQ(spoken.limits.idle_timeout, std::chrono::milliseconds(1000));
}

TEST(TransportSettings, TheApisValuesHoldUntilTheBlockSaysOtherwise) {
  TransportSettings documented;
  documented.sample_rate = 24000;
  documented.gateway.requests_per_minute = 100;
  const auto silent = read_transport_settings(nlohmann::json::object(), documented);
  EXPECT_EQ(silent.sample_rate, 24000U);
  EXPECT_EQ(silent.gateway.requests_per_minute, 100);
  const auto spoken = read_transport_settings(
      {{"sample_rate", 16000}, {"threads", 2}, {"limits", {{"max_audio_bytes", 10}, {"requests_per_minute", 7}}}},
      documented);
  EXPECT_EQ(spoken.sample_rate, 16000U);
  EXPECT_EQ(spoken.threads, 2U);
  EXPECT_EQ(spoken.max_audio_bytes, 10U);
  EXPECT_EQ(spoken.gateway.requests_per_minute, 7);
}

// How many errors a block has.
int errors_in(const nlohmann::json &block) {
  sb_config_report report{[](void *, const char *, const char *) {}, nullptr};
  sdk::ConfigErrors errors(report);
  check_gateway_settings(block, errors, {}, {});
  return errors.count();
}

TEST(GatewaySettings, ThePerAddressLimitIsAKnownKey) {
  EXPECT_EQ(errors_in({{"limits", {{"max_sessions_per_address", 10}}}}), 0);
  EXPECT_EQ(errors_in({{"limits", {{"max_sessions_per_address", -1}}}}), 1);
  EXPECT_EQ(errors_in({{"limits", {{"max_sessions_per_adress", 10}}}}), 1) << "a misspelling is refused";
}

}  // namespace
}  // namespace switchboard::server
