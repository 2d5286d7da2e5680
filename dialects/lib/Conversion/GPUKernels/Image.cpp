//===- Image.cpp - the CUDA target's last module edits --------------------===//
//
// Part of snnc. snn-gpu-embed-image (the kernels' PTX and cubin as host
// globals), snn-gpu-drop-emulation and snn-gpu-drop-kernels
// (docs/gpu-abi.md).
//
//===----------------------------------------------------------------------===//

#include "snn/Conversion/GPUKernels.h"
#include "snn/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cctype>

namespace mlir::snn {
#define GEN_PASS_DEF_SNNGPUEMBEDIMAGE
#define GEN_PASS_DEF_SNNGPUDROPEMULATION
#define GEN_PASS_DEF_SNNGPUDROPKERNELS
#include "snn/Conversion/Passes.h.inc"
} // namespace mlir::snn

using namespace mlir;
namespace names = mlir::snn::gpu_kernels;

namespace {

/// Runs ptxas on `ptx` for `chip` at `optLevel`; `cubin` gets the result.
/// Returns false with `error` when ptxas is missing (`error` empty then) or
/// fails. ptxas is `<cudaPath>/bin/ptxas`, or the one on the PATH.
bool assembleCubin(const std::string &ptx, const std::string &chip,
                   const std::string &cudaPath, int optLevel,
                   std::string &cubin, std::string &error) {
  error.clear();
  std::string ptxas;
  if (!cudaPath.empty()) {
    llvm::SmallString<256> path(cudaPath);
    llvm::sys::path::append(path, "bin", "ptxas");
    if (llvm::sys::fs::can_execute(path))
      ptxas = path.str().str();
  }
  if (ptxas.empty()) {
    auto found = llvm::sys::findProgramByName("ptxas");
    if (!found)
      return false; // no ptxas: PTX only
    ptxas = *found;
  }

  llvm::SmallString<128> in, out, log;
  for (auto [path, ext] : {std::pair{&in, "ptx"}, std::pair{&out, "cubin"},
                           std::pair{&log, "log"}})
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("snnc-kernels", ext, *path)) {
      error = "cannot create a temporary file: " + ec.message();
      return false;
    }
  auto cleanup = llvm::make_scope_exit([&] {
    for (auto *path : {&in, &out, &log})
      llvm::sys::fs::remove(*path);
  });
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(in, ec);
    if (ec) {
      error = "cannot write " + in.str().str() + ": " + ec.message();
      return false;
    }
    os << ptx;
  }
  std::string arch = "-arch=" + chip;
  std::string opt = "-O" + std::to_string(std::clamp(optLevel, 0, 3));
  llvm::SmallVector<llvm::StringRef> args = {ptxas, arch, opt, in, "-o", out};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log, log};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0, 0,
                                     &execError);
  if (rc != 0) {
    std::string messages;
    if (auto buffer = llvm::MemoryBuffer::getFile(log))
      messages = (*buffer)->getBuffer().trim().str();
    error = ptxas + " " + arch + " failed" +
            (messages.empty() ? (execError.empty() ? "" : ": " + execError)
                              : ":\n" + messages);
    return false;
  }
  auto buffer = llvm::MemoryBuffer::getFile(out, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read ptxas's output: " + buffer.getError().message();
    return false;
  }
  cubin = (*buffer)->getBuffer().str();
  return true;
}

struct EmbedImagePass
    : mlir::snn::impl::SNNGPUEmbedImageBase<EmbedImagePass> {
  using SNNGPUEmbedImageBase::SNNGPUEmbedImageBase;
  void runOnOperation() override;
};

void EmbedImagePass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = module.getContext();
  // Errors about the toolkit are not about a place in the model: at an
  // unknown location, snnc prints them as its own.
  auto fail = [&](const Twine &message) {
    emitError(UnknownLoc::get(ctx)) << message;
    signalPassFailure();
  };
  auto binary = module.lookupSymbol<gpu::BinaryOp>(names::kKernelModule);
  if (!binary || binary.getObjects().size() != 1)
    return fail("no PTX for the kernels (expected one gpu.binary @snn_kernels)");
  std::string ptx =
      cast<gpu::ObjectAttr>(binary.getObjects()[0]).getObject().str();
  while (!ptx.empty() && ptx.back() == '\0')
    ptx.pop_back();
  binary.erase();
  module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());

  // An undefined libdevice function means libdevice was not linked.
  llvm::StringRef text(ptx);
  size_t at = text.find("__nv_");
  if (at != llvm::StringRef::npos) {
    llvm::StringRef name = text.substr(at).take_while([](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    std::string root = cudaPath;
    return fail("the kernels need " + name.str() +
                " from CUDA's libdevice, which was not found" +
                (root.empty() ? std::string(" (no CUDA Toolkit: set CUDA_PATH)")
                              : " under " + root + "/nvvm/libdevice"));
  }

  std::string cubin, error;
  if (ptxas && !assembleCubin(ptx, chip, cudaPath, optLevel, cubin, error) &&
      !error.empty())
    return fail(error);

  // The image (docs/gpu-abi.md, "Host symbols").
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  auto bytes = [&](llvm::StringRef name, std::string data, bool terminate) {
    if (terminate || data.empty())
      data.push_back('\0');
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), data.size());
    b.create<LLVM::GlobalOp>(loc, type, /*isConstant=*/true,
                             LLVM::Linkage::External, name,
                             b.getStringAttr(data));
  };
  bytes("snn_gpu_ptx", ptx, true);
  bytes("snn_gpu_cubin", cubin, false);
  bytes("snn_gpu_arch", chip, true);
  b.create<LLVM::GlobalOp>(
      loc, b.getI64Type(), /*isConstant=*/true, LLVM::Linkage::External,
      "snn_gpu_cubin_size",
      b.getI64IntegerAttr(static_cast<int64_t>(cubin.size())));
}

struct DropEmulationPass
    : mlir::snn::impl::SNNGPUDropEmulationBase<DropEmulationPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> dead;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.getSymName().starts_with(names::kEmulatePrefix) ||
          func.getSymName().starts_with(names::kBodyPrefix))
        dead.push_back(func);
    for (func::FuncOp func : dead)
      func.erase();
  }
};

struct DropKernelsPass
    : mlir::snn::impl::SNNGPUDropKernelsBase<DropKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (auto kernels =
            module.lookupSymbol<gpu::GPUModuleOp>(names::kKernelModule))
      kernels.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }
};

} // namespace
