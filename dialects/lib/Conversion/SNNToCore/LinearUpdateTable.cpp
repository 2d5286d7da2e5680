//===- LinearUpdateTable.cpp - Large propagators as table loops -----------===//
//
// Part of snnc. See LinearUpdateTable.h.
//
//===----------------------------------------------------------------------===//

#include "LinearUpdateTable.h"

#include "snn/Dialect/SNN/SNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::snn;

namespace {
/// For x' = P x + M b with many terms:
///
///   %z = memref.alloca() : memref<2s x T>     (at the function's entry)
///   memref.store x_j, %z[j]; memref.store b_j, %z[s + j]   (non-zero ones)
///   scf.for %i = 0 to s {                     rows
///     sum over k in [rows[i], rows[i + 1]) of values[k] * %z[columns[k]]
///     memref.store %sum, %y[%i]
///   }
///   x'_i = memref.load %y[i]
///
/// with `values`, `columns` (i32) and `rows` (i32) constant globals. The sum
/// starts from -0.0, the identity of IEEE addition, so every row is the same
/// sequence of roundings as the in-place expansion's (a row without terms
/// gives -0.0 where the expansion gives 0.0).
struct LowerLinearUpdateToTable : OpRewritePattern<LinearUpdateOp> {
  LowerLinearUpdateToTable(MLIRContext *context, unsigned minTerms)
      : OpRewritePattern(context, /*benefit=*/2), minTerms(minTerms) {}

  LogicalResult matchAndRewrite(LinearUpdateOp op,
                                PatternRewriter &rewriter) const override {
    auto func = op->getParentOfType<func::FuncOp>();
    auto module = op->getParentOfType<ModuleOp>();
    if (!func || !module)
      return rewriter.notifyMatchFailure(op, "not in a function of a module");
    FailureOr<Propagator> propagator = op.computeConstantPropagator();
    if (failed(propagator))
      return rewriter.notifyMatchFailure(op, "Jacobian is not constant");
    if (!propagator->ok())
      return rewriter.notifyMatchFailure(op, [&](Diagnostic &diag) {
        diag << propagator->error;
      });

    size_t s = op.getState().size();
    auto isZeroConstant = [](Value v) {
      FloatAttr attr;
      return matchPattern(v, m_Constant(&attr)) && attr.getValue().isZero();
    };
    // z = (x, b); columns of zero inputs are left out.
    SmallVector<Value> z(op.getState());
    z.append(op.getAffine().begin(), op.getAffine().end());
    SmallVector<bool> used(2 * s);
    for (size_t j = 0; j < 2 * s; ++j)
      used[j] = !isZeroConstant(z[j]);
    SmallVector<double> values;
    SmallVector<int32_t> columns, rows{0};
    for (size_t i = 0; i < s; ++i) {
      for (size_t j = 0; j < 2 * s; ++j) {
        double c = j < s ? propagator->p[i * s + j]
                         : propagator->m[i * s + (j - s)];
        if (c == 0.0 || !used[j])
          continue;
        values.push_back(c);
        columns.push_back(static_cast<int32_t>(j));
      }
      rows.push_back(static_cast<int32_t>(values.size()));
    }
    if (values.size() < minTerms || values.size() < kMinTableTermsPerRow * s)
      return rewriter.notifyMatchFailure(op, "few terms: expanded in place");

    auto type = cast<FloatType>(op.getState().front().getType());
    Location loc = op.getLoc();
    Type i32 = rewriter.getI32Type();

    // The tables, as private constant globals next to the function.
    SymbolTable symbols(module);
    auto global = [&](StringRef name, Type element, size_t count,
                      DenseElementsAttr init) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(func);
      auto memrefType = MemRefType::get({static_cast<int64_t>(count)}, element);
      auto g = rewriter.create<memref::GlobalOp>(
          loc, name, rewriter.getStringAttr("private"), memrefType, init,
          /*constant=*/true, /*alignment=*/nullptr);
      symbols.insert(g); // renames it if the name is taken
      return g;
    };
    auto tensorOf = [&](Type element, size_t count) {
      return RankedTensorType::get({static_cast<int64_t>(count)}, element);
    };
    DenseElementsAttr valuesInit;
    if (type.isF32()) {
      SmallVector<float> narrow(values.begin(), values.end());
      valuesInit = DenseElementsAttr::get(tensorOf(type, values.size()),
                                          ArrayRef<float>(narrow));
    } else {
      valuesInit = DenseElementsAttr::get(tensorOf(type, values.size()),
                                          ArrayRef<double>(values));
    }
    auto valuesGlobal =
        global("snn_propagator_values", type, values.size(), valuesInit);
    auto columnsGlobal = global(
        "snn_propagator_columns", i32, columns.size(),
        DenseElementsAttr::get(tensorOf(i32, columns.size()),
                               ArrayRef<int32_t>(columns)));
    auto rowsGlobal = global(
        "snn_propagator_rows", i32, rows.size(),
        DenseElementsAttr::get(tensorOf(i32, rows.size()),
                               ArrayRef<int32_t>(rows)));

