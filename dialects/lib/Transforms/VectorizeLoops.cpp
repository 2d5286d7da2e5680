//===- VectorizeLoops.cpp - snn-vectorize-loops ---------------------------===//
//
// Part of snnc.
//
// Rewrites the per-neuron loops that convert-snn-to-core marks `snn.parallel`
// into a loop over vectors of W neurons and a scalar loop for the rest. What
// makes it simple (and safe): such a loop touches neuron i's elements only,
// except for an ordered spike append at its end, which the vector loop runs
// lane by lane, in neuron order, for the lanes that spiked. Every lane does
// the arithmetic of the scalar loop, operation for operation, so the results
// are bit for bit those of the scalar loop. A side-effect-free `scf.if` in
// the body (a rarely taken branch, such as the tail of a Poisson input's
// draw) becomes a branch on "any lane": each side is computed, for all
// lanes, only when some lane takes it, and each lane selects its own.
//
//===----------------------------------------------------------------------===//

#include "snn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNVECTORIZELOOPS
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;

namespace {

/// How a value of the loop body varies with the neuron.
enum class Shape {
  Uniform,    // the same for every iteration (a scalar)
  Contiguous, // an index `iv + c`, c uniform: a vector's elements are consecutive
  Varying,    // anything else: a vector
};

class LoopVectorizer {
public:
  LoopVectorizer(scf::ForOp loop, int64_t vectorBits)
      : loop(loop), vectorBits(vectorBits) {}

  /// Whether the loop has the shape this pass handles; `why` says what
  /// stopped it otherwise.
  bool analyze(std::string &why);
  /// Rewrites the loop (after a successful analyze()).
  void rewrite();

private:
  Shape shapeOf(Value v) {
    auto it = shapes.find(v);
    return it == shapes.end() ? Shape::Uniform : it->second;
  }
  /// The uniform addend `c` of a Contiguous value `iv + c` (null for `iv`).
  Value offsetOf(Value v) { return offsets.lookup(v); }
  bool isBodyValue(Value v) {
    return loop.getRegion().isAncestor(v.getParentRegion());
  }
  bool checkAccess(Operation *op, Value memref, Value index, bool isStore,
                   std::string &why);
  /// Shapes of a pure elementwise op's results from its operands; false
  /// (with `why`) when the op cannot be vectorized.
  bool analyzeElementwise(Operation &op, std::string &why);
  /// Analyzes an scf.if of pure elementwise ops (a branch).
  bool analyzeBranch(scf::IfOp ifOp, std::string &why);

  // Rewriting.
  Value uniformValue(Value v);
  Value vectorValue(Value v);
  Value startOf(Value v);
  VectorType vectorType(Type t) { return VectorType::get({width}, t); }
  void emitVectorOp(Operation *op);
  /// The spike append, lane by lane; returns the counts after it.
  ValueRange emitLanes(Value mask, ValueRange iterArgs);
  /// A varying branch: each side for all lanes when any lane takes it, then
  /// a per-lane select.
  void emitBranch(scf::IfOp ifOp);
  /// Vectorizes `block`'s ops at the builder; returns the vectors of what
  /// it yields. What it maps stays local to the block.
  SmallVector<Value> emitBlock(Block &block);

  scf::ForOp loop;
  int64_t vectorBits;
  int64_t width = 0;
  /// The ops before the spike append, and the append (scf.if) if any.
  SmallVector<Operation *> prefix;
  scf::IfOp append;
  DenseMap<Value, Shape> shapes;
  DenseMap<Value, Value> offsets;
  /// Per memref accessed at contiguous indices: the offset of its accesses.
  DenseMap<Value, Value> memrefOffsets;
  DenseSet<Value> storedMemrefs, uniformLoadedMemrefs;

