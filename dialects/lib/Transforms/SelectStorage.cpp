//===- SelectStorage.cpp - snn-select-storage -----------------------------===//
//
// Part of snnc.
//
// Chooses the storage kind of every projection (the cost model is in
// docs/design.md, "Storage"): procedural for one_to_one (free to draw),
// csr for the rest unless the stored synapses would not fit the memory
// budget, then procedural for the largest projections that can be, until
// they do.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNOps.h"
#include "snn/Transforms/Passes.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>

namespace mlir::snn {
#define GEN_PASS_DEF_SNNSELECTSTORAGE
#include "snn/Transforms/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
using namespace mlir::snn;

namespace {

/// The bytes `projection` would hold as csr: the expected number of synapses
/// times what each stores (column: 2 bytes into up to 65536 neurons, else
/// 4; weight and delay where they vary),
/// plus the row pointers. Synapse lists count as 0: their size is in a file,
/// and they cannot be anything but csr.
double csrBytes(ProjectionOp projection, int64_t npre, int64_t npost,
                Type floatType) {
  Attribute c = projection.getConnectivity();
  bool self = projection.getPre() == projection.getPost();
  auto candidates = [&](bool allowSelf) {
    double pairs = double(npre) * double(npost);
    if (self && !allowSelf)
      pairs -= double(std::min(npre, npost));
    return pairs;
  };
  double synapses = 0;
  if (auto a = dyn_cast<AllToAllAttr>(c))
    synapses = candidates(a.getAllowSelf());
  else if (isa<OneToOneAttr>(c))
    synapses = double(npre);
  else if (auto p = dyn_cast<FixedProbabilityAttr>(c))
    synapses = p.getP().convertToDouble() * candidates(p.getAllowSelf());
  else if (auto k = dyn_cast<FixedIndegreeAttr>(c))
    synapses = double(k.getK()) * double(npost);
  else if (auto n = dyn_cast<FixedTotalNumberAttr>(c))
    synapses = double(n.getN());
  double perSynapse = npost <= kNarrowColumnLimit ? 2 : 4; // the column
  if (!isa<FloatAttr>(projection.getWeight()))
    perSynapse += floatType.getIntOrFloatBitWidth() / 8;
  if (!isa<FloatAttr>(projection.getDelay()))
    perSynapse += 4;
  return synapses * perSynapse + 8.0 * double(npre + 1);
}

struct SelectStoragePass
    : mlir::snn::impl::SNNSelectStorageBase<SelectStoragePass> {
  using SNNSelectStorageBase::SNNSelectStorageBase;

  void runOnOperation() override {
    if (target != "cpu" && target != "gpu") {
      getOperation().emitError("snn-select-storage: unknown target '")
          << target << "' (expected 'cpu' or 'gpu')";
      return signalPassFailure();
    }
    // The forced choices, checked against the projections.
    llvm::StringMap<StorageKind> forced;
    for (const std::string &entry : force) {
      auto [name, kindName] = StringRef(entry).split('=');
      std::optional<StorageKind> kind = symbolizeStorageKind(kindName);
      if (name.empty() || !kind) {
        getOperation().emitError("storage choice '")
            << entry << "': expected <projection>=<kind>, kind csr or "
                        "procedural";
        return signalPassFailure();
      }
      forced[name] = *kind;
    }
    llvm::StringMap<bool> seen;
    bool anyFailed = false;
    getOperation().walk([&](NetworkOp network) {
      if (failed(selectIn(network, forced, seen)))
        anyFailed = true;
    });
    for (auto &entry : forced)
      if (!seen.count(entry.getKey()) && !anyFailed) {
        getOperation().emitError("storage choice for '")
            << entry.getKey() << "': the network has no projection of that "
                                 "name";
        anyFailed = true;
      }
    if (anyFailed)
      signalPassFailure();
  }

  LogicalResult selectIn(NetworkOp network,
                         const llvm::StringMap<StorageKind> &forced,
                         llvm::StringMap<bool> &seen) {
    SymbolTable symbols(network);
    struct Candidate {
      ProjectionOp op;
      double bytes;
    };
    std::vector<Candidate> automatic;
    double total = 0;
    for (auto op : network.getBody().getOps<ProjectionOp>()) {
      int64_t npre = getSpikingSize(symbols.lookup(op.getPre())).value_or(0);
      int64_t npost =
          getSpikingSize(symbols.lookup(op.getPost())).value_or(0);
      std::string why = proceduralUnsupported(op.getConnectivity(),
                                              op.getWeight(), op.getDelay());
      double bytes = csrBytes(op, npre, npost, network.getFloatType());
      auto it = forced.find(op.getSymName());
      if (it != forced.end()) {
        seen[op.getSymName()] = true;
        if (it->second == StorageKind::procedural && !why.empty())
          return op.emitError("projection '")
                 << op.getSymName() << "' cannot be procedural: " << why;
        op.setStorage(it->second);
      }
      if (op.getStorage()) { // forced, or chosen before
        if (*op.getStorage() == StorageKind::csr)
          total += bytes;
        continue;
      }
      // one_to_one rows cost nothing to draw (the row of i is {i}): never
      // worth storing. Nor, on the CPU, all_to_all rows (every post): a
      // loop without column loads ran CUBA-1000 made all-to-all 1.7-2x
      // faster than its csr rows, with no bytes per synapse. (On the GPU
      // one thread walks a procedural row, where csr gives a row 32 lanes:
      // kept csr until measured there.)
      bool freeRows =
          isa<OneToOneAttr>(op.getConnectivity()) ||
          (target == "cpu" && isa<AllToAllAttr>(op.getConnectivity()));
      if (why.empty() && freeRows) {
        op.setStorage(StorageKind::procedural);
        continue;
      }
      op.setStorage(StorageKind::csr);
      if (why.empty())
        automatic.push_back({op, bytes});
      total += bytes;
    }
    // Over budget: the largest procedural-capable projections give up their
    // storage first.
    std::stable_sort(automatic.begin(), automatic.end(),
                     [](const Candidate &a, const Candidate &b) {
                       return a.bytes > b.bytes;
                     });
    for (Candidate &c : automatic) {
      if (total <= double(memoryBudget))
        break;
      c.op.setStorage(StorageKind::procedural);
      total -= c.bytes;
    }
    return success();
  }
};

} // namespace
