//===- SNNAttributes.cpp - snn attributes ---------------------------------===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#include "snn/Dialect/SNN/SNNAttributes.h"
#include "snn/Dialect/SNN/SNNDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::snn;

FailureOr<double> mlir::snn::parseDouble(AsmParser &parser) {
  double value;
  if (parser.parseFloat(value))
    return failure();
  return value;
}

FailureOr<llvm::APFloat> mlir::snn::parseAPFloat(AsmParser &parser) {
  FailureOr<double> value = parseDouble(parser);
  if (failed(value))
    return failure();
  return llvm::APFloat(*value);
}

std::string mlir::snn::formatDouble(double value) {
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value)
      break;
  }
  return buffer;
}

void mlir::snn::printDouble(AsmPrinter &printer, double value) {
  // The shortest %g form that reads back to the same bits, always with a '.'
  // so that it lexes as a float literal.
  if (!std::isfinite(value)) {
    char buffer[64];
    // Not expected in valid specs; print something the parser accepts.
    std::snprintf(buffer, sizeof buffer, "%s",
                  value > 0 ? "1.0e+308" : "-1.0e+308");
    printer << buffer;
    return;
  }
  // MLIR lexes a literal as a float only when it has a '.': 6e+01 -> 6.0e+01.
  std::string text = formatDouble(value);
  if (text.find('.') == std::string::npos) {
    size_t e = text.find('e');
    text.insert(e == std::string::npos ? text.size() : e, ".0");
  }
  printer << text;
}

bool mlir::snn::isValueSpec(Attribute attr) {
  return isa<FloatAttr, UniformAttr, NormalAttr, FileAttr, FromListAttr>(attr);
}

std::string mlir::snn::storageUnsupported(StorageKind kind,
                                          Attribute connectivity,
                                          Attribute weight, Attribute delay) {
  switch (kind) {
  case StorageKind::csr:
    return "";
  case StorageKind::procedural:
    if (!isa<AllToAllAttr, OneToOneAttr, FixedProbabilityAttr>(connectivity))
      return "its rows are not drawn one presynaptic neuron at a time (only "
             "all_to_all, one_to_one and fixed_probability are)";
    if (!isa<FloatAttr>(weight))
      return "its weight varies per synapse (procedural synapses have one "
             "weight)";
    if (!isa<FloatAttr>(delay))
      return "its delay varies per synapse (procedural synapses have one "
             "delay)";
    return "";
  case StorageKind::dense:
    // A bit per (pre, post) pair: no multapses, and rows drawn in order so
    // that the per-synapse values keep csr's order.
    if (!isa<AllToAllAttr, FixedProbabilityAttr>(connectivity))
      return "a bit per pair holds only rules without multapses drawn one "
             "presynaptic neuron at a time (all_to_all and "
             "fixed_probability)";
    return "";
  }
  return "unknown storage kind";
}

/// The expected number of synapses of a projection: 0 for synapse lists.
static double expectedSynapses(Attribute c, bool self, int64_t npre,
                               int64_t npost) {
  auto candidates = [&](bool allowSelf) {
    double pairs = double(npre) * double(npost);
    if (self && !allowSelf)
      pairs -= double(std::min(npre, npost));
    return pairs;
  };
  if (auto a = dyn_cast<AllToAllAttr>(c))
    return candidates(a.getAllowSelf());
  if (isa<OneToOneAttr>(c))
    return double(npre);
  if (auto p = dyn_cast<FixedProbabilityAttr>(c))
    return p.getP().convertToDouble() * candidates(p.getAllowSelf());
  if (auto k = dyn_cast<FixedIndegreeAttr>(c))
    return double(k.getK()) * double(npost);
  if (auto n = dyn_cast<FixedTotalNumberAttr>(c))
    return double(n.getN());
  return 0;
}

double mlir::snn::storageBytes(StorageKind kind, Attribute connectivity,
                               Attribute weight, Attribute delay, bool self,
                               int64_t npre, int64_t npost, Type floatType) {
  double synapses = expectedSynapses(connectivity, self, npre, npost);
  // The weight and delay where they vary, per synapse.
  double values = 0;
  if (!isa<FloatAttr>(weight))
    values += floatType.getIntOrFloatBitWidth() / 8;
  if (!isa<FloatAttr>(delay))
    values += 4;
  double rowPointers = 8.0 * double(npre + 1);
  switch (kind) {
  case StorageKind::csr: {
    double column = npost <= kNarrowColumnLimit ? 2 : 4;
    return synapses * (column + values) + rowPointers;
  }
  case StorageKind::procedural:
    return 0;
  case StorageKind::dense: // a 64-bit word per 64 posts per row
    return synapses * values +
           8.0 * double(npre) * double((npost + 63) / 64) + rowPointers;
  }
  return 0;
}