  OpBuilder b{loop.getContext()};
  Location loc = loop.getLoc();
  Value newIV, iota;
  IRMapping uniformMap;              // old uniform value -> new scalar
  DenseMap<Value, Value> vectorMap;  // old varying value -> new vector
  DenseMap<Value, Value> startMap;   // old contiguous value -> new start
};

bool LoopVectorizer::checkAccess(Operation *op, Value memref, Value index,
                                 bool isStore, std::string &why) {
  Shape shape = shapeOf(index);
  if (shape == Shape::Varying) {
    why = "an access at a non-consecutive index";
    return false;
  }
  if (shape == Shape::Uniform) {
    if (isStore) {
      why = "a store at the same index in every iteration";
      return false;
    }
    uniformLoadedMemrefs.insert(memref);
    return true;
  }
  Value offset = offsetOf(index);
  auto [it, inserted] = memrefOffsets.try_emplace(memref, offset);
  if (!inserted && it->second != offset) {
    why = "one buffer accessed at two different offsets";
    return false;
  }
  if (isStore)
    storedMemrefs.insert(memref);
  (void)op;
  return true;
}

bool LoopVectorizer::analyzeElementwise(Operation &op, std::string &why) {
  bool anyVarying = llvm::any_of(op.getOperands(), [&](Value v) {
    return shapeOf(v) != Shape::Uniform;
  });
  if (!isMemoryEffectFree(&op) || op.getNumRegions() != 0 ||
      (anyVarying && !OpTrait::hasElementwiseMappableTraits(&op))) {
    why = "an op that is not elementwise (" +
          op.getName().getStringRef().str() + ")";
    return false;
  }
  if (!anyVarying)
    return true; // uniform: stays a scalar
  for (Value r : op.getResults()) {
    if (!r.getType().isIntOrIndexOrFloat()) {
      why = "a value that is not a scalar";
      return false;
    }
    shapes[r] = Shape::Varying;
  }
  return true;
}

bool LoopVectorizer::analyzeBranch(scf::IfOp ifOp, std::string &why) {
  // Both sides: pure elementwise ops yielding scalars. The branch varies
  // with the neuron when its condition or anything in it does.
  if (llvm::any_of(ifOp.getResultTypes(),
                   [](Type t) { return !t.isIntOrIndexOrFloat(); })) {
    why = "a branch yielding a value that is not a scalar";
    return false;
  }
  bool varying = shapeOf(ifOp.getCondition()) != Shape::Uniform;
  for (Region &region : ifOp->getRegions()) {
    if (region.empty())
      continue;
    for (Operation &op : region.front()) {
      if (isa<scf::YieldOp>(op)) {
        varying |= llvm::any_of(op.getOperands(), [&](Value v) {
          return shapeOf(v) != Shape::Uniform;
        });
        continue;
      }
      if (llvm::any_of(op.getOperands(), [&](Value v) {
            return llvm::is_contained(loop.getRegionIterArgs(), v);
          })) {
        why = "a spike count used before the append";
        return false;
      }
      if (!analyzeElementwise(op, why)) {
        why += " in a branch";
        return false;
      }
      varying |= llvm::any_of(op.getResults(), [&](Value r) {
        return shapeOf(r) != Shape::Uniform;
      });
    }
  }
  if (varying)
    for (Value r : ifOp.getResults())
      shapes[r] = Shape::Varying;
  return true;
}

bool LoopVectorizer::analyze(std::string &why) {
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!step || *step != 1) {
    why = "the step is not 1";
    return false;
  }
  Block *body = loop.getBody();
  Operation *terminator = body->getTerminator();
  // The spike append: an scf.if right before the yield, whose results (the
  // loop-carried counts) are all the yield yields, and whose else branch
  // passes the counts through.
  Operation *last = terminator->getPrevNode();
  if (auto ifOp = dyn_cast_or_null<scf::IfOp>(last)) {
    bool countsOnly =
        llvm::equal(terminator->getOperands(), ifOp.getResults());
    bool passThrough =
        ifOp.getNumResults() == 0 ||
        (ifOp.elseBlock() && llvm::equal(ifOp.elseYield().getOperands(),
                                         loop.getRegionIterArgs()));
    if (countsOnly && passThrough)
      append = ifOp;
  }
  if (!append && loop.getNumRegionIterArgs() != 0) {
    why = "loop-carried values other than a spike append";
    return false;
  }
  int64_t widest = 0;
  auto noteType = [&](Type t) {
    if (t.isIntOrIndexOrFloat() && !t.isIndex())
      widest = std::max<int64_t>(widest, t.getIntOrFloatBitWidth());
  };

