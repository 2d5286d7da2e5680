//===- SNNAttributes.td - snn attributes -------------------*- tablegen -*-===//
//
// Part of snnc. Value specifications (how per-neuron and per-synapse values
// are drawn) and connectivity rules.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_SNNATTRIBUTES_TD
#define SNN_DIALECT_SNN_SNNATTRIBUTES_TD

include "snn/Dialect/SNN/SNNDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

/// A double (held as an APFloat for hashing) printed so that it reads back
/// bit for bit.
class SNN_DoubleParameter<string desc>
    : AttrOrTypeParameter<"::llvm::APFloat", desc> {
  let comparator = "$_lhs.bitwiseIsEqual($_rhs)";
  let parser = [{ ::mlir::snn::parseAPFloat($_parser) }];
  let printer = [{ ::mlir::snn::printDouble($_printer, $_self.convertToDouble()) }];
}

/// A scale factor, 1 when absent (and then not printed).
class SNN_ScaleParameter<string desc = "scale (1: none)">
    : SNN_DoubleParameter<desc> {
  let defaultValue = "::llvm::APFloat(1.0)";
}

class SNN_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<SNN_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

//===----------------------------------------------------------------------===//
// Value specifications. A constant is a plain FloatAttr.
//===----------------------------------------------------------------------===//

def SNN_UniformAttr : SNN_Attr<"Uniform", "uniform"> {
  let summary = "values drawn uniformly from [low, high)";
  let parameters = (ins SNN_DoubleParameter<"">:$low,
                        SNN_DoubleParameter<"">:$high);
  let assemblyFormat = "`<` $low `,` $high `>`";
  let genVerifyDecl = 1;
}

