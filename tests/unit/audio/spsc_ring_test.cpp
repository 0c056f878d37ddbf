#include "audio/spsc_ring.hpp"

#include <numeric>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace switchboard::audio {
namespace {

std::vector<int> seq(int from, int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), from);
  return v;
}

TEST(SpscRing, CapacityIsRoundedUpToAPowerOfTwo) {
  EXPECT_EQ(SpscRing<int>(1).capacity(), 2u);
  EXPECT_EQ(SpscRing<int>(320).capacity(), 512u);
  EXPECT_EQ(SpscRing<int>(1024).capacity(), 1024u);
}

TEST(SpscRing, EmptyReadsNothingAndCountsAnUnderrun) {
  SpscRing<int> r(8);
  int out[4];
  EXPECT_EQ(r.read(out, 4), 0u);
  EXPECT_EQ(r.underruns(), 1u);
  EXPECT_EQ(r.size(), 0u);
}

TEST(SpscRing, FullDropsTheExcessAndCountsIt) {
  SpscRing<int> r(8);
  const auto in = seq(0, 11);
  EXPECT_EQ(r.write(in.data(), in.size()), 8u);
  EXPECT_EQ(r.overruns(), 3u);
  EXPECT_EQ(r.size(), 8u);
  EXPECT_EQ(r.write(in.data(), 1), 0u);
  EXPECT_EQ(r.overruns(), 4u);
  std::vector<int> out(8);
  EXPECT_EQ(r.read(out.data(), 8), 8u);
  EXPECT_EQ(out, seq(0, 8)) << "what fitted arrives; the excess was the newest";
}

TEST(SpscRing, BulkReadsAndWritesAcrossTheWrap) {
  SpscRing<int> r(8);
  std::vector<int> out(8);
  ASSERT_EQ(r.write(seq(0, 6).data(), 6), 6u);
  ASSERT_EQ(r.read(out.data(), 5), 5u);
  // Head is at 6, tail at 5: the next write of 6 wraps after 2.
  ASSERT_EQ(r.write(seq(6, 6).data(), 6), 6u);
  ASSERT_EQ(r.read(out.data(), 7), 7u);
  EXPECT_EQ(std::vector<int>(out.begin(), out.begin() + 7), seq(5, 7));
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.overruns(), 0u);
  EXPECT_EQ(r.underruns(), 0u);
}

TEST(SpscRing, ZeroCopyRegionsSplitAtTheEnd) {
  SpscRing<int> r(8);
  std::vector<int> sink(8);
  r.write(seq(0, 6).data(), 6);
  r.read(sink.data(), 6);  // both indices at 6
  auto w = r.write_regions(5);
  ASSERT_EQ(w.first.size(), 2u);
  ASSERT_EQ(w.second.size(), 3u);
  for (std::size_t i = 0; i < w.first.size(); ++i) w.first[i] = 100 + static_cast<int>(i);
  for (std::size_t i = 0; i < w.second.size(); ++i) w.second[i] = 102 + static_cast<int>(i);
  EXPECT_EQ(r.size(), 0u) << "nothing is visible before the commit";
  r.commit_write(5);
  auto rd = r.read_regions(8);
  ASSERT_EQ(rd.size(), 5u);
  std::vector<int> got(rd.first.begin(), rd.first.end());
  got.insert(got.end(), rd.second.begin(), rd.second.end());
  EXPECT_EQ(got, seq(100, 5));
  r.commit_read(3);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r.write_regions(100).size(), 6u) << "never more than the free room";
}

TEST(SpscRing, TwoThreadsDeliverEverySampleOnceAndInOrder) {
  constexpr std::uint64_t kTotal = 5'000'000;
  SpscRing<std::uint64_t> r(4096);
  std::thread producer([&] {
    std::uint64_t next = 0;
    std::uint64_t chunk[333];
    while (next < kTotal) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(1 + next % 333, kTotal - next));
      for (std::size_t i = 0; i < n; ++i) chunk[i] = next + i;
      // Only what fits is taken; the rest is offered again.
      auto w = r.write_regions(n);
      std::memcpy(w.first.data(), chunk, w.first.size_bytes());
      std::memcpy(w.second.data(), chunk + w.first.size(), w.second.size_bytes());
      r.commit_write(w.size());
      next += w.size();
    }
  });
  std::uint64_t expected = 0;
  std::uint64_t out[512];
  bool in_order = true;
  while (expected < kTotal) {
    const std::size_t n = r.read(out, 1 + expected % 511);
    for (std::size_t i = 0; i < n; ++i) {
      in_order = in_order && out[i] == expected;
      ++expected;
    }
  }
  producer.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expected, kTotal);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.overruns(), 0u) << "the producer never wrote past the free room";
}

}  // namespace
}  // namespace switchboard::audio
