#!/usr/bin/env python3
"""Homeostasis settles a population at its target rate.

For a model file whose population `res` is driven above a target rate and
has a homeostatic rule (periodic statements of the population, or a synapse
model's), runs it as given and without the rule (periodic statements
removed, or the synapse model replaced by a static projection with the
initial weight), and prints the rates per second. Checks that without the
rule the rate is at least twice the target, and that with it the mean rate
of the last `--last` seconds is within 10% of the target.

Usage: homeostasis.py --snnc PATH --work DIR --model FILE --target HZ
                      [--last S]
"""
import argparse
import copy
import json
import os
import subprocess
import sys

import numpy as np


def run(snnc, work, name, model):
    path = os.path.join(work, name + ".json")
    with open(path, "w") as f:
        json.dump(model, f)
    sim, out = os.path.join(work, name), os.path.join(work, name + "-out")
    subprocess.run([snnc, path, "-o", sim], check=True)
    subprocess.run([sim, "--out", out, "--quiet"], check=True)
    t = np.load(os.path.join(out, "res_spikes_t.npy"))
    size = model["populations"]["res"]["size"]
    seconds = int(round(float(model["simulation"]["duration"].split()[0])
                        / 1000.0))
    return [((t >= 1000.0 * s) & (t < 1000.0 * (s + 1))).sum() / size
            for s in range(seconds)]


def without_rule(model):
    m = copy.deepcopy(model)
    m["populations"]["res"].pop("periodic", None)
    for p in m.get("projections", {}).values():
        if "synapse" in p:
            p["weight"] = p["initial"]["w"]
            for key in ("synapse", "parameters", "initial", "links"):
                p.pop(key, None)
    m["record"] = {"spikes": ["res"]}
    return m


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--target", type=float, required=True)
    parser.add_argument("--last", type=int, default=5)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    with open(args.model) as f:
        model = json.load(f)
    # Data files next to the model.
    here = os.path.dirname(os.path.abspath(args.model))
    for p in model.get("projections", {}).values():
        c = p.get("connectivity")
        if isinstance(c, dict) and "file" in c:
            c["file"] = os.path.join(here, c["file"])
    free = run(args.snnc, args.work, "free", without_rule(model))
    held = run(args.snnc, args.work, "held", model)
    print("without the rule: %s Hz" % " ".join("%.1f" % r for r in free))
    print("with the rule:    %s Hz" % " ".join("%.1f" % r for r in held))
    free_rate = float(np.mean(free[-args.last:]))
    rate = float(np.mean(held[-args.last:]))
    above = free_rate >= 2 * args.target
    settled = abs(rate - args.target) <= 0.1 * args.target
    print("last %d s: %.2f Hz without the rule (%s), %.2f Hz with it, "
          "target %.1f Hz: %s" % (
              args.last, free_rate,
              "above twice the target" if above else "NOT above",
              rate, args.target,
              "within 10%" if settled else "NOT within 10%"))
    ok = above and settled
    print("homeostasis: %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
