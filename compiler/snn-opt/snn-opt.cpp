//===- snn-opt.cpp - Run snn passes on MLIR files -------------------------===//
//
// Part of snnc. Thin MlirOptMain wrapper: the dialects snnc uses, the snn
// passes, and the upstream passes its pipeline runs.
//
//===----------------------------------------------------------------------===//

#include "snn/Compiler/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  snn::compiler::registerDialects(registry);
  snn::compiler::registerPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "snn optimizer driver\n", registry));
}
