#!/usr/bin/python3
"""Storage kinds against each other: the same network, every projection
forced to each kind, snnc only.

For each (size, in-degree) it builds the CUBA benchmark network of
bench/cpu_vs_brian2.py (p = in-degree / size, weights scaled to keep the
input variance), compiles it once per kind (`--storage=<projection>=<kind>`
for every projection; "auto" lets snn-select-storage choose), runs the
simulators alternately `--reps` times on `--threads` threads, and writes a
table: median RTF per kind, its ratio to csr, bytes of synapse storage
(per synapse and in all), and what the cost model chose. Spike counts must
be the same for every kind (they are the same synapses): a difference is
reported as an error.

This is the measurement behind the cost model's dense rule (docs/design.md,
"Storage").

Usage: /usr/bin/python3 bench/storage_kinds.py [--sizes 4000]
           [--indegrees 80,400,1200 | --p 0.02,0.1,0.3]
           [--kinds csr,dense,procedural,auto]
           [--reps 3] [--threads 1] [--duration 1000] [--name NAME]
Writes bench/results/storage-<date>.md and .json.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import brian2_net  # noqa: E402
import cpu_vs_brian2 as cvb  # noqa: E402


def compile_kind(snnc, model_path, sim, kind, projections):
    cmd = [snnc, model_path, "-o", sim]
    if kind != "auto":
        cmd.append("--storage=" + ",".join(
            "%s=%s" % (p, kind) for p in projections))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if r.returncode != 0:
        return r.stdout.strip().splitlines()[-1] if r.stdout.strip() else \
            "snnc failed"
    return None


def storage_bytes(snnc, model_path, sim, summary):
    desc, _ = cvb.descriptor(snnc, model_path, sim)
    per = cvb.storage_of(desc, summary)
    total = sum(p["bytes_per_synapse"] * p["synapses"] + p["index_bytes"]
                for p in per.values())
    synapses = sum(p["synapses"] for p in per.values())
    kinds = sorted({p["kind"] for p in per.values()})
    return total, synapses, "/".join(kinds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="4000")
    ap.add_argument("--indegrees", default="80,400,1200")
    ap.add_argument("--p", default=None,
                    help="connection probabilities instead of in-degrees "
                    "(in-degree = p x size), e.g. 0.02,0.1,0.3")
    ap.add_argument("--kinds", default="csr,dense,procedural,auto")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--duration", type=float, default=1000.0)
    ap.add_argument("--snnc", default=os.path.join(ROOT, "build", "bin",
                                                   "snnc"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--name", default=None)
    args = ap.parse_args()
    kinds = args.kinds.split(",")
    info = cvb.machine()
    date = datetime.date.today().isoformat()
    name = args.name or "storage-" + date
    work = tempfile.mkdtemp(prefix="snnc-storage-")
    rows, raw = [], []
    for size in cvb.int_list(args.sizes):
        if args.p:
            degrees = [max(1, int(round(float(p) * size)))
                       for p in args.p.split(",") if p.strip()]
        else:
            degrees = cvb.int_list(args.indegrees)
        for k in degrees:
            model = cvb.snnc_model("cuba", size, k, brian2_net.BASE_INDEGREE,
                                   args.duration)
            path = os.path.join(work, "%d_%d.json" % (size, k))
            with open(path, "w") as f:
                json.dump(model, f)
            projections = list(model["projections"])
            sims, errors = {}, {}
            for kind in kinds:
                sim = os.path.join(work, "%d_%d_%s" % (size, k, kind))
                err = compile_kind(args.snnc, path, sim, kind, projections)
                if err:
                    errors[kind] = err
                else:
                    sims[kind] = sim
            runs = {kind: [] for kind in sims}
            for rep in range(args.reps):
                for kind, sim in sims.items():
                    out = os.path.join(work, "out_%s" % kind)
                    r = cvb.run_snnc(sim, out, args.threads, 3600,
                                     args.duration)
                    cvb.log("size %d k %d %s rep %d: %s" % (
                        size, k, kind, rep + 1,
                        r.get("error") or "RTF %.4f" % r["rtf"]))
                    if "error" in r:
                        errors[kind] = r["error"]
                        continue
                    r["bytes"] = storage_bytes(args.snnc, path, sim,
                                               r["summary"])
                    runs[kind].append(r)
            row = {"size": size, "indegree": k, "kinds": {}, "errors": errors}
            spikes = set()
            for kind, rs in runs.items():
                if not rs:
                    continue
                total, synapses, chosen = rs[0]["bytes"]
                spikes.add(sum(p["spikes"] for p in
                               rs[0]["summary"]["populations"].values()))
                row["kinds"][kind] = {
                    "rtf": statistics.median(r["rtf"] for r in rs),
                    "rtfs": [r["rtf"] for r in rs],
                    "bytes": total, "synapses": synapses, "storage": chosen}
            if len(spikes) > 1:
                row["errors"]["spikes"] = "spike counts differ between " \
                    "kinds: %s" % sorted(spikes)
            rows.append(row)
            raw.append(row)
            write(args, info, name, kinds, rows)
    print(os.path.join(args.out, name + ".md"))


def write(args, info, name, kinds, rows):
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, name + ".json"), "w") as f:
        json.dump({"machine": info, "args": vars(args), "rows": rows}, f,
                  indent=1)
    lines = ["# Storage kinds: CUBA with every projection forced to each "
             "kind", "",
             "Machine: %s, %s cores (%s usable); commit %s; %s." % (
                 info["cpu"], info["cores"], info["usable_cores"],
                 info["commit"], datetime.date.today().isoformat()),
             "Command: `/usr/bin/python3 bench/storage_kinds.py --sizes %s "
             "%s --kinds %s --reps %d --threads %d --duration %g`"
             % (args.sizes, ("--p " + args.p) if args.p else
                ("--indegrees " + args.indegrees), args.kinds, args.reps,
                args.threads, args.duration),
             "",
             "RTF: median of the repetitions (runs alternate between kinds). "
             "Bytes: synapse storage (per-synapse buffers and the "
             "projections' fixed ones: row pointers, rows of bits), per "
             "synapse. `auto`: the cost model's choice.", ""]
    head = ["neurons", "in-degree", "p"]
    for kind in kinds:
        head += ["%s RTF" % kind, "%s B/syn" % kind]
        if kind != "csr":
            head.append("%s / csr" % kind)
    head.append("auto chose")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + " --- |" * len(head))
    for row in rows:
        cells = [str(row["size"]), str(row["indegree"]),
                 "%.3g" % (row["indegree"] / row["size"])]
        csr = row["kinds"].get("csr")
        for kind in kinds:
            r = row["kinds"].get(kind)
            if not r:
                cells += ["error", "-"] + (["-"] if kind != "csr" else [])
                continue
            cells += ["%.4f" % r["rtf"],
                      "%.2f" % (r["bytes"] / max(1, r["synapses"]))]
            if kind != "csr":
                cells.append("%.2f" % (r["rtf"] / csr["rtf"]) if csr else "-")
        auto = row["kinds"].get("auto")
        cells.append(auto["storage"] if auto else "-")
        lines.append("| " + " | ".join(cells) + " |")
    errs = [(row["size"], row["indegree"], k, e) for row in rows
            for k, e in row["errors"].items()]
    if errs:
        lines += ["", "Errors:", ""] + ["- %d neurons, in-degree %d, %s: %s"
                                       % e for e in errs]
    with open(os.path.join(args.out, name + ".md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
