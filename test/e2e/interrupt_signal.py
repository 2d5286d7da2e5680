#!/usr/bin/env python3
"""A real signal interrupts a running simulator: it starts a long run, waits
for its first progress line on stderr (the simulation has started), sends
the signal, and checks that

  - the simulator exits with 128 + the signal;
  - summary.json says it was interrupted, by that signal, at a step t with
    0 < t < the steps asked for, and its steps and duration are t's;
  - the printed summary and stderr say so;
  - the spike files hold exactly the spikes of the steps before t: every
    recorded time is below t, and they are byte for byte the files of a run
    of `--duration t`.

Usage: interrupt_signal.py --sim SIM --work DIR --duration MS
                           [--signal INT|TERM] [--sim-arg=ARG ...]
"""
import argparse
import filecmp
import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np


def fail(msg):
    print("FAILED: " + msg)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--duration", required=True)
    ap.add_argument("--signal", default="INT")
    ap.add_argument("--sim-arg", action="append", default=[])
    ap.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args()
    sig = getattr(signal, "SIG" + args.signal)
    os.makedirs(args.work, exist_ok=True)
    out = os.path.join(args.work, "interrupted")

    # A signal ignored by whoever started us would stay ignored in the
    # simulator (as in a background job): give it the default disposition.
    def restore_signals():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    p = subprocess.Popen([args.sim, "--out", out, "--duration", args.duration]
                         + args.sim_arg, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True,
                         preexec_fn=restore_signals)
    deadline = time.time() + args.timeout
    err_lines = []
    while True:
        line = p.stderr.readline()
        if not line:
            fail("the run ended before any progress line (status %s): %s"
                 % (p.wait(), "".join(err_lines)))
        err_lines.append(line)
        if line.startswith("progress:"):
            break
        if time.time() > deadline:
            p.kill()
            fail("no progress line within %d s" % args.timeout)
    p.send_signal(sig)
    try:
        stdout, rest = p.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("the simulator did not stop within %d s of the signal"
             % args.timeout)
    stderr = "".join(err_lines) + rest
    if p.returncode != 128 + sig:
        fail("exit status %s, expected %d\n%s%s"
             % (p.returncode, 128 + sig, stdout, stderr))

    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    intr = summary.get("interruption", {})
    step, requested = intr.get("step", -1), intr.get("requested_steps", -1)
    name = "SIG" + args.signal
    if not (summary.get("interrupted") is True and intr.get("signal") == name
            and 0 < step < requested and summary["steps"] == step
            and summary["duration_ms"] == intr["time_ms"]):
        fail("summary.json does not describe the interruption: %s"
             % json.dumps(summary, indent=1))
    t = intr["time_ms"]
    said = re.compile(r"interrupted by %s at (\S+) ms, after %d of %d steps"
                      % (name, step, requested))
    for where, text in (("the printed summary", stdout), ("stderr", stderr)):
        m = said.search(text)
        if not m or float(m.group(1)) != t:
            fail("%s does not say: interrupted by %s at %g ms, after %d of "
                 "%d steps:\n%s" % (where, name, t, step, requested, text))

    spikes = [f for f in summary["files"] if f.endswith("_spikes_t.npy")]
    if not spikes:
        fail("no spike files")
    total = 0
    for f in spikes:
        times = np.load(os.path.join(out, f))
        total += len(times)
        if len(times) and times.max() >= t:
            fail("%s holds a spike at %g ms, not before %g ms"
                 % (f, times.max(), t))

    ref = os.path.join(args.work, "reference")
    r = subprocess.run([args.sim, "--out", ref, "--quiet", "--duration",
                        "%.15g" % t] + args.sim_arg,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=args.timeout)
    if r.returncode != 0:
        fail("the reference run of %g ms failed: %s" % (t, r.stdout))
    for f in summary["files"]:
        if f == "summary.json":
            continue
        if not filecmp.cmp(os.path.join(out, f), os.path.join(ref, f),
                           shallow=False):
            fail("%s differs from a run of --duration %g" % (f, t))
    print("%s: exit %d, stopped at step %d of %d, %d spikes, the files of a "
          "run of %g ms: OK" % (name, p.returncode, step, requested, total,
                                t))


if __name__ == "__main__":
    main()
