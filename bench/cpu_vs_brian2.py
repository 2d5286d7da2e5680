#!/usr/bin/python3
"""CPU benchmark: snnc against Brian2's C++ standalone mode, same machine.

For each network (model x size x in-degree) it compiles the snnc simulator
and the Brian2 projects (one thread without OpenMP, and OpenMP with 2
threads; bench/brian2_net.py, each in its own Python process), then runs
them alternately, `--reps` times (snnc, brian2-1t, brian2-2t, snnc, ...),
so that the noise of this shared machine falls on all of them alike. Every
run is a child process of this script: its wall time and its peak resident
memory (os.wait4's ru_maxrss) are measured the same way for both.

Models (the same equations and integration method on both sides):

  cuba           examples/cuba, `exact` (linear: propagator) on both sides
  coba-expeuler  examples/coba as shipped: exponential Euler for v
  coba-euler     examples/coba with `method: euler` (Brian2: method='euler')
  microcircuit   examples/microcircuit/microcircuit.json if it exists, as it
                 is (not scaled), snnc only

Networks have `size` neurons (4:1 exc:inh) and a mean in-degree k
(connection probability k / size for every projection); the default k = 80
is that of the 4000-neuron examples (p = 0.02), which keeps their dynamics
at every size. Another k (`--indegree 1000`) scales the weights by
sqrt(--weight-ref / k), so the input variance of a neuron stays that of
--weight-ref inputs with the examples' weights.

Writes bench/results/cpu-<date>.md (machine, commit, tables, targets) and
cpu-<date>.json (every repetition), both rewritten after every network so a
run cut short keeps what it finished. Progress goes to stderr.

Usage: /usr/bin/python3 bench/cpu_vs_brian2.py [--models cuba,coba-expeuler]
           [--sizes 4000,16000,64000] [--indegree 80] [--reps 3]
           [--duration 1000] [--snnc build/bin/snnc] [--out bench/results]
See bench/README.md for every option and column.
"""
import argparse
import copy
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import brian2_net  # noqa: E402  (the Brian2 side; does not import brian2)

SCALABLE = {
    # name: (example, integration method of the neuron model)
    "cuba": ("cuba", "exact"),
    "coba-expeuler": ("coba", "exponential_euler"),
    "coba-euler": ("coba", "euler"),
}
FIXED = {"microcircuit": "microcircuit"}
ALIASES = {"coba": ["coba-expeuler", "coba-euler"]}
DEFAULT_MODELS = "cuba,coba-expeuler,coba-euler,microcircuit"
TYPE_BYTES = {"f32": 4, "f64": 8, "u16": 2, "i32": 4, "i64": 8}
T0 = time.perf_counter()


def log(msg):
    print("[%7.1f s] %s" % (time.perf_counter() - T0, msg), file=sys.stderr,
          flush=True)


# --------------------------------------------------------------------------
# Models (snnc JSON)

