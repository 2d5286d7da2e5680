//===- cuda_driver.cpp - Loading the CUDA driver with dlopen --------------===//

#include "cuda_driver.h"

#include <cstdlib>
#include <dlfcn.h>
#include <mutex>

namespace snnrt {
namespace cu {

std::string Driver::describe(CUresult r) const {
  const char *name = nullptr, *text = nullptr;
  if (!cuGetErrorName || cuGetErrorName(r, &name) != CUDA_SUCCESS || !name)
    name = nullptr;
  if (!cuGetErrorString || cuGetErrorString(r, &text) != CUDA_SUCCESS || !text)
    text = nullptr;
  std::string s = name ? name : "CUDA error " + std::to_string(int(r));
  if (text)
    s += std::string(": ") + text;
  return s;
}

bool Driver::check(CUresult r, const char *call, const std::string &doing,
                   std::string &error) const {
  if (r == CUDA_SUCCESS)
    return true;
  error = std::string(call) + (doing.empty() ? "" : " (" + doing + ")") + ": " +
          describe(r);
  return false;
}

std::string Driver::versionString() const {
  return std::to_string(version / 1000) + "." +
         std::to_string(version % 1000 / 10);
}

bool loadDriverFrom(const char *library, Driver &driver, void *&handle,
                    std::string &error) {
  driver = Driver();
  driver.library = library;
  handle = ::dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = ::dlerror();
    error = std::string("cannot load the CUDA driver (") + library +
            "): " + (why ? why : "unknown error") +
            "; running on the GPU needs an NVIDIA GPU and its driver";
    return false;
  }
  std::string missing;
#define SNNRT_CUDA_LOOKUP(name, type)                                          \
  driver.name = reinterpret_cast<type>(::dlsym(handle, #name));                \
  if (!driver.name)                                                            \
    missing += (missing.empty() ? "" : ", ") + std::string(#name);
  SNNRT_CUDA_CORE_FUNCTIONS(SNNRT_CUDA_LOOKUP)
  std::string core = missing;
  missing.clear();
  SNNRT_CUDA_GRAPH_FUNCTIONS(SNNRT_CUDA_LOOKUP)
#undef SNNRT_CUDA_LOOKUP
  driver.hasGraphs = missing.empty();
  if (!core.empty()) {
    error = std::string("the CUDA driver ") + library +
            " lacks functions the runtime needs (" + core +
            "): it is too old, or not an NVIDIA driver";
    return false;
  }
  CUresult r = driver.cuInit(0);
  if (!driver.check(r, "cuInit", "initialising the CUDA driver", error)) {
    if (r == CUDA_ERROR_STUB_LIBRARY)
      error += " (" + std::string(library) +
               " is the CUDA toolkit's stub library, not a driver)";
    return false;
  }
  int version = 0;
  if (driver.cuDriverGetVersion(&version) == CUDA_SUCCESS)
    driver.version = version;
  return true;
}

const Driver *loadDriver(std::string &error) {
  static std::mutex mutex;
  static bool tried = false;
  static Driver driver;
  static std::string failure;
  std::lock_guard<std::mutex> lock(mutex);
  if (!tried) {
    tried = true;
    void *handle = nullptr;
    // The handle stays open for the life of the process, also after a
    // failed cuInit: a driver that has run cuInit may have started threads
    // and registered exit handlers, so unloading it is never safe.
    // SNNRT_CUDA_DRIVER names another driver library: one outside the
    // loader's path, or the fake driver the tests run without a GPU.
    const char *env = std::getenv("SNNRT_CUDA_DRIVER");
    std::string library = env && *env ? env : "libcuda.so.1";
    if (!loadDriverFrom(library.c_str(), driver, handle, failure)) {
      if (env && *env)
        failure += " (the library named by SNNRT_CUDA_DRIVER)";
      driver = Driver();
    }
  }
  if (!failure.empty()) {
    error = failure;
    return nullptr;
  }
  return &driver;
}

} // namespace cu
} // namespace snnrt
