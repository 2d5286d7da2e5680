#!/usr/bin/env python3
"""Four STDP rules against their closed forms, in snnc and in Brian2.

Two presynaptic neurons (a spike-source array `pre`) and two postsynaptic
ones whose spikes are set by hand: the population `post` has a variable x,
threshold x > 0.5 and reset x -= 1, and no equations; a second spike-source
array `drive` adds 1 to x through a one-to-one projection with delay 0. The
drive's spike in step s is added after the thresholds of step s, so the post
neuron spikes in step s + 1 (docs/step-semantics.md; Brian2's schedule does
the same): the drive fires one step before each wanted post spike. The reset
subtracts rather than assigns, so that two post spikes one step apart work
(the second drive spike arrives in the step of the first post spike, before
its reset). The plastic projections add w to a variable g of `post` that
nothing else reads, so the weights cannot change the post spikes.

Four projections pre -> post, all-to-all (4 synapses each, every synapse
starts at W0 of its rule), each with its own synapse model:

  additive        all-to-all pair STDP, additive, w clipped to [0, w_max]
                  (Song, Miller & Abbott 2000; Brian2's STDP example), with
                  amplitudes large enough that w is clipped at both bounds;
  multiplicative  depression proportional to w, potentiation proportional to
                  w_max - w (van Rossum et al. 2000; Guetig et al. 2003 with
                  mu = 1): on_pre w = w + apost * w (apost <= 0), on_post
                  w = w + apre * (w_max - w); no clipping needed;
  nearest         as additive, but the traces are set, not incremented
                  (apre = a_pre, apost = a_post): nearest-spike pairing;
  triplet         Pfister & Gerstner (2006), all-to-all triplet model: pre
                  traces r1 (tau_plus), r2 (tau_x), post traces o1
                  (tau_minus), o2 (tau_y); on_pre w -= o1 * (A2m + A3m * r2)
                  then r1 += 1, r2 += 1; on_post w += r1 * (A2p + A3p * o2)
                  then o1 += 1, o2 += 1 (the triplet terms read r2 and o2
                  from just before the current spike). Amplitudes and time
                  constants are those of the paper's hippocampal all-to-all
                  fit, scaled up so that the final weight moves by percents.

All traces are event-driven (solved exactly between the events of their
synapse). Within a step, on_pre runs before on_post (Brian2's default), so a
pre and a post spike in the same step count as pre before post.

The closed form (`closed_form`) computes, for each synapse, every trace at
every event as an explicit sum of exponentials over the earlier events
(exp(-(t - t_k) / tau), or only the last one for nearest-spike pairing),
not step by step, and from them the weight after every event. Brian2 (numpy
target, same equations) is compared with it after every step with an event
(StateMonitor of w) and at the end; snnc's final weights (record.weights)
are compared with it at the end. Tolerance: 1e-12 relative (the two sides
compute the same exponentials in different orders, in different units).

Spike times (steps of 0.1 ms) cover: spikes at step 0 and in the last step,
a pre and a post spike in the same step (also in the last step), pairs
0.1 ms to 30 ms apart in both orders, bursts of pre spikes in consecutive
steps, post spikes one step apart, and isolated spikes many tau apart.

Prints, per rule, the final weight of synapse 0 -> 0 by the closed form,
Brian2 and snnc, and the largest relative differences from the closed form
over the four synapses (Brian2's also over every step with an event).

Run time: about 5 s with --skip-snnc (Brian2 and the closed form; 2 s of it
importing Brian2), plus snnc's compile and run.

With --builtin, snnc runs its built-in synapse models (stdp_additive,
stdp_multiplicative, stdp_nearest, stdp_triplet) with every parameter set by
the projection, instead of the models written out here.

Usage: stdp_closed_form.py --snnc PATH --work DIR [--skip-snnc] [--builtin]
                           [--verbose]
"""
import argparse
import math
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "brian2"))
import b2common as bc  # noqa: E402

import numpy as np  # noqa: E402

