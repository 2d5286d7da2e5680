#!/usr/bin/env python3
"""GPU benchmark: snnc --target=cuda on CUBA and COBA, against snnc's own CPU
simulator on the same machine.

Two phases, because the GPU machine has no compiler toolchain:

  prepare (here, with snnc): compiles every benchmark network for the CUDA
      target (and the CPU target up to --cpu-max-size neurons), timing each
      whole `snnc` invocation: that is the compile time reported;
  run (on the GPU machine): runs every simulator in every step mode
      (persistent, graph, launch), reads summary.json, and writes a Markdown
      table and the raw numbers.

Networks: examples/cuba and examples/coba with `size` neurons (4:1 exc:inh)
and every neuron receiving `k` inputs on average (connection probability
k / size). k = 100 keeps the dynamics of the 4000-neuron originals; larger k
loads the synapses (weights scaled by sqrt(100 / k), which keeps the
variance of the input; the rates then change and are reported).
CUBA is also built with fixed_indegree connectivity at --indegree-sizes
(model "cuba-indegree": every neuron gets exactly 4k/5 excitatory and k/5
inhibitory inputs), which times the other family of device build kernels
(per-post sampling, then a scatter and a sort of every row).
And with additive pair STDP on its excitatory-to-excitatory synapses at
--stdp-sizes (model "cuba-stdp": the built-in stdp_additive into ge,
weights starting at the static weight, w_max twice it, a_pre 1 % of it):
the plastic step on the device (on_pre in the propagation, on_post per
post spike, per-neuron traces), against the static CUBA of the same size
in the same run.

Reported per run: real-time factor (RTF = simulation wall time / biological
time, the simulation phase only, network build excluded), synaptic events per
wall-clock second (each spike counts once per synapse of its row), rates.

Usage:
  bench/gpu_bench.py --phase prepare --snnc build/bin/snnc --work DIR
        [--sizes 4000,16000,64000,256000] [--indegrees 100,1000]
        [--duration 1000] [--gpu-arch sm_90] [--cpu-max-size 16000]
        [--indegree-sizes 64000] [--stdp-sizes 4000,64000]
  bench/gpu_bench.py --phase run --work DIR --out RESULTS_DIR
        [--modes persistent,graph,launch]
"""
import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def with_stdp(model):
    """`model` (a scaled CUBA) with additive pair STDP on exc_exc."""
    ee = model["projections"]["exc_exc"]
    value, unit = ee["weight"].split(None, 1)
    w = float(value)
    del ee["weight"]
    ee["synapse"] = "stdp_additive"
    ee["parameters"] = {"w_max": "%.9g %s" % (2 * w, unit),
                        "a_pre": "%.9g %s" % (0.01 * w, unit),
                        "a_post": "%.9g %s" % (-0.0105 * w, unit)}
    ee["initial"] = {"w": "%.9g %s" % (w, unit)}
    model["name"] += "_stdp"
    return model


def scaled_model(name, size, k, duration, indegree=False):
    with open(os.path.join(ROOT, "examples", name, name + ".json")) as f:
        model = json.load(f)
    model["name"] = "%s_%d_k%d%s" % (name, size, k,
                                     "_indegree" if indegree else "")
    model["populations"]["exc"]["size"] = size * 4 // 5
    model["populations"]["inh"]["size"] = size // 5
    model["simulation"]["duration"] = duration
    model["simulation"]["precision"] = "f32"
    scale = math.sqrt(100.0 / k)
    for projection in model["projections"].values():
        projection["connectivity"]["p"] = min(1.0, k / size)
        if indegree:
            pre = model["populations"][projection["pre"]]["size"]
            projection["connectivity"] = {
                "type": "fixed_indegree", "k": k * pre // size,
                "allow_self": projection["connectivity"].get("allow_self",
                                                             True)}
        w = projection["weight"]
        if isinstance(w, (int, float)):
            projection["weight"] = w * scale
        elif isinstance(w, str):
            value, unit = w.split(None, 1) if " " in w else (w, "")
            projection["weight"] = ("%.9g %s" % (float(value) * scale,
                                                  unit)).strip()
        else:
            sys.exit("benchmark: cannot scale weight %r of %s" % (w, name))
    model["record"] = {"spikes": []}
    return model


