//===- Units.cpp - Quantities with units -> base units --------------------===//

#include "snn/AST/Units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace snn::ast::units {

Dim multiply(Dim a, Dim b) {
  return Dim{a.time + b.time, a.voltage + b.voltage, a.current + b.current};
}

Dim power(Dim a, int e) {
  return Dim{a.time * e, a.voltage * e, a.current * e};
}

namespace {

struct Named {
  Dim dim;
  const char *article; // "a time"
  const char *unit;    // "ms"
};

const Named kNamed[] = {
    {Dimensionless, "a dimensionless number", ""},
    {Time, "a time", "ms"},
    {Voltage, "a voltage", "mV"},
    {Current, "a current", "pA"},
    {Conductance, "a conductance", "nS"},
    {Capacitance, "a capacitance", "pF"},
    {Resistance, "a resistance", "GOhm"},
    {Frequency, "a frequency", "1/ms"},
    {Charge, "a charge", "fC"},
};

std::string composeUnit(Dim d) {
  std::string num, den;
  auto add = [&](int e, const char *u) {
    if (e == 0)
      return;
    std::string &s = e > 0 ? num : den;
    if (!s.empty())
      s += "*";
    s += u;
    int a = e > 0 ? e : -e;
    if (a != 1)
      s += "^" + std::to_string(a);
  };
  add(d.voltage, "mV");
  add(d.current, "pA");
  add(d.time, "ms");
  if (num.empty())
    num = "1";
  return den.empty() ? num : num + "/" + den;
}

} // namespace

std::string describe(Dim d) {
  for (const Named &n : kNamed)
    if (n.dim == d)
      return n.article;
  return "a quantity in " + composeUnit(d);
}

std::string baseUnit(Dim d) {
  for (const Named &n : kNamed)
    if (n.dim == d)
      return n.unit;
  return composeUnit(d);
}

namespace {

struct Base {
  const char *symbol;
  Dim dim;
  int exp10; // one of this unit in base units
};

// Base units: ms, mV, pA; nS = pA/mV, pF = pA*ms/mV, GOhm = mV/pA.
const Base kBases[] = {
    {"s", Time, 3},
    {"V", Voltage, 3},
    {"A", Current, 12},
    {"S", Conductance, 9},
    {"F", Capacitance, 12},
    {"Ohm", Resistance, -9},
    {"ohm", Resistance, -9},
    {"\xCE\xA9", Resistance, -9},     // Ω U+03A9 GREEK CAPITAL LETTER OMEGA
    {"\xE2\x84\xA6", Resistance, -9}, // Ω U+2126 OHM SIGN
    {"Hz", Frequency, -3},
};

struct Prefix {
  const char *symbol;
  int exp10;
};

const Prefix kPrefixes[] = {
    {"p", -12},
    {"n", -9},
    {"u", -6},
    {"\xC2\xB5", -6} /* µ U+00B5 */,
    {"\xCE\xBC", -6} /* μ U+03BC */,
    {"m", -3},
    {"k", 3},
    {"M", 6},
    {"G", 9},
};

bool lookupBase(std::string_view s, Unit &out) {
  for (const Base &b : kBases)
    if (s == b.symbol) {
      out = Unit{b.dim, b.exp10};
      return true;
    }
  return false;
}

/// One atom without a power: "ms", "GOhm", "Hz".
bool lookupAtom(std::string_view s, Unit &out) {
  if (lookupBase(s, out))
    return true;
  for (const Prefix &p : kPrefixes) {
    size_t n = std::strlen(p.symbol);
    if (s.size() > n && s.compare(0, n, p.symbol) == 0 &&
        lookupBase(s.substr(n), out)) {
      out.exp10 += p.exp10;
      return true;
    }
  }
  return false;
}

/// Bytes that may form a unit atom: ASCII letters and the UTF-8 bytes of µ,
/// μ and Ω.
bool isAtomByte(unsigned char c) { return std::isalpha(c) || c >= 0x80; }

/// Reads "atom" or "atom^int" at `text[pos]`. Returns the end position, or
/// `pos` when there is no unit atom.
size_t readAtom(std::string_view text, size_t pos, Unit &out) {
  size_t e = pos;
  while (e < text.size() && isAtomByte((unsigned char)text[e]))
    ++e;
  if (e == pos || !lookupAtom(text.substr(pos, e - pos), out))
    return pos;
  if (e < text.size() && text[e] == '^') {
    size_t q = e + 1;
    bool neg = false;
    if (q < text.size() && (text[q] == '-' || text[q] == '+'))
      neg = text[q++] == '-';
    size_t d = q;
    while (q < text.size() && std::isdigit((unsigned char)text[q]) && q - d < 3)
      ++q;
    if (q > d) {
      int p = std::atoi(std::string(text.substr(d, q - d)).c_str());
      if (neg)
        p = -p;
      out.dim = power(out.dim, p);
      out.exp10 *= p;
      return q;
    }
  }
  return e;
}

void combine(Unit &acc, const Unit &u, bool divide) {
  acc.dim = multiply(acc.dim, divide ? power(u.dim, -1) : u.dim);
  acc.exp10 += divide ? -u.exp10 : u.exp10;
}

} // namespace

