//===- Target.h - what the CPU and GPU lowerings do differently -*- C++ -*-===//
//
// Part of snnc. convert-snn-to-core asks its target, instead of branching
// on it, for what differs between the CPU and the GPU lowerings (in the
// manner of Triton's TargetInfo): which ops a target cannot lower yet, the
// spike buffers' shapes and the buffers only one target has, the step
// functions' arguments, how an element is accumulated, which loops are
// marked for snn-vectorize-loops, extra simplifications, the step functions
// themselves and the descriptor's target section. The families of ops
// (Lowering.h) are lowered by the same code for both.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_CONVERSION_SNNTOCORE_TARGET_H
#define SNN_CONVERSION_SNNTOCORE_TARGET_H

#include "snn/Dialect/SNN/SNNOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir::snn::lowering {

class NetworkLowering;
struct Spiking;

class LoweringTarget {
public:
  virtual ~LoweringTarget() = default;

  /// The target's name in schedules ("cpu", "gpu").
  virtual StringRef name() const = 0;

  /// Why projection `op` cannot be lowered for this target, if it cannot.
  virtual std::optional<std::string> unsupported(ProjectionOp op) const {
    return std::nullopt;
  }

  /// Cells of a spike count buffer, and elements of the spike list of an
  /// entity of `size` neurons.
  virtual int64_t spikeCountCells() const = 0;
  virtual int64_t spikeListLength(int64_t size) const = 0;
  /// Cells at the start of each slot of a synapse model's spike history
  /// that hold the slot's spike counts: one per CPU thread, one on the GPU.
  virtual int64_t historyCells() const = 0;
  /// A loop over the neurons of `s` that this thread updates (the CPU: its
  /// share; the GPU: a grid-stride loop over all of them); the builder is
  /// left at the start of its body. With `parallel`, iteration i touches
  /// neuron i's elements only (markParallel).
  virtual scf::ForOp ownNeurons(NetworkLowering &, Spiking &s,
                                bool parallel) const = 0;
  /// Buffers of the target's own, planned in order with the common ones:
  /// after each spiking entity's, after the rings, and per recording.
  virtual void planSpiking(NetworkLowering &, Spiking &) const {}
  virtual void planStep(NetworkLowering &) const {}
  virtual void planSpikeRecord(NetworkLowering &, Spiking &) const {}
  virtual void planGroup(NetworkLowering &, struct Group &) const {}
  virtual void planStateRecord(NetworkLowering &, RecordStateOp) const {}
  /// A synapse recording (snn.record_synapse_state), whose values are in
  /// buffer `sample` (`size` of them), after every snn.record_state.
  virtual void planSynapseRecord(NetworkLowering &, RecordSynapseStateOp,
                                 int sample, int64_t size) const {}

  /// Binds the arguments of a step function (its entry block) to the
  /// lowering's arena, step, seed, parity, thread and thread count.
  virtual void bindArguments(NetworkLowering &, Block *entry) const = 0;
  /// `memref[index] += amount`.
  virtual void accumulate(OpBuilder &b, Location loc, Value memref,
                          Value index, Value amount) const = 0;
  /// Marks a loop whose iteration i touches neuron i's elements only (but
  /// for an ordered spike append) for snn-vectorize-loops.
  virtual void markParallel(scf::ForOp) const {}
  /// Patterns added to the simplification of the step functions.
  virtual void addSimplifyPatterns(RewritePatternSet &) const {}

  /// The step functions.
  virtual LogicalResult emitStep(NetworkLowering &) const = 0;
  /// Adds the target's section to the descriptor.
  virtual void describe(NetworkLowering &, llvm::json::Object &) const = 0;
};

/// snn_update and snn_propagate, run by every thread on its share
/// (docs/runtime-abi.md, "Threads"); `inlineLimit` as the pass option.
std::unique_ptr<LoweringTarget> createCPUTarget(int64_t inlineLimit);
/// The step as phase bodies for grid-stride kernels, device-side state and
/// recording (docs/gpu-abi.md).
std::unique_ptr<LoweringTarget> createGPUTarget();

} // namespace mlir::snn::lowering

#endif // SNN_CONVERSION_SNNTOCORE_TARGET_H