def prepare(args):
    os.makedirs(args.work, exist_ok=True)
    entries = []
    networks = [(name, size, k, "") for name in ("cuba", "coba")
                for size in args.sizes for k in args.indegrees]
    networks += [("cuba", size, k, "indegree") for size in args.indegree_sizes
                 for k in args.indegrees]
    networks += [("cuba", size, 100, "stdp") for size in args.stdp_sizes]
    for name, size, k, variant in networks:
        if k > size // 5:
            continue
        model = scaled_model(name, size, k, args.duration,
                             variant == "indegree")
        if variant == "stdp":
            model = with_stdp(model)
        tag = model["name"]
        path = os.path.join(args.work, tag + ".json")
        with open(path, "w") as f:
            json.dump(model, f, indent=1)
        entry = {"model": name + ("-" + variant if variant else ""),
                 "size": size, "k": k, "tag": tag}
        for target in ("cuda", "cpu"):
            if target == "cpu" and size > args.cpu_max_size:
                continue
            sim = os.path.join(args.work, "%s.%s" % (tag, target))
            cmd = [args.snnc, "--target=" + target, path, "-o", sim]
            if target == "cuda":
                cmd.insert(2, "--gpu-arch=" + args.gpu_arch)
            start = time.perf_counter()
            subprocess.run(cmd, check=True)
            entry["compile_" + target] = time.perf_counter() - start
            entry["sim_" + target] = os.path.basename(sim)
        print("compiled %s: cuda %.2f s%s" % (
            tag, entry["compile_cuda"],
            ", cpu %.2f s" % entry["compile_cpu"]
            if "compile_cpu" in entry else ""), flush=True)
        entries.append(entry)
    info = {"entries": entries, "duration_ms": args.duration,
            "gpu_arch": args.gpu_arch,
            "compile_machine": "%s, %d cores" % (platform.platform(),
                                                 os.cpu_count()),
            "commit": subprocess.run(["git", "-C", ROOT, "rev-parse",
                                      "--short", "HEAD"],
                                     stdout=subprocess.PIPE,
                                     universal_newlines=True).stdout.strip()}
    with open(os.path.join(args.work, "bench.json"), "w") as f:
        json.dump(info, f, indent=1)


def events(summary):
    """Synaptic events of a run: each spike of a presynaptic population
    counts once per synapse of its row (on average synapses / size)."""
    pops = summary["populations"]
    sizes = {name: p["size"] for name, p in pops.items()}
    spikes = {name: p["spikes"] for name, p in pops.items()}
    total = 0.0
    for proj in summary["projections"].values():
        pre = proj["pre"]
        total += spikes[pre] * proj["synapses"] / max(1, sizes[pre])
    return total


def run_one(work, sim, extra, timeout=None):
    out = os.path.join(work, "out-" + sim + "-" + "-".join(
        a.strip("-").replace("=", "_") for a in extra))
    try:
        r = subprocess.run([os.path.join(work, sim), "--quiet", "--out", out]
                           + extra, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": ["timed out after %g s" % timeout], "timeout": True}
    if r.returncode != 0:
        return {"error": r.stdout.strip().splitlines()[-1:]}
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    s["events"] = events(s)
    return s


def run(args):
    with open(os.path.join(args.work, "bench.json")) as f:
        info = json.load(f)
    date = datetime.date.today().isoformat()
    try:
        device = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version",
             "--format=csv,noheader"], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, universal_newlines=True).stdout.strip()
    except OSError as e:
        device = "unknown (nvidia-smi: %s)" % e.strerror
    rows = []
    md = None
    hung = set()  # modes that timed out once are not tried again
    for e in info["entries"]:
        row = dict(e)
        for mode in args.modes:
            if mode in hung:
                row[mode] = {"error": ["skipped: timed out on an earlier "
                                       "network"]}
                continue
            s = run_one(args.work, e["sim_cuda"], ["--gpu-mode=" + mode],
                        args.timeout)
            if s.get("timeout"):
                hung.add(mode)
            row[mode] = s
            print("%s %s: %s" % (e["tag"], mode, "error " + str(s["error"])
                                 if "error" in s else "RTF %.4g, %.3g events/s"
                                 % (s["real_time_factor"],
                                    s["events"] / max(1e-12, s["simulation_seconds"]))),
                  flush=True)
        if "sim_cpu" in e:
            row["cpu"] = run_one(args.work, e["sim_cpu"], [], args.timeout)
        rows.append(row)
        # Written after every row: a run cut short (the device tool's time
        # limit) still leaves the rows it finished.
        md = write_report(args, info, device, date, rows)
    if md is None:
        sys.exit("benchmark: no entries in bench.json")
    with open(md) as f:
        print(f.read(), end="")
    print("wrote", md)


