"""Shared helpers of the differential tests against Brian2.

Brian2 runs with the numpy code-generation target (no compilation, no cache
on disk). Everything Brian2 or the tests write goes under the scratch
directory: call `setup_scratch(work)` before `import_brian2()`, which points
the temporary directory (Brian2's log file) there.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True

import numpy as np

DT = 0.1  # ms


def setup_scratch(work):
    os.makedirs(work, exist_ok=True)
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp, exist_ok=True)
    os.environ["TMPDIR"] = tmp
    tempfile.tempdir = tmp
    # Keep sympy/matplotlib and friends from writing caches under $HOME.
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(tmp, "mpl"))


def import_brian2():
    """Imports Brian2 with the numpy target and quiet logging."""
    import warnings
    warnings.filterwarnings("ignore")
    import brian2
    brian2.prefs.codegen.target = "numpy"
    brian2.prefs.logging.file_log = False
    brian2.prefs.logging.save_script = False
    brian2.BrianLogger.log_level_error()
    return brian2


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)


def compile_model(snnc, model, sim):
    r = subprocess.run([snnc, model, "-o", sim], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    if r.returncode != 0:
        print("snnc failed (exit %d):\n%s" % (r.returncode, r.stdout))
        sys.exit(1)


def run_sim(sim, out, *args):
    r = subprocess.run([sim, "--out", out, "--quiet"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if r.returncode != 0:
        print("%s failed (exit %d):\n%s" % (sim, r.returncode, r.stdout))
        sys.exit(1)
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def snnc_spikes(out, pop, dt=DT):
    """(steps, neurons) of a recorded population, as int64 arrays."""
    t = np.load(os.path.join(out, pop + "_spikes_t.npy"))
    i = np.load(os.path.join(out, pop + "_spikes_i.npy"))
    steps = np.rint(t / dt).astype(np.int64)
    if len(t) and np.max(np.abs(steps * dt - t)) > 1e-6:
        print("%s: spike times of snnc are not on the %g ms grid" % (pop, dt))
        sys.exit(1)
    return steps, i.astype(np.int64)


def brian2_spikes(monitor, dt_seconds):
    steps = np.rint(np.asarray(monitor.t_) / dt_seconds).astype(np.int64)
    return steps, np.asarray(monitor.i, dtype=np.int64)


def sorted_pairs(steps, neurons):
    order = np.lexsort((neurons, steps))
    return steps[order], neurons[order]


def first_difference(a, b):
    """First step at which two spike trains, each (steps, neurons), differ.

    Returns None when they are identical."""
    sa, na = sorted_pairs(*a)
    sb, nb = sorted_pairs(*b)
    n = min(len(sa), len(sb))
    diff = np.nonzero((sa[:n] != sb[:n]) | (na[:n] != nb[:n]))[0]
    if len(diff):
        k = diff[0]
        return int(min(sa[k], sb[k]))
    if len(sa) != len(sb):
        return int(sa[n]) if len(sa) > n else int(sb[n])
    return None


def pairs_before(train, step):
    s, n = train
    keep = s < step
    return s[keep], n[keep]
