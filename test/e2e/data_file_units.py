#!/usr/bin/env python3
"""Data files as a Brian2 user has them: gzip-compressed CSV read directly,
a column's unit stated in the model, per-neuron rows matched by an index
column, and a Brian2 synapse table (numpy.savetxt of S.i, S.j, S.w, S.delay
in SI units, its header a comment) loaded without editing.

The model:
- population `out` (N neurons) whose initial v comes from
  v0.csv.gz: columns `neuron` (shuffled) and `v` in volts
  ({"file": "v0.csv.gz", "column": "v", "unit": "V", "index": "neuron"});
- a spike array from stim.csv.gz;
- projection stim -> out from syn.csv.gz, written by numpy.savetxt with
  header "i,j,w,delay" (so "# i,j,w,delay"), w in volts and delay in
  seconds: "weight": {"from_list": "w", "unit": "V"},
  "delay": {"from_list": "delay", "unit": "s"}.

Checks: the recorded v at step 0 equals the file's values in mV, neuron by
neuron; the saved connectivity (--save-connectivity) holds the table's
synapses with weights in mV and delays in steps of dt (delay / dt); the
output spikes are those a spike in stim brings about.

Usage: data_file_units.py --snnc PATH --work DIR
"""
import argparse
import gzip
import json
import os
import subprocess
import sys

import numpy as np

DT = 0.1
N, N_IN = 6, 3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    work = args.work
    os.makedirs(work, exist_ok=True)
    rng = np.random.RandomState(5)
    v0 = rng.uniform(-0.070, -0.060, N)          # volts
    order = rng.permutation(N)
    with gzip.open(os.path.join(work, "v0.csv.gz"), "wt") as f:
        f.write("neuron,v\n")
        f.writelines("%d,%r\n" % (i, v0[i]) for i in order)
    with gzip.open(os.path.join(work, "stim.csv.gz"), "wt") as f:
        f.write("neuron,time\n0,1.0\n1,2.5\n2,4.0\n")
    pre = np.array([0, 0, 1, 2, 2, 2])
    post = np.array([0, 3, 1, 2, 4, 5])
    w = np.array([0.030, 0.025, 0.030, 0.028, 0.030, 0.031])   # volts
    delay = np.array([0.0, 0.0005, 0.001, 0.0, 0.0002, 0.0013])  # seconds
    table = os.path.join(work, "syn.csv")
    np.savetxt(table, np.column_stack([pre, post, w, delay]),
               delimiter=",", header="i,j,w,delay", fmt="%.17g")
    with open(table, "rb") as f, gzip.open(table + ".gz", "wb") as g:
        g.write(f.read())
    os.remove(table)
    model = {
        "name": "data_file_units",
        "simulation": {"dt": DT, "duration": 10.0},
        "neuron_models": {"lif": {
            "parameters": {"tau": "10 ms"},
            "variables": {"v": "-65 mV"},
            "equations": ["dv/dt = (-65 mV - v) / tau"],
            "threshold": "v > -50 mV", "reset": ["v = -65 mV"]}},
        "populations": {"out": {"model": "lif", "size": N, "initial": {
            "v": {"file": "v0.csv.gz", "column": "v", "unit": "V",
                  "index": "neuron"}}}},
        "sources": {"stim": {"type": "spike_array", "size": N_IN,
                             "file": "stim.csv.gz"}},
        "projections": {"syn": {
            "pre": "stim", "post": "out", "target": "v",
            "connectivity": {"type": "list", "file": "syn.csv.gz"},
            "weight": {"from_list": "w", "unit": "V"},
            "delay": {"from_list": "delay", "unit": "s"}}},
        "record": {"spikes": ["out"],
                   "state": [{"population": "out", "variable": "v"}]},
    }
    path = os.path.join(work, "model.json")
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
    sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
    subprocess.run([args.snnc, path, "-o", sim], check=True)
    subprocess.run([sim, "--out", out, "--quiet", "--save-connectivity"],
                   check=True)
    ok = True
    v = np.load(os.path.join(out, "out_v.npy"))
    dv = float(np.max(np.abs(v[0] - v0 * 1000.0)))
    good = dv <= 1e-12
    ok &= good
    print("initial v by index, volts -> mV: largest difference %.3g mV: %s"
          % (dv, "OK" if good else "FAILED"))
    row_ptr = np.load(os.path.join(out, "syn_synapses_row_ptr.npy"))
    col = np.load(os.path.join(out, "syn_synapses_col.npy"))
    weight = np.load(os.path.join(out, "syn_synapses_weight.npy"))
    steps = np.load(os.path.join(out, "syn_synapses_delay.npy"))
    got = sorted((int(i), int(col[k]), float(weight[k]), int(steps[k]))
                 for i in range(N_IN)
                 for k in range(int(row_ptr[i]), int(row_ptr[i + 1])))
    want = sorted((int(a), int(b), c * 1000.0, int(round(d * 1000.0 / DT)))
                  for a, b, c, d in zip(pre, post, w, delay))
    good = (len(got) == len(want) and
            all(g[0] == x[0] and g[1] == x[1] and abs(g[2] - x[2]) <= 1e-12
                and g[3] == x[3] for g, x in zip(got, want)))
    ok &= good
    print("synapse table (# i,j,w,delay; V, s): %d synapses, weights (mV) %s,"
          " delays (steps) %s: %s" % (
              len(got), [round(g[2], 6) for g in got], [g[3] for g in got],
              "OK" if good else "FAILED"))
    t = np.load(os.path.join(out, "out_spikes_t.npy"))
    i = np.load(os.path.join(out, "out_spikes_i.npy"))
    spikes = sorted(zip(np.round(t / DT).astype(int).tolist(),
                        i.astype(int).tolist()))
    print("output spikes (step, neuron): %s" % spikes)
    print("data files: %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