DT = bc.DT
DURATION = 200.0                          # ms
STEPS = int(round(DURATION / DT))         # 2000
TOLERANCE = 1e-12                         # relative to the closed form
# Unclipped weights must lie this far (relative to w_max) from the clipping
# bounds, so that rounding cannot decide whether a weight is clipped.
CLIP_MARGIN = 1e-9

# Spike steps (dt = 0.1 ms) by hand. Neuron 0 of each has the cases the
# task lists; neuron 1 adds bursts, post spikes one step apart, and a pre and
# a post spike in the last step.
PRE = [
    [0, 50, 120, 125, 300, 302, 480, 700, 1000, 1005, 1400, 1800],
    [10, 11, 12, 400, 600, 601, 900, 1500, 1998, 1999],
]
POST = [
    [50, 100, 130, 290, 310, 500, 690, 1010, 1600, 1950],
    [5, 15, 400, 405, 602, 603, 1200, 1210, 1997, 1999],
]
N_PRE, N_POST = len(PRE), len(POST)

# Synapse models in snnc's format; "brian2" holds the same model for Brian2.
# Parameters of the projection override the model's where given.
RULES = {
    "additive": {
        "model": {
            "parameters": {"tau_pre": "20 ms", "tau_post": "20 ms",
                           "w_max": 0.01, "a_pre": 0.0001,
                           "a_post": -0.000105},
            "variables": {"w": 0, "apre": 0, "apost": 0},
            "weight": "w",
            "equations": ["dapre/dt = -apre / tau_pre (event-driven)",
                          "dapost/dt = -apost / tau_post (event-driven)"],
            "on_pre": ["g_post += w", "apre += a_pre",
                       "w = clip(w + apost, 0, w_max)"],
            "on_post": ["apost += a_post", "w = clip(w + apre, 0, w_max)"],
        },
        # Overrides: amplitudes of 30% of w_max, so that w hits both bounds.
        "parameters": {"w_max": 0.02, "a_pre": 0.006, "a_post": -0.0066},
        "w0": 0.01,
    },
    "multiplicative": {
        "model": {
            "parameters": {"tau_pre": "16.8 ms", "tau_post": "33.7 ms",
                           "w_max": 1.0, "a_pre": 0.2, "a_post": -0.15},
            "variables": {"w": 0, "apre": 0, "apost": 0},
            "weight": "w",
            "equations": ["dapre/dt = -apre / tau_pre (event-driven)",
                          "dapost/dt = -apost / tau_post (event-driven)"],
            "on_pre": ["g_post += w", "apre += a_pre", "w = w + apost * w"],
            "on_post": ["apost += a_post", "w = w + apre * (w_max - w)"],
        },
        "parameters": {"w_max": 2.0},
        "w0": 0.7,
    },
    "nearest": {
        "model": {
            "parameters": {"tau_pre": "20 ms", "tau_post": "20 ms",
                           "w_max": 0.01, "a_pre": 0.0025,
                           "a_post": -0.0027},
            "variables": {"w": 0, "apre": 0, "apost": 0},
            "weight": "w",
            "equations": ["dapre/dt = -apre / tau_pre (event-driven)",
                          "dapost/dt = -apost / tau_post (event-driven)"],
            "on_pre": ["g_post += w", "apre = a_pre",
                       "w = clip(w + apost, 0, w_max)"],
            "on_post": ["apost = a_post", "w = clip(w + apre, 0, w_max)"],
        },
        "parameters": {},
        "w0": 0.006,
    },
    "triplet": {
        "model": {
            "parameters": {"tau_plus": "16.8 ms", "tau_minus": "33.7 ms",
                           "tau_x": "946 ms", "tau_y": "27 ms",
                           "A2p": 0.061, "A3p": 0.067, "A2m": 0.016,
                           "A3m": 0.014},
            "variables": {"w": 0, "r1": 0, "r2": 0, "o1": 0, "o2": 0},
            "weight": "w",
            "equations": ["dr1/dt = -r1 / tau_plus (event-driven)",
                          "dr2/dt = -r2 / tau_x (event-driven)",
                          "do1/dt = -o1 / tau_minus (event-driven)",
                          "do2/dt = -o2 / tau_y (event-driven)"],
            "on_pre": ["g_post += w", "w = w - o1 * (A2m + A3m * r2)",
                       "r1 += 1", "r2 += 1"],
            "on_post": ["w = w + r1 * (A2p + A3p * o2)", "o1 += 1",
                        "o2 += 1"],
        },
        "parameters": {},
        "w0": 0.5,
    },
}