def absolute_files(node, base):
    """Data files of a model are relative to its directory: make them
    absolute, since the benchmark writes its copy elsewhere."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "file" and isinstance(value, str) \
                    and not os.path.isabs(value):
                node[key] = os.path.join(base, value)
            else:
                absolute_files(value, base)
    elif isinstance(node, list):
        for value in node:
            absolute_files(value, base)


def load_example(example):
    path = os.path.join(ROOT, "examples", example, example + ".json")
    with open(path) as f:
        model = json.load(f)
    absolute_files(model, os.path.dirname(path))
    return model


def set_method(model, method):
    """Sets the integration method of every neuron model the populations
    use. A built-in model (frontends/json/models/) is copied into
    neuron_models under its own name, which replaces the built-in."""
    models = model.setdefault("neuron_models", {})
    for pop in model.get("populations", {}).values():
        name = pop["model"]
        if name not in models:
            path = os.path.join(ROOT, "frontends", "json", "models",
                                name + ".json")
            with open(path) as f:
                models[name] = json.load(f)
        models[name]["method"] = method


def scale_weight(w, factor, where):
    if factor == 1.0:
        return w
    if isinstance(w, (int, float)):
        return w * factor
    if isinstance(w, str):
        m = re.match(r"\s*([-+0-9.eE]+)\s*(.*)$", w)
        if m:
            return ("%.17g %s" % (float(m.group(1)) * factor,
                                  m.group(2))).strip()
    sys.exit("benchmark: cannot scale the weight %r of %s" % (w, where))


def snnc_model(name, size, indegree, weight_ref, duration):
    """The snnc model of a benchmark network (record: nothing)."""
    if name in FIXED:
        model = load_example(FIXED[name])
    else:
        example, method = SCALABLE[name]
        model = load_example(example)
        set_method(model, method)
        model["populations"]["exc"]["size"] = size * 4 // 5
        model["populations"]["inh"]["size"] = size // 5
        p, factor = brian2_net.connection(size, indegree, weight_ref)
        for pname, proj in model["projections"].items():
            proj["connectivity"]["p"] = p
            proj["weight"] = scale_weight(proj["weight"], factor, pname)
    model["name"] = "%s_%d_k%d" % (name.replace("-", "_"), size, indegree)
    model["simulation"]["duration"] = "%.17g ms" % duration
    model["record"] = {"spikes": []}
    return model


def model_neurons(model):
    return sum(p["size"] for p in model.get("populations", {}).values())


# --------------------------------------------------------------------------
# Running children

# The peak-RSS helper (bench/peak_rss.c), compiled into the work directory
# by setup_peak_rss(); None: measure with os.wait4 directly, whose peak has
# the harness's own RSS as a floor (see peak_rss.c).
PEAK_RSS = None


def setup_peak_rss(work):
    global PEAK_RSS
    exe = os.path.join(work, "peak_rss")
    try:
        r = subprocess.run(["cc", "-O2", "-o", exe,
                            os.path.join(HERE, "peak_rss.c")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        ok = r.returncode == 0
    except OSError:
        ok = False
    if ok:
        PEAK_RSS = exe
        return "ru_maxrss of wait4, forked by bench/peak_rss.c"
    import resource
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    log("cannot compile bench/peak_rss.c: peak RSS measured from Python, "
        "with a floor of about %.0f MB" % floor)
    return ("ru_maxrss of os.wait4 from Python (floor: about %.0f MB, the "
            "harness's own peak; bench/peak_rss.c could not be compiled)"
            % floor)


def run_child(cmd, cwd=None, env=None, timeout=None, log_path=None):
    """Runs cmd in its own process group; returns (returncode: negative for
    a signal, wall seconds, peak RSS in bytes, the tail of its output).
    On timeout the whole group is killed."""
    out = open(log_path or os.devnull, "w")
    result = None
    if PEAK_RSS:
        result = (log_path or os.path.join(tempfile.gettempdir(),
                                           "snnc-bench")) + ".rss"
        if os.path.exists(result):
            os.remove(result)
        cmd = [PEAK_RSS, result] + list(cmd)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)
    timed_out = []

    def kill():
        timed_out.append(True)
        try:
            os.killpg(proc.pid, 9)
        except OSError:
            pass
    timer = None
    if timeout is not None:
        timer = threading.Timer(timeout, kill)
        timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:  # interrupted: leave no simulator behind
        kill()
        raise
    finally:
        if timer is not None:
            timer.cancel()
    wall = time.perf_counter() - start
    out.close()
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen is done too
    rc, rss = proc.returncode, usage.ru_maxrss * 1024
    if PEAK_RSS:
        rss = None
        try:
            with open(result) as f:
                kib, child_status = f.read().split()
            rss = int(kib) * 1024
            rc = os.waitstatus_to_exitcode(int(child_status))
        except (OSError, ValueError):
            pass  # the helper itself was killed (timeout): rc says so
    tail = ""
    if log_path and os.path.exists(log_path):
        with open(log_path, errors="replace") as f:
            tail = " | ".join(f.read().strip().splitlines()[-3:])
    if timed_out:
        tail = "timed out after %g s; %s" % (timeout, tail)
    return rc, wall, rss, tail


def failure(rc, tail):
    if rc < 0:
        why = "killed by signal %d%s" % (
            -rc, " (out of memory or timeout?)" if rc == -9 else "")
    else:
        why = "exit status %d" % rc
    return "%s: %s" % (why, tail) if tail else why


# --------------------------------------------------------------------------
# snnc

def compile_snnc(snnc, json_path, sim, reps, work):
    """Compiles `reps` times (the median is reported); returns the times
    or an error."""
    times = []
    for _ in range(max(1, reps)):
        rc, wall, _, tail = run_child([snnc, json_path, "-o", sim],
                                      log_path=os.path.join(work, "snnc.log"))
        if rc != 0:
            return None, "snnc failed: " + failure(rc, tail)
        times.append(wall)
    return times, None


def simulator_threads(sim):
    """Whether the simulator takes --threads N (its --help says so)."""
    try:
        r = subprocess.run([sim, "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True,
                           timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return re.search(r"--threads\b", r.stdout) is not None


def descriptor(snnc, json_path, sim):
    """The network descriptor: `snnc --emit=descriptor` where snnc has it,
    else the snn_descriptor string embedded in the simulator."""
    try:
        r = subprocess.run([snnc, "--emit=descriptor", json_path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True, timeout=120)
        if r.returncode == 0:
            d = json.loads(r.stdout)
            if isinstance(d, dict) and d.get("format") == "snn-descriptor":
                return d, "snnc --emit=descriptor"
    except (OSError, ValueError, subprocess.TimeoutExpired):
        pass
    with open(sim, "rb") as f:
        data = f.read()
    mark = data.find(b'"snn-descriptor"')
    decoder = json.JSONDecoder()
    j = mark
    while mark >= 0 and j > 0:
        j = data.rfind(b"{", 0, j)
        if j < 0:
            break
        end = data.find(b"\0", mark)
        try:
            obj, _ = decoder.raw_decode(data[j:end].decode("utf-8"))
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("format") == "snn-descriptor":
            return obj, "the simulator's embedded descriptor"
    return None, "no descriptor found"


def type_bytes(t):
    if t in TYPE_BYTES:
        return TYPE_BYTES[t]
    m = re.search(r"(\d+)$", str(t))
    return int(m.group(1)) // 8 if m else 0


def storage_of(desc, summary):
    """Per projection: storage kind, bytes per synapse (buffers with one
    element per synapse) and index bytes (the other buffers of the
    projection, e.g. CSR's row pointers), from the descriptor's buffers and
    the synapse counts of summary.json. The kind is a "storage" field of the
    projection (summary.json or descriptor; a string or {"kind": ...})
    where there is one, else "csr" for row_ptr + col."""
    out = {}
    sprojs = summary.get("projections", {})
    dprojs = {p["name"]: p for p in (desc or {}).get("projections", [])}
    buffers = (desc or {}).get("buffers", [])
    for name, sp in sprojs.items():
        dp = dprojs.get(name, {})
        kind = None
        for src in (sp, dp):
            s = src.get("storage")
            if isinstance(s, dict):
                s = s.get("kind")
            if isinstance(s, str):
                kind = s
                break
        if kind is None:
            kind = "csr" if "row_ptr" in dp and "col" in dp else "unknown"
        ids = {v for k, v in dp.items()
               if k in ("row_ptr", "col", "mask", "weight_buffer",
                        "delay_buffer")
               and isinstance(v, int)}
        per_syn = index = 0
        for b in buffers:
            count = b.get("count")
            mine = (b.get("id") in ids
                    or (isinstance(count, dict)
                        and count.get("synapses") == name)
                    or (str(b.get("name", "")).startswith(name + ".")
                        and not (isinstance(count, dict)
                                 and "ring" in count)))
            if not mine:
                continue
            size = type_bytes(b.get("type"))
            if isinstance(count, dict) and "synapses" in count:
                per_syn += size
            elif isinstance(count, int):
                index += size * count
        out[name] = {"kind": kind, "synapses": sp.get("synapses", 0),
                     "bytes_per_synapse": per_syn, "index_bytes": index}
    return out


def events_of(summary):
    """Synaptic events of an snnc run: per projection, spikes of its pre
    population x synapses per pre neuron."""
    pops = summary.get("populations", {})
    projs = summary.get("projections")
    if projs:
        total = 0.0
        for p in projs.values():
            pre = pops[p["pre"]]
            total += pre["spikes"] * p["synapses"] / max(1, pre["size"])
        return total, "per projection"
    spikes = sum(p["spikes"] for p in pops.values())
    n = sum(p["size"] for p in pops.values())
    return spikes * summary["synapses_total"] / max(1, n), "uniform"


def run_snnc(sim, out, threads, timeout, duration):
    cmd = [sim, "--out", out, "--quiet"]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    rc, wall, rss, tail = run_child(cmd, timeout=timeout,
                                    log_path=out + ".log")
    if rc != 0:
        return {"error": failure(rc, tail), "rss": rss}
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    events, how = events_of(s)
    neurons = [p for p in s["populations"].values()
               if p.get("kind", "neuron") == "neuron"]
    bio = s.get("duration_ms", duration) / 1000.0
    return {"sim_s": s["simulation_seconds"], "rtf": s["simulation_seconds"] / bio,
            "build_s": s.get("build_seconds"), "wall_s": wall, "rss": rss,
            "events": events, "events_method": how,
            "rate_hz": sum(p["spikes"] for p in neurons)
            / max(1, sum(p["size"] for p in neurons)) / bio,
            "synapses": s.get("synapses_total"), "summary": s}


# --------------------------------------------------------------------------
# Brian2

def build_brian2(args, name, size, k, threads, directory):
    cmd = [args.python, os.path.join(HERE, "brian2_net.py"), "--model", name,
           "--size", str(size), "--indegree", str(k), "--weight-ref",
           str(args.weight_ref), "--threads", str(threads), "--duration",
           repr(args.duration), "--make-jobs", str(args.make_jobs),
           "--dir", directory]
    os.makedirs(directory, exist_ok=True)
    rc, wall, _, tail = run_child(cmd, log_path=directory + ".log")
    if rc != 0:
        return None, "Brian2 build failed: " + failure(rc, tail)
    with open(os.path.join(directory, "bench_build.json")) as f:
        info = json.load(f)
    info["build_wall_s"] = wall
    return info, None


def run_brian2(directory, size, timeout, duration):
    result = os.path.join(directory, "results", "bench_run.json")
    if os.path.exists(result):
        os.remove(result)
    env = dict(os.environ, LD_BIND_NOW="1")  # as Brian2's own run
    rc, wall, rss, tail = run_child(["./main"], cwd=directory, env=env,
                                    timeout=timeout,
                                    log_path=directory + ".run.log")
    if rc != 0 or not os.path.exists(result):
        return {"error": failure(rc, tail or "no results/bench_run.json"),
                "rss": rss}
    with open(result) as f:
        r = json.load(f)
    bio = duration / 1000.0
    return {"sim_s": r["wall_seconds"], "rtf": r["wall_seconds"] / bio,
            "brian2_own_s": r["last_run_time"], "wall_s": wall, "rss": rss,
            "spikes": r["spikes"], "synapses": r["synapses"],
            "events": r["spikes"] * r["synapses"] / float(size),
            "rate_hz": r["spikes"] / float(size) / bio}


# --------------------------------------------------------------------------
# One network

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def bench_network(args, name, size, k, work):
    tag = "%s_%d_k%d" % (name, size, k)
    case = {"model": name, "size": size, "indegree": k, "engines": {},
            "notes": []}
    if name in FIXED:
        case["method"] = "as shipped"
    else:
        case["method"] = SCALABLE[name][1]
    model = snnc_model(name, size, k, args.weight_ref, args.duration)
    case["neurons"] = model_neurons(model)
    json_path = os.path.join(work, tag + ".json")
    with open(json_path, "w") as f:
        json.dump(model, f, indent=1)

    # snnc: compile (reps times), thread support, descriptor, and the
    # baseline memory of the same network without projections.
    sim = os.path.join(work, tag + ".sim")
    log("%s: snnc compile x%d" % (tag, args.reps))
    ctimes, err = compile_snnc(args.snnc, json_path, sim, args.reps, work)
    engines = []
    if err:
        case["snnc_error"] = err
        log("%s: %s" % (tag, err))
    else:
        case["compile_s"] = ctimes
        case["threads_option"] = simulator_threads(sim)
        engines.append(("snnc", None))
        if case["threads_option"]:
            engines += [("snnc-%dt" % t, t) for t in args.snnc_threads]
        else:
            case["notes"].append("the simulator has no --threads option: "
                                 "snnc ran with its default only")
        desc, how = descriptor(args.snnc, json_path, sim)
        case["descriptor_source"] = how
        case["_descriptor"] = desc
        base = copy.deepcopy(model)
        base["projections"] = {}
        base["name"] += "_noproj"
        # One step: its peak memory is that of the built network.
        base["simulation"]["duration"] = base["simulation"]["dt"]
        base_path = os.path.join(work, tag + "_noproj.json")
        with open(base_path, "w") as f:
            json.dump(base, f)
        base_sim = os.path.join(work, tag + "_noproj.sim")
        _, err = compile_snnc(args.snnc, base_path, base_sim, 1, work)
        if not err:
            r = run_snnc(base_sim, os.path.join(work, "out_noproj"), None,
                         args.timeout, args.duration)
            case["baseline_rss"] = r.get("rss") if "error" not in r else None

    # Brian2 projects.
    if name in FIXED:
        case["brian2_note"] = (
            "Brian2 not run: no Brian2 version of this model in the harness "
            "(per the issue, Brian2 cannot fit the full-scale microcircuit "
            "in 24 GB; not measured here)")
    else:
        for t in args.brian2_threads:
            directory = os.path.join(work, "brian2_%s_%dt" % (tag, t))
            log("%s: Brian2 %dt: generate and compile (g++)" % (tag, t))
            info, err = build_brian2(args, name, size, k, t, directory)
            key = "brian2-%dt" % t
            if err:
                case["engines"][key] = {"error": err, "runs": []}
                log("%s: %s" % (tag, err))
                continue
            case.setdefault("brian2_build", {})[key] = info
            engines.append((key, directory))

    # Alternating repetitions.
    for key, _ in engines:
        case["engines"].setdefault(key, {"runs": []})
    for rep in range(args.reps):
        for key, what in engines:
            if key.startswith("snnc"):
                r = run_snnc(sim, os.path.join(work, "out_" + key), what,
                             args.timeout, args.duration)
            else:
                r = run_brian2(what, size, args.timeout, args.duration)
            r["load"] = os.getloadavg()[0]
            case["engines"][key]["runs"].append(r)
            log("%s: rep %d/%d %-10s %s" % (
                tag, rep + 1, args.reps, key,
                "ERROR " + r["error"] if "error" in r else
                "RTF %.4g, peak RSS %s MB, %.1f Hz" % (
                    r["rtf"], fmt(r["rss"] and r["rss"] / 1e6, "%.0f"),
                    r["rate_hz"])))
    summarize(case)
    return case


def summarize(case):
    for key, e in case["engines"].items():
        ok = [r for r in e["runs"] if "error" not in r]
        errors = [r["error"] for r in e["runs"] if "error" in r]
        if errors:
            e["error"] = errors[0]
        if not ok:
            continue
        e["rtf"] = median([r["rtf"] for r in ok])
        e["rss"] = median([r["rss"] for r in ok])
        e["rate_hz"] = median([r["rate_hz"] for r in ok])
        e["events_per_s"] = median([r["events"] / r["sim_s"] for r in ok
                                    if r["sim_s"] > 0])
        e["synapses"] = ok[-1].get("synapses")
        if key.startswith("snnc"):
            e["events_method"] = ok[-1]["events_method"]
    snnc = case["engines"].get("snnc", {})
    desc = case.pop("_descriptor", None)
    runs = [r for r in snnc.get("runs", []) if "error" not in r]
    if runs:
        summary = runs[-1].pop("summary")
        for r in runs:
            r.pop("summary", None)
        case["synapses"] = summary.get("synapses_total")
        case["projections"] = storage_of(desc, summary)
        syn = sum(p["synapses"] for p in case["projections"].values())
        if syn and desc:
            case["bytes_per_synapse_arena"] = sum(
                p["bytes_per_synapse"] * p["synapses"]
                for p in case["projections"].values()) / float(syn)
            case["index_bytes_per_synapse"] = sum(
                p["index_bytes"] for p in case["projections"].values()) \
                / float(syn)
        if syn and case.get("baseline_rss") and snnc.get("rss"):
            case["bytes_per_synapse_rss"] = (
                snnc["rss"] - case["baseline_rss"]) / float(syn)
    else:
        b = [e for k, e in case["engines"].items() if e.get("synapses")]
        case["synapses"] = b[0]["synapses"] if b else None
    for e in case["engines"].values():
        for r in e["runs"]:
            r.pop("summary", None)
    if case.get("compile_s"):
        case["compile_median_s"] = median(case["compile_s"])


# --------------------------------------------------------------------------
# Report

def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass

    def cmd(*c):
        try:
            return subprocess.run(c, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL,
                                  universal_newlines=True).stdout.strip()
        except OSError:
            return ""
    commit = cmd("git", "-C", ROOT, "rev-parse", "--short", "HEAD")
    if cmd("git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    try:
        from importlib.metadata import version
        brian2 = version("brian2")
    except Exception:  # noqa: BLE001 (any failure: just unknown)
        brian2 = "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable,
            "memory_bytes": mem, "platform": platform.platform(),
            "commit": commit, "brian2": brian2,
            "gxx": (cmd("g++", "--version").splitlines() or [""])[0],
            "load_start": os.getloadavg()}


def fmt(v, spec, missing="-"):
    return missing if v is None else spec % v


def ratio_pair(case, brian_key, snnc_key):
    """Brian2 RTF / snnc RTF with the snnc engine of the same thread count
    where it ran, else snnc's default."""
    e = case["engines"]
    b = e.get(brian_key, {}).get("rtf")
    s_key = snnc_key if e.get(snnc_key, {}).get("rtf") else "snnc"
    s = e.get(s_key, {}).get("rtf")
    if b is None or s is None:
        return None, s_key
    return b / s, s_key


def targets(cases, args):
    """The issue's targets, each met / missed / not measured."""
    lines = []

    def rows(models, sizes, k=brian2_net.BASE_INDEGREE):
        return [c for c in cases if c["model"] in models
                and c["size"] in sizes and c["indegree"] == k]

    speed_models = ["cuba", "coba-expeuler", "coba-euler"]
    for brian_key, snnc_key, goal in (("brian2-1t", "snnc-1t", 5.0),
                                      ("brian2-2t", "snnc-2t", 3.0)):
        found = []
        for c in rows(speed_models, (4000, 16000, 64000)):
            r, used = ratio_pair(c, brian_key, snnc_key)
            if r is not None:
                found.append("%s %d: %.2fx%s" % (
                    c["model"], c["size"], r,
                    "" if used == "snnc" else " (vs %s)" % used))
                c.setdefault("_ok", {})[brian_key] = r >= goal
        oks = [c["_ok"][brian_key] for c in rows(speed_models,
                                                  (4000, 16000, 64000))
               if brian_key in c.get("_ok", {})]
        state = ("not measured" if not oks else
                 "met" if all(oks) else "missed")
        lines.append("- **%s**: >= %gx faster than Brian2 %s on CUBA and "
                     "COBA at 4k-64k (k = 80): %s" % (
                         state, goal, "single-threaded" if goal == 5.0 else
                         "with 2 OpenMP threads",
                         "; ".join(found) if found else "no such rows"))

    def rtf_target(models, size, goal, label):
        found = [(c["model"], c["engines"].get("snnc", {}).get("rtf"))
                 for c in rows(models, (size,))]
        found = [(m, v) for m, v in found if v is not None]
        state = ("not measured" if not found else
                 "met" if all(v <= goal for _, v in found) else "missed")
        lines.append("- **%s**: %s RTF <= %g (snnc, default threads): %s" % (
            state, label, goal, "; ".join("%s %.4g" % f for f in found)
            if found else "no such row"))

    rtf_target(["cuba"], 4000, 0.015, "CUBA-4000")
    # Per method: Brian's COBA example steps v with Euler; ours as shipped
    # uses exponential Euler (an exp per neuron and step).
    rtf_target(["coba-euler"], 4000, 0.03, "COBA-4000 (Euler for v)")
    rtf_target(["coba-expeuler"], 4000, 0.03,
               "COBA-4000 (exponential Euler, as shipped)")
    rtf_target(["cuba"], 64000, 0.3, "CUBA-64000")

    b = [(c["model"], c["size"], c["indegree"], c["bytes_per_synapse_arena"],
          c.get("index_bytes_per_synapse", 0)) for c in cases
         if c["model"] == "cuba" and c.get("bytes_per_synapse_arena")
         is not None]
    state = ("not measured" if not b else
             "met" if all(x[3] + x[4] <= 4.0 for x in b) else "missed")
    lines.append("- **%s**: <= 4 bytes per stored static synapse with a "
                 "constant weight (CUBA; storage in the arena, per synapse + "
                 "row index): %s" % (state, "; ".join(
                     "%s %d k=%d: %.2f + %.2f = %.2f B" % (
                         m, n, k, s, i, s + i) for m, n, k, s, i in b)
                     if b else "no CUBA row"))

    big = [c for c in cases if c["model"] == "cuba" and c["size"] == 256000
           and c["indegree"] == 1000]
    if not big:
        lines.append("- **not measured**: CUBA at 256k neurons with 1000 "
                     "synapses per neuron runs in 24 GB (run with --sizes "
                     "256000 --indegree 1000 --models cuba)")
    else:
        c = big[0]
        s = c["engines"].get("snnc", {})
        ok = s.get("rss") is not None and "error" not in s
        lines.append("- **%s**: CUBA at 256k neurons, k = 1000 (%s synapses) "
                     "runs in 24 GB: %s" % (
                         "met" if ok and s["rss"] <= 24e9 else "missed",
                         fmt(c.get("synapses"), "%d"),
                         "peak RSS %.2f GB, RTF %.4g" % (s["rss"] / 1e9,
                                                         s["rtf"])
                         if ok else s.get("error", "did not run")))

    mc = [c for c in cases if c["model"] == "microcircuit"]
    mc_rtf = [c["engines"].get("snnc", {}).get("rtf") for c in mc]
    mc_rtf = [v for v in mc_rtf if v is not None]
    lines.append("- **%s**: the microcircuit (as shipped) RTF <= 5 on these "
                 "cores (snnc, default threads): %s" % (
                     "not measured" if not mc_rtf else
                     "met" if all(v <= 5.0 for v in mc_rtf) else "missed",
                     "; ".join("%.4g" % v for v in mc_rtf)
                     if mc_rtf else "no such row"))

    comp = [(c["model"], c["size"], c["compile_median_s"]) for c in cases
            if c.get("compile_median_s") is not None]
    state = ("not measured" if not comp else
             "met" if all(x[2] < 1.0 for x in comp) else "missed")
    worst = max(comp, key=lambda x: x[2]) if comp else None
    lines.append("- **%s**: snnc compile time < 1 s per model: %s" % (
        state, "slowest %s %d: %.2f s (all: %s)" % (
            worst[0], worst[1], worst[2],
            ", ".join("%.2f" % x[2] for x in comp)) if comp else "-"))
    for c in cases:
        c.pop("_ok", None)
    return lines


def report(args, info, cases, path_md, path_json):
    snnc_keys = []
    for c in cases:
        for k in c["engines"]:
            if k.startswith("snnc") and k not in snnc_keys:
                snnc_keys.append(k)
    snnc_keys.sort(key=lambda k: (k != "snnc", k))
    brian_keys = ["brian2-%dt" % t for t in args.brian2_threads]
    bio = args.duration
    lines = [
        "# CPU benchmark: snnc vs Brian2 %s (C++ standalone)" % info["brian2"],
        "",
        "- date: %s, commit %s" % (info["date"], info["commit"]),
        "- machine: %s, %d cores (%d usable), %.1f GB memory, %s" % (
            info["cpu"], info["cores"], info["usable_cores"],
            (info["memory_bytes"] or 0) / 1e9, info["platform"]),
        "- load average at start %s, at end %s (a shared machine: quote "
        "the ratios, measured in the same run, rather than absolute times)"
        % ("/".join("%.2f" % x for x in info["load_start"]),
           "/".join("%.2f" % x for x in info.get("load_end", ()))),
    ]
    # The load at the start is the others' (later it includes this run's
    # own simulators and g++).
    busy = info["load_start"][0]
    if busy > 0.5 * info["usable_cores"]:
        lines.append(
            "- **warning: the machine was busy** (1-minute load %.1f at the "
            "start, on %d usable cores): other processes shared the cores, "
            "which hurts "
            "multi-threaded runs (Brian2 2t, snnc 2t) most; the load at each "
            "run is in the JSON. Rerun on an idle machine before quoting "
            "these numbers." % (busy, info["usable_cores"]))
    lines += [
        "- %g ms biological time at dt = 0.1 ms, f64 on both sides, no "
        "spike recording (Brian2: a SpikeMonitor that only counts); %d "
        "repetition%s, engines run alternately; the median of each is "
        "reported" % (bio, args.reps, "" if args.reps == 1 else "s"),
        "- k: mean in-degree (p = k / neurons for every projection; k = 80 "
        "is the examples' p = 0.02 at 4000); weights x sqrt(%d / k)"
        % args.weight_ref,
        "- Brian2: %s; its projects are compiled by g++ with Brian2's "
        "flags (-O3 -ffast-math -march=native); snnc compiles for this CPU "
        "(--cpu=native); Brian2 1t: no OpenMP, 2t: OpenMP with 2 threads"
        % info["gxx"],
        "",
        "## Speed",
        "",
        "RTF = simulation wall time / biological time (network construction "
        "excluded on both sides; Brian2: a wall clock inserted around "
        "Network::run). Ratio = Brian2 RTF / snnc RTF (>1: snnc faster), "
        "against snnc with the same number of threads where the simulator "
        "takes --threads, else snnc's default. Events/s: synaptic events "
        "of snnc per second of simulation wall time (per projection: "
        "spikes of its pre population x synapses per pre neuron).",
        "",
    ]
    head = (["model", "v method", "neurons", "k", "synapses"]
            + ["RTF %s" % k.replace("snnc-", "snnc ") for k in snnc_keys]
            + ["RTF %s" % k.replace("brian2-", "Brian2 ") for k in brian_keys]
            + ["%s / snnc" % k.replace("brian2-", "Brian2 ")
               for k in brian_keys]
            + ["snnc events/s", "rate snnc / Brian2 (Hz)"])
    lines += ["| " + " | ".join(head) + " |",
              "|" + " --- |" * len(head)]
    notes = []
    for c in cases:
        e = c["engines"]
        cells = [c["model"], c["method"], "%d" % c["neurons"],
                 "%d" % c["indegree"] if c["model"] not in FIXED else "-",
                 fmt(c.get("synapses"), "%d")]
        for k in snnc_keys:
            cells.append(fmt(e.get(k, {}).get("rtf"), "%.4g",
                             "error" if e.get(k, {}).get("error") else "-"))
        for k in brian_keys:
            if c.get("brian2_note"):
                cells.append("not run (a)")
            else:
                cells.append(fmt(e.get(k, {}).get("rtf"), "%.4g",
                                 "error" if e.get(k, {}).get("error")
                                 else "-"))
        for k in brian_keys:
            r, used = ratio_pair(c, k, k.replace("brian2", "snnc"))
            cells.append(fmt(r, "%.2fx") + ("" if r is None or used == "snnc"
                                             else " (%s)" % used))
        s = e.get("snnc", {})
        cells.append(fmt(s.get("events_per_s"), "%.3g"))
        brate = [e[k]["rate_hz"] for k in brian_keys
                 if e.get(k, {}).get("rate_hz") is not None]
        cells.append("%s / %s" % (fmt(s.get("rate_hz"), "%.1f"),
                                  fmt(median(brate), "%.1f")))
        lines.append("| " + " | ".join(cells) + " |")
        for k, eng in e.items():
            if eng.get("error"):
                notes.append("%s %d k=%d, %s: %s" % (
                    c["model"], c["size"], c["indegree"], k, eng["error"]))
        if c.get("snnc_error"):
            notes.append("%s %d: %s" % (c["model"], c["size"],
                                        c["snnc_error"]))
    lines += ["", "## Memory and compile time", "",
              "Peak RSS: ru_maxrss of the whole process (snnc: the "
              "simulator; Brian2: its `main`), median over repetitions; "
              "measured as %s. " % info["rss_method"] +
              "Bytes/synapse (arena): the simulator's synapse buffers from "
              "the descriptor (per-synapse buffers + row index, e.g. CSR "
              "row pointers, per synapse). Bytes/synapse (RSS): (peak RSS "
              "- peak RSS of the same network without projections) / "
              "synapses, so it includes what building the connectivity "
              "needs at its peak. Compile: the whole `snnc model.json -o "
              "sim`, median of --reps; Brian2 build: code generation + g++ "
              "(once). Storage: the kind of each projection's synapse store.",
              ""]
    head = (["model", "neurons", "k", "synapses"]
            + ["peak RSS %s (MB)" % k.replace("-", " ") for k in
               ["snnc"] + brian_keys]
            + ["B/syn arena (syn + index)", "B/syn RSS",
               "snnc compile (s)", "Brian2 build (s)", "storage"])
    lines += ["| " + " | ".join(head) + " |",
              "|" + " --- |" * len(head)]
    for c in cases:
        e = c["engines"]
        cells = [c["model"], "%d" % c["neurons"],
                 "%d" % c["indegree"] if c["model"] not in FIXED else "-",
                 fmt(c.get("synapses"), "%d")]
        for k in ["snnc"] + brian_keys:
            if k != "snnc" and c.get("brian2_note"):
                cells.append("not run (a)")
            else:
                rss = e.get(k, {}).get("rss")
                cells.append(fmt(None if rss is None else rss / 1e6, "%.0f"))
        a = c.get("bytes_per_synapse_arena")
        i = c.get("index_bytes_per_synapse")
        cells.append("-" if a is None else "%.2f (%.2f + %.2f)" % (
            a + (i or 0), a, i or 0))
        cells.append(fmt(c.get("bytes_per_synapse_rss"), "%.2f"))
        cells.append(fmt(c.get("compile_median_s"), "%.2f"))
        builds = c.get("brian2_build", {})
        cells.append(" / ".join("%.0f" % builds[k]["build_wall_s"]
                                for k in brian_keys if k in builds) or "-")
        kinds = {}
        for p in c.get("projections", {}).values():
            kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
        cells.append(", ".join("%s (%d)" % kv for kv in sorted(kinds.items()))
                     or "-")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Targets", "", "Ratios and times from this run."]
    lines += [""] + targets(cases, args)
    lines += ["", "## Notes", ""]
    if any(c.get("brian2_note") for c in cases):
        lines.append("- (a) " + next(c["brian2_note"] for c in cases
                                     if c.get("brian2_note")))
    lines.append("- coba-euler: snnc integrates the linear subsystem (ge, "
                 "gi: exponential decays) exactly whatever the method, and "
                 "Euler only for v; Brian2's method='euler' also steps ge "
                 "and gi with Euler (factor 1 - dt/tau instead of "
                 "exp(-dt/tau)). Same work per step; slightly different "
                 "numbers.")
    lines.append("- Brian2 draws its connectivity and initial values with "
                 "its own generator, so the networks are statistically, not "
                 "bitwise, the same; compare the rates.")
    methods = sorted({c["descriptor_source"] for c in cases
                      if c.get("descriptor_source")})
    if methods:
        lines.append("- descriptor read from: %s" % ", ".join(methods))
    thr = {c.get("threads_option") for c in cases if "threads_option" in c}
    if thr == {False}:
        lines.append("- the simulators take no --threads option: snnc ran "
                     "with its default thread count only")
    for n in notes:
        lines.append("- error: " + n)
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(path_md), exist_ok=True)
    with open(path_md, "w") as f:
        f.write(text)
    with open(path_json, "w") as f:
        json.dump({"machine": info, "options": vars(args), "cases": cases},
                  f, indent=1)
    return text


