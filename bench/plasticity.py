#!/usr/bin/python3
"""Plasticity benchmark: STDP synapses against static ones, snnc against
Brian2's C++ standalone mode, same machine, one run (issue 12).

Networks: CUBA (examples/cuba, `exact` integration on both sides) at
`--sizes` neurons (4:1 exc:inh; default 4000 and 10000) with a mean
in-degree k (`--indegree`, default 80: p = k / neurons for every
projection, the convention of cpu_vs_brian2.py, which keeps the dynamics of
the 4000-neuron example at every size; another k scales the weights by
sqrt(80 / k)). Every network comes in two variants:

  static   the network as cpu_vs_brian2.py builds it: four projections with
           `target` + a constant `weight` (1.62 mV, -9 mV), delay 0
  plastic  the same, with exc -> exc given the synapse model `stdp`:
           additive all-to-all pair STDP with event-driven traces,
             dapre/dt = -apre / tau_pre    (event-driven)
             dapost/dt = -apost / tau_post (event-driven)
             on_pre:  ge_post += w; apre += a_pre; w = clip(w + apost, 0, w_max)
             on_post: apost += a_post; w = clip(w + apre, 0, w_max)
           w starts at the static weight we (1.62 mV at k = 80), w_max = 2 we,
           tau_pre = tau_post = 20 ms, a_pre = --amplitude x we (default
           0.01), a_post = -1.05 a_pre (depression slightly dominant, as in
           Song, Miller & Abbott 2000): small steps, so the activity stays
           that of CUBA over the run.

Brian2 gets the same network (one NeuronGroup, method='exact', the same
initial values; four Synapses objects between its exc and inh subgroups,
mirroring snnc's four projections, in both variants; the plastic exc -> exc
with the same equations marked (event-driven) and the same statements), is
generated and compiled in its own Python process per project (this script
with --brian2-build: the harness itself never imports Brian2), with the
wall clock around Network::run, the counting SpikeMonitor and the exit
before the final dump of cpu_vs_brian2.py's bench/brian2_net.py, and after
the run writes the spike counts, synapse counts and the plastic weights'
sum (and how many sit at 0 and at w_max) to results/bench_run.json.

For every thread count in --threads (default 1,2: snnc --threads N; Brian2
without OpenMP for 1, OpenMP with N threads otherwise) the engines run
alternately, --reps times: snnc static, snnc plastic, Brian2 static, Brian2
plastic (1 thread), then the same with 2 threads, then the next repetition.
RTF = simulation wall time / biological time: snnc's summary.json
`simulation_seconds` (network build excluded), Brian2's wall clock around
Network::run (cpu_vs_brian2.py's run_snnc and run_brian2). Medians are
reported. The plastic snnc simulator records the exc -> exc weights
(record.weights, written after the run, outside simulation_seconds); the
static one records nothing.

Writes bench/results/plasticity-<date>.md and .json (every repetition),
rewritten after every network; progress on stderr.

Usage: /usr/bin/python3 bench/plasticity.py [--sizes 4000,10000]
           [--indegree 80] [--weight-ref 80] [--reps 5] [--duration 5000]
           [--threads 1,2] [--amplitude 0.01] [--name NAME]
           [--snnc build/bin/snnc] [--no-brian2] [--keep]
       /usr/bin/python3 bench/plasticity.py --report-from RESULT.json

The defaults take about 4 minutes on 2 cores of an AMD EPYC (half of it
Brian2's 8 builds). The 10,000-neuron network at CUBA-4000's connection
probability (p = 0.02, k = 200, CUBA's weights unscaled):
  --sizes 10000 --indegree 200 --weight-ref 200   (about 5 minutes)
"""
import argparse
import copy
import datetime
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import brian2_net  # noqa: E402  (connection(); does not import brian2)
import cpu_vs_brian2 as cvb  # noqa: E402  (runs children, machine info)

TAU_PRE_MS = 20.0
TAU_POST_MS = 20.0
W_MAX_FACTOR = 2.0      # w_max = 2 x the static weight
POST_RATIO = 1.05       # a_post = -1.05 a_pre (tau_pre = tau_post)
WE_MV = 1.62            # CUBA's weights at k = 80
WI_MV = -9.0
SEED = 42
log = cvb.log


