#!/usr/bin/env python3
"""Poisson inputs (snnc `poisson_inputs`) against Brian2's PoissonInput.

Brian2's PoissonInput(target, var, N, rate, weight) adds `weight` times a
binomial draw B(N, rate * dt) to `var` of every neuron in every step, in the
`synapses` slot of the schedule (after the threshold, before the reset); a
variable marked `(unless refractory)` ignores it while the neuron is
refractory. snnc's Poisson inputs are meant to be the same thing
(docs/step-semantics.md). The two simulators draw different random numbers,
so this compares statistics, not spikes:

- LIF neurons (refractory 2 ms, v clamped) driven by 1000 inputs at 15 Hz of
  0.1 mV each (B(1000, 0.0015) per step: Brian2 draws it exactly, without
  its normal approximation, which starts at a mean of 5): the mean firing
  rate of 2000 neurons over 1 s, and the mean and standard deviation of v
  over the run, within the tolerances below;
- counters (dx/dt = 0, 1000 neurons) driven by 1600 inputs at 8 Hz of
  weight 1 (the microcircuit's smallest background), whose per-step
  increments must follow B(1600, 0.0008): mean, variance and a chi-square
  test of the counts, on both sides.

Brian2 runs with the numpy code-generation target.

Usage: poisson_input.py --snnc PATH --work DIR
"""
import argparse
import math
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

DT = bc.DT
DURATION = 1000.0
N_CELLS = 2000
PARAMS = {"tau_m": 10.0, "E_L": -60.0, "v_th": -50.0, "v_reset": -60.0}
REFRACTORY = 2.0
INPUT = {"n": 1000, "rate": 15.0, "weight": 0.1}      # Hz, mV
COUNTER = {"size": 1000, "n": 1600, "rate": 8.0, "steps": 1000}
RATE_TOLERANCE = 0.02   # relative
V_TOLERANCE = 0.05      # mV, mean and standard deviation of v


def write_model(work):
    model = {
        "name": "poisson_input",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 3,
                       "precision": "f64"},
        "neuron_models": {
            "lif": {
                "parameters": PARAMS,
                "variables": {"v": PARAMS["E_L"]},
                "equations": ["dv/dt = (E_L - v) / tau_m"],
                "threshold": "v > v_th",
                "reset": ["v = v_reset"],
                "refractory": REFRACTORY,
                "refractory_clamp": ["v"],
                "method": "exact",
            },
            "counter": {
                "variables": {"x": 0},
                "equations": ["dx/dt = 0 / (1 ms)"],
                "threshold": "x < -1",
                "reset": ["x = 0"],
            },
        },
        "populations": {"cells": {"model": "lif", "size": N_CELLS},
                        "counts": {"model": "counter",
                                   "size": COUNTER["size"]}},
        "poisson_inputs": {
            "drive": {"target": "cells", "variable": "v", "n": INPUT["n"],
                      "rate": "%g Hz" % INPUT["rate"],
                      "weight": "%g mV" % INPUT["weight"]},
            "count": {"target": "counts", "variable": "x",
                      "n": COUNTER["n"], "rate": "%g Hz" % COUNTER["rate"],
                      "weight": 1}},
        "record": {"spikes": ["cells"],
                   "state": [{"population": "cells", "variable": "v",
                              "neurons": list(range(0, N_CELLS, 10)),
                              "every": 10},
                             {"population": "counts", "variable": "x",
                              "every": 1}],
                   "format": "npy"},
    }
    path = os.path.join(work, "poisson_input.json")
    bc.write_json(path, model)
    return path


def run_brian2():
    b2 = bc.import_brian2()
    from brian2 import (ms, mV, Hz, NeuronGroup, PoissonInput, SpikeMonitor,
                        StateMonitor, Network, defaultclock)
    b2.seed(11)
    defaultclock.dt = DT * ms
    ns = {"tau_m": PARAMS["tau_m"] * ms, "E_L": PARAMS["E_L"] * mV,
          "v_th": PARAMS["v_th"] * mV, "v_reset": PARAMS["v_reset"] * mV}
    cells = NeuronGroup(N_CELLS, "dv/dt = (E_L - v) / tau_m : volt "
                        "(unless refractory)", threshold="v > v_th",
                        reset="v = v_reset", refractory=REFRACTORY * ms,
                        method="exact", namespace=ns)
    cells.v = PARAMS["E_L"] * mV
    drive = PoissonInput(cells, "v", INPUT["n"], INPUT["rate"] * Hz,
                         weight=INPUT["weight"] * mV)
    counter = NeuronGroup(COUNTER["size"], "x : 1")
    count = PoissonInput(counter, "x", COUNTER["n"], COUNTER["rate"] * Hz,
                         weight=1)
    sm = SpikeMonitor(cells)
    vm = StateMonitor(cells, "v", record=list(range(0, N_CELLS, 10)),
                      dt=1 * ms)
    xm = StateMonitor(counter, "x", record=True)
    net = Network(cells, drive, counter, count, sm, vm, xm)
    net.run(COUNTER["steps"] * DT * ms)
    x = np.asarray(xm.x).T.copy()
    net.remove(xm)
    net.run((DURATION - COUNTER["steps"] * DT) * ms)
    return len(sm.t), np.asarray(vm.v_).T * 1000.0, x


