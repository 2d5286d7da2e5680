#!/usr/bin/env python3
"""Pair STDP with heterogeneous per-synapse delays, in snnc and in Brian2:
identical spike trains and final weights.

A spike-source array `input` of N_IN = 200 inputs (each with its own rate,
uniform in [10, 20) Hz) drives a recurrent population `neuron` of N = 50
conductance-based LIF neurons, Song-Abbott's (song_abbott.py):
dv/dt = (ge * (Ee - v) + El - v) / taum, dge/dt = -ge / taue, ge
dimensionless, threshold v > vt, reset v = vr, exponential Euler on both
sides. Three projections, all with the same additive all-to-all pair STDP
synapse model (event-driven traces, weights clipped to [0, w_max]):

  on_pre:  ge_post += w; apre += a_pre; w = clip(w + apost, 0, w_max)
  on_post: apost += a_post; w = clip(w + apre, 0, w_max)

  input_neuron     input -> neuron, each pair with probability 0.15,
                   w_max 0.16; per-synapse delays from the list, uniform on
                   the grid in [0, 3] ms (0 included: some synapses have no
                   delay);
  neuron_neuron    neuron -> neuron (recurrent, no self-connections), each
                   pair with probability 0.1, w_max 0.04; per-synapse
                   delays as above;
  input_neuron_c   input -> neuron, each pair with probability 0.05,
                   w_max 0.16; the constant delay 1.5 ms (15 steps).

a_pre = 0.05 w_max, a_post = -1.05 a_pre (tau_pre = tau_post = 20 ms).

Every projection's synapses come from a synapse list CSV (snnc:
"connectivity": {"type": "list"}, "initial": {"w": {"from_list": "weight"}}
and, but for the constant one, "delay": {"from_list": "delay"}; Brian2:
connect(i=..., j=...) in the list's order, S.w and S.delay from the same
arrays, delay=1.5*ms in the constructor for the constant one). A (pre, post)
pair occurs at most once per projection; the rows are in a random order
(not sorted by pre), so that snnc's CSR, sorted by pre and stable within a
row, must keep each row's weight and delay with its synapse. Initial
weights are uniform in [0, w_max) of the projection (w_max, a_pre and
a_post are projection parameters: the recurrent synapses have their own).
With this draw the neurons fire at 18 Hz, and 67% to 84% of each
projection's weights move by more than 1% of w_max in 2 s.

Semantics under test (docs/step-semantics.md, step 3; Brian2's defaults): a
spike of pre neuron i at step s reaches a synapse of delay d steps at step
s + d, where its on_pre runs with that synapse's state of that step (traces
advanced from its last event to step s + d); all on_pre (every projection)
run before every on_post of a step. So a pre spike whose post neuron fires
while it is under way meets the post spike's apost, and the weight it adds
to ge is the weight of the arrival step.

Everything is drawn once here with numpy (fixed seed): the input spikes
(for each input a binomial count of distinct steps, p = rate dt), the
synapses, weights and delays; no random numbers during either simulation.
f64, dt = 0.1 ms, 2 s.

Checks: the spike trains of both populations are identical (same steps,
same neurons; the input's too, read back through the spike array); the
synapses of each projection are the list's; the final weights agree within
1e-9 w_max of their projection. That the test means something: the neurons
fire at 1 to 100 Hz on average (in Brian2), and in every projection at
least 10% of the weights moved by more than 1% of w_max (Brian2's).

The checks fail, from the first differing spike on, when Brian2 is
given the recurrent delays one step longer, the constant delay as 1.4 ms,
or plasticity (apre, w) at the spike's emission and ge at its arrival, or
the reverse (separate pathways): each of these is what a wrong snnc would
do (the neurons' spikes differ within 90 ms, weights by 0.3 to 0.8 w_max).

Brian2 runs with the numpy code-generation target. Run time: about 6 s
(5 s of it Brian2's 20,000 steps, on one core of an AMD EPYC), plus snnc's
compile and run (0.3 s).

Usage: stdp_delays.py --snnc PATH --work DIR [--skip-snnc] [--duration MS]
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

SEED = 2024
DT = bc.DT
DURATION = 2000.0               # ms (--duration)

N_IN, N = 200, 50
RATE = (10.0, 20.0)             # Hz, uniform per input
TAUM, TAUE = 10.0, 5.0          # ms
TAUPRE = TAUPOST = 20.0         # ms
EE, VT, VR, EL = 0.0, -54.0, -60.0, -74.0   # mV
DAPRE = 0.05                    # of w_max per pairing
DAPOST = -DAPRE * TAUPRE / TAUPOST * 1.05
MAX_DELAY = 30                  # steps (3 ms)
CONST_DELAY = 15                # steps (1.5 ms)
TOLERANCE = 1e-9                # of w_max
MOVED = 0.01                    # "moved": by more than 1% of w_max
MIN_MOVED = 0.1                 # fraction of synapses that must have moved
RATE_RANGE = (1.0, 100.0)       # Hz, mean rate of `neuron` (Brian2)

# name: (pre, probability, w_max, per-synapse delays?); in the model's order
PROJECTIONS = {
    "input_neuron": ("input", 0.15, 0.16, True),
    "neuron_neuron": ("neuron", 0.1, 0.04, True),
    "input_neuron_c": ("input", 0.05, 0.16, False),
}


def pre_size(pre):
    return N_IN if pre == "input" else N


def generate(work, duration):
    """Input spikes (input.csv) and the synapse lists (<projection>.csv);
    returns the input spikes and, per projection, (pre, post, w0, delay
    steps or None) in the lists' order."""
    rng = np.random.default_rng(SEED)
    n_steps = int(round(duration / DT))
    rates = rng.uniform(RATE[0], RATE[1], N_IN)
    ids, steps = [], []
    for k in range(N_IN):
        p = rates[k] * DT / 1000.0
        s = np.sort(rng.choice(n_steps, size=rng.binomial(n_steps, p),
                               replace=False))
        ids.append(np.full(len(s), k))
        steps.append(s)
    ids, steps = np.concatenate(ids), np.concatenate(steps)
    order = np.lexsort((ids, steps))
    ids, steps = ids[order], steps[order]
    with open(os.path.join(work, "input.csv"), "w") as f:
        f.write("neuron,time\n")
        f.writelines("%d,%d.%d\n" % (i, s // 10, s % 10)
                     for i, s in zip(ids.tolist(), steps.tolist()))
    lists = {}
    for name, (pre_pop, prob, w_max, per_synapse) in PROJECTIONS.items():
        npre = pre_size(pre_pop)
        mask = rng.random((npre, N)) < prob
        if pre_pop == "neuron":
            np.fill_diagonal(mask, False)
        pre, post = np.nonzero(mask)          # each pair once
        perm = rng.permutation(len(pre))      # rows in a random order
        pre, post = pre[perm], post[perm]
        w0 = rng.uniform(0.0, w_max, len(pre))
        delay = (rng.integers(0, MAX_DELAY + 1, len(pre)) if per_synapse
                 else None)
        with open(os.path.join(work, name + ".csv"), "w") as f:
            f.write("pre,post,weight%s\n" % (",delay" if per_synapse else ""))
            for k in range(len(pre)):
                f.write("%d,%d,%r" % (pre[k], post[k], float(w0[k])))
                if per_synapse:
                    d = int(delay[k])
                    f.write(",%d.%d" % (d // 10, d % 10))
                f.write("\n")
        lists[name] = (pre, post, w0, delay)
    return ids, steps, lists


def write_model(work, duration):
    projections = {}
    for name, (pre_pop, _, w_max, per_synapse) in PROJECTIONS.items():
        projections[name] = {
            "pre": pre_pop, "post": "neuron", "synapse": "stdp",
            "connectivity": {"type": "list", "file": name + ".csv"},
            "parameters": {"w_max": w_max, "a_pre": DAPRE * w_max,
                           "a_post": DAPOST * w_max},
            "initial": {"w": {"from_list": "weight"}},
            "delay": ({"from_list": "delay"} if per_synapse
                      else "%d.%d ms" % (CONST_DELAY // 10,
                                         CONST_DELAY % 10)),
        }
    model = {
        "name": "stdp_delays",
        "simulation": {"dt": DT, "duration": duration, "seed": 1,
                       "precision": "f64"},
        "neuron_models": {
            "song_lif": {
                "parameters": {"taum": "%r ms" % TAUM, "taue": "%r ms" % TAUE,
                               "Ee": "%r mV" % EE, "vt": "%r mV" % VT,
                               "vr": "%r mV" % VR, "El": "%r mV" % EL},
                "variables": {"v": "%r mV" % VR, "ge": 0},
                "equations": ["dv/dt = (ge * (Ee - v) + El - v) / taum",
                              "dge/dt = -ge / taue"],
                "threshold": "v > vt",
                "reset": ["v = vr"],
                "method": "exponential_euler",
            }
        },
        "synapse_models": {
            "stdp": {
                "parameters": {"tau_pre": "%r ms" % TAUPRE,
                               "tau_post": "%r ms" % TAUPOST,
                               "w_max": 1.0, "a_pre": DAPRE,
                               "a_post": DAPOST},
                "variables": {"w": 0, "apre": 0, "apost": 0},
                "weight": "w",
                "equations": ["dapre/dt = -apre / tau_pre (event-driven)",
                              "dapost/dt = -apost / tau_post (event-driven)"],
                "on_pre": ["ge_post += w", "apre += a_pre",
                           "w = clip(w + apost, 0, w_max)"],
                "on_post": ["apost += a_post",
                            "w = clip(w + apre, 0, w_max)"],
            }
        },
        "populations": {"neuron": {"model": "song_lif", "size": N}},
        "sources": {"input": {"type": "spike_array", "size": N_IN,
                              "file": "input.csv"}},
        "projections": projections,
        "record": {"spikes": ["input", "neuron"],
                   "weights": list(PROJECTIONS), "format": "npy"},
    }
    path = os.path.join(work, "stdp_delays.json")
    bc.write_json(path, model)
    return path


def keyed(pre, post, w):
    """Weights sorted by (pre, post), and the sorted keys."""
    key = np.asarray(pre, dtype=np.int64) * N + np.asarray(post, np.int64)
    order = np.argsort(key, kind="stable")
    return key[order], np.asarray(w, dtype=np.float64)[order]


def run_snnc(snnc, work, model, lists):
    """Spike trains {population: (steps, neurons)} and final weights
    {projection: weights sorted by (pre, post)} of snnc."""
    sim = os.path.join(work, "sim")
    out = os.path.join(work, "out")
    bc.compile_model(snnc, model, sim)
    bc.run_sim(sim, out)
    weights = {}
    for name in PROJECTIONS:
        pre = np.load(os.path.join(out, name + "_weights_pre.npy"))
        post = np.load(os.path.join(out, name + "_weights_post.npy"))
        w = np.load(os.path.join(out, name + "_weights.npy"))
        key, w = keyed(pre, post, w)
        want, _ = keyed(lists[name][0], lists[name][1], lists[name][2])
        if len(key) != len(want) or np.any(key != want):
            print("%s: snnc recorded %d synapses, not the list's %d"
                  % (name, len(key), len(want)))
            sys.exit(1)
        weights[name] = w
    spikes = {pop: bc.snnc_spikes(out, pop) for pop in ("input", "neuron")}
    return spikes, weights


def run_brian2(ids, steps, lists, duration):
    """Spike trains and final weights (sorted by (pre, post)) of Brian2."""
    bc.import_brian2()
    from brian2 import (ms, mV, NeuronGroup, SpikeGeneratorGroup, Synapses,
                        SpikeMonitor, Network, defaultclock)
    defaultclock.dt = DT * ms
    ns = {"taum": TAUM * ms, "taue": TAUE * ms, "Ee": EE * mV, "vt": VT * mV,
          "vr": VR * mV, "El": EL * mV, "tau_pre": TAUPRE * ms,
          "tau_post": TAUPOST * ms}
    inputs = SpikeGeneratorGroup(N_IN, ids, steps * DT * ms, name="input")
    neurons = NeuronGroup(N, """
        dv/dt = (ge * (Ee - v) + El - v) / taum : volt
        dge/dt = -ge / taue : 1
        """, threshold="v > vt", reset="v = vr",
        method="exponential_euler", namespace=ns, name="neuron")
    neurons.v = VR * mV
    groups = {"input": inputs, "neuron": neurons}
    synapses = {}
    for name, (pre_pop, _, w_max, per_synapse) in PROJECTIONS.items():
        sns = dict(ns, w_max=w_max, a_pre=DAPRE * w_max,
                   a_post=DAPOST * w_max)
        extra = {} if per_synapse else {"delay": CONST_DELAY * DT * ms}
        S = Synapses(groups[pre_pop], neurons,
                     """w : 1
                        dapre/dt = -apre / tau_pre : 1 (event-driven)
                        dapost/dt = -apost / tau_post : 1 (event-driven)""",
                     on_pre="""ge_post += w
                               apre += a_pre
                               w = clip(w + apost, 0, w_max)""",
                     on_post="""apost += a_post
                                w = clip(w + apre, 0, w_max)""",
                     namespace=sns, name=name, **extra)
        pre, post, w0, delay = lists[name]
        S.connect(i=pre, j=post)
        S.w = w0
        if per_synapse:
            S.delay = delay * DT * ms
        synapses[name] = S
    monitors = {pop: SpikeMonitor(g) for pop, g in groups.items()}
    Network(inputs, neurons, *synapses.values(),
            *monitors.values()).run(duration * ms)
    dt_s = float(defaultclock.dt_)
    spikes = {pop: bc.brian2_spikes(m, dt_s) for pop, m in monitors.items()}
    weights = {}
    for name, S in synapses.items():
        i, j = np.asarray(S.i), np.asarray(S.j)
        if np.any(i != lists[name][0]) or np.any(j != lists[name][1]):
            print("%s: Brian2's synapses are not in the list's order" % name)
            sys.exit(1)
        weights[name] = keyed(i, j, np.asarray(S.w))[1]
    return spikes, weights


def describe_difference(pop, ours, theirs, first):
    """The spikes of both sides in the first step at which they differ."""
    def at(train):
        s, n = train
        return sorted(n[s == first].tolist())
    print("%s: spikes differ from step %d (%.1f ms): snnc %s, brian2 %s"
          % (pop, first, first * DT, at(ours), at(theirs)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc")
    parser.add_argument("--work", required=True)
    parser.add_argument("--skip-snnc", action="store_true",
                        help="run the Brian2 side only")
    parser.add_argument("--duration", type=float, default=DURATION,
                        help="simulated time in ms (default %(default)s)")
    args = parser.parse_args()
    if not args.skip_snnc and not args.snnc:
        parser.error("--snnc is required unless --skip-snnc is given")
    bc.setup_scratch(args.work)
    t0 = time.time()
    seconds = args.duration / 1000.0
    ids, steps, lists = generate(args.work, args.duration)
    print("inputs: %d spikes in %g s (%.2f Hz per input)"
          % (len(ids), seconds, len(ids) / (N_IN * seconds)))
    for name, (pre, _, w0, delay) in lists.items():
        if delay is None:
            text = "constant delay %.1f ms" % (CONST_DELAY * DT)
        else:
            text = "delays %.1f to %.1f ms, %d of 0 ms" % (
                delay.min() * DT, delay.max() * DT, int(np.sum(delay == 0)))
        print("%s: %d synapses, %s" % (name, len(pre), text))
    model = write_model(args.work, args.duration)   # also with --skip-snnc
    ours = None
    if not args.skip_snnc:
        t1 = time.time()
        ours = run_snnc(args.snnc, args.work, model, lists)
        t_ours = time.time() - t1
    t1 = time.time()
    theirs = run_brian2(ids, steps, lists, args.duration)
    t_theirs = time.time() - t1

    ok = True
    # The inputs Brian2 emitted are the drawn ones.
    first = bc.first_difference(theirs[0]["input"], (steps, ids))
    if first is not None:
        print("input: Brian2's spikes are not the drawn ones from step %d"
              % first)
        ok = False
    for pop in ("input", "neuron"):
        size = N_IN if pop == "input" else N
        n_theirs = len(theirs[0][pop][0])
        print("%s: brian2 %d spikes (%.2f Hz), snnc %s"
              % (pop, n_theirs, n_theirs / (size * seconds),
                 "skipped" if ours is None
                 else "%d spikes" % len(ours[0][pop][0])))
    rate = len(theirs[0]["neuron"][0]) / (N * seconds)
    if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
        print("neuron: brian2's mean rate %.2f Hz is outside [%g, %g] Hz: "
              "the test would not mean much" % ((rate,) + RATE_RANGE))
        ok = False
    for name, (_, _, w0, _) in lists.items():
        w_max = PROJECTIONS[name][2]
        _, w0s = keyed(lists[name][0], lists[name][1], w0)
        moved = np.abs(theirs[1][name] - w0s) > MOVED * w_max
        at_bounds = ((theirs[1][name] == 0.0)
                     | (theirs[1][name] == w_max))
        print("%s weights (brian2): %d of %d moved by more than 1%% of w_max, "
              "%d at 0 or w_max" % (name, int(np.sum(moved)), len(moved),
                                     int(np.sum(at_bounds))))
        if np.mean(moved) < MIN_MOVED:
            print("%s: fewer than %g%% of the weights moved: the test would "
                  "not mean much" % (name, 100 * MIN_MOVED))
            ok = False
    if ours is None:
        print("wall time: brian2 %.1f s, in all %.1f s"
              % (t_theirs, time.time() - t0))
        print("stdp-delays (brian2 only): %s" % ("OK" if ok else "FAILED"))
        sys.exit(0 if ok else 1)

    identical = True
    for pop in ("input", "neuron"):
        first = bc.first_difference(ours[0][pop], theirs[0][pop])
        if first is not None:
            describe_difference(pop, ours[0][pop], theirs[0][pop], first)
            identical = False
    ok &= identical
    print("spikes %s" % ("identical" if identical else "differ"))
    worst = 0.0
    for name, (pre, post, _, delay) in lists.items():
        w_max = PROJECTIONS[name][2]
        err = np.abs(ours[1][name] - theirs[1][name]) / w_max
        diff = float(np.max(err)) if len(err) else 0.0
        worst = max(worst, diff)
        print("%s: largest weight difference %.3g w_max" % (name, diff))
        if diff > TOLERANCE:
            ok = False
            key, _ = keyed(pre, post, pre)
            bad = np.nonzero(err > TOLERANCE)[0]
            k = int(np.argmax(err))
            a, b = divmod(int(key[k]), N)
            row = int(np.nonzero((pre == a) & (post == b))[0][0])
            print("  %d weights differ by more than %g w_max; the largest at "
                  "synapse %d -> %d (list row %d, delay %s): snnc %r, "
                  "brian2 %r" % (len(bad), TOLERANCE, a, b, row,
                                 "%.1f ms" % ((CONST_DELAY if delay is None
                                               else delay[row]) * DT),
                                 float(ours[1][name][k]),
                                 float(theirs[1][name][k])))
    print("wall time: snnc %.1f s (compile and run), brian2 %.1f s"
          % (t_ours, t_theirs))
    print("stdp-delays: spikes %s, largest weight difference %.3g w_max: %s"
          % ("identical" if identical else "differ", worst,
             "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