std::string mlir::snn::storageKindList() {
  std::string list;
  for (uint32_t k = 0, last = getMaxEnumValForStorageKind(); k <= last; ++k) {
    if (k > 0)
      list += k == last ? " or " : ", ";
    list += stringifyStorageKind(static_cast<StorageKind>(k)).str();
  }
  return list;
}

bool mlir::snn::isConnectivity(Attribute attr) {
  return isa<AllToAllAttr, OneToOneAttr, FixedProbabilityAttr,
             FixedIndegreeAttr, FixedTotalNumberAttr, SynapseListAttr>(attr);
}

LogicalResult UniformAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  llvm::APFloat lowValue,
                                  llvm::APFloat highValue) {
  double low = lowValue.convertToDouble(), high = highValue.convertToDouble();
  if (!(low <= high))
    return emitError() << "uniform range [" << formatDouble(low) << ", " << formatDouble(high)
                       << ") is empty";
  if (!std::isfinite(high - low))
    return emitError() << "uniform range [" << formatDouble(low) << ", "
                       << formatDouble(high)
                       << ") is wider than the largest double";
  return success();
}

LogicalResult NormalAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 llvm::APFloat meanValue,
                                 llvm::APFloat stdValue, llvm::APFloat lowValue,
                                 llvm::APFloat highValue) {
  double mean = meanValue.convertToDouble(), std = stdValue.convertToDouble();
  double low = lowValue.convertToDouble(), high = highValue.convertToDouble();
  if (!std::isfinite(mean))
    return emitError() << "normal mean " << formatDouble(mean)
                       << " is not finite";
  if (!(std >= 0.0) || !std::isfinite(std))
    return emitError() << "normal standard deviation " << formatDouble(std)
                       << " is negative or not finite";
  if (std::isnan(low) || std::isnan(high) || low == INFINITY ||
      high == -INFINITY)
    return emitError() << "normal clip bounds must be numbers, or -inf and "
                          "+inf for none";
  if (!(low <= high))
    return emitError() << "normal clip range [" << formatDouble(low) << ", "
                       << formatDouble(high) << "] is empty";
  return success();
}

// #snn.normal<mean, std> or #snn.normal<mean, std, clip [low|none, high|none]>
Attribute NormalAttr::parse(AsmParser &parser, Type) {
  FailureOr<llvm::APFloat> mean, std;
  llvm::APFloat low = llvm::APFloat::getInf(llvm::APFloat::IEEEdouble(), true);
  llvm::APFloat high = llvm::APFloat::getInf(llvm::APFloat::IEEEdouble());
  if (parser.parseLess() || failed(mean = parseAPFloat(parser)) ||
      parser.parseComma() || failed(std = parseAPFloat(parser)))
    return {};
  if (succeeded(parser.parseOptionalComma())) {
    auto bound = [&](llvm::APFloat &out) -> LogicalResult {
      if (succeeded(parser.parseOptionalKeyword("none")))
        return success();
      FailureOr<llvm::APFloat> v = parseAPFloat(parser);
      if (failed(v))
        return failure();
      out = *v;
      return success();
    };
    if (parser.parseKeyword("clip") || parser.parseLSquare() ||
        failed(bound(low)) || parser.parseComma() || failed(bound(high)) ||
        parser.parseRSquare())
      return {};
  }
  if (parser.parseGreater())
    return {};
  return NormalAttr::getChecked(
      [&] { return parser.emitError(parser.getNameLoc()); },
      parser.getContext(), *mean, *std, low, high);
}

void NormalAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printDouble(printer, getMean().convertToDouble());
  printer << ", ";
  printDouble(printer, getStd().convertToDouble());
  if (isClipped()) {
    auto bound = [&](const llvm::APFloat &v) {
      if (v.isInfinity())
        printer << "none";
      else
        printDouble(printer, v.convertToDouble());
    };
    printer << ", clip [";
    bound(getLow());
    printer << ", ";
    bound(getHigh());
    printer << "]";
  }
  printer << ">";
}

LogicalResult
FixedProbabilityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                             llvm::APFloat pValue, bool allowSelf) {
  double p = pValue.convertToDouble();
  if (!(p >= 0.0 && p <= 1.0))
    return emitError() << "connection probability " << formatDouble(p)
                       << " is outside [0, 1]";
  return success();
}

LogicalResult
FixedIndegreeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          int64_t k, bool allowSelf) {
  if (k < 0)
    return emitError() << "in-degree " << k << " is negative";
  return success();
}

LogicalResult
FixedTotalNumberAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                             int64_t n, bool allowSelf) {
  if (n < 0)
    return emitError() << "total number of synapses " << n << " is negative";
  return success();
}

#include "snn/Dialect/SNN/SNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "snn/Dialect/SNN/SNNAttributes.cpp.inc"

void SNNDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "snn/Dialect/SNN/SNNAttributes.cpp.inc"
      >();
}
