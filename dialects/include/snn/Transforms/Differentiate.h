//===- Differentiate.h - Symbolic derivatives of arith/math ops -*- C++ -*-===//
//
// Part of snnc. Used by snn-integrate to find linear subsystems (Jacobians)
// and for exponential Euler. Derivatives are built as new ops with constant
// folding of 0 and 1, so that "does this derivative still depend on x" is a
// question about the use-def graph.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_TRANSFORMS_DIFFERENTIATE_H
#define SNN_TRANSFORMS_DIFFERENTIATE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace mlir::snn {

/// Builds float arithmetic, folding constants and the neutral elements of
/// + and * as it goes (x*0 = 0 too: these are symbolic manipulations of
/// finite model equations, not IEEE rewrites of user code).
class FoldingBuilder {
public:
  FoldingBuilder(OpBuilder &builder, Location loc, FloatType type)
      : b(builder), loc(loc), type(type) {}

  Value constant(double value);
  /// The value of `v` if it is a float constant.
  static std::optional<double> constantValue(Value v);
  static bool isConstant(Value v, double value) {
    std::optional<double> c = constantValue(v);
    return c && *c == value;
  }

  Value add(Value x, Value y);
  Value sub(Value x, Value y);
  Value mul(Value x, Value y);
  Value div(Value x, Value y);
  Value neg(Value x);
  Value exp(Value x);

  OpBuilder &builder() { return b; }
  Location getLoc() const { return loc; }
  void setLoc(Location l) { loc = l; }
  FloatType getType() const { return type; }

private:
  OpBuilder &b;
  Location loc;
  FloatType type;
};

/// Which arguments of one block each value (transitively) depends on.
class BlockDependencies {
public:
  explicit BlockDependencies(Block &block) : block(block) {}
  const llvm::BitVector &of(Value v);
  bool dependsOn(Value v, unsigned argNumber) {
    const llvm::BitVector &bits = of(v);
    return argNumber < bits.size() && bits.test(argNumber);
  }
  /// Whether `v` depends only on arguments in [begin, end).
  bool dependsOnlyOn(Value v, unsigned begin, unsigned end);

private:
  Block &block;
  llvm::DenseMap<Value, llvm::BitVector> cache;
};

/// d(value)/d(wrt) for values computed in wrt's block from arith/math ops.
/// Fails (returns a null Value) on an op it cannot differentiate that depends
/// on `wrt`.
class Differentiator {
public:
  Differentiator(FoldingBuilder &fb, BlockDependencies &deps,
                 BlockArgument wrt)
      : fb(fb), deps(deps), wrt(wrt) {}
  Value derivative(Value v);

private:
  Value compute(Value v);
  FoldingBuilder &fb;
  BlockDependencies &deps;
  BlockArgument wrt;
  llvm::DenseMap<Value, Value> cache;
};

} // namespace mlir::snn

#endif // SNN_TRANSFORMS_DIFFERENTIATE_H
