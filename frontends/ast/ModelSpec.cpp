//===- ModelSpec.cpp - AST helpers ----------------------------------------===//

#include "snn/AST/ModelSpec.h"

#include <cstring>

namespace snn::ast {

int functionArity(const std::string &name) {
  static const char *const unary[] = {
      "exp",  "expm1", "log",  "log1p", "log2", "log10", "sqrt", "cbrt",
      "abs",  "floor", "ceil", "round", "sin",  "cos",   "tan",  "tanh",
      "sinh", "cosh",  "asin", "acos",  "atan", "erf"};
  static const char *const binary[] = {"pow", "atan2", "min", "max"};
  static const char *const ternary[] = {"clip", "ifelse"};
  for (const char *f : unary)
    if (name == f)
      return 1;
  for (const char *f : binary)
    if (name == f)
      return 2;
  for (const char *f : ternary)
    if (name == f)
      return 3;
  return -1;
}

const NeuronModel *Model::findModel(const std::string &n) const {
  for (const NeuronModel &m : models)
    if (m.name == n)
      return &m;
  return nullptr;
}

const SynapseModel *Model::findSynapseModel(const std::string &n) const {
  for (const SynapseModel &m : synapseModels)
    if (m.name == n)
      return &m;
  return nullptr;
}

const Population *Model::findPopulation(const std::string &n) const {
  for (const Population &p : populations)
    if (p.name == n)
      return &p;
  return nullptr;
}

const Source *Model::findSource(const std::string &n) const {
  for (const Source &s : sources)
    if (s.name == n)
      return &s;
  return nullptr;
}

int64_t Model::sizeOf(const std::string &n) const {
  if (const Population *p = findPopulation(n))
    return p->size;
  if (const Source *s = findSource(n))
    return s->size;
  return -1;
}

const char *methodName(Method m) {
  switch (m) {
  case Method::Exact:
    return "exact";
  case Method::Euler:
    return "euler";
  case Method::RK2:
    return "rk2";
  case Method::RK4:
    return "rk4";
  case Method::ExponentialEuler:
    return "exponential_euler";
  case Method::ExactEuler:
    return "exact+euler";
  case Method::ExactRK2:
    return "exact+rk2";
  case Method::ExactRK4:
    return "exact+rk4";
  case Method::ExactExponentialEuler:
    return "exact+exponential_euler";
  }
  return "exact+euler";
}

const std::vector<std::string> &methodNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (Method m :
         {Method::Exact, Method::Euler, Method::RK2, Method::RK4,
          Method::ExponentialEuler, Method::ExactEuler, Method::ExactRK2,
          Method::ExactRK4, Method::ExactExponentialEuler})
      list.push_back(methodName(m));
    return list;
  }();
  return names;
}

std::optional<Method> parseMethod(const std::string &name) {
  for (Method m :
       {Method::Exact, Method::Euler, Method::RK2, Method::RK4,
        Method::ExponentialEuler, Method::ExactEuler, Method::ExactRK2,
        Method::ExactRK4, Method::ExactExponentialEuler})
    if (name == methodName(m))
      return m;
  return std::nullopt;
}

const char *opSpelling(Op op) {
  switch (op) {
  case Op::Add:
    return "+";
  case Op::Sub:
  case Op::Neg:
    return "-";
  case Op::Mul:
    return "*";
  case Op::Div:
    return "/";
  case Op::Pow:
    return "^";
  case Op::Lt:
    return "<";
  case Op::Le:
    return "<=";
  case Op::Gt:
    return ">";
  case Op::Ge:
    return ">=";
  case Op::Eq:
    return "==";
  case Op::Ne:
    return "!=";
  case Op::And:
    return "and";
  case Op::Or:
    return "or";
  case Op::Not:
    return "not";
  }
  return "?";
}

} // namespace snn::ast