def quantity(text):
    """'20 ms' -> 20.0 (ms); bare numbers as they are."""
    if isinstance(text, (int, float)):
        return float(text)
    number, unit = text.split()
    if unit != "ms":
        raise ValueError("unexpected unit in %r" % text)
    return float(number)


def parameters(rule):
    p = {k: quantity(v) for k, v in RULES[rule]["model"]["parameters"].items()}
    p.update({k: quantity(v) for k, v in RULES[rule]["parameters"].items()})
    return p


# ---------------------------------------------------------------------------
# Closed form


def events(pre, post):
    """The events of one synapse in the order Brian2 runs them: by step,
    on_pre before on_post within a step. Each is (step, 'pre' or 'post')."""
    ev = [(s, 0) for s in pre] + [(s, 1) for s in post]
    return [(s, "pre" if k == 0 else "post") for s, k in sorted(ev)]


def trace_sum(t_steps, earlier_steps, tau):
    """sum over the earlier events of exp(-(t - t_k) / tau), exactly."""
    return math.fsum(math.exp(-(t_steps - s) * DT / tau)
                     for s in earlier_steps)


def trace_last(t_steps, earlier_steps, tau):
    """exp(-(t - t_last) / tau) of the last earlier event (0 if none)."""
    if not earlier_steps:
        return 0.0
    return math.exp(-(t_steps - earlier_steps[-1]) * DT / tau)


def closed_form(rule, pre, post):
    """Weight after each event of a synapse whose presynaptic neuron spikes
    in the steps `pre` and its postsynaptic one in `post`.

    Returns (list of (step, kind, w after the event, clipped), final w). The
    traces are evaluated at each event as sums of exponentials over the
    events before it in Brian2's order (a pre spike in the same step counts
    for the post spike's statements, not the reverse)."""
    p = parameters(rule)
    w = RULES[rule]["w0"]
    seen_pre, seen_post = [], []
    history = []
    for s, kind in events(pre, post):
        clipped = False
        if rule in ("additive", "nearest"):
            trace = trace_sum if rule == "additive" else trace_last
            if kind == "pre":
                apost = p["a_post"] * trace(s, seen_post, p["tau_post"])
                new = w + apost
            else:
                apre = p["a_pre"] * trace(s, seen_pre, p["tau_pre"])
                new = w + apre
            if new < 0.0 or new > p["w_max"]:
                clipped = True
            elif min(new, p["w_max"] - new) < CLIP_MARGIN * p["w_max"]:
                raise AssertionError("%s: weight %r within rounding of a "
                                     "bound at step %d" % (rule, new, s))
            w = min(max(new, 0.0), p["w_max"])
        elif rule == "multiplicative":
            if kind == "pre":
                apost = p["a_post"] * trace_sum(s, seen_post, p["tau_post"])
                w = w + apost * w
            else:
                apre = p["a_pre"] * trace_sum(s, seen_pre, p["tau_pre"])
                w = w + apre * (p["w_max"] - w)
        elif rule == "triplet":
            if kind == "pre":
                o1 = trace_sum(s, seen_post, p["tau_minus"])
                r2 = trace_sum(s, seen_pre, p["tau_x"])   # before this spike
                w = w - o1 * (p["A2m"] + p["A3m"] * r2)
            else:
                r1 = trace_sum(s, seen_pre, p["tau_plus"])
                o2 = trace_sum(s, seen_post, p["tau_y"])  # before this spike
                w = w + r1 * (p["A2p"] + p["A3p"] * o2)
        else:
            raise ValueError(rule)
        (seen_pre if kind == "pre" else seen_post).append(s)
        history.append((s, kind, w, clipped))
    return history, w


