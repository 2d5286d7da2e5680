//===- Specialize.cpp - snn-specialize ------------------------------------===//
//
// Part of snnc.
//
// One neuron model per parameter set, with the parameters as constants (see
// the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "snn/Transforms/Passes.h"

#include "snn/Dialect/SNN/SNNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNSPECIALIZE
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;

namespace {

/// The populations of one model that give it the same parameter values.
struct Group {
  DictionaryAttr params;
  SmallVector<PopulationOp> populations;
};

/// Replaces the parameter arguments of every region of `model` by constants
/// of `params` and drops them from the model and its regions.
void inlineParameters(NeuronModelOp model, DictionaryAttr params) {
  FloatType type = model.getFloatType();
  unsigned first = model.getNumVariables() + model.getNumInputs();
  unsigned count = model.getNumParams();
  for (Region *region : {&model.getOde(), &model.getUpdate(),
                         &model.getThreshold(), &model.getReset()}) {
    if (region->empty())
      continue;
    Block &block = region->front();
    OpBuilder b = OpBuilder::atBlockBegin(&block);
    for (unsigned k = 0; k < count; ++k) {
      StringRef name = cast<StringAttr>(model.getParams()[k]).getValue();
      double value = cast<FloatAttr>(params.get(name)).getValueAsDouble();
      BlockArgument arg = block.getArgument(first + k);
      Value constant = b.create<arith::ConstantOp>(
          arg.getLoc(), b.getFloatAttr(type, value));
      arg.replaceAllUsesWith(constant);
    }
    block.eraseArguments(first, count);
  }
  model.setParamsAttr(ArrayAttr::get(model.getContext(), {}));
}

/// Folds what the constants made foldable, in every region of `model`.
void fold(NeuronModelOp model, const FrozenRewritePatternSet &patterns) {
  for (Region *region : {&model.getOde(), &model.getUpdate(),
                         &model.getThreshold(), &model.getReset()})
    if (!region->empty())
      (void)applyPatternsAndFoldGreedily(*region, patterns);
}

struct SpecializePass
    : mlir::snn::impl::SNNSpecializeBase<SpecializePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    populateModelFoldingPatterns(patterns);
    FrozenRewritePatternSet frozen(std::move(patterns));

    getOperation().walk([&](NetworkOp network) {
      // Groups per model, in the order of the populations.
      llvm::MapVector<Operation *, SmallVector<Group>> groups;
      for (auto pop : network.getBody().getOps<PopulationOp>()) {
        auto model = SymbolTable::lookupNearestSymbolFrom<NeuronModelOp>(
            pop, pop.getModelAttr());
        if (!model || model.getNumParams() == 0)
          continue;
        SmallVector<Group> &list = groups[model];
        // Dictionaries are uniqued: equal contents, equal attributes.
        auto it = llvm::find_if(
            list, [&](const Group &g) { return g.params == pop.getParams(); });
        if (it == list.end()) {
          list.push_back({pop.getParams(), {}});
          it = std::prev(list.end());
        }
        it->populations.push_back(pop);
      }

      SymbolTable symbols(network);
      for (auto &[op, list] : groups) {
        auto model = cast<NeuronModelOp>(op);
        for (Group &group : list) {
          NeuronModelOp specialized = model;
          if (list.size() > 1) {
            specialized = model.clone();
            specialized.setSymName(
                (model.getSymName() + "_" +
                 group.populations.front().getSymName())
                    .str());
            // Renamed (with a suffix) if the name is taken.
            symbols.insert(specialized, Block::iterator(model));
            for (PopulationOp pop : group.populations)
              pop.setModelAttr(FlatSymbolRefAttr::get(
                  ctx, specialized.getSymName()));
          }
          inlineParameters(specialized, group.params);
          fold(specialized, frozen);
          for (PopulationOp pop : group.populations)
            pop.setParamsAttr(DictionaryAttr::get(ctx, {}));
        }
        if (list.size() > 1)
          symbols.erase(model); // every population now has its own copy
      }
    });
  }
};

} // namespace
