#!/usr/bin/env python3
"""Synaptic input to a clamped variable during refractoriness, snnc vs Brian2.

In Brian2, a variable marked `(unless refractory)` is read-only while its
neuron is refractory: "incoming synapses or other code will have no effect on
the value of v until it leaves its refractory period" (Brian2 user guide,
Refractoriness). Concretely, `not_refractory` is cleared by the threshold of
the spike step s and set again by the state update of step s + R, so an
`on_pre` write to v delivered in steps s .. s+R-1 is discarded (the reset
of step s still applies: resets override the condition). snnc's
`refractory_clamp` is meant to be Brian2's `(unless refractory)`
(docs/step-semantics.md).

Four LIF neurons with constant bias currents (three fire regularly, one only
with input) receive, from a spike-source array, voltage jumps on v itself:
with delay 0 (delivered in the step of the stimulus spike) and 1.3 ms, so
that many land in refractory periods, some in spike steps and some exactly in
step s + R. The voltage traces (every step) and spike trains must agree.
The first two stimulus neurons reach the cells through a synapse list with
per-synapse delays (a delay ring in snnc); the third through a projection
with the constant delay 0, whose weights snnc adds to v at once, without a
ring (docs/step-semantics.md, step 3).

Brian2 runs with the numpy code-generation target.

Usage: refractory_input.py --snnc PATH --work DIR
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

SEED = 7
DT = bc.DT
DURATION = 100.0
STEPS = int(round(DURATION / DT))
REFRACTORY = 2.0
R_STEPS = int(round(REFRACTORY / DT))
BIAS = [150.0, 120.0, 105.0, 80.0]        # pA: v_inf = -45, -48, -49.5, -52 mV
N = len(BIAS)
PARAMS = {"tau_m": 20.0, "E_L": -60.0, "v_th": -50.0, "v_reset": -60.0,
          "R_m": 0.1}
# stimulus neuron: (weight in mV, delay in steps); the last one through a
# projection of constant delay 0 (no ring)
STIM = [(0.3, 0), (0.5, 13), (0.4, 0)]
DIRECT = len(STIM) - 1
STIM_RATE = 300.0   # Hz per stimulus neuron
V_TOLERANCE = 1e-9  # mV


def generate(work):
    rng = np.random.default_rng(SEED)
    ids, steps = [], []
    for k in range(len(STIM)):
        s = np.sort(rng.choice(STEPS, size=int(STIM_RATE * DURATION / 1000.0),
                               replace=False))
        ids += [k] * len(s)
        steps += list(s)
    ids, steps = np.array(ids), np.array(steps)
    with open(os.path.join(work, "stim.csv"), "w") as f:
        f.write("neuron,time\n")
        for i, s in zip(ids, steps):
            f.write("%d,%d.%d\n" % (i, s // 10, s % 10))
    syn = [(k, j, w, d) for k, (w, d) in enumerate(STIM) for j in range(N)]
    with open(os.path.join(work, "stim_cells.csv"), "w") as f:
        f.write("pre,post,weight,delay\n")
        for k, j, w, d in syn:
            if k != DIRECT:
                f.write("%d,%d,%r,%d.%d\n" % (k, j, w, d // 10, d % 10))
    with open(os.path.join(work, "stim_direct.csv"), "w") as f:
        f.write("pre,post,weight\n")
        for k, j, w, d in syn:
            if k == DIRECT:
                f.write("%d,%d,%r\n" % (k, j, w))
    np.save(os.path.join(work, "bias.npy"), np.array(BIAS))
    return ids, steps, syn


def write_model(work):
    model = {
        "name": "refractory_input",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": "f64"},
        "neuron_models": {
            "lif": {
                "parameters": PARAMS,
                "variables": {"v": -60.0},
                "inputs": ["I"],
                "equations": ["dv/dt = (E_L - v + R_m * I) / tau_m"],
                "threshold": "v > v_th",
                "reset": ["v = v_reset"],
                "refractory": REFRACTORY,
                "refractory_clamp": ["v"],
                "method": "exact",
            }
        },
        "populations": {"cells": {"model": "lif", "size": N}},
        "sources": {"stim": {"type": "spike_array", "size": len(STIM),
                             "file": "stim.csv"}},
        "currents": {"bias": {"type": "constant", "target": "cells",
                              "variable": "I",
                              "amplitude": {"file": "bias.npy"}}},
        "projections": {
            "stim_cells": {"pre": "stim", "post": "cells", "target": "v",
                           "connectivity": {"type": "list",
                                            "file": "stim_cells.csv"},
                           "weight": "from_list", "delay": "from_list"},
            "stim_direct": {"pre": "stim", "post": "cells", "target": "v",
                            "connectivity": {"type": "list",
                                             "file": "stim_direct.csv"},
                            "weight": "from_list", "delay": "0 ms"}},
        "record": {"spikes": ["cells", "stim"],
                   "state": [{"population": "cells", "variable": "v",
                              "every": 1}],
                   "format": "npy"},
    }
    path = os.path.join(work, "refractory_input.json")
    bc.write_json(path, model)
    return path


def run_brian2(ids, steps, syn):
    bc.import_brian2()
    from brian2 import (ms, mV, pA, Mohm, NeuronGroup, SpikeGeneratorGroup,
                        Synapses, SpikeMonitor, StateMonitor, Network,
                        defaultclock)
    defaultclock.dt = DT * ms
    ns = {"tau_m": PARAMS["tau_m"] * ms, "E_L": PARAMS["E_L"] * mV,
          "v_th": PARAMS["v_th"] * mV, "v_reset": PARAMS["v_reset"] * mV,
          "R_m": PARAMS["R_m"] * 1000 * Mohm}
    cells = NeuronGroup(N, """
        dv/dt = (E_L - v + R_m * I) / tau_m : volt (unless refractory)
        I : amp (constant)
        """, threshold="v > v_th", reset="v = v_reset",
        refractory=REFRACTORY * ms, method="exact", namespace=ns)
    cells.v = PARAMS["E_L"] * mV
    cells.I = np.array(BIAS) * pA
    stim = SpikeGeneratorGroup(len(STIM), ids, steps / 10.0 * ms)
    s = Synapses(stim, cells, "w : volt", on_pre="v_post += w")
    k, j, w, d = (np.array(x) for x in zip(*syn))
    s.connect(i=k, j=j)
    s.w = w * mV
    s.delay = d / 10.0 * ms
    sm = SpikeMonitor(cells)
    vm = StateMonitor(cells, "v", record=True)
    Network(cells, stim, s, sm, vm).run(DURATION * ms)
    return (bc.brian2_spikes(sm, float(defaultclock.dt_)),
            np.asarray(vm.v_).T * 1000.0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    bc.setup_scratch(args.work)
    ids, steps, syn = generate(args.work)
    model = write_model(args.work)
    sim = os.path.join(args.work, "sim")
    out = os.path.join(args.work, "out")
    bc.compile_model(args.snnc, model, sim)
    bc.run_sim(sim, out)
    ours = bc.snnc_spikes(out, "cells")
    v_ours = np.load(os.path.join(out, "cells_v.npy"))
    theirs, v_theirs = run_brian2(ids, steps, syn)

    # Information: arrivals in the steps where Brian2 discards them.
    arrivals = np.concatenate([steps[ids == k] + d for k, (_, d) in
                               enumerate(STIM)])
    blocked = 0
    for n in range(N):
        spikes = theirs[0][theirs[1] == n]
        for s in spikes:
            blocked += int(np.sum((arrivals >= s) & (arrivals < s + R_STEPS)))
    print("cells: snnc %d spikes, brian2 %d spikes; %d inputs to v arrive in "
          "refractory steps (Brian2)" % (len(ours[0]), len(theirs[0]), blocked))
    ok = True
    first = bc.first_difference(ours, theirs)
    if first is not None:
        ok = False
    if v_ours.shape != v_theirs.shape:
        print("voltage recordings differ in shape: snnc %s, brian2 %s"
              % (v_ours.shape, v_theirs.shape))
        ok = False
        first_v = None
    else:
        bad = np.nonzero(np.max(np.abs(v_ours - v_theirs), axis=1)
                         > V_TOLERANCE)[0]
        first_v = int(bad[0]) if len(bad) else None
        if first_v is not None:
            ok = False
            n = int(np.argmax(np.abs(v_ours[first_v] - v_theirs[first_v])))
            print("first voltage difference: neuron %d at %.1f ms: snnc %.6f "
                  "mV, brian2 %.6f mV" % (n, first_v * DT, v_ours[first_v, n],
                                          v_theirs[first_v, n]))
    print("input to clamped v during refractoriness: spikes %s, voltages %s: "
          "%s" % ("identical" if first is None
                  else "differ from %.1f ms" % (first * DT),
                  "agree" if first_v is None
                  else "differ from %.1f ms" % (first_v * DT),
                  "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