def write_report(args, info, device, date, rows):
    def rtf(s):
        return s["real_time_factor"] if s and "error" not in s else None

    lines = ["# GPU benchmark: snnc --target=cuda", "",
             "- date: %s, commit %s" % (date, info["commit"]),
             "- device: %s; host %s, %d cores" % (device, platform.node(),
                                                   os.cpu_count()),
             "- compiled on: %s (--gpu-arch=%s)" % (info["compile_machine"],
                                                    info["gpu_arch"]),
             "- %g ms biological time at dt = 0.1 ms; f32; no recording; "
             "k = mean in-degree" % info["duration_ms"],
             "- RTF = simulation wall time / biological time (network build "
             "excluded); events/s = synaptic events / simulation wall time, "
             "best mode; CPU = snnc's CPU simulator, one thread, same machine",
             "",
             "- build = network set-up before the first step: connectivity "
             "drawn by the build kernels on the device",
             "",
             "| model | neurons | k | synapses | compile cuda (s) | build (s) | "
             + " | ".join("RTF %s" % m for m in args.modes)
             + " | events/s | CPU RTF | GPU speed-up | rate exc (Hz) |",
             "| --- " * (10 + len(args.modes)) + "|"]
    for r in rows:
        ok = [r[m] for m in args.modes if rtf(r.get(m)) is not None]
        best = min(ok, key=lambda s: s["real_time_factor"]) if ok else None
        cpu = rtf(r.get("cpu"))
        rate = "%.2f" % best["populations"]["exc"]["rate_hz"] if best else "-"
        lines.append("| %s | %d | %d | %s | %.2f | %s | %s | %s | %s | %s | %s |" % (
            r["model"], r["size"], r["k"],
            best["synapses_total"] if best else "-",
            r["compile_cuda"],
            "%.2f" % best["build_seconds"] if best else "-",
            " | ".join("%.4g" % rtf(r[m]) if rtf(r.get(m)) is not None
                       else "error" for m in args.modes),
            "%.3g" % (best["events"] / best["simulation_seconds"]) if best else "-",
            "%.4g" % cpu if cpu is not None else "-",
            "%.1fx" % (cpu / best["real_time_factor"]) if best and cpu else "-",
            rate))
    os.makedirs(args.out, exist_ok=True)
    md = os.path.join(args.out, "gpu-%s.md" % date)
    with open(md, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(args.out, "gpu-%s.json" % date), "w") as f:
        json.dump({"info": info, "device": device, "rows": rows}, f, indent=1)
    return md


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase", choices=["prepare", "run"], required=True)
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--sizes", default="4000,16000,64000,256000")
    ap.add_argument("--indegrees", default="100,1000")
    ap.add_argument("--indegree-sizes", default="64000")
    ap.add_argument("--stdp-sizes", default="4000,64000")
    ap.add_argument("--duration", type=float, default=1000.0)
    ap.add_argument("--gpu-arch", default="sm_90")
    ap.add_argument("--cpu-max-size", type=int, default=16000)
    ap.add_argument("--modes", default="persistent,graph,launch")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds one simulator run may take (run phase); a "
                    "mode that times out is skipped for later networks")
    args = ap.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.indegrees = [int(k) for k in args.indegrees.split(",")]
    args.indegree_sizes = [int(s) for s in args.indegree_sizes.split(",")
                           if s]
    args.stdp_sizes = [int(s) for s in args.stdp_sizes.split(",") if s]
    args.modes = args.modes.split(",")
    (prepare if args.phase == "prepare" else run)(args)


if __name__ == "__main__":
    main()
