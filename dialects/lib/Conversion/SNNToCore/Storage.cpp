//===- Storage.cpp - the storage kinds, dispatched ----------------------------===//
//
// Part of snnc. convert-snn-to-core: see Lowering.h.
//
// The one place the lowering switches on a projection's storage kind: each
// kind's buffers, build kernels and row walks live in its own file
// (CsrStorage.cpp, ProceduralStorage.cpp, DenseStorage.cpp); the rest of the
// lowering reaches them through these functions only.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

namespace mlir::snn::lowering {

ArrayRef<StringRef> storageBuffers(StorageKind kind) {
  static const StringRef dense[] = {"mask"};
  switch (kind) {
  case StorageKind::csr:
  case StorageKind::procedural:
    return {};
  case StorageKind::dense:
    return dense;
  }
  return {};
}

void NetworkLowering::planStorage(ProjectionInfo &info, int64_t npre,
                                  int64_t npost) {
  switch (info.storage) {
  case StorageKind::csr:
    return planCsrBuffers(info, npre, npost);
  case StorageKind::procedural:
    return; // nothing stored
  case StorageKind::dense:
    return planDenseBuffers(info, npre, npost);
  }
}

void NetworkLowering::emitStorageBuild(ProjectionInfo &info, size_t e,
                                       json::Object &entry,
                                       json::Array &writes) {
  switch (info.storage) {
  case StorageKind::csr:
    return emitCsrBuild(info, e, entry, writes);
  case StorageKind::procedural:
    return emitProceduralBuild(info, e, entry, writes);
  case StorageKind::dense:
    return emitDenseBuild(info, e, entry, writes);
  }
}

void NetworkLowering::emitStorageBeforeSpikesCPU(
    ProjectionInfo &info, Value numSpikes,
    llvm::function_ref<Value(Value)> sourceAt) {
  if (info.storage == StorageKind::csr)
    emitRowPrefetchesBefore(info, numSpikes, sourceAt);
}

void NetworkLowering::emitStorageAtSpikeCPU(
    ProjectionInfo &info, Value s, Value numSpikes,
    llvm::function_ref<Value(Value)> sourceAt) {
  if (info.storage == StorageKind::csr)
    emitRowPrefetchAhead(info, s, numSpikes, sourceAt);
}

void NetworkLowering::emitStorageRowCPU(
    ProjectionInfo &info, Value source, Value lo, Value hi,
    llvm::function_ref<void(Value, Value)> onSynapse) {
  switch (info.storage) {
  case StorageKind::csr:
    return emitCsrRowCPU(info, source, lo, hi, onSynapse);
  case StorageKind::procedural:
    return emitProceduralRowCPU(info, source, lo, hi, onSynapse);
  case StorageKind::dense:
    return emitDenseRowCPU(info, source, lo, hi, onSynapse);
  }
}

bool NetworkLowering::storageLanesShareRow(ProjectionInfo &info) {
  // A procedural row is drawn in order, by one thread.
  return info.storage != StorageKind::procedural;
}

void NetworkLowering::emitStorageRowGPU(
    ProjectionInfo &info, Value source, Value lane, Value lanes,
    llvm::function_ref<void(Value, Value)> onSynapse) {
  switch (info.storage) {
  case StorageKind::csr:
    return emitCsrRowGPU(info, source, lane, lanes, onSynapse);
  case StorageKind::procedural:
    return emitProceduralRowGPU(info, source, onSynapse);
  case StorageKind::dense:
    return emitDenseRowGPU(info, source, lane, lanes, onSynapse);
  }
}

} // namespace mlir::snn::lowering
