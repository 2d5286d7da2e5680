#!/usr/bin/python3
"""CPU benchmark: snnc against Brian2 (C++ standalone) on the same machine.

For the CUBA and COBA benchmark networks (examples/cuba, examples/coba) at
several sizes, with the connection probability scaled so that every neuron
keeps 80 excitatory and 20 inhibitory inputs on average (the dynamics stay
those of the 4000-neuron network), measures:

  - snnc: compile time (the whole `snnc model.json -o sim`), build time of the
    network in the simulator, simulation wall time (summary.json);
  - Brian2 2.5 C++ standalone: the simulation wall time of its run
    (`device._last_run_time`, code generation and g++ excluded);

and writes a Markdown table with real-time factors (wall / biological time)
and the ratio Brian2 / snnc to bench/results/cpu-<date>.md. Both run one
after the other on this machine; quote the ratios, not the absolute times
(these machines are shared).

Usage: /usr/bin/python3 bench/cpu_vs_brian2.py [--sizes 4000,16000]
           [--duration 1000] [--snnc build/bin/snnc] [--out bench/results]
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def scaled_model(name, size, duration):
    """examples/<name>/<name>.json with `size` neurons (4:1 exc:inh) and the
    connection probability scaled to keep the in-degree."""
    with open(os.path.join(ROOT, "examples", name, name + ".json")) as f:
        model = json.load(f)
    n_exc, n_inh = size * 4 // 5, size // 5
    model["populations"]["exc"]["size"] = n_exc
    model["populations"]["inh"]["size"] = n_inh
    model["simulation"]["duration"] = duration
    p = 0.02 * 4000 / size
    for projection in model["projections"].values():
        projection["connectivity"]["p"] = p
    model["record"] = {"spikes": []}
    return model, p


def run_snnc(snnc, name, size, duration, work):
    model, _ = scaled_model(name, size, duration)
    path = os.path.join(work, "%s_%d.json" % (name, size))
    with open(path, "w") as f:
        json.dump(model, f)
    sim = os.path.join(work, "%s_%d" % (name, size))
    start = time.perf_counter()
    subprocess.run([snnc, path, "-o", sim], check=True)
    compile_s = time.perf_counter() - start
    out = os.path.join(work, "out_%s_%d" % (name, size))
    subprocess.run([sim, "--out", out, "--quiet"], check=True)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    spikes = sum(p["spikes"] for p in summary["populations"].values())
    return {"compile_s": compile_s, "build_s": summary["build_seconds"],
            "sim_s": summary["simulation_seconds"],
            "rate_hz": spikes / size / (duration / 1000.0),
            "synapses": summary["synapses_total"]}


def run_brian2(name, size, duration, work):
    os.environ["TMPDIR"] = work
    import brian2 as b2
    from brian2 import ms, mV, nS, pF
    b2.device.reinit()
    b2.device.activate()
    directory = os.path.join(work, "brian2_%s_%d" % (name, size))
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.logging.file_log = False
    b2.BrianLogger.log_level_error()
    b2.defaultclock.dt = 0.1 * ms
    n_exc = size * 4 // 5
    p = 0.02 * 4000 / size
    if name == "cuba":
        ns = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV,
              "Vr": -60 * mV, "El": -49 * mV, "we": (60 * 0.27 / 10) * mV,
              "wi": (-20 * 4.5 / 10) * mV}
        eqs = """dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
                 dge/dt = -ge / taue : volt
                 dgi/dt = -gi / taui : volt"""
        method = "exact"
    else:
        ns = {"Cm": 200 * pF, "gL": 10 * nS, "El": -60 * mV, "Ee": 0 * mV,
              "Ei": -80 * mV, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV,
              "Vr": -60 * mV, "we": 6 * nS, "wi": 67 * nS}
        eqs = """dv/dt = (gL * (El - v) + ge * (Ee - v) + gi * (Ei - v)) / Cm : volt (unless refractory)
                 dge/dt = -ge / taue : siemens
                 dgi/dt = -gi / taui : siemens"""
        method = "exponential_euler"
    group = b2.NeuronGroup(size, eqs, threshold="v > Vt", reset="v = Vr",
                           refractory=5 * ms, method=method, namespace=ns)
    # The initial values of the examples (without the conductances, COBA's
    # activity dies out).
    if name == "cuba":
        group.v = "Vr + rand() * (Vt - Vr)"
    else:
        group.v = "-65*mV + 5*mV * randn()"
        group.ge = "40*nS + 15*nS * randn()"
        group.gi = "200*nS + 120*nS * randn()"
    ce = b2.Synapses(group, group, on_pre="ge += we", namespace=ns)
    ci = b2.Synapses(group, group, on_pre="gi += wi", namespace=ns)
    ce.connect("i < %d" % n_exc, p=p)
    ci.connect("i >= %d" % n_exc, p=p)
    monitor = b2.SpikeMonitor(group)
    b2.run(duration * ms)
    b2.device.build(directory=directory, compile=True, run=True, debug=False)
    spikes = monitor.num_spikes
    return {"sim_s": float(b2.device._last_run_time),
            "rate_hz": spikes / size / (duration / 1000.0)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="4000,16000")
    parser.add_argument("--duration", type=float, default=1000.0)
    parser.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin", "snnc"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    parser.add_argument("--models", default="cuba,coba")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = tempfile.mkdtemp(prefix="snnc-bench-")
    rows = []
    try:
        for name in args.models.split(","):
            for size in sizes:
                print("%s %d: snnc..." % (name, size), file=sys.stderr, flush=True)
                s = run_snnc(args.snnc, name, size, args.duration, work)
                print("%s %d: brian2 (cpp_standalone, compiling)..." % (name, size),
                      file=sys.stderr, flush=True)
                b = run_brian2(name, size, args.duration, work)
                rows.append((name, size, s, b))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    bio = args.duration / 1000.0
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
    lines = [
        "# CPU benchmark: snnc vs Brian2 %s (C++ standalone)" % __import__("brian2").__version__,
        "",
        "- date: %s, commit %s" % (today, commit),
        "- machine: %s, %d cores visible, %s" % (cpu, os.cpu_count(), platform.platform()),
        "- %g ms biological time at dt = 0.1 ms; f64; 80 exc + 20 inh inputs per neuron;"
        " no spike recording" % args.duration,
        "- real-time factor (RTF) = simulation wall time / biological time;"
        " speed-up = Brian2 RTF / snnc RTF",
        "",
        "| model | neurons | synapses | snnc compile (s) | snnc build (s) | snnc RTF | Brian2 RTF | speed-up | rate snnc / Brian2 (Hz) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, size, s, b in rows:
        lines.append("| %s | %d | %d | %.2f | %.2f | %.4f | %.4f | %.1fx | %.1f / %.1f |" % (
            name, size, s["synapses"], s["compile_s"], s["build_s"], s["sim_s"] / bio,
            b["sim_s"] / bio, b["sim_s"] / s["sim_s"], s["rate_hz"], b["rate_hz"]))
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "cpu-%s.md" % today)
    with open(path, "w") as f:
        f.write(text)
    print("written to %s" % os.path.relpath(path, ROOT), file=sys.stderr)


if __name__ == "__main__":
    main()
