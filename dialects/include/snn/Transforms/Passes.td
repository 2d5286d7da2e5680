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

    The pass differentiates the right-hand sides symbolically (on the
    `arith`/`math` ops) to find the largest set of variables whose
    derivatives are affine in that same set with coefficients that depend on
    parameters only. That subsystem is advanced exactly: the Jacobian and the
    affine terms feed an `snn.linear_update`, whose propagator
    exp(A dt) is computed once per population, at compile time, when
    canonicalization sees constant parameters. The remaining variables use the
    model's `method`: `euler`, `rk2` (midpoint), `rk4`, or
    `exponential_euler` (each variable linear in itself, as Brian2 does it).
    Stages of rk2/rk4 at t + dt/2 use the exact values of the linear
    subsystem at that time. Variables whose derivative is the constant 0 are
    left unchanged. `method = "exact"` demands that every variable be in the
    linear subsystem and reports the first that is not.

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

#endif // SNN_TRANSFORMS_PASSES_TD
