// Breaker news between hosts (circuit: {share: redis}): a host whose breaker
// opens for a provider publishes it on a Redis channel; every other host
// that lists the provider opens its own for the same period, so one host's
// discovery protects the users of all. Each host still half-opens, probes
// and closes on its own evidence. The news is best effort: a Redis that
// cannot be reached leaves every host with its local breakers (counted and
// logged), and a message lost costs only the protection it would have given.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "switchboard/redis/client.hpp"

namespace switchboard::resilience {

struct BreakerNewsItem {
  std::string host;  // who opened it
  std::string kind;  // stt, llm, tts
  std::string provider;
  double open_seconds = 0;
  std::string why;
};

std::string encode(const BreakerNewsItem &item);
// Nothing for a message that is not breaker news (or from a newer format
// missing a field this host needs).
std::optional<BreakerNewsItem> decode_news(std::string_view message);

// The `why` of a breaker opened by news starts with this: such an opening is
// not news again.
inline constexpr std::string_view kToldBy = "told by ";

class BreakerNews {
 public:
  using OnNews = std::function<void(const BreakerNewsItem &)>;

  // Starts listening at once; `on_news` runs on the listening thread, for
  // news from other hosts only.
  BreakerNews(redis::Options options, std::string channel, std::string host_id, OnNews on_news);
  ~BreakerNews();
  BreakerNews(const BreakerNews &) = delete;
  BreakerNews &operator=(const BreakerNews &) = delete;

  // [any-thread, never blocks] Queued for the publishing thread; dropped
  // (and counted) when 64 are already waiting.
  void publish(BreakerNewsItem item);

  const std::string &host_id() const noexcept { return host_id_; }
  // Waits until the channel is listened to on the `connection`th connection
  // made to Redis or a later one (news published before that is not
  // heard); false when `timeout` passes first.
  bool wait_listening(std::chrono::milliseconds timeout, std::uint64_t connection = 1);
  // Waits until Redis has taken `count` items of this host's news (the
  // other hosts may hear an item before its sender has Redis's answer);
  // false when `timeout` passes first.
  bool wait_published(std::uint64_t count, std::chrono::milliseconds timeout);
  // published, received, failures, dropped, connected (listening now),
  // connections (made by the listener).
  nlohmann::json view() const;

 private:
  void listen();
  void send();

  const redis::Options options_;
  const std::string channel_;
  const std::string host_id_;
  const OnNews on_news_;
  redis::Client client_;

  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::condition_variable listening_;
  std::condition_variable published_more_;
  std::deque<BreakerNewsItem> queue_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::uint64_t connections_ = 0;  // made by the listener, under mutex_
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::thread listener_;
  std::thread sender_;
};

// This host's name in the news when the config gives none: hostname:pid.
std::string default_host_id();

}  // namespace switchboard::resilience
