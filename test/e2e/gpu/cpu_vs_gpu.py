#!/usr/bin/env python3
"""CPU vs GPU agreement: the same model compiled for --target=cpu and for a
GPU target (cuda, or cuda-emulate: the CUDA backend's phases run on the host)
must give the same spikes.

Models:
  deterministic  the 1000-neuron LIF network of ../brian2/diff_deterministic.py
                 (list connectivity, heterogeneous delays, spike-array input,
                 refractory clamp, no random draws while running)
  cuba, coba     the examples (random connectivity and initial state drawn by
                 the runtime from the seed; chaotic dynamics)
  izhikevich     the example: per-neuron parameters from files, Gaussian
                 noise currents drawn every step (Philox and Box-Muller on
                 the device)
  synapses       inputs/synapses.json: every connectivity rule and random weight
                 and delay that GPU targets draw on the device (the CPU
                 draws them on the host: identical trains need identical
                 synapses)
  poisson        ../inputs/poisson-input.json: Poisson inputs into a clamped
                 voltage and into counters (binomial draws on the device),
                 with recurrent synapses through a delay ring
  plastic        ../inputs/plastic-mix.json: synapse models (pair STDP that
                 reads v_post, per-neuron pre traces, drawn initial values,
                 a model that subtracts from the post neuron) beside a
                 static projection
  plastic_delays the same with a constant delay on the recurrent plastic
                 projection and per-synapse delays on the input one (on_pre
                 at arrival, through the spike history)

Checks (one line each, ending in OK or FAILED):
  f64, deterministic: identical spike trains over the whole run
  f32, deterministic: identical trains for the first 100 ms, spike counts
                      within 1%
  cuba/coba: spike counts within --count-tolerance (default 1%); the first
             difference of the trains is printed as information (these
             networks are chaotic: one ulp of difference in a sum eventually
             changes a spike, after which the trains diverge)
  every model: the synapses (both simulators run with --save-connectivity:
             row pointers, columns, weights and delays of every projection)
             identical, byte for byte, whichever side drew them
  plastic models, f64: identical spike trains, and the final weights of
             the plastic projections within 1e-12 relative (the order of
             the additions into the post neurons differs: one ulp of a
             voltage read by a rule shows in a weight); the synapses
             themselves (row pointers, columns) identical; f32: spike
             counts within the tolerance
With --exact, every spike train and every recorded voltage must be
identical, bit for bit (one emulated thread sums in the CPU's order), and
so must the plastic weights.

Usage: cpu_vs_gpu.py --snnc SNNC --work DIR --target cuda|cuda-emulate
           [--sim-arg=ARG ...] [--snnc-arg=ARG ...] [--models deterministic,cuba,...]
           [--precision f64|f32] [--exact] [--phase all|prepare|run]

--phase prepare only compiles (on a machine with snnc), --phase run only
runs and compares what `prepare` left in DIR (on the GPU machine, which has
no snnc; data files must be at the same absolute paths as when compiled).
"""
import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "brian2"))
import b2common as bc  # noqa: E402
import diff_deterministic as dd  # noqa: E402

import numpy as np  # noqa: E402

EXAMPLES = os.path.join(HERE, "..", "..", "..", "examples")


def compile_model(snnc, model, sim, target, extra=()):
    r = subprocess.run([snnc, "--target=" + target, model, "-o", sim]
                       + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if r.returncode != 0:
        print("snnc --target=%s failed (exit %d):\n%s"
              % (target, r.returncode, r.stdout))
        sys.exit(1)


def run(sim, out, args):
    return bc.run_sim(sim, out, *args)


def with_precision(src, dst, precision, duration=None):
    with open(src) as f:
        model = json.load(f)
    model["simulation"]["precision"] = precision
    if duration is not None:
        model["simulation"]["duration"] = duration
    # Data files are resolved against the model's directory: keep the copy
    # next to the original.
    bc.write_json(dst, model)
    return dst


PLASTIC = ("in_exc", "exc_exc")  # the plastic projections of plastic-mix
WEIGHT_TOLERANCE = 1e-12


def plastic_model(work, name, precision, duration):
    """plastic-mix.json, with delays for plastic_delays."""
    with open(os.path.join(HERE, "..", "inputs", "plastic-mix.json")) as f:
        model = json.load(f)
    if name == "plastic_delays":
        model["projections"]["exc_exc"]["delay"] = "1.5 ms"
        model["projections"]["in_exc"]["delay"] = {"uniform": ["0 ms", "3 ms"]}
    dst = os.path.join(work, name + ".json")
    bc.write_json(dst, model)
    return with_precision(dst, dst, precision, duration)


def compare_plastic_weights(label, out_cpu, out_gpu, exact):
    """The final weights of the plastic projections (record.weights): the
    same synapses, values within WEIGHT_TOLERANCE relative (0 with exact)."""
    ok = True
    for p in PLASTIC:
        load = lambda d, s: np.load(os.path.join(d, p + s))  # noqa: E731
        same = all(np.array_equal(load(out_cpu, s), load(out_gpu, s))
                   for s in ("_weights_pre.npy", "_weights_post.npy"))
        a, b = load(out_cpu, "_weights.npy"), load(out_gpu, "_weights.npy")
        rel = 0.0
        if same and a.size:
            scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)
            rel = float(np.max(np.abs(a - b) / scale))
        good = same and (rel == 0.0 if exact else rel <= WEIGHT_TOLERANCE)
        print("%s %s: %d plastic weights, largest relative difference %.2g: "
              "%s" % (label, p, a.size, rel, "OK" if good else "FAILED"))
        ok &= good
    return ok


