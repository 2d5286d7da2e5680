#!/usr/bin/env python3
"""The random streams of a simulator against an independent Philox4x32-10.

docs/runtime-abi.md fixes every draw as a function of (seed, entity, purpose,
element, step). This script recomputes, in plain Python integers:
  - the spikes of a Poisson source (drawn in generated code each step),
  - the uniform initial values of a population,
  - normal initial values (clipped), uniform Poisson rates (through the
    spikes they give) and uniform current amplitudes, on the CPU and on the
    emulated GPU,
  - the uniform weights and normal (clipped) delays of a projection whose
    synapses come from a list file, on both,
all drawn by generated code (the init kernels: the runtime draws nothing),
and requires the simulator's output to match bit for bit (f64) or exactly
(f32 spike draws).

Usage: philox_streams.py --snnc PATH --work DIR
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np

M32 = 0xFFFFFFFF


def philox4x32_10(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(10):
        if r:
            k0 = (k0 + 0x9E3779B9) & M32
            k1 = (k1 + 0xBB67AE85) & M32
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & M32, p1 & M32, \
                         ((p0 >> 32) ^ c3 ^ k1) & M32, p0 & M32
    return c0, c1, c2, c3


def draw(seed, entity, purpose, c0, c1, c2):
    key = (seed & M32, (seed >> 32) & M32)
    return philox4x32_10((c0 & M32, c1 & M32, c2 & M32,
                          ((entity << 4) | purpose) & M32), key)


def uniform53(x0, x1):
    return ((x0 >> 5) * 67108864 + (x1 >> 6)) * 2.0 ** -53


def uniform24(x0):
    return (x0 >> 8) * 2.0 ** -24


# A neuron that never spikes (its state is what the tests look at).
LEAKY = {"parameters": {"tau": 10.0},
         "variables": {"v": 0.0},
         "equations": ["dv/dt = -v / tau"],
         "threshold": "v > 1000",
         "reset": ["v = 0"],
         "method": "exact"}


def compile_and_run(args, path, name, target, sim_args=()):
    """Compiles model `path` for `target`, runs it; returns its output dir."""
    sim = os.path.join(args.work, "%s_%s" % (name, target))
    out = os.path.join(args.work, "%s_out_%s" % (name, target))
    subprocess.run([args.snnc, "--target=" + target, path, "-o", sim],
                   check=True)
    subprocess.run([sim, "--out", out, "--quiet"] + list(sim_args), check=True)
    return out


def normal(x):
    """Box-Muller, cosine branch (docs/runtime-abi.md)."""
    u1 = 1.0 - uniform53(x[0], x[1])
    u2 = uniform53(x[2], x[3])
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(6.283185307179586 * u2)


def drawn_values(args, seed):
    """Initial values, rates and amplitudes drawn by the init kernels."""
    dt, steps = 0.5, 200
    model = {
        "name": "drawn",
        "simulation": {"dt": dt, "duration": dt * steps, "seed": seed},
        "neuron_models": {"acc": {
            "variables": {"x": 0.0, "w": 0.0},
            "inputs": ["I"],
            "equations": ["dx/dt = I"],
            "threshold": "x > 1e9",
            "reset": ["x = 0"],
            "method": "euler"}},
        "populations": {
            "pad": {"model": "acc", "size": 3},
            "cells": {"model": "acc", "size": 40, "initial": {
                "w": {"normal": [0.5, 0.4], "clip": [0.0, 0.9]}}}},
        "sources": {"noise": {"type": "poisson", "size": 30,
                              "rate": {"uniform": ["5 Hz", "400 Hz"]}}},
        "currents": {
            "other": {"type": "constant", "target": "pad", "variable": "I",
                      "amplitude": 1.0},
            "bias": {"type": "constant", "target": "cells", "variable": "I",
                     "amplitude": {"uniform": [1.0, 3.0]}}},
        "record": {"spikes": ["noise"],
                   "state": [{"population": "cells", "variable": "w",
                              "every": steps},
                             {"population": "cells", "variable": "x",
                              "every": 1}]},
    }
    path = os.path.join(args.work, "drawn.json")
    with open(path, "w") as f:
        json.dump(model, f)
    # Entities: pad 0, cells 1, noise 2; currents other 0, bias 1.
    w = []
    for n in range(40):
        v = 0.5 + 0.4 * normal(draw(seed, 1, 2, n, 1, 0))
        w.append(min(max(v, 0.0), 0.9))
    rates = [5.0 + 395.0 * uniform53(*draw(seed, 2, 3, n, 0, 0)[:2])
             for n in range(30)]
    spikes = set()
    for step in range(steps):
        for n in range(30):
            x = draw(seed, 2, 1, n, step, step >> 32)
            if uniform53(x[0], x[1]) < rates[n] * dt * 1e-3:
                spikes.add((step, n))
    amp = [1.0 + 2.0 * uniform53(*draw(seed, 1, 8, n, 0, 0)[:2])
           for n in range(40)]
    ok = True
    for target in ("cpu", "cuda-emulate"):
        out = compile_and_run(args, path, "drawn", target)
        got_w = list(map(float, np.load(os.path.join(out, "cells_w.npy"))[0]))
        same = got_w == w
        clipped = sum(1 for v in w if v in (0.0, 0.9))
        print("%s normal initial values (%d clipped): %s"
              % (target, clipped, "OK" if same else "FAILED"))
        ok &= same
        t = np.load(os.path.join(out, "noise_spikes_t.npy"))
        i = np.load(os.path.join(out, "noise_spikes_i.npy"))
        got = set((int(round(a / dt)), int(b)) for a, b in zip(t, i))
        same = got == spikes
        print("%s uniform rates: %d spikes expected, %d recorded: %s"
              % (target, len(spikes), len(got), "OK" if same else "FAILED"))
        ok &= same
        # Euler, x0 = 0: x after the first step is dt * I.
        x1 = list(map(float, np.load(os.path.join(out, "cells_x.npy"))[1]))
        same = x1 == [dt * a for a in amp]
        print("%s uniform amplitudes: %s"
              % (target, "OK" if same else "FAILED %s vs %s"
                 % (x1[:3], [dt * a for a in amp[:3]])))
        ok &= same
    return ok


def list_values(args, seed):
    """Drawn weights and delays of a list projection (synapses from a file,
    values from the build kernels)."""
    dt = 0.1
    pairs = [(2, 1), (0, 2), (2, 0), (1, 1), (0, 0), (3, 2), (2, 2), (0, 1)]
    with open(os.path.join(args.work, "pairs.csv"), "w") as f:
        f.write("pre,post\n")
        for a, b in pairs:
            f.write("%d,%d\n" % (a, b))
    model = {
        "name": "listvalues",
        "simulation": {"dt": dt, "duration": 1.0, "seed": seed},
        "neuron_models": {"leaky": LEAKY},
        "populations": {"a": {"model": "leaky", "size": 4},
                        "b": {"model": "leaky", "size": 3}},
        "projections": {"ab": {
            "pre": "a", "post": "b", "target": "v",
            "connectivity": {"type": "list", "file": "pairs.csv"},
            "weight": {"uniform": [0.5, 1.5]},
            "delay": {"normal": ["1 ms", "0.3 ms"],
                      "clip": ["0.1 ms", "2 ms"]}}},
    }
    path = os.path.join(args.work, "listvalues.json")
    with open(path, "w") as f:
        json.dump(model, f)
    # CSR by pre, the file's order within a row; synapse s is its position.
    csr = [p for a in range(4) for p in pairs if p[0] == a]
    weights, delays = [], []
    for s_ in range(len(csr)):
        weights.append(0.5 + uniform53(*draw(seed, 0, 5, s_, 0, 0)[:2]))
        d = min(max(1.0 + 0.3 * normal(draw(seed, 0, 6, s_, 0, 0)), 0.1), 2.0)
        x = d / dt
        r = math.floor(abs(x))
        r += 1 if abs(x) - r >= 0.5 else 0
        delays.append(int(math.copysign(r, x)))
    ok = True
    for target in ("cpu", "cuda-emulate"):
        out = compile_and_run(args, path, "list", target,
                              ["--save-connectivity"])
        col = list(map(int, np.load(os.path.join(out, "ab_synapses_col.npy"))))
        w = list(map(float, np.load(os.path.join(out, "ab_synapses_weight.npy"))))
        dl = list(map(int, np.load(os.path.join(out, "ab_synapses_delay.npy"))))
        same = col == [b for _, b in csr] and w == weights and dl == delays
        print("%s list weights and delays (%d synapses): %s"
              % (target, len(csr), "OK" if same else
                 "FAILED %s %s %s" % (col, w, dl)))
        ok &= same
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    # Known-answer vectors (Random123's kat_vectors) for this implementation.
    assert philox4x32_10((0, 0, 0, 0), (0, 0)) == \
        (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)
    assert philox4x32_10((M32,) * 4, (M32, M32)) == \
        (0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd)
    assert philox4x32_10((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344),
                         (0xa4093822, 0x299f31d0)) == \
        (0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)
    print("philox known-answer vectors: OK")

    seed = 0x1234567890AB  # uses both key words
    dt, steps, rate = 0.5, 400, 30.0
    ok = True
    for precision in ("f64", "f32"):
        model = {
            "name": "streams",
            "simulation": {"dt": dt, "duration": dt * steps, "seed": seed,
                           "precision": precision},
            "neuron_models": {"leaky": LEAKY},
            "populations": {"cells": {"model": "leaky", "size": 7,
                                      "initial": {"v": {"uniform": [-2.0, 3.0]}}}},
            "sources": {"noise": {"type": "poisson", "size": 50, "rate": rate}},
            "record": {"spikes": ["noise"],
                       "state": [{"population": "cells", "variable": "v",
                                  "every": steps}]},
        }
        path = os.path.join(args.work, "streams_%s.json" % precision)
        with open(path, "w") as f:
            json.dump(model, f)
        sim = os.path.join(args.work, "sim_" + precision)
        out = os.path.join(args.work, "out_" + precision)
        subprocess.run([args.snnc, path, "-o", sim], check=True)
        subprocess.run([sim, "--out", out, "--quiet"], check=True)

        # Poisson spikes: entity 1 (populations first, then sources), purpose 1.
        p = rate * dt * 1e-3
        if precision == "f32":
            p = float(np.float32(p))
        expected = set()
        for step in range(steps):
            for i in range(50):
                x = draw(seed, 1, 1, i, step, step >> 32)
                u = uniform53(x[0], x[1]) if precision == "f64" else uniform24(x[0])
                if u < p:
                    expected.add((step, i))
        t = np.load(os.path.join(out, "noise_spikes_t.npy"))
        i = np.load(os.path.join(out, "noise_spikes_i.npy"))
        got = set((int(round(a / dt)), int(b)) for a, b in zip(t, i))
        same = got == expected
        ok &= same
        print("%s poisson: %d spikes expected, %d recorded: %s"
              % (precision, len(expected), len(got), "OK" if same else "FAILED"))

        # Initial values: entity 0, purpose 2, variable index 0.
        v0 = np.load(os.path.join(out, "cells_v.npy"))[0]
        expect_v = []
        for n in range(7):
            x = draw(seed, 0, 2, n, 0, 0)
            value = -2.0 + 5.0 * uniform53(x[0], x[1])
            expect_v.append(value if precision == "f64" else float(np.float32(value)))
        same = list(map(float, v0)) == expect_v
        ok &= same
        print("%s initial values: %s" % (precision, "OK" if same else
                                         "FAILED %s vs %s" % (list(v0), expect_v)))
    ok &= drawn_values(args, seed)
    ok &= list_values(args, seed)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
