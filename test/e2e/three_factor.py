#!/usr/bin/env python3
"""The built-in three_factor synapse model against its closed form.

Two presynaptic and two postsynaptic neurons whose spikes are chosen by hand
(spike-source arrays; the post neurons are forced to spike by a drive, one
step after it, and the rule's additions go to a variable that does nothing
else). Two projections use three_factor, with their modulator M read
through a link:
  - `global` links M to population `da` of size one, whose variable m is
    0, then switched to 1 by a spike at 25 ms and back to 0 by one at 70 ms
    (static projections of weight +1 and -1 into m);
  - `per_post` links M to population `teacher` of the post population's
    size, m = 0.5 and 2.0 (read from a file), one value per post neuron.
A link reads the variable as the update of the step left it, before that
step's input (docs/step-semantics.md): the switch's spike at step s is seen
from step s + 1 on.

The closed form: for each synapse, at each of its events (pre spikes, then
post spikes within a step), the traces are sums of exact exponentials over
the earlier events (apre += a_pre, apost += a_post; e += apost at a pre
spike, e += apre at a post spike, e decaying with tau_e), and the weight
moves by eta M e, clipped to [0, w_max]. snnc's final weights
(record.weights) must equal it within 1e-12 of w_max. A second run with
the modulator never switched on (M = 0 for `global`) must leave the weights
exactly where they started.

Usage: three_factor.py --snnc PATH --work DIR
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys

import numpy as np

DT = 0.1
STEPS = 1000
# Pre spikes at the switch's steps and one step after them: the first and
# last steps with M = 1 are ON + 1 and OFF.
PRE = [[10, 120, 251, 300, 410, 600, 700, 750, 905], [50, 250, 330, 610, 701]]
DRIVE = [[30, 149, 280, 450, 620, 800], [60, 400, 880]]
ON, OFF = 250, 700          # steps of the switch's spikes
TEACHER = [0.5, 2.0]
PARAMS = {"tau_pre": 20.0, "tau_post": 20.0, "tau_e": 200.0, "a_pre": 0.1,
          "a_post": -0.12, "eta": 0.25, "w_max": 1.0}
W0 = 0.5
TOLERANCE = 1e-12


def csv(path, header, rows):
    with open(path, "w") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")


def spikes(trains):
    return [(i, "%d.%d" % (s // 10, s % 10)) for i, t in enumerate(trains)
            for s in t]


def write_model(work, switch_on):
    csv(os.path.join(work, "pre.csv"), "neuron,time", spikes(PRE))
    csv(os.path.join(work, "drive.csv"), "neuron,time", spikes(DRIVE))
    csv(os.path.join(work, "switch.csv"), "neuron,time",
        spikes([[ON], [OFF]] if switch_on else [[], []]))
    csv(os.path.join(work, "teacher.csv"), "m", [[v] for v in TEACHER])
    csv(os.path.join(work, "on.csv"), "pre,post", [[0, 0]])
    csv(os.path.join(work, "off.csv"), "pre,post", [[1, 0]])
    rule = {"pre": "pre", "post": "post", "synapse": "three_factor",
            "target": "g", "connectivity": "all_to_all",
            "parameters": {k: v for k, v in PARAMS.items()
                           if not k.startswith("tau")},
            "initial": {"w": W0}}
    model = {
        "simulation": {"dt": DT, "duration": STEPS * DT, "precision": "f64"},
        "neuron_models": {
            "forced": {"variables": {"x": 0, "g": 0},
                       "threshold": "x > 0.5", "reset": ["x -= 1"]},
            "level": {"variables": {"m": 0}}},
        "populations": {
            "post": {"model": "forced", "size": 2},
            "da": {"model": "level", "size": 1},
            "teacher": {"model": "level", "size": 2,
                        "initial": {"m": {"file": "teacher.csv"}}}},
        "sources": {
            "pre": {"type": "spike_array", "size": 2, "file": "pre.csv"},
            "drive": {"type": "spike_array", "size": 2, "file": "drive.csv"},
            "switch": {"type": "spike_array", "size": 2,
                       "file": "switch.csv"}},
        "projections": {
            "drive_post": {"pre": "drive", "post": "post", "target": "x",
                           "weight": 1, "connectivity": "one_to_one"},
            "on": {"pre": "switch", "post": "da", "target": "m", "weight": 1,
                   "connectivity": {"type": "list", "file": "on.csv"}},
            "off": {"pre": "switch", "post": "da", "target": "m",
                    "weight": -1,
                    "connectivity": {"type": "list", "file": "off.csv"}},
            "global": dict(rule, links={"M": "da.m"}),
            "per_post": dict(rule, links={"M": "teacher.m"})},
        "record": {"spikes": ["post"], "weights": ["global", "per_post"]},
    }
    path = os.path.join(work, "three_factor.json")
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
    return path


def run_snnc(snnc, work, model):
    sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
    subprocess.run([snnc, model, "-o", sim], check=True)
    subprocess.run([sim, "--out", out, "--quiet"], check=True)
    weights = {}
    for p in ("global", "per_post"):
        pre = np.load(os.path.join(out, p + "_weights_pre.npy"))
        post = np.load(os.path.join(out, p + "_weights_post.npy"))
        w = np.load(os.path.join(out, p + "_weights.npy"))
        weights[p] = {(int(i), int(j)): float(x)
                      for i, j, x in zip(pre, post, w)}
    t = np.load(os.path.join(out, "post_spikes_t.npy"))
    i = np.load(os.path.join(out, "post_spikes_i.npy"))
    post = [sorted(int(round(x / DT)) for x, k in zip(t, i) if k == n)
            for n in range(2)]
    return weights, post


def closed_form(pre, post, modulator):
    """The final weight of a synapse with presynaptic spike steps `pre`,
    postsynaptic `post`, modulator(step) = M."""
    p = PARAMS
    events = sorted([(s, 0) for s in pre] + [(s, 1) for s in post])
    w, moved = W0, False
    earlier = []    # (step, kind, e increment) of the events so far

    def trace(step, kind, amp, tau):
        return sum(amp * math.exp(-(step - s) * DT / tau)
                   for s, k, _ in earlier if k == kind)
    for step, kind in events:
        apre = trace(step, 0, p["a_pre"], p["tau_pre"])
        apost = trace(step, 1, p["a_post"], p["tau_post"])
        if kind == 0:
            apre += p["a_pre"]
            inc = apost
        else:
            apost += p["a_post"]
            inc = apre
        e = inc + sum(de * math.exp(-(step - s) * DT / p["tau_e"])
                      for s, _, de in earlier)
        earlier.append((step, kind, inc))
        dw = p["eta"] * modulator(step) * e
        moved |= dw != 0
        w = min(max(w + dw, 0.0), p["w_max"])
    return w, moved


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    ok = True
    post = [[s + 1 for s in t] for t in DRIVE]   # forced: one step later
    for switch_on in (True, False):
        work = os.path.join(args.work, "on" if switch_on else "off")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        weights, spiked = run_snnc(args.snnc, work,
                                   write_model(work, switch_on))
        if spiked != post:
            print("post spikes %s, expected %s" % (spiked, post))
            ok = False

        def glob(step):
            return 1.0 if switch_on and ON < step <= OFF else 0.0
        for name, mod in (("global", lambda j: glob),
                          ("per_post", lambda j: (lambda s: TEACHER[j]))):
            worst, moved = 0.0, False
            for (i, j), got in sorted(weights[name].items()):
                want, m = closed_form(PRE[i], post[j], mod(j))
                moved |= m
                worst = max(worst, abs(got - want) / PARAMS["w_max"])
                if not switch_on and name == "global" and got != W0:
                    print("global %d->%d: %r with the modulator off" %
                          (i, j, got))
                    ok = False
            good = worst <= TOLERANCE and (moved or not switch_on or
                                           name == "per_post")
            ok &= good
            print("modulator %s, %s: weights %s, largest diff. from "
                  "the closed form %.2g w_max: %s" % (
                      "switched on" if switch_on else "off", name,
                      " ".join("%.6f" % weights[name][k]
                               for k in sorted(weights[name])), worst,
                      "OK" if good else "FAILED"))
    print("three-factor: %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
