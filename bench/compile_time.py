#!/usr/bin/env python3
"""Compile time of snnc against the size of a model's linear subsystem.

Models: a chain of N linear ODEs (dx0/dt = (1 - x0) / tau, dx_i/dt =
(x_{i-1} - x_i) / tau, method exact): its propagator is dense below the
diagonal as far as its entries stay above the smallest f64 (about 100 terms
per row at dt / tau = 0.01); and N independent decays (dx_i/dt = (1 - x_i) /
tau: 2 terms per row) for the cost that does not come from the propagator.
Each size is compiled to a simulator (`snnc model.json -o sim`, the default
-O3 pipeline) and to `--emit=core` (through convert-snn-to-core, where the
propagator is computed), timing the whole invocation: wall time and CPU time
(user + system) of the child. On a shared machine quote CPU times.

`--baseline PATH` times another snnc (e.g. a build of main) in the same run,
on `--baseline-kinds` and `--baseline-sizes`. Every invocation runs under
`--timeout` seconds; sizes beyond a timeout are skipped for that compiler.

Writes bench/results/compile-time-<date>.md (or --out).

Usage: /usr/bin/python3 bench/compile_time.py [--snnc build/bin/snnc]
         [--sizes 100,200,300,600,1000,2000] [--kinds chain,diag]
         [--baseline PATH [--baseline-sizes 100,200,300,600]] [--timeout 600]
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def chain_model(n, kind):
    variables = {"x%d" % i: 0 for i in range(n)}
    if kind == "chain":
        equations = ["dx0/dt = (1 - x0) / tau"] + [
            "dx%d/dt = (x%d - x%d) / tau" % (i, i - 1, i) for i in range(1, n)]
    else:
        equations = ["dx%d/dt = (1 - x%d) / tau" % (i, i) for i in range(n)]
    return {
        "name": "%s%d" % (kind, n),
        "simulation": {"dt": "0.1 ms", "duration": "10 ms"},
        "neuron_models": {"m": {
            "parameters": {"tau": "10 ms"}, "variables": variables,
            "equations": equations, "threshold": "x%d > 0.5" % (n - 1),
            "reset": ["x0 = 0"], "method": "exact"}},
        "populations": {"p": {"model": "m", "size": 10}},
        "record": {"spikes": ["p"]},
    }


def timed(command, timeout):
    """(wall s, CPU s) of running `command`, or None on timeout/failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    try:
        r = subprocess.run(command, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout,
                           universal_newlines=True)
    except subprocess.TimeoutExpired:
        return None
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        print("failed: %s\n%s" % (" ".join(command), r.stderr), file=sys.stderr)
        return None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    parser.add_argument("--baseline", help="another snnc to time alongside")
    parser.add_argument("--sizes", default="100,200,300,600,1000,2000")
    parser.add_argument("--kinds", default="chain,diag")
    parser.add_argument("--baseline-sizes", default="100,200,300,600")
    parser.add_argument("--baseline-kinds", default="chain")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--out")
    args = parser.parse_args()
    runs = [("snnc", args.snnc, args.kinds.split(","),
             [int(s) for s in args.sizes.split(",")])]
    if args.baseline:
        runs.append(("baseline", args.baseline, args.baseline_kinds.split(","),
                     [int(s) for s in args.baseline_sizes.split(",")]))

    work = tempfile.mkdtemp(prefix="snn-compile-time-")
    rows = []
    try:
        for label, snnc, kinds, sizes in runs:
            for kind in kinds:
                for n in sizes:
                    path = os.path.join(work, "%s%d.json" % (kind, n))
                    with open(path, "w") as f:
                        json.dump(chain_model(n, kind), f)
                    print("%s %s %d ..." % (label, kind, n), file=sys.stderr,
                          flush=True)
                    core = timed([snnc, path, "--emit=core", "-o",
                                  os.path.join(work, "core.mlir")], args.timeout)
                    exe = timed([snnc, path, "-o", os.path.join(work, "sim")],
                                args.timeout) if core else None
                    rows.append((kind, n, label, core, exe))
                    if exe is None:
                        break  # larger sizes would time out too
    finally:
        shutil.rmtree(work, ignore_errors=True)

    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    today = datetime.date.today().isoformat()
    load = os.getloadavg()[0]

    def cell(t):
        return "timeout (> %g s)" % args.timeout if t is None else "%.2f / %.2f" % t

    lines = [
        "# Compile time against the size of the linear subsystem",
        "",
        "- date: %s, commit %s%s" % (today, commit,
                                     ", baseline: %s" % args.baseline if args.baseline else ""),
        "- machine: %s, %d cores visible, %s; load average %.1f at the end "
        "(a shared machine: compare CPU times)" % (cpu, os.cpu_count(),
                                                    platform.platform(), load),
        "- `chain`: dx0/dt = (1 - x0) / tau, dx_i/dt = (x_{i-1} - x_i) / tau;"
        " `diag`: dx_i/dt = (1 - x_i) / tau; tau = 10 ms, dt = 0.1 ms, f64,"
        " 10 neurons",
        "- times in seconds, wall / CPU (user + system), of the whole snnc"
        " invocation",
        "",
        "| model | variables | compiler | `--emit=core` | `-o sim` (-O3) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kind, n, label, core, exe in rows:
        lines.append("| %s | %d | %s | %s | %s |" % (kind, n, label, cell(core),
                                                   cell(exe)))
    text = "\n".join(lines) + "\n"
    out = args.out or os.path.join(ROOT, "bench", "results",
                                   "compile-time-%s.md" % today)
    with open(out, "w") as f:
        f.write(text)
    print(text)
    print("written to %s" % out, file=sys.stderr)


if __name__ == "__main__":
    main()
