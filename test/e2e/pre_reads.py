#!/usr/bin/env python3
"""Synapse statements that read presynaptic neuron variables (`x_pre`)
against a closed form.

Two presynaptic and two postsynaptic neurons, all forced to spike at chosen
steps (x is raised to 1 by a drive one step before; the reset lowers it),
each presynaptic neuron with a constant c (0.25 and 2, from a file). The
rule: on_pre `w += c_pre * x_pre`, on_post `w -= 0.1 * c_pre * (1 + x_pre)`.
x_pre is the presynaptic neuron's x as the update of the step left it,
before the reset (docs/step-semantics.md): 1 at its own spike, so each pre
spike adds c; at a post spike it is 1 only when the pre neuron spikes in the
same step (then the post spike removes 0.2 c, else 0.1 c). Runs with 1 and
2 threads must agree, and equal the closed form within 1e-12.

Usage: pre_reads.py --snnc PATH --work DIR
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

DT = 0.1
STEPS = 600
PRE = [[20, 100, 250, 400], [60, 250, 251, 500]]
POST = [[100, 300, 401, 550], [250, 252, 450]]
C = [0.25, 2.0]
W0 = 1.0


def write(work):
    drive = [(i, s - 1) for i, t in enumerate(PRE) for s in t] + \
            [(2 + j, s - 1) for j, t in enumerate(POST) for s in t]
    with open(os.path.join(work, "drive.csv"), "w") as f:
        f.write("neuron,time\n")
        for n, s in drive:
            f.write("%d,%d.%d\n" % (n, s // 10, s % 10))
    with open(os.path.join(work, "c.csv"), "w") as f:
        f.write("c\n" + "".join("%r\n" % c for c in C))
    with open(os.path.join(work, "to_pre.csv"), "w") as f:
        f.write("pre,post\n0,0\n1,1\n")
    with open(os.path.join(work, "to_post.csv"), "w") as f:
        f.write("pre,post\n2,0\n3,1\n")
    forced = {"variables": {"x": 0, "c": 0}, "threshold": "x > 0.5",
              "reset": ["x -= 1"]}
    model = {
        "simulation": {"dt": DT, "duration": STEPS * DT},
        "neuron_models": {"forced": forced},
        "synapse_models": {"reader": {
            "variables": {"w": W0},
            "on_pre": ["w += c_pre * x_pre"],
            "on_post": ["w -= 0.1 * c_pre * (1 + x_pre)"]}},
        "populations": {
            "pre": {"model": "forced", "size": 2,
                    "initial": {"c": {"file": "c.csv"}}},
            "post": {"model": "forced", "size": 2}},
        "sources": {"drive": {"type": "spike_array", "size": 4,
                              "file": "drive.csv"}},
        "projections": {
            "drive_pre": {"pre": "drive", "post": "pre", "target": "x",
                          "weight": 1, "connectivity":
                          {"type": "list", "file": "to_pre.csv"}},
            "drive_post": {"pre": "drive", "post": "post", "target": "x",
                           "weight": 1, "connectivity":
                           {"type": "list", "file": "to_post.csv"}},
            "reading": {"pre": "pre", "post": "post", "synapse": "reader",
                        "connectivity": "all_to_all"}},
        "record": {"spikes": ["pre", "post"], "weights": ["reading"]},
    }
    path = os.path.join(work, "pre_reads.json")
    with open(path, "w") as f:
        json.dump(model, f)
    return path


def closed_form(i, j):
    w = W0
    for s in PRE[i]:
        w += C[i] * 1.0
    for s in POST[j]:
        w -= 0.1 * C[i] * (1.0 + (1.0 if s in PRE[i] else 0.0))
    return w


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    model = write(args.work)
    sim = os.path.join(args.work, "sim")
    subprocess.run([args.snnc, model, "-o", sim], check=True)
    ok = True
    results = []
    for threads in (1, 2):
        out = os.path.join(args.work, "out%d" % threads)
        subprocess.run([sim, "--out", out, "--quiet", "--threads",
                        str(threads)], check=True)
        for pop, trains in (("pre", PRE), ("post", POST)):
            t = np.load(os.path.join(out, pop + "_spikes_t.npy"))
            i = np.load(os.path.join(out, pop + "_spikes_i.npy"))
            got = [sorted(int(round(x / DT)) for x, k in zip(t, i) if k == n)
                   for n in range(2)]
            if got != trains:
                print("%s spiked at %s, expected %s" % (pop, got, trains))
                ok = False
        pre = np.load(os.path.join(out, "reading_weights_pre.npy"))
        post = np.load(os.path.join(out, "reading_weights_post.npy"))
        w = np.load(os.path.join(out, "reading_weights.npy"))
        results.append({(int(a), int(b)): float(x)
                        for a, b, x in zip(pre, post, w)})
    worst = 0.0
    for (a, b), x in sorted(results[0].items()):
        want = closed_form(a, b)
        worst = max(worst, abs(x - want) / abs(want))
        print("synapse %d->%d: snnc %.15g, closed form %.15g" % (a, b, x,
                                                                 want))
    same = results[0] == results[1]
    ok &= worst <= 1e-12 and same
    print("pre reads: 1 and 2 threads %s, largest relative difference "
          "%.2g: %s" % ("identical" if same else "DIFFER", worst,
                        "OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
