// The cache contract: a miss leaves the sink alone, a value comes back byte
// for byte, erase and clear forget, time to live follows the host's clock,
// an oversized value is refused or kept whole, stats has its fields, and
// calls from many threads at once keep all of that.
#include <unistd.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "plugin_test/calls.hpp"
#include "plugin_test/check.hpp"
#include "plugin_test/streaming_session.hpp"
#include "switchboard/cache.h"

namespace switchboard::plugin_test {
namespace {

// The cache of one instance, with each call's outcome as values.
class CacheUnderTest {
 public:
  explicit CacheUnderTest(KitInstance &instance) : instance_(instance), vt_(instance.vtable<sb_cache_vtable>()) {}

  struct Got {
    sb_status status = SB_OK;
    bool found = false;
    bool wrote = false;  // the sink was written
    std::string value;
    std::string problem;  // a malformed error message
  };

  Got get(const std::string &key) {
    Got g;
    sb_sink out{[](void *user, const char *data, size_t size) {
                  auto &got = *static_cast<Got *>(user);
                  got.wrote = true;
                  got.value.append(data, size);
                },
                &g};
    sb_error err = poisoned_error();
    g.found = !g.found;  // the plugin must set or clear it
    guard("get()", [&] { g.status = vt_.get(instance_.handle(), key.data(), key.size(), out, &g.found, &err); });
    if (g.status != SB_OK) g.problem = error_problem(err);
    return g;
  }
  sb_status put(const std::string &key, const std::string &value, std::uint32_t ttl, std::string *message = nullptr) {
    sb_error err = poisoned_error();
    sb_status s = SB_OK;
    guard("put()",
          [&] { s = vt_.put(instance_.handle(), key.data(), key.size(), value.data(), value.size(), ttl, &err); });
    if (s != SB_OK && message != nullptr) *message = error_problem(err).empty() ? err.message : error_problem(err);
    return s;
  }
  sb_status erase(const std::string &key) {
    sb_error err = poisoned_error();
    sb_status s = SB_OK;
    guard("erase()", [&] { s = vt_.erase(instance_.handle(), key.data(), key.size(), &err); });
    return s;
  }
  sb_status clear() {
    sb_error err = poisoned_error();
    sb_status s = SB_OK;
    guard("clear()", [&] { s = vt_.clear(instance_.handle(), &err); });
    return s;
  }
  nlohmann::json stats() {
    std::string text;
    sb_sink out{[](void *u, const char *d, size_t n) { static_cast<std::string *>(u)->append(d, n); }, &text};
    sb_error err = poisoned_error();
    sb_status s = SB_OK;
    guard("stats()", [&] { s = vt_.stats(instance_.handle(), out, &err); });
    if (s != SB_OK) return nullptr;
    return nlohmann::json::parse(text, nullptr, false);
  }

