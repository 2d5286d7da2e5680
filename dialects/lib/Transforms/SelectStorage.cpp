//===- SelectStorage.cpp - snn-select-storage -----------------------------===//
//
// Part of snnc.
//
// Chooses the storage kind of every projection (the cost model is in
// docs/design.md, "Storage"): procedural for one_to_one (free to draw, and
// all_to_all on the CPU), dense where its rows of bits take at most a
// quarter of csr's bytes, csr for the rest; unless the stored synapses
// would not fit the memory budget: then procedural for the largest
// projections that can be, until they do.
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

/// Dense is chosen where its bytes are at most this share of csr's: with
/// 2-byte columns, above p = 0.25, from where a row of bits was walked as
/// fast as csr's columns were read (CUBA at 4,000 and 16,000 neurons, 1
/// thread, 2026-12-06: dense/csr RTF 1.25 at p = 0.1, 1.05 at 0.2, 1.0 at
/// 0.25 and 0.3, 0.9 at 0.75; bench/results/storage-2026-12-06.md).
constexpr double kDenseShare = 0.25;

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
    // Projections given two kinds: "csr and dense".
    llvm::StringMap<std::string> twice;
    for (const std::string &entry : force) {
      auto [name, kindName] = StringRef(entry).split('=');
      std::optional<StorageKind> kind = symbolizeStorageKind(kindName);
      if (name.empty() || !kind) {
        getOperation().emitError("storage choice '")
            << entry << "': expected <projection>=<kind>, kind "
            << storageKindList();
        return signalPassFailure();
      }
      auto [it, inserted] = forced.try_emplace(name, *kind);
      if (!inserted && it->second != *kind)
        twice[name] = (Twine(stringifyStorageKind(it->second)) + " and " +
                       stringifyStorageKind(*kind))
                          .str();
    }
    llvm::StringMap<bool> seen;
    bool anyFailed = false;
    getOperation().walk([&](NetworkOp network) {
      if (failed(selectIn(network, forced, twice, seen)))
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
                         const llvm::StringMap<std::string> &twice,
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
      auto bytes = [&](StorageKind kind) {
        return storageBytes(kind, op.getConnectivity(), op.getWeight(),
                            op.getDelay(), op.getPre() == op.getPost(), npre,
                            npost, network.getFloatType());
      };
      // A synapse model's synapses have state and need rows: csr.
      auto can = [&](StorageKind kind) {
        if (op.isPlastic())
          return kind == StorageKind::csr;
        return storageUnsupported(kind, op.getConnectivity(), op.getWeight(),
                                  op.getDelay())
            .empty();
      };
      if (auto two = twice.find(op.getSymName()); two != twice.end())
        return op.emitError("storage choice for projection '")
               << op.getSymName() << "' given twice: " << two->second;
      auto it = forced.find(op.getSymName());
      if (it != forced.end()) {
        seen[op.getSymName()] = true;
        StorageKind kind = it->second;
        std::string why = storageUnsupported(kind, op.getConnectivity(),
                                             op.getWeight(), op.getDelay());
        if (op.isPlastic() && kind != StorageKind::csr)
          why = "it has a synapse model, whose synapses have state: csr "
                "only";
        if (!why.empty())
          return op.emitError("projection '")
                 << op.getSymName() << "' cannot be "
                 << stringifyStorageKind(kind) << ": " << why;
        op.setStorage(kind);
      }
      if (op.getStorage()) { // forced, or chosen before
        total += bytes(*op.getStorage());
        continue;
      }
      // one_to_one rows cost nothing to draw (the row of i is {i}): never
      // worth storing. Nor, on the CPU, all_to_all rows (every post): a
      // loop without column loads ran CUBA-1000 made all-to-all 1.7-2x
      // faster than its csr rows, with no bytes per synapse. (On the GPU
      // one thread walks a procedural row, where csr gives a row 32 lanes:
      // kept csr until measured there.)
      bool procedural = can(StorageKind::procedural);
      bool freeRows =
          isa<OneToOneAttr>(op.getConnectivity()) ||
          (target == "cpu" && isa<AllToAllAttr>(op.getConnectivity()));
      if (procedural && freeRows) {
        op.setStorage(StorageKind::procedural);
        continue;
      }
      // Dense where its bits take at most a quarter of the bytes of csr
      // (docs/design.md, "Storage": walking a row of bits costs about as
      // much per synapse as reading its columns once rows are that full).
      StorageKind kind = StorageKind::csr;
      if (can(StorageKind::dense) &&
          bytes(StorageKind::dense) <= kDenseShare * bytes(StorageKind::csr))
        kind = StorageKind::dense;
      op.setStorage(kind);
      if (procedural)
        automatic.push_back({op, bytes(kind)});
      total += bytes(kind);
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
