//===- SNNOps.td - snn operations --------------------------*- tablegen -*-===//
//
// Part of snnc.
//
//===----------------------------------------------------------------------===//

#ifndef SNN_DIALECT_SNN_SNNOPS_TD
#define SNN_DIALECT_SNN_SNNOPS_TD

include "snn/Dialect/SNN/SNNDialect.td"
include "snn/Dialect/SNN/SNNAttributes.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// snn.network
//===----------------------------------------------------------------------===//

def SNN_NetworkOp : SNN_Op<"network", [
    Symbol, SymbolTable, IsolatedFromAbove, NoTerminator, NoRegionArguments,
    SingleBlock]> {
  let summary = "a whole network and its run settings";
  let description = [{
    Holds the declarations of one network: neuron models, populations,
    sources, currents, projections and recordings. The run settings are
    attributes: `dt` and `duration` in ms, the RNG `seed` (any 64-bit
    unsigned integer), the floating-point
    `precision` (f32 or f64) of all state, and `record_format` (npy or csv).

    ```mlir
    snn.network @cuba attributes {dt = 1.000000e-01 : f64,
        duration = 1.000000e+03 : f64, precision = f64, seed = 42 : ui64} {
      ...
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, F64Attr:$dt,
                       F64Attr:$duration, UI64Attr:$seed,
                       TypeAttrOf<AnyFloat>:$precision,
                       DefaultValuedStrAttr<StrAttr, "npy">:$record_format,
                       OptionalAttr<StrAttr>:$source_file);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The float type of all state (f32 or f64).
    ::mlir::FloatType getFloatType() {
      return ::llvm::cast<::mlir::FloatType>(getPrecision());
    }
    /// The number of steps the run takes: round(duration / dt).
    int64_t getNumSteps();
  }];
}

//===----------------------------------------------------------------------===//
// snn.neuron_model and snn.yield
//===----------------------------------------------------------------------===//

def SNN_NeuronModelOp : SNN_Op<"neuron_model", [
    Symbol, IsolatedFromAbove, HasParent<"NetworkOp">,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "a neuron model: ODEs, threshold, reset";
  let description = [{
    Every region takes the same block arguments, all of the network's float
    type: the per-neuron `variables`, then the `inputs` (currents summed each
    step, or links a population binds; an input named `t` is the time of the
    step in ms, n dt, which `snn-integrate` advances to t + h in the stages
    of rk2 and rk4), then the shared `params`. The regions hold
    `arith`/`math` ops and end in `snn.yield`:

    - `ode` yields dX/dt for every variable (a constant 0 for variables
      without an equation: they only change in resets);
    - `update` (what `snn-integrate` makes of `ode`) yields each variable's
      value one step `dt` later; exactly one of `ode` and `update` is present;
    - `threshold` yields an `i1`: whether the neuron spikes;
    - `reset` yields the value of every variable after a spike.

    `refractory` is in ms; `refractory_clamp` lists the variables held
    constant while a neuron is refractory. `method` integrates every
    equation (`euler`, `rk2`, `rk4`, `exponential_euler`, or `exact`,
    which demands that every equation is linear with constant
    coefficients), or, as `exact+<method>` (default `exact+euler`), the
    linear subsystem exactly and the rest by `<method>`.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       StrArrayAttr:$variables,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$inputs,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$params,
                       DefaultValuedStrAttr<StrAttr, "exact+euler">:$method,
                       DefaultValuedAttr<F64Attr, "0.0">:$refractory,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$refractory_clamp);
  let regions = (region MaxSizedRegion<1>:$ode, MaxSizedRegion<1>:$update,
                        SizedRegion<1>:$threshold, SizedRegion<1>:$reset);
  let assemblyFormat = [{
    $sym_name attr-dict-with-keyword (`ode` $ode^)? (`update` $update^)?
    `threshold` $threshold `reset` $reset
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    unsigned getNumVariables() { return getVariables().size(); }
    unsigned getNumInputs() { return getInputs().size(); }
    unsigned getNumParams() { return getParams().size(); }
    unsigned getNumRegionArgs() {
      return getNumVariables() + getNumInputs() + getNumParams();
    }
    /// Index of a variable by name, or -1.
    int lookupVariable(::llvm::StringRef name);
    int lookupInput(::llvm::StringRef name);
    int lookupParam(::llvm::StringRef name);
    /// The float type of the enclosing network.
    ::mlir::FloatType getFloatType();
    /// Whether the ODEs have been integrated into an update region.
    bool isIntegrated() { return !getUpdate().empty(); }
    /// Whether the reset changes any variable (does not yield its
    /// arguments unchanged): a population of this model needs a reset in
    /// the step.
    bool resetChangesState();
  }];
}

def SNN_YieldOp : SNN_Op<"yield", [
    Pure, ReturnLike, Terminator,
    ParentOneOf<["NeuronModelOp", "SynapseModelOp", "PeriodicOp"]>]> {
  let summary = "the values a neuron model region produces";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

//===----------------------------------------------------------------------===//
// snn.synapse_model
//===----------------------------------------------------------------------===//

def SNN_SynapseModelOp : SNN_Op<"synapse_model", [
    Symbol, IsolatedFromAbove, HasParent<"NetworkOp">,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "a synapse model: per-synapse state and what spikes do to it";
  let description = [{
    The per-synapse `variables` (among them the `weight`, the one a
    projection's `weight` initializes and `record.weights` writes), the
    shared `params`, and the statements run at events, as regions of
    `arith`/`math` ops ending in `snn.yield`, all of the network's float
    type:

    - `on_pre` runs for a synapse when a spike of its presynaptic neuron
      reaches it (after its delay); `on_post` (optional) when its
      postsynaptic neuron spikes. Both take the synapse's `variables`, then
      the postsynaptic neuron's variables named by `post_reads`, the
      presynaptic neuron's named by `pre_reads` (as the update of the step
      left them: a copy, snn.snapshot), then the `links` (third factors: each projection links each to a variable of
      a population of size one, or of the post population's size, read at
      the synapse's post neuron), then the `params`; both yield the new value of every synapse variable, then
      for each of `post_targets` (variables of the postsynaptic neuron) an
      amount added to it (`g_post += w`: 0 when the statements add
      nothing).
    - `event_driven` variables have an equation, solved between the events
      that touch the synapse (Brian2's `(event-driven)`): `ode` takes the
      event-driven variables then the `params` and yields their
      derivatives; `snn-integrate` replaces it by `advance`, which takes
      the same arguments and the time elapsed since the synapse's last
      event (ms) and yields their values after that time. Before `on_pre`
      or `on_post` runs, the synapse's event-driven variables are advanced
      to the present. Exactly one of `ode` and `advance` is present when
      there are event-driven variables, none otherwise.
    - `clock_driven` variables have an equation integrated every step, for
      every synapse (Brian2's `(clock-driven)`): `clock` takes the
      arguments of `on_pre` (the synapse's variables, the post and pre
      neurons' variables it reads, the links, the parameters) and yields
      the derivatives of the clock-driven variables; `snn-integrate`
      replaces it by `clock_step`, which takes the same arguments and
      yields their values a step later, by `clock_method`: "exact" (each
      equation dX/dt = A X + B with A and B made of parameters, numbers
      and the synapse's variables without equations) or "euler".

    ```mlir
    snn.synapse_model @stdp attributes {variables = ["w", "apre", "apost"],
        params = ["tau_pre", "tau_post", "w_max", "a_pre", "a_post"],
        event_driven = ["apre", "apost"], post_targets = ["ge"],
        weight = "w"} ode {
      ...
    } on_pre {
      ...
    } on_post {
      ...
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       StrArrayAttr:$variables,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$params,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$event_driven,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$post_reads,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$post_targets,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$pre_reads,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$links,
                       StrAttr:$weight,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$clock_driven,
                       DefaultValuedAttr<StrAttr, "\"exact\"">:$clock_method);
  let regions = (region MaxSizedRegion<1>:$ode, MaxSizedRegion<1>:$advance,
                        MaxSizedRegion<1>:$clock,
                        MaxSizedRegion<1>:$clock_step,
                        SizedRegion<1>:$on_pre, MaxSizedRegion<1>:$on_post);
  let assemblyFormat = [{
    $sym_name attr-dict-with-keyword (`ode` $ode^)? (`advance` $advance^)?
    (`clock` $clock^)? (`clock_step` $clock_step^)?
    `on_pre` $on_pre (`on_post` $on_post^)?
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    unsigned getNumVariables() { return getVariables().size(); }
    unsigned getNumParams() { return getParams().size(); }
    unsigned getNumEventDriven() { return getEventDriven().size(); }
    unsigned getNumClockDriven() { return getClockDriven().size(); }
    /// Index of a variable (parameter, event-driven variable) by name, or -1.
    int lookupVariable(::llvm::StringRef name);
    int lookupParam(::llvm::StringRef name);
    int lookupEventDriven(::llvm::StringRef name);
    int lookupClockDriven(::llvm::StringRef name);
    int lookupLink(::llvm::StringRef name);
    /// The float type of the enclosing network.
    ::mlir::FloatType getFloatType();
    /// Whether the event-driven equations have been solved (`advance`) and
    /// the clock-driven ones integrated (`clock_step`).
    bool isIntegrated() { return getOde().empty() && getClock().empty(); }
    bool hasOnPost() { return !getOnPost().empty(); }
  }];
}

//===----------------------------------------------------------------------===//
// Populations and sources
//===----------------------------------------------------------------------===//

def SNN_PopulationOp : SNN_Op<"population", [
    Symbol, HasParent<"NetworkOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a group of neurons of one model";
  let description = [{
    `params` gives a value (FloatAttr) for every parameter of the model.
    `init` maps variables to their initial values: a FloatAttr, or a value
    specification (`#snn.uniform`, `#snn.normal`, `#snn.file`). Variables not
    listed start at 0. `links` binds inputs of the model to a variable of
    a population ("<population>.<variable>", of size 1 or of this one's):
    the input reads that variable as the previous step left it (a copy,
    snn.copy_linked), instead of summing currents.

    ```mlir
    snn.population @exc of @lif size 3200 attributes {
      params = {tau_m = 2.000000e+01 : f64},
      init = {v = #snn.uniform<-6.000000e+01, -5.000000e+01>}}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$model,
                       I64Attr:$size,
                       DefaultValuedAttr<DictionaryAttr, "{}">:$params,
                       DefaultValuedAttr<DictionaryAttr, "{}">:$init,
                       DefaultValuedAttr<DictionaryAttr, "{}">:$links);
  let assemblyFormat = "$sym_name `of` $model `size` $size attr-dict-with-keyword";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The (population, variable) input `name` is linked to, if it is.
    std::optional<std::pair<::llvm::StringRef, ::llvm::StringRef>>
    getLinkTarget(::llvm::StringRef name);
  }];
}

def SNN_PoissonSourceOp : SNN_Op<"poisson_source", [
    Symbol, HasParent<"NetworkOp">]> {
  let summary = "neurons that spike as independent Poisson processes";
  let description = [{
    Each step neuron i spikes when a uniform draw is below `rate[i] * dt`
    (`rate` in Hz: a FloatAttr or a value specification).
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$size,
                       AnyAttr:$rate);
  let assemblyFormat = "$sym_name `size` $size attr-dict-with-keyword";
  let hasVerifier = 1;
}

def SNN_SpikeSourceArrayOp : SNN_Op<"spike_source_array", [
    Symbol, HasParent<"NetworkOp">]> {
  let summary = "neurons that spike at times read from a file";
  let description = [{
    `path` names a table of (neuron, time in ms) rows; each spike is emitted
    at step round(time / dt).
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, I64Attr:$size,
                       StrAttr:$path);
  let assemblyFormat = "$sym_name `size` $size `from` $path attr-dict-with-keyword";
  let hasVerifier = 1;
}

def SNN_CurrentOp : SNN_Op<"current", [
    Symbol, HasParent<"NetworkOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "a current added to an input of a population";
  let description = [{
    While `start <= t < stop` (ms; `stop < 0` means until the end), adds
    `amplitude` (a FloatAttr or a value specification) to the `input` of every
    neuron of `target`. With `kind = "noise"` the amplitude is the mean and
    `std` the standard deviation of a normal draw made every step.

    With `kind = "timed_array"` (Brian2's TimedArray) the amplitude is a
    table (`#snn.file`) of `rows` x `columns` values, a row every `every`
    steps: step n adds row min(n / every, rows - 1), its only column to
    every neuron (`columns = 1`) or column i to neuron i (`columns` = the
    target's size).

    ```mlir
    snn.current @drive into @exc input "I" attributes {
      kind = "timed_array", amplitude = #snn.file<"/data/drive.csv">,
      rows = 200 : i64, columns = 1 : i64, every = 10 : i64}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$target,
                       StrAttr:$input,
                       DefaultValuedStrAttr<StrAttr, "constant">:$kind,
                       AnyAttr:$amplitude,
                       DefaultValuedAttr<F64Attr, "0.0">:$std,
                       DefaultValuedAttr<F64Attr, "0.0">:$start,
                       DefaultValuedAttr<F64Attr, "-1.0">:$stop,
                       OptionalAttr<I64Attr>:$rows,
                       OptionalAttr<I64Attr>:$columns,
                       OptionalAttr<I64Attr>:$every);
  let assemblyFormat = "$sym_name `into` $target `input` $input attr-dict-with-keyword";
  let hasVerifier = 1;
}

def SNN_PoissonInputOp : SNN_Op<"poisson_input", [
    Symbol, HasParent<"NetworkOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "independent Poisson inputs added to a variable of a population";
  let description = [{
    Every neuron of `target` receives `n` independent Poisson spike trains of
    `rate` Hz through synapses of weight `weight` (in the unit of `variable`)
    without delay: in each step, `k * weight` is added to the neuron's
    `variable`, with `k` a binomial draw of `n` trials of probability
    `rate * dt` (Brian2's `PoissonInput`). The addition happens where the
    synaptic input of delay 0 does, under the same refractory rule.

    ```mlir
    snn.poisson_input @bg into @exc target "I_syn" attributes {
      n = 1600 : i64, rate = 8.000000e+00 : f64, weight = 8.780000e+01 : f64}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$target,
                       StrAttr:$variable, I64Attr:$n, F64Attr:$rate,
                       F64Attr:$weight);
  let assemblyFormat = "$sym_name `into` $target `target` $variable attr-dict-with-keyword";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The success probability of one of the `n` trials in one step of
    /// `dt` ms.
    double getProbability(double dt) { return getRate().convertToDouble() * dt * 1e-3; }
  }];
}

//===----------------------------------------------------------------------===//
// Projections
//===----------------------------------------------------------------------===//

def SNN_ProjectionOp : SNN_Op<"projection", [
    Symbol, HasParent<"NetworkOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "synapses from one population (or source) to another";
  let description = [{
    A spike of a presynaptic neuron adds each of its synapses' `weight` to the
    `target` variable of the postsynaptic neuron, `delay` ms later. With
    `synapse` (a `snn.synapse_model`) instead of `target`, each synapse has
    the model's variables, and a spike that reaches it runs the model's
    `on_pre`: `weight` is then the initial value of the model's weight
    variable, `synapse_params` gives every parameter of the model a value,
    and `synapse_init` the initial values of its other variables (a
    FloatAttr, `#snn.uniform` or `#snn.normal`; 0 when absent), and
    `synapse_links` binds each of the model's links to
    `"<population>.<variable>"`. Such a projection is stored as `csr`.
    `pre_traces` and `post_traces` (written by `snn-hoist-traces`) name the
    model's event-driven variables held once per presynaptic or
    postsynaptic neuron rather than per synapse.
    `connectivity` is one of the connectivity attributes; `weight` and `delay`
    are FloatAttrs or value specifications (`#snn.from_list` only with
    `#snn.synapse_list`). `storage` (set by snn-select-storage; `csr` when
    absent) says how the synapses are held: `#snn.storage<procedural>` only
    for all_to_all, one_to_one and fixed_probability with a constant weight
    and delay.

    ```mlir
    snn.projection @ee from @exc to @exc target "ge" attributes {
      connectivity = #snn.fixed_probability<2.000000e-02, allow_self = false>,
      delay = 0.000000e+00 : f64, weight = 1.620000e+00 : f64}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$pre,
                       FlatSymbolRefAttr:$post, OptionalAttr<StrAttr>:$target,
                       OptionalAttr<FlatSymbolRefAttr>:$synapse,
                       AnyAttr:$connectivity, AnyAttr:$weight,
                       AnyAttr:$delay,
                       OptionalAttr<DictionaryAttr>:$synapse_params,
                       OptionalAttr<DictionaryAttr>:$synapse_init,
                       OptionalAttr<DictionaryAttr>:$synapse_links,
                       OptionalAttr<StrArrayAttr>:$pre_traces,
                       OptionalAttr<StrArrayAttr>:$post_traces,
                       OptionalAttr<SNN_StorageAttr>:$storage);
  let assemblyFormat = [{
    $sym_name `from` $pre `to` $post (`target` $target^)?
    (`synapse` $synapse^)? attr-dict-with-keyword
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether the synapses follow a synapse model (`synapse`), rather than
    /// adding a fixed weight to `target`.
    bool isPlastic() { return getSynapse().has_value(); }
    /// The (population, variable) link `name` is bound to, if it is.
    std::optional<std::pair<::llvm::StringRef, ::llvm::StringRef>>
    getLinkTarget(::llvm::StringRef name);
    /// Whether the delay is a constant of 0 steps of the network's dt: the
    /// weights are then added to the target variable at propagation,
    /// without passing through a delay ring and its delivery.
    bool isImmediate();
    /// Whether the weights go through a delay ring of the post population
    /// (a projection without a synapse model whose delay is not
    /// immediate); a synapse model's `on_pre` adds to the post neuron when
    /// the spike arrives, without a ring.
    bool hasRing() { return !isPlastic() && !isImmediate(); }
  }];
}

//===----------------------------------------------------------------------===//
// snn.periodic
//===----------------------------------------------------------------------===//

def SNN_PeriodicOp : SNN_Op<"periodic", [
    HasParent<"NetworkOp">, IsolatedFromAbove,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "statements run every few steps (Brian2's run_regularly)";
  let description = [{
    At the start of every step that is a multiple of `every` (step 0
    included), before any update, the `body` runs for each neuron of a
    population `owner` (taking the model's variables, then the values of
    the population's links named by `links` (as the previous step left the
    linked variables: snn.copy_linked), its parameters being constants in
    the body; yielding the new variables), or for each
    synapse of a projection `owner` with a synapse model (taking the
    synapse's variables, the post neuron's variables named by
    `post_reads`, the pre neuron's named by `pre_reads` and the values of
    the model's links named by `links` (both as the previous step left
    them: snn.copy_linked), then the model's parameters; yielding the new
    synapse variables). Refractoriness does not hold the variables.

    ```mlir
    snn.periodic @exc every 1000 {
    ^bb0(%v: f64, %theta: f64, %rate: f64):
      ...
      snn.yield %v, %theta1, %rate : f64, f64, f64
    }
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$owner, I64Attr:$every,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$post_reads,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$links,
                       DefaultValuedAttr<StrArrayAttr, "{}">:$pre_reads);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$owner `every` $every attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The (population, variable) pairs the body reads through copies of
    /// the previous step's values (snn.copy_linked): a population's links,
    /// a projection's links and presynaptic variables. Those whose owner or
    /// link cannot be found are left out (the verifiers say so).
    ::llvm::SmallVector<std::pair<::llvm::StringRef, ::llvm::StringRef>>
    getCopiedReads();
  }];
}

//===----------------------------------------------------------------------===//
// Recordings
//===----------------------------------------------------------------------===//

def SNN_RecordSpikesOp : SNN_Op<"record_spikes", [
    HasParent<"NetworkOp">, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "record every spike of a population or source";
  let arguments = (ins FlatSymbolRefAttr:$population);
  let assemblyFormat = "$population attr-dict";
}

def SNN_RecordWeightsOp : SNN_Op<"record_weights", [
    HasParent<"NetworkOp">, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "record a projection's synapses and weights at the end of a run";
  let description = [{
    After the last step, writes every synapse of `projection` with its pre
    and post neuron and its weight as the run left it (docs/model-format.md,
    "Recording").
  }];
  let arguments = (ins FlatSymbolRefAttr:$projection);
  let assemblyFormat = "$projection attr-dict";
}

def SNN_RecordSynapsesOp : SNN_Op<"record_synapses", [
    HasParent<"NetworkOp">, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "record a synapse model's variables at the end of a run";
  let description = [{
    After the last step, writes `variables` of every synapse of
    `projection` (a projection with a synapse model) with its pre and post
    neuron (docs/model-format.md, "Recording"). The variables stay per
    synapse (`snn-hoist-traces` leaves them alone); an event-driven one is
    its value at the synapse's last event, as the synapse holds it.
  }];
  let arguments = (ins FlatSymbolRefAttr:$projection, StrArrayAttr:$variables);
  let assemblyFormat = "$projection $variables attr-dict";
}

def SNN_RecordSynapseStateOp : SNN_Op<"record_synapse_state", [
    HasParent<"NetworkOp">, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "record a synapse model's variable of chosen synapses over time";
  let description = [{
    Records `variable` of the synapses of `projection` (a projection with a
    synapse model) from presynaptic neuron `pre[j]` to postsynaptic neuron
    `post[j]` (the first such synapse in row order; the runtime finds it)
    before every `every`-th step, as `snn.record_state` records neurons.
    An event-driven variable is sampled at its value then (advanced from
    the synapse's last event), not as the synapse holds it. The variable
    stays per synapse (`snn-hoist-traces` leaves it alone).
  }];
  let arguments = (ins FlatSymbolRefAttr:$projection, StrAttr:$variable,
                       DenseI64ArrayAttr:$pre, DenseI64ArrayAttr:$post,
                       DefaultValuedAttr<I64Attr, "1">:$every);
  let assemblyFormat = "$projection $variable attr-dict";
  let hasVerifier = 1;
}

def SNN_RecordStateOp : SNN_Op<"record_state", [
    HasParent<"NetworkOp">, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "record a variable of chosen neurons every few steps";
  let description = [{
    Records `variable` of the neurons listed in `neurons` (all when empty)
    before every `every`-th step.
  }];
  let arguments = (ins FlatSymbolRefAttr:$population, StrAttr:$variable,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$neurons,
                       DefaultValuedAttr<I64Attr, "1">:$every);
  let assemblyFormat = "$population $variable attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// snn.linear_update
//===----------------------------------------------------------------------===//

def SNN_LinearUpdateOp : SNN_Op<"linear_update", [
    Pure, AttrSizedOperandSegments]> {
  let summary = "exact step of a linear system with constant coefficients";
  let description = [{
    For the system dx/dt = A x + b, with the s x s Jacobian `A` given by
    `jacobian` and `b` by `affine`, returns x(t + dt) for x(t) = `state`,
    `b` held constant over the step:

      x(t + dt) = exp(A dt) x + (integral_0^dt exp(A u) du) b

    The Jacobian is sparse: each operand is the entry at the (row, column)
    written before it, stored pairwise in `jacobian_positions` in row-major
    order; the other entries are 0. Without positions, the operands are all
    s * s entries, row by row (a shorthand for hand-written IR).

    `snn-integrate` emits it with the entries that are not structurally
    zero; once the Jacobian operands are constants (after the parameters of
    a population are substituted) canonicalization computes both matrices
    once, at compile time, and replaces the op by the multiply-adds with
    their non-zero entries. It leaves the op alone when the propagator
    cannot be computed to the precision of the op's type (then
    convert-snn-to-core reports why).

    ```mlir
    %v1, %g1 = snn.linear_update (%v, %g) affine (%b0, %b1)
        jacobian [(0, 0): %a00, (0, 1): %a01, (1, 1): %a11] dt 1.000000e-01 : f64
    %x1 = snn.linear_update (%x) affine (%b) jacobian [%a] dt 1.000000e-01 : f64
    ```
  }];
  let arguments = (ins Variadic<AnyFloat>:$state, Variadic<AnyFloat>:$affine,
                       Variadic<AnyFloat>:$jacobian, F64Attr:$dt,
                       OptionalAttr<DenseI64ArrayAttr>:$jacobian_positions);
  let results = (outs Variadic<AnyFloat>:$results);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// The (row, column) of Jacobian operand `k`.
    std::pair<unsigned, unsigned> getJacobianPosition(unsigned k);
    /// With a constant Jacobian, its propagator (whose `error` says why it
    /// could not be computed to the type's precision, if it could not);
    /// failure when the Jacobian is not constant. `names` name the state
    /// values in the error.
    ::mlir::FailureOr<::mlir::snn::Propagator>
    computeConstantPropagator(::llvm::ArrayRef<std::string> names = {});
  }];
}

//===----------------------------------------------------------------------===//
// The step schedule (snn-schedule-step)
//===----------------------------------------------------------------------===//

def SNN_ScheduleOp : SNN_Op<"schedule", [
    HasParent<"NetworkOp">, NoTerminator, NoRegionArguments, SingleBlock]> {
  let summary = "the order of one time step's work, for one target";
  let description = [{
    The step of the enclosing network as `snn.phase` ops, in order, written
    by `snn-schedule-step` for `target` (`cpu` or `gpu`) and read by
    `convert-snn-to-core`, which lowers each phase to one step function
    (CPU: `snn_update`, `snn_propagate`) or one kernel (GPU), and each step
    op to its loop (docs/design.md, "The step schedule").

    A phase is run by every thread on its share of the work; the threads
    meet at a barrier between phases. Within a phase a thread runs the step
    ops in order. On the CPU a thread's share of every population is a fixed
    range of its neurons, for every op, so an op may use what an earlier op
    of the same phase did to the same neurons; spike lists are read whole
    (by every thread), so a propagation comes a phase after its source's
    update. On the GPU nothing is shared within a phase: whatever an op
    needs of another comes from an earlier phase.

    The verifier checks that the schedule is a whole and valid step: every
    population updated once, every source emitted once, every projection
    propagated once, every population with input delivered once, every
    population whose reset changes anything reset once, each after what it
    depends on (see the ops), and, on the GPU, every state recording
    sampled once.

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
  let arguments = (ins StrAttr:$target);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$target attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The phases, in order.
    auto getPhases() { return getBody().front().getOps<PhaseOp>(); }
  }];
}

def SNN_PhaseOp : SNN_Op<"phase", [
    HasParent<"ScheduleOp">, NoTerminator, NoRegionArguments, SingleBlock]> {
  let summary = "step ops that run between two barriers";
  let description = [{
    One phase of `snn.schedule`: its step ops run in order by every thread,
    on its share; all threads finish it before any starts the next phase.
    On the CPU the phases are `update` and `propagate` (the simulator's
    `snn_update` and `snn_propagate`); on the GPU each phase is a kernel
    `snn_phase_<name>`.
  }];
  let arguments = (ins StrAttr:$name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$name attr-dict-with-keyword $body";
}

class SNN_StepOp<string mnemonic, list<Trait> traits = []>
    : SNN_Op<mnemonic, !listconcat(traits, [HasParent<"PhaseOp">])>;

def SNN_UpdateStepOp : SNN_StepOp<"update"> {
  let summary = "update, refractory countdown and threshold of a population";
  let description = [{
    One loop over the neurons of `population` (the thread's share): each
    neuron's variables advance one step, its refractory countdown runs, its
    threshold is tested and, if it spikes, it is appended to the
    population's spike list of this step. With `reset`, a neuron that
    spikes is reset in the same loop: only valid when nothing adds input to
    the population later in the step.
  }];
  let arguments = (ins FlatSymbolRefAttr:$population, UnitAttr:$reset);
  let assemblyFormat = "$population (`reset` $reset^)? attr-dict";
}

def SNN_UpdateGroupStepOp : SNN_StepOp<"update_group"> {
  let summary = "one update loop over several populations of one model";
  let description = [{
    A merged group (written by `snn-merge-groups`): the `populations`, all
    of one neuron model and with the same code (no currents into them), are
    updated by one loop over their neurons laid end to end, in this order:
    the plan gives the group one buffer per model variable (and one
    refractory countdown), of which each population's buffers are views
    (docs/design.md, "Merged groups"). Each neuron that spikes is appended
    to its own population's spike list, as `snn.update` would; `reset` as
    for `snn.update`. On the CPU a thread's share of each population is its
    share of the group's neurons that fall in that population, in every op
    of the step.

    ```mlir
    snn.update_group [@exc, @inh]
    ```
  }];
  let arguments = (ins FlatSymbolRefArrayAttr:$populations, UnitAttr:$reset);
  let assemblyFormat = "$populations (`reset` $reset^)? attr-dict";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The group's name, as its buffers are named: `<first>..<last>`.
    std::string getGroupName();
  }];
}

def SNN_EmitStepOp : SNN_StepOp<"emit"> {
  let summary = "the spikes of a source in this step";
  let description = [{
    Fills the spike list of `source` (a Poisson source or a spike source
    array) for this step.
  }];
  let arguments = (ins FlatSymbolRefAttr:$source);
  let assemblyFormat = "$source attr-dict";
}

def SNN_PropagateStepOp : SNN_StepOp<"propagate"> {
  let summary = "a projection's synapses from this step's spikes";
  let description = [{
    For every spike of the projection's source in this step, each of its
    synapses adds its weight into the ring slot its delay selects, or, with
    a delay of 0 steps, straight into the target variable. The source's
    spikes must come from an earlier phase.
  }];
  let arguments = (ins FlatSymbolRefAttr:$projection);
  let assemblyFormat = "$projection attr-dict";
}

def SNN_PropagatePostStepOp : SNN_StepOp<"propagate_post"> {
  let summary = "a synapse model's on_post for this step's postsynaptic spikes";
  let description = [{
    For every spike of the post population of `projection` (a projection
    with a synapse model that has `on_post`) in this step, runs `on_post`
    for each synapse into the spiking neuron, in the order of the
    presynaptic neurons (through the per-post index into the row storage,
    `<projection>.col_ptr` and `.col_syn`). It comes after the post
    population's update and after every `snn.propagate` of the step (as
    Brian2 runs every `on_pre` pathway before the `on_post` ones), and
    before the post population's reset.
  }];
  let arguments = (ins FlatSymbolRefAttr:$projection);
  let assemblyFormat = "$projection attr-dict";
}