  shapes[loop.getInductionVar()] = Shape::Contiguous;
  for (Operation &op : body->without_terminator()) {
    if (&op == append.getOperation())
      break;
    prefix.push_back(&op);
    if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
      if (!analyzeBranch(ifOp, why))
        return false;
      ifOp.walk([&](Operation *inner) {
        for (Value r : inner->getResults())
          noteType(r.getType());
      });
      continue;
    }
    if (op.getNumRegions() != 0) {
      why = "an op with regions (" + op.getName().getStringRef().str() + ")";
      return false;
    }
    bool anyVarying = llvm::any_of(op.getOperands(), [&](Value v) {
      return shapeOf(v) != Shape::Uniform;
    });
    if (llvm::any_of(op.getOperands(), [&](Value v) {
          return llvm::is_contained(loop.getRegionIterArgs(), v);
        })) {
      why = "a spike count used before the append";
      return false;
    }
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (load.getIndices().size() != 1 ||
          !checkAccess(&op, load.getMemRef(), load.getIndices()[0], false, why))
        return why.empty() ? (why = "a multi-dimensional load", false) : false;
      noteType(load.getType());
      if (shapeOf(load.getIndices()[0]) != Shape::Uniform)
        shapes[load.getResult()] = Shape::Varying;
      continue;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      if (store.getIndices().size() != 1 ||
          !checkAccess(&op, store.getMemRef(), store.getIndices()[0], true,
                       why))
        return why.empty() ? (why = "a multi-dimensional store", false)
                           : false;
      noteType(store.getValueToStore().getType());
      continue;
    }
    if (!anyVarying) {
      if (!isMemoryEffectFree(&op)) {
        why = "an op with side effects (" + op.getName().getStringRef().str() +
              ")";
        return false;
      }
      continue; // uniform: stays a scalar
    }
    // iv + c and c + iv stay contiguous.
    if (auto add = dyn_cast<arith::AddIOp>(op); add && add.getType().isIndex()) {
      Value lhs = add.getLhs(), rhs = add.getRhs();
      if (shapeOf(lhs) == Shape::Contiguous && shapeOf(rhs) == Shape::Uniform &&
          !offsetOf(lhs)) {
        shapes[add] = Shape::Contiguous;
        offsets[add] = rhs;
        continue;
      }
      if (shapeOf(rhs) == Shape::Contiguous && shapeOf(lhs) == Shape::Uniform &&
          !offsetOf(rhs)) {
        shapes[add] = Shape::Contiguous;
        offsets[add] = lhs;
        continue;
      }
    }
    if (!analyzeElementwise(op, why))
      return false;
    for (Value r : op.getResults())
      noteType(r.getType());
  }
  for (Value m : uniformLoadedMemrefs)
    if (storedMemrefs.contains(m)) {
      why = "a buffer both stored per neuron and loaded at a fixed index";
      return false;
    }

  // The append runs per lane after the vector part: it may touch what the
  // vector part touches only at the lane's own element.
  if (append) {
    WalkResult walk = append.getThenRegion().walk([&](Operation *op) {
      Value memref, index;
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        memref = load.getMemRef();
        index = load.getIndices().empty() ? Value() : load.getIndices()[0];
      } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
        memref = store.getMemRef();
        index = store.getIndices().empty() ? Value() : store.getIndices()[0];
        if (uniformLoadedMemrefs.contains(memref)) {
          why = "the spike append stores into a buffer the loop reads";
          return WalkResult::interrupt();
        }
      } else if (!isMemoryEffectFree(op) && !isa<scf::YieldOp>(op) &&
                 op->getNumRegions() == 0) {
        why = "an op with side effects in the spike append";
        return WalkResult::interrupt();
      }
      if (!memref || !memrefOffsets.count(memref))
        return WalkResult::advance();
      bool own = index && shapeOf(index) == Shape::Contiguous &&
                 offsetOf(index) == memrefOffsets.lookup(memref);
      if (!own) {
        why = "the spike append touches another neuron's element";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return false;
  }
  if (widest == 0)
    widest = 64;
  width = std::max<int64_t>(2, vectorBits / widest);
  return true;
}

