"""Every example exists in both forms, model.json and model.snn, and both
compile to identical IR: the snn dialect the frontend emits and the LLVM dialect
at the end of the MLIR pipeline, byte for byte once the model file's own name
(which the IR records) is taken out. And each .snn is in canonical form.

Usage: check_examples.py SNNC EXAMPLES_DIR
"""
import glob
import os
import re
import subprocess
import sys


def emit(snnc, stage, path):
    r = subprocess.run([snnc, "--emit=" + stage, path], capture_output=True,
                       text=True)
    if r.returncode != 0:
        print("FAIL %s --emit=%s:\n%s" % (path, stage, r.stderr))
        return None
    # The IR names the file it came from (source_file, the module's id, and
    # the simulator's descriptor, a string whose length the name changes).
    text = r.stdout.replace(os.path.abspath(path), "MODEL")
    text = text.replace(os.path.basename(path), "MODEL")
    return "\n".join(re.sub(r"\[\d+ x i8\]", "[N x i8]", line)
                     if "MODEL" in line else line
                     for line in text.split("\n"))


def main():
    snnc, examples = sys.argv[1], sys.argv[2]
    models = sorted(glob.glob(os.path.join(examples, "*", "*.json")))
    failed = 0
    for js in models:
        name = os.path.relpath(js, examples)
        snn = js[:-len(".json")] + ".snn"
        if not os.path.exists(snn):
            print("FAIL %s has no .snn form" % name)
            failed += 1
            continue
        same = True
        for stage in ("snn", "llvm"):
            a, b = emit(snnc, stage, js), emit(snnc, stage, snn)
            if a is None or b is None or a != b:
                print("FAIL %s: --emit=%s differs between .json and .snn" %
                      (name, stage))
                same = False
        r = subprocess.run([snnc, "fmt", "--check", snn], capture_output=True,
                           text=True)
        if r.returncode != 0:
            print("FAIL %s: not canonical: %s" % (snn, r.stdout + r.stderr))
            same = False
        if same:
            print("same IR: %s" % name)
        else:
            failed += 1
    snns = sorted(glob.glob(os.path.join(examples, "*", "*.snn")))
    for snn in snns:
        if not os.path.exists(snn[:-len(".snn")] + ".json"):
            print("FAIL %s has no .json form" % os.path.relpath(snn, examples))
            failed += 1
    print("%d examples, %d in both forms with identical IR" %
          (len(models), len(models) - failed))
    sys.exit(1 if failed else 0)


main()
