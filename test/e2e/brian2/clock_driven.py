#!/usr/bin/env python3
"""Clock-driven synapse equations in snnc and in Brian2, deterministic.

N_IN spike-array inputs (drawn once with numpy) onto N_OUT conductance-based
LIF neurons (exponential Euler) through two all-to-all projections whose
synapse models integrate a clock-driven equation every step:

  decay    dw/dt = (w0 - w) / tau_w (clock-driven), on_pre: ge += w,
           w = clip(w + a, 0, w_max): each spike potentiates, the weight
           relaxes to w0 in between; integrated exactly (A and B constant:
           "method": "exact" in snnc, method='exact' in Brian2)
  voltage  dx/dt = (v_post - El - x) / tau_x (clock-driven), on_pre:
           ge += wx * (1 + k x): each synapse low-pass filters its post
           neuron's depolarisation, which scales what a spike adds; it
           reads a neuron's variable, so it is integrated with forward
           Euler on both sides ("method": "euler", method='euler')

Brian2 integrates the synapses after the neurons (both in the 'groups'
slot; the neuron group comes first), so x reads v as this step's update
left it, before thresholds and resets; snnc runs snn.clock_synapses after
the updates and before the propagation (docs/step-semantics.md).

Checks: identical output spikes, and the final w and x of every synapse
within 1e-9 of their scale (w_max; the largest |x|).

Usage: clock_driven.py --snnc PATH --work DIR
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

SEED = 77
DT = bc.DT
DURATION = 1000.0               # ms
N_IN, N_OUT = 40, 8
F = 20.0                        # Hz
TAUM, TAUE = 10.0, 5.0          # ms
EE, VT, VR, EL = 0.0, -54.0, -60.0, -74.0   # mV
W0, W_MAX, A, TAU_W = 0.04, 0.12, 0.01, 50.0
TAU_X, W_X, K = 20.0, 0.02, 0.02
TOLERANCE = 1e-9


def generate(work):
    rng = np.random.default_rng(SEED)
    n_steps = int(round(DURATION / DT))
    p = F * DT / 1000.0
    ids, steps = [], []
    for k in range(N_IN):
        s = np.sort(rng.choice(n_steps, size=rng.binomial(n_steps, p),
                               replace=False))
        ids.append(np.full(len(s), k))
        steps.append(s)
    ids, steps = np.concatenate(ids), np.concatenate(steps)
    order = np.lexsort((ids, steps))
    ids, steps = ids[order], steps[order]
    with open(os.path.join(work, "stim.csv"), "w") as f:
        f.write("neuron,time\n")
        f.writelines("%d,%d.%d\n" % (i, s // 10, s % 10)
                     for i, s in zip(ids.tolist(), steps.tolist()))
    return ids, steps


def write_model(work):
    model = {
        "name": "clock_driven",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": "f64"},
        "neuron_models": {"lif": {
            "parameters": {"taum": "%r ms" % TAUM, "taue": "%r ms" % TAUE,
                           "Ee": "%r mV" % EE, "vt": "%r mV" % VT,
                           "vr": "%r mV" % VR, "El": "%r mV" % EL},
            "variables": {"v": "%r mV" % VR, "ge": 0},
            "equations": ["dv/dt = (ge * (Ee - v) + El - v) / taum",
                          "dge/dt = -ge / taue"],
            "threshold": "v > vt", "reset": ["v = vr"],
            "method": "exponential_euler"}},
        "synapse_models": {
            "decay": {
                "parameters": {"w0": W0, "w_max": W_MAX, "a": A,
                               "tau_w": "%r ms" % TAU_W},
                "variables": {"w": W0},
                "equations": ["dw/dt = (w0 - w) / tau_w (clock-driven)"],
                "on_pre": ["ge_post += w", "w = clip(w + a, 0, w_max)"]},
            "voltage": {
                "parameters": {"El": "%r mV" % EL,
                               "tau_x": "%r ms" % TAU_X, "wx": W_X,
                               "k": K},
                "variables": {"w": W_X, "x": 0},
                "equations": ["dx/dt = (v_post - El - x) / tau_x "
                              "(clock-driven)"],
                "method": "euler",
                "on_pre": ["ge_post += wx * (1 + k * x)"]}},
        "populations": {"out": {"model": "lif", "size": N_OUT}},
        "sources": {"inp": {"type": "spike_array", "size": N_IN,
                            "file": "stim.csv"}},
        "projections": {
            "d": {"pre": "inp", "post": "out", "synapse": "decay",
                  "connectivity": "all_to_all"},
            "x": {"pre": "inp", "post": "out", "synapse": "voltage",
                  "connectivity": "all_to_all"}},
        "record": {"spikes": ["out"],
                   "synapses": {"d": ["w"], "x": ["x"]}, "format": "npy"},
    }
    path = os.path.join(work, "clock_driven.json")
    bc.write_json(path, model)
    return path


def run_snnc(snnc, work, model):
    sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
    bc.compile_model(snnc, model, sim)
    bc.run_sim(sim, out)

    def state(p, var):
        pre = np.load(os.path.join(out, "%s_state_pre.npy" % p))
        post = np.load(os.path.join(out, "%s_state_post.npy" % p))
        values = np.load(os.path.join(out, "%s_state_%s.npy" % (p, var)))
        m = np.empty((N_IN, N_OUT))
        m[pre, post] = values
        return m
    return bc.snnc_spikes(out, "out"), state("d", "w"), state("x", "x")


def run_brian2(ids, steps):
    bc.import_brian2()
    from brian2 import (ms, mV, NeuronGroup, SpikeGeneratorGroup, Synapses,
                        SpikeMonitor, Network, defaultclock)
    defaultclock.dt = DT * ms
    ns = {"taum": TAUM * ms, "taue": TAUE * ms, "Ee": EE * mV,
          "vt": VT * mV, "vr": VR * mV, "El": EL * mV, "w0": W0,
          "w_max": W_MAX, "a": A, "tau_w": TAU_W * ms,
          "tau_x": TAU_X * ms, "wx": W_X, "k": K}
    inputs = SpikeGeneratorGroup(N_IN, ids, steps * DT * ms)
    neurons = NeuronGroup(N_OUT, """
        dv/dt = (ge * (Ee - v) + El - v) / taum : volt
        dge/dt = -ge / taue : 1
        """, threshold="v > vt", reset="v = vr",
        method="exponential_euler", namespace=ns)
    neurons.v = VR * mV
    decay = Synapses(inputs, neurons,
                     "dw/dt = (w0 - w) / tau_w : 1 (clock-driven)",
                     on_pre="ge += w\nw = clip(w + a, 0, w_max)",
                     method="exact", namespace=ns)
    decay.connect()
    decay.w = W0
    voltage = Synapses(inputs, neurons,
                       "dx/dt = (v_post - El - x) / tau_x : volt "
                       "(clock-driven)",
                       on_pre="ge += wx * (1 + k * x / mV)",
                       method="euler", namespace=ns)
    voltage.connect()
    mon = SpikeMonitor(neurons)
    Network(inputs, neurons, decay, voltage, mon).run(DURATION * ms)

    def matrix(S, values):
        m = np.empty((N_IN, N_OUT))
        m[np.asarray(S.i), np.asarray(S.j)] = values
        return m
    return (bc.brian2_spikes(mon, float(defaultclock.dt_)),
            matrix(decay, np.asarray(decay.w)),
            matrix(voltage, np.asarray(voltage.x_) * 1000.0))  # mV


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    bc.setup_scratch(args.work)
    ids, steps = generate(args.work)
    model = write_model(args.work)
    ours = run_snnc(args.snnc, args.work, model)
    theirs = run_brian2(ids, steps)
    first = bc.first_difference(ours[0], theirs[0])
    print("inputs: %d spikes; output: brian2 %d spikes, snnc %d spikes"
          % (len(ids), len(theirs[0][0]), len(ours[0][0])))
    ok = first is None
    dw = float(np.max(np.abs(ours[1] - theirs[1]))) / W_MAX
    scale = max(float(np.max(np.abs(theirs[2]))), 1e-300)
    dx = float(np.max(np.abs(ours[2] - theirs[2]))) / scale
    print("decay (exact): final w from %.4f to %.4f, largest difference "
          "%.3g w_max" % (float(ours[1].min()), float(ours[1].max()), dw))
    print("voltage (euler): final x from %.4f to %.4f mV, largest "
          "difference %.3g of the largest |x|" % (float(ours[2].min()),
                                                   float(ours[2].max()), dx))
    ok &= dw <= TOLERANCE and dx <= TOLERANCE
    print("clock-driven: spikes %s: %s" % (
        "identical" if first is None else "differ from %.1f ms" % (first * DT),
        "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
