//===- Units.h - Quantities with units -> base units --------------*- C++
//-*-===//
//
// Part of snnc. Model files write quantities as "20 ms", "-60 mV", "0.5 nA",
// "10 nS/mV" or as bare numbers. Everything is converted to the coherent base
// units ms, mV, pA (so nS, pF, GOhm, and 1/ms for frequencies), see
// docs/model-format.md. Conversions shift the decimal exponent of the written
// number and convert once, so "0.1 s" is exactly the double nearest 100.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_AST_UNITS_H
#define SNN_AST_UNITS_H

#include "snn/AST/ModelSpec.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace snn::ast::units {

inline constexpr Dim Dimensionless{0, 0, 0};
inline constexpr Dim Time{1, 0, 0};
inline constexpr Dim Voltage{0, 1, 0};
inline constexpr Dim Current{0, 0, 1};
inline constexpr Dim Conductance{0, -1, 1};
inline constexpr Dim Capacitance{1, -1, 1};
inline constexpr Dim Resistance{0, 1, -1};
inline constexpr Dim Frequency{-1, 0, 0};
inline constexpr Dim Charge{1, 0, 1};

Dim multiply(Dim a, Dim b);
Dim power(Dim a, int exponent);

/// "a time", "a voltage", "a dimensionless number", "a quantity in mV/ms".
std::string describe(Dim d);
/// The base unit of `d`: "ms", "mV", "pA", "nS", "pF", "GOhm", "1/ms", "" for
/// dimensionless, "mV/ms" and the like otherwise.
std::string baseUnit(Dim d);

/// A unit: its dimension and the power of ten that converts a number written
/// in it to base units ("ns" -> time, -6; "Hz" -> 1/time, -3).
struct Unit {
  Dim dim;
  int exp10 = 0;
};

/// Parses a whole unit expression: atoms (an optional SI prefix p n u µ m k M
/// G, then s V A S F Ohm Ω Hz) with optional integer powers ("ms^-1"), joined
/// by '*' or '/' (spaces around them allowed), optionally starting with "1/".
/// Returns false and sets `error` when it is not a unit.
bool parseUnit(std::string_view text, Unit &out, std::string &error);

/// Expression context: the longest unit at the start of `text` made of atoms
/// joined by '*' or '/' without spaces ("mV/ms" in "5 mV/ms + x"; an atom
/// that is not a unit ends it). Returns the number of bytes consumed, 0 when
/// `text` does not start with a unit.
size_t lexUnit(std::string_view text, Unit &out);

/// Length of the decimal number at the start of `text` ("-1.5e3", "2", ".5"),
/// 0 when there is none. A sign is accepted only when `allowSign`.
size_t scanNumber(std::string_view text, bool allowSign);

/// Converts the decimal literal `number` (as scanned by scanNumber) times
/// 10^exp10 to the nearest double. Returns false when the result is not
/// finite.
bool decimalToDouble(std::string_view number, int exp10, double &out);

struct Quantity {
  double value = 0.0; // in base units (times 10^extraExp10, see below)
  Dim dim;            // Dimensionless when written without a unit
  bool hasUnit = false;
};

/// Parses "20 ms", "-0.5 nA", "5 Hz", "1e-3", "0.04 1/mV/ms". The value is
/// converted to base units and then, when it has a unit, multiplied by
/// 10^extraExp10 (source rates use 3 to be stored in Hz instead of 1/ms; a
/// bare number is taken to be in the field's unit already). On failure returns
/// false with a message and the byte offset of the problem in `text`.
bool parseQuantity(std::string_view text, Quantity &out, std::string &error,
                   size_t &errorOffset, int extraExp10 = 0);

} // namespace snn::ast::units

#endif // SNN_AST_UNITS_H
