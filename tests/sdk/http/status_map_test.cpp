// How HTTP failures become statuses, with the provider's own words.
#include "switchboard/http/status_map.hpp"

#include <gtest/gtest.h>

namespace switchboard::http {
namespace {

TEST(StatusMap, CodesMapToWhatTheCallerShouldDo) {
  for (int code : {408, 429, 500, 502, 503, 504}) EXPECT_EQ(status_for_http(code), sdk::Status::retryable) << code;
  for (int code : {400, 413, 415, 422}) EXPECT_EQ(status_for_http(code), sdk::Status::invalid_input) << code;
  for (int code : {401, 403, 404, 405}) EXPECT_EQ(status_for_http(code), sdk::Status::fatal) << code;
}

TEST(StatusMap, TheProvidersMessageIsFoundInEachShape) {
  EXPECT_EQ(provider_message(R"({"error":{"message":"Rate limit","type":"requests"}})"), "Rate limit");
  EXPECT_EQ(provider_message(R"({"error":"Invalid API key"})"), "Invalid API key");
  EXPECT_EQ(provider_message(R"({"detail":{"status":"x","message":"voice not found"}})"), "voice not found");
  EXPECT_EQ(provider_message(R"({"detail":[{"loc":["body","text"],"msg":"field required"}]})"), "field required");
  EXPECT_EQ(provider_message(R"({"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."})"),
            "Invalid credentials.");
  EXPECT_EQ(provider_message("upstream\nexploded"), "upstream exploded");
}

TEST(StatusMap, RetryAfterReadsSecondsAndDates) {
  EXPECT_EQ(retry_after_ms("7"), 7000U);
  EXPECT_EQ(retry_after_ms(""), 0U);
  EXPECT_EQ(retry_after_ms("soon"), 0U);
  std::tm tm{};
  strptime("Sat, 21 Nov 2026 10:00:00 GMT", "%a, %d %b %Y %H:%M:%S GMT", &tm);
  const auto now = std::chrono::system_clock::from_time_t(timegm(&tm));
  EXPECT_EQ(retry_after_ms("Sat, 21 Nov 2026 10:00:30 GMT", now), 30000U);
  EXPECT_EQ(retry_after_ms("Sat, 21 Nov 2026 09:00:00 GMT", now), 0U) << "a date past is no wait";
}

TEST(StatusMap, AnOutcomeCarriesCodeReasonMessageAndWait) {
  const auto o = outcome_for_response(429, R"({"error":{"message":"slow down"}})", "2");
  EXPECT_EQ(o.status, sdk::Status::retryable);
  EXPECT_EQ(o.message, "HTTP 429 Too Many Requests: slow down");
  EXPECT_EQ(o.retry_after_ms, 2000U);
}

TEST(StatusMap, ScrubHidesEverySecretOccurrence) {
  EXPECT_EQ(scrub("key sk-abcdef and again sk-abcdef.", {"sk-abcdef"}), "key *** and again ***.");
  EXPECT_EQ(scrub("nothing to hide", {"sk-abcdef", ""}), "nothing to hide");
}

}  // namespace
}  // namespace switchboard::http
