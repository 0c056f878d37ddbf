#include "app/admin_extension.hpp"

#include <chrono>
#include <cmath>

#include "app/sessions_extension.hpp"
#include "plugin/cache_client.hpp"

namespace switchboard::app {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

AdminExtension &self_of(void *ctx) {
  return *static_cast<AdminExtension *>(ctx);
}

void write(sb_sink sink, const std::string &text) {
  sink.write(sink.user, text.data(), text.size());
}

// A metric name as Prometheus allows it, prefixed.
std::string prometheus_name(const std::string &name) {
  std::string out = "switchboard_";
  for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_');
  return out;
}

}  // namespace

AdminExtension::AdminExtension(AdminSources sources) : sources_(std::move(sources)) {
  ext_.struct_size = sizeof ext_;
  ext_.ctx = this;
  ext_.health = [](void *ctx, sb_sink out, sb_error *) -> sb_status {
    write(out, self_of(ctx).health().dump());
    return SB_OK;
  };
  ext_.metrics = [](void *ctx, sb_sink out, sb_error *) -> sb_status {
    write(out, self_of(ctx).metrics().dump());
    return SB_OK;
  };
  ext_.metrics_recent = [](void *ctx, sb_sink out, sb_error *) -> sb_status {
    write(out, self_of(ctx).sources_.recent.summary(now_seconds()).dump());
    return SB_OK;
  };
  ext_.prometheus = [](void *ctx, sb_sink out, sb_error *) -> sb_status {
    write(out, self_of(ctx).prometheus());
    return SB_OK;
  };
  ext_.cache_stats = [](void *ctx, sb_sink out, sb_error *err) -> sb_status {
    const auto cache = self_of(ctx).sources_.cache();
    if (!cache) {
      sb_error_set(err, "no cache is configured");
      return SB_INVALID_INPUT;
    }
    nlohmann::json stats;
    const auto outcome = plugin::CacheClient(*cache).stats(stats);
    if (!outcome.ok()) {
      sb_error_set(err, outcome.message.c_str());
      return static_cast<sb_status>(outcome.status);
    }
    write(out, stats.dump());
    return SB_OK;
  };
  ext_.cache_clear = [](void *ctx, sb_error *err) -> sb_status {
    const auto cache = self_of(ctx).sources_.cache();
    if (!cache) {
      sb_error_set(err, "no cache is configured");
      return SB_INVALID_INPUT;
    }
    const auto outcome = plugin::CacheClient(*cache).clear();
    if (outcome.ok()) return SB_OK;
    sb_error_set(err, outcome.message.c_str());
    return static_cast<sb_status>(outcome.status);
  };
  ext_.reload = [](void *ctx, sb_error *err) -> sb_status {
    const auto &reload = self_of(ctx).sources_.reload;
    if (!reload) {
      sb_error_set(err, "this host cannot reload its config");
      return SB_FATAL;
    }
    const std::string problem = reload();
    if (problem.empty()) return SB_OK;
    sb_error_set(err, problem.c_str());
    return SB_INVALID_INPUT;
  };
}

nlohmann::json AdminExtension::health() const {
  const auto chains = sources_.chains();
  const auto view = chains ? chains->view() : nlohmann::json::object();
  nlohmann::json providers = nlohmann::json::object();
  int unhealthy = 0;
  int degraded = 0;
  const auto chains_view = view.find("providers");
  for (const char *kind : {"stt", "llm", "tts"}) {
    if (chains_view == view.end() || !chains_view->contains(kind)) continue;
    const auto &list = (*chains_view)[kind]["providers"];
    std::string state = "unhealthy";
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].value("available", false)) {
        state = i == 0 ? "healthy" : "degraded";
        break;
      }
    }
    unhealthy += state == "unhealthy" ? 1 : 0;
    degraded += state == "degraded" ? 1 : 0;
    providers[kind] = state;
  }
  const char *status = unhealthy > 0 ? "unhealthy" : degraded > 0 ? "degraded" : "healthy";
  return {{"status", status},
          {"timestamp", iso8601(now_seconds())},
          {"active_sessions", sources_.session_count()},
          {"providers", providers}};
}