    // Scratch buffers at the function's entry, so that a loop around the op
    // does not grow the stack.
    Value zBuffer, yBuffer;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&func.getBody().front());
      zBuffer = rewriter.create<memref::AllocaOp>(
          loc, MemRefType::get({static_cast<int64_t>(2 * s)}, type));
      yBuffer = rewriter.create<memref::AllocaOp>(
          loc, MemRefType::get({static_cast<int64_t>(s)}, type));
    }

    auto index = [&](int64_t v) {
      return rewriter.create<arith::ConstantIndexOp>(loc, v).getResult();
    };
    for (size_t j = 0; j < 2 * s; ++j)
      if (used[j])
        rewriter.create<memref::StoreOp>(loc, z[j], zBuffer,
                                         ValueRange{index(j)});
    Value valuesRef = rewriter.create<memref::GetGlobalOp>(
        loc, valuesGlobal.getType(), valuesGlobal.getSymName());
    Value columnsRef = rewriter.create<memref::GetGlobalOp>(
        loc, columnsGlobal.getType(), columnsGlobal.getSymName());
    Value rowsRef = rewriter.create<memref::GetGlobalOp>(
        loc, rowsGlobal.getType(), rowsGlobal.getSymName());
    Value negativeZero =
        rewriter.create<arith::ConstantOp>(loc, rewriter.getFloatAttr(type, -0.0));
    auto toIndex = [&](OpBuilder &b, Value v) {
      return b.create<arith::IndexCastOp>(loc, b.getIndexType(), v);
    };
    rewriter.create<scf::ForOp>(
        loc, index(0), index(s), index(1), ValueRange{},
        [&](OpBuilder &b, Location loc, Value i, ValueRange) {
          Value next = b.create<arith::AddIOp>(loc, i, index(1));
          Value begin =
              toIndex(b, b.create<memref::LoadOp>(loc, rowsRef, ValueRange{i}));
          Value end = toIndex(
              b, b.create<memref::LoadOp>(loc, rowsRef, ValueRange{next}));
          auto sum = b.create<scf::ForOp>(
              loc, begin, end, index(1), ValueRange{negativeZero},
              [&](OpBuilder &b, Location loc, Value k, ValueRange acc) {
                Value c =
                    b.create<memref::LoadOp>(loc, valuesRef, ValueRange{k});
                Value col = toIndex(
                    b, b.create<memref::LoadOp>(loc, columnsRef, ValueRange{k}));
                Value x = b.create<memref::LoadOp>(loc, zBuffer, ValueRange{col});
                Value term = b.create<arith::MulFOp>(loc, c, x);
                b.create<scf::YieldOp>(
                    loc, ValueRange{b.create<arith::AddFOp>(loc, acc[0], term)});
              });
          b.create<memref::StoreOp>(loc, sum.getResult(0), yBuffer,
                                    ValueRange{i});
          b.create<scf::YieldOp>(loc);
        });
    SmallVector<Value> results;
    for (size_t i = 0; i < s; ++i)
      results.push_back(
          rewriter.create<memref::LoadOp>(loc, yBuffer, ValueRange{index(i)}));
    rewriter.replaceOp(op, results);
    return success();
  }

  unsigned minTerms;
};
} // namespace

void mlir::snn::populateLinearUpdateTablePatterns(RewritePatternSet &patterns,
                                                  unsigned minTerms) {
  patterns.add<LowerLinearUpdateToTable>(patterns.getContext(), minTerms);
}
