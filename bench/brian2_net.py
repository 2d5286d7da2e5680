#!/usr/bin/python3
"""The benchmark networks in Brian2 (C++ standalone), for cpu_vs_brian2.py.

Run by the harness as a subprocess, one per Brian2 project, so that every
project starts from a fresh Brian2 (no device state carried over) and so
that the harness itself never imports Brian2:

  /usr/bin/python3 bench/brian2_net.py --model cuba --size 4000 \
      --indegree 80 --threads 1 --duration 1000 --dir DIR

It generates and compiles the project in DIR (device.build with run=False)
and writes DIR/bench_build.json (generation and compile time, the method,
the Brian2 version). It does not run it: the harness runs DIR/main itself,
like an snnc simulator, to measure its wall time and peak memory.

Code inserted into the project's main():

  - around Network::run: a CLOCK_MONOTONIC wall clock (Brian2's own
    results/last_run_info.txt holds std::clock() CPU time when OpenMP is
    off, omp_get_wtime() when it is on; the wall clock is the same measure
    for both, and the one snnc's simulation_seconds uses);
  - after the run: results/bench_run.json with that wall time, the number
    of spikes (a SpikeMonitor with record=False: counts only, no spike
    list) and the number of synapses;
  - before brian_end(): exit(0), so that the project does not write every
    array (all synapses) to results/ after the run: at 256k neurons that is
    gigabytes of disk per repetition, and it is not part of the run time.

The network definitions (connection probability, weight scale) are shared
with the snnc side through connection() below.
"""
import argparse
import json
import math
import os
import sys
import time

# The examples' networks: 4000 neurons with p = 0.02, i.e. a mean in-degree
# of 80 (64 excitatory and 16 inhibitory inputs per neuron).
BASE_SIZE = 4000
BASE_P = 0.02
BASE_INDEGREE = int(round(BASE_SIZE * BASE_P))  # 80

# snnc model (cpu_vs_brian2.py) -> Brian2 integration method of v.
METHODS = {"cuba": "exact", "coba-expeuler": "exponential_euler",
           "coba-euler": "euler"}


def connection(size, indegree, weight_ref=BASE_INDEGREE):
    """Connection probability and weight factor of a network of `size`
    neurons with a mean in-degree `indegree`: p = indegree / size, weights
    multiplied by sqrt(weight_ref / indegree) (which keeps the variance of
    the input of a neuron with weight_ref inputs)."""
    p = indegree / float(size)
    if p > 1.0:
        raise ValueError("in-degree %d is larger than the network (%d neurons)"
                         % (indegree, size))
    return p, math.sqrt(float(weight_ref) / indegree)


def build(args):
    os.environ["TMPDIR"] = args.dir  # Brian2's scratch files
    import brian2 as b2
    from brian2 import ms, mV, nS, pF

    start = time.perf_counter()
    b2.set_device("cpp_standalone", directory=args.dir, build_on_run=False)
    b2.prefs.logging.file_log = False
    b2.prefs.logging.delete_log_on_exit = True
    b2.BrianLogger.log_level_error()
    b2.prefs.devices.cpp_standalone.openmp_threads = (
        args.threads if args.threads > 1 else 0)
    # Brian2's default is `make -j` (unbounded); the machine is shared.
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [
        "-j%d" % args.make_jobs]
    b2.defaultclock.dt = 0.1 * ms

    size = args.size
    n_exc = size * 4 // 5
    p, scale = connection(size, args.indegree, args.weight_ref)
    method = METHODS[args.model]
    if args.model == "cuba":
        ns = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms,
              "Vt": -50 * mV, "Vr": -60 * mV, "El": -49 * mV,
              "we": 1.62 * mV * scale, "wi": -9 * mV * scale}
        eqs = """dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
                 dge/dt = -ge / taue : volt
                 dgi/dt = -gi / taui : volt"""
    else:
        ns = {"Cm": 200 * pF, "gL": 10 * nS, "El": -60 * mV, "Ee": 0 * mV,
              "Ei": -80 * mV, "taue": 5 * ms, "taui": 10 * ms,
              "Vt": -50 * mV, "Vr": -60 * mV,
              "we": 6 * nS * scale, "wi": 67 * nS * scale}
        eqs = """dv/dt = (gL * (El - v) + ge * (Ee - v) + gi * (Ei - v)) / Cm : volt (unless refractory)
                 dge/dt = -ge / taue : siemens
                 dgi/dt = -gi / taui : siemens"""
    group = b2.NeuronGroup(size, eqs, threshold="v > Vt", reset="v = Vr",
                           refractory=5 * ms, method=method, namespace=ns)
    # The initial values of examples/cuba and examples/coba.
    if args.model == "cuba":
        group.v = "Vr + rand() * (Vt - Vr)"
    else:
        group.v = "-65*mV + 5*mV * randn()"
        group.ge = "40*nS + 15*nS * randn()"
        group.gi = "200*nS + 120*nS * randn()"
    ce = b2.Synapses(group, group, on_pre="ge += we", namespace=ns)
    ci = b2.Synapses(group, group, on_pre="gi += wi", namespace=ns)
    ce.connect("i < %d" % n_exc, p=p)
    ci.connect("i >= %d" % n_exc, p=p)
    monitor = b2.SpikeMonitor(group, record=False)

    dev = b2.get_device()
    spikes = dev.get_array_name(monitor.variables["N"])
    pre_e = dev.get_array_name(ce.variables["_synaptic_pre"],
                               access_data=False)
    pre_i = dev.get_array_name(ci.variables["_synaptic_pre"],
                               access_data=False)
    dev.insert_code("before_network_run", """
struct timespec _bench_t0, _bench_t1;
clock_gettime(CLOCK_MONOTONIC, &_bench_t0);""")
    dev.insert_code("after_network_run", r"""
clock_gettime(CLOCK_MONOTONIC, &_bench_t1);
{
    std::ofstream _bench_out("results/bench_run.json");
    _bench_out.precision(17);
    _bench_out << "{\"wall_seconds\": "
               << ((_bench_t1.tv_sec - _bench_t0.tv_sec)
                   + 1e-9 * (_bench_t1.tv_nsec - _bench_t0.tv_nsec))
               << ", \"spikes\": " << %s[0]
               << ", \"synapses\": " << (%s.size() + %s.size())
               << ", \"last_run_time\": " << Network::_last_run_time
               << "}" << std::endl;
}""" % (spikes, pre_e, pre_i))
    dev.insert_code("before_end", "exit(0);")

    b2.run(args.duration * ms)
    generated = time.perf_counter()
    dev.build(directory=args.dir, compile=True, run=False, debug=False)
    done = time.perf_counter()
    info = {"model": args.model, "size": size, "indegree": args.indegree,
            "threads": args.threads, "duration_ms": args.duration,
            "method": method, "p": p, "weight_scale": scale,
            "brian2_version": b2.__version__,
            "generate_seconds": generated - start,
            "compile_seconds": done - generated}
    with open(os.path.join(args.dir, "bench_build.json"), "w") as f:
        json.dump(info, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=sorted(METHODS), required=True)
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--indegree", type=int, default=BASE_INDEGREE)
    ap.add_argument("--weight-ref", type=int, default=BASE_INDEGREE)
    ap.add_argument("--threads", type=int, default=1,
                    help="1: no OpenMP; N > 1: OpenMP with N threads")
    ap.add_argument("--duration", type=float, default=1000.0, help="ms")
    ap.add_argument("--make-jobs", type=int, default=2)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    build(args)


if __name__ == "__main__":
    sys.exit(main())
