#!/usr/bin/env python3
"""LIF neurons driven by constant currents against the analytic solution.

Between spikes, dv/dt = (v_rest - v + R I) / tau_m has the solution
v(t) = v_inf + (v_start - v_inf) exp(-(t - t_start) / tau_m), v_inf = v_rest + R I,
which crosses v_th after t* = tau_m ln((v_inf - v_start) / (v_inf - v_th)).

On the time grid (docs/step-semantics.md) a spike is detected in the first step
whose end lies past the crossing, and recorded at that step's start, so each
recorded spike lies in (t_analytic - dt, t_analytic], where t_analytic counts
from the previous recorded spike plus the refractory steps. The recorded
voltages must equal the analytic solution at the grid points (exact
integration), to rounding.

Usage: lif_analytic.py --snnc PATH --work DIR
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np

DT = 0.1
TAU_M = 10.0
V_REST = -65.0
V_TH = -50.0
V_RESET = -70.0
V0 = -60.0
R_M = 0.1          # GOhm = mV / pA
REFRACTORY = 2.0   # ms
DURATION = 300.0
CURRENTS = [120.0, 160.0, 200.0, 275.0, 400.0, 1000.0]  # pA; the first never fires


def write_model(work, precision):
    np.save(os.path.join(work, "I.npy"), np.array(CURRENTS))
    model = {
        "name": "lif_analytic_" + precision,
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": precision},
        "neuron_models": {
            "lif": {
                "parameters": {"tau_m": TAU_M, "v_rest": V_REST, "v_th": V_TH,
                               "v_reset": V_RESET, "R_m": R_M},
                "variables": {"v": V0},
                "inputs": ["I"],
                "equations": ["dv/dt = (v_rest - v + R_m * I) / tau_m"],
                "threshold": "v > v_th",
                "reset": ["v = v_reset"],
                "refractory": REFRACTORY,
                "refractory_clamp": ["v"],
                "method": "exact",
            }
        },
        "populations": {"cells": {"model": "lif", "size": len(CURRENTS)}},
        "currents": {"drive": {"type": "constant", "target": "cells",
                               "variable": "I", "amplitude": {"file": "I.npy"}}},
        "record": {"spikes": ["cells"],
                   "state": [{"population": "cells", "variable": "v", "every": 1}],
                   "format": "npy"},
    }
    path = os.path.join(work, "lif_%s.json" % precision)
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
    return path


def crossing_time(v_start, v_inf):
    if v_inf <= V_TH:
        return math.inf
    return TAU_M * math.log((v_inf - v_start) / (v_inf - V_TH))


def check(snnc, work, precision):
    model = write_model(work, precision)
    sim = os.path.join(work, "sim_" + precision)
    out = os.path.join(work, "out_" + precision)
    subprocess.run([snnc, model, "-o", sim], check=True)
    subprocess.run([sim, "--out", out, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    t = np.load(os.path.join(out, "cells_spikes_t.npy"))
    i = np.load(os.path.join(out, "cells_spikes_i.npy"))
    v = np.load(os.path.join(out, "cells_v.npy"))        # samples x neurons
    tv = np.load(os.path.join(out, "cells_v_t.npy"))
    steps = int(round(DURATION / DT))
    refractory_steps = int(round(REFRACTORY / DT))
    # f64: rounding only. f32: the propagator coefficient is rounded to f32
    # (relative 6e-8), an error the recursion carries for hundreds of steps.
    v_tolerance = 1e-9 if precision == "f64" else 1e-3   # mV

    worst_spike = 0.0
    worst_v = 0.0
    total = 0
    ok = True
    for n, current in enumerate(CURRENTS):
        v_inf = V_REST + R_M * current
        times = np.sort(t[i == n])
        total += len(times)
        # Expected spikes, each from the previous recorded one.
        start_step, v_start = 0, V0
        expected = []
        for k in range(len(times) + 1):
            t_star = crossing_time(v_start, v_inf)
            t_analytic = start_step * DT + t_star
            if t_analytic >= DURATION:
                break
            expected.append(t_analytic)
            if k < len(times):
                error = t_analytic - times[k]
                worst_spike = max(worst_spike, abs(error) / DT)
                if not (-1e-9 <= error < DT + 1e-9):
                    print("neuron %d spike %d: recorded %.4f ms, analytic %.6f ms"
                          % (n, k, times[k], t_analytic))
                    ok = False
                start_step = int(round(times[k] / DT)) + refractory_steps
                v_start = V_RESET
        if len(expected) != len(times):
            print("neuron %d: %d spikes, analytic solution has %d"
                  % (n, len(times), len(expected)))
            ok = False
        # Voltages at the grid points.
        spike_steps = [int(round(x / DT)) for x in times]
        for s in range(steps):
            previous = [x for x in spike_steps if x < s]
            if previous:
                free = s - (previous[-1] + refractory_steps)
                start_v = V_RESET
            else:
                free = s
                start_v = V0
            expected_v = v_inf + (start_v - v_inf) * math.exp(-max(free, 0) * DT / TAU_M)
            worst_v = max(worst_v, abs(v[s, n] - expected_v))
    if worst_v > v_tolerance:
        print("voltage error %.3g mV exceeds %.3g mV" % (worst_v, v_tolerance))
        ok = False
    if len(tv) != steps or abs(tv[1] - DT) > 1e-12:
        print("unexpected state-recording times")
        ok = False
    print("%s: %d neurons, %d spikes, max |spike - analytic| = %.3f dt, "
          "max |v - analytic| = %.2g mV: %s"
          % (precision, len(CURRENTS), total, worst_spike, worst_v,
             "OK" if ok else "FAILED"))
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    ok = all([check(args.snnc, args.work, p) for p in ("f64", "f32")])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
