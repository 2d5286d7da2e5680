#!/usr/bin/env python3
"""Song, Miller & Abbott (2000) with Poisson inputs in snnc and in Brian2:
the same bimodal weight distribution.

The network of song_abbott.py (Brian2's examples/synapses/STDP.py): N = 1000
inputs at F = 15 Hz onto one conductance-based LIF neuron
(dv/dt = (ge * (Ee - v) + El - v) / taum, dge/dt = -ge / taue, threshold
v > vt, reset v = vr, exponential Euler, f64, dt = 0.1 ms) through additive
all-to-all pair STDP synapses with event-driven traces, weights clipped to
[0, gmax]. Here the inputs are Poisson processes drawn by each simulator's
own random number generator (snnc: a `poisson` source with the simulation
seed SNNC_SEED; Brian2: a PoissonGroup after seed(BRIAN2_SEED)), and the
initial weights are drawn uniform in [0, gmax) by each side's generator too
(snnc: "initial": {"w": {"uniform": [0, gmax]}}; Brian2: S.w = 'rand() *
gmax'). The synapses are snnc's built-in `stdp_additive` with target ge.
So the two runs share no random number: what is compared is the outcome,
the distribution of the final weights.

Faster learning: the example's dApre = 0.01 needs about 100 s to split the
weights; here dApre = DAPRE = 0.015 (a_pre = 0.015 gmax) and, as in the
example, dApost = -dApre * taupre / taupost * 1.05 (a_post = -0.01575
gmax), the same on both sides, for DURATION = 40 s. Larger rates converge
sooner but to a flatter distribution (each step is a larger share of gmax,
so the weights diffuse further from the bounds): with dApre = 0.03 the
fractions near 0 and near gmax stop at about 0.15 and 0.14 after 30 s, with
0.015 they are about 0.19 and 0.15 after 40 s and still rising slowly
(0.21 and 0.17 after 60 s).

Measures, on each side, of the final weights in deciles of gmax: `low` the
fraction below 0.1 gmax, `high` the fraction above 0.9 gmax, `center` the
fraction in [0.3, 0.7) gmax per decile (a quarter of it). The uniform start
has 0.1 in each. Bimodal: low >= 1.5 center and high >= 1.5 center (the two
ends hold at least one and a half times as many weights per decile as the
middle of the range); in seeds 1-10 of snnc and 1-8 of Brian2 at these
parameters the smaller ratio was 1.83 or more, the fraction near 0 was
0.172-0.208 (snnc) and 0.182-0.206 (Brian2), the one near gmax
0.146-0.165 (snnc) and 0.144-0.163 (Brian2), the central deciles 0.063 to
0.080 each; the largest difference of any snnc seed from any Brian2 seed
was 0.034 (near 0) and 0.021 (near gmax).

Checks (the script exits 1 when one fails): both distributions are bimodal;
|low(snnc) - low(brian2)| <= 0.05 and |high(snnc) - high(brian2)| <= 0.05.
Information: the input rates and the output rates of both sides.

Brian2 runs with the numpy code-generation target. Run time: about 30 s for
the Brian2 side (40 s of simulated time, 400,000 steps, on one core of an
AMD EPYC of a 2-core machine: 27 s alone, 34 s beside another test run),
about 1 s for snnc's compile and run.

Usage: song_abbott_poisson.py --snnc PATH --work DIR [--skip-snnc]
       [--skip-brian2] [--duration MS] [--snnc-seed N] [--brian2-seed N]
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

SNNC_SEED = 1
BRIAN2_SEED = 1
DT = bc.DT
DURATION = 40000.0              # ms (--duration)

N = 1000
F = 15.0                        # Hz
TAUM, TAUE = 10.0, 5.0          # ms
TAUPRE = TAUPOST = 20.0         # ms
EE, VT, VR, EL = 0.0, -54.0, -60.0, -74.0   # mV
GMAX = 0.01
DAPRE = 0.015                   # the example's 0.01, 1.5 times faster
DAPOST = -DAPRE * TAUPRE / TAUPOST * 1.05
A_PRE = DAPRE * GMAX            # as the example: dApre *= gmax
A_POST = DAPOST * GMAX
NEAR = 0.1                      # "near 0 / near gmax": within 10% of gmax
BIMODAL = 1.5                   # end decile / central decile, at least
TOLERANCE = 0.05                # on the fractions near 0 and near gmax


def write_model(work, duration, seed):
    model = {
        "name": "song_abbott_poisson",
        "simulation": {"dt": DT, "duration": duration, "seed": seed,
                       "precision": "f64"},
        "neuron_models": {
            "song_lif": {
                "parameters": {"taum": "%r ms" % TAUM, "taue": "%r ms" % TAUE,
                               "Ee": "%r mV" % EE, "vt": "%r mV" % VT,
                               "vr": "%r mV" % VR, "El": "%r mV" % EL},
                "variables": {"v": "%r mV" % VR, "ge": 0},
                "equations": ["dv/dt = (ge * (Ee - v) + El - v) / taum",
                              "dge/dt = -ge / taue"],
                "threshold": "v > vt",
                "reset": ["v = vr"],
                "method": "exponential_euler",
            }
        },
        "populations": {"neuron": {"model": "song_lif", "size": 1}},
        "sources": {"input": {"type": "poisson", "size": N,
                              "rate": "%r Hz" % F}},
        "projections": {
            "input_neuron": {"pre": "input", "post": "neuron",
                             "synapse": "stdp_additive", "target": "ge",
                             "connectivity": "all_to_all",
                             "parameters": {"tau_pre": "%r ms" % TAUPRE,
                                            "tau_post": "%r ms" % TAUPOST,
                                            "w_max": GMAX, "a_pre": A_PRE,
                                            "a_post": A_POST},
                             "initial": {"w": {"uniform": [0, GMAX]}},
                             "delay": "0 ms"}},
        "record": {"spikes": ["neuron", "input"],
                   "weights": ["input_neuron"], "format": "npy"},
    }
    path = os.path.join(work, "song_abbott_poisson.json")
    bc.write_json(path, model)
    return path


def run_snnc(snnc, work, model):
    """(input spikes, output spikes, final weights) of snnc."""
    sim = os.path.join(work, "sim")
    out = os.path.join(work, "out")
    bc.compile_model(snnc, model, sim)
    bc.run_sim(sim, out)
    pre = np.load(os.path.join(out, "input_neuron_weights_pre.npy"))
    post = np.load(os.path.join(out, "input_neuron_weights_post.npy"))
    w = np.load(os.path.join(out, "input_neuron_weights.npy"))
    if (len(w) != N or sorted(pre.tolist()) != list(range(N))
            or np.any(post != 0)):
        print("snnc recorded %d synapses, not all-to-all's %d (i -> 0)"
              % (len(w), N))
        sys.exit(1)
    n_in = len(np.load(os.path.join(out, "input_spikes_t.npy")))
    n_out = len(np.load(os.path.join(out, "neuron_spikes_t.npy")))
    return n_in, n_out, np.asarray(w, dtype=np.float64)


def run_brian2(duration, seed):
    """(input spikes, output spikes, final weights) of Brian2: the
    example's model with a PoissonGroup."""
    b2 = bc.import_brian2()
    from brian2 import (ms, mV, Hz, NeuronGroup, PoissonGroup, Synapses,
                        SpikeMonitor, Network, defaultclock)
    b2.seed(seed)
    defaultclock.dt = DT * ms
    ns = {"taum": TAUM * ms, "taue": TAUE * ms, "Ee": EE * mV, "vt": VT * mV,
          "vr": VR * mV, "El": EL * mV, "taupre": TAUPRE * ms,
          "taupost": TAUPOST * ms, "gmax": GMAX, "dApre": A_PRE,
          "dApost": A_POST}
    eqs_neurons = """
    dv/dt = (ge * (Ee - v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    """
    inputs = PoissonGroup(N, rates=F * Hz)
    neurons = NeuronGroup(1, eqs_neurons, threshold="v > vt",
                          reset="v = vr", method="exponential_euler",
                          namespace=ns)
    neurons.v = VR * mV
    S = Synapses(inputs, neurons,
                 """w : 1
                    dApre/dt = -Apre / taupre : 1 (event-driven)
                    dApost/dt = -Apost / taupost : 1 (event-driven)""",
                 on_pre="""ge += w
                           Apre += dApre
                           w = clip(w + Apost, 0, gmax)""",
                 on_post="""Apost += dApost
                            w = clip(w + Apre, 0, gmax)""",
                 namespace=ns)
    S.connect()
    S.w = "rand() * gmax"
    mon = SpikeMonitor(neurons, record=False)
    mon_in = SpikeMonitor(inputs, record=False)
    Network(inputs, neurons, S, mon, mon_in).run(duration * ms)
    return (int(mon_in.num_spikes), int(mon.num_spikes),
            np.asarray(S.w, dtype=np.float64))


