#!/usr/bin/env python3
"""Compares the NPY/CSV outputs of two simulator runs byte for byte.

Prints `identical: <files>` for the files that are the same in both
directories, then one `differ: <file> ...` line per file that is not (with
the first differing element when both are NPY arrays of one shape), and
`missing: <file>` for a file only one of them wrote. summary.json is
skipped (it holds timings). Exit code 0 when everything is identical.
With --subset, only the files of DIR_A are compared (DIR_B may hold more).

Usage: same_outputs.py [--subset] DIR_A DIR_B
"""
import os
import sys

import numpy as np


def main():
    args = sys.argv[1:]
    subset = args[0] == "--subset"
    if subset:
        args = args[1:]
    a, b = args[0], args[1]
    names = set(os.listdir(a))
    if not subset:
        names |= set(os.listdir(b))
    names = sorted(names - {"summary.json"})
    same, problems = [], []
    for name in names:
        pa, pb = os.path.join(a, name), os.path.join(b, name)
        if not (os.path.exists(pa) and os.path.exists(pb)):
            problems.append("missing: %s" % name)
            continue
        with open(pa, "rb") as fa, open(pb, "rb") as fb:
            if fa.read() == fb.read():
                same.append(name)
                continue
        detail = ""
        if name.endswith(".npy"):
            x, y = np.load(pa), np.load(pb)
            if x.shape == y.shape:
                where = np.argwhere(x != y)
                first = tuple(where[0])
                detail = " (%d elements differ, first at %s: %r vs %r)" % (
                    len(where), first, x[first], y[first])
            else:
                detail = " (shapes %s vs %s)" % (x.shape, y.shape)
        problems.append("differ: %s%s" % (name, detail))
    print("identical: " + " ".join(same))
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
