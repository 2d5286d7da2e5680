//===- Philox.cpp - Philox4x32-10 as arith ops ----------------------------===//
//
// Part of snnc. Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy
// as 1, 2, 3" (SC'11).
//
//===----------------------------------------------------------------------===//

#include "Philox.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::snn;

static Value i32Constant(OpBuilder &b, Location loc, uint32_t value) {
  return b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(b.getI32Type(), static_cast<int32_t>(value)));
}

static Value i64Constant(OpBuilder &b, Location loc, int64_t value) {
  return b.create<arith::ConstantOp>(loc, b.getI64IntegerAttr(value));
}

std::array<Value, 4> mlir::snn::emitPhilox(OpBuilder &b, Location loc,
                                           Value k0, Value k1, Value c0,
                                           Value c1, Value c2, Value c3) {
  // Computed on 64-bit words that hold 32-bit values: the products need
  // 64 bits anyway, and staying there spares the vector code a narrowing
  // and a widening per round (x86: vpmuludq on the words as they are;
  // Poisson inputs drew 28 % faster this way). The same numbers as the
  // 32-bit formulation, bit for bit; NVPTX makes the same 64-bit
  // multiplications of either.
  const uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  const uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
  Type i64 = b.getI64Type(), i32 = b.getI32Type();
  auto wide = [&](Value v) -> Value {
    return b.create<arith::ExtUIOp>(loc, i64, v);
  };
  Value low32 = i64Constant(b, loc, 0xFFFFFFFFll), c32 = i64Constant(b, loc, 32);
  auto mulHiLo64 = [&](uint32_t multiplier, Value x) {
    Value product = b.create<arith::MulIOp>(
        loc, x, i64Constant(b, loc, static_cast<int64_t>(multiplier)));
    return std::pair<Value, Value>{
        b.create<arith::ShRUIOp>(loc, product, c32),
        b.create<arith::AndIOp>(loc, product, low32)};
  };
  std::array<Value, 4> c = {wide(c0), wide(c1), wide(c2), wide(c3)};
  Value bump0 = i32Constant(b, loc, w0), bump1 = i32Constant(b, loc, w1);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 = b.create<arith::AddIOp>(loc, k0, bump0);
      k1 = b.create<arith::AddIOp>(loc, k1, bump1);
    }
    auto [hi0, lo0] = mulHiLo64(m0, c[0]);
    auto [hi1, lo1] = mulHiLo64(m1, c[2]);
    Value n0 = b.create<arith::XOrIOp>(
        loc, b.create<arith::XOrIOp>(loc, hi1, c[1]), wide(k0));
    Value n2 = b.create<arith::XOrIOp>(
        loc, b.create<arith::XOrIOp>(loc, hi0, c[3]), wide(k1));
    c = {n0, lo1, n2, lo0};
  }
  for (Value &word : c)
    word = b.create<arith::TruncIOp>(loc, i32, word);
  return c;
}

std::array<Value, 4> mlir::snn::emitDraw(OpBuilder &b, Location loc,
                                         Value seed, Value c0, Value c1,
                                         Value c2, uint32_t entity,
                                         RandomPurpose purpose) {
  Type i32 = b.getI32Type();
  Value k0 = b.create<arith::TruncIOp>(loc, i32, seed);
  Value k1 = b.create<arith::TruncIOp>(
      loc, i32, b.create<arith::ShRUIOp>(loc, seed, i64Constant(b, loc, 32)));
  Value c3 = i32Constant(b, loc, (entity << 4) | static_cast<uint32_t>(purpose));
  return emitPhilox(b, loc, k0, k1, c0, c1, c2, c3);
}

std::array<Value, 4> mlir::snn::emitStepDraw(OpBuilder &b, Location loc,
                                             Value seed, Value step,
                                             Value index, uint32_t entity,
                                             RandomPurpose purpose) {
  Type i32 = b.getI32Type();
  Value c32 = i64Constant(b, loc, 32);
  Value c0 = b.create<arith::IndexCastUIOp>(loc, i32, index);
  Value c1 = b.create<arith::TruncIOp>(loc, i32, step);
  Value c2 = b.create<arith::TruncIOp>(
      loc, i32, b.create<arith::ShRUIOp>(loc, step, c32));
  return emitDraw(b, loc, seed, c0, c1, c2, entity, purpose);
}

/// ((hi >> 5) * 2^26 + (lo >> 6)) * 2^-53 as f64.
static Value uniform53(OpBuilder &b, Location loc, Value hi, Value lo) {
  Type i64 = b.getI64Type();
  Value a = b.create<arith::ExtUIOp>(
      loc, i64, b.create<arith::ShRUIOp>(loc, hi, i32Constant(b, loc, 5)));
  Value c = b.create<arith::ExtUIOp>(
      loc, i64, b.create<arith::ShRUIOp>(loc, lo, i32Constant(b, loc, 6)));
  Value bits = b.create<arith::OrIOp>(
      loc, b.create<arith::ShLIOp>(loc, a, i64Constant(b, loc, 26)), c);
  Value f = b.create<arith::UIToFPOp>(loc, b.getF64Type(), bits);
  return b.create<arith::MulFOp>(
      loc, f,
      b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(std::ldexp(1.0, -53))));
}

Value mlir::snn::emitUniform(OpBuilder &b, Location loc,
                             const std::array<Value, 4> &x, FloatType type) {
  if (type.isF64())
    return uniform53(b, loc, x[0], x[1]);
  Value bits = b.create<arith::ShRUIOp>(loc, x[0], i32Constant(b, loc, 8));
  Value f = b.create<arith::UIToFPOp>(loc, type, bits);
  return b.create<arith::MulFOp>(
      loc, f,
      b.create<arith::ConstantOp>(loc,
                                  b.getFloatAttr(type, std::ldexp(1.0, -24))));
}

Value mlir::snn::emitNormal(OpBuilder &b, Location loc,
                            const std::array<Value, 4> &x, FloatType type) {
  auto f64 = [&](double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  };
  Value u1 = b.create<arith::SubFOp>(loc, f64(1.0), uniform53(b, loc, x[0], x[1]));
  Value u2 = uniform53(b, loc, x[2], x[3]);
  Value radius = b.create<math::SqrtOp>(
      loc, b.create<arith::MulFOp>(loc, f64(-2.0),
                                   b.create<math::LogOp>(loc, u1)));
  Value angle = b.create<arith::MulFOp>(loc, f64(2.0 * M_PI), u2);
  Value z = b.create<arith::MulFOp>(loc, radius, b.create<math::CosOp>(loc, angle));
  if (type.isF64())
    return z;
  return b.create<arith::TruncFOp>(loc, type, z);
}
