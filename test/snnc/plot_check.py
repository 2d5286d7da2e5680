#!/usr/bin/env python3
"""Checks `snnc plot`: a small deterministic run (a spike array driving 4
neurons, spikes and v recorded, NPY and CSV), then the report.

- The HTML is well-formed (parsed by Python's XML parser: the report is
  polyglot XHTML) and holds the summary table, a raster whose marks are the
  run's spikes one for one (the `M` commands of its path), a rate curve and a
  trace per recorded neuron.
- With --max-marks=3 the raster is thinned (1 spike in k) and the report
  says so.
- `-o fig.svg` writes an SVG (the figures alone), well-formed.
- A directory that is not a run's is an error, and nothing is written.
- Where Debian's chromium is installed, it renders the report headless to a
  PNG; elsewhere the check says it was skipped.

Usage: plot_check.py --snnc PATH --work DIR
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def model(work, fmt):
    with open(os.path.join(work, "stim.csv"), "w") as f:
        f.write("neuron,time\n0,1.0\n1,2.0\n2,3.0\n3,4.0\n0,6.0\n1,7.5\n")
    m = {
        "name": "plot_check",
        "simulation": {"dt": 0.1, "duration": 10.0},
        "neuron_models": {"lif": {
            "parameters": {"tau": "5 ms"},
            "variables": {"v": "-65 mV"},
            "equations": ["dv/dt = (-65 mV - v) / tau"],
            "threshold": "v > -50 mV", "reset": ["v = -65 mV"],
            "method": "exact"}},
        "populations": {"out": {"model": "lif", "size": 4}},
        "sources": {"stim": {"type": "spike_array", "size": 4,
                             "file": "stim.csv"}},
        "projections": {"in": {"pre": "stim", "post": "out", "target": "v",
                               "weight": "20 mV",
                               "connectivity": "one_to_one"}},
        "record": {"spikes": ["out", "stim"],
                   "state": [{"population": "out", "variable": "v"}],
                   "format": fmt},
    }
    path = os.path.join(work, "model_%s.json" % fmt)
    with open(path, "w") as f:
        json.dump(m, f)
    return path


def check_report(path, spikes):
    root = ET.parse(path).getroot()
    ok = root.tag == XHTML + "html"
    table = root.find(".//%stable" % XHTML)
    ok &= table is not None
    rasters = {p.get("data-population"): p
               for p in root.iter(SVG + "path") if p.get("class") == "raster"}
    for pop, n in spikes.items():
        p = rasters.get(pop)
        if p is None:
            print("no raster for %s" % pop)
            return False, 0
        marks = len(re.findall("M", p.get("d")))
        ok &= int(p.get("data-spikes")) == n
        ok &= int(p.get("data-marks")) == marks
    rates = [p for p in root.iter(SVG + "polyline") if p.get("class") == "rate"]
    traces = [p for p in root.iter(SVG + "polyline")
              if (p.get("class") or "").startswith("trace")]
    notes = [p.text for p in root.iter(XHTML + "p") if p.get("class") == "note"]
    return ok and len(rates) == len(spikes), (rasters, traces, notes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    ok = True
    for fmt in ("npy", "csv"):
        out = os.path.join(args.work, "out_" + fmt)
        r = run([args.snnc, "run", model(args.work, fmt), "--", "--out", out,
                 "--quiet"])
        if r.returncode != 0:
            print(r.stdout, r.stderr)
            return 1
        summary = json.load(open(os.path.join(out, "summary.json")))
        spikes = {p: summary["populations"][p]["spikes"]
                  for p in ("out", "stim")}
        r = run([args.snnc, "plot", out])
        report = out + ".html"
        good, (rasters, traces, notes) = check_report(report, spikes)
        print("%s: report %d bytes, well-formed XHTML, rasters %s marks "
              "%s (spikes %s), %d traces, notes %s: %s" % (
                  fmt, os.path.getsize(report), sorted(rasters),
                  [int(rasters[p].get("data-marks")) for p in sorted(rasters)],
                  [spikes[p] for p in sorted(rasters)], len(traces),
                  len(notes), "OK" if good and len(traces) == 4 and
                  not notes else "FAILED"))
        ok &= good and len(traces) == 4 and not notes
    out = os.path.join(args.work, "out_npy")
    thin = os.path.join(args.work, "thin.html")
    r = run([args.snnc, "plot", out, "-o", thin, "--max-marks=3"])
    good, (rasters, traces, notes) = check_report(thin, spikes)
    total = sum(spikes.values())
    stride = -(-total // 3)
    marks = {p: int(rasters[p].get("data-marks")) for p in rasters}
    want = {p: -(-spikes[p] // stride) for p in spikes}
    good &= marks == want and len(notes) == 1 and \
        ("1 spike in %d (%d of %d)" % (stride, sum(marks.values()), total)) \
        in notes[0]
    print("thinned to 3 marks: 1 spike in %d, marks %s, note: %s: %s" % (
        stride, [marks[p] for p in sorted(marks)], notes[0] if notes else "-",
        "OK" if good else "FAILED"))
    ok &= good
    svg = os.path.join(args.work, "fig.svg")
    r = run([args.snnc, "plot", out, "-o", svg])
    root = ET.parse(svg).getroot()
    good = r.returncode == 0 and root.tag == SVG + "svg"
    print("svg: %s, well-formed: %s" % (root.tag.split("}")[1],
                                        "OK" if good else "FAILED"))
    ok &= good
    empty = os.path.join(args.work, "not_a_run")
    os.makedirs(empty, exist_ok=True)
    r = run([args.snnc, "plot", empty])
    good = r.returncode == 1 and not os.listdir(empty) and \
        not os.path.exists(empty + ".html") and "summary.json" in r.stderr
    print("not a run: exit %d, %s, nothing written: %s" % (
        r.returncode, r.stderr.strip().split("\n")[0].replace(args.work, "WORK"),
        "OK" if good else "FAILED"))
    ok &= good
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        png = os.path.join(args.work, "report.png")
        r = run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                 "--screenshot=" + png, "--window-size=1000,1400",
                 "file://" + out + ".html"], timeout=120)
        good = os.path.exists(png) and os.path.getsize(png) > 1000
        print("chromium: rendered %s: %s" % (
            "a PNG" if good else "nothing", "OK" if good else "FAILED"))
        ok &= good
    else:
        print("chromium: not installed, the report was not rendered "
              "(apt-get install chromium to check it)")
    print("snnc plot: %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
