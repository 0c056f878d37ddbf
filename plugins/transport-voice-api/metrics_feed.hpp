// WebSocket /metrics/ws: the metrics JSON pushed to every subscriber about
// once a second (and at once on subscribing), for dashboards and the web
// console. One snapshot per tick is made for all subscribers; a subscriber
// whose queue is full misses that tick, never blocks the others.
//
//   {"type":"metrics","timestamp":"..","metrics":{GET /metrics},
//    "recent":{GET /metrics/recent},"providers":{GET /providers' chains},
//    "cache":{GET /cache/stats}|null}
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "host_views.hpp"
#include "switchboard/server/server.hpp"

namespace voice_api {

class MetricsFeed {
 public:
  MetricsFeed(HostViews views, std::chrono::milliseconds every = std::chrono::seconds(1));
  ~MetricsFeed();  // stops the ticks
  MetricsFeed(const MetricsFeed &) = delete;
  MetricsFeed &operator=(const MetricsFeed &) = delete;

  // Sends the current snapshot to `socket`, then one every tick until it closes.
  void subscribe(std::shared_ptr<switchboard::server::Socket> socket);

  // What one tick sends.
  nlohmann::json snapshot() const;

 private:
  void run();

  HostViews views_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::weak_ptr<switchboard::server::Socket>> sockets_;
  std::thread ticker_;  // last: it starts when everything above is ready
};

}  // namespace voice_api