def SNN_PeriodicStepOp : SNN_StepOp<"periodic_step"> {
  let summary = "the k-th snn.periodic of the network, when it is due";
  let description = [{
    Runs the `index`-th `snn.periodic` of the network (this thread's share
    of its neurons, or of its synapses: those into the thread's share of
    the post population) when the step is a multiple of its `every`. It
    comes before the update of its population (of the post population).
  }];
  let arguments = (ins I64Attr:$index);
  let assemblyFormat = "$index attr-dict";
}

def SNN_ClockSynapsesStepOp : SNN_StepOp<"clock_synapses"> {
  let summary = "a projection's clock-driven synapse equations, a step on";
  let description = [{
    For a projection whose synapse model has clock-driven equations: each
    synapse's clock-driven variables a step on (its model's `clock_step`),
    for the synapses into this thread's post neurons (through the per-post
    index). The neurons' variables it reads are as this step's update left
    them (Brian2 integrates synapses after the neuron groups made before
    them, before thresholds and resets). It comes after the post
    population's update and before the projection's propagation and
    on_post (Brian2's order: state updates, then the pathways).
  }];
  let arguments = (ins FlatSymbolRefAttr:$projection);
  let assemblyFormat = "$projection attr-dict";
}

def SNN_CopyLinkedStepOp : SNN_StepOp<"copy_linked"> {
  let summary = "the copy of a variable that populations' links read";
  let description = [{
    Copies `variable` of `population` (this thread's neurons) into
    `<population>.<variable>.linked`, which the inputs of populations
    linked to it read in the next step: the value the step left, after
    the population's input and reset (the runtime writes the first copy,
    of the initial values). It comes after the population's delivery and
    reset.
  }];
  let arguments = (ins FlatSymbolRefAttr:$population, StrAttr:$variable);
  let assemblyFormat = "$population $variable attr-dict";
}

