#!/usr/bin/env python3
"""Summarizes the final weights of plastic-mix.json's plastic projections:
their count, range, whether they stay within [0, w_max] of their rule, and
whether they moved away from where they started (in_exc: drawn in [1, 3]
mV; exc_exc: 1 mV each). Exit code 1 when a weight leaves its range or
none moved.

Usage: plastic_weights.py OUTDIR
"""
import os
import sys

import numpy as np

# projection -> (w_max, initial range)
RULES = {"in_exc": (4.0, (1.0, 3.0)), "exc_exc": (2.0, (1.0, 1.0))}


def main():
    out = sys.argv[1]
    ok = True
    for name, (w_max, (lo, hi)) in RULES.items():
        w = np.load(os.path.join(out, name + "_weights.npy"))
        inside = bool(np.all((w >= 0) & (w <= w_max)))
        changed = bool(np.any((w < lo) | (w > hi)))
        print("%s: %d synapses, weights from %.4f to %.4f mV, all in [0, %g], "
              "changed: %s" % (name, len(w), w.min(), w.max(), w_max,
                               "yes" if changed else "no"))
        ok = ok and inside and changed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
