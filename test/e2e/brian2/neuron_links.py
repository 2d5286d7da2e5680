#!/usr/bin/env python3
"""Neuron models that read other populations' variables (links) in snnc and
in Brian2 (linked_var), deterministic.

A global modulator `da` (one neuron, level decaying with tau_m, raised by
spikes of a spike array through a projection) and a per-neuron drive
`teach` (one value per neuron, from a file) are read by N LIF neurons:

  dv/dt = (vr - v + k M + U) / tau     M: da.level, U: teach.u

Brian2 integrates the neuron groups of a slot in the order of their
names: `out` is updated before `zda` here, so it reads the level as the
previous step left it (after the spikes the synapses delivered), which is
what an snnc link reads (a copy taken at the end of each step). With the
modulator's group sorting first, Brian2 would read it after this step's
decay instead. Periodic statements read links too:
every EVERY_MS, `theta = k M + U` (Brian2: run_regularly, at the start of
the step, before the groups' updates, so M is again the previous step's
value). Checks: identical output spikes, and the recorded v and theta of
every neuron within 1e-9 mV (theta but at the steps the statements run:
snnc records before them, Brian2's monitor, sorted by name, after).

Usage: neuron_links.py --snnc PATH --work DIR
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

DT = bc.DT
DURATION = 500.0                # ms
N = 4
TAU, TAU_M = 10.0, 50.0         # ms
VR, VT, K = -70.0, -50.0, 8.0   # mV, mV, mV per unit of level
UPS = [0.0, 6.0, 12.0, 18.0]    # mV, teach.u per neuron
STIM = [200, 600, 610, 1500, 1510, 1520, 3000]  # steps of the modulator's input
EVERY_MS = 20.0                 # period of the statements reading the links
TOLERANCE = 1e-9


def write_model(work):
    with open(os.path.join(work, "stim.csv"), "w") as f:
        f.write("neuron,time\n")
        f.writelines("0,%d.%d\n" % (s // 10, s % 10) for s in STIM)
    with open(os.path.join(work, "teach.csv"), "w") as f:
        f.write("u\n")
        f.writelines("%r\n" % u for u in UPS)
    model = {
        "name": "neuron_links",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": "f64"},
        "neuron_models": {
            "lif_linked": {
                "parameters": {"tau": "%r ms" % TAU, "vr": "%r mV" % VR,
                               "vt": "%r mV" % VT, "k": "%r mV" % K},
                "variables": {"v": "%r mV" % VR, "theta": "0 mV"},
                "links": ["M", "U"],
                "equations": ["dv/dt = (vr - v + k * M + U) / tau"],
                "threshold": "v > vt", "reset": ["v = vr"],
                "method": "exact"},
            "level": {
                "parameters": {"tau_m": "%r ms" % TAU_M},
                "variables": {"level": 0},
                "equations": ["dlevel/dt = -level / tau_m"],
                "threshold": "level > 1e9", "reset": ["level = 0"],
                "method": "exact"},
            "constant": {
                "variables": {"u": "0 mV"},
                "threshold": "u > 1e9 mV", "reset": ["u = 0 mV"]}},
        "populations": {
            "out": {"model": "lif_linked", "size": N,
                    "links": {"M": "da.level", "U": "teach.u"},
                    "periodic": [{"every": "%r ms" % EVERY_MS,
                                  "statements": ["theta = k * M + U"]}]},
            "da": {"model": "level", "size": 1},
            "teach": {"model": "constant", "size": N,
                      "initial": {"u": {"file": "teach.csv", "column": "u"}}}},
        "sources": {"stim": {"type": "spike_array", "size": 1,
                             "file": "stim.csv"}},
        "projections": {
            "stim_da": {"pre": "stim", "post": "da", "target": "level",
                        "weight": 1.0, "connectivity": "all_to_all"}},
        "record": {"spikes": ["out"],
                   "state": [{"population": "out", "variable": "v"},
                             {"population": "out", "variable": "theta"}],
                   "format": "npy"},
    }
    path = os.path.join(work, "neuron_links.json")
    bc.write_json(path, model)
    return path


def run_snnc(snnc, work, model):
    sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
    bc.compile_model(snnc, model, sim)
    bc.run_sim(sim, out)
    return (bc.snnc_spikes(out, "out"), np.load(os.path.join(out, "out_v.npy")),
            np.load(os.path.join(out, "out_theta.npy")))


def run_brian2():
    bc.import_brian2()
    from brian2 import (ms, mV, NeuronGroup, SpikeGeneratorGroup, Synapses,
                        SpikeMonitor, StateMonitor, Network, defaultclock,
                        linked_var)
    defaultclock.dt = DT * ms
    ns = {"tau": TAU * ms, "vr": VR * mV, "vt": VT * mV, "k": K * mV,
          "tau_m": TAU_M * ms}
    out = NeuronGroup(N, """dv/dt = (vr - v + k * M + U) / tau : volt
                            theta : volt
                            M : 1 (linked)
                            U : volt (linked)""",
                      threshold="v > vt", reset="v = vr", method="exact",
                      namespace=ns, name="out")
    out.v = VR * mV
    out.run_regularly("theta = k * M + U", dt=EVERY_MS * ms)
    da = NeuronGroup(1, "dlevel/dt = -level / tau_m : 1", method="exact",
                     namespace=ns, name="zda")
    teach = NeuronGroup(N, "u : volt")
    teach.u = np.array(UPS) * mV
    out.M = linked_var(da, "level", index=np.zeros(N, dtype=int))
    out.U = linked_var(teach, "u")
    stim = SpikeGeneratorGroup(1, [0] * len(STIM),
                               np.array(STIM) * DT * ms)
    s = Synapses(stim, da, on_pre="level += 1.0")
    s.connect()
    spikes = SpikeMonitor(out)
    v = StateMonitor(out, ["v", "theta"], record=True)
    Network(out, da, teach, stim, s, spikes, v).run(DURATION * ms)
    return (bc.brian2_spikes(spikes, float(defaultclock.dt_)),
            np.asarray(v.v_).T * 1000.0, np.asarray(v.theta_).T * 1000.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    bc.setup_scratch(args.work)
    model = write_model(args.work)
    ours = run_snnc(args.snnc, args.work, model)
    theirs = run_brian2()
    first = bc.first_difference(ours[0], theirs[0])
    counts = [int(np.sum(ours[0][1] == i)) for i in range(N)]
    print("output: brian2 %d spikes, snnc %d spikes (per neuron %s)"
          % (len(theirs[0][0]), len(ours[0][0]), counts))
    same_shape = ours[1].shape == theirs[1].shape
    dv = (float(np.max(np.abs(ours[1] - theirs[1]))) if same_shape
          else float("inf"))
    print("v: %s samples, largest difference %.3g mV"
          % ("x".join(map(str, ours[1].shape)), dv))
    every = int(round(EVERY_MS / DT))
    keep = np.arange(ours[2].shape[0]) % every != 0
    dtheta = (float(np.max(np.abs(ours[2][keep] - theirs[2][keep])))
              if ours[2].shape == theirs[2].shape else float("inf"))
    print("theta (periodic statements reading the links): from %.3f to "
          "%.3f mV, largest difference %.3g mV"
          % (float(ours[2].min()), float(ours[2].max()), dtheta))
    ok = first is None and dv <= TOLERANCE and dtheta <= TOLERANCE
    print("neuron links: spikes %s: %s" % (
        "identical" if first is None else "differ from %.1f ms" % (first * DT),
        "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