def SNN_TracesStepOp : SNN_StepOp<"traces"> {
  let summary = "a projection's per-neuron traces, one step on";
  let description = [{
    For a projection with `pre_traces` or `post_traces`: advances each
    per-neuron trace by one step (this thread's share), then, for each
    spike of the presynaptic population in this step, keeps the value
    `on_pre` will read (`<p>.pre.<x>.before`) and applies the pre trace's
    change (`on_pre`'s, which depends on the trace and parameters only).
    A spike-source array's traces are thread 0's (it emits all of the
    array's spikes). It comes after the presynaptic population's update or
    emission, and, in an earlier phase, before the projection's
    propagation.
  }];
  let arguments = (ins FlatSymbolRefAttr:$projection);
  let assemblyFormat = "$projection attr-dict";
}

def SNN_SnapshotStepOp : SNN_StepOp<"snapshot"> {
  let summary = "a copy of a population's variable that links read";
  let description = [{
    Copies `variable` of `population` (this thread's share) into the
    buffer `<population>.<variable>.snapshot`, which the synapse models'
    links to it read: they see the variable as the update of this step
    left it, before the input and reset of the step, whatever thread owns
    it. It comes after the population's update and, in an earlier phase,
    before every propagation that reads it.
  }];
  let arguments = (ins FlatSymbolRefAttr:$population, StrAttr:$variable);
  let assemblyFormat = "$population $variable attr-dict";
}

def SNN_DeliverStepOp : SNN_StepOp<"deliver"> {
  let summary = "this step's input into a population";
  let description = [{
    One loop over the neurons of `population`: this step's slot of every
    ring into it is added to its variable and cleared, then its Poisson
    inputs are drawn and added. It comes after the population's update and
    after every propagation into it. With `reset` (GPU only), a neuron that
    spiked in this step is then reset, in the same loop (its spike is
    remembered in a per-neuron flag by the update).
  }];
  let arguments = (ins FlatSymbolRefAttr:$population, UnitAttr:$reset);
  let assemblyFormat = "$population (`reset` $reset^)? attr-dict";
}

def SNN_ResetStepOp : SNN_StepOp<"reset"> {
  let summary = "the reset of the neurons that spiked in this step";
  let description = [{
    One loop over the spike list of `population` in this step: each neuron
    in it is reset. It comes after the population's update, its delivery
    and every propagation into it, so that the reset has the last word.
  }];
  let arguments = (ins FlatSymbolRefAttr:$population);
  let assemblyFormat = "$population attr-dict";
}

def SNN_SampleStepOp : SNN_StepOp<"sample"> {
  let summary = "a state recording's sample of this step (GPU)";
  let description = [{
    Copies the recorded variable of the neurons of the `record`-th
    `snn.record_state` of the network into its sample buffer, when this
    step is one of the recording's (a multiple of `every`); the recordings
    after the last `snn.record_state` are the `snn.record_synapse_state`s,
    whose variable is their sample (snn.sample_synapses). The CPU
    simulators sample between steps, on the host, so their schedules hold
    no samples.
  }];
  let arguments = (ins I64Attr:$record);
  let assemblyFormat = "$record attr-dict";
}

def SNN_SampleSynapsesStepOp : SNN_StepOp<"sample_synapses"> {
  let summary = "a synapse recording's sample for the next step";
  let description = [{
    Writes the current values of the recorded synapses of the `record`-th
    `snn.record_synapse_state` into its sample buffer when the next step is
    one of the recording's: their values at the start of that step, which
    the recording reads there (the runtime writes the first sample, before
    step 0). It comes at the end of the step, after the propagation and
    the `on_post` of the projection (on the CPU each thread samples the
    synapses into its share of the post population).
  }];
  let arguments = (ins I64Attr:$record);
  let assemblyFormat = "$record attr-dict";
}

def SNN_EndStepOp : SNN_StepOp<"end_step"> {
  let summary = "the GPU step's bookkeeping";
  let description = [{
    GPU only, once per schedule, in a phase after every update and source
    emission (so after every state sample too, which precedes its
    population's update): thread 0 advances the device's step counter,
    adds each spike list's count to its total and clears the count of the
    next step, and counts the samples of each state recording due this
    step. (On the CPU the runtime does this between steps.)
  }];
  let assemblyFormat = "attr-dict";
}

//===----------------------------------------------------------------------===//
// The buffer plan (snn-plan-buffers)
//===----------------------------------------------------------------------===//

def SNN_ArenaOp : SNN_Op<"arena", [
    HasParent<"NetworkOp">, NoTerminator, NoRegionArguments, SingleBlock]> {
  let summary = "the simulator's buffers, in the order of its arena";
  let description = [{
    Every buffer of the simulator for `target` (`cpu` or `gpu`), as
    `snn.buffer` ops in the order of the arena: the k-th buffer is buffer k
    of the descriptor and of the table at the arena's start
    (docs/runtime-abi.md). Written by `snn-plan-buffers` from the network
    and its schedule, read by `convert-snn-to-core`, which takes each
    buffer's place and element type from it (a projection's columns are
    `i16` or `i32` as the plan says) and refuses a plan that lacks a buffer
    the step needs, has one it does not, or gives one another size.

    ```mlir
    snn.arena "cpu" {
      snn.buffer "exc.spike_count" : i32 [512]
      snn.buffer "exc.v" : f64 [3200]
      snn.buffer "ee.row_ptr" : i64 [3201]
      snn.buffer "ee.col" : i16 [synapses "ee"]
    }
    ```
  }];
  let arguments = (ins StrAttr:$target);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$target attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The buffers, in arena order.
    auto getBuffers() { return getBody().front().getOps<BufferOp>(); }
  }];
}

def SNN_DescriptorOp : SNN_Op<"descriptor", [HasParent<"NetworkOp">]> {
  let summary = "the network's part of the runtime's descriptor";
  let description = [{
    What the runtime reads of the network (docs/runtime-abi.md, "The
    descriptor"), as a dictionary: the buffers of the plan (`snn.arena`),
    populations and sources with their buffers and value specifications,
    currents, projections, delay rings, recordings. Written by
    `snn-describe` from the network and its plan; `convert-snn-to-core`
    adds what its code brings (build kernels; the GPU's kernels; the CPU's
    threads) and emits it as the global `@snn_descriptor`.
  }];
  let arguments = (ins DictionaryAttr:$value);
  let assemblyFormat = "$value attr-dict";
}

def SNN_BufferOp : SNN_Op<"buffer", [HasParent<"ArenaOp">]> {
  let summary = "one buffer of the arena";
  let description = [{
    A buffer named `name` of `count` elements of `element_type` (`f32`,
    `f64`, `i16` (read unsigned: narrow columns), `i32` or `i64`). The count
    is a number, or one that the runtime knows only when it builds the
    network: `[synapses "<projection>"]` (one per synapse),
    `[ring "<population>.<variable>"]` (slots times the population's size),
    `[spike_array "<source>"]` (the source's spikes),
    `[record_spikes "<population>"]` (the recording's capacity),
    `[record_state <k>]` (the k-th state recording's samples) or
    `[history "<projection>"]` (a synapse model's projection with delays:
    (1 + its largest delay in steps) slots of the CPU's thread count cells
    plus its pre population's size).

    With `in "<buffer>" at <k>`, the buffer takes no memory of its own: it
    is elements k to k + count - 1 of an earlier buffer of the same element
    type (a population's variable in its merged group's buffer:
    `snn.buffer "inh.v" : f64 [800] in "exc..inh.v" at 3200`).
  }];
  let arguments = (ins StrAttr:$name, TypeAttr:$element_type,
                       AnyAttr:$count, OptionalAttr<StrAttr>:$view_of,
                       OptionalAttr<I64Attr>:$view_at);
  let assemblyFormat =
      "$name `:` custom<BufferShape>($element_type, $count) "
      "(`in` $view_of^ `at` $view_at)? attr-dict";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The kinds of counts the runtime resolves, by keyword.
    static bool isCountKind(llvm::StringRef kind);
  }];
}

#endif // SNN_DIALECT_SNN_SNNOPS_TD