def measures(w):
    """(low, high, center): the fractions below NEAR gmax, above
    (1 - NEAR) gmax, and in [0.3, 0.7) gmax per decile."""
    x = w / GMAX
    low = float(np.mean(x < NEAR))
    high = float(np.mean(x > 1.0 - NEAR))
    center = float(np.mean((x >= 0.3) & (x < 0.7))) / 4.0
    return low, high, center


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc")
    parser.add_argument("--work", required=True)
    parser.add_argument("--skip-snnc", action="store_true",
                        help="run the Brian2 side only")
    parser.add_argument("--skip-brian2", action="store_true",
                        help="run the snnc side only")
    parser.add_argument("--duration", type=float, default=DURATION,
                        help="simulated time in ms (default %(default)s)")
    parser.add_argument("--snnc-seed", type=int, default=SNNC_SEED)
    parser.add_argument("--brian2-seed", type=int, default=BRIAN2_SEED)
    args = parser.parse_args()
    if args.skip_snnc and args.skip_brian2:
        parser.error("--skip-snnc and --skip-brian2 leave nothing to run")
    if not args.skip_snnc and not args.snnc:
        parser.error("--snnc is required unless --skip-snnc is given")
    bc.setup_scratch(args.work)
    seconds = args.duration / 1000.0

    sides, walls = [], []
    if not args.skip_brian2:
        t1 = time.time()
        sides.append(("brian2", run_brian2(args.duration, args.brian2_seed)))
        walls.append("brian2 %.1f s" % (time.time() - t1))
    if not args.skip_snnc:
        t1 = time.time()
        model = write_model(args.work, args.duration, args.snnc_seed)
        sides.append(("snnc", run_snnc(args.snnc, args.work, model)))
        walls.append("snnc %.1f s (compile and run)" % (time.time() - t1))

    print("setup: %d Poisson inputs at %g Hz, dApre %g, %g s, seeds snnc %d, "
          "brian2 %d" % (N, F, DAPRE, seconds, args.snnc_seed,
                         args.brian2_seed))
    print("inputs: %s" % ", ".join(
        "%s %.2f Hz" % (name, n_in / (N * seconds))
        for name, (n_in, _, _) in sides))
    print("output: %s" % ", ".join(
        "%s %d spikes (%.1f Hz)" % (name, n_out, n_out / seconds)
        for name, (_, n_out, _) in sides))
    ok = True
    got = {}
    for name, (_, _, w) in sides:
        low, high, center = measures(w)
        got[name] = (low, high)
        bimodal = low >= BIMODAL * center and high >= BIMODAL * center
        ok &= bimodal
        print("%s weights: mean %.4f gmax, %.3f below 0.1 gmax, %.3f above "
              "0.9 gmax, %.3f per decile in 0.3..0.7 gmax (ends %.2f and "
              "%.2f times that): %s"
              % (name, float(np.mean(w)) / GMAX, low, high, center,
                 low / max(center, 1e-12), high / max(center, 1e-12),
                 "bimodal" if bimodal else "NOT BIMODAL"))
    if len(sides) == 2:
        d_low = abs(got["snnc"][0] - got["brian2"][0])
        d_high = abs(got["snnc"][1] - got["brian2"][1])
        agree = d_low <= TOLERANCE and d_high <= TOLERANCE
        ok &= agree
        print("fractions: snnc - brian2 %+.3f near 0, %+.3f near gmax "
              "(tolerance %g): %s"
              % (got["snnc"][0] - got["brian2"][0],
                 got["snnc"][1] - got["brian2"][1], TOLERANCE,
                 "agree" if agree else "DISAGREE"))
    print("wall time: %s" % ", ".join(walls))
    print("song-abbott-poisson%s: %s"
          % ("" if len(sides) == 2 else " (%s only)" % sides[0][0],
             "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
