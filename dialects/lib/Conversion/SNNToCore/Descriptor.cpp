//===- Descriptor.cpp - snn attributes as descriptor JSON -----------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "Descriptor.h"
#include "snn/Dialect/SNN/SNNAttributes.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::snn;
namespace json = llvm::json;

json::Value mlir::snn::valueSpecToJSON(Attribute spec) {
  return llvm::TypeSwitch<Attribute, json::Value>(spec)
      .Case([](FloatAttr a) {
        return json::Object{{"kind", "constant"},
                            {"value", a.getValueAsDouble()}};
      })
      .Case([](UniformAttr a) {
        return json::Object{{"kind", "uniform"},
                            {"low", a.getLow().convertToDouble()},
                            {"high", a.getHigh().convertToDouble()}};
      })
      .Case([](NormalAttr a) {
        json::Object o{{"kind", "normal"},
                       {"mean", a.getMean().convertToDouble()},
                       {"std", a.getStd().convertToDouble()}};
        // Bounds that clip (JSON has no infinity: an absent bound is none).
        if (!a.getLow().isInfinity())
          o["clip_low"] = a.getLow().convertToDouble();
        if (!a.getHigh().isInfinity())
          o["clip_high"] = a.getHigh().convertToDouble();
        return o;
      })
      .Case([](FileAttr a) {
        json::Object o{{"kind", "file"},
                       {"file", a.getPath().str()},
                       {"column", a.getColumn().str()}};
        if (a.getScale().convertToDouble() != 1.0)
          o["scale"] = a.getScale().convertToDouble();
        if (!a.getIndex().empty())
          o["index"] = a.getIndex().str();
        return o;
      })
      .Case([](FromListAttr a) {
        json::Object o{{"kind", "from_list"}, {"column", a.getColumn().str()}};
        if (a.getScale().convertToDouble() != 1.0)
          o["scale"] = a.getScale().convertToDouble();
        return o;
      })
      .Default([](Attribute) { return nullptr; });
}

json::Value mlir::snn::connectivityToJSON(Attribute connectivity) {
  return llvm::TypeSwitch<Attribute, json::Value>(connectivity)
      .Case([](AllToAllAttr a) {
        return json::Object{{"kind", "all_to_all"},
                            {"allow_self", a.getAllowSelf()}};
      })
      .Case([](OneToOneAttr) { return json::Object{{"kind", "one_to_one"}}; })
      .Case([](FixedProbabilityAttr a) {
        return json::Object{{"kind", "fixed_probability"},
                            {"p", a.getP().convertToDouble()},
                            {"allow_self", a.getAllowSelf()}};
      })
      .Case([](FixedIndegreeAttr a) {
        return json::Object{{"kind", "fixed_indegree"},
                            {"indegree", a.getK()},
                            {"allow_self", a.getAllowSelf()}};
      })
      .Case([](FixedTotalNumberAttr a) {
        return json::Object{{"kind", "fixed_total_number"},
                            {"total", a.getN()},
                            {"allow_self", a.getAllowSelf()}};
      })
      .Case([](SynapseListAttr a) {
        return json::Object{{"kind", "list"}, {"file", a.getPath().str()}};
      })
      .Default([](Attribute) { return nullptr; });
}
