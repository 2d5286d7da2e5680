//===- Differentiate.cpp - Symbolic derivatives of arith/math ops ---------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/Transforms/Differentiate.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::snn;

//===----------------------------------------------------------------------===//
// FoldingBuilder
//===----------------------------------------------------------------------===//

Value FoldingBuilder::constant(double value) {
  return b.create<arith::ConstantOp>(loc, b.getFloatAttr(type, value));
}

std::optional<double> FoldingBuilder::constantValue(Value v) {
  FloatAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr.getValueAsDouble();
  return std::nullopt;
}

Value FoldingBuilder::add(Value x, Value y) {
  auto cx = constantValue(x), cy = constantValue(y);
  if (cx && cy)
    return constant(*cx + *cy);
  if (cx && *cx == 0.0)
    return y;
  if (cy && *cy == 0.0)
    return x;
  return b.create<arith::AddFOp>(loc, x, y);
}

Value FoldingBuilder::sub(Value x, Value y) {
  auto cx = constantValue(x), cy = constantValue(y);
  if (cx && cy)
    return constant(*cx - *cy);
  if (cy && *cy == 0.0)
    return x;
  if (cx && *cx == 0.0)
    return neg(y);
  return b.create<arith::SubFOp>(loc, x, y);
}

Value FoldingBuilder::mul(Value x, Value y) {
  auto cx = constantValue(x), cy = constantValue(y);
  if (cx && cy)
    return constant(*cx * *cy);
  if ((cx && *cx == 0.0) || (cy && *cy == 0.0))
    return constant(0.0);
  if (cx && *cx == 1.0)
    return y;
  if (cy && *cy == 1.0)
    return x;
  if (cx && *cx == -1.0)
    return neg(y);
  if (cy && *cy == -1.0)
    return neg(x);
  return b.create<arith::MulFOp>(loc, x, y);
}

Value FoldingBuilder::div(Value x, Value y) {
  auto cx = constantValue(x), cy = constantValue(y);
  if (cx && cy && *cy != 0.0)
    return constant(*cx / *cy);
  if (cx && *cx == 0.0)
    return constant(0.0);
  if (cy && *cy == 1.0)
    return x;
  return b.create<arith::DivFOp>(loc, x, y);
}

Value FoldingBuilder::neg(Value x) {
  if (auto cx = constantValue(x))
    return constant(-*cx);
  if (auto inner = x.getDefiningOp<arith::NegFOp>())
    return inner.getOperand();
  return b.create<arith::NegFOp>(loc, x);
}

Value FoldingBuilder::exp(Value x) {
  if (auto cx = constantValue(x))
    return constant(std::exp(*cx));
  return b.create<math::ExpOp>(loc, x);
}

//===----------------------------------------------------------------------===//
// BlockDependencies
//===----------------------------------------------------------------------===//

const llvm::BitVector &BlockDependencies::of(Value v) {
  auto it = cache.find(v);
  if (it != cache.end())
    return it->second;
  llvm::BitVector bits(block.getNumArguments());
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    if (arg.getOwner() == &block)
      bits.set(arg.getArgNumber());
  } else if (Operation *op = v.getDefiningOp()) {
    for (Value operand : op->getOperands())
      bits |= of(operand);
  }
  return cache[v] = std::move(bits);
}

