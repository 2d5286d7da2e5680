#!/usr/bin/env python3
"""`t` in expressions: a sinusoidal drive against Brian2, deterministic.

N LIF neurons driven by a sinusoid of the time, each with its own phase (a
per-neuron constant from a file):

  dv/dt = (vr - v + A * sin(2 * pi * f * t + phase)) / tau
  last : ms   (reset: last = t, the time of the neuron's last spike)

integrated by Euler (stages: none) and by RK4 (stages at t + dt/2 and
t + dt, where Brian2 evaluates the drive there too), and with a threshold
that reads t (no spike before T0). Brian2 runs the same with method='euler'
and method='rk4'. Checks, for each method: identical output spikes, v
within 1e-9 mV at every step, `last` identical.

Usage: time_drive.py --snnc PATH --work DIR
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

DT = bc.DT
DURATION = 500.0                # ms
N = 8
TAU, VR, VT = 10.0, -70.0, -55.0   # ms, mV, mV
A, F = 25.0, 20.0               # mV, Hz
T0 = 30.0                       # ms: no spike before
TOLERANCE = 1e-9


def phases():
    return np.linspace(0.0, 2 * np.pi, N, endpoint=False)


def write_model(work, method):
    np.save(os.path.join(work, "phase.npy"), phases())
    model = {
        "name": "time_drive",
        "simulation": {"dt": DT, "duration": DURATION, "precision": "f64"},
        "neuron_models": {"driven": {
            "parameters": {"tau": "%r ms" % TAU, "vr": "%r mV" % VR,
                           "vt": "%r mV" % VT, "A": "%r mV" % A,
                           "f": "%r Hz" % F, "t0": "%r ms" % T0},
            "variables": {"v": "%r mV" % VR, "phase": 0, "last": "-1 ms"},
            "equations": [
                "dv/dt = (vr - v + A * sin(2 * pi * f * t + phase)) / tau"],
            "threshold": "v > vt and t >= t0",
            "reset": ["v = vr", "last = t"],
            "method": method}},
        "populations": {"out": {"model": "driven", "size": N,
                                "initial": {"phase": {"file": "phase.npy"}}}},
        "record": {"spikes": ["out"],
                   "state": [{"population": "out", "variable": "v"},
                             {"population": "out", "variable": "last"}],
                   "format": "npy"},
    }
    path = os.path.join(work, "time_drive.json")
    bc.write_json(path, model)
    return path


def run_snnc(snnc, work, method):
    os.makedirs(work, exist_ok=True)
    model = write_model(work, method)
    sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
    bc.compile_model(snnc, model, sim)
    bc.run_sim(sim, out)
    return (bc.snnc_spikes(out, "out"), np.load(os.path.join(out, "out_v.npy")),
            np.load(os.path.join(out, "out_last.npy")))


def run_brian2(method):
    bc.import_brian2()
    from brian2 import (ms, Hz, NeuronGroup, SpikeMonitor, StateMonitor,
                        Network, defaultclock, start_scope)
    start_scope()
    defaultclock.dt = DT * ms
    ns = {"tau": TAU * ms, "vr": VR, "vt": VT, "A": A, "f": F * Hz,
          "t0": T0 * ms}
    g = NeuronGroup(N, """dv/dt = (vr - v + A * sin(2 * pi * f * t + phase)) / tau : 1
                          phase : 1 (constant)
                          last : second""",
                    threshold="v > vt and t >= t0",
                    reset="v = vr; last = t", method=method, namespace=ns)
    g.v = VR
    g.phase = phases()
    g.last = -1 * ms
    spikes = SpikeMonitor(g)
    mon = StateMonitor(g, ["v", "last"], record=True)
    Network(g, spikes, mon).run(DURATION * ms)
    return (bc.brian2_spikes(spikes, float(defaultclock.dt_)),
            np.asarray(mon.v_).T, np.asarray(mon.last_).T * 1000.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    bc.setup_scratch(args.work)
    ok = True
    for method in ("euler", "rk4"):
        ours = run_snnc(args.snnc, os.path.join(args.work, method), method)
        theirs = run_brian2(method)
        first = bc.first_difference(ours[0], theirs[0])
        same = ours[1].shape == theirs[1].shape
        dv = float(np.max(np.abs(ours[1] - theirs[1]))) if same else float("inf")
        dlast = (float(np.max(np.abs(ours[2] - theirs[2]))) if same
                 else float("inf"))
        early = int(np.sum(ours[0][0] < int(round(T0 / DT))))
        good = first is None and dv <= TOLERANCE and dlast <= TOLERANCE
        ok &= good
        print("%s: brian2 %d spikes, snnc %d (%d before t0), spikes %s, "
              "v within %.3g mV, last within %.3g ms: %s" % (
                  method, len(theirs[0][0]), len(ours[0][0]), early,
                  "identical" if first is None else
                  "differ from %.1f ms" % (first * DT), dv, dlast,
                  "OK" if good else "FAILED"))
    print("time in expressions: %s" % ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
