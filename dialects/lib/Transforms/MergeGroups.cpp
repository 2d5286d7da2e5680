//===- MergeGroups.cpp - snn-merge-groups ---------------------------------===//
//
// Part of snnc.
//
// Merges the updates of populations with the same code into one
// snn.update_group per phase (docs/design.md, "Merged groups").
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNOps.h"
#include "snn/Transforms/Passes.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNMERGEGROUPS
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;

namespace {

struct MergeGroupsPass
    : mlir::snn::impl::SNNMergeGroupsBase<MergeGroupsPass> {
  using SNNMergeGroupsBase::SNNMergeGroupsBase;

  void runOnOperation() override {
    getOperation().walk([&](NetworkOp network) { merge(network); });
  }

  static void merge(NetworkOp network) {
    Block &body = network.getBody().front();
    // A current is read in its population's update loop: such a
    // population keeps a loop of its own.
    llvm::StringSet<> driven;
    for (auto current : body.getOps<CurrentOp>())
      driven.insert(current.getTarget());
    SymbolTable symbols(network);
    for (auto schedule : body.getOps<ScheduleOp>()) {
      for (PhaseOp phase : schedule.getPhases()) {
        // Updates of one code: model, parameters and reset placement.
        using Key = std::tuple<StringRef, Attribute, unsigned>;
        llvm::MapVector<Key, SmallVector<UpdateStepOp>> groups;
        for (auto update : phase.getBody().front().getOps<UpdateStepOp>()) {
          auto pop = symbols.lookup<PopulationOp>(update.getPopulation());
          // A population with links reads them per population.
          if (!pop || driven.contains(pop.getSymName()) ||
              !pop.getLinks().empty())
            continue;
          groups[Key{pop.getModel(), pop.getParams(), unsigned(update.getReset())}]
              .push_back(update);
        }
        for (auto &[key, updates] : groups) {
          if (updates.size() < 2)
            continue;
          SmallVector<Attribute> members;
          for (UpdateStepOp update : updates)
            members.push_back(update.getPopulationAttr());
          OpBuilder b(updates.front());
          b.create<UpdateGroupStepOp>(updates.front().getLoc(),
                                      b.getArrayAttr(members),
                                      std::get<2>(key) != 0);
          for (UpdateStepOp update : updates)
            update.erase();
        }
      }
    }
  }
};

} // namespace