Value LoopVectorizer::uniformValue(Value v) {
  // Uniform values defined in the body were cloned in order; others are
  // defined above the loop.
  return uniformMap.lookupOrDefault(v);
}

Value LoopVectorizer::startOf(Value v) { return startMap.lookup(v); }

Value LoopVectorizer::vectorValue(Value v) {
  if (Value vec = vectorMap.lookup(v))
    return vec;
  Value result;
  switch (shapeOf(v)) {
  case Shape::Uniform:
    result = b.create<vector::BroadcastOp>(loc, vectorType(v.getType()),
                                           uniformValue(v));
    break;
  case Shape::Contiguous: {
    if (!iota) { // 0, 1, ..., W - 1, made where first needed
      SmallVector<APInt> lanes;
      for (int64_t k = 0; k < width; ++k)
        lanes.push_back(APInt(64, k));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(newIV.getParentBlock());
      iota = b.create<arith::ConstantOp>(
          loc, DenseElementsAttr::get(vectorType(b.getIndexType()),
                                      ArrayRef<APInt>(lanes)));
    }
    Value start = b.create<vector::BroadcastOp>(loc, vectorType(v.getType()),
                                                startOf(v));
    result = b.create<arith::AddIOp>(loc, start, iota);
    break;
  }
  case Shape::Varying:
    llvm_unreachable("varying value without a vector");
  }
  vectorMap[v] = result;
  return result;
}

SmallVector<Value> LoopVectorizer::emitBlock(Block &block) {
  // Values first made inside the block (vectors, broadcasts, clones) must
  // not be reused after it.
  auto savedVectors = vectorMap;
  auto savedStarts = startMap;
  IRMapping savedUniform = uniformMap;
  for (Operation &op : block.without_terminator())
    emitVectorOp(&op);
  SmallVector<Value> yielded;
  for (Value v : block.getTerminator()->getOperands())
    yielded.push_back(vectorValue(v));
  vectorMap = std::move(savedVectors);
  startMap = std::move(savedStarts);
  uniformMap = std::move(savedUniform);
  return yielded;
}

