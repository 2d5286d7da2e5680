//===- Philox.h - Philox4x32-10 as arith ops --------------------*- C++ -*-===//
//
// Part of snnc. The same generator, keying and conversions as the runtime
// (docs/runtime-abi.md), emitted inline so that CPU and GPU code draw the
// same numbers.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_CONVERSION_SNNTOCORE_PHILOX_H
#define SNN_CONVERSION_SNNTOCORE_PHILOX_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <array>

namespace mlir::snn {

/// Draw purposes (the low 4 bits of counter word 3), as in the runtime.
enum class RandomPurpose : uint32_t {
  StepDraw = 1,
  InitialValue = 2,
  SourceValue = 3,
  Connectivity = 4,
  Weight = 5,
  Delay = 6,
  NoiseCurrent = 7,
  CurrentAmplitude = 8,
  PoissonInput = 9,
  /// A synapse model's variable other than the weight: element (synapse,
  /// variable), the variable's position among the model's.
  SynapseVariable = 10,
};

/// Philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1); all i32.
std::array<Value, 4> emitPhilox(OpBuilder &b, Location loc, Value k0, Value k1,
                                Value c0, Value c1, Value c2, Value c3);

/// The four words of the draw at (seed, c0, c1, c2) for `entity` and
/// `purpose` (seed: i64; c0..c2: i32).
std::array<Value, 4> emitDraw(OpBuilder &b, Location loc, Value seed, Value c0,
                              Value c1, Value c2, uint32_t entity,
                              RandomPurpose purpose);

/// The four words for a per-step draw of `entity` for element `index`
/// (index: `index` type; step and seed: i64).
std::array<Value, 4> emitStepDraw(OpBuilder &b, Location loc, Value seed,
                                  Value step, Value index, uint32_t entity,
                                  RandomPurpose purpose);

/// Uniform in [0, 1) of type `type` (f64: 53 bits of x0, x1; f32: 24 bits of
/// x0).
Value emitUniform(OpBuilder &b, Location loc, const std::array<Value, 4> &x,
                  FloatType type);

/// Standard normal by Box-Muller, computed in f64 and converted to `type`.
Value emitNormal(OpBuilder &b, Location loc, const std::array<Value, 4> &x,
                 FloatType type);

} // namespace mlir::snn

#endif // SNN_CONVERSION_SNNTOCORE_PHILOX_H