def stdp_constants(indegree, weight_ref, amplitude):
    """we, wi, w_max, a_pre, a_post in mV for a network of mean in-degree
    k (weights scaled as brian2_net.connection scales them)."""
    scale = math.sqrt(float(weight_ref) / indegree)  # as brian2_net
    we = WE_MV * scale
    a_pre = amplitude * we
    return {"we": we, "wi": WI_MV * scale, "w_max": W_MAX_FACTOR * we,
            "a_pre": a_pre, "a_post": -POST_RATIO * a_pre * TAU_PRE_MS
            / TAU_POST_MS}


# --------------------------------------------------------------------------
# snnc models

def snnc_models(size, k, weight_ref, duration, c):
    """The static and the plastic snnc model of one network."""
    static = cvb.snnc_model("cuba", size, k, weight_ref, duration)
    static["simulation"]["seed"] = SEED
    static["name"] = "cuba_%d_k%d_static" % (size, k)
    plastic = copy.deepcopy(static)
    plastic["name"] = "cuba_%d_k%d_plastic" % (size, k)
    plastic["synapse_models"] = {"stdp": {
        "description": "additive all-to-all pair STDP, event-driven traces",
        "parameters": {"tau_pre": "%.17g ms" % TAU_PRE_MS,
                       "tau_post": "%.17g ms" % TAU_POST_MS,
                       "w_max": "%.17g mV" % c["w_max"],
                       "a_pre": "%.17g mV" % c["a_pre"],
                       "a_post": "%.17g mV" % c["a_post"]},
        "variables": {"w": "%.17g mV" % c["we"], "apre": "0 mV",
                      "apost": "0 mV"},
        "weight": "w",
        "equations": ["dapre/dt = -apre / tau_pre (event-driven)",
                      "dapost/dt = -apost / tau_post (event-driven)"],
        "on_pre": ["ge_post += w", "apre += a_pre",
                   "w = clip(w + apost, 0, w_max)"],
        "on_post": ["apost += a_post", "w = clip(w + apre, 0, w_max)"]}}
    ee = plastic["projections"]["exc_exc"]
    if ee.get("target") != "ge":
        sys.exit("plasticity: examples/cuba's exc_exc is not a ge projection")
    del ee["target"], ee["weight"]
    ee["synapse"] = "stdp"
    plastic["record"] = {"spikes": [], "weights": ["exc_exc"],
                         "format": "npy"}
    return static, plastic


def snnc_extras(r, out, variant, c):
    """Per-population rates, plastic synapses and weights of an snnc run
    (r: cvb.run_snnc's result, with its summary)."""
    s = r.pop("summary")
    bio = s.get("duration_ms") / 1000.0
    pops = s["populations"]
    r["rate_exc_hz"] = pops["exc"]["spikes"] / float(pops["exc"]["size"]) / bio
    r["rate_inh_hz"] = pops["inh"]["spikes"] / float(pops["inh"]["size"]) / bio
    r["threads_used"] = s.get("threads")
    if variant == "plastic":
        import numpy  # Debian's python3-numpy
        w = numpy.load(os.path.join(out, "exc_exc_weights.npy"))
        r["plastic_synapses"] = int(len(w))
        r["w_mean_mv"] = float(w.mean()) if len(w) else None
        r["w_at_max"] = float(numpy.mean(w >= c["w_max"] * (1 - 1e-9)))
        r["w_at_zero"] = float(numpy.mean(w <= 0.0))
        expected = s["projections"]["exc_exc"]["synapses"]
        if expected != len(w):
            r["note"] = "summary has %d exc_exc synapses, weights %d" % (
                expected, len(w))
    return r


# --------------------------------------------------------------------------
# Brian2 (the --brian2-build side: runs in its own process)

