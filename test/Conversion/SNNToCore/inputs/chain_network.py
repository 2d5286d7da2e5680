#!/usr/bin/env python3
"""Prints an integrated network whose model is a chain of N linear ODEs,
dx0/dt = (1 - x0) / tau, dx_i/dt = (x_{i-1} - x_i) / tau, as snn-integrate
would leave it (one snn.linear_update with a sparse Jacobian).

Usage: chain_network.py N [PRECISION]
"""
import sys

n = int(sys.argv[1])
t = sys.argv[2] if len(sys.argv) > 2 else "f64"
xs = ", ".join("%%x%d" % i for i in range(n))
args = ", ".join("%%x%d: %s" % (i, t) for i in range(n)) + ", %%tau: %s" % t
types = ", ".join([t] * n)
entries = ["(0, 0): %d"]
for i in range(1, n):
    entries += ["(%d, %d): %%c" % (i, i - 1), "(%d, %d): %%d" % (i, i)]
affine = ", ".join(["%b"] + ["%z"] * (n - 1))
print('snn.network @chain attributes {dt = 0.1 : f64, duration = 1.0 : f64, '
      'seed = 1 : ui64, precision = %s} {' % t)
print('  snn.neuron_model @chain attributes {variables = [%s], params = ["tau"]} '
      'update {' % ", ".join('"x%d"' % i for i in range(n)))
print('  ^bb0(%s):' % args)
print('    %%one = arith.constant 1.0 : %s' % t)
print('    %%m1 = arith.constant -1.0 : %s' % t)
print('    %%z = arith.constant 0.0 : %s' % t)
print('    %%d = arith.divf %%m1, %%tau : %s' % t)
print('    %%c = arith.divf %%one, %%tau : %s' % t)
print('    %%b = arith.divf %%one, %%tau : %s' % t)
print('    %%r:%d = snn.linear_update (%s) affine (%s) jacobian [%s] dt 0.1 : %s'
      % (n, xs, affine, ", ".join(entries), t))
print('    snn.yield %s : %s' % (", ".join("%%r#%d" % i for i in range(n)), types))
print('  } threshold {')
print('  ^bb0(%s):' % args)
print('    %f = arith.constant false')
print('    snn.yield %f : i1')
print('  } reset {')
print('  ^bb0(%s):' % args)
print('    snn.yield %s : %s' % (xs, types))
print('  }')
print('  snn.population @p of @chain size 2 attributes {params = {tau = 10.0 : %s}}' % t)
print('}')
