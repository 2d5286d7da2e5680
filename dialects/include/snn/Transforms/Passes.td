//===- Passes.td - snn dialect passes ----------------------*- tablegen -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_TRANSFORMS_PASSES_TD
#define SNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SNNCheckFinite : Pass<"snn-check-finite", "::mlir::ModuleOp"> {
  let summary = "Report NaN and infinity made from numbers and parameters";
  let description = [{
    For every `snn.population`, evaluates what its neuron model computes from
    numbers and the population's parameter values alone (what
    canonicalization would fold), in the network's precision, and reports at
    the op every value that comes out infinite or NaN, naming the
    parameters involved and what it feeds (`dv/dt`, the threshold, the reset
    of a variable). A division by a value that is zero is reported even when
    the numerator is a variable. The pass changes nothing; it fails when it
    reports. snnc runs it before and after `snn-integrate` (after, it also
    sees the Jacobian entries that differentiation made).

    ```mlir
    snn.neuron_model @m attributes {variables = ["v", "g"],
                                    params = ["tau", "tau_syn"]} ode {
    ^bb0(%v: f64, %g: f64, %tau: f64, %tau_syn: f64):
      ...
      %3 = arith.divf %2, %tau_syn : f64   // error: tau_syn = 0 makes dg/dt
                                           // infinite in population 'p'
    }
    snn.population @p of @m size 3 attributes {
        params = {tau = 1.0e+01 : f64, tau_syn = 0.0 : f64}}
    ```
  }];
}

