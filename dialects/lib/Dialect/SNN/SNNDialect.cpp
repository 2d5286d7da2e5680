//===- SNNDialect.cpp - The snn dialect -----------------------------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNDialect.h"
#include "snn/Dialect/SNN/SNNAttributes.h"
#include "snn/Dialect/SNN/SNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::snn;

#include "snn/Dialect/SNN/SNNDialect.cpp.inc"

void SNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "snn/Dialect/SNN/SNNOps.cpp.inc"
      >();
  registerAttributes();
}