def output_paths(out, name):
    base = os.path.join(out, name)
    n = 1
    while os.path.exists(base + ".md") or os.path.exists(base + ".json"):
        n += 1
        base = os.path.join(out, "%s-%d" % (name, n))
    return base + ".md", base + ".json"


def int_list(s):
    return [int(x) for x in s.split(",") if x.strip() and int(x) > 0]


def main():
    ap = argparse.ArgumentParser(
        description="snnc vs Brian2 C++ standalone on the CPU "
        "(see bench/README.md)")
    ap.add_argument("--models", default=DEFAULT_MODELS,
                    help="comma-separated: cuba, coba-expeuler, coba-euler "
                    "(coba = both), microcircuit (default: %(default)s)")
    ap.add_argument("--sizes", default="4000,16000,64000",
                    help="neurons per network (also 256000)")
    ap.add_argument("--indegree", default=str(brian2_net.BASE_INDEGREE),
                    help="mean in-degree k, or several (80,1000); default "
                    "80, the examples' (p = 0.02 at 4000 neurons)")
    ap.add_argument("--weight-ref", type=int,
                    default=brian2_net.BASE_INDEGREE,
                    help="weights x sqrt(weight_ref / k) (default 80; 100 "
                    "gives the weights of bench/gpu_bench.py)")
    ap.add_argument("--reps", type=int, default=3,
                    help="repetitions of every engine, alternated "
                    "(default 3; medians are reported)")
    ap.add_argument("--duration", type=float, default=1000.0,
                    help="biological time in ms")
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin",
                                                   "snnc"),
                    help="the snnc to benchmark (default <repo>/build/bin/"
                    "snnc)")
    ap.add_argument("--snnc-threads", default="1,2",
                    help="thread counts run besides the default where the "
                    "simulator takes --threads ('' for none)")
    ap.add_argument("--brian2-threads", default="1,2",
                    help="Brian2 configurations: 1 = no OpenMP, N > 1 = "
                    "OpenMP with N threads ('' for no Brian2)")
    ap.add_argument("--python", default=sys.executable,
                    help="Python with Brian2 (default: this one)")
    ap.add_argument("--make-jobs", type=int, default=2,
                    help="make -j for Brian2's g++ (Brian2's default is "
                    "unbounded)")
    ap.add_argument("--timeout", type=float, default=3600.0,
                    help="seconds one simulation run may take")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"),
                    help="directory of the .md and .json (default "
                    "bench/results)")
    ap.add_argument("--name", default=None,
                    help="result file name without extension (default "
                    "cpu-<date>, -2, -3... if taken)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directory (models, simulators, "
                    "Brian2 projects)")
    ap.add_argument("--report-from", metavar="JSON", default=None,
                    help="run nothing: rewrite the .md of an earlier run "
                    "from its .json (after a change to the report)")
    args = ap.parse_args()
    if args.report_from:
        with open(args.report_from) as f:
            stored = json.load(f)
        stored_args = argparse.Namespace(**stored["options"])
        base = os.path.splitext(args.report_from)[0]
        text = report(stored_args, stored["machine"], stored["cases"],
                      base + ".md", base + ".json")
        print(text)
        return
    args.sizes = int_list(args.sizes)
    args.indegrees = int_list(args.indegree)
    args.snnc_threads = int_list(args.snnc_threads)
    args.brian2_threads = int_list(args.brian2_threads)
    if args.reps < 1:
        ap.error("--reps must be at least 1")
    if not os.path.exists(args.snnc):
        ap.error("no snnc at %s (build it with scripts/build, or pass "
                 "--snnc)" % args.snnc)
    models = []
    for m in args.models.split(","):
        m = m.strip()
        for x in ALIASES.get(m, [m]):
            if x not in SCALABLE and x not in FIXED:
                ap.error("unknown model %r" % x)
            if x not in models:
                models.append(x)
    networks = []
    for m in models:
        if m in FIXED:
            path = os.path.join(ROOT, "examples", FIXED[m], FIXED[m] + ".json")
            if not os.path.exists(path):
                log("skipping %s: %s does not exist" % (
                    m, os.path.relpath(path, ROOT)))
                continue
            networks.append((m, 0, brian2_net.BASE_INDEGREE))
            continue
        for size in args.sizes:
            for k in args.indegrees:
                if k > size:
                    log("skipping %s %d k=%d: k > neurons" % (m, size, k))
                    continue
                networks.append((m, size, k))

    info = machine()
    info["date"] = datetime.date.today().isoformat()
    info["snnc"] = os.path.abspath(args.snnc)
    path_md, path_json = output_paths(args.out,
                                      args.name or "cpu-%s" % info["date"])
    work = tempfile.mkdtemp(prefix="snnc-bench-")
    info["rss_method"] = setup_peak_rss(work)
    log("%d networks, %d reps; work directory %s" % (len(networks),
                                                     args.reps, work))
    cases = []
    text = None
    try:
        for name, size, k in networks:
            case = bench_network(args, name, size, k, work)
            if name in FIXED:
                case["size"] = case["neurons"]
            cases.append(case)
            info["load_end"] = os.getloadavg()
            text = report(args, info, cases, path_md, path_json)
            log("written %s" % os.path.relpath(path_md, ROOT))
    finally:
        if args.keep:
            log("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if text:
        print(text)
        print("written to %s and %s" % (os.path.relpath(path_md, ROOT),
                                        os.path.relpath(path_json, ROOT)),
              file=sys.stderr)


if __name__ == "__main__":
    main()
