//===- HoistTraces.cpp - snn-hoist-traces -----------------------------------===//
//
// Part of snnc.
//
// Marks the event-driven synapse variables that are the same for every
// synapse of a neuron (STDP's traces) as per-neuron traces of their
// projection (pre_traces, post_traces); the plan and the lowering then hold
// and advance them once per neuron (docs/design.md, "Plasticity").
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNOps.h"
#include "snn/Transforms/Differentiate.h"
#include "snn/Transforms/Passes.h"

#include "llvm/ADT/StringSet.h"

namespace mlir::snn {
#define GEN_PASS_DEF_SNNHOISTTRACES
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;

namespace {

/// Whether statements `region` (an on_pre or on_post) leave variable `v` as
/// it was.
bool unchanged(Region &region, unsigned v) {
  if (region.empty())
    return true;
  Block &block = region.front();
  return block.getTerminator()->getOperand(v) == block.getArgument(v);
}

/// Whether the new value of variable `v` that `region` yields depends on
/// nothing but the variable itself and the parameters.
bool fromItselfAndParams(SynapseModelOp model, Region &region, unsigned v) {
  Block &block = region.front();
  unsigned paramBegin = block.getNumArguments() - model.getNumParams();
  BlockDependencies deps(block);
  const llvm::BitVector &bits = deps.of(block.getTerminator()->getOperand(v));
  for (unsigned arg : bits.set_bits())
    if (arg != v && arg < paramBegin)
      return false;
  return true;
}

struct HoistTracesPass
    : mlir::snn::impl::SNNHoistTracesBase<HoistTracesPass> {
  void runOnOperation() override {
    getOperation().walk([&](NetworkOp network) {
      SymbolTable symbols(network);
      for (auto op : network.getBody().getOps<ProjectionOp>()) {
        if (!op.isPlastic() || op.getPreTraces() || op.getPostTraces())
          continue;
        auto model = symbols.lookup<SynapseModelOp>(*op.getSynapse());
        if (!model || !model.isIntegrated())
          continue;
        // Periodic statements of the projection read and write its
        // synapses' variables one synapse at a time: its variables stay
        // per synapse.
        if (llvm::any_of(network.getBody().getOps<PeriodicOp>(),
                         [&](PeriodicOp p) {
                           return p.getOwner() == op.getSymName();
                         }))
          continue;
        // Recorded variables stay per synapse (record.synapses: their
        // values at each synapse's last event, as the synapse holds them;
        // recorded over time: sampled per synapse).
        llvm::StringSet<> recorded;
        for (auto r : network.getBody().getOps<RecordSynapsesOp>())
          if (r.getProjection() == op.getSymName())
            for (Attribute attr : r.getVariables())
              recorded.insert(cast<StringAttr>(attr).getValue());
        for (auto r : network.getBody().getOps<RecordSynapseStateOp>())
          if (r.getProjection() == op.getSymName())
            recorded.insert(r.getVariable());
        DictionaryAttr init = op.getSynapseInitAttr();
        SmallVector<Attribute> pre, post;
        for (Attribute attr : model.getEventDriven()) {
          StringRef name = cast<StringAttr>(attr).getValue();
          if (name == model.getWeight() || recorded.contains(name))
            continue;
          unsigned v = model.lookupVariable(name);
          auto start = init ? dyn_cast_or_null<FloatAttr>(init.get(name))
                            : FloatAttr();
          if ((init && init.get(name) && !start) ||
              (start && !start.getValue().isZero()))
            continue; // not 0 at the start
          bool preSide = unchanged(model.getOnPost(), v) &&
                         fromItselfAndParams(model, model.getOnPre(), v);
          bool postSide = unchanged(model.getOnPre(), v) &&
                          model.hasOnPost() &&
                          fromItselfAndParams(model, model.getOnPost(), v);
          if (postSide)
            post.push_back(attr);
          else if (preSide && op.isImmediate())
            pre.push_back(attr);
        }
        OpBuilder b(op);
        if (!pre.empty())
          op.setPreTracesAttr(b.getArrayAttr(pre));
        if (!post.empty())
          op.setPostTracesAttr(b.getArrayAttr(post));
      }
    });
  }
};

} // namespace
