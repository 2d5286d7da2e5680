//===- UnitsTest.cpp - Quantities with units
//-------------------------------===//

#include "snn/AST/Units.h"

#include <gtest/gtest.h>

using namespace snn::ast;
using namespace snn::ast::units;

namespace {

Quantity q(const std::string &text, int extra = 0) {
  Quantity out;
  std::string error;
  size_t offset = 0;
  EXPECT_TRUE(parseQuantity(text, out, error, offset, extra))
      << text << ": " << error;
  return out;
}

std::string qError(const std::string &text, size_t *offset = nullptr) {
  Quantity out;
  std::string error;
  size_t off = 0;
  EXPECT_FALSE(parseQuantity(text, out, error, off)) << text;
  if (offset)
    *offset = off;
  return error;
}

TEST(Units, BaseUnits) {
  EXPECT_EQ(q("20 ms").value, 20);
  EXPECT_EQ(q("20 ms").dim, Time);
  EXPECT_EQ(q("-60 mV").value, -60);
  EXPECT_EQ(q("-60 mV").dim, Voltage);
  EXPECT_EQ(q("100 pA").value, 100);
  EXPECT_EQ(q("10 nS").value, 10);
  EXPECT_EQ(q("10 nS").dim, Conductance);
  EXPECT_EQ(q("200 pF").value, 200);
  EXPECT_EQ(q("200 pF").dim, Capacitance);
  EXPECT_EQ(q("0.1 GOhm").value, 0.1);
  EXPECT_EQ(q("0.1 GOhm").dim, Resistance);
}

TEST(Units, Conversions) {
  EXPECT_EQ(q("1 s").value, 1000);
  EXPECT_EQ(q("0.1 s").value, 100); // exact: one rounding from "0.1e3"
  EXPECT_EQ(q("0.5 nA").value, 500);
  EXPECT_EQ(q("2 uA").value, 2e6);
  EXPECT_EQ(q("1 V").value, 1000);
  EXPECT_EQ(q("3 us").value, 0.003);
  EXPECT_EQ(q("10 Hz").value, 0.01); // frequencies are 1/ms
  EXPECT_EQ(q("10 Hz").dim, Frequency);
  EXPECT_EQ(q("2 kHz").value, 2);
  EXPECT_EQ(q("1 MOhm").value, 0.001);
  EXPECT_EQ(q("100 kOhm").value, 1e-4);
  EXPECT_EQ(q("1 uF").value, 1e6);
  EXPECT_EQ(q("1 mS").value, 1e6);
  EXPECT_EQ(q("1.5e-3 s").value, 1.5);
  EXPECT_EQ(q("1e3 ms").value, 1000);
  EXPECT_EQ(q("1 Ms").value, 1e9);
  EXPECT_EQ(q("1 Gs").value, 1e12);
}

TEST(Units, Spellings) {
  EXPECT_EQ(q("5\xC2\xB5s").value, 0.005);  // µs (micro sign)
  EXPECT_EQ(q("5 \xCE\xBCs").value, 0.005); // μs (Greek mu)
  EXPECT_EQ(q("5 M\xCE\xA9").value, 0.005); // MΩ
  EXPECT_EQ(q("5 Mohm").value, 0.005);
  EXPECT_EQ(q("-60mV").value, -60);
  EXPECT_EQ(q("  +3 ms  ").value, 3);
  EXPECT_EQ(q(".5 ms").value, 0.5);
}

TEST(Units, BareNumbers) {
  Quantity x = q("0.25");
  EXPECT_EQ(x.value, 0.25);
  EXPECT_FALSE(x.hasUnit);
  EXPECT_EQ(x.dim, Dimensionless);
  // extraExp10 applies only to numbers with a unit: bare numbers are in the
  // field's unit already (Hz for source rates).
  EXPECT_EQ(q("5", 3).value, 5);
  EXPECT_EQ(q("5 Hz", 3).value, 5);
  EXPECT_EQ(q("0.02 kHz", 3).value, 20);
}

TEST(Units, CompoundUnits) {
  Quantity x = q("5 mV/ms");
  EXPECT_EQ(x.value, 5);
  EXPECT_EQ(x.dim, (Dim{-1, 1, 0}));
  x = q("0.04 1/mV/ms");
  EXPECT_EQ(x.value, 0.04);
  EXPECT_EQ(x.dim, (Dim{-1, -1, 0}));
  x = q("2 nS*mV");
  EXPECT_EQ(x.dim, Current);
  EXPECT_EQ(x.value, 2);
  x = q("1 s^-1");
  EXPECT_EQ(x.dim, Frequency);
  EXPECT_EQ(x.value, 0.001);
  x = q("1 mV / ms");
  EXPECT_EQ(x.dim, (Dim{-1, 1, 0}));
  x = q("4 ms^2");
  EXPECT_EQ(x.dim, (Dim{2, 0, 0}));
}

TEST(Units, Errors) {
  size_t offset = 0;
  EXPECT_EQ(qError("20 msec", &offset), "unknown unit 'msec'");
  EXPECT_EQ(offset, 3u);
  EXPECT_EQ(qError("ms"),
            "expected a number with an optional unit (e.g. \"20 ms\")");
  EXPECT_EQ(qError(""),
            "expected a number with an optional unit (e.g. \"20 ms\")");
  EXPECT_EQ(qError("20 m"), "unknown unit 'm'");
  EXPECT_EQ(qError("1e999 ms"), "number out of range");
  EXPECT_EQ(qError("1e306 s"), "number out of range");
  EXPECT_EQ(qError("3 mV ms"), "unexpected 'm' in unit");
  EXPECT_EQ(qError("3 mV/"), "expected a unit");
  EXPECT_EQ(qError("nan"),
            "expected a number with an optional unit (e.g. \"20 ms\")");
}

TEST(Units, LexUnitStopsAtNonUnits) {
  Unit u;
  EXPECT_EQ(lexUnit("mV/ms + x", u), 5u);
  EXPECT_EQ(u.dim, (Dim{-1, 1, 0}));
  EXPECT_EQ(lexUnit("mV / tau", u), 2u);
  EXPECT_EQ(lexUnit("mV/tau", u), 2u);
  EXPECT_EQ(lexUnit("tau", u), 0u);
  EXPECT_EQ(lexUnit("Hz)", u), 2u);
  EXPECT_EQ(u.exp10, -3);
}

TEST(Units, Describe) {
  EXPECT_EQ(describe(Time), "a time");
  EXPECT_EQ(describe(Dimensionless), "a dimensionless number");
  EXPECT_EQ(describe(Dim{-1, 1, 0}), "a quantity in mV/ms");
  EXPECT_EQ(baseUnit(Conductance), "nS");
  EXPECT_EQ(baseUnit(Dim{-2, -1, 0}), "1/mV*ms^2");
}

TEST(Units, ScanNumber) {
  EXPECT_EQ(scanNumber("1.5e-3x", false), 6u);
  EXPECT_EQ(scanNumber("2e", false), 1u); // "2" then the word "e"
  EXPECT_EQ(scanNumber("-2", false), 0u);
  EXPECT_EQ(scanNumber("-2", true), 2u);
  EXPECT_EQ(scanNumber(".", false), 0u);
}

} // namespace