size_t lexUnit(std::string_view text, Unit &out) {
  Unit first;
  size_t pos = readAtom(text, 0, first);
  if (pos == 0)
    return 0;
  out = first;
  while (pos < text.size() && (text[pos] == '*' || text[pos] == '/')) {
    Unit next;
    size_t e = readAtom(text, pos + 1, next);
    if (e == pos + 1)
      break;
    combine(out, next, text[pos] == '/');
    pos = e;
  }
  return pos;
}

bool parseUnit(std::string_view text, Unit &out, std::string &error) {
  size_t pos = 0;
  auto skipSpaces = [&] {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
      ++pos;
  };
  out = Unit{};
  skipSpaces();
  bool divide = false;
  if (pos < text.size() && text[pos] == '1') {
    ++pos;
    skipSpaces();
    if (pos >= text.size() || text[pos] != '/') {
      error = "expected '/' after '1' in a unit";
      return false;
    }
    ++pos;
    divide = true;
    skipSpaces();
  }
  while (true) {
    Unit atom;
    size_t e = readAtom(text, pos, atom);
    if (e == pos) {
      size_t w = pos;
      while (w < text.size() && text[w] != ' ' && text[w] != '*' &&
             text[w] != '/')
        ++w;
      std::string word(text.substr(pos, w - pos));
      error = word.empty() ? "expected a unit" : "unknown unit '" + word + "'";
      return false;
    }
    combine(out, atom, divide);
    pos = e;
    skipSpaces();
    if (pos >= text.size())
      return true;
    if (text[pos] != '*' && text[pos] != '/') {
      error = "unexpected '" + std::string(1, text[pos]) + "' in unit";
      return false;
    }
    divide = text[pos] == '/';
    ++pos;
    skipSpaces();
  }
}

size_t scanNumber(std::string_view text, bool allowSign) {
  size_t i = 0;
  if (allowSign && i < text.size() && (text[i] == '-' || text[i] == '+'))
    ++i;
  size_t digits = 0;
  while (i < text.size() && std::isdigit((unsigned char)text[i]))
    ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit((unsigned char)text[i]))
      ++i, ++digits;
  }
  if (digits == 0)
    return 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t j = i + 1;
    if (j < text.size() && (text[j] == '-' || text[j] == '+'))
      ++j;
    size_t d = j;
    while (j < text.size() && std::isdigit((unsigned char)text[j]))
      ++j;
    if (j > d) // "2e" alone is the number 2 followed by 'e'
      i = j;
  }
  return i;
}

bool decimalToDouble(std::string_view number, int exp10, double &out) {
  // Split the literal into mantissa and exponent, then let strtod round
  // mantissa * 10^(exponent + exp10) once.
  size_t e = number.find_first_of("eE");
  std::string mantissa(number.substr(0, e));
  long long exponent = 0;
  if (e != std::string_view::npos) {
    size_t i = e + 1;
    bool neg = false;
    if (i < number.size() && (number[i] == '-' || number[i] == '+'))
      neg = number[i++] == '-';
    for (; i < number.size(); ++i) {
      exponent = exponent * 10 + (number[i] - '0');
      if (exponent > 100000) { // saturate: far outside the double range
        exponent = 100000;
        break;
      }
    }
    if (neg)
      exponent = -exponent;
  }
  exponent += exp10;
  std::string text = mantissa + "e" + std::to_string(exponent);
  out = std::strtod(text.c_str(), nullptr);
  return std::isfinite(out);
}

bool parseQuantity(std::string_view text, Quantity &out, std::string &error,
                   size_t &errorOffset, int extraExp10) {
  size_t pos = 0;
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
    ++pos;
  size_t n = scanNumber(text.substr(pos), /*allowSign=*/true);
  if (n == 0) {
    errorOffset = pos;
    error = "expected a number with an optional unit (e.g. \"20 ms\")";
    return false;
  }
  std::string_view number = text.substr(pos, n);
  if (number[0] == '+')
    number.remove_prefix(1);
  pos += n;
  size_t end = text.size();
  while (end > pos && (text[end - 1] == ' ' || text[end - 1] == '\t'))
    --end;
  Unit unit;
  out.hasUnit = false;
  if (pos < end) {
    size_t unitStart = pos;
    while (unitStart < end &&
           (text[unitStart] == ' ' || text[unitStart] == '\t'))
      ++unitStart;
    std::string unitError;
    if (!parseUnit(text.substr(unitStart, end - unitStart), unit, unitError)) {
      errorOffset = unitStart;
      error = unitError;
      return false;
    }
    out.hasUnit = true;
  }
  out.dim = unit.dim;
  // A number without a unit is already in the field's base unit.
  int exp10 = out.hasUnit ? unit.exp10 + extraExp10 : 0;
  if (!decimalToDouble(number, exp10, out.value)) {
    errorOffset = 0;
    error = "number out of range";
    return false;
  }
  return true;
}

} // namespace snn::ast::units