def brian2_build(a):
    os.environ["TMPDIR"] = a.dir  # Brian2's scratch files
    import brian2 as b2
    from brian2 import ms, mV

    start = time.perf_counter()
    b2.set_device("cpp_standalone", directory=a.dir, build_on_run=False)
    b2.prefs.logging.file_log = False
    b2.prefs.logging.delete_log_on_exit = True
    b2.BrianLogger.log_level_error()
    b2.prefs.devices.cpp_standalone.openmp_threads = (
        a.threads if a.threads > 1 else 0)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [
        "-j%d" % a.make_jobs]
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(SEED)

    size = a.size
    n_exc = size * 4 // 5
    p, _ = brian2_net.connection(size, a.indegree, a.weight_ref)
    c = stdp_constants(a.indegree, a.weight_ref, a.amplitude)
    ns = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms,
          "Vt": -50 * mV, "Vr": -60 * mV, "El": -49 * mV,
          "we": c["we"] * mV, "wi": c["wi"] * mV,
          "tau_pre": TAU_PRE_MS * ms, "tau_post": TAU_POST_MS * ms,
          "w_max": c["w_max"] * mV, "a_pre": c["a_pre"] * mV,
          "a_post": c["a_post"] * mV}
    eqs = """dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
             dge/dt = -ge / taue : volt
             dgi/dt = -gi / taui : volt"""
    group = b2.NeuronGroup(size, eqs, threshold="v > Vt", reset="v = Vr",
                           refractory=5 * ms, method="exact", namespace=ns)
    group.v = "Vr + rand() * (Vt - Vr)"
    exc, inh = group[:n_exc], group[n_exc:]
    if a.variant == "plastic":
        ee = b2.Synapses(
            exc, exc,
            model="""w : volt
                     dapre/dt = -apre / tau_pre : volt (event-driven)
                     dapost/dt = -apost / tau_post : volt (event-driven)""",
            on_pre="""ge_post += w
                      apre += a_pre
                      w = clip(w + apost, 0*mV, w_max)""",
            on_post="""apost += a_post
                       w = clip(w + apre, 0*mV, w_max)""",
            namespace=ns, name="ee")
    else:
        ee = b2.Synapses(exc, exc, on_pre="ge_post += we", namespace=ns,
                         name="ee")
    ei = b2.Synapses(exc, inh, on_pre="ge_post += we", namespace=ns,
                     name="ei")
    ie = b2.Synapses(inh, exc, on_pre="gi_post += wi", namespace=ns,
                     name="ie")
    ii = b2.Synapses(inh, inh, on_pre="gi_post += wi", namespace=ns,
                     name="ii")
    for s in (ee, ei, ie, ii):
        s.connect(p=p)
    if a.variant == "plastic":
        ee.w = "we"
    monitor = b2.SpikeMonitor(group, record=False)

    dev = b2.get_device()
    n_spikes = dev.get_array_name(monitor.variables["N"])
    count = dev.get_array_name(monitor.variables["count"])
    pres = [dev.get_array_name(s.variables["_synaptic_pre"],
                               access_data=False) for s in (ee, ei, ie, ii)]
    weights = ""
    if a.variant == "plastic":
        wname = dev.get_array_name(ee.variables["w"], access_data=False)
        # SI units (volt); w_max in volt, as Brian2 stores it.
        weights = r"""
    {
        double _bench_wsum = 0.0;
        long _bench_atmax = 0, _bench_atzero = 0;
        const double _bench_wmax = %r;
        for (size_t _s = 0; _s < %s.size(); _s++) {
            const double _w = %s[_s];
            _bench_wsum += _w;
            if (_w >= _bench_wmax * (1 - 1e-9)) _bench_atmax++;
            if (_w <= 0.0) _bench_atzero++;
        }
        _bench_out << ", \"plastic_synapses\": " << %s.size()
                   << ", \"w_sum_si\": " << _bench_wsum
                   << ", \"w_at_max\": " << _bench_atmax
                   << ", \"w_at_zero\": " << _bench_atzero;
    }""" % (c["w_max"] * 1e-3, wname, wname, wname)
    dev.insert_code("before_network_run", """
struct timespec _bench_t0, _bench_t1;
clock_gettime(CLOCK_MONOTONIC, &_bench_t0);""")
    dev.insert_code("after_network_run", r"""
clock_gettime(CLOCK_MONOTONIC, &_bench_t1);
{
    long _bench_exc = 0;
    for (int _n = 0; _n < %d; _n++) _bench_exc += %s[_n];
    std::ofstream _bench_out("results/bench_run.json");
    _bench_out.precision(17);
    _bench_out << "{\"wall_seconds\": "
               << ((_bench_t1.tv_sec - _bench_t0.tv_sec)
                   + 1e-9 * (_bench_t1.tv_nsec - _bench_t0.tv_nsec))
               << ", \"spikes\": " << %s[0]
               << ", \"spikes_exc\": " << _bench_exc
               << ", \"synapses\": " << (%s)
               << ", \"last_run_time\": " << Network::_last_run_time;%s
    _bench_out << "}" << std::endl;
}""" % (n_exc, count, n_spikes, " + ".join("%s.size()" % x for x in pres),
        weights))
    dev.insert_code("before_end", "exit(0);")

    b2.run(a.duration * ms)
    generated = time.perf_counter()
    dev.build(directory=a.dir, compile=True, run=False, debug=False)
    done = time.perf_counter()
    with open(os.path.join(a.dir, "bench_build.json"), "w") as f:
        json.dump({"size": size, "indegree": a.indegree, "p": p,
                   "variant": a.variant, "threads": a.threads,
                   "duration_ms": a.duration, "constants_mv": c,
                   "brian2_version": b2.__version__,
                   "generate_seconds": generated - start,
                   "compile_seconds": done - generated}, f, indent=1)


