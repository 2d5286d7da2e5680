#!/usr/bin/env python3
"""`method` honoured as written: Euler for every equation, linear or not,
against Brian2's method='euler', deterministic.

N LIF neurons with an exponential synaptic variable, both linear:

  dv/dt = (vr - v + s) / tau_m      ds/dt = -s / tau_s

driven by a spike array (drawn once here) through a list of synapses and
inhibiting one another through another, both adding to s. Brian2 with
method='euler' steps both equations by Euler; so must snnc with
"method": "euler": identical output spikes, v of every neuron within
1e-9 mV at every step. The same model without a method (snnc's default,
exact+euler: v and s, linear, exactly) is run too and must not agree
(v further than 1e-6 mV from Brian2's Euler), so that the check can tell
the two apart.

Usage: euler_method.py --snnc PATH --work DIR
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

DT = bc.DT
DURATION = 1000.0               # ms
N, N_IN = 20, 50
TAU_M, TAU_S = 10.0, 5.0        # ms
VR, VT = -70.0, -55.0           # mV
RATE = 25.0                     # Hz, the inputs' mean rate
TOLERANCE = 1e-9                # mV
APART = 1e-6                    # mV: the default method must differ by more


def draw():
    rng = np.random.RandomState(11)
    steps = int(round(DURATION / DT))
    # One spike at most per input and step.
    hits = rng.random_sample((steps, N_IN)) < RATE * DT / 1000.0
    t, i = np.nonzero(hits)
    order = np.lexsort((i, t))
    stim = (i[order], t[order])
    inp = [(a, b, float(rng.uniform(2.0, 7.0)))
           for a in range(N_IN) for b in range(N) if rng.random_sample() < 0.5]
    rec = [(a, b, float(rng.uniform(-3.0, -0.5)))
           for a in range(N) for b in range(N)
           if a != b and rng.random_sample() < 0.2]
    v0 = rng.uniform(VR, VT, N)
    return stim, inp, rec, v0


def write_model(work, data, method):
    stim, inp, rec, v0 = data
    with open(os.path.join(work, "stim.csv"), "w") as f:
        f.write("neuron,time\n")
        f.writelines("%d,%d.%d\n" % (i, s // 10, s % 10)
                     for i, s in zip(*stim))
    for name, table in (("inp", inp), ("rec", rec)):
        with open(os.path.join(work, name + ".csv"), "w") as f:
            f.write("pre,post,weight\n")
            f.writelines("%d,%d,%r\n" % row for row in table)
    np.save(os.path.join(work, "v0.npy"), v0)
    model = {
        "name": "euler_method",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": "f64"},
        "neuron_models": {
            "lif_syn": {
                "parameters": {"tau_m": "%r ms" % TAU_M,
                               "tau_s": "%r ms" % TAU_S,
                               "vr": "%r mV" % VR, "vt": "%r mV" % VT},
                "variables": {"v": "%r mV" % VR, "s": "0 mV"},
                "equations": ["dv/dt = (vr - v + s) / tau_m",
                              "ds/dt = -s / tau_s"],
                "threshold": "v > vt", "reset": ["v = vr"]}},
        "populations": {"out": {"model": "lif_syn", "size": N,
                                "initial": {"v": {"file": "v0.npy"}}}},
        "sources": {"stim": {"type": "spike_array", "size": N_IN,
                             "file": "stim.csv"}},
        "projections": {
            name: {"pre": pre, "post": "out", "target": "s",
                   "connectivity": {"type": "list", "file": name + ".csv"},
                   "weight": "from_list"}
            for name, pre in (("inp", "stim"), ("rec", "out"))},
        "record": {"spikes": ["out"],
                   "state": [{"population": "out", "variable": "v"}],
                   "format": "npy"},
    }
    if method:
        model["neuron_models"]["lif_syn"]["method"] = method
    path = os.path.join(work, "euler_method.json")
    bc.write_json(path, model)
    return path


def run_snnc(snnc, work, data, method):
    os.makedirs(work, exist_ok=True)
    model = write_model(work, data, method)
    sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
    bc.compile_model(snnc, model, sim)
    bc.run_sim(sim, out)
    return bc.snnc_spikes(out, "out"), np.load(os.path.join(out, "out_v.npy"))


def run_brian2(data):
    stim, inp, rec, v0 = data
    bc.import_brian2()
    from brian2 import (ms, NeuronGroup, SpikeGeneratorGroup, Synapses,
                        SpikeMonitor, StateMonitor, Network, defaultclock)
    defaultclock.dt = DT * ms
    ns = {"tau_m": TAU_M * ms, "tau_s": TAU_S * ms, "vr": VR, "vt": VT}
    out = NeuronGroup(N, """dv/dt = (vr - v + s) / tau_m : 1
                            ds/dt = -s / tau_s : 1""",
                      threshold="v > vt", reset="v = vr", method="euler",
                      namespace=ns, name="out")
    out.v = v0
    gen = SpikeGeneratorGroup(N_IN, stim[0], stim[1] * DT * ms, name="stim")
    objects = [out, gen]
    for name, pre, table in (("inp", gen, inp), ("rec", out, rec)):
        syn = Synapses(pre, out, "w : 1", on_pre="s_post += w", name=name)
        syn.connect(i=[r[0] for r in table], j=[r[1] for r in table])
        syn.w = [r[2] for r in table]
        objects.append(syn)
    spikes = SpikeMonitor(out)
    v = StateMonitor(out, "v", record=True)
    Network(objects + [spikes, v]).run(DURATION * ms)
    return (bc.brian2_spikes(spikes, float(defaultclock.dt_)),
            np.asarray(v.v_).T)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    bc.setup_scratch(args.work)
    data = draw()
    euler = run_snnc(args.snnc, os.path.join(args.work, "euler"), data,
                     "euler")
    default = run_snnc(args.snnc, os.path.join(args.work, "default"), data,
                       None)
    theirs = run_brian2(data)

    def compare(ours):
        first = bc.first_difference(ours[0], theirs[0])
        dv = (float(np.max(np.abs(ours[1] - theirs[1])))
              if ours[1].shape == theirs[1].shape else float("inf"))
        return first, dv

    first, dv = compare(euler)
    print("inputs: %d spikes into %d neurons; output: brian2 %d spikes, "
          "snnc %d spikes" % (len(data[0][0]), N, len(theirs[0][0]),
                              len(euler[0][0])))
    print("method euler: spikes %s, v (%s samples) largest difference "
          "%.3g mV" % ("identical" if first is None else
                       "differ from %.1f ms" % (first * DT),
                       "x".join(map(str, euler[1].shape)), dv))
    dfirst, ddv = compare(default)
    print("no method (exact+euler): spikes %s, v largest difference "
          "%.3g mV" % ("identical" if dfirst is None else
                       "differ from %.1f ms" % (dfirst * DT), ddv))
    ok = first is None and dv <= TOLERANCE and ddv > APART
    print("euler method honoured: %s" % ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