def closed_forms():
    """{rule: {(i, j): (history, final w)}} for every synapse."""
    return {rule: {(i, j): closed_form(rule, PRE[i], POST[j])
                   for i in range(N_PRE) for j in range(N_POST)}
            for rule in RULES}


# ---------------------------------------------------------------------------
# Inputs and the snnc model


def spike_csv(path, trains):
    with open(path, "w") as f:
        f.write("neuron,time\n")
        rows = sorted((s, i) for i, train in enumerate(trains) for s in train)
        for s, i in rows:
            f.write("%d,%d.%d\n" % (i, s // 10, s % 10))


def drive_steps():
    """The drive fires one step before each wanted post spike."""
    for train in POST:
        if min(train) < 1:
            raise AssertionError("a post spike in step 0 cannot be driven")
    return [[s - 1 for s in train] for train in POST]


# --builtin: the same rules from snnc's built-in synapse models (stdp_<rule>,
# adding to the projection's "target"), every parameter given by the
# projection; the triplet built-in clips to [0, w_max], which these weights
# never reach.
BUILTIN_EXTRA = {"triplet": {"w_max": 1e6}}


def write_model(work, builtin=False):
    spike_csv(os.path.join(work, "pre.csv"), PRE)
    spike_csv(os.path.join(work, "drive.csv"), drive_steps())
    projections = {
        "drive_post": {"pre": "drive", "post": "post", "target": "x",
                       "connectivity": "one_to_one", "weight": 1,
                       "delay": "0 ms"}}
    for rule, r in RULES.items():
        proj = {"pre": "pre", "post": "post", "synapse": "stdp_" + rule,
                "connectivity": "all_to_all",
                "initial": {"w": r["w0"]}, "delay": "0 ms"}
        if builtin:
            params = dict(r["model"]["parameters"])
            params.update(r["parameters"])
            params.update(BUILTIN_EXTRA.get(rule, {}))
            proj["parameters"] = params
            proj["target"] = "g"
        elif r["parameters"]:
            proj["parameters"] = r["parameters"]
        projections[rule] = proj
    model = {
        "name": "stdp_closed_form",
        "simulation": {"dt": DT, "duration": DURATION, "seed": 1,
                       "precision": "f64"},
        "neuron_models": {
            "forced": {
                "variables": {"x": 0, "g": 0},
                "threshold": "x > 0.5",
                "reset": ["x -= 1"],
            }
        },
        "synapse_models": {} if builtin else {
            "stdp_" + rule: r["model"] for rule, r in RULES.items()},
        "populations": {"post": {"model": "forced", "size": N_POST}},
        "sources": {
            "pre": {"type": "spike_array", "size": N_PRE, "file": "pre.csv"},
            "drive": {"type": "spike_array", "size": N_POST,
                      "file": "drive.csv"}},
        "projections": projections,
        "record": {"spikes": ["post"], "weights": list(RULES),
                   "format": "npy"},
    }
    path = os.path.join(work, "stdp_closed_form.json")
    bc.write_json(path, model)
    return path


def run_snnc(snnc, work, model):
    """{rule: {(i, j): final w}} and the post spike trains of snnc."""
    sim = os.path.join(work, "sim")
    out = os.path.join(work, "out")
    bc.compile_model(snnc, model, sim)
    bc.run_sim(sim, out)
    weights = {}
    for rule in RULES:
        pre = np.load(os.path.join(out, rule + "_weights_pre.npy"))
        post = np.load(os.path.join(out, rule + "_weights_post.npy"))
        w = np.load(os.path.join(out, rule + "_weights.npy"))
        if not len(pre) == len(post) == len(w) == N_PRE * N_POST:
            print("%s: snnc recorded %d/%d/%d synapses, expected %d"
                  % (rule, len(pre), len(post), len(w), N_PRE * N_POST))
            sys.exit(1)
        weights[rule] = {(int(i), int(j)): float(x)
                         for i, j, x in zip(pre, post, w)}
    return weights, bc.snnc_spikes(out, "post")


# ---------------------------------------------------------------------------
# Brian2


def run_brian2():
    """{rule: {(i, j): (w at every step start, final w)}} and the post spike
    trains of Brian2 (numpy target)."""
    bc.import_brian2()
    from brian2 import (ms, NeuronGroup, SpikeGeneratorGroup, Synapses,
                        SpikeMonitor, StateMonitor, Network, defaultclock)
    defaultclock.dt = DT * ms

    def generator(trains, name):
        ids = np.array([i for i, tr in enumerate(trains) for _ in tr])
        steps = np.array([s for tr in trains for s in tr])
        return SpikeGeneratorGroup(len(trains), ids, steps * DT * ms,
                                   name=name)

    pre = generator(PRE, "pre")
    drive = generator(drive_steps(), "drive")
    post = NeuronGroup(N_POST, "x : 1\ng : 1", threshold="x > 0.5",
                       reset="x -= 1", name="post")
    drive_post = Synapses(drive, post, on_pre="x_post += 1",
                          name="drive_post")
    drive_post.connect(j="i")
    objects = [pre, drive, post, drive_post]
    synapses, monitors = {}, {}
    for rule, r in RULES.items():
        m = r["model"]
        p = parameters(rule)
        ns = {k: (v * ms if k.startswith("tau") else v) for k, v in p.items()}
        decl = ["%s : 1" % m["weight"]]
        for eq in m["equations"]:
            lhs, rhs = eq.split("=", 1)
            rhs = rhs.replace("(event-driven)", "").strip()
            decl.append("%s = %s : 1 (event-driven)" % (lhs.strip(), rhs))
        s = Synapses(pre, post, "\n".join(decl), on_pre="\n".join(m["on_pre"]),
                     on_post="\n".join(m["on_post"]), namespace=ns,
                     method="exact", name=rule)
        i, j = np.meshgrid(np.arange(N_PRE), np.arange(N_POST), indexing="ij")
        s.connect(i=i.ravel(), j=j.ravel())
        s.w = r["w0"]
        synapses[rule] = s
        monitors[rule] = StateMonitor(s, "w", record=True)
        objects += [s, monitors[rule]]
    spikes = SpikeMonitor(post)
    Network(objects + [spikes]).run(DURATION * ms)
    result = {}
    for rule, s in synapses.items():
        trace = np.asarray(monitors[rule].w)       # synapses x steps
        pairs = zip(np.asarray(s.i), np.asarray(s.j))
        result[rule] = {(int(i), int(j)): (trace[k], float(s.w[k]))
                        for k, (i, j) in enumerate(pairs)}
    return result, bc.brian2_spikes(spikes, float(defaultclock.dt_))


# ---------------------------------------------------------------------------
# Comparison


def relative(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def check_post_spikes(name, train):
    want = (np.array([s for tr in POST for s in tr]),
            np.array([j for j, tr in enumerate(POST) for _ in tr]))
    first = bc.first_difference(train, want)
    if first is not None:
        print("%s: post spikes differ from the wanted ones from step %d"
              % (name, first))
        return False
    return True


def compare_brian2_history(rule, cf, b2):
    """Largest relative difference of Brian2's w after every step with an
    event of the synapse (from the StateMonitor at the next step start, or
    the final value after the last step)."""
    worst = 0.0
    for key, (history, _) in cf.items():
        trace, final = b2[key]
        after = {}
        for s, _, w, _ in history:
            after[s] = w                       # the last event of the step
        for s, w in after.items():
            got = trace[s + 1] if s + 1 < STEPS else final
            worst = max(worst, relative(got, w))
        # Between events the weight must not move: the step before the first
        # event holds w0.
        first = history[0][0]
        worst = max(worst, relative(trace[first], RULES[rule]["w0"]))
    return worst


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc")
    parser.add_argument("--work", required=True)
    parser.add_argument("--skip-snnc", action="store_true",
                        help="check Brian2 against the closed form only")
    parser.add_argument("--builtin", action="store_true",
                        help="snnc runs its built-in synapse models")
    parser.add_argument("--verbose", action="store_true",
                        help="print the closed form's weight after each event")
    args = parser.parse_args()
    if not args.skip_snnc and not args.snnc:
        parser.error("--snnc is required unless --skip-snnc is given")
    bc.setup_scratch(args.work)

    cf = closed_forms()
    if args.verbose:
        for rule in RULES:
            for (i, j), (history, final) in cf[rule].items():
                print("%s %d->%d: %s -> %.17g" % (
                    rule, i, j, " ".join(
                        "%d%s:%.6g%s" % (s, k[1], w, "|" if c else "")
                        for s, k, w, c in history), final))
    model = write_model(args.work, args.builtin)  # also with --skip-snnc
    ours, ours_post = None, None
    if not args.skip_snnc:
        ours, ours_post = run_snnc(args.snnc, args.work, model)
    theirs, theirs_post = run_brian2()

    ok = check_post_spikes("brian2", theirs_post)
    if ours_post is not None:
        ok &= check_post_spikes("snnc", ours_post)
    print("post spikes: %d wanted, brian2 %d, snnc %s"
          % (sum(len(t) for t in POST), len(theirs_post[0]),
             "skipped" if ours_post is None else len(ours_post[0])))
    clips = sum(c for rule in ("additive", "nearest")
                for history, _ in cf[rule].values() for _, _, _, c in history)
    print("events per synapse: %s; clipped updates (additive, nearest): %d"
          % (sorted(len(h) for h, _ in cf["additive"].values()), clips))
    ok &= clips > 0
    for rule in RULES:
        good = True
        b2_hist = compare_brian2_history(rule, cf[rule], theirs[rule])
        b2_final = max(relative(theirs[rule][k][1], cf[rule][k][1])
                       for k in cf[rule])
        good &= b2_hist <= TOLERANCE and b2_final <= TOLERANCE
        moved = max(relative(cf[rule][k][1], RULES[rule]["w0"])
                    for k in cf[rule])
        good &= moved > 1e-3        # the rule did something
        if ours is not None:
            if set(ours[rule]) != set(cf[rule]):
                print("%s: snnc's synapses %s, expected %s"
                      % (rule, sorted(ours[rule]), sorted(cf[rule])))
                good = False
                snnc_text = "wrong synapses"
            else:
                sn = max(relative(ours[rule][k], cf[rule][k][1])
                         for k in cf[rule])
                good &= sn <= TOLERANCE
                snnc_text = "%.17g (largest rel. diff. %.2g)" % (
                    ours[rule][(0, 0)], sn)
        else:
            snnc_text = "skipped"
        print("%s: closed form %.17g, brian2 %.17g (largest rel. diff. %.2g, "
              "every event %.2g), snnc %s: %s"
              % (rule, cf[rule][(0, 0)][1], theirs[rule][(0, 0)][1], b2_final,
                 b2_hist, snnc_text, "OK" if good else "FAILED"))
        if not good:
            for k in sorted(cf[rule]):
                print("  synapse %d->%d: closed form %.17g, brian2 %.17g%s"
                      % (k[0], k[1], cf[rule][k][1], theirs[rule][k][1],
                         "" if ours is None
                         else ", snnc %.17g" % ours[rule].get(k, math.nan)))
        ok &= good
    print("stdp closed forms%s%s: %s"
          % (" (brian2 only)" if ours is None else "",
             " (built-in synapse models)" if args.builtin else "",
             "OK" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