def build_brian2(args, size, k, variant, threads, directory):
    cmd = [args.python, os.path.abspath(__file__), "--brian2-build",
           "--variant", variant, "--size", str(size), "--indegree", str(k),
           "--weight-ref", str(args.weight_ref), "--amplitude",
           repr(args.amplitude), "--brian2-threads-build", str(threads),
           "--duration", repr(args.duration), "--make-jobs",
           str(args.make_jobs), "--dir", directory]
    os.makedirs(directory, exist_ok=True)
    rc, wall, _, tail = cvb.run_child(cmd, log_path=directory + ".log")
    if rc != 0:
        return None, "Brian2 build failed: " + cvb.failure(rc, tail)
    with open(os.path.join(directory, "bench_build.json")) as f:
        info = json.load(f)
    info["build_wall_s"] = wall
    return info, None


def brian2_extras(r, directory, size, variant, c, duration):
    with open(os.path.join(directory, "results", "bench_run.json")) as f:
        j = json.load(f)
    n_exc = size * 4 // 5
    bio = duration / 1000.0
    r["rate_exc_hz"] = j["spikes_exc"] / float(n_exc) / bio
    r["rate_inh_hz"] = (j["spikes"] - j["spikes_exc"]) / float(
        size - n_exc) / bio
    if variant == "plastic":
        n = j["plastic_synapses"]
        r["plastic_synapses"] = n
        r["w_mean_mv"] = j["w_sum_si"] / n * 1e3 if n else None
        r["w_at_max"] = j["w_at_max"] / float(n) if n else None
        r["w_at_zero"] = j["w_at_zero"] / float(n) if n else None
    return r


# --------------------------------------------------------------------------
# One network

def engine_key(sim, variant, threads):
    return "%s-%s-%dt" % (sim, variant, threads)