 private:
  KitInstance &instance_;
  const sb_cache_vtable &vt_;
};

// Keys of this run, so that a shared cache (Redis) holds nothing of another.
std::string key(const std::string &name) {
  return "plugin-test:" + std::to_string(::getpid()) + ":" + name;
}

std::string describe(const CacheUnderTest::Got &g) {
  if (g.status != SB_OK)
    return "status " + std::to_string(g.status) + (g.problem.empty() ? "" : " (" + g.problem + ")");
  return g.found ? "found " + std::to_string(g.value.size()) + " bytes" : "a miss";
}

Verdict cache_semantics(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  CacheUnderTest c(s.instance());
  const std::string k = key("semantics"), binary("v\0a\xffl\nue", 8);
  auto g = c.get(k);
  if (g.status != SB_OK) return fail("get of a key never put: " + describe(g) + "; a miss is SB_OK");
  if (g.found || g.wrote) return fail("get of a key never put set *found or wrote to the sink");
  if (std::string m; c.put(k, binary, 60, &m) != SB_OK) return fail("put failed: " + m);
  g = c.get(k);
  if (!g.found || g.value != binary) return fail("get after put: " + describe(g) + ", not the 8 bytes put");
  if (c.put(k, "second", 60) != SB_OK) return fail("put over a value failed");
  g = c.get(k);
  if (g.value != "second") return fail("get after a second put: " + describe(g) + ", not the value put last");
  if (c.erase(k) != SB_OK) return fail("erase failed");
  if (g = c.get(k); g.found) return fail("get after erase found the value");
  if (c.erase(k) != SB_OK) return fail("erase of a missing key is not SB_OK");
  c.put(key("a"), "1", 60);
  c.put(key("b"), "2", 60);
  if (c.clear() != SB_OK) return fail("clear failed");
  if (c.get(key("a")).found || c.get(key("b")).found) return fail("get after clear found a value");
  return s.verdict(pass());
}

Verdict cache_ttl(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  CacheUnderTest c(s.instance());
  const std::string k = key("ttl");
  if (std::string m; c.put(k, "soon gone", 1, &m) != SB_OK) return fail("put failed: " + m);
  if (!c.get(k).found) return fail("a value put with a 1 s time to live is not there at once");
  s.instance().host().step_clock(std::chrono::seconds(2));
  if (!c.get(k).found) return s.verdict(pass("expired when the host's clock passed its time to live"));
  // A networked cache keeps time on its server: then real time must do it.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the server's clock, not an event here
    if (!c.get(k).found) return s.verdict(pass("expired by the cache's own clock (a server's)"));
  }
  return fail(
      "a value put with a 1 s time to live was still there 2 s later on the host's clock and 3 s later in "
      "real time");
}

Verdict cache_oversize(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  CacheUnderTest c(s.instance());
  const std::string k = key("large");
  std::string large(16u << 20, '\0');
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>('a' + i % 23);
  std::string message;
  const sb_status put = c.put(k, large, 60, &message);
  if (put != SB_OK && put != SB_INVALID_INPUT) {
    return fail("a 16 MB value got status " + std::to_string(put) + "; refuse it (SB_INVALID_INPUT) or keep it");
  }
  const auto g = c.get(k);
  if (g.status != SB_OK) return fail("get after a 16 MB put: " + describe(g));
  if (g.found && g.value != large) return fail("a 16 MB value came back changed (" + describe(g) + ")");
  if (std::string m; c.put(key("small"), "small", 60, &m) != SB_OK) return fail("after a 16 MB put, put fails: " + m);
  if (c.get(key("small")).value != "small") return fail("after a 16 MB put, the cache no longer keeps values");
  return s.verdict(pass(g.found ? "kept whole" : put == SB_OK ? "not kept (over the configured maximum)" : "refused"));
}

Verdict cache_stats(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  CacheUnderTest c(s.instance());
  const auto before = c.stats();
  if (!before.is_object()) return fail("stats wrote something that is not a JSON object");
  for (const char *field : {"entries", "bytes", "hits", "misses", "evictions"}) {
    if (!before.contains(field) || !before[field].is_number())
      return fail(std::string("stats has no number \"") + field + "\"");
  }
  const std::string k = key("stats");
  c.put(k, "x", 60);
  c.get(k);
  c.get(key("never"));
  const auto after = c.stats();
  if (!after.is_object() || after.value("hits", 0.0) <= before.value("hits", 0.0) ||
      after.value("misses", 0.0) <= before.value("misses", 0.0)) {
    return fail("stats' hits and misses did not count a hit and a miss: " + after.dump());
  }
  c.erase(k);
  return s.verdict(pass(after.dump()));
}

Verdict cache_threads(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  CacheUnderTest c(s.instance());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string k = key("t" + std::to_string(t) + "-" + std::to_string(i % 5));
        const std::string v = std::to_string(t) + ":" + std::to_string(i);
        if (c.put(k, v, 60) != SB_OK) ++wrong;
        const auto g = c.get(k);
        if (g.status != SB_OK || !g.found || g.value != v) ++wrong;
      }
    });
  }
  for (auto &t : threads) t.join();
  c.clear();
  if (wrong.load() > 0) return fail(std::to_string(wrong.load()) + " of 800 calls from 8 threads went wrong");
  return s.verdict(pass("800 calls from 8 threads at once"));
}

}  // namespace

std::vector<Check> cache_checks() {
  return {
      {"cache_semantics", "cache.h", 15, "Writes the value to value_out and sets *found, or leaves value_out",
       &cache_semantics},
      {"cache_ttl", "abi.h", 122, "nanoseconds. Use it for anything timed (a cache's time to live): the", &cache_ttl},
      {"cache_oversize", "cache.h", 16, "A miss is SB_OK.", &cache_oversize},
      {"cache_stats", "cache.h", 23, "Writes a JSON object with at least \"entries\", \"bytes\", \"hits\", \"misses\",",
       &cache_stats},
      {"cache_threads", "cache.h", 11, "[any-thread, thread-safe", &cache_threads},
  };
}

}  // namespace switchboard::plugin_test
