"""Checks clip.test's runs: the clipped delays and weights of projection
"bad" lie in their clip ranges (and some sit at the bounds, so the clipping
happened), and every run saved the same synapses byte for byte.

usage: check_clipped.py OUT_DIR...
"""
import os
import sys

import numpy as np

dirs = sys.argv[1:]
delay = np.load(os.path.join(dirs[0], "bad_synapses_delay.npy"))
weight = np.load(os.path.join(dirs[0], "bad_synapses_weight.npy"))
# 0.1 ms steps: [0, 1.5] ms is [0, 15] steps.
assert delay.min() >= 0 and delay.max() <= 15, (delay.min(), delay.max())
low, high = (delay == 0).sum(), (delay == 15).sum()
assert low > 0 and high > 0
print("bad delays: %d to %d steps, %d at 0 and %d at 15 (clipped)"
      % (delay.min(), delay.max(), low, high))
assert weight.max() <= 2.5
top = (weight == 2.5).sum()
assert top > 0
print("bad weights: at most 2.5, %d at 2.5 (clipped)" % top)
# The initial values, normal(0.5 mV, 0.5 mV) clipped to [0, 0.9] mV: the
# first sample of v (recorded every 1000 steps).
v0 = np.load(os.path.join(dirs[0], "p_v.npy"))[0]
assert v0.min() >= 0 and v0.max() <= 0.9, (v0.min(), v0.max())
print("initial v: %d of %d at 0, %d at 0.9 (clipped)"
      % ((v0 == 0).sum(), v0.size, (v0 == 0.9).sum()))
for d in dirs[1:]:  # the emulated device records all 100 neurons too
    if not np.array_equal(np.load(os.path.join(d, "p_v.npy"))[0], v0):
        sys.exit("FAILED: the initial values differ in %s" % d)
names = sorted(f for f in os.listdir(dirs[0]) if "_synapses_" in f)
for d in dirs[1:]:
    for f in names:
        with open(os.path.join(dirs[0], f), "rb") as a, \
                open(os.path.join(d, f), "rb") as b:
            if a.read() != b.read():
                sys.exit("FAILED: %s differs in %s" % (f, d))
print("identical synapses: %d runs" % len(dirs))