def bench_network(args, size, k, work):
    tag = "cuba_%d_k%d" % (size, k)
    c = stdp_constants(k, args.weight_ref, args.amplitude)
    p, _ = brian2_net.connection(size, k, args.weight_ref)
    case = {"size": size, "indegree": k, "p": p, "constants_mv": c,
            "engines": {}, "compile_s": {}, "brian2_build": {}, "errors": []}
    static, plastic = snnc_models(size, k, args.weight_ref, args.duration, c)
    engines = []
    sims = {}
    for variant, model in (("static", static), ("plastic", plastic)):
        path = os.path.join(work, "%s_%s.json" % (tag, variant))
        with open(path, "w") as f:
            json.dump(model, f, indent=1)
        sim = os.path.join(work, "%s_%s.sim" % (tag, variant))
        log("%s: snnc compile %s" % (tag, variant))
        times, err = cvb.compile_snnc(args.snnc, path, sim, 1, work)
        if err:
            case["errors"].append("snnc %s: %s" % (variant, err))
            log("%s: %s" % (tag, err))
            continue
        case["compile_s"][variant] = times[0]
        sims[variant] = sim
    brian_dirs = {}
    if not args.no_brian2:
        for t in args.threads:
            for variant in ("static", "plastic"):
                d = os.path.join(work, "brian2_%s_%s_%dt" % (tag, variant, t))
                log("%s: Brian2 %s %dt: generate and compile (g++)" % (
                    tag, variant, t))
                info, err = build_brian2(args, size, k, variant, t, d)
                key = engine_key("brian2", variant, t)
                if err:
                    case["errors"].append("%s: %s" % (key, err))
                    log("%s: %s" % (tag, err))
                    continue
                case["brian2_build"][key] = info
                brian_dirs[key] = d
    for t in args.threads:
        for variant in ("static", "plastic"):
            if variant in sims:
                engines.append((engine_key("snnc", variant, t), variant, t))
        for variant in ("static", "plastic"):
            if engine_key("brian2", variant, t) in brian_dirs:
                engines.append((engine_key("brian2", variant, t), variant, t))
    for key, _, _ in engines:
        case["engines"][key] = {"runs": []}
    for rep in range(args.reps):
        for key, variant, t in engines:
            if key.startswith("snnc"):
                out = os.path.join(work, "out_" + key)
                r = cvb.run_snnc(sims[variant], out, t, args.timeout,
                                 args.duration)
                if "error" not in r:
                    r = snnc_extras(r, out, variant, c)
            else:
                d = brian_dirs[key]
                r = cvb.run_brian2(d, size, args.timeout, args.duration)
                if "error" not in r:
                    r = brian2_extras(r, d, size, variant, c, args.duration)
            r.pop("summary", None)
            r["load"] = os.getloadavg()[0]
            case["engines"][key]["runs"].append(r)
            if "error" in r:
                log("%s: rep %d/%d %-20s ERROR %s" % (
                    tag, rep + 1, args.reps, key, r["error"]))
            else:
                log("%s: rep %d/%d %-20s RTF %.4g, %.2f Hz exc / %.2f Hz "
                    "inh%s" % (tag, rep + 1, args.reps, key, r["rtf"],
                               r["rate_exc_hz"], r["rate_inh_hz"],
                               ", mean w %.4f mV" % r["w_mean_mv"]
                               if r.get("w_mean_mv") is not None else ""))
    summarize(case)
    return case


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(case):
    for key, e in case["engines"].items():
        ok = [r for r in e["runs"] if "error" not in r]
        errors = [r["error"] for r in e["runs"] if "error" in r]
        if errors:
            e["error"] = errors[0]
            case["errors"].append("%s: %s" % (key, errors[0]))
        for field in ("rtf", "rate_hz", "rate_exc_hz", "rate_inh_hz",
                      "w_mean_mv", "w_at_max", "w_at_zero"):
            e[field] = median([r.get(field) for r in ok])
        e["rtf_best"] = min([r["rtf"] for r in ok], default=None)
        e["synapses"] = ok[-1].get("synapses") if ok else None
        e["plastic_synapses"] = ok[-1].get("plastic_synapses") if ok else None


# --------------------------------------------------------------------------
# Report

def fmt(v, spec, missing="-"):
    return missing if v is None else spec % v


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def rtf_of(case, sim, variant, t, field="rtf"):
    return case["engines"].get(engine_key(sim, variant, t), {}).get(field)


