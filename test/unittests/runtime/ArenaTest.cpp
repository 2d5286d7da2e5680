//===- ArenaTest.cpp - Arena layout and table
//------------------------------===//

#include "snnrt/arena.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

using namespace snnrt;

TEST(Arena, LayoutAlignsEveryBuffer) {
  std::vector<uint64_t> counts = {3, 1, 17, 0, 5};
  std::vector<uint64_t> sizes = {8, 4, 4, 8, 8};
  std::vector<ArenaSlot> slots;
  uint64_t total = 0;
  ASSERT_TRUE(layoutArena(counts, sizes, slots, total));
  ASSERT_EQ(slots.size(), 5u);
  EXPECT_EQ(slots[0].offset, 128u); // table: 5 * 16 = 80 bytes -> 128
  EXPECT_EQ(slots[1].offset, 192u); // 128 + 24 -> 192
  EXPECT_EQ(slots[2].offset, 256u); // 192 + 4 -> 256
  EXPECT_EQ(slots[3].offset, 384u); // 256 + 68 -> 384
  EXPECT_EQ(slots[4].offset, 384u); // an empty buffer takes no space
  EXPECT_EQ(slots[4].bytes, 40u);
  EXPECT_EQ(total, 448u); // 384 + 40 -> 448
  for (const ArenaSlot &s : slots)
    EXPECT_EQ(s.offset % 64, 0u);
}

TEST(Arena, LayoutSmallTableAndNoBuffers) {
  std::vector<ArenaSlot> slots;
  uint64_t total = 0;
  ASSERT_TRUE(layoutArena({2}, {4}, slots, total));
  EXPECT_EQ(slots[0].offset, 64u); // 16-byte table rounded up
  EXPECT_EQ(total, 128u);
  ASSERT_TRUE(layoutArena({}, {}, slots, total));
  EXPECT_EQ(total, 64u);
  // Overflow is reported, not wrapped.
  EXPECT_FALSE(layoutArena({uint64_t(1) << 62}, {8}, slots, total));
}

TEST(Arena, AllocateWritesTableAndZeroFills) {
  Arena a;
  std::string err;
  ASSERT_TRUE(a.allocate({4, 10, 1}, {8, 4, 8}, err)) << err;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % 64, 0u);
  const int64_t *table = reinterpret_cast<const int64_t *>(a.data());
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(uint64_t(table[2 * k]), a.slot(k).offset);
    EXPECT_EQ(uint64_t(table[2 * k + 1]), a.slot(k).count);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a.buffer<char>(k)) % 64, 0u);
  }
  EXPECT_EQ(table[1], 4);
  EXPECT_EQ(table[3], 10);
  EXPECT_EQ(table[5], 1);
  for (uint64_t i = 16 * 3; i < a.sizeBytes(); ++i)
    ASSERT_EQ(a.data()[i], 0) << "byte " << i;
  MemRefI8 m = a.memref();
  EXPECT_EQ(m.aligned, reinterpret_cast<int8_t *>(a.data()));
  EXPECT_EQ(m.allocated, m.aligned);
  EXPECT_EQ(m.offset, 0);
  EXPECT_EQ(m.size, int64_t(a.sizeBytes()));
  EXPECT_EQ(m.stride, 1);

  // Buffers do not overlap.
  a.buffer<double>(0)[3] = 1.0;
  a.buffer<int32_t>(1)[9] = 7;
  a.buffer<int64_t>(2)[0] = -1;
  EXPECT_EQ(a.buffer<double>(0)[3], 1.0);
  EXPECT_EQ(a.buffer<int32_t>(1)[9], 7);
  EXPECT_EQ(a.buffer<int64_t>(2)[0], -1);

  Arena b = std::move(a);
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(b.buffer<int32_t>(1)[9], 7);
}

TEST(Arena, MemRefLayoutMatchesMlirCInterface) {
  // struct { T *allocated, *aligned; int64_t offset, sizes[1], strides[1]; }
  EXPECT_EQ(sizeof(MemRefI8), 2 * sizeof(void *) + 3 * sizeof(int64_t));
  EXPECT_EQ(offsetof(MemRefI8, offset), 2 * sizeof(void *));
  EXPECT_EQ(offsetof(MemRefI8, stride), 2 * sizeof(void *) + 16);
}

