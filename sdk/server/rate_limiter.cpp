#include "switchboard/server/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::server {

bool RateLimiter::allow(const std::string &who, Clock::time_point now, int &retry_after, Left *left) {
  if (per_second_ <= 0) {
    if (left != nullptr) *left = {0, 0, 0};
    return true;
  }
  std::lock_guard lock(mutex_);
  // Full buckets of clients gone for a while are forgotten.
  if (now - pruned_ > std::chrono::minutes(5)) {
    std::erase_if(buckets_, [&](const auto &item) { return now - item.second.refilled > std::chrono::minutes(5); });
    pruned_ = now;
  }
  auto [it, made] = buckets_.try_emplace(who, Bucket{burst_, now});
  Bucket &b = it->second;
  if (!made && now > b.refilled) {
    b.tokens = std::min(burst_, b.tokens + std::chrono::duration<double>(now - b.refilled).count() * per_second_);
    b.refilled = now;
  }
  const bool allowed = b.tokens >= 1;
  if (allowed) b.tokens -= 1;
  if (left != nullptr) {
    left->limit = static_cast<int>(burst_);
    left->remaining = static_cast<int>(std::floor(b.tokens));
    left->seconds_until_full = static_cast<int>(std::ceil((burst_ - b.tokens) / per_second_));
  }
  if (allowed) return true;
  retry_after = std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / per_second_)));
  return false;
}

}  // namespace switchboard::server
