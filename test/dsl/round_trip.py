"""JSON -> .snn -> JSON must give back the same document, for every file
the JSON reader accepts: the examples, the JSON error corpus, the e2e
models. "The same": keys in the same order, numbers as written (their
literal text), strings byte for byte. And the printer's output is already
canonical: `snnc fmt` leaves it as it is.

A file `snnc convert` refuses must be one that is not valid JSON or that
breaks one of the reader's documented limits (docs/model-format.md): so no
valid model file is lost on the way.

Usage: round_trip.py SNNC WORKDIR FILE...
"""
import json
import os
import subprocess
import sys


class Invalid(Exception):
    pass


def strict_load(path):
    """Loads JSON keeping order and literals; raises Invalid on what RFC
    8259 (or the reader's limits: 256 levels, finite doubles) refuses."""
    def pairs(kv):
        keys = [k for k, _ in kv]
        if len(keys) != len(set(keys)):
            raise Invalid("duplicate key")
        return ("object", kv)

    def number(s):
        if abs(float(s)) == float("inf"):
            raise Invalid("number out of range")
        return ("number", s)

    def constant(s):
        raise Invalid("not a JSON number: " + s)

    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("not UTF-8")
    try:
        value = json.loads(text.lstrip("\ufeff"), object_pairs_hook=pairs,
                           parse_float=number, parse_int=number,
                           parse_constant=constant)
    except (ValueError, RecursionError) as e:
        raise Invalid(str(e))

    def depth(v):
        if isinstance(v, list):
            return 1 + max([depth(x) for x in v] or [0])
        if isinstance(v, tuple) and v[0] == "object":
            return 1 + max([depth(x) for _, x in v[1]] or [0])
        return 0
    if depth(value) > 256:
        raise Invalid("nesting deeper than 256 levels")
    return value


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True)


def main():
    snnc, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    checked = refused = 0
    failures = []
    printed = []
    for n, path in enumerate(sys.argv[3:]):
        base = os.path.join(work, "%03d-%s" % (n, os.path.basename(path)))
        dsl = base + ".snn"
        back = base + ".back.json"
        r = run(snnc, "convert", path, "-o", dsl)
        if r.returncode != 0:
            try:
                strict_load(path)
            except Invalid:
                refused += 1
                continue
            failures.append("%s: valid JSON refused: %s" % (path, r.stderr))
            continue
        r = run(snnc, "convert", dsl, "-o", back)
        if r.returncode != 0:
            failures.append("%s: its .snn form is refused:\n%s" % (path, r.stderr))
            continue
        if strict_load(path) != strict_load(back):
            failures.append("%s: JSON -> .snn -> JSON differs (%s)" % (path, back))
            continue
        printed.append(dsl)
        checked += 1
    # One run for all: snnc starts in about 0.1 s.
    r = run(snnc, "fmt", "--check", *printed)
    if r.returncode != 0:
        failures.append("printed .snn files that are not canonical:\n" +
                        r.stdout + r.stderr)
    for f in failures:
        print("FAIL " + f)
    print("round trip: %d files exact, %d not valid JSON (refused), %d failed"
          % (checked, refused, len(failures)))
    sys.exit(1 if failures else 0)


main()
