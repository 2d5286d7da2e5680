//===- JSONReaderTest.cpp - Position-tracking JSON reader
//------------------===//

#include "snn/Frontend/JSONReader.h"

#include <gtest/gtest.h>

#include <random>

using namespace snn::json;

namespace {

Value ok(const std::string &text) {
  Value v;
  ParseError err;
  EXPECT_TRUE(parse(text, v, err))
      << err.line << ":" << err.col << ": " << err.message;
  return v;
}

ParseError bad(const std::string &text) {
  Value v;
  ParseError err;
  EXPECT_FALSE(parse(text, v, err)) << text;
  return err;
}

#define EXPECT_JSON_ERROR(text, L, C, msg)                                     \
  do {                                                                         \
    ParseError e_ = bad(text);                                                 \
    EXPECT_EQ(e_.line, unsigned(L)) << e_.message;                             \
    EXPECT_EQ(e_.col, unsigned(C)) << e_.message;                              \
    EXPECT_EQ(e_.message, msg);                                                \
  } while (0)

TEST(JSONReader, ValuesAndPositions) {
  Value v = ok("{\n  \"a\": [1, -2.5e3, true],\n  \"b\": {\"c\": null},\n"
               "  \"s\": \"x\"\n}");
  ASSERT_TRUE(v.isObject());
  EXPECT_EQ(v.line, 1u);
  EXPECT_EQ(v.col, 1u);
  ASSERT_EQ(v.members.size(), 3u);
  EXPECT_EQ(v.members[0].key, "a");
  EXPECT_EQ(v.members[0].line, 2u);
  EXPECT_EQ(v.members[0].col, 3u);
  const Value *a = v.find("a");
  ASSERT_TRUE(a && a->isArray());
  EXPECT_EQ(a->line, 2u);
  EXPECT_EQ(a->col, 8u);
  EXPECT_EQ(a->items[1].number, -2500);
  EXPECT_EQ(a->items[1].text, "-2.5e3");
  EXPECT_EQ(a->items[1].col, 12u);
  EXPECT_EQ(a->items[1].path, "/a/1");
  EXPECT_TRUE(a->items[2].boolean);
  const Value *c = v.find("b")->find("c");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->isNull());
  EXPECT_EQ(c->path, "/b/c");
  EXPECT_EQ(c->line, 3u);
  EXPECT_EQ(c->col, 14u);
  EXPECT_EQ(v.find("s")->text, "x");
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(JSONReader, PointerEscapes) {
  Value v = ok(R"({"a/b": {"m~n": 1}})");
  EXPECT_EQ(v.find("a/b")->find("m~n")->path, "/a~1b/m~0n");
}

TEST(JSONReader, StringEscapesMapToColumns) {
  // "\u00b5s x": the decoded bytes of µ both map to the escape's column.
  Value v = ok(R"({"k": "a\tb\u00b5c"})");
  const Value *s = v.find("k");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->text, "a\tb\xC2\xB5"
                     "c");
  EXPECT_EQ(s->col, 7u);
  EXPECT_EQ(s->colOfChar(0), 8u);  // a
  EXPECT_EQ(s->colOfChar(1), 9u);  // \t
  EXPECT_EQ(s->colOfChar(2), 11u); // b
  EXPECT_EQ(s->colOfChar(3), 12u); // first byte of µ (\u00b5)
  EXPECT_EQ(s->colOfChar(4), 12u);
  EXPECT_EQ(s->colOfChar(5), 18u); // c
  EXPECT_EQ(s->colOfChar(6), 19u); // the closing quote
  Value plain = ok(R"({"k": "abc"})");
  EXPECT_EQ(plain.find("k")->colOfChar(2), 10u);
}

TEST(JSONReader, Unicode) {
  Value v = ok("{\"k\": \"\\ud83d\\ude00 \xCE\xA9\"}");
  EXPECT_EQ(v.find("k")->text, "\xF0\x9F\x98\x80 \xCE\xA9");
  Value bom = ok("\xEF\xBB\xBF{\"a\": 1}");
  EXPECT_EQ(bom.find("a")->col, 7u);
}

