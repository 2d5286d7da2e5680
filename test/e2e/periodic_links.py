#!/usr/bin/env python3
"""Periodic statements of a synapse model reading links and presynaptic
variables, against their closed form.

A synapse model whose only change is periodic (every 10 ms, at the start of
the step, before the update):

    w = w + M * x_pre + T

M a link to a population of size 1 (`mod.M`), T a link to a population of
the post population's size (`teach.T`, each post neuron its own), x the
presynaptic neuron's variable. None of them has an equation: each changes
only by spikes of spike arrays through projections (delay 0: added in the
step of the spike, after the update). The statements read every one of them
as the previous step left it (docs/step-semantics.md): the runs at steps 0,
100, 200, ... see the initial values plus the kicks of the steps before
theirs, so a kick at step 99 counts at step 100 and one at step 100 only at
step 200. The final weights (record.weights) must equal the closed form
within 1e-12 (relative), for every thread count given.

Usage: periodic_links.py --snnc PATH --work DIR [--threads 1,2 | --threads none]
(none: a simulator without --threads, such as a CUDA one, run once)
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

DT = 0.1
STEPS = 1050                  # runs at steps 0, 100, ..., 1000
PERIOD = 100
NPRE, NPOST = 3, 2
M0, X0, T0, W0 = 0.5, [1.0, 2.0, -1.0], [0.25, -0.5], 1.0
# kicks: (neuron, step, amount): a spike array per target variable, one
# projection per amount (weights are per projection here).
M_KICKS = [(0, 99, 0.25), (0, 100, 0.25), (0, 450, 0.5), (0, 999, -1.0)]
X_KICKS = [(0, 0, 1.0), (1, 99, 1.0), (2, 300, 1.0), (2, 301, 1.0),
           (1, 1000, 1.0)]
T_KICKS = [(1, 150, 0.5), (0, 199, 0.5), (1, 700, 0.5)]


def value_at(initial, kicks, neuron, step):
    """The variable as the step before `step` left it."""
    return initial + sum(a for j, s, a in kicks if j == neuron and s < step)


def closed_form(i, j):
    w = W0
    for s in range(0, STEPS, PERIOD):
        m = value_at(M0, M_KICKS, 0, s)
        x = value_at(X0[i], X_KICKS, i, s)
        t = value_at(T0[j], T_KICKS, j, s)
        w = w + m * x + t
    return w


def spike_file(work, name, kicks):
    path = os.path.join(work, name + ".csv")
    with open(path, "w") as f:
        f.write("neuron,time\n")
        for j, s, _ in sorted(kicks, key=lambda k: (k[1], k[0])):
            f.write("%d,%d.%d\n" % (j, s // 10, s % 10))
    return os.path.basename(path)


def write(work):
    still = {"threshold": "x > 1000", "reset": ["x = 0"]}
    model = {
        "simulation": {"dt": DT, "duration": STEPS * DT},
        "neuron_models": {
            "held": dict(still, variables={"x": 0}),
            "forced": {"variables": {"g": 0}, "threshold": "g > 1000",
                       "reset": ["g = 0"]},
        },
        "synapse_models": {
            "gated": {"variables": {"w": W0}, "links": ["M", "T"],
                      "on_pre": ["g_post += w"],
                      "periodic": [{"every": "%g ms" % (PERIOD * DT),
                                    "statements": [
                                        "w = w + M * x_pre + T"]}]}},
        "populations": {
            "mod": {"model": "held", "size": 1, "initial": {"x": M0}},
            "teach": {"model": "held", "size": NPOST,
                      "initial": {"x": {"file": "t0.csv", "column": "x"}}},
            "src": {"model": "held", "size": NPRE,
                    "initial": {"x": {"file": "x0.csv", "column": "x"}}},
            "post": {"model": "forced", "size": NPOST},
        },
        "sources": {},
        "projections": {
            "p": {"pre": "src", "post": "post", "synapse": "gated",
                  "connectivity": "all_to_all",
                  "links": {"M": "mod.x", "T": "teach.x"}}},
        "record": {"weights": ["p"]},
    }
    for name, values in (("t0", T0), ("x0", X0)):
        with open(os.path.join(work, name + ".csv"), "w") as f:
            f.write("x\n" + "".join("%r\n" % v for v in values))
    for name, pop, kicks in (("m", "mod", M_KICKS), ("xk", "src", X_KICKS),
                             ("tk", "teach", T_KICKS)):
        for a in sorted({k[2] for k in kicks}):
            chosen = [k for k in kicks if k[2] == a]
            src = "%s_%s" % (name, ("%g" % a).replace("-", "m").replace(
                ".", "p"))
            size = {"mod": 1, "src": NPRE, "teach": NPOST}[pop]
            model["sources"][src] = {"type": "spike_array", "size": size,
                                     "file": spike_file(work, src, chosen)}
            model["projections"][src + "_to_" + pop] = {
                "pre": src, "post": pop, "target": "x", "weight": a,
                "connectivity": "one_to_one"}
    path = os.path.join(work, "periodic_links.json")
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--threads", default="1,2",
                        help="thread counts to run, or 'none'")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    path = write(args.work)
    sim = os.path.join(args.work, "sim")
    subprocess.run([args.snnc, path, "-o", sim], check=True)
    ok = True
    results = []
    for threads in args.threads.split(","):
        out = os.path.join(args.work, "out" + threads)
        command = [sim, "--out", out, "--quiet"]
        if threads != "none":
            command += ["--threads", threads]
        subprocess.run(command, check=True)
        pre = np.load(os.path.join(out, "p_weights_pre.npy"))
        post = np.load(os.path.join(out, "p_weights_post.npy"))
        w = np.load(os.path.join(out, "p_weights.npy"))
        worst = 0.0
        for a, b, x in zip(pre, post, w):
            want = closed_form(int(a), int(b))
            worst = max(worst, abs(x - want) / abs(want))
            if threads == args.threads.split(",")[0]:
                print("synapse %d->%d: snnc %.12g, closed form %.12g"
                      % (a, b, x, want))
        results.append(w)
        good = worst <= 1e-12 and len(w) == NPRE * NPOST
        ok &= good
        print("%s thread(s): %d synapses, largest relative difference "
              "%.2g: %s" % (threads, len(w), worst, "OK" if good else
                            "FAILED"))
    same = all(np.array_equal(results[0], r) for r in results[1:])
    ok &= same
    print("thread counts agree: %s" % ("yes" if same else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
