#include "resilience/breaker_news.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "switchboard/redis/subscriber.hpp"

namespace switchboard::resilience {

std::string encode(const BreakerNewsItem &item) {
  return nlohmann::json{{"host", item.host},
                        {"kind", item.kind},
                        {"provider", item.provider},
                        {"open_seconds", item.open_seconds},
                        {"why", item.why}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<BreakerNewsItem> decode_news(std::string_view message) {
  const auto j = nlohmann::json::parse(message, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  const auto host = j.find("host"), kind = j.find("kind"), provider = j.find("provider"),
             seconds = j.find("open_seconds");
  if (host == j.end() || !host->is_string() || kind == j.end() || !kind->is_string() || provider == j.end() ||
      !provider->is_string() || seconds == j.end() || !seconds->is_number() || seconds->get<double>() <= 0) {
    return std::nullopt;
  }
  BreakerNewsItem item{host->get<std::string>(), kind->get<std::string>(), provider->get<std::string>(),
                       std::min(seconds->get<double>(), 86400.0), j.value("why", std::string())};
  return item;
}

std::string default_host_id() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) name[0] = '\0';
  return std::string(name[0] != '\0' ? name : "host") + ":" + std::to_string(::getpid());
}

BreakerNews::BreakerNews(redis::Options options, std::string channel, std::string host_id, OnNews on_news)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      host_id_(std::move(host_id)),
      on_news_(std::move(on_news)),
      client_(options_) {
  // Logged before the threads start, which log too: the first line makes
  // spdlog's default logger, and that must happen before they can use it.
  spdlog::info("breaker news on {} channel '{}' as {}", redis::redacted(options_), channel_, host_id_);
  listener_ = std::thread([this] { listen(); });
  sender_ = std::thread([this] { send(); });
}

BreakerNews::~BreakerNews() {
  stopping_ = true;
  queued_.notify_all();
  sender_.join();
  listener_.join();
}

void BreakerNews::publish(BreakerNewsItem item) {
  item.host = host_id_;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= 64) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(item));
  }
  queued_.notify_one();
}

void BreakerNews::send() {
  for (;;) {
    BreakerNewsItem item;
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      client_.command({"PUBLISH", channel_, encode(item)});
      {
        std::lock_guard lock(mutex_);
        ++published_;
      }
      published_more_.notify_all();
    } catch (const std::exception &e) {
      ++failures_;
      spdlog::warn("breaker news: {} {} not told to the other hosts: {}", item.kind, item.provider, e.what());
    }
  }
}

void BreakerNews::listen() {
  redis::Subscriber subscriber(options_, channel_);
  int was = -1;  // not yet known
  while (!stopping_) {
    const auto message = subscriber.next(std::chrono::milliseconds(200));
    const int is = subscriber.connected() ? 1 : 0;
    if (is != was && (is == 1 || !subscriber.problem().empty())) {
      was = is;
      {
        std::lock_guard lock(mutex_);
        connected_ = is == 1;
        connections_ = subscriber.connections();
      }
      listening_.notify_all();
      if (connected_) {
        spdlog::info("breaker news: listening on '{}'", channel_);
      } else {
        ++failures_;
        spdlog::warn("breaker news: Redis unreachable ({}); breakers are this host's own until it answers",
                     subscriber.problem());
      }
    }
    if (!message) continue;
    const auto item = decode_news(*message);
    if (!item || item->host == host_id_) continue;
    ++received_;
    try {
      on_news_(*item);
    } catch (const std::exception &e) {
      spdlog::error("breaker news from {}: {}", item->host, e.what());
    }
  }
}

bool BreakerNews::wait_published(std::uint64_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return published_more_.wait_for(lock, timeout, [&] { return published_.load() >= count; });
}

bool BreakerNews::wait_listening(std::chrono::milliseconds timeout, std::uint64_t connection) {
  std::unique_lock lock(mutex_);
  return listening_.wait_for(lock, timeout, [&] { return connected_.load() && connections_ >= connection; });
}

nlohmann::json BreakerNews::view() const {
  std::uint64_t connections = 0;
  {
    std::lock_guard lock(mutex_);
    connections = connections_;
  }
  return {{"host", host_id_},
          {"channel", channel_},
          {"connected", connected_.load()},
          {"connections", connections},
          {"published", published_.load()},
          {"received", received_.load()},
          {"failures", failures_.load()},
          {"dropped", dropped_.load()}};
}

}  // namespace switchboard::resilience
