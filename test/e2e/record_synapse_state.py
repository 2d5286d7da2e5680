#!/usr/bin/env python3
"""Synapse variables recorded over time (record.state with "projection")
against their closed forms.

Two presynaptic neurons (a spike array) onto one postsynaptic neuron that
never fires, through a list of two synapses, 0 -> 0 and 1 -> 0. The rule:
an event-driven trace `dx/dt = -x / tau` that on_pre raises by a, and a
weight that on_pre raises by the trace as it was before the spike
(`w += x`, then `x += a`). Both are recorded every EVERY steps for both
synapses. A sample is the value at the start of its step: the spikes of
earlier steps have acted, and the trace is advanced to that time (not left
at its last event, as the synapse stores it):

  x(n) = sum over the synapse's spikes s < n of a exp(-(n - s) dt / tau)
  w(n) = w0 + sum over its spikes s < n of x just before s

The times are n dt, the columns' pre and post neurons are the pairs asked
for (listed in another order than the synapses'). Every value must equal
the closed form within 1e-12 relative, with NPY and CSV output alike.

Usage: record_synapse_state.py --snnc PATH --work DIR [--target T]
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys

import numpy as np

DT = 0.1
STEPS = 400
EVERY = 5
TAU = 2.0            # ms
A = 0.5
W0 = 1.0
SPIKES = [[10, 11, 60, 200], [35, 200, 399]]   # steps, per pre neuron
ASKED = [[1, 0], [0, 0]]                        # [pre, post]: columns
TOLERANCE = 1e-12


def write(work, fmt):
    with open(os.path.join(work, "pre.csv"), "w") as f:
        f.write("neuron,time\n")
        for i, steps in enumerate(SPIKES):
            for s in steps:
                f.write("%d,%r\n" % (i, s * DT))
    with open(os.path.join(work, "syn.csv"), "w") as f:
        f.write("pre,post\n0,0\n1,0\n")
    model = {
        "simulation": {"dt": "%r ms" % DT, "duration": "%r ms" % (STEPS * DT),
                       "seed": 1},
        "neuron_models": {"quiet": {
            "variables": {"v": 0}, "equations": ["dv/dt = -v / (10 ms)"],
            "threshold": "v > 1", "reset": ["v = 0"]}},
        "synapse_models": {"trace": {
            "parameters": {"tau": "%r ms" % TAU, "a": A},
            "variables": {"w": W0, "x": 0},
            "equations": ["dx/dt = -x / tau (event-driven)"],
            "on_pre": ["w += x", "x += a"]}},
        "populations": {"post": {"model": "quiet", "size": 1}},
        "sources": {"pre": {"type": "spike_array", "size": 2,
                            "file": "pre.csv"}},
        "projections": {"p": {"pre": "pre", "post": "post",
                              "synapse": "trace",
                              "connectivity": {"type": "list",
                                               "file": "syn.csv"}}},
        "record": {"state": [
            {"projection": "p", "variable": "x", "synapses": ASKED,
             "every": EVERY},
            {"projection": "p", "variable": "w", "synapses": ASKED,
             "every": EVERY}], "format": fmt},
    }
    path = os.path.join(work, "model.json")
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
    return path


def closed_form(pre, n):
    x = sum(A * math.exp(-(n - s) * DT / TAU) for s in SPIKES[pre] if s < n)
    w = W0
    for s in SPIKES[pre]:
        if s < n:
            w += sum(A * math.exp(-(s - r) * DT / TAU)
                     for r in SPIKES[pre] if r < s)
    return x, w


def load(out, fmt, var):
    """(times, pre, post, values[samples, columns])."""
    if fmt == "npy":
        base = os.path.join(out, "p_" + var)
        return (np.load(base + "_t.npy"), np.load(base + "_pre.npy"),
                np.load(base + "_post.npy"), np.load(base + ".npy"))
    with open(os.path.join(out, "p_%s.csv" % var)) as f:
        rows = list(csv.reader(f))
    header, data = rows[0], np.array(rows[1:], dtype=float)
    pairs = [h[1:].split("_") for h in header[1:]]
    return (data[:, 0], np.array([int(p[0]) for p in pairs]),
            np.array([int(p[1]) for p in pairs]), data[:, 1:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--target", default="cpu")
    args = ap.parse_args()
    ok = True
    for fmt in ("npy", "csv"):
        work = os.path.join(args.work, fmt)
        os.makedirs(work, exist_ok=True)
        model = write(work, fmt)
        sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
        subprocess.run([args.snnc, model, "--target=" + args.target, "-o",
                        sim], check=True)
        subprocess.run([sim, "--out", out, "--quiet"], check=True)
        for var in ("x", "w"):
            t, pre, post, values = load(out, fmt, var)
            steps = list(range(0, STEPS, EVERY))
            good = (np.allclose(t, [n * DT for n in steps], rtol=0,
                                atol=1e-9)
                    and pre.tolist() == [p for p, _ in ASKED]
                    and post.tolist() == [q for _, q in ASKED]
                    and values.shape == (len(steps), len(ASKED)))
            worst = float("inf")
            if good:
                want = np.array([[closed_form(p, n)[var == "w"]
                                  for p, _ in ASKED] for n in steps])
                scale = np.maximum(np.abs(want), 1e-300)
                worst = float(np.max(np.abs(values - want) / scale))
                good = worst <= TOLERANCE
            print("%s %s: %d samples of %d synapses, largest relative "
                  "difference from the closed form %.2g: %s"
                  % (fmt, var, len(t), len(pre), worst,
                     "OK" if good else "FAILED"))
            ok &= good
    print("record synapse state: %s" % ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
