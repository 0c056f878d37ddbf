#include "core/heap_trimmer.hpp"

#include <unistd.h>

#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "core/manual_clock.hpp"

namespace switchboard::core {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kThreshold = 1 << 20;

TEST(HeapTrimmer, TrimsOnceABurstHasFreedEnoughAndAfterTheDelay) {
  ManualClock clock;
  Executor executor(0);  // run by poll() here
  HeapTrimmer trimmer(clock, executor, kThreshold, milliseconds(500));
  trimmer.freed(kThreshold / 2);
  clock.advance(milliseconds(600));
  executor.poll();
  EXPECT_EQ(trimmer.trims(), 0u) << "not enough freed yet";

  for (int i = 0; i < 10; ++i) trimmer.freed(kThreshold / 4);  // the burst crosses the threshold
  clock.advance(milliseconds(400));
  executor.poll();
  EXPECT_EQ(trimmer.trims(), 0u) << "the delay has not passed";
  clock.advance(milliseconds(100));
  executor.poll();
  EXPECT_EQ(trimmer.trims(), 1u) << "one trim for the whole burst";

  // The count starts again after a trim.
  trimmer.freed(kThreshold / 2);
  clock.advance(milliseconds(600));
  executor.poll();
  EXPECT_EQ(trimmer.trims(), 1u);
  trimmer.freed(kThreshold / 2);
  clock.advance(milliseconds(600));
  executor.poll();
  EXPECT_EQ(trimmer.trims(), 2u);
}

TEST(HeapTrimmer, GoneBeforeItsDelayItTrimsNothing) {
  ManualClock clock;
  Executor executor(0);
  std::uint64_t trims = 0;
  {
    HeapTrimmer trimmer(clock, executor, kThreshold, milliseconds(500));
    trimmer.freed(kThreshold);
    trims = trimmer.trims();
  }
  clock.advance(milliseconds(600));
  EXPECT_EQ(executor.poll(), 0u) << "the cancelled timer posts nothing";
  EXPECT_EQ(trims, 0u);
}

// Sanitizer builds bring their own allocator, which malloc_trim does not
// touch: the RSS test is for the C library's.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
std::size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// What the trim is for: memory freed between blocks still in use (which
// free() alone keeps) goes back to the system.
TEST(HeapTrimmer, ItsTrimGivesBackMemoryFreedBetweenBlocksInUse) {
  constexpr std::size_t kBlock = 100 * 1024;  // under glibc's mmap threshold: from the heap
  constexpr std::size_t kBlocks = 600;
  std::vector<char *> blocks;
  for (std::size_t i = 0; i < kBlocks; ++i) {
    auto *b = static_cast<char *>(std::malloc(kBlock));
    ASSERT_NE(b, nullptr);
    for (std::size_t at = 0; at < kBlock; at += 4096) b[at] = 1;  // resident
    blocks.push_back(b);
  }
  for (std::size_t i = 0; i < kBlocks; i += 2) std::free(blocks[i]);  // holes between blocks in use
  const std::size_t holes = kBlocks / 2 * kBlock;
  const std::size_t before = rss_bytes();

  ManualClock clock;
  Executor executor(0);
  HeapTrimmer trimmer(clock, executor, kThreshold, milliseconds(10));
  trimmer.freed(holes);
  clock.advance(milliseconds(10));
  executor.poll();
  ASSERT_EQ(trimmer.trims(), 1u);
  const std::size_t after = rss_bytes();
  EXPECT_LT(after + holes / 2, before) << "RSS " << before << " → " << after << " bytes";
  for (std::size_t i = 1; i < kBlocks; i += 2) std::free(blocks[i]);
}
#endif

}  // namespace
}  // namespace switchboard::core