def SNN_NormalAttr : SNN_Attr<"Normal", "normal"> {
  let summary = "normally distributed values, optionally clipped";
  let description = [{
    Draws `mean + std * z` with z standard normal, then clamps it to
    [`low`, `high`] (a bound of -inf or +inf is none; clamping never rounds,
    so every target clips the same draws to the same values).

    ```mlir
    #snn.normal<1.0, 0.5>                      // unbounded
    #snn.normal<1.0, 0.5, clip [0.0, none]>    // a delay: never negative
    ```
  }];
  let parameters = (ins SNN_DoubleParameter<"">:$mean,
                        SNN_DoubleParameter<"">:$std,
                        SNN_DoubleParameter<"lower clip bound (-inf: none)">:$low,
                        SNN_DoubleParameter<"upper clip bound (+inf: none)">:$high);
  let builders = [
    AttrBuilder<(ins "::llvm::APFloat":$mean, "::llvm::APFloat":$std), [{
      return $_get($_ctxt, mean, std,
                   ::llvm::APFloat::getInf(::llvm::APFloat::IEEEdouble(), true),
                   ::llvm::APFloat::getInf(::llvm::APFloat::IEEEdouble()));
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Whether a bound clips the draws.
    bool isClipped() const {
      return !getLow().isInfinity() || !getHigh().isInfinity();
    }
  }];
}

def SNN_FileAttr : SNN_Attr<"File", "file"> {
  let summary = "one value per element, read from a data file";
  let description = [{
    The values of column `column` of the file at `path` (no name: its only
    column), each times `scale` (the unit the column is written in, in the
    model's base units: 1000 for seconds where time is in ms). With an
    `index` column, row r gives element index[r] its value (every element
    exactly once); without, the rows are the elements in order.
  }];
  let parameters = (ins StringRefParameter<"">:$path,
                        StringRefParameter<"">:$column,
                        SNN_ScaleParameter<>:$scale,
                        StringRefParameter<"index column", "\"\"">:$index);
  let assemblyFormat =
      "`<` $path `,` $column (`,` struct($scale, $index)^)? `>`";
}

def SNN_FromListAttr : SNN_Attr<"FromList", "from_list"> {
  let summary = "a column of the projection's synapse list";
  let description = [{
    Column `column` of the projection's synapse list, each value times
    `scale` (the column's unit in the model's base units).
  }];
  let parameters = (ins StringRefParameter<"">:$column,
                        SNN_ScaleParameter<>:$scale);
  let assemblyFormat = "`<` $column (`,` struct($scale)^)? `>`";
}

//===----------------------------------------------------------------------===//
// Connectivity rules
//===----------------------------------------------------------------------===//

def SNN_AllToAllAttr : SNN_Attr<"AllToAll", "all_to_all"> {
  let summary = "every presynaptic neuron to every postsynaptic neuron";
  let parameters = (ins "bool":$allow_self);
  let assemblyFormat = "`<` struct($allow_self) `>`";
}

def SNN_OneToOneAttr : SNN_Attr<"OneToOne", "one_to_one"> {
  let summary = "neuron i to neuron i";
}

def SNN_FixedProbabilityAttr
    : SNN_Attr<"FixedProbability", "fixed_probability"> {
  let summary = "each pair connected independently with probability p";
  let parameters = (ins SNN_DoubleParameter<"">:$p, "bool":$allow_self);
  let assemblyFormat = "`<` $p `,` struct($allow_self) `>`";
  let genVerifyDecl = 1;
}

def SNN_FixedIndegreeAttr : SNN_Attr<"FixedIndegree", "fixed_indegree"> {
  let summary = "each postsynaptic neuron gets k distinct presynaptic ones";
  let parameters = (ins "int64_t":$k, "bool":$allow_self);
  let assemblyFormat = "`<` $k `,` struct($allow_self) `>`";
  let genVerifyDecl = 1;
}

def SNN_FixedTotalNumberAttr
    : SNN_Attr<"FixedTotalNumber", "fixed_total_number"> {
  let summary = "exactly n synapses, each a (pre, post) pair drawn uniformly "
                "and independently (multapses allowed)";
  let parameters = (ins "int64_t":$n, "bool":$allow_self);
  let assemblyFormat = "`<` $n `,` struct($allow_self) `>`";
  let genVerifyDecl = 1;
}

def SNN_SynapseListAttr : SNN_Attr<"SynapseList", "synapse_list"> {
  let summary = "explicit synapses (pre, post[, weight, delay]) from a file";
  let parameters = (ins StringRefParameter<"">:$path);
  let assemblyFormat = "`<` $path `>`";
}

//===----------------------------------------------------------------------===//
// Storage of a projection's synapses (snn-select-storage)
//===----------------------------------------------------------------------===//

def SNN_StorageKind : I32EnumAttr<"StorageKind",
    "how a projection's synapses are held during the simulation", [
      I32EnumAttrCase<"csr", 0>,
      I32EnumAttrCase<"procedural", 1>,
      I32EnumAttrCase<"dense", 2>]> {
  let cppNamespace = "::mlir::snn";
  let genSpecializedAttr = 0;
}

def SNN_StorageAttr : EnumAttr<SNN_Dialect, SNN_StorageKind, "storage"> {
  let summary = "the storage kind of a projection";
  let description = [{
    - `csr`: rows of column indices (i32) per presynaptic neuron, with
      per-synapse weights and delays where they vary: 4 bytes per synapse
      with a constant weight and delay, plus 8 per presynaptic neuron;
    - `procedural`: nothing stored; when a presynaptic neuron spikes, its row
      is drawn again from the same counter-based random numbers that build
      the `csr` rows, so the synapses are the same. Only for rules that draw
      row by row (all_to_all, one_to_one, fixed_probability) with a constant
      weight and delay;
    - `dense`: per presynaptic neuron a row of bits, one per postsynaptic
      neuron (64-bit words, npre * ceil(npost / 64) of them), with row
      pointers and per-synapse weights and delays (in csr order) where they
      vary: npost / 8 bytes per row whatever its length, so fewer bytes than
      csr's columns when more than 1 pair in 16 (u16 columns) is a synapse.
      Only for rules without multapses that draw row by row (all_to_all,
      fixed_probability).
  }];
  let assemblyFormat = "`<` $value `>`";
}

#endif // SNN_DIALECT_SNN_SNNATTRIBUTES_TD
