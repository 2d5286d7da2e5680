#!/usr/bin/env python3
"""Compares two runs of one plastic model: the spikes must be identical and
the final weights of the named projections (record.weights) the same
synapses, within 1e-12 relative (of the larger magnitude, at least 1e-300).

Usage: close_weights.py DIR_A DIR_B PROJECTION...
"""
import os
import sys

import numpy as np

TOLERANCE = 1e-12


def main():
    a, b, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    ok = True
    spikes = sorted(f for f in os.listdir(a) if "_spikes_" in f)
    same = all(np.array_equal(np.load(os.path.join(a, f)),
                              np.load(os.path.join(b, f))) for f in spikes)
    print("spikes: %s (%s)" % ("identical" if same else "DIFFER",
                               ", ".join(spikes)))
    ok &= same
    for name in names:
        load = lambda d, s: np.load(os.path.join(d, name + s))  # noqa: E731
        pre_same = np.array_equal(load(a, "_weights_pre.npy"),
                                  load(b, "_weights_pre.npy"))
        post_same = np.array_equal(load(a, "_weights_post.npy"),
                                   load(b, "_weights_post.npy"))
        wa, wb = load(a, "_weights.npy"), load(b, "_weights.npy")
        scale = np.maximum(np.maximum(np.abs(wa), np.abs(wb)), 1e-300)
        worst = float(np.max(np.abs(wa - wb) / scale)) if len(wa) else 0.0
        good = pre_same and post_same and worst <= TOLERANCE
        print("%s: %d weights, largest relative difference %.2g%s: %s" % (
            name, len(wa), worst,
            "" if pre_same and post_same else ", DIFFERENT synapses",
            "OK" if good else "FAILED"))
        ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
