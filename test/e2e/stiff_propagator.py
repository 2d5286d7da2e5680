#!/usr/bin/env python3
"""A LIF neuron with an exponential synapse whose time constant is extreme:
tau_syn = 1e-20 ms, 1e-30 ms (the synapse decays within the step) and
1e30 ms (it does not decay at all), with tau = 10 ms and dt = 0.1 ms.

- At rest (v = v_rest, g = 0) v must stay exactly at v_rest: an inexact
  propagator (P_vv rounded to 1 by scaling and squaring) made it drift by
  -6.5 mV/ms.
- With g(0) = 5 mV: for tau_syn -> 0, g's contribution to v is of order
  1e-21 mV, and v stays at v_rest to rounding; for tau_syn = 1e30 ms, g is a
  constant and v(t) = v_rest + g (1 - exp(-t / tau)).

Usage: stiff_propagator.py --snnc PATH --work DIR
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np

DT = 0.1
TAU = 10.0
V_REST = -65.0
G0 = 5.0
DURATION = 10.0
TAU_SYN = ["1e-20 ms", "1e-30 ms", "1e30 ms"]


def write_model(work):
    populations = {}
    for k, tau_syn in enumerate(TAU_SYN):
        for kind, g in (("rest", 0.0), ("driven", G0)):
            populations["%s%d" % (kind, k)] = {
                "model": "lif", "size": 1,
                "parameters": {"tau_syn": tau_syn},
                "initial": {"g": g}}
    model = {
        "name": "stiff",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1},
        "neuron_models": {
            "lif": {
                "parameters": {"tau": "10 ms", "tau_syn": "5 ms",
                               "v_rest": "-65 mV", "v_th": "100 mV"},
                "variables": {"v": "-65 mV", "g": 0},
                "equations": ["dv/dt = (v_rest - v + g) / tau",
                              "dg/dt = -g / tau_syn"],
                "threshold": "v > v_th",
                "reset": ["v = v_rest"],
                "method": "exact",
            }
        },
        "populations": populations,
        "record": {"state": [{"population": p, "variable": "v"}
                             for p in populations],
                   "format": "npy"},
    }
    path = os.path.join(work, "stiff.json")
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    model = write_model(args.work)
    sim = os.path.join(args.work, "sim")
    out = os.path.join(args.work, "out")
    subprocess.run([args.snnc, model, "-o", sim], check=True)
    subprocess.run([sim, "--out", out, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    ok = True
    for k, tau_syn in enumerate(TAU_SYN):
        rest = np.load(os.path.join(out, "rest%d_v.npy" % k))[:, 0]
        driven = np.load(os.path.join(out, "driven%d_v.npy" % k))[:, 0]
        t = np.load(os.path.join(out, "rest%d_v_t.npy" % k))
        moved = np.count_nonzero(rest != V_REST)
        drift = np.max(np.abs(rest - V_REST))
        print("tau_syn = %s: at rest, %d of %d samples differ from v_rest "
              "(by up to %.3g mV)" % (tau_syn, moved, len(rest), drift))
        ok = ok and moved == 0
        if float(tau_syn.split()[0]) < 1:
            expected = np.full_like(t, V_REST)
        else:
            expected = V_REST + G0 * -np.expm1(-t / TAU)
        error = np.max(np.abs(driven - expected))
        print("tau_syn = %s: g(0) = %g mV, largest error %.3g mV"
              % (tau_syn, G0, error))
        ok = ok and error <= 1e-11
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
