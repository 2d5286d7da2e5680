#!/usr/bin/env python3
"""Extracts the runtime descriptor (JSON) that snnc embeds in a model.

Reads `snnc --emit=core` output (the global @snn_descriptor, whose string
MLIR prints with \\XX escapes) and writes the JSON.

Usage: descriptor.py CORE.mlir OUT.json
"""
import re
import sys


def main():
    text = open(sys.argv[1]).read()
    m = re.search(r'@snn_descriptor\("((?:[^"\\]|\\.)*)"\)', text)
    if not m:
        sys.exit("no @snn_descriptor in " + sys.argv[1])
    raw = re.sub(r"\\([0-9A-Fa-f]{2})", lambda g: chr(int(g.group(1), 16)),
                 m.group(1))
    with open(sys.argv[2], "w") as f:
        f.write(raw.rstrip("\0"))


if __name__ == "__main__":
    main()
