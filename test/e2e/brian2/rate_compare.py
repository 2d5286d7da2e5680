#!/usr/bin/env python3
"""Mean firing rates of the Vogels-Abbott networks in snnc and in Brian2.

--model cuba: examples/cuba/cuba.json against Brian2's CUBA example
  (current-based exponential synapses, method exact).
--model coba: examples/coba/coba.json against Brian2's version of the COBA
  benchmark (Brette et al. 2007, benchmark 1; conductance-based synapses,
  method exponential_euler, self-sustained activity from random initial
  conductances).

Both networks have 3200 excitatory and 800 inhibitory neurons, p = 0.02
connectivity and random initial conditions. The two simulators draw different
random numbers, so this compares the mean rate over all 4000 neurons for 1 s
(dt 0.1 ms), averaged over the same number of seeds on both sides (one network
realisation per seed), not spikes. The rate of a single realisation varies
by about 4% (CUBA) and 8% (COBA) from seed to seed, hence the averaging.

The test fails when |rate_snnc / rate_brian2 - 1| exceeds --fail (a fraction);
--target is the agreement the summary line reports as "within" or "outside"
(for COBA the 5% target is information only and the test fails beyond 10%).

Brian2 runs with the numpy code-generation target.

Usage: rate_compare.py --model cuba|coba --snnc PATH --json MODEL.json
                       --work DIR [--seeds N] [--target F] [--fail F]
"""
import argparse
import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

DURATION = 1000.0  # ms
N_EXC, N_INH = 3200, 800


def quantity(text):
    """'1.62 mV' -> 1.62 (mV, ms, nS, pF base units); numbers as they are."""
    if isinstance(text, (int, float)):
        return float(text)
    m = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([a-zA-Z]*)\s*", text)
    scale = {"": 1.0, "mV": 1.0, "ms": 1.0, "s": 1000.0, "nS": 1.0,
             "pF": 1.0, "uS": 1000.0}
    if not m or m.group(2) not in scale:
        raise ValueError("cannot read quantity %r" % text)
    return float(m.group(1)) * scale[m.group(2)]


def check_example(path, model):
    """The example file must describe the network the Brian2 side builds."""
    with open(path) as f:
        m = json.load(f)
    problems = []

    def expect(what, got, want):
        if abs(got - want) > 1e-9 * max(1.0, abs(want)):
            problems.append("%s is %g, the Brian2 reference has %g"
                            % (what, got, want))

    pops = m["populations"]
    expect("size of exc", pops["exc"]["size"], N_EXC)
    expect("size of inh", pops["inh"]["size"], N_INH)
    weights = {"cuba": {"exc": 60 * 0.27 / 10, "inh": -20 * 4.5 / 10},
               "coba": {"exc": 6.0, "inh": 67.0}}[model]
    for name, p in m["projections"].items():
        expect("p of " + name, p["connectivity"]["p"], 0.02)
        expect("weight of " + name, quantity(p["weight"]), weights[p["pre"]])
        if p.get("connectivity", {}).get("allow_self", True) is not True:
            problems.append("%s excludes self-connections; Brian2's "
                            "example allows them" % name)
    if model == "cuba":
        params = m["neuron_models"]["cuba_lif"]["parameters"]
        want = {"tau_m": 20, "tau_e": 5, "tau_i": 10, "v_th": -50,
                "v_reset": -60, "E_L": -49}
        for k, v in want.items():
            expect(k, quantity(params[k]), v)
        expect("refractory",
               quantity(m["neuron_models"]["cuba_lif"]["refractory"]), 5)
    for p in problems:
        print("example mismatch: " + p)
    return not problems


def brian2_cuba(b2, seed):
    from brian2 import (ms, mV, NeuronGroup, Synapses, SpikeMonitor, Network,
                        defaultclock)
    b2.seed(seed)
    defaultclock.dt = bc.DT * ms
    ns = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV,
          "Vr": -60 * mV, "El": -49 * mV, "we": (60 * 0.27 / 10) * mV,
          "wi": (-20 * 4.5 / 10) * mV}
    eqs = """
    dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    """
    P = NeuronGroup(N_EXC + N_INH, eqs, threshold="v > Vt", reset="v = Vr",
                    refractory=5 * ms, method="exact", namespace=ns)
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    Ce = Synapses(P, P, on_pre="ge += we", namespace=ns)
    Ci = Synapses(P, P, on_pre="gi += wi", namespace=ns)
    Ce.connect("i < %d" % N_EXC, p=0.02)
    Ci.connect("i >= %d" % N_EXC, p=0.02)
    M = SpikeMonitor(P)
    Network(P, Ce, Ci, M).run(DURATION * ms)
    i = np.asarray(M.i)
    return int(np.sum(i < N_EXC)), int(np.sum(i >= N_EXC))