def SNNIntegrate : Pass<"snn-integrate", "::mlir::ModuleOp"> {
  let summary = "Turn neuron-model ODEs into per-step updates";
  let description = [{
    Replaces the `ode` region of every `snn.neuron_model` by an `update`
    region that advances the variables by one time step `dt` of the
    enclosing network.

    The model's `method` is honoured as written: `euler`, `rk2` (midpoint),
    `rk4` or `exponential_euler` (each variable linear in itself, as Brian2
    does it) integrate every equation, linear or not, as Brian2 does.
    `exact` and `exact+<method>` (the default, `exact+euler`) first find,
    by differentiating the right-hand sides symbolically (on the
    `arith`/`math` ops), the largest set of variables whose derivatives are
    affine in that same set with coefficients that depend on parameters
    only. That subsystem is advanced exactly: the Jacobian and the affine
    terms feed an `snn.linear_update`, whose propagator exp(A dt) is
    computed once per population, at compile time, when canonicalization
    sees constant parameters. `exact` demands that every variable be in it
    and reports the first that is not; `exact+<method>` integrates the
    remaining variables by <method>, whose stages at t + dt/2 use the exact
    values of the linear subsystem at that time. Variables whose derivative
    is the constant 0 are left unchanged.

    Before:
    ```mlir
    snn.neuron_model @lif attributes {variables = ["v"], params = ["tau"]} ode {
    ^bb0(%v: f64, %tau: f64):
      %0 = arith.negf %v : f64
      %1 = arith.divf %0, %tau : f64
      snn.yield %1 : f64
    } ...
    ```
    After:
    ```mlir
    snn.neuron_model @lif ... update {
    ^bb0(%v: f64, %tau: f64):
      ...  // the Jacobian entry -1/tau and the affine term 0
      %new = snn.linear_update (%v) affine (%b) jacobian [%a] dt 1.0e-01 : f64
      snn.yield %new : f64
    } ...
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def SNNSpecialize : Pass<"snn-specialize", "::mlir::ModuleOp"> {
  let summary = "One neuron model per parameter set, parameters as constants";
  let description = [{
    Runs on integrated models. Populations give every parameter of their
    model a constant; this pass puts those constants into the model. The
    populations of one model with the same parameter values share one
    specialized model, in which every parameter is an `arith.constant` (the
    regions lose their parameter arguments, the model its `params`, the
    populations theirs), and then folds what the constants make foldable
    (arith and math canonicalization). A model whose populations all agree is
    specialized in place and keeps its name; otherwise each parameter set
    gets a copy named `<model>_<first population>`, and the generic model
    goes when no population uses it. Models without populations are left as
    they are.

    ```mlir
    snn.neuron_model @lif attributes {variables = ["v"], params = ["tau"]}
      update { ^bb0(%v: f64, %tau: f64): ... %0 = arith.divf %v, %tau ... }
    snn.population @exc of @lif size 10 attributes {params = {tau = 20.0}}
    // becomes
    snn.neuron_model @lif attributes {variables = ["v"]}
      update { ^bb0(%v: f64): %tau = arith.constant 20.0 : f64 ... }
    snn.population @exc of @lif size 10
    ```

    What lowering does per population, with its parameter values, is now
    visible in IR, and populations that share code share one model (one
    loop body to generate).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def SNNSelectStorage : Pass<"snn-select-storage", "::mlir::ModuleOp"> {
  let summary = "Choose how each projection's synapses are held";
  let description = [{
    Sets `storage` on every `snn.projection` that has none, from a cost
    model (docs/design.md, "Storage"):

    - `procedural` for one_to_one with a constant weight and delay: the row
      of i is {i}, nothing to read or draw;
    - `csr` by default: reading a stored row is cheaper than drawing it
      again, at 4 bytes per synapse with a constant weight and delay;
    - `procedural` (nothing stored, the row drawn again at each spike) when
      the network's stored synapses would exceed `memory-budget` bytes:
      the largest projections that can be procedural (all_to_all,
      one_to_one, fixed_probability with a constant weight and delay)
      become procedural, largest first, until the rest fits.

    `force` entries `projection=kind` override the model (snnc
    `--storage=`); a choice the projection cannot take is an error at the
    projection, saying why. An unknown projection or kind is an error too.

    ```mlir
    snn.projection @ee from @exc to @exc target "ge" attributes {
      connectivity = #snn.fixed_probability<0.02, allow_self = false>,
      delay = 0.0 : f64, weight = 1.62 : f64}
    // with force = ["ee=procedural"]:
    snn.projection @ee from @exc to @exc target "ge" attributes {
      connectivity = ..., delay = 0.0 : f64,
      storage = #snn.storage<procedural>, weight = 1.62 : f64}
    ```
  }];
  let options = [
    ListOption<"force", "force", "std::string",
               "projection=kind entries that override the cost model">,
    Option<"memoryBudget", "memory-budget", "int64_t",
           /*default=*/"int64_t(8) << 30",
           "bytes of stored synapses above which projections become "
           "procedural">,
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "'cpu' or 'gpu' (both propagate procedural projections)">
  ];
}

def SNNHoistTraces : Pass<"snn-hoist-traces", "::mlir::ModuleOp"> {
  let summary = "Keep event-driven synapse traces per neuron where exact";
  let description = [{
    For each projection with a synapse model, finds the event-driven
    variables (not the weight) that are the same for all synapses of a
    neuron, and says so on the projection (`pre_traces`, `post_traces`):
    a post trace is changed by `on_post` only, from itself and the
    parameters (so every synapse into a neuron holds the same value); a
    pre trace is changed by `on_pre` only, the same way, and the
    projection's delay is 0 steps. Both start at 0, and the projection has
    no periodic statements. Such a trace is then one value per neuron (GeNN's
    pre and post variables), advanced once per step and changed once per
    spike, rather than a value per synapse advanced at each of its events:
    the same numbers up to rounding (the exact solution over n steps is
    that over one step, n times), and far fewer bytes read per event
    (docs/design.md, "Plasticity").
  }];
}

def SNNScheduleStep : Pass<"snn-schedule-step", "::mlir::ModuleOp"> {
  let summary = "Write the order of a time step as an snn.schedule";
  let description = [{
    Adds to every `snn.network` an `snn.schedule` for `target`: the step's
    phases and, in each, the step ops in the order convert-snn-to-core
    lowers them (docs/design.md, "The step schedule"; the order is that of
    docs/step-semantics.md).

    - CPU: phase `update` (every population's update, then the sources'
      spikes), phase `propagate` (every projection, the delivery into each
      population with delayed or Poisson input, the reset of every
      population whose reset changes anything, over its spike list);
    - GPU: phase `record` (a sample per state recording, when there are
      any), `update` (with the reset fused at the threshold for a
      population that no input reaches), `propagate`, `deliver` (with the
      reset fused for a population that input reaches, after it).

    A network that already has a schedule for `target` keeps it (so a
    schedule written by hand survives); one for another target is an error.

    ```mlir
    snn.schedule "cpu" {
      snn.phase "update" {
        snn.update @exc
        snn.emit @noise
      }
      snn.phase "propagate" {
        snn.propagate @ee
        snn.deliver @exc
        snn.reset @exc
      }
    }
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "'cpu' or 'gpu'">
  ];
}

def SNNMergeGroups : Pass<"snn-merge-groups", "::mlir::ModuleOp"> {
  let summary = "Update populations of one code in one loop (merged groups)";
  let description = [{
    In every `snn.schedule`, replaces the `snn.update` ops of a phase whose
    populations have the same code (one neuron model, the same parameters,
    the same `reset`, no current into them) by one `snn.update_group` of
    them, in their order, at the first one's place (docs/design.md, "Merged
    groups"). The group's populations are then updated by one loop over
    their neurons laid end to end, with one buffer per variable, of which
    each population's buffers are views (snn-plan-buffers); on the CPU the
    simulation threads share the group, not each population, so many small
    populations are no longer each split into slivers; on the GPU a phase
    runs the group's neurons side by side rather than one population after
    another. Each merged neuron does the same arithmetic as before; only a
    spike pays for finding its population (one comparison per member), so
    the results are identical. A population updated alone is left as it is.

    ```mlir
    snn.phase "update" {
      snn.update @exc
      snn.update @inh
    }
    // becomes
    snn.phase "update" {
      snn.update_group [@exc, @inh]
    }
    ```
  }];
}

def SNNVectorizeLoops : Pass<"snn-vectorize-loops", "::mlir::func::FuncOp"> {
  let summary = "Per-neuron loops over vectors of neurons";
  let description = [{
    Rewrites every `scf.for` marked `snn.parallel` (convert-snn-to-core marks
    the CPU loops over the neurons of a population or source: update and
    threshold, Poisson draws, delivery) into a loop over vectors of W neurons,
    followed by the original scalar loop for the last `n mod W`. W is
    `vector-bits` over the widest element type of the loop (8 for f64 at 512
    bits).

    The marked loop must touch element i of its buffers only, at one offset
    per buffer (`%view[%i]`, `%ring[%base + %i]`), read other buffers at
    fixed indices only, and may end in a spike append: an `scf.if` whose
    results are the loop-carried spike counts. In the vector loop, loads and
    stores become `vector.load`/`vector.store`, elementwise `arith`/`math`
    ops take vector types (every lane computes exactly what the scalar loop
    computes), the spike condition becomes a mask, and the append runs for
    the lanes that spiked, in ascending order, so spike lists are identical.
    An `scf.if` of side-effect-free elementwise ops in the body (a branch
    rarely taken, such as the tail of a Poisson input's draw) becomes a
    branch on "any lane": each side is computed for all lanes only when some
    lane takes it (`vector.reduction <or>` of the condition, or `<and>` for
    the else side), and each lane selects its own result.
    A marked loop of another shape is left scalar (with a remark under
    `report-scalar`); the marker is removed either way.

    ```mlir
    %n = scf.for %i = %c0 to %c100 step %c1 iter_args(%c = %z) -> (i32) {
      %v = memref.load %vm[%i] : memref<?xf64>
      %v1 = arith.mulf %v, %decay : f64
      memref.store %v1, %vm[%i] : memref<?xf64>
      %s = arith.cmpf ogt, %v1, %thr : f64
      %c1 = scf.if %s -> (i32) { ... append %i ... } else { scf.yield %c : i32 }
      scf.yield %c1 : i32
    } {snn.parallel}
    // becomes
    %nv = scf.for %i = %c0 to %c96 step %c8 iter_args(%c = %z) -> (i32) {
      %v = vector.load %vm[%i] : memref<?xf64>, vector<8xf64>
      ...
      %any = vector.reduction <or>, %s : vector<8xi1> into i1
      %c1 = scf.if %any -> (i32) { scf.for %lane ... } else { ... }
      scf.yield %c1 : i32
    } {snn.vectorized = 8}
    %n = scf.for %i = %c96 to %c100 step %c1 iter_args(%c = %nv) ...
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "the width of a vector in bits (0: leave the loops scalar)">,
    Option<"reportScalar", "report-scalar", "bool", /*default=*/"false",
           "emit a remark at each marked loop left scalar, saying why">
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def SNNExpandExp : Pass<"snn-expand-exp", "::mlir::ModuleOp"> {
  let summary = "math.exp as arithmetic that vectorizes";
  let description = [{
    Replaces every `math.exp` on f32 or f64 (scalars and vectors, in every
    function, kernels included) by a range reduction and a polynomial in
    `arith` and `math.floor` ops: exp(x) = 2^k exp(r), k = floor(x / ln 2 +
    1/2), r = x - k ln 2 (ln 2 in two parts, so that r is exact), exp(r) by
    its Taylor polynomial of degree 13 (f64) or 7 (f32), as 1 + (r + r^2 P(r))
    with P in Estrin's scheme of fused multiply-adds (`math.fma`; a tree of
    depth log2(degree) instead of Horner's chain, so vector iterations
    overlap; a CPU without FMA calls libm's `fma`, same results), 2^k
    built from the exponent bits in two halves (so that results near the
    overflow and underflow thresholds are right). NaN gives NaN, +inf gives
    +inf, -inf gives 0.

    Unlike a libm call it vectorizes (a vector `math.exp` would become W
    calls of the scalar libm function), and it computes the same value in
    every lane, in the vector loop and in its scalar remainder, on every
    target. Accuracy against glibc's `exp` (within 1 ulp itself): see
    docs/design.md ("Vector math"); `snnc --precise-math` skips this pass.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // SNN_TRANSFORMS_PASSES_TD
