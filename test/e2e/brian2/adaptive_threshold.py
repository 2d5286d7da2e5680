#!/usr/bin/env python3
"""The built-in lif_adaptive_threshold model against the same equations in
Brian2: identical spike trains, voltage and threshold traces within 1e-9 mV.

Six cells of the built-in model (snnc: named, not defined, so the built-in
file itself is tested; Brian2: its equations written out) with constant
bias currents from below to well above the resting threshold, so that the
threshold adaptation (theta += delta_th at each spike, decaying with
tau_th) sets the rates, and a spike-source array of three neurons: two reach
ge through a synapse list with per-synapse weights and delays (a delay ring
in snnc), one reaches gi with the constant delay 0 (added at once). The
membrane is clamped while refractory (Brian2's `(unless refractory)`);
method exact on both sides; f64. No random numbers are drawn during either
simulation.

Brian2 runs with the numpy code-generation target.

Usage: adaptive_threshold.py --snnc PATH --work DIR
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

SEED = 11
DT = bc.DT
DURATION = 500.0
STEPS = int(round(DURATION / DT))
# The built-in's defaults (frontends/json/models/lif_adaptive_threshold.json).
PARAMS = {"tau_m": 20.0, "v_rest": -60.0, "v_th": -50.0, "v_reset": -60.0,
          "tau_e": 5.0, "tau_i": 10.0, "R_m": 0.1, "tau_th": 50.0,
          "delta_th": 2.0}                     # ms, mV, GOhm
REFRACTORY = 2.0
BIAS = [90.0, 105.0, 120.0, 150.0, 200.0, 300.0]   # pA: v_inf -51 .. -30 mV
N = len(BIAS)
STIM_RATE = 40.0    # Hz per stimulus neuron
N_STIM = 3
INHIBITORY = N_STIM - 1   # reaches gi, delay 0
TOLERANCE = 1e-9    # mV


def generate(work):
    rng = np.random.default_rng(SEED)
    ids, steps = [], []
    for k in range(N_STIM):
        s = np.sort(rng.choice(STEPS, size=int(STIM_RATE * DURATION / 1000.0),
                               replace=False))
        ids += [k] * len(s)
        steps += list(s)
    ids, steps = np.array(ids), np.array(steps)
    with open(os.path.join(work, "stim.csv"), "w") as f:
        f.write("neuron,time\n")
        for i, s in zip(ids, steps):
            f.write("%d,%d.%d\n" % (i, s // 10, s % 10))
    exc = []
    for k in range(N_STIM):
        if k == INHIBITORY:
            continue
        for j in range(N):
            exc.append((k, j, float(rng.uniform(0.5, 3.0)),
                        int(rng.integers(0, 31))))
    with open(os.path.join(work, "stim_exc.csv"), "w") as f:
        f.write("pre,post,weight,delay\n")
        for k, j, w, d in exc:
            f.write("%d,%d,%r,%d.%d\n" % (k, j, w, d // 10, d % 10))
    np.save(os.path.join(work, "bias.npy"), np.array(BIAS))
    return ids, steps, exc


INHIBITORY_WEIGHT = -2.5   # mV, every cell


def write_model(work):
    model = {
        "name": "adaptive_threshold",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": "f64"},
        "populations": {"cells": {"model": "lif_adaptive_threshold",
                                  "size": N}},
        "sources": {"stim": {"type": "spike_array", "size": N_STIM,
                             "file": "stim.csv"}},
        "currents": {"bias": {"type": "constant", "target": "cells",
                              "variable": "I",
                              "amplitude": {"file": "bias.npy"}}},
        "projections": {
            "stim_exc": {"pre": "stim", "post": "cells", "target": "ge",
                         "connectivity": {"type": "list",
                                          "file": "stim_exc.csv"},
                         "weight": "from_list", "delay": "from_list"},
            "stim_inh": {"pre": "stim", "post": "cells", "target": "gi",
                         "connectivity": {"type": "list",
                                          "file": "stim_inh.csv"},
                         "weight": "%r mV" % INHIBITORY_WEIGHT,
                         "delay": "0 ms"}},
        "record": {"spikes": ["cells"],
                   "state": [{"population": "cells", "variable": "v",
                              "every": 1},
                             {"population": "cells", "variable": "theta",
                              "every": 1}],
                   "format": "npy"},
    }
    with open(os.path.join(work, "stim_inh.csv"), "w") as f:
        f.write("pre,post\n")
        for j in range(N):
            f.write("%d,%d\n" % (INHIBITORY, j))
    path = os.path.join(work, "adaptive_threshold.json")
    bc.write_json(path, model)
    return path


def run_brian2(ids, steps, exc):
    bc.import_brian2()
    from brian2 import (ms, mV, pA, Mohm, NeuronGroup, SpikeGeneratorGroup,
                        Synapses, SpikeMonitor, StateMonitor, Network,
                        defaultclock)
    defaultclock.dt = DT * ms
    ns = {k: PARAMS[k] * ms for k in ("tau_m", "tau_e", "tau_i", "tau_th")}
    ns.update({k: PARAMS[k] * mV for k in ("v_rest", "v_th", "v_reset",
                                           "delta_th")})
    ns["R_m"] = PARAMS["R_m"] * 1000 * Mohm
    cells = NeuronGroup(N, """
        dv/dt = (v_rest - v + ge + gi + R_m * I) / tau_m : volt (unless refractory)
        dge/dt = -ge / tau_e : volt
        dgi/dt = -gi / tau_i : volt
        dtheta/dt = -theta / tau_th : volt
        I : amp (constant)
        """, threshold="v > v_th + theta",
        reset="v = v_reset\ntheta += delta_th",
        refractory=REFRACTORY * ms, method="exact", namespace=ns)
    cells.v = PARAMS["v_rest"] * mV
    cells.I = np.array(BIAS) * pA
    stim = SpikeGeneratorGroup(N_STIM, ids, steps / 10.0 * ms)
    se = Synapses(stim, cells, "w : volt", on_pre="ge_post += w")
    k, j, w, d = (np.array(x) for x in zip(*exc))
    se.connect(i=k, j=j)
    se.w = w * mV
    se.delay = d / 10.0 * ms
    si = Synapses(stim, cells, on_pre="gi_post += %r * mV" % INHIBITORY_WEIGHT,
                  namespace={"mV": mV})
    si.connect(i=INHIBITORY, j=np.arange(N))
    sm = SpikeMonitor(cells)
    vm = StateMonitor(cells, ["v", "theta"], record=True)
    Network(cells, stim, se, si, sm, vm).run(DURATION * ms)
    return (bc.brian2_spikes(sm, float(defaultclock.dt_)),
            np.asarray(vm.v_).T * 1000.0, np.asarray(vm.theta_).T * 1000.0)


def compare(name, ours, theirs):
    if ours.shape != theirs.shape:
        print("%s recordings differ in shape: snnc %s, brian2 %s"
              % (name, ours.shape, theirs.shape))
        return False
    err = np.max(np.abs(ours - theirs), axis=1)
    bad = np.nonzero(err > TOLERANCE)[0]
    print("%s: largest difference %.3g mV" % (name, float(np.max(err))))
    if len(bad):
        k = int(bad[0])
        n = int(np.argmax(np.abs(ours[k] - theirs[k])))
        print("first %s difference: neuron %d at %.1f ms: snnc %.9f mV, "
              "brian2 %.9f mV" % (name, n, k * DT, ours[k, n], theirs[k, n]))
        return False
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    bc.setup_scratch(args.work)
    ids, steps, exc = generate(args.work)
    model = write_model(args.work)
    sim = os.path.join(args.work, "sim")
    out = os.path.join(args.work, "out")
    bc.compile_model(args.snnc, model, sim)
    bc.run_sim(sim, out)
    ours = bc.snnc_spikes(out, "cells")
    theirs, v_theirs, theta_theirs = run_brian2(ids, steps, exc)
    counts = [int(np.sum(ours[1] == n)) for n in range(N)]
    print("cells: snnc %d spikes, brian2 %d spikes; per cell %s"
          % (len(ours[0]), len(theirs[0]), counts))
    # Adaptation at work: the most driven cell's threshold rose above
    # delta_th (several spikes within tau_th).
    theta = np.load(os.path.join(out, "cells_theta.npy"))
    print("largest threshold raise %.2f mV (delta_th %.1f mV)"
          % (float(np.max(theta)), PARAMS["delta_th"]))
    first = bc.first_difference(ours, theirs)
    ok = first is None
    ok &= compare("v", np.load(os.path.join(out, "cells_v.npy")), v_theirs)
    ok &= compare("theta", theta, theta_theirs)
    ok &= float(np.max(theta)) > 2 * PARAMS["delta_th"]
    print("adaptive threshold: spikes %s: %s"
          % ("identical" if first is None
             else "differ from %.1f ms" % (first * DT),
             "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
