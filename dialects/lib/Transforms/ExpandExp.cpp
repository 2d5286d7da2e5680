//===- ExpandExp.cpp - snn-expand-exp -------------------------------------===//
//
// Part of snnc.
//
// math.exp as a range reduction and a polynomial, in arith ops that work on
// scalars and vectors alike (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "snn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNEXPANDEXP
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;

namespace {

/// The constants of one precision.
struct ExpConstants {
  unsigned mantissaBits; // explicit significand bits
  int64_t bias;          // exponent bias
  double log2e;
  double ln2Hi, ln2Lo; // ln 2 = hi + lo; k * hi is exact for |k| < 2^11
  double low, high;    // inputs clamped here: exp is 0 below, inf above
  unsigned degree;     // of the Taylor polynomial of exp(r), |r| <= ln2 / 2
};

constexpr ExpConstants kF64{52,
                            1023,
                            1.4426950408889634,
                            6.93147180369123816490e-01,
                            1.90821492927058770002e-10,
                            -746.0,
                            710.0,
                            13};
// f32: hi has 9 significant bits, so k * hi is exact for |k| < 2^15.
constexpr ExpConstants kF32{23, 127, 1.4426950408889634, 0.693359375,
                            -2.12194440e-4, -104.0, 89.0, 7};

struct ExpandExpPattern : OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    Type element = getElementTypeOrSelf(type);
    if (!element.isF32() && !element.isF64())
      return rewriter.notifyMatchFailure(op, "not f32 or f64");
    const ExpConstants &c = element.isF64() ? kF64 : kF32;
    unsigned bits = element.getIntOrFloatBitWidth();
    Type intElement = rewriter.getIntegerType(bits);
    Type intType = intElement;
    if (auto vector = dyn_cast<VectorType>(type))
      intType = vector.clone(intElement);
    Location loc = op.getLoc();
    auto splat = [&](TypedAttr scalar) -> Value {
      if (auto vector = dyn_cast<VectorType>(type))
        return rewriter.create<arith::ConstantOp>(
            loc, DenseElementsAttr::get(
                     vector.clone(scalar.getType()), ArrayRef<Attribute>(scalar)));
      return rewriter.create<arith::ConstantOp>(loc, scalar);
    };
    auto real = [&](double v) {
      return splat(rewriter.getFloatAttr(element, v));
    };
    auto integer = [&](int64_t v) {
      return splat(rewriter.getIntegerAttr(intElement, v));
    };

    Value x = op.getOperand();
    // NaN is dealt with at the end; clamp the rest (inf included) to where
    // the result is 0 or inf already, so that k stays a small integer.
    Value isNaN =
        rewriter.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
    Value clamped = rewriter.create<arith::MinimumFOp>(
        loc, rewriter.create<arith::MaximumFOp>(loc, x, real(c.low)),
        real(c.high));
    clamped = rewriter.create<arith::SelectOp>(loc, isNaN, real(0.0), clamped);

    // k = floor(x log2(e) + 1/2), r = x - k ln2 (exact in two steps).
    Value k = rewriter.create<math::FloorOp>(
        loc, rewriter.create<arith::AddFOp>(
                 loc,
                 rewriter.create<arith::MulFOp>(loc, clamped, real(c.log2e)),
                 real(0.5)));
    Value r = rewriter.create<arith::SubFOp>(
        loc, clamped, rewriter.create<arith::MulFOp>(loc, k, real(c.ln2Hi)));
    r = rewriter.create<arith::SubFOp>(
        loc, r, rewriter.create<arith::MulFOp>(loc, k, real(c.ln2Lo)));

    // exp(r) = 1 + (r + r^2 P(r)), P(r) = sum r^(n-2) / n!, n = 2 ..
    // degree (the Taylor polynomial), with fused multiply-adds. P is small
    // (at most 0.6 for |r| <= ln2 / 2) and evaluated in Estrin's scheme:
    // pairs c_2i + c_2i+1 r, then pairs of those with r^2, r^4, ..., a tree
    // of depth log2(degree) instead of Horner's chain of `degree` steps, so
    // that the neurons of one vector loop overlap. The last two steps keep
    // the rounding of the large terms to two operations.
    auto fma = [&](Value a, Value b, Value c) -> Value {
      return rewriter.create<math::FmaOp>(loc, a, b, c);
    };
    SmallVector<Value> terms;
    double coefficient = 1.0; // 1 / n!
    for (unsigned n = 1; n <= c.degree; ++n) {
      coefficient /= n;
      if (n >= 2)
        terms.push_back(real(coefficient));
    }
    Value power = r;
    while (terms.size() > 1) {
      SmallVector<Value> next;
      for (size_t i = 0; i < terms.size(); i += 2)
        next.push_back(i + 1 < terms.size()
                           ? fma(terms[i + 1], power, terms[i])
                           : terms[i]);
      terms = std::move(next);
      if (terms.size() > 1)
        power = rewriter.create<arith::MulFOp>(loc, power, power);
    }
    Value r2 = rewriter.create<arith::MulFOp>(loc, r, r);
    Value p = rewriter.create<arith::AddFOp>(loc, fma(terms[0], r2, r),
                                             real(1.0));

    // 2^k as two powers of two, 2^(k div 2) and 2^(k - k div 2), each a
    // normal number for every k the clamp allows.
    Value ki = rewriter.create<arith::FPToSIOp>(loc, intType, k);
    Value half = rewriter.create<arith::ShRSIOp>(loc, ki, integer(1));
    Value rest = rewriter.create<arith::SubIOp>(loc, ki, half);
    auto pow2 = [&](Value e) -> Value {
      Value biased = rewriter.create<arith::AddIOp>(loc, e, integer(c.bias));
      Value shifted = rewriter.create<arith::ShLIOp>(
          loc, biased, integer(c.mantissaBits));
      return rewriter.create<arith::BitcastOp>(loc, type, shifted);
    };
    Value result = rewriter.create<arith::MulFOp>(
        loc, rewriter.create<arith::MulFOp>(loc, p, pow2(half)), pow2(rest));
    result = rewriter.create<arith::SelectOp>(loc, isNaN, x, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ExpandExpPass : mlir::snn::impl::SNNExpandExpBase<ExpandExpPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandExpPattern>(&getContext());
    GreedyRewriteConfig config;
    config.strictMode = GreedyRewriteStrictness::ExistingOps;
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns),
                                            config)))
      signalPassFailure();
  }
};

} // namespace
