#!/usr/bin/env python3
"""The built-in synaptic_scaling synapse model against its closed form.

Two presynaptic neurons (a spike-source array, one spike each) onto two
post neurons forced to spike at chosen steps (a drive one step before each:
docs/step-semantics.md), through synaptic_scaling (target T spikes per
second, eta): its periodic statements run at the start of steps 0, 10000,
20000, ... (every 1 s, before the update) and scale each synapse's weight by
1 + eta (T - n) / T, n being its post neuron's spikes since the last run (0
at step 0), clipped to [0, w_max]; then n restarts. So the final weight of
a synapse onto post neuron j is w0 times those factors, period by period.
snnc's final weights (record.weights) must equal it within 1e-12 relative,
and the scaling must have both strengthened and weakened synapses. The
synapses' final n_post and w (record.synapses) must be the spikes of the
last, partial period and the recorded weights.

Usage: synaptic_scaling.py --snnc PATH --work DIR
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

DT = 0.1
STEPS = 35000                 # 3.5 s: runs at steps 0, 10000, 20000, 30000
PERIOD = 10000
TARGET, ETA, W_MAX, W0 = 10.0, 0.05, 5.0, 1.0
# Post spike counts per period (1 s) for each post neuron: below, above
# and at the target, then some after the last run (not counted).
# Post neuron 0's spikes of a period start at its first step (a spike at
# step 10000 counts for the run at step 20000), post neuron 1's end at its
# last step (a spike at step 9999 counts for the run at step 10000).
COUNTS = [[4, 16, 10, 3], [25, 2, 14, 7]]


def post_steps(j):
    steps = []
    for period, n in enumerate(COUNTS[j]):
        last_period = (period + 1) * PERIOD > STEPS  # after the last run
        if j == 0:
            first = period * PERIOD + (50 if period == 0 else 0)
        elif last_period:
            first = period * PERIOD + 50
        else:
            first = (period + 1) * PERIOD - 1 - 300 * (n - 1)
        steps += [first + 300 * k for k in range(n)]
    return steps


def write(work):
    drive = [(j, s - 1) for j in range(2) for s in post_steps(j)]
    with open(os.path.join(work, "drive.csv"), "w") as f:
        f.write("neuron,time\n")
        for j, s in drive:
            f.write("%d,%d.%d\n" % (j, s // 10, s % 10))
    with open(os.path.join(work, "pre.csv"), "w") as f:
        f.write("neuron,time\n0,1.0\n1,2.0\n")
    model = {
        "simulation": {"dt": DT, "duration": STEPS * DT},
        "neuron_models": {"forced": {"variables": {"x": 0, "g": 0},
                                     "threshold": "x > 0.5",
                                     "reset": ["x -= 1"]}},
        "populations": {"post": {"model": "forced", "size": 2}},
        "sources": {
            "pre": {"type": "spike_array", "size": 2, "file": "pre.csv"},
            "drive": {"type": "spike_array", "size": 2,
                      "file": "drive.csv"}},
        "projections": {
            "drive_post": {"pre": "drive", "post": "post", "target": "x",
                           "weight": 1, "connectivity": "one_to_one"},
            "scaled": {"pre": "pre", "post": "post",
                       "synapse": "synaptic_scaling", "target": "g",
                       "connectivity": "all_to_all",
                       "parameters": {"target": TARGET, "eta": ETA,
                                      "w_max": W_MAX},
                       "initial": {"w": W0}}},
        "record": {"spikes": ["post"], "weights": ["scaled"],
                   "synapses": {"scaled": ["n_post", "w"]}},
    }
    path = os.path.join(work, "scaling.json")
    with open(path, "w") as f:
        json.dump(model, f)
    return path


def closed_form(j):
    w = W0
    for run in range(0, STEPS, PERIOD):
        period = run // PERIOD
        n = 0 if period == 0 else COUNTS[j][period - 1]
        w = min(max(w * (1 + ETA * (TARGET - n) / TARGET), 0.0), W_MAX)
    return w


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    model = write(args.work)
    sim, out = os.path.join(args.work, "sim"), os.path.join(args.work, "out")
    subprocess.run([args.snnc, model, "-o", sim], check=True)
    subprocess.run([sim, "--out", out, "--quiet"], check=True)
    t = np.load(os.path.join(out, "post_spikes_t.npy"))
    i = np.load(os.path.join(out, "post_spikes_i.npy"))
    ok = True
    for j in range(2):
        got = sorted(int(round(x / DT)) for x, k in zip(t, i) if k == j)
        if got != post_steps(j):
            print("post %d spiked at %s, expected %s" % (j, got[:5],
                                                        post_steps(j)[:5]))
            ok = False
    pre = np.load(os.path.join(out, "scaled_weights_pre.npy"))
    post = np.load(os.path.join(out, "scaled_weights_post.npy"))
    w = np.load(os.path.join(out, "scaled_weights.npy"))
    worst = 0.0
    for a, b, x in zip(pre, post, w):
        want = closed_form(int(b))
        worst = max(worst, abs(x - want) / want)
        print("synapse %d->%d: snnc %.15f, closed form %.15f" % (a, b, x, want))
    # record.synapses: n_post counts the post spikes since the last run
    # (those of the last, partial period), w is the recorded weight.
    s_pre = np.load(os.path.join(out, "scaled_state_pre.npy"))
    s_post = np.load(os.path.join(out, "scaled_state_post.npy"))
    n_post = np.load(os.path.join(out, "scaled_state_n_post.npy"))
    s_w = np.load(os.path.join(out, "scaled_state_w.npy"))
    state_ok = (np.array_equal(s_pre, pre) and np.array_equal(s_post, post)
                and np.array_equal(s_w, w) and
                all(n == COUNTS[int(b)][-1] for b, n in zip(post, n_post)))
    print("recorded state: n_post %s (expected %s), weights %s: %s" % (
        [int(x) for x in n_post], [COUNTS[int(b)][-1] for b in post],
        "as record.weights" if np.array_equal(s_w, w) else "DIFFERENT",
        "OK" if state_ok else "FAILED"))
    ok &= state_ok
    moved = {round(closed_form(j) / W0, 6) > 1 for j in range(2)}
    ok &= worst <= 1e-12 and moved == {True, False}
    print("synaptic scaling: largest relative difference %.2g: %s"
          % (worst, "OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
