//===- arena.h - The simulation arena ----------------------------*- C++
//-*-===//
//
// One 64-byte aligned byte array holding every buffer. It starts with a table
// of 2 * B little-endian int64: table[2k] = byte offset of buffer k,
// table[2k + 1] = its element count. Every buffer starts on a 64-byte
// boundary. Generated code receives it as a rank-1 i8 memref (MemRefI8).
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_ARENA_H
#define SNNRT_ARENA_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace snnrt {

/// MLIR's C-interface descriptor of a rank-1 memref<?xi8>
/// (struct snn_memref_i8 in docs/runtime-abi.md).
struct MemRefI8 {
  int8_t *allocated;
  int8_t *aligned;
  int64_t offset;
  int64_t size;
  int64_t stride;
};

/// A step function of one thread: hand-written models in the tests use it
/// (their descriptors have no "threads" section).
using StepFn = void (*)(MemRefI8 *arena, int64_t step, int64_t seed);

/// A phase of the generated step (_mlir_ciface_snn_update,
/// _mlir_ciface_snn_propagate), run by each of `nthreads` threads on its
/// share (docs/runtime-abi.md, "Threads").
using PhaseFn = void (*)(MemRefI8 *arena, int64_t step, int64_t seed,
                         int64_t tid, int64_t nthreads);

/// The generated connectivity build (_mlir_ciface_snn_build): build kernel
/// number `kernel` (the descriptor's build[].*.emulate) with (arena,
/// scratch, seed, n), as thread `tid` of `nthreads` running it at once.
using BuildFn = void (*)(MemRefI8 *arena, MemRefI8 *scratch, int64_t seed,
                         int64_t n, int64_t kernel, int64_t tid,
                         int64_t nthreads);

/// What a CPU simulator calls each step: `step`, or the two phases with a
/// barrier between them; and, when the descriptor lists build kernels,
/// `build` to draw the connectivity.
struct StepFunctions {
  StepFunctions() = default;
  StepFunctions(StepFn step) : step(step) {}
  StepFunctions(PhaseFn update, PhaseFn propagate, BuildFn build = nullptr)
      : update(update), propagate(propagate), build(build) {}
  StepFn step = nullptr;
  PhaseFn update = nullptr, propagate = nullptr;
  BuildFn build = nullptr;
  explicit operator bool() const { return step || (update && propagate); }
};

inline constexpr size_t kArenaAlignment = 64;
/// Arenas of at least this many bytes are anonymous memory maps (zero
/// pages, committed when first touched); smaller ones come from the heap.
inline constexpr uint64_t kArenaMapThreshold = uint64_t(1) << 20;

/// Placement of one buffer.
struct ArenaSlot {
  uint64_t offset = 0; ///< bytes from the start of the arena
  uint64_t count = 0;  ///< elements
  uint64_t bytes = 0;  ///< count * element size
};

/// A buffer that is part of another (a merged group's member): elements
/// [at, at + count) of buffer `of`, taking no memory of its own.
struct ArenaView {
  int64_t of = -1; ///< -1: a buffer of its own
  uint64_t at = 0;
};

/// Computes the layout of buffers with the given element counts and sizes:
/// the table first, then each buffer at the next 64-byte boundary; a view
/// (`views[k].of >= 0`, when `views` is given) where its elements lie in an
/// earlier buffer that is no view. Returns the total size (a multiple of
/// 64, at least 64). False on overflow or a view that does not fit.
bool layoutArena(const std::vector<uint64_t> &counts,
                 const std::vector<uint64_t> &elementSizes,
                 std::vector<ArenaSlot> &slots, uint64_t &totalBytes,
                 const std::vector<ArenaView> &views = {});

class Arena {
public:
  Arena() = default;
  ~Arena();
  Arena(Arena &&other) noexcept;
  Arena &operator=(Arena &&other) noexcept;
  Arena(const Arena &) = delete;
  Arena &operator=(const Arena &) = delete;

  /// Lays out, allocates and zero-fills the arena and writes the table.
  /// Large arenas (kArenaMapThreshold) are mapped: a page the host never
  /// touches takes no memory.
  bool allocate(const std::vector<uint64_t> &counts,
                const std::vector<uint64_t> &elementSizes, std::string &error,
                const std::vector<ArenaView> &views = {});

  uint8_t *data() { return base_; }
  const uint8_t *data() const { return base_; }
  uint64_t sizeBytes() const { return size_; }
  /// The arena is an anonymous memory map (see allocate()).
  bool isMapped() const { return mapped_; }
  size_t numBuffers() const { return slots_.size(); }
  const ArenaSlot &slot(size_t k) const { return slots_[k]; }

  /// Pointer to buffer k viewed as T.
  template <typename T> T *buffer(size_t k) {
    return reinterpret_cast<T *>(base_ + slots_[k].offset);
  }
  template <typename T> const T *buffer(size_t k) const {
    return reinterpret_cast<const T *>(base_ + slots_[k].offset);
  }

  /// The memref descriptor passed to the step function.
  MemRefI8 memref() {
    return {reinterpret_cast<int8_t *>(base_),
            reinterpret_cast<int8_t *>(base_), 0, int64_t(size_), 1};
  }

private:
  void release();
  uint8_t *base_ = nullptr;
  uint64_t size_ = 0;
  bool mapped_ = false; ///< munmap, not free
  std::vector<ArenaSlot> slots_;
};

} // namespace snnrt

#endif // SNNRT_ARENA_H
