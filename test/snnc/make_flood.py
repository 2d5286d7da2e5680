"""Writes the models of diagnostics.test: one with a million bad neuron
indices, one minified onto a single line of 5 MB, and one with 60 neuron
models that the exact method cannot integrate (60 errors from a pass).

usage: make_flood.py INPUTS_DIR OUT_DIR
"""
import json
import os
import sys

inputs, out = sys.argv[1:3]
tiny = json.load(open(os.path.join(inputs, "tiny.json")))
tiny["record"] = {"state": [{"population": "cells", "variable": "v",
                             "neurons": [99] * 1000000}]}
json.dump(tiny, open(os.path.join(out, "million.json"), "w"))

quad = json.load(open(os.path.join(inputs, "exact-nonlinear.json")))
minified = {"name": "minified", "description": "x" * 5000000}
minified.update({k: v for k, v in quad.items() if k != "name"})
with open(os.path.join(out, "minified.json"), "w") as f:
    f.write(json.dumps(minified, separators=(",", ":")))

model = quad["neuron_models"]["quad"]
many = {"name": "many", "simulation": quad["simulation"],
        "neuron_models": {"quad%d" % i: model for i in range(60)},
        "populations": {"p%d" % i: {"model": "quad%d" % i, "size": 1}
                        for i in range(60)}}
json.dump(many, open(os.path.join(out, "many.json"), "w"), indent=1)