def counter_check(name, x):
    """Per-step increments of the counters against B(n, p)."""
    n, p = COUNTER["n"], COUNTER["rate"] * DT * 1e-3
    inc = np.rint(np.diff(x, axis=0)).astype(np.int64).ravel()
    m, var = n * p, n * p * (1 - p)
    samples = len(inc)
    ok = True
    # mean and variance within 5 standard errors
    se_mean = math.sqrt(var / samples)
    se_var = var * math.sqrt(2.0 / samples) * 1.5
    if abs(inc.mean() - m) > 5 * se_mean or abs(inc.var() - var) > 5 * se_var:
        ok = False
    # chi-square over counts 0..K-1 and a pooled tail with expectation >= 5
    pmf = [math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(40)]
    k_max = max(k for k in range(40) if pmf[k] * samples >= 5)
    expected = [pmf[k] * samples for k in range(k_max)]
    expected.append(samples - sum(expected))
    observed = [int(np.sum(inc == k)) for k in range(k_max)]
    observed.append(int(np.sum(inc >= k_max)))
    chi2 = sum((o - e) ** 2 / e for o, e in zip(observed, expected))
    dof = len(expected) - 1
    # the 1e-4 upper quantile of chi-square, Wilson-Hilferty
    z = 3.719
    limit = dof * (1 - 2.0 / (9 * dof) + z * math.sqrt(2.0 / (9 * dof))) ** 3
    if chi2 > limit:
        ok = False
    print("%s counter: %d increments, mean %.4f (B: %.4f), variance %.4f "
          "(B: %.4f), chi-square %.1f on %d degrees of freedom (limit %.1f): "
          "%s" % (name, samples, inc.mean(), m, inc.var(), var, chi2, dof,
                  limit, "OK" if ok else "FAILED"))
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    bc.setup_scratch(args.work)
    model = write_model(args.work)
    sim = os.path.join(args.work, "sim")
    out = os.path.join(args.work, "out")
    bc.compile_model(args.snnc, model, sim)
    bc.run_sim(sim, out)
    spikes_ours = len(np.load(os.path.join(out, "cells_spikes_t.npy")))
    v_ours = np.load(os.path.join(out, "cells_v.npy"))
    x_ours = np.load(os.path.join(out, "counts_x.npy"))[:COUNTER["steps"]]
    spikes_theirs, v_theirs, x_theirs = run_brian2()

    ok = counter_check("snnc", x_ours)
    ok &= counter_check("brian2", x_theirs)
    rate_ours = spikes_ours / N_CELLS / (DURATION / 1000.0)
    rate_theirs = spikes_theirs / N_CELLS / (DURATION / 1000.0)
    ratio = rate_ours / rate_theirs
    rate_ok = abs(ratio - 1) <= RATE_TOLERANCE
    print("cells: mean rate snnc %.2f Hz, brian2 %.2f Hz, ratio %.4f "
          "(within %g%%): %s" % (rate_ours, rate_theirs, ratio,
                                 100 * RATE_TOLERANCE,
                                 "OK" if rate_ok else "FAILED"))
    # v sampled every ms after the first 50 ms (the approach to the
    # stationary state is the same deterministic ramp on both sides)
    a, b = v_ours[50:], v_theirs[50:len(v_ours)]
    v_ok = (abs(a.mean() - b.mean()) <= V_TOLERANCE
            and abs(a.std() - b.std()) <= V_TOLERANCE)
    print("cells: v mean snnc %.3f mV, brian2 %.3f mV; standard deviation "
          "snnc %.3f mV, brian2 %.3f mV (within %g mV): %s"
          % (a.mean(), b.mean(), a.std(), b.std(), V_TOLERANCE,
             "OK" if v_ok else "FAILED"))
    ok &= rate_ok and v_ok
    print("poisson inputs: %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
