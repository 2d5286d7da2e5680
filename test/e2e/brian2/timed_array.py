#!/usr/bin/env python3
"""Timed-array currents against Brian2's TimedArray, deterministic.

Two populations of LIF neurons, the model written in the text DSL:

  dv/dt = (vr - v + R * I) / tau,  I a current input

- `shared`: I from a table of one column (the same current for every
  neuron), a row every 1 ms (10 steps), in nA; 300 rows for a 400 ms run,
  so the last row holds for the last 100 ms (Brian2 clips the index too).
  The neurons differ by their initial v.
- `each`: I from a table of one column per neuron, a row every 0.5 ms,
  written in pA (no unit: the base unit).

Brian2 runs `I = ta(t) : amp` and `I = ta2(t, i) : amp` with the same
tables. Checks, for method='euler' and method='exponential_euler': the
output spikes are identical and v agrees within 1e-9 mV at every step.

Usage: timed_array.py --snnc PATH --work DIR
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

DT = bc.DT
DURATION = 400.0                   # ms
N = 6
TAU, VR, VT, R = 10.0, -70.0, -55.0, 60.0   # ms, mV, mV, MOhm
ROWS_SHARED, DT_SHARED = 300, 1.0  # rows, ms
ROWS_EACH, DT_EACH = 700, 0.5
TOLERANCE = 1e-9


def tables():
    rng = np.random.default_rng(2026)
    shared = rng.uniform(0.0, 0.5, ROWS_SHARED)           # nA
    each = rng.uniform(0.0, 500.0, (ROWS_EACH, N))        # pA
    v0 = np.linspace(VR, VT - 1.0, N)
    return shared, each, v0


MODEL = """# Timed-array currents (Brian2's TimedArray), tested against Brian2.
simulation {{ dt = {dt} ms, duration = {duration} ms }}

neuron_model lif {{
  parameters {{
    tau = {tau} ms
    vr = {vr} mV
    vt = {vt} mV
    R = {r} MOhm
  }}
  variables {{ v = {vr} mV }}
  inputs = [I]
  equations {{
    dv/dt = (vr - v + R * I) / tau
  }}
  threshold: v > vt
  reset {{ v = vr }}
  method = {method}
}}

population shared {{
  model = lif
  size = {n}
  initial {{ v = file("v0.npy") }}
}}
population each {{ model = lif, size = {n} }}

# One column: the same current for every neuron, a row every {dt_shared} ms.
current drive {{
  type = timed_array
  target = shared
  variable = I
  values = file("shared.csv", unit = nA)
  dt = {dt_shared} ms
}}
# One column per neuron, in pA.
current drive_each {{
  type = timed_array
  target = each
  variable = I
  values = file("each.npy")
  dt = {dt_each} ms
}}

record {{
  spikes = [shared, each]
  state = [{{population = shared, variable = v}}, {{population = each, variable = v}}]
}}
"""


def run_snnc(snnc, work, method):
    os.makedirs(work, exist_ok=True)
    shared, each, v0 = tables()
    np.savetxt(os.path.join(work, "shared.csv"), shared, header="I_nA",
               comments="", fmt="%.17g")
    np.save(os.path.join(work, "each.npy"), each)
    np.save(os.path.join(work, "v0.npy"), v0)
    path = os.path.join(work, "timed_array.snn")
    with open(path, "w") as f:
        f.write(MODEL.format(dt=DT, duration=DURATION, tau=TAU, vr=VR, vt=VT,
                             r=R, method=method, n=N, dt_shared=DT_SHARED,
                             dt_each=DT_EACH))
    sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
    bc.compile_model(snnc, path, sim)
    bc.run_sim(sim, out)
    return {p: (bc.snnc_spikes(out, p), np.load(os.path.join(out, p + "_v.npy")))
            for p in ("shared", "each")}


def run_brian2(method):
    bc.import_brian2()
    from brian2 import (ms, mV, nA, pA, Mohm, NeuronGroup, SpikeMonitor,
                        StateMonitor, TimedArray, Network, defaultclock,
                        start_scope)
    start_scope()
    defaultclock.dt = DT * ms
    shared, each, v0 = tables()
    ta = TimedArray(shared * nA, dt=DT_SHARED * ms)
    ta2 = TimedArray(each * pA, dt=DT_EACH * ms)
    ns = {"tau": TAU * ms, "vr": VR * mV, "vt": VT * mV, "R": R * Mohm,
          "ta": ta, "ta2": ta2}
    eqs = "dv/dt = (vr - v + R * I) / tau : volt\nI = %s : amp"
    groups = {
        "shared": NeuronGroup(N, eqs % "ta(t)", threshold="v > vt",
                              reset="v = vr", method=method, namespace=ns),
        "each": NeuronGroup(N, eqs % "ta2(t, i)", threshold="v > vt",
                            reset="v = vr", method=method, namespace=ns)}
    groups["shared"].v = v0 * mV
    groups["each"].v = VR * mV
    mons = {k: (SpikeMonitor(g), StateMonitor(g, "v", record=True))
            for k, g in groups.items()}
    net = Network(*groups.values(), *[m for pair in mons.values() for m in pair])
    net.run(DURATION * ms)
    dt = float(defaultclock.dt_)
    return {k: (bc.brian2_spikes(s, dt), np.asarray(m.v_).T * 1000.0)
            for k, (s, m) in mons.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    bc.setup_scratch(args.work)
    ok = True
    for method in ("euler", "exponential_euler"):
        ours = run_snnc(args.snnc, os.path.join(args.work, method), method)
        theirs = run_brian2(method)
        for pop in ("shared", "each"):
            (s1, v1), (s2, v2) = ours[pop], theirs[pop]
            first = bc.first_difference(s1, s2)
            dv = (float(np.max(np.abs(v1 - v2))) if v1.shape == v2.shape
                  else float("inf"))
            good = first is None and dv <= TOLERANCE and len(s2[0]) > 20
            ok &= good
            print("%s %s: brian2 %d spikes, snnc %d, spikes %s, v within "
                  "%.3g mV: %s" % (
                      method, pop, len(s2[0]), len(s1[0]),
                      "identical" if first is None else
                      "differ from %.1f ms" % (first * DT), dv,
                      "OK" if good else "FAILED"))
    print("timed arrays: %s" % ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
