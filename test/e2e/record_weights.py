#!/usr/bin/env python3
"""Checks the recorded final weights (record.weights) of a run against the
synapses the run saved (--save-connectivity) and against the model.

Usage: record_weights.py OUT [--list CSV] [--csv CSVOUT]

For every projection with <name>_weights_pre/_post.npy and <name>_weights.npy
in OUT: one entry per synapse, the pre neuron of each from the saved row
pointers, the post neuron the saved column, the weight the saved weight (or,
where none is saved, one constant for every synapse). With --list, the
projection "listed" holds exactly the list's (pre, post, weight). With
--csv, CSVOUT's <name>_weights.csv (the same model with "format": "csv")
holds the same numbers. Prints one line per projection and "weights: OK".
"""
import argparse
import csv
import glob
import os
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--list")
    ap.add_argument("--csv")
    args = ap.parse_args()
    ok = True
    names = sorted(os.path.basename(p)[:-len("_weights_pre.npy")] for p in
                   glob.glob(os.path.join(args.out, "*_weights_pre.npy")))
    for name in names:
        pre = np.load(os.path.join(args.out, name + "_weights_pre.npy"))
        post = np.load(os.path.join(args.out, name + "_weights_post.npy"))
        w = np.load(os.path.join(args.out, name + "_weights.npy"))
        base = os.path.join(args.out, name + "_synapses")
        row_ptr = np.load(base + "_row_ptr.npy")
        col = np.load(base + "_col.npy")
        expect_pre = np.repeat(np.arange(len(row_ptr) - 1), np.diff(row_ptr))
        good = (pre.dtype == np.int32 and post.dtype == np.int32 and
                w.dtype == np.float64 and np.array_equal(pre, expect_pre) and
                np.array_equal(post, col))
        if os.path.exists(base + "_weight.npy"):
            good &= np.array_equal(w, np.load(base + "_weight.npy"))
            kind = "per synapse"
        else:
            good &= len(w) > 0 and bool(np.all(w == w[0]))
            kind = "constant %g" % w[0]
        if name == "listed" and args.list:
            with open(args.list) as f:
                rows = sorted((int(r["pre"]), int(r["post"]), float(r["weight"]))
                              for r in csv.DictReader(f))
            good &= sorted(zip(pre.tolist(), post.tolist(),
                               w.tolist())) == rows
        if args.csv:
            with open(os.path.join(args.csv, name + "_weights.csv")) as f:
                rows = list(csv.DictReader(f))
            good &= [(int(r["pre"]), int(r["post"]), float(r["weight"]))
                     for r in rows] == list(zip(pre.tolist(), post.tolist(),
                                                w.tolist()))
        print("%s: %d synapses, weights %s: %s"
              % (name, len(w), kind, "OK" if good else "FAILED"))
        ok &= good
    if not names:
        print("no recorded weights in %s" % args.out)
        ok = False
    print("weights: %s" % ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