def compare_synapses(label, out_cpu, out_gpu, plastic=()):
    """The saved connectivity of both runs, byte for byte; but for the
    weights of the `plastic` projections, which change in the run (compared
    apart, within a tolerance: compare_plastic_weights)."""
    changed = {p + "_synapses_weight.npy" for p in plastic}

    def arrays(out):
        return sorted(f for f in os.listdir(out)
                      if "_synapses_" in f and f.endswith(".npy")
                      and f not in changed)
    names = arrays(out_cpu)
    problem = None
    if names != arrays(out_gpu):
        only_cpu = sorted(set(names) - set(arrays(out_gpu)))
        only_gpu = sorted(set(arrays(out_gpu)) - set(names))
        problem = "only on the CPU: %s; only on the GPU: %s" % (
            ", ".join(only_cpu) or "-", ", ".join(only_gpu) or "-")
    elif not names:
        problem = "no synapse files"
    else:
        for f in names:
            if not filecmp.cmp(os.path.join(out_cpu, f),
                               os.path.join(out_gpu, f), shallow=False):
                problem = "%s differs" % f
                break
    print("%s: synapses identical (%d arrays): %s%s"
          % (label, len(names), "OK" if problem is None else "FAILED",
             "" if problem is None else " (" + problem + ")"))
    return problem is None


def spikes(out, pops):
    return {p: bc.snnc_spikes(out, p) for p in pops}


