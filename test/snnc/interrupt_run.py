"""Interrupts `snnc run` with SIGTERM, either while it compiles or while its
simulator runs, and checks that snnc exits with 128 + SIGTERM and leaves no
temporary file behind (TMPDIR points at an empty directory of the test's).

usage: interrupt_run.py SNNC MODEL WORKDIR (compile|simulate)
"""
import os
import signal
import subprocess
import sys
import time

snnc, model, work, phase = sys.argv[1:5]
tmp = os.path.join(work, "tmp")
os.makedirs(tmp)
env = dict(os.environ, TMPDIR=tmp)
proc = subprocess.Popen([snnc, "run", model, "--", "--out",
                         os.path.join(work, "out"), "--quiet"], env=env)


def simulator_running():
    """Whether a process runs an executable from `tmp` (the simulator)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            exe = os.readlink("/proc/%s/exe" % pid)
        except OSError:
            continue
        if exe.startswith(tmp + "/"):
            return True
    return False


deadline = time.time() + 60
while time.time() < deadline and proc.poll() is None:
    if phase == "compile" and os.listdir(tmp):
        break  # the temporary simulator exists: snnc is compiling
    if phase == "simulate" and simulator_running():
        time.sleep(0.3)
        break
    time.sleep(0.01)
else:
    sys.exit("snnc ended (or timed out) before the %s phase" % phase)

proc.send_signal(signal.SIGTERM)
code = proc.wait(timeout=60)
if code == -signal.SIGTERM:
    code = 128 + signal.SIGTERM  # killed by the signal: what a shell shows
left = os.listdir(tmp)
print("phase %s: exit code %d, temporary files left: %d"
      % (phase, code, len(left)))
if code != 128 + signal.SIGTERM or left:
    sys.exit("FAILED: expected exit code %d and no temporary file, left: %s"
             % (128 + signal.SIGTERM, left))
