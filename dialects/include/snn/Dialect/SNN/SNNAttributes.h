//===- SNNAttributes.h - snn attributes -------------------------*- C++ -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_SNNATTRIBUTES_H
#define SNN_DIALECT_SNN_SNNATTRIBUTES_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

namespace mlir::snn {
/// Parses a floating-point (or integer) literal as a double.
FailureOr<double> parseDouble(AsmParser &parser);
FailureOr<llvm::APFloat> parseAPFloat(AsmParser &parser);
/// The shortest decimal form of `value` that reads back to the same double
/// ("0.1", "-5", "2.5e-05"), for messages.
std::string formatDouble(double value);
/// Prints a double so that parseDouble reads back the same bits.
void printDouble(AsmPrinter &printer, double value);

/// Whether `attr` is a value specification: a FloatAttr, #snn.uniform,
/// #snn.normal, #snn.file or #snn.from_list.
bool isValueSpec(Attribute attr);
/// Whether `attr` is one of the connectivity attributes.
bool isConnectivity(Attribute attr);
} // namespace mlir::snn

#include "snn/Dialect/SNN/SNNEnums.h.inc"

namespace mlir::snn {
/// A stored projection into at most this many neurons holds its columns
/// (post indices) in 16 bits, read unsigned (docs/runtime-abi.md).
constexpr int64_t kNarrowColumnLimit = int64_t(1) << 16;
/// Why a projection with this connectivity, weight and delay cannot be
/// stored as `kind`, or "" when it can: the one place that says which
/// storage kind takes which projections (snn-select-storage, the
/// projection's verifier).
std::string storageUnsupported(StorageKind kind, Attribute connectivity,
                               Attribute weight, Attribute delay);
/// The bytes a projection (this connectivity, weight and delay; `self`
/// when its pre and post are one population) would hold as `kind`: the
/// expected number of synapses times what each stores, plus what each row
/// stores (snn-select-storage's cost model). Synapse lists count 0
/// synapses: their size is in a file.
double storageBytes(StorageKind kind, Attribute connectivity,
                    Attribute weight, Attribute delay, bool self,
                    int64_t npre, int64_t npost, Type floatType);
/// The storage kinds' names, for messages: "csr, procedural or dense".
std::string storageKindList();
} // namespace mlir::snn

#define GET_ATTRDEF_CLASSES
#include "snn/Dialect/SNN/SNNAttributes.h.inc"

#endif // SNN_DIALECT_SNN_SNNATTRIBUTES_H
