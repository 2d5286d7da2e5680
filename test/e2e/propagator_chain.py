#!/usr/bin/env python3
"""Chains of linear ODEs against their analytic solution.

dx0/dt = (1 - x0) / tau, dx_i/dt = (x_{i-1} - x_i) / tau with x(0) = 0 has
the solution x_k(t) = P(k + 1, t / tau), the regularized lower incomplete
gamma function: e^-u sum_{j > k} u^j / j! with u = t / tau. A chain of 20
variables is expanded in place (a multiply-add per propagator term); one of
200 has about 20,000 terms and becomes a loop over constant tables. Both
must follow the solution at every step, to rounding.

Usage: propagator_chain.py --snnc PATH --work DIR
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np

DT = 0.1
TAU = 2.0
DURATION = 20.0


def analytic(k, u):
    """e^-u sum_{j > k} u^j / j!, summed from its first term (no cancellation)."""
    if u == 0.0:
        return 0.0
    # log of u^(k+1) / (k+1)!: the first term may be far below 1e-308.
    log_term = (k + 1) * math.log(u) - math.lgamma(k + 2) - u
    if log_term < -745.0:
        return 0.0
    term = math.exp(log_term)
    total = 0.0
    j = k + 1
    while term > total * 1e-18:
        total += term
        j += 1
        term *= u / j
    return total


def check(snnc, work, n, precision, recorded):
    variables = {"x%d" % i: 0 for i in range(n)}
    equations = ["dx0/dt = (1 - x0) / tau"] + [
        "dx%d/dt = (x%d - x%d) / tau" % (i, i - 1, i) for i in range(1, n)]
    model = {
        "name": "chain%d_%s" % (n, precision),
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": precision},
        "neuron_models": {"chain": {
            "parameters": {"tau": TAU}, "variables": variables,
            "equations": equations, "method": "exact"}},
        "populations": {"p": {"model": "chain", "size": 2}},
        "record": {"state": [{"population": "p", "variable": "x%d" % k}
                             for k in recorded],
                   "format": "npy"},
    }
    path = os.path.join(work, "chain%d_%s.json" % (n, precision))
    with open(path, "w") as f:
        json.dump(model, f)
    core = subprocess.run([snnc, path, "--emit=core"], check=True,
                          stdout=subprocess.PIPE, universal_newlines=True).stdout
    table = "@snn_propagator_values" in core
    sim = os.path.join(work, "sim%d_%s" % (n, precision))
    out = os.path.join(work, "out%d_%s" % (n, precision))
    subprocess.run([snnc, path, "-o", sim], check=True)
    subprocess.run([sim, "--out", out, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    # f64: rounding, compounded over 200 steps. f32: the coefficients and
    # the state are rounded to f32 (relative 6e-8).
    tolerance = 1e-12 if precision == "f64" else 2e-5
    worst = 0.0
    for k in recorded:
        x = np.load(os.path.join(out, "p_x%d.npy" % k))
        t = np.load(os.path.join(out, "p_x%d_t.npy" % k))
        for s, ts in enumerate(t):
            # Recorded before each step: the state at t = ts.
            want = analytic(k, ts / TAU)
            for neuron in range(2):
                got = float(x[s, neuron])
                scale = max(abs(want), 1e-300)
                error = abs(got - want) / scale if want > 1e-30 else abs(got - want)
                worst = max(worst, error)
    ok = worst <= tolerance
    print("chain of %d, %s, %s: largest relative error %.2g: %s"
          % (n, precision, "tables" if table else "in place", worst,
             "OK" if ok else "FAILED"))
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    ok = True
    for precision in ("f64", "f32"):
        ok &= check(args.snnc, args.work, 20, precision, [0, 5, 19])
        ok &= check(args.snnc, args.work, 200, precision, [0, 5, 19, 60, 199])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
