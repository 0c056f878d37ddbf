#include "admin/metrics.hpp"

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace switchboard::admin {
namespace {

TEST(Metrics, CountersAddGaugesSetHistogramsSummarise) {
  Metrics m;
  m.add("calls", 1);
  m.add("calls", 2);
  m.set("sessions", 5);
  m.set("sessions", 3);
  for (double v : {4.0, 1.0, 7.0}) m.observe("latency_ms", v);
  const auto s = m.snapshot();
  EXPECT_EQ(s["counters"]["calls"], 3);
  EXPECT_EQ(s["gauges"]["sessions"], 3);
  const auto &h = s["histograms"]["latency_ms"];
  EXPECT_EQ(h["count"], 3);
  EXPECT_EQ(h["sum"], 12);
  EXPECT_EQ(h["min"], 1);
  EXPECT_EQ(h["max"], 7);
}

TEST(Metrics, APluginsMetricsCarryItsKindAndName) {
  test::TestHost host;
  auto instance = host.create("fixture-llm-echo", {}, "echo");
  const sb_host *h = instance->services().raw();
  h->counter_add(h->ctx, "tokens", 4);
  h->gauge_set(h->ctx, "queue", 2);
  h->histogram_observe(h->ctx, "first_token_ms", 30);
  const auto s = host.metrics.snapshot();
  EXPECT_EQ(s["counters"]["llm_echo_tokens"], 4);
  EXPECT_EQ(s["gauges"]["llm_echo_queue"], 2);
  EXPECT_EQ(s["histograms"]["llm_echo_first_token_ms"]["count"], 1);
}

}  // namespace
}  // namespace switchboard::admin
