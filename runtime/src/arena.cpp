//===- arena.cpp - Arena layout and allocation
//-----------------------------===//

#include "snnrt/arena.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/mman.h>

namespace snnrt {

namespace {

bool alignUp(uint64_t v, uint64_t &out) {
  uint64_t a = kArenaAlignment;
  if (v > UINT64_MAX - (a - 1))
    return false;
  out = (v + a - 1) / a * a;
  return true;
}

} // namespace

bool layoutArena(const std::vector<uint64_t> &counts,
                 const std::vector<uint64_t> &elementSizes,
                 std::vector<ArenaSlot> &slots, uint64_t &totalBytes,
                 const std::vector<ArenaView> &views) {
  if (counts.size() != elementSizes.size() ||
      (!views.empty() && views.size() != counts.size()))
    return false;
  size_t b = counts.size();
  slots.assign(b, ArenaSlot());
  uint64_t at = uint64_t(2) * b * sizeof(int64_t);
  for (size_t k = 0; k < b; ++k) {
    uint64_t bytes = counts[k] * elementSizes[k];
    if (elementSizes[k] && bytes / elementSizes[k] != counts[k])
      return false;
    if (!views.empty() && views[k].of >= 0) {
      // Inside an earlier buffer of the same element size, itself no view.
      const ArenaView &v = views[k];
      size_t of = size_t(v.of);
      if (of >= k || views[of].of >= 0 ||
          elementSizes[of] != elementSizes[k] || v.at > counts[of] ||
          counts[k] > counts[of] - v.at)
        return false;
      slots[k] = {slots[of].offset + v.at * elementSizes[k], counts[k], bytes};
      continue;
    }
    if (!alignUp(at, at))
      return false;
    slots[k] = {at, counts[k], bytes};
    if (at > UINT64_MAX - bytes)
      return false;
    at += bytes;
  }
  if (!alignUp(at, at))
    return false;
  totalBytes = at == 0 ? kArenaAlignment : at;
  // The table itself stores int64 values.
  return totalBytes <= uint64_t(INT64_MAX);
}

Arena::~Arena() { release(); }

Arena::Arena(Arena &&o) noexcept
    : base_(o.base_), size_(o.size_), mapped_(o.mapped_),
      slots_(std::move(o.slots_)) {
  o.base_ = nullptr;
  o.size_ = 0;
  o.mapped_ = false;
  o.slots_.clear();
}

Arena &Arena::operator=(Arena &&o) noexcept {
  if (this != &o) {
    release();
    base_ = o.base_;
    size_ = o.size_;
    mapped_ = o.mapped_;
    slots_ = std::move(o.slots_);
    o.base_ = nullptr;
    o.size_ = 0;
    o.mapped_ = false;
    o.slots_.clear();
  }
  return *this;
}

void Arena::release() {
  if (mapped_)
    ::munmap(base_, size_t(size_));
  else
    std::free(base_);
  base_ = nullptr;
  size_ = 0;
  mapped_ = false;
  slots_.clear();
}

bool Arena::allocate(const std::vector<uint64_t> &counts,
                     const std::vector<uint64_t> &elementSizes,
                     std::string &error, const std::vector<ArenaView> &views) {
  release();
  std::vector<ArenaSlot> slots;
  uint64_t total = 0;
  if (!layoutArena(counts, elementSizes, slots, total, views)) {
    error = "arena: buffer sizes overflow, or a view outside its buffer";
    return false;
  }
  if (total > uint64_t(SIZE_MAX)) {
    error = "arena: too large for this machine";
    return false;
  }
  // Large arenas are mapped: their pages are zero, page-aligned and only
  // take memory once touched, so buffers that only the device writes cost
  // the host nothing until the arena is downloaded.
  bool mapped = total >= kArenaMapThreshold;
  void *p = nullptr;
  if (mapped) {
    p = ::mmap(nullptr, size_t(total), PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      p = nullptr;
  } else {
    p = std::aligned_alloc(kArenaAlignment, size_t(total));
    if (p)
      std::memset(p, 0, size_t(total));
  }
  if (!p) {
    error = "arena: cannot allocate " + std::to_string(total) + " bytes (" +
            std::to_string(total >> 20) + " MiB)";
    return false;
  }
  base_ = static_cast<uint8_t *>(p);
  size_ = total;
  mapped_ = mapped;
  slots_ = std::move(slots);
  int64_t *table = reinterpret_cast<int64_t *>(base_);
  for (size_t k = 0; k < slots_.size(); ++k) {
    table[2 * k] = int64_t(slots_[k].offset);
    table[2 * k + 1] = int64_t(slots_[k].count);
  }
  return true;
}

} // namespace snnrt
