"""Checks the outputs of inputs/narrow-columns.json (16-bit columns into
65536 neurons, 32-bit into 65537): the saved columns, as i32, reach the last
neuron; every row is ascending; fixed_indegree gives every post exactly k
synapses; the last neurons received input. Prints one line per projection and
population, and exits 1 on the first failure."""
import os
import sys

import numpy as np


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main(out):
    for name, npost, k in [("to_narrow", 65536, 2), ("to_narrow_p", 65536, None),
                           ("to_wide", 65537, 2)]:
        col = np.load(os.path.join(out, name + "_synapses_col.npy"))
        row_ptr = np.load(os.path.join(out, name + "_synapses_row_ptr.npy"))
        if col.dtype != np.int32:
            fail(f"{name}: columns saved as {col.dtype}, not int32")
        if col.min() < 0 or col.max() >= npost:
            fail(f"{name}: columns outside [0, {npost})")
        for i in range(len(row_ptr) - 1):
            row = col[row_ptr[i]:row_ptr[i + 1]]
            if np.any(np.diff(row) < 0):
                fail(f"{name}: row {i} is not ascending")
        if k is not None:
            counts = np.bincount(col, minlength=npost)
            if np.any(counts != k):
                fail(f"{name}: posts with other than {k} synapses")
        print(f"{name}: {len(col)} synapses, largest column {col.max()}, "
              f"rows ascending" + ("" if k is None else f", {k} per post"))
    for pop, last in [("narrow", 65535), ("wide", 65536)]:
        v = np.load(os.path.join(out, pop + "_v.npy"))
        if not np.all(v[-1] > 0):
            fail(f"{pop}: a recorded neuron (up to {last}) got no input")
        print(f"{pop}: every recorded neuron up to {last} got input")


if __name__ == "__main__":
    main(sys.argv[1])
