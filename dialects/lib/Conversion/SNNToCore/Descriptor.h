//===- Descriptor.h - snn attributes as descriptor JSON ---------*- C++ -*-===//
//
// Part of snnc. The JSON forms of value specifications and connectivity rules
// in the network descriptor (docs/runtime-abi.md).
//
//===----------------------------------------------------------------------===//

#ifndef SNN_CONVERSION_SNNTOCORE_DESCRIPTOR_H
#define SNN_CONVERSION_SNNTOCORE_DESCRIPTOR_H

#include "mlir/IR/Attributes.h"
#include "llvm/Support/JSON.h"

namespace mlir::snn {
llvm::json::Value valueSpecToJSON(Attribute spec);
llvm::json::Value connectivityToJSON(Attribute connectivity);
} // namespace mlir::snn

#endif // SNN_CONVERSION_SNNTOCORE_DESCRIPTOR_H
