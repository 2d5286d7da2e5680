//===- Check.h - Semantic checks of a model ----------------------*- C++
//-*-===//
//
// Part of snnc. Every frontend builds an ast::Model and hands it to
// checkModel, so that all syntaxes mean the same thing and report the same
// problems: unknown names (with a suggestion), undefined identifiers and
// wrong arities in expressions, conditions where numbers are expected (and
// the reverse), sizes, probabilities, ranges, references between
// populations, projections, currents and recordings, units that disagree, and
// whether the integration method suits the equations.
//
// Data files are not read here (frontends validate them with the runtime's
// table reader once the model is known to be consistent).
//
//===----------------------------------------------------------------------===//

#ifndef SNN_AST_CHECK_H
#define SNN_AST_CHECK_H

#include "snn/AST/Diagnostic.h"
#include "snn/AST/ModelSpec.h"

#include <vector>

namespace snn::ast {

/// The largest population, source or record size accepted (2^31 - 1).
inline constexpr int64_t kMaxSize = 2147483647;

/// The most synapses a fixed_total_number projection may draw (2^60): the
/// runtime addresses each synapse's column, weight and delay in 64-bit byte
/// offsets, and 2^60 synapses of 12 bytes already exceed 2^63.
inline constexpr int64_t kMaxTotalSynapses = int64_t(1) << 60;

/// The longest delay, and the latest spike of a spike array, in steps: the
/// runtime keeps them in 32 bits (2^31 - 1).
inline constexpr int64_t kMaxDelaySteps = 2147483647;
inline constexpr int64_t kMaxSpikeStep = 2147483647;

/// How far from its mean a normal draw can land, in standard deviations:
/// the Box-Muller transform of the runtime's 53-bit uniforms stays within
/// sqrt(-2 ln 2^-53) = 8.6; 10 leaves a margin.
inline constexpr double kMaxNormalDeviations = 10.0;

/// Whether `duration` is a whole number of steps of `dt` (within 1e-4 of a
/// step, as Brian2 allows for rounding), and that number.
bool wholeSteps(double duration, double dt, int64_t &steps);

/// A time in steps of `dt`, rounded half away from zero: what the compiler
/// and the runtime compute for delays and spike times.
double stepsOf(double ms, double dt);

/// `v` rounded to 15 significant digits, for messages about computed values
/// (2147483647 * 0.1 ms is "214748364.7 ms", not "214748364.70000002 ms").
std::string formatRounded(double v);

/// Checks one neuron model on its own. Appends diagnostics; returns true
/// when it found no error.
bool checkNeuronModel(const NeuronModel &model, std::vector<Diagnostic> &diags);

/// Checks a whole model, its neuron models included. Appends diagnostics;
/// returns true when it found no error.
bool checkModel(const Model &model, std::vector<Diagnostic> &diags);

// Whether the equations suit the integration method is decided by the
// snn-integrate pass, which differentiates them (one analysis, not two).

} // namespace snn::ast

#endif // SNN_AST_CHECK_H