def compare(name, cpu, gpu, pops, check_ms=None, count_tol=None,
            exact=False, state=None):
    ok = True
    first_all = None
    for p in pops:
        a, b = cpu[p], gpu[p]
        first = bc.first_difference(a, b)
        if first is not None:
            first_all = first if first_all is None else min(first_all, first)
        na, nb = len(a[0]), len(b[0])
        rel = abs(nb - na) / max(na, 1)
        print("%s %s: cpu %d spikes, gpu %d spikes (%+.2f%%), first "
              "difference: %s" % (name, p, na, nb, 100.0 * (nb - na) / max(na, 1),
                                  "none" if first is None
                                  else "%.1f ms" % (first * bc.DT)))
        if count_tol is not None and rel > count_tol:
            ok = False
    if exact or check_ms is None and count_tol is None:
        same = first_all is None
        print("%s: identical spike trains over the run: %s"
              % (name, "OK" if same else "FAILED"))
        ok = ok and same
    if check_ms is not None:
        same = first_all is None or first_all * bc.DT >= check_ms
        print("%s: identical spike trains for the first %g ms: %s"
              % (name, check_ms, "OK" if same else "FAILED"))
        ok = ok and same
    if count_tol is not None:
        print("%s: spike counts within %g%%: %s"
              % (name, 100 * count_tol, "OK" if ok else "FAILED"))
    if state is not None:
        va, vb = state
        if va.shape != vb.shape:
            print("%s: recorded state differs in shape: cpu %s, gpu %s: FAILED"
                  % (name, va.shape, vb.shape))
            return False
        horizon = va.shape[0] if first_all is None else min(first_all,
                                                            va.shape[0])
        dv = float(np.max(np.abs(va[:horizon] - vb[:horizon]))) if horizon else 0.0
        print("%s: max |v_cpu - v_gpu| before %.1f ms: %.3g mV"
              % (name, horizon * bc.DT, dv))
        if exact:
            same = bool(np.array_equal(va, vb))
            print("%s: recorded state bit-identical: %s"
                  % (name, "OK" if same else "FAILED"))
            ok = ok and same
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc")
    ap.add_argument("--work", required=True)
    ap.add_argument("--target", required=True,
                    choices=["cuda", "cuda-emulate"])
    ap.add_argument("--sim-arg", action="append", default=[],
                    help="argument for the GPU simulator (repeatable)")
    ap.add_argument("--snnc-arg", action="append", default=[],
                    help="argument for snnc when it compiles the GPU "
                    "simulator (repeatable), e.g. --host-kernels")
    ap.add_argument("--models",
                    default="deterministic,cuba,coba,izhikevich,synapses,"
                    "poisson,plastic,plastic_delays")
    ap.add_argument("--precision", choices=["f64", "f32"], default="f64")
    ap.add_argument("--duration", type=float, default=None,
                    help="ms, for cuba/coba (default: the example's)")
    ap.add_argument("--count-tolerance", type=float, default=0.01)
    ap.add_argument("--exact", action="store_true")
    ap.add_argument("--phase", choices=["all", "prepare", "run"],
                    default="all")
    args = ap.parse_args()
    if args.phase != "run" and not args.snnc:
        ap.error("--snnc is needed to compile")
    bc.setup_scratch(args.work)
    ok = True
    for name in args.models.split(","):
        work = os.path.join(args.work, name)
        os.makedirs(work, exist_ok=True)
        if args.phase == "run":
            with open(os.path.join(work, "pops.json")) as f:
                pops = json.load(f)
        elif name == "deterministic":
            projections, _ = dd.generate(work)
            model = dd.write_model(work, projections)
            model = with_precision(model, model, args.precision)
            pops = list(dd.N) + ["stim"]
        elif name in ("plastic", "plastic_delays"):
            model = plastic_model(work, name, args.precision, args.duration)
            with open(model) as f:
                pops = json.load(f)["record"]["spikes"]
        elif name in ("synapses", "poisson"):
            source = {"synapses": os.path.join(HERE, "inputs", "synapses.json"),
                      "poisson": os.path.join(HERE, "..", "inputs",
                                              "poisson-input.json")}[name]
            model = with_precision(source,
                                   os.path.join(work, name + ".json"),
                                   args.precision, args.duration)
            with open(model) as f:
                pops = json.load(f)["record"]["spikes"]
        else:
            # A copy of the example's folder: its data files are found
            # relative to the model file.
            shutil.copytree(os.path.join(EXAMPLES, name), work,
                            dirs_exist_ok=True)
            model = os.path.join(work, name + ".json")
            model = with_precision(model, model, args.precision,
                                   args.duration)
            with open(model) as f:
                pops = json.load(f)["record"]["spikes"]
        sims = {t: os.path.join(work, "sim-" + t) for t in ("cpu", args.target)}
        if args.phase != "run":
            for target, sim in sims.items():
                compile_model(args.snnc, model, sim, target,
                              args.snnc_arg if target != "cpu" else ())
            bc.write_json(os.path.join(work, "pops.json"), pops)
            if args.phase == "prepare":
                print("%s: compiled for cpu and %s" % (name, args.target))
                continue
        out_cpu = os.path.join(work, "out-cpu")
        out_gpu = os.path.join(work, "out-gpu")
        run(sims["cpu"], out_cpu, ["--save-connectivity"])
        summary = run(sims[args.target], out_gpu,
                      ["--save-connectivity"] + args.sim_arg)
        cpu, gpu = spikes(out_cpu, pops), spikes(out_gpu, pops)
        state = None
        if name == "deterministic":
            state = (np.load(os.path.join(out_cpu, "exc_v.npy")),
                     np.load(os.path.join(out_gpu, "exc_v.npy")))
        label = "%s %s" % (name, args.precision)
        plastic = name in ("plastic", "plastic_delays")
        ok &= compare_synapses(label, out_cpu, out_gpu,
                               PLASTIC if plastic else ())
        if plastic and args.precision == "f64":
            ok &= compare(label, cpu, gpu, pops, exact=True)
            ok &= compare_plastic_weights(label, out_cpu, out_gpu, args.exact)
        elif name == "deterministic" and args.precision == "f64":
            ok &= compare(label, cpu, gpu, pops, exact=args.exact, state=state)
        elif name == "deterministic":
            ok &= compare(label, cpu, gpu, pops, check_ms=100.0,
                          count_tol=0.01, exact=args.exact, state=state)
        else:
            ok &= compare(label, cpu, gpu, pops, count_tol=args.count_tolerance,
                          exact=args.exact)
        print("%s: gpu simulation %.3f s for %.0f ms (real-time factor %.3g)"
              % (label, summary.get("simulation_seconds", float("nan")),
                 summary.get("steps", 0) * summary.get("dt", 0),
                 summary.get("real_time_factor", float("nan"))))
    if args.phase == "prepare":
        return
    print("CPU vs %s %s: %s" % (args.target, " ".join(args.sim_arg),
                               "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
