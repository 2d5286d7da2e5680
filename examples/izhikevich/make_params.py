#!/usr/bin/python3
"""Writes the per-neuron parameters of Izhikevich (2003), Fig. 3 / its
MATLAB code, to exc.csv and inh.csv (columns a, b, c, d, u).

Excitatory neurons: a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2;
inhibitory neurons: a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2;
one r ~ U[0, 1) per neuron, so a and b (or c and d) are drawn together, which
independent "uniform" value specifications could not express. u starts at
b * v0 with v0 = -65 mV, as in the paper.

Run with Debian's Python (it has numpy):  /usr/bin/python3 make_params.py
The files are committed; rerunning gives the same numbers (fixed seed).
"""
import os

import numpy as np

NE, NI = 800, 200
V0 = -65.0

rng = np.random.default_rng(2003)
re = rng.random(NE)
ri = rng.random(NI)

exc = {
    "a": np.full(NE, 0.02),
    "b": np.full(NE, 0.2),
    "c": -65 + 15 * re**2,
    "d": 8 - 6 * re**2,
}
inh = {
    "a": 0.02 + 0.08 * ri,
    "b": 0.25 - 0.05 * ri,
    "c": np.full(NI, -65.0),
    "d": np.full(NI, 2.0),
}

here = os.path.dirname(os.path.abspath(__file__))
for name, cols in (("exc", exc), ("inh", inh)):
    cols["u"] = cols["b"] * V0
    table = np.column_stack([cols[k] for k in ("a", "b", "c", "d", "u")])
    np.savetxt(os.path.join(here, name + ".csv"), table, fmt="%.9g",
               delimiter=",", header="a,b,c,d,u", comments="")
