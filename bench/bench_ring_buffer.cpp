// The audio ring against boost::lockfree::spsc_queue and
// moodycamel::ConcurrentQueue, producer and consumer on two threads:
// throughput for single samples and for 20 ms frames (320 samples), frame
// latency (write to read) percentiles, and heap allocations per item.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/lockfree/spsc_queue.hpp>
// GCC 12 misreads an atomic load inside moodycamel's bulk enqueue as an
// overflow; the comparison queue is not ours to change.
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#include <concurrentqueue/concurrentqueue.h>

#include "allocation_counter.hpp"
#include "audio/spsc_ring.hpp"

namespace {

using Sample = std::int16_t;
constexpr std::size_t kFrame = 320;
constexpr std::size_t kCapacity = 16384;

struct Ring {
  switchboard::audio::SpscRing<Sample> q{kCapacity};
  std::size_t push(const Sample *s, std::size_t n) { return q.write(s, n); }
  std::size_t pop(Sample *s, std::size_t n) { return q.read(s, n); }
};

struct Boost {
  boost::lockfree::spsc_queue<Sample, boost::lockfree::capacity<kCapacity>> q;
  std::size_t push(const Sample *s, std::size_t n) { return n == 1 ? (q.push(*s) ? 1 : 0) : q.push(s, n); }
  std::size_t pop(Sample *s, std::size_t n) { return n == 1 ? (q.pop(*s) ? 1 : 0) : q.pop(s, n); }
};

struct Moody {
  moodycamel::ConcurrentQueue<Sample> q{kCapacity};
  moodycamel::ProducerToken token{q};
  std::size_t push(const Sample *s, std::size_t n) {
    if (n == 1) return q.try_enqueue(token, *s) ? 1 : 0;
    return q.try_enqueue_bulk(token, s, n) ? n : 0;
  }
  std::size_t pop(Sample *s, std::size_t n) { return n == 1 ? (q.try_dequeue(*s) ? 1 : 0) : q.try_dequeue_bulk(s, n); }
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Moves `total` samples in chunks of `chunk`; with frames, each frame carries
// its write time in its first four samples.
template <class Q>
void transfer(benchmark::State &state, std::size_t chunk) {
  constexpr std::size_t kTotal = 2'000'000;
  const std::size_t frames = kTotal / chunk;
  std::vector<double> latency_ns;
  latency_ns.reserve(chunk == kFrame ? frames : 0);
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    auto q = std::make_unique<Q>();
    latency_ns.clear();
    const auto before = switchboard::bench::allocations();
    std::thread producer([&] {
      std::vector<Sample> buf(chunk, 1);
      for (std::size_t f = 0; f < frames; ++f) {
        if (chunk == kFrame) {
          const std::int64_t t = now_ns();
          std::memcpy(buf.data(), &t, sizeof t);
        }
        std::size_t done = 0;
        while (done < chunk) done += q->push(buf.data() + done, chunk - done);
      }
    });
    std::vector<Sample> out(chunk);
    for (std::size_t f = 0; f < frames; ++f) {
      std::size_t got = 0;
      while (got < chunk) got += q->pop(out.data() + got, chunk - got);
      if (chunk == kFrame) {
        std::int64_t t;
        std::memcpy(&t, out.data(), sizeof t);
        latency_ns.push_back(static_cast<double>(now_ns() - t));
      }
    }
    producer.join();
    allocations += switchboard::bench::allocations() - before;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frames * chunk));
  // The queue's own allocation at construction is counted; per item it is ~0.
  state.counters["allocs_per_item"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations() * frames * chunk);
  if (!latency_ns.empty()) {
    std::sort(latency_ns.begin(), latency_ns.end());
    state.counters["frame_latency_p50_us"] = latency_ns[latency_ns.size() / 2] / 1000;
    state.counters["frame_latency_p99_us"] = latency_ns[latency_ns.size() * 99 / 100] / 1000;
  }
}

void BM_RingSamples(benchmark::State &s) {
  transfer<Ring>(s, 1);
}
void BM_BoostSamples(benchmark::State &s) {
  transfer<Boost>(s, 1);
}
void BM_MoodycamelSamples(benchmark::State &s) {
  transfer<Moody>(s, 1);
}
void BM_RingFrames(benchmark::State &s) {
  transfer<Ring>(s, kFrame);
}
void BM_BoostFrames(benchmark::State &s) {
  transfer<Boost>(s, kFrame);
}
void BM_MoodycamelFrames(benchmark::State &s) {
  transfer<Moody>(s, kFrame);
}

}  // namespace

BENCHMARK(BM_RingSamples)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BoostSamples)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MoodycamelSamples)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RingFrames)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BoostFrames)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MoodycamelFrames)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
