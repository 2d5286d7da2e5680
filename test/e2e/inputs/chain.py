#!/usr/bin/env python3
"""Prints a model whose neurons are a chain of N linear ODEs:
dx0/dt = (1 - x0) / tau, dx_i/dt = (x_{i-1} - x_i) / tau (method exact).

Usage: chain.py N
"""
import json
import sys

n = int(sys.argv[1])
print(json.dumps({
    "name": "chain%d" % n,
    "simulation": {"dt": "0.1 ms", "duration": "10 ms"},
    "neuron_models": {"chain": {
        "parameters": {"tau": "10 ms"},
        "variables": {"x%d" % i: 0 for i in range(n)},
        "equations": ["dx0/dt = (1 - x0) / tau"] + [
            "dx%d/dt = (x%d - x%d) / tau" % (i, i - 1, i) for i in range(1, n)],
        "threshold": "x%d > 0.5" % (n - 1),
        "reset": ["x0 = 0"],
        "method": "exact"}},
    "populations": {"p": {"model": "chain", "size": 10}},
    "record": {"spikes": ["p"]},
}, indent=1))
