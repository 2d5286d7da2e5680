//===- snnrt.h - The snnc runtime library (umbrella header) ------*- C++
//-*-===//
//
// See docs/runtime-abi.md for the contract with generated code and
// docs/runtime.md for the runtime's design. The CUDA backend
// (libsnnrt_cuda) has its own header, snnrt/gpu.h.
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_SNNRT_H
#define SNNRT_SNNRT_H

#include "snnrt/arena.h"
#include "snnrt/batched.h"
#include "snnrt/connectivity.h"
#include "snnrt/descriptor.h"
#include "snnrt/emulate.h"
#include "snnrt/io.h"
#include "snnrt/network.h"
#include "snnrt/progress.h"
#include "snnrt/run.h"

#endif // SNNRT_SNNRT_H