TEST(JSONReader, SyntaxErrors) {
  EXPECT_JSON_ERROR("", 1, 1, "empty file: expected a JSON object");
  EXPECT_JSON_ERROR("  \n  ", 2, 3, "empty file: expected a JSON object");
  EXPECT_JSON_ERROR("{\"a\": 1,}", 1, 8, "trailing comma before '}'");
  EXPECT_JSON_ERROR("[1, 2,\n]", 1, 6, "trailing comma before ']'");
  EXPECT_JSON_ERROR("{\"a\": \"abc}", 1, 7, "unterminated string");
  EXPECT_JSON_ERROR("{\"a\": \"ab\nc\"}", 1, 7,
                    "unterminated string (strings cannot span lines)");
  EXPECT_JSON_ERROR("{\"a\": 1, \"a\": 2}", 1, 10,
                    "duplicate key 'a' (first at line 1, column 2)");
  EXPECT_JSON_ERROR("{\"a\": 1 \"b\": 2}", 1, 9,
                    "expected ',' between object members");
  EXPECT_JSON_ERROR("{\"a\" 1}", 1, 6,
                    "expected ':' after the key 'a', found '1'");
  EXPECT_JSON_ERROR("{a: 1}", 1, 2,
                    "expected a key in double quotes, found 'a'");
  EXPECT_JSON_ERROR("{'a': 1}", 1, 2, "keys must be strings in double quotes");
  EXPECT_JSON_ERROR("{\"a\": 'x'}", 1, 7, "strings must use double quotes");
  EXPECT_JSON_ERROR("{\"a\": 01}", 1, 7,
                    "leading zeros are not allowed in JSON numbers");
  EXPECT_JSON_ERROR("{\"a\": 1.}", 1, 9,
                    "invalid number: expected a digit after '.'");
  EXPECT_JSON_ERROR("{\"a\": .5}", 1, 7,
                    "invalid number: JSON numbers start with '-' or a digit");
  EXPECT_JSON_ERROR("{\"a\": +1}", 1, 7,
                    "invalid number: JSON numbers start with '-' or a digit");
  EXPECT_JSON_ERROR("{\"a\": 1e}", 1, 9,
                    "invalid number: expected a digit in the exponent");
  EXPECT_JSON_ERROR("{\"a\": NaN}", 1, 7, "'NaN' is not a JSON number");
  EXPECT_JSON_ERROR("{\"a\": -Infinity}", 1, 8,
                    "'-I...' is not a JSON number (no infinities or NaN)");
  EXPECT_JSON_ERROR("{\"a\": 1e400}", 1, 7, "number 1e400 is out of range");
  EXPECT_JSON_ERROR("{\"a\": 20ms}", 1, 9,
                    "unexpected 'm' after a number (a quantity with a unit is "
                    "a string: \"20 ms\")");
  EXPECT_JSON_ERROR("{\"a\": tru}", 1, 7,
                    "unexpected 'tru': expected a value (strings need double "
                    "quotes)");
  EXPECT_JSON_ERROR("{\"a\": 1} x", 1, 10,
                    "unexpected 'x' after the end of the JSON value");
  EXPECT_JSON_ERROR("{\"a\": 1}}", 1, 9,
                    "unexpected '}' after the end of the JSON value");
  EXPECT_JSON_ERROR("{\"a\": 1", 1, 8,
                    "unexpected end of file: expected ',' or '}'");
  EXPECT_JSON_ERROR("[1 2]", 1, 4,
                    "expected ',' or ']' after an array element, found '2'");
  EXPECT_JSON_ERROR("{\"a\": ]}", 1, 7, "unexpected ']': expected a value");
  EXPECT_JSON_ERROR("{\n  // note\n}", 2, 3,
                    "comments are not allowed in JSON");
  EXPECT_JSON_ERROR("{\"a\": \"\\x\"}", 1, 9, "invalid escape '\\x' in string");
  EXPECT_JSON_ERROR("{\"a\": \"\\ud800\"}", 1, 14,
                    "unpaired surrogate in \\u escape");
  EXPECT_JSON_ERROR("{\"a\": \"\\u12g4\"}", 1, 12,
                    "invalid \\u escape: expected 4 hex digits");
  EXPECT_JSON_ERROR("{\"a\": \"\t\"}", 1, 8,
                    "control character in string (write it as an escape such "
                    "as \\t)");
  EXPECT_JSON_ERROR("{\"a\": \"\xFF\"}", 1, 8, "invalid UTF-8 in string");
  EXPECT_JSON_ERROR("{\"a\": \"\xC0\xAF\"}", 1, 8, "invalid UTF-8 in string");
  EXPECT_JSON_ERROR("\x01", 1, 1, "unexpected byte 0x01: expected a value");
}

TEST(JSONReader, DeepNestingIsAnError) {
  std::string deep(100000, '[');
  ParseError e = bad(deep);
  EXPECT_EQ(e.message, "nesting is too deep (more than 256 levels)");
  std::string ok256 = std::string(200, '[') + std::string(200, ']');
  ok(ok256);
}

TEST(JSONReader, RandomBytesNeverCrash) {
  std::mt19937 rng(1234);
  const std::string alphabet = "{}[]\":,-0123456789.eE+ \n\tabcnrutlfs\\/u";
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    size_t n = rng() % 64;
    for (size_t k = 0; k < n; ++k)
      text += (i % 2) ? char(rng() % 256) : alphabet[rng() % alphabet.size()];
    Value v;
    ParseError err;
    if (!parse(text, v, err)) {
      EXPECT_FALSE(err.message.empty());
      EXPECT_GE(err.line, 1u);
      EXPECT_GE(err.col, 1u);
    }
  }
}

} // namespace