TEST(Arena, LargeArenasAreMappedAndZero) {
  // 3 MiB: mapped, page-aligned (so 64-byte aligned), zero everywhere.
  Arena a;
  std::string err;
  ASSERT_TRUE(a.allocate({3 << 17, 5}, {8, 4}, err)) << err;
  EXPECT_TRUE(a.isMapped());
  EXPECT_GE(a.sizeBytes(), kArenaMapThreshold);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % 4096, 0u);
  const int64_t *table = reinterpret_cast<const int64_t *>(a.data());
  EXPECT_EQ(uint64_t(table[0]), a.slot(0).offset);
  EXPECT_EQ(table[1], 3 << 17);
  EXPECT_EQ(table[3], 5);
  const int64_t *words = reinterpret_cast<const int64_t *>(a.data());
  for (uint64_t i = 4; i < a.sizeBytes() / 8; ++i)
    ASSERT_EQ(words[i], 0) << "word " << i;
  a.buffer<int64_t>(0)[(3 << 17) - 1] = 42;
  a.buffer<int32_t>(1)[4] = -3;

  // Moves hand the mapping over; the moved-from arena is empty.
  Arena b(std::move(a));
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_FALSE(a.isMapped());
  EXPECT_EQ(a.numBuffers(), 0u);
  EXPECT_TRUE(b.isMapped());
  EXPECT_EQ(b.buffer<int64_t>(0)[(3 << 17) - 1], 42);
  EXPECT_EQ(b.buffer<int32_t>(1)[4], -3);
  Arena c;
  ASSERT_TRUE(c.allocate({4}, {8}, err)) << err;
  EXPECT_FALSE(c.isMapped()); // small: from the heap
  c = std::move(b);           // frees the small one, takes the mapping
  EXPECT_TRUE(c.isMapped());
  EXPECT_EQ(c.buffer<int32_t>(1)[4], -3);
  b = std::move(c); // back into a moved-from arena
  EXPECT_TRUE(b.isMapped());
  EXPECT_EQ(b.buffer<int64_t>(0)[(3 << 17) - 1], 42);
  // Reallocating releases the mapping first.
  ASSERT_TRUE(b.allocate({2}, {4}, err)) << err;
  EXPECT_FALSE(b.isMapped());
  EXPECT_EQ(b.buffer<int32_t>(0)[1], 0);
}

TEST(Arena, UntouchedPagesOfAMappedArenaCostNothing) {
  // 64 MiB that the host never writes (a device-only buffer) must not be
  // resident; reading /proc/self/statm before and after would be flaky, so
  // check mincore() on the untouched range instead.
  Arena a;
  std::string err;
  ASSERT_TRUE(a.allocate({uint64_t(64) << 20}, {1}, err)) << err;
  ASSERT_TRUE(a.isMapped());
  size_t page = size_t(::sysconf(_SC_PAGESIZE));
  size_t pages = (size_t(a.sizeBytes()) + page - 1) / page;
  std::vector<unsigned char> resident(pages);
  ASSERT_EQ(::mincore(a.data(), size_t(a.sizeBytes()), resident.data()), 0);
  size_t in = 0;
  for (unsigned char r : resident)
    in += r & 1;
  EXPECT_LE(in, 16u); // the table's page, at most a few more
}

TEST(Arena, ViewsLieInsideTheirBuffer) {
  // A group buffer of 10 f64 and two views of it (elements 0-6, 7-9), an
  // i32 buffer between them: views take no space and no alignment.
  std::vector<uint64_t> counts = {10, 3, 7, 3};
  std::vector<uint64_t> sizes = {8, 4, 8, 8};
  std::vector<ArenaView> views = {{}, {}, {0, 0}, {0, 7}};
  std::vector<ArenaSlot> slots;
  uint64_t total = 0;
  ASSERT_TRUE(layoutArena(counts, sizes, slots, total, views));
  EXPECT_EQ(slots[0].offset, 64u);  // table: 4 * 16 bytes
  EXPECT_EQ(slots[1].offset, 192u); // 64 + 80 -> 192
  EXPECT_EQ(slots[2].offset, 64u);
  EXPECT_EQ(slots[2].bytes, 56u);
  EXPECT_EQ(slots[3].offset, 64u + 7 * 8);
  EXPECT_EQ(slots[3].count, 3u);
  EXPECT_EQ(total, 256u); // 192 + 12 -> 256: the views added nothing
  // Written through a view, read through the group.
  Arena arena;
  std::string error;
  ASSERT_TRUE(arena.allocate(counts, sizes, error, views)) << error;
  arena.buffer<double>(3)[1] = 2.5;
  EXPECT_EQ(arena.buffer<double>(0)[8], 2.5);
  const int64_t *table = reinterpret_cast<const int64_t *>(arena.data());
  EXPECT_EQ(table[2 * 3], int64_t(64 + 7 * 8));
  EXPECT_EQ(table[2 * 3 + 1], 3);
}

TEST(Arena, ViewsThatDoNotFitAreRefused) {
  std::vector<ArenaSlot> slots;
  uint64_t total = 0;
  auto layout = [&](std::vector<uint64_t> counts, std::vector<uint64_t> sizes,
                    std::vector<ArenaView> views) {
    return layoutArena(counts, sizes, slots, total, views);
  };
  EXPECT_FALSE(layout({4, 3}, {8, 8}, {{}, {0, 2}}));   // past the end
  EXPECT_FALSE(layout({3, 4}, {8, 8}, {{1, 0}, {}}));   // a later buffer
  EXPECT_FALSE(layout({4, 2}, {8, 8}, {{}, {1, 0}}));   // itself
  EXPECT_FALSE(layout({4, 2, 1}, {8, 8, 8}, {{}, {0, 0}, {1, 0}})); // a view
  EXPECT_FALSE(layout({4, 2}, {8, 4}, {{}, {0, 0}}));   // another size
  EXPECT_FALSE(layout({4, 2}, {8, 8}, {{}}));           // views for some
  EXPECT_TRUE(layout({4, 2}, {8, 8}, {{}, {0, 2}}));
  Arena arena;
  std::string error;
  EXPECT_FALSE(arena.allocate({4, 3}, {8, 8}, error, {{}, {0, 2}}));
  EXPECT_NE(error.find("a view outside its buffer"), std::string::npos)
      << error;
}
