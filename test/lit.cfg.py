# -*- Python -*-
# lit configuration for snnc's tests: dialect round trips and diagnostics,
# passes (IR before and after), frontend diagnostics, and end-to-end runs.

import os
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "snnc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["inputs", "Inputs", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py", "unittests", "data"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.snn_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.snn_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["snnc", "snn-opt"], tool_dirs)
config.substitutions.insert(0, ("%snnc", os.path.join(config.snn_tools_dir, "snnc")))
config.substitutions.insert(0, ("%snn-opt", os.path.join(config.snn_tools_dir, "snn-opt")))
config.substitutions.insert(0, ("%reference-build", os.path.join(config.snn_tools_dir, "snnrt-reference-build")))
# Debian's Python, the one that sees python3-brian and numpy.
config.substitutions.insert(0, ("%python", config.python_with_brian))
config.substitutions.append(("%examples", os.path.join(config.snn_src_root, "examples")))

# mlir-cpu-runner runs lowered test programs (the accuracy of snn-expand-exp
# against libm).
runner = os.path.join(config.llvm_tools_dir, "mlir-cpu-runner")
runner_utils = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib",
                            "libmlir_c_runner_utils.so")
if os.path.exists(runner) and os.path.exists(runner_utils):
    config.available_features.add("mlir-cpu-runner")
    config.substitutions.append(("%mlir-cpu-runner", runner))
    config.substitutions.append(("%mlir_c_runner_utils", runner_utils))

if config.has_ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.ptxas))
# --target=cuda needs the CUDA Toolkit's libdevice for the kernels' maths
# (snnc looks in $CUDA_PATH, $CUDA_HOME, the build's toolkit, then
# /usr/local/cuda). Without it, tests that compile for the GPU are skipped.
def find_libdevice():
    roots = [os.environ.get("CUDA_PATH"), os.environ.get("CUDA_HOME"),
             config.snn_cuda_path, "/usr/local/cuda"]
    for root in roots:
        if root and os.path.isdir(root):
            # The first existing root is the one snnc uses.
            bc = os.path.join(root, "nvvm", "libdevice", "libdevice.10.bc")
            return bc if os.path.exists(bc) else None
    return None

if find_libdevice():
    config.available_features.add("libdevice")
else:
    lit_config.note("tests compiling for --target=cuda are skipped: no CUDA "
                    "Toolkit libdevice (install the toolkit, or set CUDA_PATH)")
if os.path.exists(config.python_with_brian):
    config.available_features.add("python")

# The fake CUDA driver (runtime/testing/fake_cuda.cpp): the CUDA runtime
# path, kernels launched through the driver API, run on this CPU.
fake_cuda = os.path.join(config.snn_obj_root, "lib", "libsnnrt_fakecuda.so")
if os.path.exists(fake_cuda):
    config.available_features.add("fake-cuda")
    config.substitutions.append(("%fakecuda", fake_cuda))

# GPU tests run only where a CUDA device is usable; elsewhere lit reports
# them UNSUPPORTED, and this note says why.
probe = os.path.join(config.snn_tools_dir, "snnrt-cuda-probe")
if os.path.exists(probe):
    r = subprocess.run([probe], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    if r.returncode == 0:
        config.available_features.add("cuda-gpu")
    else:
        reason = " ".join(r.stdout.split())
        lit_config.note("tests needing a GPU are skipped: " + reason)
else:
    lit_config.note("tests needing a GPU are skipped: no snnrt-cuda-probe")
