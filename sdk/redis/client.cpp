#include "switchboard/redis/client.hpp"

#include <map>

#include <hiredis/hiredis.h>

namespace switchboard::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

Reply convert(const redisReply &r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.type = r.type == REDIS_REPLY_STRING ? Reply::Type::string : Reply::Type::status;
      out.string.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      break;
  }
  return out;
}

struct ReplyDeleter {
  void operator()(void *r) const { freeReplyObject(r); }
};
using OwnedReply = std::unique_ptr<void, ReplyDeleter>;

// A connection-level failure: the connection is dropped.
struct Broken {
  std::string why;
};

std::vector<Reply> exchange(redisContext *c, const std::vector<std::vector<std::string_view>> &commands,
                            std::string &error) {
  for (const auto &args : commands) {
    std::vector<const char *> argv;
    std::vector<std::size_t> lengths;
    for (const auto a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
      throw Broken{c->errstr};
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void *raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) throw Broken{c->errstr};
    const OwnedReply owned(raw);
    const auto *r = static_cast<const redisReply *>(raw);
    // An error reply leaves the connection usable: read the rest first.
    if (r->type == REDIS_REPLY_ERROR && error.empty()) error.assign(r->str, r->len);
    replies.push_back(convert(*r));
  }
  return replies;
}

}  // namespace

Client::Client(Options options) : options_(std::move(options)) {
  if (options_.pool_size == 0) throw std::invalid_argument("redis: pool_size must be at least 1");
}

Client::~Client() {
  for (auto *c : idle_) redisFree(c);
}

bool Client::available() const {
  std::lock_guard lock(mutex_);
  return std::chrono::steady_clock::now() >= down_until_;
}

void Client::fail(const std::string &why) {
  {
    std::lock_guard lock(mutex_);
    down_until_ = std::chrono::steady_clock::now() + options_.retry_after;
  }
  ++failures_;
  throw Unavailable("redis at " + options_.host + ":" + std::to_string(options_.port) + ": " + why);
}

redisContext *Client::connect() {
  redisContext *c = redisConnectWithTimeout(options_.host.c_str(), options_.port, to_timeval(options_.timeout));
  try {
    if (c == nullptr) throw Broken{"cannot allocate a connection"};
    if (c->err != 0) throw Broken{c->errstr};
    if (redisSetTimeout(c, to_timeval(options_.timeout)) != REDIS_OK) throw Broken{c->errstr};
    redisEnableKeepAlive(c);
    std::vector<std::vector<std::string_view>> hello;
    if (!options_.password.empty()) {
      if (options_.username.empty()) {
        hello.push_back({"AUTH", options_.password});
      } else {
        hello.push_back({"AUTH", options_.username, options_.password});
      }
    }
    const std::string database = std::to_string(options_.database);
    if (options_.database != 0) hello.push_back({"SELECT", database});
    std::string error;
    if (!hello.empty()) exchange(c, hello, error);
    if (!error.empty()) throw Broken{error};
    return c;
  } catch (...) {
    if (c != nullptr) redisFree(c);
    throw;
  }
}

redisContext *Client::acquire(bool &reused) {
  std::unique_lock lock(mutex_);
  if (std::chrono::steady_clock::now() < down_until_) {
    lock.unlock();
    ++failures_;
    throw Unavailable("redis at " + options_.host + ":" + std::to_string(options_.port) +
                      ": unreachable a moment ago; not tried again yet");
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (idle_.empty() && open_ >= options_.pool_size) {
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      lock.unlock();
      ++failures_;
      throw Unavailable("redis: every connection busy for " + std::to_string(options_.timeout.count()) + " ms");
    }
  }
  reused = !idle_.empty();
  if (reused) {
    auto *c = idle_.back();
    idle_.pop_back();
    return c;
  }
  ++open_;
  lock.unlock();
  try {
    return connect();
  } catch (const Broken &b) {
    release(nullptr, false);
    fail(b.why);
  }
}

void Client::release(redisContext *context, bool healthy) {
  {
    std::lock_guard lock(mutex_);
    if (healthy && context != nullptr) {
      idle_.push_back(context);
    } else {
      --open_;
    }
  }
  if (!healthy && context != nullptr) redisFree(context);
  returned_.notify_one();
}

std::vector<Reply> Client::run(const std::vector<std::vector<std::string_view>> &commands) {
  // A pooled connection may have been closed by a Redis that restarted since
  // its last use: such a failure is retried once on a new connection before
  // Redis counts as down.
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    redisContext *c = acquire(reused);
    std::string error;
    try {
      auto replies = exchange(c, commands, error);
      release(c, true);
      if (!error.empty()) throw CommandError("redis: " + error);
      return replies;
    } catch (const Broken &b) {
      release(c, false);
      if (reused && attempt == 0) continue;
      fail(b.why);
    }
  }
}

Reply Client::command(const std::vector<std::string_view> &args) {
  return std::move(run({args}).front());
}

std::vector<Reply> Client::pipeline(const std::vector<std::vector<std::string_view>> &commands) {
  return run(commands);
}

Reply Client::script(std::string_view source, const std::vector<std::string_view> &keys,
                     const std::vector<std::string_view> &args) {
  static std::mutex shas_mutex;
  static std::map<std::string, std::string, std::less<>> shas;
  std::string sha;
  {
    std::lock_guard lock(shas_mutex);
    if (const auto it = shas.find(source); it != shas.end()) sha = it->second;
  }
  const std::string key_count = std::to_string(keys.size());
  for (int attempt = 0;; ++attempt) {
    if (sha.empty()) {
      sha = command({"SCRIPT", "LOAD", source}).string;
      std::lock_guard lock(shas_mutex);
      shas[std::string(source)] = sha;
    }
    std::vector<std::string_view> call{"EVALSHA", sha, key_count};
    call.insert(call.end(), keys.begin(), keys.end());
    call.insert(call.end(), args.begin(), args.end());
    try {
      return command(call);
    } catch (const CommandError &e) {
      // A Redis restarted (or flushed with SCRIPT FLUSH) forgot the script.
      if (attempt > 0 || std::string_view(e.what()).find("NOSCRIPT") == std::string_view::npos) throw;
      sha.clear();
    }
  }
}

}  // namespace switchboard::redis
