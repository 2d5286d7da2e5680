#!/usr/bin/env python3
"""Checks the refractory rule of Poisson inputs on a run's outputs.

For every spike of `cells` at step s, the recorded v (sampled at the start of
each step) must be exactly v_reset at steps s+1 .. s+R: the reset overrides
the input of step s, and the input of the refractory steps s+1 .. s+R-1 is
dropped (v is clamped). Outside those steps the inputs must move v. Prints
a summary line; exit code 1 when a check fails.

Usage: poisson_clamp.py OUTDIR V_RESET R_STEPS DT
"""
import os
import sys

import numpy as np


def main():
    out, v_reset, r_steps, dt = (sys.argv[1], float(sys.argv[2]),
                                 int(sys.argv[3]), float(sys.argv[4]))
    v = np.load(os.path.join(out, "cells_v.npy"))
    t = np.load(os.path.join(out, "cells_spikes_t.npy"))
    i = np.load(os.path.join(out, "cells_spikes_i.npy"))
    steps = np.rint(t / dt).astype(np.int64)
    held = np.zeros(v.shape, dtype=bool)
    bad = 0
    for s, n in zip(steps, i):
        rows = np.arange(s + 1, min(s + r_steps + 1, v.shape[0]))
        held[rows, n] = True
        bad += int(np.sum(v[rows, n] != v_reset))
    free = ~held[1:] & ~held[:-1]
    moved = np.sum(v[1:][free] != v[:-1][free]) / max(1, np.sum(free))
    ok = bad == 0 and len(steps) > 0 and moved > 0.99
    print("cells: %d spikes; %d refractory samples, %d not at v_reset; "
          "v moved in %.4f of the other steps: %s"
          % (len(steps), int(held.sum()), bad, moved, "OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