bool BlockDependencies::dependsOnlyOn(Value v, unsigned begin, unsigned end) {
  const llvm::BitVector &bits = of(v);
  for (unsigned i : bits.set_bits())
    if (i < begin || i >= end)
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// Differentiator
//===----------------------------------------------------------------------===//

Value Differentiator::derivative(Value v) {
  auto it = cache.find(v);
  if (it != cache.end())
    return it->second;
  Value d = compute(v);
  cache[v] = d;
  return d;
}

Value Differentiator::compute(Value v) {
  if (v == wrt)
    return fb.constant(1.0);
  if (!deps.dependsOn(v, wrt.getArgNumber()))
    return fb.constant(0.0);
  Operation *op = v.getDefiningOp();
  if (!op)
    return {};
  fb.setLoc(op->getLoc());

  // d of each operand; null if one fails.
  auto d = [&](unsigned i) { return derivative(op->getOperand(i)); };
  auto x = [&](unsigned i) { return op->getOperand(i); };
  OpBuilder &b = fb.builder();
  Location loc = op->getLoc();

  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](arith::AddFOp) -> Value {
        Value da = d(0), db = d(1);
        return da && db ? fb.add(da, db) : Value();
      })
      .Case([&](arith::SubFOp) -> Value {
        Value da = d(0), db = d(1);
        return da && db ? fb.sub(da, db) : Value();
      })
      .Case([&](arith::MulFOp) -> Value {
        Value da = d(0), db = d(1);
        if (!da || !db)
          return {};
        return fb.add(fb.mul(da, x(1)), fb.mul(x(0), db));
      })
      .Case([&](arith::DivFOp) -> Value {
        Value da = d(0), db = d(1);
        if (!da || !db)
          return {};
        // (a/b)' = a'/b - a b' / b^2
        Value first = fb.div(da, x(1));
        if (FoldingBuilder::isConstant(db, 0.0))
          return first;
        return fb.sub(first, fb.div(fb.mul(x(0), db), fb.mul(x(1), x(1))));
      })
      .Case([&](arith::NegFOp) -> Value {
        Value da = d(0);
        return da ? fb.neg(da) : Value();
      })
      .Case([&](arith::SelectOp) -> Value {
        Value da = derivative(x(1)), db = derivative(x(2));
        if (!da || !db)
          return {};
        if (da == db)
          return da;
        return b.create<arith::SelectOp>(loc, x(0), da, db);
      })
      .Case([&](arith::MaximumFOp) -> Value {
        Value da = d(0), db = d(1);
        if (!da || !db)
          return {};
        Value c = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE,
                                          x(0), x(1));
        return b.create<arith::SelectOp>(loc, c, da, db);
      })
      .Case([&](arith::MinimumFOp) -> Value {
        Value da = d(0), db = d(1);
        if (!da || !db)
          return {};
        Value c = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLE,
                                          x(0), x(1));
        return b.create<arith::SelectOp>(loc, c, da, db);
      })
      .Case([&](math::AbsFOp) -> Value {
        Value da = d(0);
        if (!da)
          return {};
        Value c = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGE,
                                          x(0), fb.constant(0.0));
        return b.create<arith::SelectOp>(loc, c, da, fb.neg(da));
      })
      .Case([&](math::ExpOp) -> Value {
        Value da = d(0);
        return da ? fb.mul(v, da) : Value();
      })
      .Case([&](math::ExpM1Op) -> Value {
        Value da = d(0);
        return da ? fb.mul(fb.add(v, fb.constant(1.0)), da) : Value();
      })
      .Case([&](math::LogOp) -> Value {
        Value da = d(0);
        return da ? fb.div(da, x(0)) : Value();
      })
      .Case([&](math::Log1pOp) -> Value {
        Value da = d(0);
        return da ? fb.div(da, fb.add(x(0), fb.constant(1.0))) : Value();
      })
      .Case([&](math::Log2Op) -> Value {
        Value da = d(0);
        return da ? fb.div(da, fb.mul(x(0), fb.constant(std::log(2.0))))
                  : Value();
      })
      .Case([&](math::Log10Op) -> Value {
        Value da = d(0);
        return da ? fb.div(da, fb.mul(x(0), fb.constant(std::log(10.0))))
                  : Value();
      })
      .Case([&](math::SqrtOp) -> Value {
        Value da = d(0);
        return da ? fb.div(da, fb.mul(fb.constant(2.0), v)) : Value();
      })
      .Case([&](math::CbrtOp) -> Value {
        Value da = d(0);
        return da ? fb.div(da, fb.mul(fb.constant(3.0), fb.mul(v, v)))
                  : Value();
      })
      .Case([&](math::PowFOp) -> Value {
        Value da = d(0), db = d(1);
        if (!da || !db)
          return {};
        if (FoldingBuilder::isConstant(db, 0.0)) {
          // (a^c)' = c a^(c-1) a'
          Value cm1 = fb.sub(x(1), fb.constant(1.0));
          Value pow;
          if (FoldingBuilder::isConstant(cm1, 1.0))
            pow = x(0);
          else if (FoldingBuilder::isConstant(cm1, 0.0))
            pow = fb.constant(1.0);
          else
            pow = b.create<math::PowFOp>(loc, x(0), cm1);
          return fb.mul(fb.mul(x(1), pow), da);
        }
        // (a^b)' = a^b (b' ln a + b a'/a)
        Value lna = b.create<math::LogOp>(loc, x(0));
        return fb.mul(v, fb.add(fb.mul(db, lna), fb.div(fb.mul(x(1), da), x(0))));
      })
      .Case([&](math::TanhOp) -> Value {
        Value da = d(0);
        return da ? fb.mul(fb.sub(fb.constant(1.0), fb.mul(v, v)), da)
                  : Value();
      })
      .Case([&](math::SinOp) -> Value {
        Value da = d(0);
        return da ? fb.mul(b.create<math::CosOp>(loc, x(0)), da) : Value();
      })
      .Case([&](math::CosOp) -> Value {
        Value da = d(0);
        return da ? fb.neg(fb.mul(b.create<math::SinOp>(loc, x(0)), da))
                  : Value();
      })
      .Case([&](math::SinhOp) -> Value {
        Value da = d(0);
        return da ? fb.mul(b.create<math::CoshOp>(loc, x(0)), da) : Value();
      })
      .Case([&](math::CoshOp) -> Value {
        Value da = d(0);
        return da ? fb.mul(b.create<math::SinhOp>(loc, x(0)), da) : Value();
      })
      .Case([&](math::AtanOp) -> Value {
        Value da = d(0);
        return da ? fb.div(da, fb.add(fb.constant(1.0), fb.mul(x(0), x(0))))
                  : Value();
      })
      .Default([](Operation *) -> Value { return {}; });
}