def brian2_coba(b2, seed):
    from brian2 import (ms, mV, nS, pF, NeuronGroup, Synapses, SpikeMonitor,
                        Network, defaultclock)
    b2.seed(seed)
    defaultclock.dt = bc.DT * ms
    ns = {"Cm": 200 * pF, "gL": 10 * nS, "El": -60 * mV, "Ee": 0 * mV,
          "Ei": -80 * mV, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV,
          "Vr": -60 * mV, "we": 6 * nS, "wi": 67 * nS}
    eqs = """
    dv/dt = (gL * (El - v) + ge * (Ee - v) + gi * (Ei - v)) / Cm : volt (unless refractory)
    dge/dt = -ge / taue : siemens
    dgi/dt = -gi / taui : siemens
    """
    P = NeuronGroup(N_EXC + N_INH, eqs, threshold="v > Vt", reset="v = Vr",
                    refractory=5 * ms, method="exponential_euler",
                    namespace=ns)
    P.v = "-65*mV + 5*mV * randn()"
    P.ge = "40*nS + 15*nS * randn()"
    P.gi = "200*nS + 120*nS * randn()"
    Ce = Synapses(P, P, on_pre="ge += we", namespace=ns)
    Ci = Synapses(P, P, on_pre="gi += wi", namespace=ns)
    Ce.connect("i < %d" % N_EXC, p=0.02)
    Ci.connect("i >= %d" % N_EXC, p=0.02)
    M = SpikeMonitor(P)
    Network(P, Ce, Ci, M).run(DURATION * ms)
    i = np.asarray(M.i)
    return int(np.sum(i < N_EXC)), int(np.sum(i >= N_EXC))


def rates(counts):
    """Mean (all, exc, inh) rates in Hz over a list of (exc, inh) counts."""
    c = np.array(counts, dtype=float)
    seconds = DURATION / 1000.0
    all_ = (c[:, 0] + c[:, 1]) / ((N_EXC + N_INH) * seconds)
    return (float(np.mean(all_)), float(np.mean(c[:, 0]) / (N_EXC * seconds)),
            float(np.mean(c[:, 1]) / (N_INH * seconds)), all_)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["cuba", "coba"], required=True)
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--json", required=True, help="the example model file")
    parser.add_argument("--work", required=True)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--target", type=float, default=0.05)
    parser.add_argument("--fail", type=float, default=0.05)
    args = parser.parse_args()
    bc.setup_scratch(args.work)
    ok = check_example(args.json, args.model)
    seeds = list(range(1, args.seeds + 1))

    sim = os.path.join(args.work, "sim")
    bc.compile_model(args.snnc, args.json, sim)
    ours = []
    t0 = time.time()
    for s in seeds:
        summary = bc.run_sim(sim, os.path.join(args.work, "out%d" % s),
                             "--seed", str(s), "--duration", str(DURATION))
        pops = summary["populations"]
        ours.append((pops["exc"]["spikes"], pops["inh"]["spikes"]))
    t_ours = time.time() - t0

    b2 = bc.import_brian2()
    run = brian2_cuba if args.model == "cuba" else brian2_coba
    theirs = []
    t0 = time.time()
    for s in seeds:
        theirs.append(run(b2, s))
    t_theirs = time.time() - t0

    r_ours, e_ours, i_ours, per_ours = rates(ours)
    r_theirs, e_theirs, i_theirs, per_theirs = rates(theirs)
    ratio = r_ours / r_theirs if r_theirs > 0 else float("inf")
    print("%s: %d seeds of 1 s; per-seed rates (Hz): snnc %s; brian2 %s"
          % (args.model, len(seeds), " ".join("%.2f" % r for r in per_ours),
             " ".join("%.2f" % r for r in per_theirs)))
    print("%s: exc/inh rates (Hz): snnc %.2f/%.2f, brian2 %.2f/%.2f"
          % (args.model, e_ours, i_ours, e_theirs, i_theirs))
    print("%s: wall time: snnc %.1f s, brian2 %.1f s"
          % (args.model, t_ours, t_theirs))
    within = abs(ratio - 1.0) <= args.target
    if abs(ratio - 1.0) > args.fail or r_theirs <= 0:
        ok = False
    print("%s: mean rate snnc %.3f Hz, brian2 %.3f Hz, ratio %.3f "
          "(%s %g%%): %s"
          % (args.model, r_ours, r_theirs, ratio,
             "within" if within else "outside", args.target * 100,
             "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
