#!/usr/bin/env python3
"""A deterministic LIF network in snnc and in Brian2: identical spike trains.

800 excitatory and 200 inhibitory current-based LIF neurons (Vogels-Abbott
CUBA equations plus a constant per-neuron bias current, f64, method exact,
refractory period with the membrane clamped), a spike-source array of 100
neurons, and explicit connectivity from synapse-list files with per-synapse
weights and heterogeneous delays (0.1 to 5 ms on the 0.1 ms grid; 0 to 5 ms
from the stimulus to the inhibitory neurons). Projections target the synaptic
variables ge and gi only (not the clamped v; see refractory_input.py). Initial
voltages, bias currents, synapses and stimulus spikes come from files that
this script generates with numpy from a fixed seed. No random numbers are
drawn during either simulation.

Both simulators follow the same schedule (docs/step-semantics.md), so the
spike trains, as (step, neuron) pairs, must be identical for at least the
first CHECK_MS ms; agreement over the rest of the run is printed as
information. What can legitimately differ is floating-point rounding: Brian2
evaluates the exact propagator from sympy's closed form (in SI units unless
--units mV) and adds each weight to its target variable, while snnc computes
the propagator matrix in extended precision and sums the arrivals of one step
in a ring slot before adding them. These differences are about one ulp; they
can only flip a spike when a membrane potential lands within that of the
threshold, after which the network diverges. (In practice this network
forgets perturbations of 1e-6 mV of all initial voltages, and snnc and Brian2
agree on every spike of the 300 ms.)

Brian2 runs with the numpy code-generation target.

Usage: diff_deterministic.py --snnc PATH --work DIR [--units si|mV]
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

SEED = 20240611
DT = bc.DT
DURATION = 300.0     # ms
CHECK_MS = 200.0     # spike trains must be identical before this time
STEPS = int(round(DURATION / DT))

N = {"exc": 800, "inh": 200}
N_STIM = 100
P_CONNECT = 0.05
P_STIM = 0.1
STIM_RATE = 8.0      # Hz, per stimulus neuron

PARAMS = {"tau_m": 20.0, "tau_e": 5.0, "tau_i": 10.0, "E_L": -60.0,
          "v_th": -50.0, "v_reset": -60.0, "R_m": 0.1}  # ms, mV, GOhm
REFRACTORY = 3.0     # ms
RECORD_V = list(range(8))   # exc neurons whose v is compared (information)


def generate(work):
    """Writes the data files; returns them as arrays for Brian2."""
    rng = np.random.default_rng(SEED)
    data = {"v0": {}, "bias": {}, "proj": {}}
    for pop, n in N.items():
        v0 = rng.uniform(-60.0, -50.0, n)
        bias = rng.uniform(95.0, 120.0, n)          # pA: v_inf in [-50.5, -48] mV
        np.save(os.path.join(work, "v0_%s.npy" % pop), v0)
        np.save(os.path.join(work, "bias_%s.npy" % pop), bias)
        data["v0"][pop] = v0
        data["bias"][pop] = bias

    def synapses(name, pre_n, post_n, p, wlow, whigh, exclude_self, dmin):
        mask = rng.random((pre_n, post_n)) < p
        if exclude_self:
            np.fill_diagonal(mask, False)
        pre, post = np.nonzero(mask)
        order = rng.permutation(len(pre))              # rows in no particular order
        pre, post = pre[order], post[order]
        weight = rng.uniform(wlow, whigh, len(pre))
        delay_steps = rng.integers(dmin, 51, len(pre))  # dmin/10 .. 5.0 ms
        path = os.path.join(work, name + ".csv")
        with open(path, "w") as f:
            f.write("pre,post,weight,delay\n")
            for a, b, w, d in zip(pre, post, weight, delay_steps):
                f.write("%d,%d,%r,%d.%d\n" % (a, b, float(w), d // 10, d % 10))
        data["proj"][name] = (pre, post, weight, delay_steps)

    # name: (pre, post, target, weight range in mV). "si" has delays from 0
    # (delivered in the step of the stimulus spike), the others from 0.1 ms.
    # No projection targets v: see refractory_input.py for that.
    projections = {
        "ee": ("exc", "exc", "ge", 0.3, 0.9),
        "ei": ("exc", "inh", "ge", 0.5, 1.5),
        "ie": ("inh", "exc", "gi", -3.0, -1.0),
        "ii": ("inh", "inh", "gi", -4.0, -2.0),
        "se": ("stim", "exc", "ge", 1.0, 3.0),
        "si": ("stim", "inh", "ge", 0.5, 2.0),
    }
    sizes = dict(N, stim=N_STIM)
    for name, (pre, post, _, lo, hi) in projections.items():
        p = P_STIM if pre == "stim" else P_CONNECT
        synapses(name, sizes[pre], sizes[post], p, lo, hi, pre == post,
                 0 if name == "si" else 1)

    # Stimulus: each source fires at distinct random steps.
    ids, steps = [], []
    for k in range(N_STIM):
        count = rng.poisson(STIM_RATE * DURATION / 1000.0)
        s = np.sort(rng.choice(STEPS, size=count, replace=False))
        ids += [k] * len(s)
        steps += list(s)
    ids, steps = np.array(ids), np.array(steps)
    with open(os.path.join(work, "stim.csv"), "w") as f:
        f.write("neuron,time\n")
        for i, s in zip(ids, steps):
            f.write("%d,%d.%d\n" % (i, s // 10, s % 10))
    data["stim"] = (ids, steps)
    return projections, data


def write_model(work, projections):
    model = {
        "name": "diff_deterministic",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": "f64"},
        "neuron_models": {
            "lif": {
                "parameters": PARAMS,
                "variables": {"v": -60.0, "ge": 0.0, "gi": 0.0},
                "inputs": ["I"],
                "equations": ["dv/dt = (E_L - v + ge + gi + R_m * I) / tau_m",
                              "dge/dt = -ge / tau_e",
                              "dgi/dt = -gi / tau_i"],
                "threshold": "v > v_th",
                "reset": ["v = v_reset"],
                "refractory": REFRACTORY,
                "refractory_clamp": ["v"],
                "method": "exact",
            }
        },
        "populations": {
            pop: {"model": "lif", "size": n,
                  "initial": {"v": {"file": "v0_%s.npy" % pop}}}
            for pop, n in N.items()},
        "sources": {"stim": {"type": "spike_array", "size": N_STIM,
                             "file": "stim.csv"}},
        "currents": {
            "bias_" + pop: {"type": "constant", "target": pop, "variable": "I",
                            "amplitude": {"file": "bias_%s.npy" % pop}}
            for pop in N},
        "projections": {
            name: {"pre": pre, "post": post, "target": target,
                   "connectivity": {"type": "list", "file": name + ".csv"},
                   "weight": "from_list", "delay": "from_list"}
            for name, (pre, post, target, _, _) in projections.items()},
        "record": {"spikes": ["exc", "inh", "stim"],
                   "state": [{"population": "exc", "variable": "v",
                              "neurons": RECORD_V, "every": 1}],
                   "format": "npy"},
    }
    path = os.path.join(work, "diff_deterministic.json")
    bc.write_json(path, model)
    return path


def run_brian2(projections, data, units):
    bc.import_brian2()
    from brian2 import (ms, mV, pA, Mohm, NeuronGroup, SpikeGeneratorGroup,
                        Synapses, SpikeMonitor, StateMonitor, Network,
                        defaultclock)
    defaultclock.dt = DT * ms
    if units == "si":
        # Brian2 as one would write it: physical units, values in SI.
        v_unit, i_unit, t_unit = mV, pA, ms
        ns = {"tau_m": PARAMS["tau_m"] * ms, "tau_e": PARAMS["tau_e"] * ms,
              "tau_i": PARAMS["tau_i"] * ms, "E_L": PARAMS["E_L"] * mV,
              "v_th": PARAMS["v_th"] * mV, "v_reset": PARAMS["v_reset"] * mV,
              "R_m": PARAMS["R_m"] * 1000 * Mohm}
        eqs = """
        dv/dt = (E_L - v + ge + gi + R_m * I) / tau_m : volt (unless refractory)
        dge/dt = -ge / tau_e : volt
        dgi/dt = -gi / tau_i : volt
        I : amp (constant)
        """
        weight_decl = "w : volt"
    else:
        # Same numbers as snnc (mV, pA, ms): dimensionless state.
        v_unit, i_unit, t_unit = 1, 1, ms
        ns = {"tau_m": PARAMS["tau_m"] * ms, "tau_e": PARAMS["tau_e"] * ms,
              "tau_i": PARAMS["tau_i"] * ms, "E_L": PARAMS["E_L"],
              "v_th": PARAMS["v_th"], "v_reset": PARAMS["v_reset"],
              "R_m": PARAMS["R_m"]}
        eqs = """
        dv/dt = (E_L - v + ge + gi + R_m * I) / tau_m : 1 (unless refractory)
        dge/dt = -ge / tau_e : 1
        dgi/dt = -gi / tau_i : 1
        I : 1 (constant)
        """
        weight_decl = "w : 1"
    groups = {}
    for pop, n in N.items():
        g = NeuronGroup(n, eqs, threshold="v > v_th", reset="v = v_reset",
                        refractory=REFRACTORY * ms, method="exact",
                        namespace=ns, name=pop)
        g.v = data["v0"][pop] * v_unit
        g.I = data["bias"][pop] * i_unit
        groups[pop] = g
    ids, steps = data["stim"]
    groups["stim"] = SpikeGeneratorGroup(N_STIM, ids, steps / 10.0 * ms,
                                         name="stim")
    objects = list(groups.values())
    for name, (pre, post, target, _, _) in projections.items():
        i, j, w, d = data["proj"][name]
        s = Synapses(groups[pre], groups[post], weight_decl,
                     on_pre="%s_post += w" % target, name=name)
        s.connect(i=i, j=j)
        s.w = w * v_unit
        s.delay = d / 10.0 * t_unit
        objects.append(s)
    monitors = {pop: SpikeMonitor(groups[pop]) for pop in groups}
    vmon = StateMonitor(groups["exc"], "v", record=RECORD_V)
    net = Network(objects + list(monitors.values()) + [vmon])
    net.run(DURATION * ms)
    dt_s = float(defaultclock.dt_)
    trains = {pop: bc.brian2_spikes(m, dt_s) for pop, m in monitors.items()}
    v = np.asarray(vmon.v_).T   # samples x neurons
    if units == "si":
        v = v * 1000.0          # V -> mV
    return trains, v


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--units", choices=["si", "mV"], default="si",
                        help="units of the Brian2 model (default: SI)")
    args = parser.parse_args()
    bc.setup_scratch(args.work)
    projections, data = generate(args.work)
    model = write_model(args.work, projections)
    sim = os.path.join(args.work, "sim")
    out = os.path.join(args.work, "out")
    bc.compile_model(args.snnc, model, sim)
    bc.run_sim(sim, out)
    ours = {pop: bc.snnc_spikes(out, pop) for pop in list(N) + ["stim"]}
    v_ours = np.load(os.path.join(out, "exc_v.npy"))
    theirs, v_theirs = run_brian2(projections, data, args.units)

    check_step = int(round(CHECK_MS / DT))
    ok = True
    first_all = None
    for pop in list(N) + ["stim"]:
        a, b = ours[pop], theirs[pop]
        first = bc.first_difference(a, b)
        if first is not None:
            first_all = first if first_all is None else min(first_all, first)
        a200 = bc.pairs_before(a, check_step)
        b200 = bc.pairs_before(b, check_step)
        same200 = bc.first_difference(a200, b200) is None
        ok = ok and same200
        print("%s: snnc %d spikes, brian2 %d spikes (%d and %d before %g ms), "
              "first difference: %s"
              % (pop, len(a[0]), len(b[0]), len(a200[0]), len(b200[0]),
                 CHECK_MS,
                 "none" if first is None else "%.1f ms" % (first * DT)))
    for pop, n in N.items():
        print("%s rate: snnc %.2f Hz, brian2 %.2f Hz"
              % (pop, len(ours[pop][0]) / (n * DURATION / 1000.0),
                 len(theirs[pop][0]) / (n * DURATION / 1000.0)))
    # Information: how far the recorded voltages agree before any divergence.
    horizon = check_step if first_all is None else min(first_all, check_step)
    if v_ours.shape == v_theirs.shape:
        dv = np.max(np.abs(v_ours[:horizon] - v_theirs[:horizon]))
        print("max |v_snnc - v_brian2| over %d exc neurons before %.1f ms: "
              "%.3g mV" % (len(RECORD_V), horizon * DT, dv))
    else:
        print("voltage recordings differ in shape: snnc %s, brian2 %s"
              % (v_ours.shape, v_theirs.shape))
        ok = False
    print("spike trains over %g ms: %s" % (
        DURATION, "identical" if first_all is None
        else "first difference at %.1f ms" % (first_all * DT)))
    print("identical spike trains before %g ms (brian2 units %s): %s"
          % (CHECK_MS, args.units, "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