def report(args, info, cases, path_md, path_json, command):
    bio = args.duration
    lines = [
        "# Plasticity benchmark: STDP against static synapses, snnc vs "
        "Brian2 %s (C++ standalone)" % info["brian2"],
        "",
        "- date: %s, commit %s" % (info["date"], info["commit"]),
        "- machine: %s, %d cores (%d usable), %.1f GB memory, %s" % (
            info["cpu"], info["cores"], info["usable_cores"],
            (info["memory_bytes"] or 0) / 1e9, info["platform"]),
        "- load average at start %s, at end %s (a shared machine: read the "
        "ratios, measured alternately in one run, rather than absolute "
        "times)" % ("/".join("%.2f" % x for x in info["load_start"]),
                    "/".join("%.2f" % x for x in info.get("load_end", ()))),
        "- command: `%s`" % command,
    ]
    loads = [r["load"] for c in cases for e in c["engines"].values()
             for r in e["runs"] if r.get("load") is not None]
    if loads and max(loads) > info["usable_cores"] + 0.5:
        lines.append(
            "- **warning: the machine was busy**: the 1-minute load during "
            "the runs was %.1f to %.1f (median %.1f) on %d usable cores, "
            "this benchmark's own simulator included (1 or 2); other "
            "processes shared the cores, which hurts the 2-thread runs "
            "(Brian2's OpenMP most) far more than the 1-thread ones. The "
            "load at every run is in the JSON." % (
                min(loads), max(loads), statistics.median(loads),
                info["usable_cores"]))
    lines += [
        "- %g ms biological time at dt = 0.1 ms, f64 on both sides, no spike "
        "recording (Brian2: a SpikeMonitor that only counts); %d repetition%s"
        ", engines run alternately (snnc static, snnc plastic, Brian2 "
        "static, Brian2 plastic; 1 thread, then 2); medians reported" % (
            bio, args.reps, "" if args.reps == 1 else "s"),
        "- networks: CUBA (examples/cuba: LIF, `exact` on both sides, delay "
        "0), 4:1 exc:inh, p = k / neurons for every projection (k = %d%s)"
        ", weights x sqrt(%d / k). static: four projections with constant "
        "weights; plastic: exc -> exc with additive pair STDP (event-driven "
        "traces apre, apost; tau_pre = tau_post = %g ms; w starts at we, "
        "w_max = %g we, a_pre = %g we, a_post = -%g a_pre), the other three "
        "static. Brian2: the same equations, four Synapses objects in both "
        "variants, seed %d; snnc seed %d" % (
            args.indegree, ": the examples' p = 0.02 at 4000 neurons"
            if args.indegree == 80 else "",
            args.weight_ref, TAU_PRE_MS, W_MAX_FACTOR, args.amplitude,
            POST_RATIO, SEED, SEED),
        "- Brian2: %s, its flags (-O3 -ffast-math -march=native); Brian2 1t: "
        "no OpenMP; Nt: OpenMP with N threads. snnc: `--threads N`, "
        "compiled for this CPU" % info["gxx"],
        "",
        "## Speed",
        "",
        "RTF = simulation wall time / biological time (snnc: "
        "`simulation_seconds` of summary.json; Brian2: a wall clock around "
        "Network::run; network construction excluded on both sides), median "
        "of the repetitions (best in the JSON). plastic / static: the "
        "slowdown from plasticity within one simulator. Brian2 / snnc: "
        "Brian2's RTF over snnc's at the same thread count (> 1: snnc "
        "faster).",
        "",
    ]
    head = ["neurons", "k", "p", "synapses", "plastic synapses", "threads",
            "snnc static", "snnc plastic", "snnc plastic / static",
            "Brian2 static", "Brian2 plastic", "Brian2 plastic / static",
            "Brian2 / snnc static", "Brian2 / snnc plastic"]
    lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for c in cases:
        syn = next((e["synapses"] for k, e in sorted(c["engines"].items())
                    if k.startswith("snnc") and e.get("synapses")), None)
        psyn = next((e["plastic_synapses"] for k, e in
                     sorted(c["engines"].items())
                     if k.startswith("snnc") and e.get("plastic_synapses")),
                    None)
        for t in args.threads:
            ss, sp = rtf_of(c, "snnc", "static", t), rtf_of(c, "snnc",
                                                              "plastic", t)
            bs, bp = rtf_of(c, "brian2", "static", t), rtf_of(c, "brian2",
                                                              "plastic", t)
            lines.append("| " + " | ".join([
                "%d" % c["size"], "%d" % c["indegree"], "%.4g" % c["p"],
                fmt(syn, "%d"), fmt(psyn, "%d"), "%d" % t, fmt(ss, "%.4g"), fmt(sp, "%.4g"),
                fmt(ratio(sp, ss), "%.2fx"), fmt(bs, "%.4g"),
                fmt(bp, "%.4g"), fmt(ratio(bp, bs), "%.2fx"),
                fmt(ratio(bs, ss), "%.2fx"), fmt(ratio(bp, sp), "%.2fx")])
                + " |")
    lines += [
        "",
        "## Activity and weights",
        "",
        "Rates: mean firing rate of the exc / inh populations (Hz), median "
        "over the repetitions and thread counts (snnc's do not depend on "
        "them; Brian2's do with OpenMP). Synapses: Brian2 draws its own "
        "connectivity (same p), so its counts differ slightly. Delta w: mean "
        "final exc -> exc weight minus the initial we (mV, and relative to "
        "we); at w_max / at 0: fraction of plastic synapses clipped there "
        "at the end.",
        "",
    ]
    head = ["neurons", "simulator", "synapses", "plastic synapses",
            "rate static (exc / inh)", "rate plastic (exc / inh)",
            "we (mV)", "mean w end (mV)", "delta w (mV)", "delta w / we",
            "at w_max", "at 0"]
    lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for c in cases:
        for sim in ("snnc", "brian2"):
            def agg(variant, field):
                return median([r.get(field) for t in args.threads
                               for r in c["engines"].get(
                                   engine_key(sim, variant, t),
                                   {}).get("runs", [])
                               if "error" not in r])
            if not any(k.startswith(sim) for k in c["engines"]):
                continue
            syn = agg("static", "synapses")
            psyn = agg("plastic", "plastic_synapses")
            wm = agg("plastic", "w_mean_mv")
            we = c["constants_mv"]["we"]
            dw = None if wm is None else wm - we
            lines.append("| " + " | ".join([
                "%d" % c["size"], "snnc" if sim == "snnc" else "Brian2",
                fmt(syn, "%d"), fmt(psyn, "%d"),
                "%s / %s" % (fmt(agg("static", "rate_exc_hz"), "%.2f"),
                             fmt(agg("static", "rate_inh_hz"), "%.2f")),
                "%s / %s" % (fmt(agg("plastic", "rate_exc_hz"), "%.2f"),
                             fmt(agg("plastic", "rate_inh_hz"), "%.2f")),
                "%.4g" % we, fmt(wm, "%.5g"), fmt(dw, "%+.4g"),
                fmt(None if dw is None else 100.0 * dw / we, "%+.3f%%"),
                fmt(agg("plastic", "w_at_max"), "%.3g"),
                fmt(agg("plastic", "w_at_zero"), "%.3g")]) + " |")
    lines += ["", "## Targets (issue 12)", "",
              "Ratios of the median RTFs from this run (in brackets: of the "
              "best RTF of each engine)."]
    def pairs(num, den, t):
        """(size, median ratio, best-of-reps ratio) per network."""
        out = []
        for c in cases:
            r = ratio(rtf_of(c, num[0], num[1], t), rtf_of(c, den[0], den[1],
                                                           t))
            b = ratio(rtf_of(c, num[0], num[1], t, "rtf_best"),
                      rtf_of(c, den[0], den[1], t, "rtf_best"))
            if r is not None:
                out.append((c["size"], r, b))
        return out

    def listed(found):
        return "; ".join("CUBA-%d %.2fx (best of runs: %.2fx)" % x
                         for x in found) or "-"

    slow = pairs(("snnc", "plastic"), ("snnc", "static"), 1)
    lines.append("- **%s**: snnc plastic at most 2x slower than static "
                 "(1 thread; GeNN reports about 7x on a GPU): %s" % (
                     "not measured" if not slow else
                     "met" if all(r <= 2.0 for _, r, _ in slow) else
                     "missed", listed(slow)))
    slow2 = pairs(("snnc", "plastic"), ("snnc", "static"), 2)
    if slow2:
        lines.append("- (information) the same with 2 threads: %s"
                     % listed(slow2))
    fast = pairs(("brian2", "plastic"), ("snnc", "plastic"), 1)
    lines.append("- **%s**: snnc plastic at least 5x faster than Brian2 "
                 "plastic single-threaded (snnc --threads 1 vs Brian2 without "
                 "OpenMP): %s" % (
                     "not measured" if not fast else
                     "met" if all(r >= 5.0 for _, r, _ in fast) else
                     "missed", listed(fast)))
    fast2 = pairs(("brian2", "plastic"), ("snnc", "plastic"), 2)
    if fast2:
        lines.append("- (information) the same with 2 threads (Brian2 "
                     "OpenMP): %s" % listed(fast2))
    bp = pairs(("brian2", "plastic"), ("brian2", "static"), 1)
    if bp:
        lines.append("- (information) Brian2's own plastic / static, 1 "
                     "thread: %s" % listed(bp))
    lines += ["", "## Notes", ""]
    lines.append("- compile (snnc model.json -o sim, once): %s" % "; ".join(
        "CUBA-%d static %s s, plastic %s s" % (
            c["size"], fmt(c["compile_s"].get("static"), "%.2f"),
            fmt(c["compile_s"].get("plastic"), "%.2f")) for c in cases))
    builds = ["CUBA-%d %s %.0f s" % (c["size"], k.replace("brian2-", ""),
                                     v["build_wall_s"])
              for c in cases for k, v in sorted(c["brian2_build"].items())]
    if builds:
        lines.append("- Brian2 build (code generation + g++): " +
                     ", ".join(builds))
    lines.append("- Brian2's static variant has four Synapses objects "
                 "(bench/brian2_net.py has two: exc -> all, inh -> all), to "
                 "mirror snnc's four projections and the plastic variant.")
    for c in cases:
        for e in c["errors"]:
            lines.append("- error, CUBA-%d: %s" % (c["size"], e))
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(path_md), exist_ok=True)
    with open(path_md, "w") as f:
        f.write(text)
    with open(path_json, "w") as f:
        json.dump({"machine": info, "options": vars(args),
                   "command": command, "cases": cases}, f, indent=1)
    return text


