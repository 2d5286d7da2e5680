#!/usr/bin/env python3
"""Coupled linear clock-driven synapse equations, integrated exactly.

Two projections of a synapse model each, every synapse integrating its
clock-driven equations every step (no spikes: the equations alone):

  chain        dx/dt = -x / tau1, dy/dt = (x - y) / tau2: y is an alpha-like
               double exponential, tau1/(tau1 - tau2) (e^-t/tau1 - e^-t/tau2)
               from x = 1, y = 0
  oscillator   dx/dt = -y / tau, dy/dt = x / tau: a rotation,
               x = cos(t / tau), y = sin(t / tau) from x = 1, y = 0

The equations read one another, so snn-integrate integrates them together
with an exact propagator (an snn.linear_update) computed at compile time;
the model is written in the text DSL. Checks, over 200 ms sampled every
step: x and y within 1e-12 of their closed forms, and the chain within
1e-9 of Brian2's method='exact' (which solves the system with sympy;
Brian2 refuses the oscillator: "the solution to the linear system contains
complex values").

Usage: clock_driven_coupled.py --snnc PATH --work DIR
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

DT = bc.DT
DURATION = 200.0                 # ms
TAU1, TAU2, TAU = 10.0, 4.0, 15.0   # ms

MODEL = """# Coupled linear clock-driven equations, integrated exactly.
simulation {{ dt = {dt} ms, duration = {duration} ms }}

neuron_model quiet {{
  variables {{ v = 0 }}
}}

synapse_model chain {{
  parameters {{ tau1 = {tau1} ms, tau2 = {tau2} ms }}
  variables {{ w = 0, x = 1, y = 0 }}
  equations {{
    dx/dt = -x / tau1 (clock-driven)
    dy/dt = (x - y) / tau2 (clock-driven)
  }}
  on_pre {{ v_post += w }}
}}

synapse_model oscillator {{
  parameters {{ tau = {tau} ms }}
  variables {{ w = 0, x = 1, y = 0 }}
  equations {{
    dx/dt = -y / tau (clock-driven)
    dy/dt = x / tau (clock-driven)
  }}
  on_pre {{ v_post += w }}
}}

population a {{ model = quiet, size = 2 }}
projection c {{ pre = a, post = a, synapse = chain, connectivity = all_to_all }}
projection o {{ pre = a, post = a, synapse = oscillator, connectivity = all_to_all }}

record {{
  state = [
    {{projection = c, variable = x, synapses = [[0, 0], [1, 0]]}},
    {{projection = c, variable = y, synapses = [[0, 0], [1, 0]]}},
    {{projection = o, variable = x, synapses = [[0, 1]]}},
    {{projection = o, variable = y, synapses = [[0, 1]]}}
  ]
}}
"""


def run_snnc(snnc, work):
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "coupled.snn")
    with open(path, "w") as f:
        f.write(MODEL.format(dt=DT, duration=DURATION, tau1=TAU1, tau2=TAU2,
                             tau=TAU))
    sim, out = os.path.join(work, "sim"), os.path.join(work, "out")
    bc.compile_model(snnc, path, sim)
    bc.run_sim(sim, out)
    load = lambda name: np.load(os.path.join(out, name + ".npy"))
    return {"t": load("c_x_t"), "cx": load("c_x")[:, 0], "cy": load("c_y")[:, 0],
            "cy1": load("c_y")[:, 1], "ox": load("o_x")[:, 0],
            "oy": load("o_y")[:, 0]}


def run_brian2():
    bc.import_brian2()
    from brian2 import (ms, NeuronGroup, Synapses, StateMonitor, Network,
                        defaultclock, start_scope)
    start_scope()
    defaultclock.dt = DT * ms
    g = NeuronGroup(2, "v : 1")
    ns = {"tau1": TAU1 * ms, "tau2": TAU2 * ms, "tau": TAU * ms}
    chain = Synapses(g, g, """dx/dt = -x / tau1 : 1 (clock-driven)
                              dy/dt = (x - y) / tau2 : 1 (clock-driven)""",
                     method="exact", namespace=ns)
    chain.connect()
    chain.x = 1
    chain.y = 0
    mc = StateMonitor(chain, ["x", "y"], record=[0])
    Network(g, chain, mc).run(DURATION * ms)
    return {"cx": np.asarray(mc.x[0]), "cy": np.asarray(mc.y[0])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    bc.setup_scratch(args.work)
    ours = run_snnc(args.snnc, os.path.join(args.work, "snnc"))
    t = ours["t"]
    exact = {"cx": np.exp(-t / TAU1),
             "cy": TAU1 / (TAU1 - TAU2) * (np.exp(-t / TAU1) - np.exp(-t / TAU2)),
             "ox": np.cos(t / TAU), "oy": np.sin(t / TAU)}
    theirs = run_brian2()
    ok = len(t) == int(round(DURATION / DT))
    ok &= np.array_equal(ours["cy"], ours["cy1"])
    for key, what in (("cx", "chain x"), ("cy", "chain y"),
                      ("ox", "oscillator x"), ("oy", "oscillator y")):
        d_exact = float(np.max(np.abs(ours[key] - exact[key])))
        good = d_exact <= 1e-12
        brian = ""
        if key in theirs:
            d_brian = (float(np.max(np.abs(ours[key] - theirs[key])))
                       if ours[key].shape == theirs[key].shape else float("inf"))
            good &= d_brian <= 1e-9
            brian = ", brian2 within %.2g" % d_brian
        ok &= good
        print("%s: %d samples, closed form within %.2g%s: %s"
              % (what, len(t), d_exact, brian, "OK" if good else "FAILED"))
    print("coupled clock-driven: %s" % ("OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
