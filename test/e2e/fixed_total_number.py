#!/usr/bin/env python3
"""fixed_total_number connectivity, end to end.

Compiles a small model with three fixed_total_number projections (a source
onto a population, a population onto itself without self-connections, and
one with n = 0), runs it with --save-connectivity and checks the synapses
against the rule of docs/runtime-abi.md recomputed here with an independent
Philox4x32-10 (philox_streams.py): synapse draw s of projection e is the
Philox output x at (purpose 4, entity e, c0 = 0, c1/c2 = s), pre =
floor(((x0 << 32) | x1) * npre / 2^64), post = floor(((x2 << 32) | x3) * m /
2^64) (m = npost, or npost - 1 and shifted past pre without self), then
rows by pre, each sorted by post. Then: another seed draws other synapses,
the same seed the same ones; and the cuda-emulate target (which draws these
projections with its build kernels) gives identical synapses and
spikes, and so does the cuda target through the fake CUDA driver
(--fakecuda). Every target draws them with the generated build kernels
(rows and fill over the synapse draws, then the row sort; the CPU on its
threads); the runtime has no builder of its own.

Usage: fixed_total_number.py --snnc PATH --work DIR [--fakecuda LIB]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from philox_streams import draw  # noqa: E402

M64 = (1 << 64) - 1


def pairs(seed, entity, npre, npost, n, exclude_self):
    pre = np.empty(n, dtype=np.int64)
    post = np.empty(n, dtype=np.int64)
    for s in range(n):
        x0, x1, x2, x3 = draw(seed, entity, 4, 0, s & 0xFFFFFFFF, s >> 32)
        i = (((x0 << 32) | x1) * npre) >> 64
        skip = exclude_self and i < npost
        m = npost - 1 if skip else npost
        j = (((x2 << 32) | x3) * m) >> 64
        if skip and j >= i:
            j += 1
        pre[s], post[s] = i, j
    return pre, post


def expected_csr(seed, entity, npre, npost, n, exclude_self):
    pre, post = pairs(seed, entity, npre, npost, n, exclude_self)
    order = np.lexsort((post, pre))  # by pre, then post
    row_ptr = np.zeros(npre + 1, dtype=np.int64)
    np.add.at(row_ptr, pre + 1, 1)
    return np.cumsum(row_ptr), post[order].astype(np.int32)


def model(seed):
    return {
        "name": "ftn",
        "simulation": {"dt": "0.1 ms", "duration": "200 ms", "seed": seed},
        "populations": {
            "a": {"model": "lif_current_exp", "size": 60,
                  "initial": {"v": {"uniform": ["-60 mV", "-50 mV"]}}},
            "b": {"model": "lif_current_exp", "size": 25}},
        "sources": {"s": {"type": "poisson", "size": 40, "rate": "40 Hz"}},
        "projections": {
            "sa": {"pre": "s", "post": "a", "target": "ge",
                   "connectivity": {"type": "fixed_total_number", "n": 1500},
                   "weight": {"normal": ["2 mV", "0.5 mV"],
                              "clip": ["0 mV", None]},
                   "delay": {"normal": ["1 ms", "0.5 ms"],
                             "clip": ["0.1 ms", None]}},
            "aa": {"pre": "a", "post": "a", "target": "gi",
                   "connectivity": {"type": "fixed_total_number",
                                    "n": 7000, "allow_self": False},
                   "weight": "-0.3 mV", "delay": "1.5 ms"},
            "ab": {"pre": "a", "post": "b", "target": "ge",
                   "connectivity": {"type": "fixed_total_number", "n": 0},
                   "weight": "1 mV"}},
        "record": {"spikes": ["a"]}}


SIZES = {"sa": (40, 60, 1500, False, 0), "aa": (60, 60, 7000, True, 1),
         "ab": (60, 25, 0, False, 2)}


def compile_and_run(snnc, work, name, seed, target=None, sim_args=()):
    path = os.path.join(work, name + ".json")
    with open(path, "w") as f:
        json.dump(model(seed), f)
    sim = os.path.join(work, name)
    cmd = [snnc, path, "-o", sim] + (["--target", target] if target else [])
    if target == "cuda":
        cmd.append("--host-kernels")
    subprocess.run(cmd, check=True)
    out = os.path.join(work, name + "-out")
    subprocess.run([sim, "--out", out, "--save-connectivity", "--quiet"]
                   + list(sim_args), check=True)
    with open(os.path.join(out, "summary.json")) as f:
        return out, json.load(f)


def load(out, proj, what):
    return np.load(os.path.join(out, "%s_synapses_%s.npy" % (proj, what)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--fakecuda",
                        help="also run --target=cuda --host-kernels through "
                             "this fake CUDA driver library")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    seed = 0x5EED0000ABCD  # both key words
    ok = True

    out, summary = compile_and_run(args.snnc, args.work, "cpu", seed)
    generated = sorted(p for p, r in summary["projections"].items()
                       if r.get("built_by") == "generated")
    good = generated == sorted(SIZES)
    print("cpu: drawn by the generated build kernels %s: %s"
          % (",".join(generated), "OK" if good else "FAIL"))
    ok &= good
    for proj, (npre, npost, n, exclude_self, e) in SIZES.items():
        row_ptr, col = load(out, proj, "row_ptr"), load(out, proj, "col")
        want_ptr, want_col = expected_csr(seed, e, npre, npost, n,
                                          exclude_self)
        same = (np.array_equal(row_ptr, want_ptr)
                and np.array_equal(col, want_col)
                and summary["projections"][proj]["synapses"] == n)
        pre = np.repeat(np.arange(npre), np.diff(row_ptr))
        keys = pre * npost + col.astype(np.int64)
        multapses = len(keys) - len(np.unique(keys))
        selfs = int(np.sum(pre == col)) if proj == "aa" else 0
        print("%s: %d synapses as documented, %s multapses, %d self: %s"
              % (proj, n, "with" if multapses else "without", selfs,
                 "OK" if same and selfs == 0 else "FAIL"))
        ok &= same and selfs == 0
        if proj == "aa" and multapses == 0:
            print("aa: expected multapses (7000 draws over 3540 pairs): FAIL")
            ok = False
    spikes = np.load(os.path.join(out, "a_spikes_i.npy"))
    print("a: %s spikes: %s" % ("some" if len(spikes) else "no",
                                "OK" if len(spikes) else "FAIL"))
    ok &= len(spikes) > 0

    again, _ = compile_and_run(args.snnc, args.work, "cpu2", seed)
    other, _ = compile_and_run(args.snnc, args.work, "cpu3", seed + 1)
    same_seed = all(np.array_equal(load(out, p, "col"), load(again, p, "col"))
                    for p in SIZES)
    other_seed = not np.array_equal(load(out, "aa", "col"),
                                    load(other, "aa", "col"))
    print("same seed, same synapses; another seed, others: %s"
          % ("OK" if same_seed and other_seed else "FAIL"))
    ok &= same_seed and other_seed

    emu, esummary = compile_and_run(args.snnc, args.work, "emulate", seed,
                                    "cuda-emulate",
                                    ["--threads=1", "--build-threads=7"])
    device = esummary["backend"]["connectivity"]["device"]
    same = all(np.array_equal(load(out, p, w), load(emu, p, w))
               for p in SIZES for w in ("row_ptr", "col")) and all(
        np.array_equal(load(out, "sa", w), load(emu, "sa", w))
        for w in ("weight", "delay"))
    spikes_same = all(
        np.array_equal(np.load(os.path.join(out, f)),
                       np.load(os.path.join(emu, f)))
        for f in ("a_spikes_i.npy", "a_spikes_t.npy"))
    good = same and spikes_same and sorted(device) == sorted(SIZES)
    print("cuda-emulate: built on the device %s, synapses %s, spikes %s: %s"
          % (",".join(sorted(device)), "identical" if same else "DIFFER",
             "identical" if spikes_same else "DIFFER",
             "OK" if good else "FAIL"))
    ok &= good
    if args.fakecuda:
        os.environ["SNNRT_CUDA_DRIVER"] = args.fakecuda
        os.environ["SNNRT_FAKECUDA_MAX_THREADS"] = "1"
        os.environ["SNNRT_FAKECUDA_SMS"] = "1"
        cuda, csummary = compile_and_run(args.snnc, args.work, "cuda", seed,
                                         "cuda", [])
        device = csummary["backend"]["connectivity"]["device"]
        same = all(np.array_equal(load(out, p, w), load(cuda, p, w))
                   for p in SIZES for w in ("row_ptr", "col"))
        spikes_same = all(
            np.array_equal(np.load(os.path.join(out, f)),
                           np.load(os.path.join(cuda, f)))
            for f in ("a_spikes_i.npy", "a_spikes_t.npy"))
        good = same and spikes_same and sorted(device) == sorted(SIZES)
        print("cuda (fake driver): built on the device %s, synapses %s, "
              "spikes %s: %s"
              % (",".join(sorted(device)), "identical" if same else "DIFFER",
                 "identical" if spikes_same else "DIFFER",
                 "OK" if good else "FAIL"))
        ok &= good
    print("fixed_total_number: %s" % ("OK" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
