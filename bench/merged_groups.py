#!/usr/bin/python3
"""Merged groups against separate loops: the same network compiled with and
without snn-merge-groups, snnc only.

The network: `--populations` populations of `--size` LIF neurons (CUBA's
model and initial values, examples/cuba), each projecting with p = 0.5
onto itself, the next one and the seventh after it (every fifth inhibitory),
so every population is of one model and the pass merges them all. For each
thread count the two simulators run alternately `--reps` times; the table
gives the median RTF of each, their ratio, the compile times (median) and
whether the spike trains are identical (they must be: the merge changes
loops, not arithmetic; a difference is reported as an error).

Usage: /usr/bin/python3 bench/merged_groups.py [--populations 100]
           [--size 40] [--threads 1,2] [--reps 5] [--duration 1000]
           [--name NAME]
Writes bench/results/merged-groups-<date>.md and .json.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import cpu_vs_brian2 as cvb  # noqa: E402


def network(populations, size, duration):
    with open(os.path.join(ROOT, "examples", "cuba", "cuba.json")) as f:
        m = json.load(f)
    exc = m["populations"]["exc"]
    pops = {"p%d" % i: {"model": exc["model"], "size": size,
                        "initial": exc.get("initial", {})}
            for i in range(populations)}
    projs = {}
    for i in range(populations):
        for j in sorted({i, (i + 1) % populations, (i + 7) % populations}):
            projs["c%d_%d" % (i, j)] = {
                "pre": "p%d" % i, "post": "p%d" % j,
                "target": "gi" if i % 5 == 0 else "ge",
                "connectivity": {"type": "fixed_probability", "p": 0.5},
                "weight": "-9 mV" if i % 5 == 0 else "1.62 mV"}
    m.update(name="groups_%dx%d" % (populations, size), populations=pops,
             projections=projs,
             record={"spikes": list(pops), "format": "npy"})
    m["simulation"]["duration"] = "%g ms" % duration
    return m


def compile_times(snnc, path, sim, merge, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        r = subprocess.run([snnc, path, "-o", sim,
                            "--merge-groups=" + ("true" if merge else "false")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            sys.exit("snnc failed: " + r.stdout[-2000:])
    return times


def spikes_of(out):
    import numpy  # Debian's python3-numpy
    return {f: numpy.load(os.path.join(out, f)).tobytes()
            for f in sorted(os.listdir(out)) if f.endswith(".npy")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--populations", type=int, default=100)
    ap.add_argument("--size", type=int, default=40)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--duration", type=float, default=1000.0)
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    ap.add_argument("--name", default=None)
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    date = datetime.date.today().isoformat()
    name = args.name or "merged-groups-" + date
    info = cvb.machine()
    work = tempfile.mkdtemp(prefix="snnc-groups-")
    path = os.path.join(work, "model.json")
    with open(path, "w") as f:
        json.dump(network(args.populations, args.size, args.duration), f)
    sims = {m: os.path.join(work, "sim_" + m) for m in ("merged", "apart")}
    compiled = {m: compile_times(args.snnc, path, sims[m], m == "merged",
                                 max(1, args.reps))
                for m in sims}
    rows = []
    for t in threads:
        rtf = {m: [] for m in sims}
        outs = {}
        for rep in range(args.reps):
            for m in sims:
                out = os.path.join(work, "%s-%d-%d" % (m, t, rep))
                r = cvb.run_snnc(sims[m], out, t, None, args.duration)
                if "error" in r:
                    sys.exit("%s failed: %s" % (m, r["error"]))
                rtf[m].append(r["rtf"])
                outs[m] = out
            cvb.log("threads %d rep %d: merged %.4f, apart %.4f" %
                    (t, rep + 1, rtf["merged"][-1], rtf["apart"][-1]))
        same = spikes_of(outs["merged"]) == spikes_of(outs["apart"])
        if not same:
            cvb.log("ERROR: the spike trains differ at %d threads" % t)
        rows.append({"threads": t,
                     "rtf_merged": statistics.median(rtf["merged"]),
                     "rtf_apart": statistics.median(rtf["apart"]),
                     "all_merged": rtf["merged"], "all_apart": rtf["apart"],
                     "identical": same, "rate_hz": r["rate_hz"],
                     "synapses": r["synapses"]})
    info["load_end"] = os.getloadavg()
    res = os.path.join(HERE, "results")
    os.makedirs(res, exist_ok=True)
    with open(os.path.join(res, name + ".json"), "w") as f:
        json.dump({"machine": info, "args": vars(args), "compile": compiled,
                   "rows": rows}, f, indent=1)
    lines = [
        "# Merged groups: one update loop against one per population",
        "",
        "- date: %s, commit %s" % (date, info["commit"]),
        "- machine: %s, %s cores (%s usable), %.1f GB" % (
            info["cpu"], info["cores"], info["usable_cores"],
            (info["memory_bytes"] or 0) / 1e9),
        "- load average at start %s, at end %s (a shared machine: the "
        "ratios, measured alternately in one run, are what to read)" % (
            "/".join("%.2f" % x for x in info["load_start"]),
            "/".join("%.2f" % x for x in info["load_end"])),
        "- network: %d populations of %d CUBA neurons (one model), %d "
        "synapses, %.0f ms at dt = 0.1 ms, f64, %d repetitions "
        "(medians), made by bench/merged_groups.py" % (
            args.populations, args.size, rows[0]["synapses"] or 0,
            args.duration, args.reps),
        "- compile (snnc model.json -o sim, median): merged %.2f s, apart "
        "%.2f s" % (statistics.median(compiled["merged"]),
                    statistics.median(compiled["apart"])),
        "",
        "| threads | RTF merged | RTF apart | apart / merged | rate (Hz) "
        "| spikes identical |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append("| %d | %.4f | %.4f | %.2fx | %.1f | %s |" % (
            r["threads"], r["rtf_merged"], r["rtf_apart"],
            r["rtf_apart"] / r["rtf_merged"], r["rate_hz"],
            "yes" if r["identical"] else "**no**"))
    with open(os.path.join(res, name + ".md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
