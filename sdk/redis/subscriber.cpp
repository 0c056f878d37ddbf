#include "switchboard/redis/subscriber.hpp"

#include <thread>

#include <hiredis/hiredis.h>
#include <poll.h>

namespace switchboard::redis {
namespace {

struct ReplyDeleter {
  void operator()(void *r) const { freeReplyObject(r); }
};
using OwnedReply = std::unique_ptr<void, ReplyDeleter>;

timeval to_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

// ["message", channel, payload] is a message; anything else (the
// subscription's confirmation) is not.
std::optional<std::string> payload_of(const redisReply &r) {
  if (r.type != REDIS_REPLY_ARRAY || r.elements != 3 || r.element[0]->type != REDIS_REPLY_STRING ||
      std::string_view(r.element[0]->str, r.element[0]->len) != "message") {
    return std::nullopt;
  }
  return std::string(r.element[2]->str, r.element[2]->len);
}

}  // namespace

Subscriber::Subscriber(Options options, std::string channel)
    : options_(std::move(options)), channel_(std::move(channel)) {}

Subscriber::~Subscriber() {
  if (context_ != nullptr) redisFree(context_);
}

void Subscriber::drop(const std::string &why) {
  problem_ = why;
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

bool Subscriber::connect() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) return false;
  next_attempt_ = now + options_.retry_after;
  context_ = redisConnectWithTimeout(options_.host.c_str(), options_.port, to_timeval(options_.timeout));
  if (context_ == nullptr || context_->err != 0) {
    drop(context_ != nullptr ? context_->errstr : "cannot allocate a connection");
    return false;
  }
  redisSetTimeout(context_, to_timeval(options_.timeout));
  redisEnableKeepAlive(context_);
  auto ask = [&](std::vector<const char *> argv) -> bool {
    std::vector<std::size_t> lengths;
    for (const char *a : argv) lengths.push_back(std::char_traits<char>::length(a));
    OwnedReply reply(redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    const auto *r = static_cast<const redisReply *>(reply.get());
    if (r == nullptr) {
      drop(context_->errstr);
      return false;
    }
    if (r->type == REDIS_REPLY_ERROR) {
      drop(std::string(r->str, r->len));
      return false;
    }
    return true;
  };
  if (!options_.password.empty()) {
    const bool ok = options_.username.empty() ? ask({"AUTH", options_.password.c_str()})
                                              : ask({"AUTH", options_.username.c_str(), options_.password.c_str()});
    if (!ok) return false;
  }
  // SUBSCRIBE's confirmation comes back as its first reply.
  if (!ask({"SUBSCRIBE", channel_.c_str()})) return false;
  problem_.clear();
  ++connections_;
  return true;
}

std::optional<std::string> Subscriber::next(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  if (context_ == nullptr && !connect()) {
    // Down: wait out the time given, as a quiet channel would.
    std::this_thread::sleep_until(std::min(deadline, next_attempt_));
    return std::nullopt;
  }
  for (;;) {
    void *raw = nullptr;
    if (redisReaderGetReply(context_->reader, &raw) != REDIS_OK) {
      drop("a reply Redis sent could not be read");
      return std::nullopt;
    }
    if (raw != nullptr) {
      const OwnedReply reply(raw);
      if (auto payload = payload_of(*static_cast<const redisReply *>(raw))) return payload;
      continue;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{context_->fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready == 0) return std::nullopt;
    if (ready < 0 || redisBufferRead(context_) != REDIS_OK) {
      drop(context_->errstr[0] != '\0' ? context_->errstr : "the connection was lost");
      return std::nullopt;
    }
  }
}

}  // namespace switchboard::redis
