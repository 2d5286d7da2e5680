#!/usr/bin/env python3
"""Every CUDA driver call the runtime makes is checked: a simulator compiled
with `snnc --target=cuda --host-kernels` runs on the fake CUDA driver
(SNNRT_CUDA_DRIVER must name libsnnrt_fakecuda.so), once to count its
driver calls (SNNRT_FAKECUDA_STATS=1), then once per fault point: the first,
a middle and the last call of every driver function it uses fails
(SNNRT_FAKECUDA_FAIL=name:n) with CUDA_ERROR_OUT_OF_MEMORY.

Each faulty run must either
  - exit with status 1, with an error that names the failing call (as the
    runtime names it: cuMemAlloc for cuMemAlloc_v2) and the driver's error,
    and leave no output files; or
  - exit with status 0 and write exactly the reference run's spikes and
    recordings (a call whose failure does not matter: the PTX fallback
    after a failed cubin load, a clean-up call in the backend's destructor).
A crash, a hang (--timeout), any other status, a silent wrong result, or an
error that does not name the call fails the test.

Usage: fault_injection.py --sim SIM --work DIR [--sim-arg=ARG ...]
"""
import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys


def run(sim, out, args, env, timeout):
    shutil.rmtree(out, ignore_errors=True)
    try:
        r = subprocess.run([sim, "--out", out, "--quiet"] + args, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=timeout)
        return r.returncode, r.stdout
    except subprocess.TimeoutExpired:
        return None, "timed out after %d s" % timeout


def outputs(out):
    """The output files that do not hold timings."""
    if not os.path.isdir(out):
        return []
    return sorted(f for f in os.listdir(out) if f != "summary.json")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--sim-arg", action="append", default=[])
    ap.add_argument("--timeout", type=int, default=120)
    args = ap.parse_args()
    if "fakecuda" not in os.environ.get("SNNRT_CUDA_DRIVER", ""):
        sys.exit("SNNRT_CUDA_DRIVER must name libsnnrt_fakecuda.so")
    os.makedirs(args.work, exist_ok=True)

    env = dict(os.environ)
    env.pop("SNNRT_FAKECUDA_FAIL", None)
    env["SNNRT_FAKECUDA_STATS"] = "1"
    ref = os.path.join(args.work, "reference")
    rc, log = run(args.sim, ref, args.sim_arg, env, args.timeout)
    m = re.search(r"fake CUDA driver: calls: (.*)", log)
    if rc != 0 or not m:
        print("reference run failed (status %s):\n%s" % (rc, log))
        sys.exit(1)
    if "leak" in log:
        print("reference run leaks:\n%s" % log)
        sys.exit(1)
    calls = {k: int(v) for k, v in
             (kv.split("=") for kv in m.group(1).split())}
    ref_files = outputs(ref)
    print("reference: %d driver functions, %d calls, %d output files"
          % (len(calls), sum(calls.values()), len(ref_files)))

    env.pop("SNNRT_FAKECUDA_STATS")
    out = os.path.join(args.work, "faulty")
    ok = True
    cases = errors = completed = 0
    for name, count in sorted(calls.items()):
        called = name[:-3] if name.endswith("_v2") else name
        for n in sorted({1, (count + 1) // 2, count}):
            cases += 1
            env["SNNRT_FAKECUDA_FAIL"] = "%s:%d" % (name, n)
            rc, log = run(args.sim, out, args.sim_arg, env, args.timeout)
            where = "%s call %d of %d" % (name, n, count)
            if rc == 1:
                errors += 1
                lines = log.strip().splitlines()
                first = next((l for l in lines if l.startswith("error:")),
                             lines[0] if lines else "")
                if called not in log or "CUDA_ERROR_OUT_OF_MEMORY" not in log:
                    print("%s: the error does not name the call and the "
                          "driver's error: %r: FAILED" % (where, first))
                    ok = False
                elif outputs(out):
                    print("%s: failed, but left output files %s: FAILED"
                          % (where, outputs(out)))
                    ok = False
                else:
                    print("%s: %s" % (where, first))
            elif rc == 0:
                completed += 1
                files = outputs(out)
                same = files == ref_files and all(
                    filecmp.cmp(os.path.join(ref, f), os.path.join(out, f),
                                shallow=False) for f in files)
                if not same:
                    print("%s: exit 0 with output that differs from the "
                          "reference: FAILED" % where)
                    ok = False
                else:
                    print("%s: completed, output identical" % where)
            else:
                print("%s: status %s (a crash, a hang or an unexpected "
                      "status):\n%s\nFAILED" % (where, rc, log))
                ok = False
    print("fault injection: %d fault points, %d clear errors, %d completed "
          "with identical output: %s"
          % (cases, errors, completed, "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