def int_list(s):
    return [int(x) for x in s.split(",") if x.strip() and int(x) > 0]


def main():
    ap = argparse.ArgumentParser(
        description="STDP vs static synapses, snnc vs Brian2 C++ standalone "
        "(see the docstring of bench/plasticity.py)")
    ap.add_argument("--sizes", default="4000,10000",
                    help="neurons per network, 4:1 exc:inh (default "
                    "%(default)s)")
    ap.add_argument("--indegree", type=int, default=brian2_net.BASE_INDEGREE,
                    help="mean in-degree k, p = k / neurons (default 80: the "
                    "examples' p = 0.02 at 4000 neurons)")
    ap.add_argument("--weight-ref", type=int,
                    default=brian2_net.BASE_INDEGREE,
                    help="weights x sqrt(weight_ref / k) (default 80)")
    ap.add_argument("--reps", type=int, default=5,
                    help="repetitions of every engine, alternated (default 5)")
    ap.add_argument("--duration", type=float, default=5000.0,
                    help="biological time in ms (default 5000: with the "
                    "defaults a whole run takes about 4 minutes on 2 shared "
                    "cores of an AMD EPYC, half of it Brian2's 8 builds)")
    ap.add_argument("--threads", default="1,2",
                    help="thread counts: snnc --threads N; Brian2 without "
                    "OpenMP for 1, OpenMP with N threads otherwise "
                    "(default %(default)s)")
    ap.add_argument("--amplitude", type=float, default=0.01,
                    help="a_pre = amplitude x we; a_post = -1.05 a_pre "
                    "(default %(default)s)")
    ap.add_argument("--no-brian2", action="store_true",
                    help="snnc only")
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin",
                                                   "snnc"))
    ap.add_argument("--python", default=sys.executable,
                    help="Python with Brian2 (default: this one)")
    ap.add_argument("--make-jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds one simulation run may take")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--name", default=None,
                    help="result file name without extension (default "
                    "plasticity-<date>, -2, -3... if taken)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directory")
    ap.add_argument("--report-from", metavar="JSON", default=None,
                    help="run nothing: rewrite the .md of an earlier run "
                    "from its .json")
    # The Brian2 side, run by the harness in a child process.
    ap.add_argument("--brian2-build", action="store_true",
                    help=argparse.SUPPRESS)
    ap.add_argument("--variant", choices=("static", "plastic"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--brian2-threads-build", type=int, default=1,
                    help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.brian2_build:
        args.threads = args.brian2_threads_build
        os.makedirs(args.dir, exist_ok=True)
        brian2_build(args)
        return 0
    if args.report_from:
        with open(args.report_from) as f:
            stored = json.load(f)
        base = os.path.splitext(args.report_from)[0]
        print(report(argparse.Namespace(**stored["options"]),
                     stored["machine"], stored["cases"], base + ".md",
                     base + ".json", stored["command"]))
        return 0
    command = " ".join(["/usr/bin/python3", "bench/plasticity.py"]
                       + sys.argv[1:])
    args.sizes = int_list(args.sizes)
    args.threads = int_list(args.threads)
    if args.reps < 1 or not args.sizes or not args.threads:
        ap.error("need --reps >= 1, some --sizes and some --threads")
    if not os.path.exists(args.snnc):
        ap.error("no snnc at %s" % args.snnc)
    info = cvb.machine()
    info["date"] = datetime.date.today().isoformat()
    info["snnc"] = os.path.abspath(args.snnc)
    path_md, path_json = cvb.output_paths(
        args.out, args.name or "plasticity-%s" % info["date"])
    work = tempfile.mkdtemp(prefix="snnc-plasticity-")
    info["rss_method"] = cvb.setup_peak_rss(work)
    log("sizes %s, k = %d, %d reps, %g ms, threads %s; work directory %s" % (
        ",".join(map(str, args.sizes)), args.indegree, args.reps,
        args.duration, ",".join(map(str, args.threads)), work))
    cases = []
    text = None
    try:
        for size in args.sizes:
            if args.indegree > size:
                log("skipping %d: k > neurons" % size)
                continue
            cases.append(bench_network(args, size, args.indegree, work))
            info["load_end"] = os.getloadavg()
            text = report(args, info, cases, path_md, path_json, command)
            log("written %s" % os.path.relpath(path_md, ROOT))
    finally:
        if args.keep:
            log("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if text:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
