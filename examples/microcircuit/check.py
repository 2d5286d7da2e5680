#!/usr/bin/python3
"""Runs the microcircuit and checks its per-population firing rates.

    /usr/bin/python3 examples/microcircuit/check.py [--snnc build/bin/snnc]

Compiles microcircuit.json (or --model) with snnc, runs it for 1.1 s
(--duration), discards the first 100 ms (--skip: the transient of the random
initial potentials), computes each population's mean rate from the recorded
spikes and asserts the bands of README.md ("What to expect"). With --out DIR
and --no-run it only analyses the outputs of an earlier run.

Needs numpy: run it with Debian's Python (/usr/bin/python3).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
POPS = ["L23e", "L23i", "L4e", "L4i", "L5e", "L5i", "L6e", "L6i"]

# Published full-scale rates (Hz): Potjans & Diesmann (2014), Fig. 6; the
# values are those of NEST's reference simulation of the model (README.md).
REFERENCE = {"L23e": 0.971, "L23i": 2.868, "L4e": 4.746, "L4i": 5.396,
             "L5e": 8.142, "L5i": 9.078, "L6e": 0.991, "L6i": 7.523}

# Asserted bands (Hz): the excitatory populations, whose rates the model's
# layer structure determines most clearly.
BANDS = {"L23e": (0.3, 2.0), "L4e": (3.0, 6.0), "L5e": (5.0, 10.0),
         "L6e": (0.5, 2.0)}


def find_snnc():
    repo = os.path.dirname(os.path.dirname(HERE))
    built = os.path.join(repo, "build", "bin", "snnc")
    if os.path.exists(built):
        return built
    return shutil.which("snnc") or "snnc"


def rates(out, skip_ms, end_ms, sizes):
    result = {}
    for pop in POPS:
        t = np.load(os.path.join(out, pop + "_spikes_t.npy"))
        n = int(np.count_nonzero((t >= skip_ms) & (t < end_ms)))
        result[pop] = n / sizes[pop] / ((end_ms - skip_ms) * 1e-3)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--snnc", default=None, help="the compiler (default: "
                    "build/bin/snnc of this checkout, else snnc on PATH)")
    ap.add_argument("--model", default=os.path.join(HERE, "microcircuit.json"))
    ap.add_argument("--work", default="microcircuit-run",
                    help="directory for the simulator and its outputs")
    ap.add_argument("--out", default=None,
                    help="output directory (default: WORK/out)")
    ap.add_argument("--duration", type=float, default=1100.0, help="ms")
    ap.add_argument("--skip", type=float, default=100.0,
                    help="ms discarded at the start")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--no-run", action="store_true",
                    help="only analyse the outputs in --out")
    ap.add_argument("--no-bands", action="store_true",
                    help="print the rates without asserting the bands (for "
                         "scaled copies, which are not the model)")
    args = ap.parse_args()

    out = args.out or os.path.join(args.work, "out")
    if not args.no_run:
        os.makedirs(args.work, exist_ok=True)
        sim = os.path.join(args.work, "microcircuit")
        snnc = args.snnc or find_snnc()
        subprocess.run([snnc, args.model, "-o", sim], check=True)
        cmd = [sim, "--duration", str(args.duration), "--out", out]
        if args.seed is not None:
            cmd += ["--seed", str(args.seed)]
        subprocess.run(cmd, check=True)

    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    sizes = {p: summary["populations"][p]["size"] for p in POPS}
    end = summary["duration_ms"]
    if end <= args.skip:
        print("error: the run lasted %g ms, not more than the %g ms to skip"
              % (end, args.skip))
        return 1
    r = rates(out, args.skip, end, sizes)
    print("rates over [%g, %g) ms (seed %d, %s synapses):"
          % (args.skip, end, summary["seed"],
             format(summary["synapses_total"], ",")))
    ok = True
    for pop in POPS:
        line = "  %-5s %8.3f Hz   (reference %5.2f Hz)" % (
            pop, r[pop], REFERENCE[pop])
        if pop in BANDS and not args.no_bands:
            lo, hi = BANDS[pop]
            good = lo <= r[pop] <= hi
            ok &= good
            line += "   band [%g, %g]: %s" % (lo, hi, "OK" if good else "FAIL")
        print(line)
    print("build %.1f s, simulation %.1f s, real-time factor %.1f"
          % (summary["build_seconds"], summary["simulation_seconds"],
             summary["real_time_factor"]))
    print("microcircuit rates: %s" % ("OK" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
