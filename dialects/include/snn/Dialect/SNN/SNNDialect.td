//===- SNNDialect.td - The snn dialect ---------------------*- tablegen -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_SNNDIALECT_TD
#define SNN_DIALECT_SNN_SNNDIALECT_TD

include "mlir/IR/OpBase.td"

def SNN_Dialect : Dialect {
  let name = "snn";
  let cppNamespace = "::mlir::snn";
  let summary = "Spiking neural networks, declaratively";
  let description = [{
    The `snn` dialect describes a spiking network as data: neuron models whose
    regions hold the ODE right-hand sides, threshold and reset as `arith` and
    `math` ops, populations of those models, projections between them,
    spike and current sources, recordings, and the run settings. Passes turn
    the ODE regions into per-step updates (`snn-integrate`) and the network
    into loops over buffers (`convert-snn-to-core`).
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class SNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<SNN_Dialect, mnemonic, traits>;

#endif // SNN_DIALECT_SNN_SNNDIALECT_TD
