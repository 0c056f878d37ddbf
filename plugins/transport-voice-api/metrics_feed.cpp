#include "metrics_feed.hpp"

#include <chrono>
#include <ctime>

namespace voice_api {
namespace {

nlohmann::json read(sb_status (*view)(void *, sb_sink, sb_error *), void *ctx) {
  Text text;
  Failure f;
  if (view == nullptr || view(ctx, text.sink(), &f.error) != SB_OK) return nullptr;
  auto j = nlohmann::json::parse(text.value, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

MetricsFeed::MetricsFeed(HostViews views, std::chrono::milliseconds every)
    : views_(views), every_(every), ticker_([this] { run(); }) {}

MetricsFeed::~MetricsFeed() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  ticker_.join();
}

nlohmann::json MetricsFeed::snapshot() const {
  nlohmann::json out = {{"type", "metrics"}, {"timestamp", now_iso()}};
  const auto *a = views_.admin;
  out["metrics"] = a != nullptr ? read(a->metrics, a->ctx) : nullptr;
  out["recent"] = a != nullptr ? read(a->metrics_recent, a->ctx) : nullptr;
  out["cache"] = a != nullptr ? read(a->cache_stats, a->ctx) : nullptr;
  const auto *p = views_.providers;
  const auto chains = p != nullptr ? read(p->view, p->ctx) : nullptr;
  out["providers"] = chains.is_object() ? chains.value("providers", nlohmann::json(nullptr)) : nullptr;
  return out;
}

void MetricsFeed::subscribe(std::shared_ptr<switchboard::server::Socket> socket) {
  socket->send_text(snapshot().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::lock_guard lock(mutex_);
  sockets_.push_back(socket);
}

void MetricsFeed::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, every_, [this] { return stopping_; })) {
    std::vector<std::shared_ptr<switchboard::server::Socket>> live;
    for (auto it = sockets_.begin(); it != sockets_.end();) {
      if (auto s = it->lock()) {
        live.push_back(std::move(s));
        ++it;
      } else {
        it = sockets_.erase(it);
      }
    }
    if (live.empty()) continue;
    lock.unlock();
    const std::string text = snapshot().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (const auto &s : live) s->send_text(text);
    lock.lock();
  }
}

}  // namespace voice_api