nlohmann::json AdminExtension::metrics() const {
  const auto snapshot = sources_.metrics.snapshot();
  const auto &counters = snapshot["counters"];
  // Counters count whole things: integers in JSON, as the API shows them.
  auto counter = [&](const std::string &name) { return std::llround(counters.value(name, 0.0)); };
  nlohmann::json provider_stats = nlohmann::json::object();
  long long requests = 0;
  long long errors = 0;
  for (const char *kind : {"stt", "llm", "tts"}) {
    const long long r = counter(std::string(kind) + "_selected_total");
    const long long e = counter(std::string(kind) + "_failed_total");
    provider_stats[kind] = {{"requests", r}, {"errors", e}};
    requests += r;
    errors += e;
  }
  const auto &latency = snapshot["histograms"].value("turn_latency_ms", nlohmann::json::object());
  const double count = latency.value("count", 0.0);
  nlohmann::json whole = nlohmann::json::object();
  for (const auto &[name, value] : counters.items()) whole[name] = std::llround(value.get<double>());
  return {{"session_count", sources_.session_count()},
          {"total_requests", requests},
          {"average_latency_ms", count > 0 ? latency.value("sum", 0.0) / count : 0.0},
          {"error_rate", requests > 0 ? static_cast<double>(errors) / static_cast<double>(requests) : 0.0},
          {"provider_stats", provider_stats},
          {"counters", whole},
          {"gauges", snapshot["gauges"]},
          {"histograms", snapshot["histograms"]}};
}

std::string AdminExtension::prometheus() const {
  const auto snapshot = sources_.metrics.snapshot();
  std::string out;
  for (const auto &[name, value] : snapshot["counters"].items()) {
    const auto n = prometheus_name(name);
    out += "# TYPE " + n + " counter\n" + n + " " + value.dump() + "\n";
  }
  for (const auto &[name, value] : snapshot["gauges"].items()) {
    const auto n = prometheus_name(name);
    out += "# TYPE " + n + " gauge\n" + n + " " + value.dump() + "\n";
  }
  for (const auto &[name, value] : snapshot["histograms"].items()) {
    const auto n = prometheus_name(name);
    out += "# TYPE " + n + " summary\n" + n + "_count " + value["count"].dump() + "\n" + n + "_sum " +
           value["sum"].dump() + "\n";
  }
  const auto sessions = prometheus_name("sessions");
  out += "# TYPE " + sessions + " gauge\n" + sessions + " " + std::to_string(sources_.session_count()) + "\n";
  // Each provider's breaker, labelled: what an alert on an open breaker reads.
  if (const auto chains = sources_.chains()) {
    std::string open = "# TYPE switchboard_breaker_open gauge\n";
    std::string available = "# TYPE switchboard_provider_available gauge\n";
    const auto view = chains->view();
    for (const auto &[kind, chain] : view["providers"].items()) {
      for (const auto &p : chain.value("providers", nlohmann::json::array())) {
        const std::string labels = "{kind=\"" + kind + "\",provider=\"" + p.value("name", "") + "\"}";
        open += "switchboard_breaker_open" + labels + (p["circuit"].value("state", "") == "open" ? " 1\n" : " 0\n");
        available += "switchboard_provider_available" + labels + (p.value("available", false) ? " 1\n" : " 0\n");
      }
    }
    out += open + available;
  }
  // The last minute's latency (end of input to first audio), as /metrics/recent has it.
  const auto recent = sources_.recent.summary(now_seconds());
  out += "# TYPE switchboard_recent_turn_latency_ms gauge\n";
  for (const auto &[quantile, key] : {std::pair{"0.5", "p50"}, {"0.99", "p99"}}) {
    const auto &v = recent["latency_ms"][key];
    out += std::string("switchboard_recent_turn_latency_ms{quantile=\"") + quantile + "\"} " +
           (v.is_number() ? v.dump() : "NaN") + "\n";
  }
  return out;
}

}  // namespace switchboard::app