void LoopVectorizer::emitBranch(scf::IfOp ifOp) {
  SmallVector<Type> types;
  for (Type t : ifOp.getResultTypes())
    types.push_back(vectorType(t));
  // One side, for all lanes, under `guard` (null: always); zeros where no
  // lane needs it (never selected).
  auto side = [&](Block &block, Value guard) -> SmallVector<Value> {
    if (!guard || block.without_terminator().empty())
      return emitBlock(block);
    auto guarded = b.create<scf::IfOp>(loc, types, guard,
                                       /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(guarded.thenBlock());
    b.create<scf::YieldOp>(loc, emitBlock(block));
    b.setInsertionPointToStart(guarded.elseBlock());
    SmallVector<Value> zeros;
    for (Type t : types)
      zeros.push_back(b.create<arith::ConstantOp>(
          loc, cast<TypedAttr>(b.getZeroAttr(t))));
    b.create<scf::YieldOp>(loc, zeros);
    return SmallVector<Value>(guarded.getResults());
  };
  Value cond = ifOp.getCondition();
  if (shapeOf(cond) == Shape::Uniform) {
    auto vecIf = b.create<scf::IfOp>(loc, types, uniformValue(cond),
                                     /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(vecIf.thenBlock());
    b.create<scf::YieldOp>(loc, emitBlock(*ifOp.thenBlock()));
    b.setInsertionPointToStart(vecIf.elseBlock());
    b.create<scf::YieldOp>(loc, emitBlock(*ifOp.elseBlock()));
    for (auto [old, result] : llvm::zip(ifOp.getResults(), vecIf.getResults()))
      vectorMap[old] = result;
    return;
  }
  Value mask = vectorValue(cond);
  Value any = b.create<vector::ReductionOp>(loc, vector::CombiningKind::OR,
                                            mask);
  Value all = b.create<vector::ReductionOp>(loc, vector::CombiningKind::AND,
                                            mask);
  Value notAll = b.create<arith::XOrIOp>(
      loc, all, b.create<arith::ConstantOp>(loc, b.getBoolAttr(true)));
  SmallVector<Value> thenValues = side(*ifOp.thenBlock(), any);
  SmallVector<Value> elseValues = side(*ifOp.elseBlock(), notAll);
  for (auto [old, t, e] :
       llvm::zip(ifOp.getResults(), thenValues, elseValues))
    vectorMap[old] = b.create<arith::SelectOp>(loc, mask, t, e);
}

void LoopVectorizer::emitVectorOp(Operation *op) {
  if (auto ifOp = dyn_cast<scf::IfOp>(op)) {
    if (llvm::any_of(ifOp.getResults(),
                     [&](Value r) { return shapeOf(r) == Shape::Varying; }))
      emitBranch(ifOp);
    else
      b.clone(*op, uniformMap);
    return;
  }
  if (auto load = dyn_cast<memref::LoadOp>(op)) {
    Value index = load.getIndices()[0];
    if (shapeOf(index) == Shape::Uniform) {
      b.clone(*op, uniformMap);
      return;
    }
    vectorMap[load.getResult()] = b.create<vector::LoadOp>(
        loc, vectorType(load.getType()), load.getMemRef(),
        ValueRange{startOf(index)});
    return;
  }
  if (auto store = dyn_cast<memref::StoreOp>(op)) {
    b.create<vector::StoreOp>(loc, vectorValue(store.getValueToStore()),
                              store.getMemRef(),
                              ValueRange{startOf(store.getIndices()[0])});
    return;
  }
  if (op->getNumResults() == 1 && shapeOf(op->getResult(0)) ==
                                      Shape::Contiguous) {
    auto add = cast<arith::AddIOp>(op);
    Value start = shapeOf(add.getLhs()) == Shape::Contiguous
                      ? b.create<arith::AddIOp>(loc, startOf(add.getLhs()),
                                                uniformValue(add.getRhs()))
                      : b.create<arith::AddIOp>(loc, uniformValue(add.getLhs()),
                                                startOf(add.getRhs()));
    startMap[add.getResult()] = start;
    return;
  }
  bool varying = llvm::any_of(op->getResults(), [&](Value r) {
    return shapeOf(r) == Shape::Varying;
  });
  if (!varying) {
    b.clone(*op, uniformMap);
    return;
  }
  IRMapping map;
  for (Value operand : op->getOperands())
    map.map(operand, vectorValue(operand));
  Operation *clone = b.clone(*op, map);
  for (auto [old, result] : llvm::zip(op->getResults(), clone->getResults())) {
    result.setType(vectorType(old.getType()));
    vectorMap[old] = result;
  }
}

ValueRange LoopVectorizer::emitLanes(Value mask, ValueRange iterArgs) {
  // if (any lane spiked) for lane in 0..W: if (mask[lane]) <append>(iv + lane)
  // (scf.if and scf.for come with their terminators only when they yield
  // nothing).
  TypeRange types = append.getResultTypes();
  bool yields = !types.empty();
  Value any = b.create<vector::ReductionOp>(loc, vector::CombiningKind::OR,
                                            mask);
  auto anyIf = b.create<scf::IfOp>(loc, types, any, /*withElseRegion=*/yields);
  OpBuilder::InsertionGuard guard(b);
  if (yields) {
    b.setInsertionPointToStart(anyIf.elseBlock());
    b.create<scf::YieldOp>(loc, iterArgs);
  }
  b.setInsertionPointToStart(anyIf.thenBlock());
  Value c0 = b.create<arith::ConstantIndexOp>(loc, 0);
  Value c1 = b.create<arith::ConstantIndexOp>(loc, 1);
  Value cw = b.create<arith::ConstantIndexOp>(loc, width);
  auto lanes = b.create<scf::ForOp>(loc, c0, cw, c1, iterArgs);
  if (yields)
    b.create<scf::YieldOp>(loc, lanes.getResults());

  b.setInsertionPointToStart(lanes.getBody());
  Value lane = lanes.getInductionVar();
  Value spiked = b.create<vector::ExtractElementOp>(loc, mask, lane);
  // What the append uses from the loop body, for this lane.
  IRMapping map;
  map.map(loop.getRegionIterArgs(), lanes.getRegionIterArgs());
  append.getThenRegion().walk([&](Operation *op) {
    for (Value v : op->getOperands()) {
      if (map.contains(v) || !isBodyValue(v) ||
          append.getThenRegion().isAncestor(v.getParentRegion()))
        continue;
      switch (shapeOf(v)) {
      case Shape::Uniform:
        map.map(v, uniformValue(v));
        break;
      case Shape::Contiguous:
        map.map(v, b.create<arith::AddIOp>(loc, startOf(v), lane));
        break;
      case Shape::Varying:
        map.map(v, b.create<vector::ExtractElementOp>(loc, vectorMap.lookup(v),
                                                      lane));
        break;
      }
    }
  });
  auto laneIf = b.create<scf::IfOp>(loc, types, spiked,
                                    /*withElseRegion=*/yields);
  // The then branch: a copy of the append's, terminator included.
  laneIf.getThenRegion().front().erase();
  append.getThenRegion().cloneInto(&laneIf.getThenRegion(), map);
  if (yields) {
    b.setInsertionPointToStart(laneIf.elseBlock());
    b.create<scf::YieldOp>(loc, lanes.getRegionIterArgs());
    b.setInsertionPointAfter(laneIf);
    b.create<scf::YieldOp>(loc, laneIf.getResults());
  }
  return anyIf.getResults();
}

void LoopVectorizer::rewrite() {
  b.setInsertionPoint(loop);
  // The vector loop covers lb .. lb + floor((ub - lb) / W) * W.
  Value lb = loop.getLowerBound(), ub = loop.getUpperBound();
  Value c0 = b.create<arith::ConstantIndexOp>(loc, 0);
  Value cw = b.create<arith::ConstantIndexOp>(loc, width);
  Value span = b.createOrFold<arith::MaxSIOp>(
      loc, b.createOrFold<arith::SubIOp>(loc, ub, lb), c0);
  Value vectorEnd = b.createOrFold<arith::AddIOp>(
      loc, lb,
      b.createOrFold<arith::MulIOp>(
          loc, b.createOrFold<arith::DivUIOp>(loc, span, cw), cw));
  auto vectorLoop = b.create<scf::ForOp>(loc, lb, vectorEnd, cw,
                                         loop.getInitArgs());
  vectorLoop->setAttr("snn.vectorized", b.getI64IntegerAttr(width));
  Block *body = vectorLoop.getBody();
  if (!body->empty() && vectorLoop.getNumRegionIterArgs() == 0)
    body->getTerminator()->erase();
  b.setInsertionPointToStart(body);
  newIV = vectorLoop.getInductionVar();
  startMap[loop.getInductionVar()] = newIV;
  for (Operation *op : prefix)
    emitVectorOp(op);
  ValueRange counts;
  if (append)
    counts = emitLanes(vectorValue(append.getCondition()),
                       vectorLoop.getRegionIterArgs());
  b.create<scf::YieldOp>(loc, counts);

  // The scalar loop finishes what is left.
  loop.setLowerBound(vectorEnd);
  loop.getInitArgsMutable().assign(vectorLoop.getResults());
  loop->removeAttr("snn.parallel");
}

struct VectorizeLoopsPass
    : mlir::snn::impl::SNNVectorizeLoopsBase<VectorizeLoopsPass> {
  using SNNVectorizeLoopsBase::SNNVectorizeLoopsBase;
  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) {
      if (loop->hasAttr("snn.parallel"))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops) {
      if (vectorBits == 0) { // scalar code asked for
        loop->removeAttr("snn.parallel");
        continue;
      }
      LoopVectorizer vectorizer(loop, vectorBits);
      std::string why;
      if (!vectorizer.analyze(why)) {
        // Left scalar: correct, only slower. Say why when asked to.
        if (reportScalar)
          loop.emitRemark("left scalar: ") << why;
        loop->removeAttr("snn.parallel");
        continue;
      }
      vectorizer.rewrite();
    }
  }
};

} // namespace
