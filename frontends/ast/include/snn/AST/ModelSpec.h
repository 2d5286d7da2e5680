//===- ModelSpec.h - The one AST every frontend produces --------*- C++ -*-===//
//
// Part of snnc. A model description (JSON today, the text DSL later) is parsed
// into this plain structure, checked once (frontends/ast/Check.cpp), and then
// lowered to the `snn` dialect by MLIRGen. Nothing in here depends on MLIR.
//
// Fields named `*Loc` and `dim` only serve diagnostics (the checker points at
// the offending value, and compares the units values were written with);
// MLIRGen can ignore them.
//
// All quantities are stored as doubles in the coherent base units documented
// in docs/model-format.md: ms, mV, pA, nS, pF, GOhm, with frequencies in 1/ms
// inside equations and in Hz for source rates.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_AST_MODELSPEC_H
#define SNN_AST_MODELSPEC_H

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace snn::ast {

/// Where something came from: the model file, a 1-based line and column, and
/// the JSON pointer of the value ("/populations/exc/size"). Line 0 means
/// unknown.
struct Loc {
  std::string file;
  unsigned line = 0;
  unsigned col = 0;
  std::string path;
};

/// A physical dimension as integer exponents of the three base quantities
/// time (ms), voltage (mV) and current (pA). Every other unit is derived from
/// them: conductance nS = pA/mV, capacitance pF = pA*ms/mV, resistance
/// GOhm = mV/pA, frequency 1/ms.
struct Dim {
  int time = 0, voltage = 0, current = 0;
  bool operator==(const Dim &o) const {
    return time == o.time && voltage == o.voltage && current == o.current;
  }
  bool operator!=(const Dim &o) const { return !(*this == o); }
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

enum class ExprKind { Number, Variable, Unary, Binary, Call };

/// Unary: Neg, Not. Binary: the rest.
// clang-format off
enum class Op {
  Add, Sub, Mul, Div, Pow,
  Lt, Le, Gt, Ge, Eq, Ne,
  And, Or,
  Neg, Not
};
// clang-format on

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

/// One node of an expression tree. Numbers are already in base units.
/// Calls name one of the functions listed by `functionArity`.
struct Expr {
  ExprKind kind = ExprKind::Number;
  double value = 0.0; // Number
  std::string name;   // Variable or Call (function name)
  Op op = Op::Add;    // Unary / Binary
  std::vector<ExprPtr> operands;
  Loc loc;
  /// Number: the dimension of the unit it was written with (none: a bare
  /// number, which takes whatever dimension its place needs).
  std::optional<Dim> dim;
};

/// Functions an expression may call, with their arity: exp expm1 log log1p
/// log2 log10 sqrt cbrt abs floor ceil round sin cos tan tanh sinh cosh asin
/// acos atan erf (1 argument); pow atan2 min max (2); clip(x, lo, hi) and
/// ifelse(cond, a, b) (3). Returns -1 for an unknown name.
int functionArity(const std::string &name);

//===----------------------------------------------------------------------===//
// Neuron models
//===----------------------------------------------------------------------===//

/// How a neuron model's equations are integrated: one method for every
/// equation, as written (Brian2's `method`), or `exact+<method>`: the
/// linear subsystem (linear with constant coefficients) exactly, the rest
/// by <method>. ExactEuler is the default when a model names none.
enum class Method {
  Exact,
  Euler,
  RK2,
  RK4,
  ExponentialEuler,
  ExactEuler,
  ExactRK2,
  ExactRK4,
  ExactExponentialEuler
};

/// A parameter shared by all neurons of a population (its value may be
/// overridden per population).
struct Param {
  std::string name;
  double value = 0.0;
  Loc loc;
  std::optional<Dim> dim; // when the value was written with a unit
};

/// A per-neuron variable. Variables with an equation are integrated; the
/// others are per-neuron constants that only resets may change.
struct Variable {
  std::string name;
  double initial = 0.0; // default initial value when a population gives none
  Loc loc;
  std::optional<Dim> dim; // when the initial value was written with a unit
};

/// `d<var>/dt = rhs`. In synapse models an equation is marked
/// `(event-driven)` or `(clock-driven)` after its right-hand side.
struct Equation {
  std::string var;
  ExprPtr rhs;
  Loc loc;
  enum class Driven { Unmarked, Event, Clock };
  Driven driven = Driven::Unmarked;
  Loc drivenLoc; // of the marker
};

enum class AssignOp { Set, Add, Sub, Mul, Div };

/// `var = rhs`, `var += rhs`, ... (resets).
struct Assignment {
  std::string var;
  AssignOp op = AssignOp::Set;
  ExprPtr rhs;
  Loc loc;
};

struct NeuronModel {
  std::string name;
  Loc loc;
  std::vector<Param> params;
  std::vector<Variable> variables;
  /// Names summed from current inputs each step (0 when none targets them).
  std::vector<std::string> inputs;
  std::vector<Loc> inputLocs;      // parallel to `inputs`
  /// Names read from another population's variable, bound per population
  /// (third factors: a global signal, or one value per neuron).
  std::vector<std::string> links;
  std::vector<Loc> linkLocs; // parallel to `links`
  std::vector<Equation> equations; // at most one per variable
  ExprPtr threshold;               // boolean expression
  std::vector<Assignment> reset;   // applied in order
  double refractory = 0.0;         // ms
  Loc refractoryLoc;
  /// Variables held constant while refractory (Brian2's "unless refractory").
  std::vector<std::string> refractoryClamped;
  std::vector<Loc> refractoryClampedLocs; // parallel to `refractoryClamped`
  /// The integration method (default: the linear subsystem exactly, the
  /// rest by Euler).
  Method method = Method::ExactEuler;
};

/// Statements run every `every` ms (Brian2's run_regularly), at the start
/// of the steps that are multiples of it, step 0 included.
struct Periodic {
  double every = 0.0; // ms
  Loc everyLoc;
  std::vector<Assignment> statements;
  Loc loc;
};

//===----------------------------------------------------------------------===//
// Synapse models
//===----------------------------------------------------------------------===//

/// A synapse model: per-synapse variables (one of them the weight), shared
/// parameters, event-driven equations, and the statements run when a
/// presynaptic spike reaches a synapse (`onPre`) and when its postsynaptic
/// neuron spikes (`onPost`). In statements, `X_post` names variable X of
/// the postsynaptic neuron (read it; add to it with += or -=).
struct SynapseModel {
  std::string name;
  Loc loc;
  std::vector<Param> params;
  std::vector<Variable> variables;
  std::string weight = "w";
  Loc weightLoc;
  std::vector<Equation> equations;
  /// How the clock-driven equations are integrated over a step: "exact"
  /// (each dX/dt = A X + B with A and B constant over the step) or
  /// "euler".
  std::string method = "exact";
  Loc methodLoc;
  std::vector<Assignment> onPre, onPost;
  /// Names the statements read that each projection links to a variable
  /// of a population (a third factor: a modulator of size one, or one per
  /// post neuron).
  std::vector<std::string> links;
  std::vector<Loc> linkLocs; // parallel to `links`
  /// Statements on each synapse's variables, run every so often (synaptic
  /// scaling); they may read X_post.
  std::vector<Periodic> periodic;
};

/// The suffix that names a postsynaptic neuron's variable in synapse
/// statements (`ge_post`), and the presynaptic one's (`x_pre`).
inline constexpr const char *kPostSuffix = "_post";
inline constexpr const char *kPreSuffix = "_pre";

//===----------------------------------------------------------------------===//
// Values: constants, random draws, data files
//===----------------------------------------------------------------------===//

/// How a per-neuron or per-synapse value is produced.
///  - Constant: `a`.
///  - Uniform: in [a, b).  Normal: mean a, standard deviation b, each draw
///    clamped to [clipLow, clipHigh] when they are set ("clip").
///  - File: per-neuron values from `file` (an NPY 1-d array, or a CSV column
///    named `column`, or the only column when `column` is empty).
///  - FromList: the column `column` of the projection's synapse list file.
struct ValueSpec {
  enum class Kind { Constant, Uniform, Normal, File, FromList };
  Kind kind = Kind::Constant;
  double a = 0.0, b = 0.0;
  std::optional<double> clipLow, clipHigh; // Normal: "clip": [low, high]
  Loc clipLoc;
  std::string file; // absolute path
  std::string column;
  Loc loc; // the value; for File, the file name string
  /// Constant/Uniform/Normal: the dimension the numbers were written with;
  /// File/FromList: that of `unit`, when given.
  std::optional<Dim> dim;
  /// File/FromList: the unit the column is written in ("s", "V"; empty: the
  /// field's base unit) and what a value in it is in base units.
  std::string unit;
  double scale = 1.0;
  Loc unitLoc;
  /// File: the column giving each row's element (empty: rows in order).
  std::string index;
  Loc indexLoc;
};

//===----------------------------------------------------------------------===//
// Network
//===----------------------------------------------------------------------===//

/// What a link (third factor) of a population or projection reads:
/// variable `variable` of population `population`.
struct Link {
  std::string population, variable;
  Loc loc;
};

struct Population {
  std::string name;
  std::string model; // name of a NeuronModel in Model::models
  int64_t size = 0;
  std::map<std::string, double> params;     // overrides of model defaults
  std::map<std::string, ValueSpec> initial; // per variable
  Loc loc;
  Loc modelLoc, sizeLoc;
  std::map<std::string, Loc> paramLocs;   // of each override's name
  std::map<std::string, Loc> initialLocs; // of each initial value's name
  std::map<std::string, Dim> paramDims;   // overrides written with a unit
  /// Statements on each neuron's variables, run every so often
  /// (homeostasis).
  std::vector<Periodic> periodic;
  /// The model's links: name -> (population, variable).
  std::map<std::string, Link> links;
};

/// A population that only emits spikes.
struct Source {
  enum class Kind { Poisson, SpikeArray };
  std::string name;
  Kind kind = Kind::Poisson;
  int64_t size = 0;
  ValueSpec rate;   // Poisson: Hz, per neuron
  std::string file; // SpikeArray: absolute path of the (neuron, time) table
  Loc loc;
  Loc sizeLoc, fileLoc;
};

/// A current injected into an input of a neuron population.
struct CurrentInput {
  enum class Kind { Constant, Noise, TimedArray };
  std::string name;
  Kind kind = Kind::Constant;
  std::string target;   // population
  std::string variable; // one of the target model's inputs
  /// pA (Noise: the mean). TimedArray: the table (a File spec): row k holds
  /// the amplitude from t = k * tableDt on (the last row after the end),
  /// one column for every neuron or one column per neuron (Brian2's
  /// TimedArray).
  ValueSpec amplitude;
  double stddev = 0.0;  // pA, Noise only: redrawn every step
  double start = 0.0;   // ms
  double stop = -1.0;   // ms; < 0: until the end
  double tableDt = 0.0; // ms, TimedArray: the time between rows
  /// TimedArray: the table's shape, known once the data files are read
  /// (validateDataFiles).
  int64_t rows = 0, columns = 0;
  Loc loc;
  Loc targetLoc, variableLoc, stddevLoc, startLoc, stopLoc, tableDtLoc;
};

/// Independent Poisson spike trains into a variable of every neuron of a
/// population (Brian2's PoissonInput): each step adds weight * k, k drawn
/// from B(n, rate * dt).
struct PoissonInput {
  std::string name;
  std::string target;   // population
  std::string variable; // a variable of the target model
  int64_t n = 0;        // inputs per neuron
  double rate = 0.0;    // Hz
  double weight = 0.0;  // in the unit of `variable`
  std::optional<Dim> weightDim; // the dimension the weight was written with
  Loc loc;
  Loc targetLoc, variableLoc, nLoc, rateLoc, weightLoc;
};

struct Connectivity {
  enum class Kind {
    AllToAll,
    OneToOne,
    FixedProbability,
    FixedIndegree,
    FixedTotalNumber,
    List
  };
  Kind kind = Kind::AllToAll;
  double p = 0.0;        // FixedProbability
  int64_t indegree = 0;  // FixedIndegree
  int64_t total = 0;     // FixedTotalNumber: the number of synapses ("n")
  bool allowSelf = true; // all_to_all / fixed_* when pre == post
  std::string file; // List: absolute path, columns pre, post[, weight, delay]
  Loc loc;
  Loc pLoc, indegreeLoc, totalLoc, fileLoc;
};

struct Projection {
  std::string name;
  std::string pre;    // population or source
  std::string post;   // population
  std::string target; // variable of the post model the weight is added to
  Connectivity connectivity;
  ValueSpec weight;
  ValueSpec delay; // ms
  Loc loc;
  Loc preLoc, postLoc, targetLoc;
  /// With a synapse model (instead of `target` and `weight`): its name, the
  /// overrides of its parameters and the initial values of its variables
  /// (the weight's among them; a variable not listed starts at the model's
  /// value).
  std::string synapse;
  Loc synapseLoc;
  std::map<std::string, double> synapseParams;
  std::map<std::string, Loc> synapseParamLocs;
  std::map<std::string, Dim> synapseParamDims;
  std::map<std::string, ValueSpec> synapseInitial;
  std::map<std::string, Loc> synapseInitialLocs;
  /// The synapse model's links: name -> (population, variable).
  std::map<std::string, Link> synapseLinks;
  bool plastic() const { return !synapse.empty(); }
};

struct StateRecording {
  std::string population;
  std::string variable;
  std::vector<int64_t> neurons; // empty: all
  int64_t every = 1;            // steps
  Loc loc;
  Loc populationLoc, variableLoc, everyLoc;
  std::vector<Loc> neuronLocs; // parallel to `neurons`
  /// A synapse recording instead: a synapse model's variable of the
  /// synapses (pre, post) of `projection` (`population` empty).
  std::string projection;
  Loc projectionLoc;
  std::vector<std::pair<int64_t, int64_t>> synapses;
  std::vector<Loc> synapseLocs; // parallel to `synapses`
};

struct Recording {
  std::vector<std::string> spikes; // populations or sources
  std::vector<StateRecording> state;
  std::string format = "npy"; // "npy" or "csv"
  std::vector<Loc> spikeLocs; // parallel to `spikes`
  /// Projections whose synapses and final weights are written after the run.
  std::vector<std::string> weights;
  std::vector<Loc> weightLocs; // parallel to `weights`
  /// Synapse model variables written after the run, with each synapse's
  /// pre and post neuron: projection -> variables.
  struct SynapseState {
    std::string projection;
    std::vector<std::string> variables;
    Loc loc;
    std::vector<Loc> variableLocs; // parallel to `variables`
  };
  std::vector<SynapseState> synapses;
};

enum class Precision { F32, F64 };

struct Simulation {
  double dt = 0.1;         // ms
  double duration = 100.0; // ms
  uint64_t seed = 1;
  Precision precision = Precision::F64;
  Loc loc;
  Loc dtLoc, durationLoc;
};

struct Model {
  std::string name; // from "name", else the file stem
  std::string file; // absolute path of the model file
  /// The libraries a .snn model imports (as the diagnostics name them):
  /// inputs too, which an output must not replace.
  std::vector<std::string> imports;
  Loc loc;          // the model as a whole (file as the user named it)
  Simulation simulation;
  std::vector<NeuronModel> models; // only those used, built-ins included
  std::vector<SynapseModel> synapseModels;
  std::vector<Population> populations;
  std::vector<Source> sources;
  std::vector<CurrentInput> currents;
  std::vector<PoissonInput> poissonInputs;
  std::vector<Projection> projections;
  Recording record;

  const NeuronModel *findModel(const std::string &name) const;
  const SynapseModel *findSynapseModel(const std::string &name) const;
  const Population *findPopulation(const std::string &name) const;
  const Source *findSource(const std::string &name) const;
  /// The neuron count of a population or source, or -1 for an unknown name.
  int64_t sizeOf(const std::string &name) const;
};

/// Spellings used in the model format and in dumps.
const char *methodName(Method m); // "exact", "euler", ..., "exact+euler"
/// Every method's name, in the order of Method.
const std::vector<std::string> &methodNames();
std::optional<Method> parseMethod(const std::string &name);
const char *opSpelling(Op op); // "+", "<=", "and", "not", ...

} // namespace snn::ast

#endif // SNN_AST_MODELSPEC_H
