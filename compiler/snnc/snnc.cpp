//===- snnc.cpp - The snn compiler driver ---------------------------------===//
//
// Part of snnc.
//
//   snnc model.json -o sim            compile to a simulator executable
//   snnc model.json --emit=STAGE      print one stage (ast, snn,
//                                     snn-integrated, core, ptx, llvm,
//                                     llvm-ir, asm) or write an object (obj)
//   --target=cpu|cuda|cuda-emulate    what the simulator runs on
//   snnc run model.json [-- ARGS]     compile to a temporary simulator and
//                                     run it with ARGS
//
// Input is a JSON model file or an .mlir file in the snn dialect. Errors are
// reported with the model file's line and column; on failure nothing is left
// at the output path.
//
//===----------------------------------------------------------------------===//

#include "snn/Compiler/Pipeline.h"
#include "snn/Compiler/Registration.h"
#include "snn/Frontend/JSONFrontend.h"
#include "snn/MLIRGen/MLIRGen.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <iostream>
#include <sstream>
#include <unistd.h>

using namespace mlir;
using snn::compiler::Stage;
using snn::compiler::Target;
namespace cl = llvm::cl;

static cl::OptionCategory snncCategory("snnc options");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<model.json | model.mlir>"),
                                      cl::Required, cl::cat(snncCategory));

static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("path"), cl::init("-"),
                                       cl::cat(snncCategory));

static cl::opt<Stage> emitStage(
    "emit", cl::desc("Stop after this stage and write its output"),
    cl::init(Stage::Executable),
    cl::values(
        clEnumValN(Stage::AST, "ast", "the checked model (normalized JSON)"),
        clEnumValN(Stage::SNN, "snn", "the snn dialect"),
        clEnumValN(Stage::Integrated, "snn-integrated",
                   "after snn-integrate"),
        clEnumValN(Stage::Core, "core",
                   "scf/arith/math/memref/func (and gpu kernels)"),
        clEnumValN(Stage::PTX, "ptx", "the kernels' PTX (--target=cuda)"),
        clEnumValN(Stage::LLVMDialect, "llvm", "the LLVM dialect"),
        clEnumValN(Stage::LLVMIR, "llvm-ir", "LLVM IR"),
        clEnumValN(Stage::Asm, "asm", "native assembly"),
        clEnumValN(Stage::Object, "obj", "a native object file"),
        clEnumValN(Stage::Executable, "exe", "a linked simulator (default)")),
    cl::cat(snncCategory));

static cl::opt<int> optLevel("O", cl::desc("LLVM optimization level (0-3)"),
                             cl::Prefix, cl::init(3), cl::cat(snncCategory));

static cl::opt<std::string>
    targetCPU("cpu", cl::desc("CPU to generate code for ('native': this host)"),
              cl::init("native"), cl::cat(snncCategory));

static cl::opt<Target> target(
    "target", cl::desc("What the simulator runs on"), cl::init(Target::CPU),
    cl::values(
        clEnumValN(Target::CPU, "cpu", "this CPU (default)"),
        clEnumValN(Target::CUDA, "cuda", "an NVIDIA GPU (CUDA driver API)"),
        clEnumValN(Target::CUDAEmulate, "cuda-emulate",
                   "the CUDA backend's kernels run on this CPU, one thread "
                   "after another (for testing without a GPU)")),
    cl::cat(snncCategory));

static cl::opt<std::string>
    gpuArch("gpu-arch",
            cl::desc("GPU architecture of the PTX and cubin (--target=cuda)"),
            cl::init("sm_80"), cl::cat(snncCategory));

static cl::opt<std::string> cudaPath(
    "cuda-path",
    cl::desc("CUDA Toolkit root, for libdevice and ptxas (default: "
             "$CUDA_PATH, $CUDA_HOME, the build's, /usr/local/cuda)"),
    cl::init(""), cl::cat(snncCategory));

static cl::opt<bool> hostKernels(
    "host-kernels",
    cl::desc("--target=cuda: also compile the kernels for this CPU, so that "
             "the simulator runs on the fake CUDA driver "
             "(SNNRT_CUDA_DRIVER=libsnnrt_fakecuda.so; for testing the "
             "CUDA runtime without a GPU)"),
    cl::init(false), cl::cat(snncCategory));

namespace {

/// Prints an error in the driver's voice.
int fail(const llvm::Twine &message) {
  llvm::errs() << "snnc: error: " << message << "\n";
  return 1;
}

bool isMLIRInput(llvm::StringRef path) { return path.ends_with(".mlir"); }

/// The directory holding libsnnrt.a and libsnnrt_main.a.
std::string runtimeLibDir(const char *argv0) {
  if (const char *env = std::getenv("SNN_RUNTIME_DIR"))
    return env;
  // An installed layout: <prefix>/bin/snnc and <prefix>/lib.
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&runtimeLibDir));
  llvm::SmallString<256> lib(llvm::sys::path::parent_path(
      llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(lib, "lib", "libsnnrt.a");
  if (llvm::sys::fs::exists(lib))
    return llvm::sys::path::parent_path(lib).str();
  return SNN_RUNTIME_LIB_DIR;
}

/// Removes a file when it goes out of scope, unless kept.
struct TempFile {
  std::string path;
  bool keep = false;
  ~TempFile() {
    if (!path.empty() && !keep)
      llvm::sys::fs::remove(path);
  }
};

class Driver {
public:
  Driver(const char *argv0, MLIRContext &context, llvm::SourceMgr &sourceMgr)
      : argv0(argv0), context(context), sourceMgr(sourceMgr) {}

  /// Compiles the input; writes the requested stage to `output` (a path, or
  /// "-" for stdout). Returns the process exit code.
  int compile(Stage stage, const std::string &output);

private:
  OwningOpRef<ModuleOp> loadModule(Stage stage, const std::string &output,
                                   bool &done, int &code);
  int writeText(const std::string &output,
                llvm::function_ref<void(llvm::raw_ostream &)> write);
  int link(const std::string &object, const std::string &output);

  const char *argv0;
  MLIRContext &context;
  llvm::SourceMgr &sourceMgr;
};

int Driver::writeText(const std::string &output,
                      llvm::function_ref<void(llvm::raw_ostream &)> write) {
  std::string error;
  auto file = openOutputFile(output, &error);
  if (!file)
    return fail(error);
  write(file->os());
  file->keep();
  return 0;
}

OwningOpRef<ModuleOp> Driver::loadModule(Stage stage, const std::string &output,
                                         bool &done, int &code) {
  done = false;
  if (isMLIRInput(inputFile)) {
    std::string error;
    auto buffer = openInputFile(inputFile, &error);
    if (!buffer) {
      done = true;
      code = fail(error);
      return nullptr;
    }
    sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module) {
      done = true;
      code = 1;
    }
    return module;
  }

  std::vector<snn::frontend::Diagnostic> diags;
  std::optional<snn::ast::Model> model =
      snn::frontend::parseModelFile(inputFile, diags);
  if (!model) {
    snn::frontend::printDiagnostics(diags, std::cerr);
    done = true;
    code = 1;
    return nullptr;
  }
  if (stage == Stage::AST) {
    done = true;
    code = writeText(output, [&](llvm::raw_ostream &os) {
      std::ostringstream text;
      snn::frontend::dumpModel(*model, text);
      os << text.str();
    });
    return nullptr;
  }
  // Let MLIR diagnostics quote the model file's lines.
  if (auto buffer = llvm::MemoryBuffer::getFile(model->file))
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = snn::mlirGen(context, *model);
  if (!module) {
    done = true;
    code = 1;
  }
  return module;
}

int Driver::link(const std::string &object, const std::string &output) {
  std::string dir = runtimeLibDir(argv0);
  // model.o <main> [libsnnrt_cuda.a] libsnnrt.a
  std::vector<std::string> libNames;
  switch (target) {
  case Target::CPU:
    libNames = {"libsnnrt_main.a", "libsnnrt.a"};
    break;
  case Target::CUDA:
    libNames = {"libsnnrt_cuda_main.a", "libsnnrt_cuda.a", "libsnnrt.a"};
    break;
  case Target::CUDAEmulate:
    libNames = {"libsnnrt_emulate_main.a", "libsnnrt.a"};
    break;
  }
  std::vector<std::string> libs;
  for (const std::string &name : libNames) {
    llvm::SmallString<256> lib(dir);
    llvm::sys::path::append(lib, name);
    libs.push_back(lib.str().str());
  }
  for (const std::string &lib : libs)
    if (!llvm::sys::fs::exists(lib))
      return fail("runtime library " + lib +
                  " not found (set SNN_RUNTIME_DIR to the directory holding "
                  "libsnnrt.a)");
  const char *cxxEnv = std::getenv("CXX");
  std::string cxxName = cxxEnv && *cxxEnv ? cxxEnv : "c++";
  auto cxx = llvm::sys::findProgramByName(cxxName);
  if (!cxx)
    return fail("cannot find the C++ linker driver '" + cxxName +
                "' (set CXX)");

  // Link to a temporary name next to the output, then rename: a failed link
  // leaves nothing at the output path.
  llvm::SmallString<256> temp;
  int fd;
  std::error_code ec = llvm::sys::fs::createUniqueFile(
      output + ".tmp-%%%%%%", fd, temp);
  if (ec)
    return fail("cannot create a file next to '" + output + "': " +
                ec.message());
  ::close(fd);
  TempFile tempGuard{temp.str().str()};
  std::vector<llvm::StringRef> args = {*cxx, object};
  for (const std::string &lib : libs)
    args.push_back(lib);
  if (target == Target::CUDA)
    args.push_back("-ldl"); // the driver is loaded with dlopen
  // The fake CUDA driver finds the host copies of the kernels by name.
  if (target == Target::CUDA && hostKernels)
    args.push_back("-Wl,--export-dynamic-symbol=snn_host_kernels");
  for (llvm::StringRef a : {"-lpthread", "-lm", "-o"})
    args.push_back(a);
  args.push_back(temp);
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(*cxx, args, std::nullopt, {}, 0, 0,
                                     &error);
  if (rc != 0)
    return fail("linking the simulator failed" +
                (error.empty() ? llvm::Twine("") : llvm::Twine(": ") + error));
  ec = llvm::sys::fs::rename(temp, output);
  if (ec)
    return fail("cannot write '" + output + "': " + ec.message());
  tempGuard.keep = true;
  return 0;
}

int Driver::compile(Stage stage, const std::string &output) {
  if (hostKernels && target != Target::CUDA)
    return fail("--host-kernels needs --target=cuda");
  bool done;
  int code = 0;
  OwningOpRef<ModuleOp> module = loadModule(stage, output, done, code);
  if (done)
    return code;

  auto printModule = [&](ModuleOp m) {
    return writeText(output, [&](llvm::raw_ostream &os) { m.print(os); });
  };
  if (stage == Stage::SNN)
    return printModule(*module);

  // The MLIR part of the pipeline, one pass manager per stage so that each
  // stage's IR can be printed (and --mlir-print-ir-* applies to all).
  auto runStage = [&](llvm::function_ref<void(OpPassManager &)> populate) {
    PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm)))
      return false;
    populate(pm);
    return succeeded(pm.run(*module));
  };
  if (!runStage(snn::compiler::populateIntegratePipeline))
    return 1;
  if (stage == Stage::Integrated)
    return printModule(*module);
  if (!runStage([](OpPassManager &pm) {
        snn::compiler::populateCorePipeline(pm, target);
      }))
    return 1;
  if (stage == Stage::Core)
    return printModule(*module);
  if (stage == Stage::PTX && target != Target::CUDA)
    return fail("--emit=ptx needs --target=cuda");
  std::string error;
  if (target == Target::CUDA) {
    // Kernels: NVVM -> PTX in-process, then a cubin when ptxas is here.
    snn::compiler::GPUOptions gpu;
    gpu.chip = gpuArch;
    gpu.cudaPath = cudaPath.empty() ? snn::compiler::findCUDAPath()
                                    : std::string(cudaPath);
    gpu.optLevel = optLevel;
    if (!llvm::StringRef(gpu.chip).starts_with("sm_"))
      return fail("--gpu-arch: expected an architecture like sm_80 or "
                  "sm_90, not '" + gpu.chip + "'");
    // Host copies first: the NVVM pipeline consumes the gpu.module.
    if (hostKernels && !runStage(snn::compiler::populateHostKernelsPipeline))
      return 1;
    if (!runStage([&](OpPassManager &pm) {
          snn::compiler::populateNVVMPipeline(pm, gpu);
        }))
      return 1;
    std::string ptx;
    if (!snn::compiler::extractPTX(*module, gpu, ptx, error))
      return fail(error);
    if (stage == Stage::PTX)
      return writeText(output, [&](llvm::raw_ostream &os) { os << ptx; });
    std::string cubin;
    if (!snn::compiler::assembleCubin(ptx, gpu, cubin, error) &&
        !error.empty())
      return fail(error);
    snn::compiler::addGPUImage(*module, ptx, cubin, gpu.chip);
    snn::compiler::dropHostEmulation(*module);
  } else if (target == Target::CUDAEmulate) {
    snn::compiler::dropKernels(*module);
  }
  if (!runStage([](OpPassManager &pm) {
        snn::compiler::populateLLVMPipeline(pm, hostKernels);
      }))
    return 1;
  if (stage == Stage::LLVMDialect)
    return printModule(*module);

  std::unique_ptr<llvm::TargetMachine> tm =
      snn::compiler::createTargetMachine(targetCPU, error);
  if (!tm)
    return fail(error);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = snn::compiler::translateAndOptimize(
      *module, llvmContext, *tm, optLevel, error);
  if (!llvmModule)
    return fail(error);
  if (stage == Stage::LLVMIR)
    return writeText(output,
                     [&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  if (stage == Stage::Asm || stage == Stage::Object) {
    if (stage == Stage::Object && output == "-")
      return fail("--emit=obj needs an output file (-o)");
    std::string openError;
    auto file = openOutputFile(output, &openError);
    if (!file)
      return fail(openError);
    if (!snn::compiler::emitNativeCode(*llvmModule, *tm, stage == Stage::Asm,
                                       file->os(), error))
      return fail(error);
    file->keep();
    return 0;
  }

  // The executable: an object in a temporary file, linked with the runtime.
  if (output == "-")
    return fail("a simulator needs an output path: -o sim");
  llvm::SmallString<256> objectPath;
  std::error_code ec =
      llvm::sys::fs::createTemporaryFile("snnc-model", "o", objectPath);
  if (ec)
    return fail("cannot create a temporary object file: " + ec.message());
  TempFile objectGuard{objectPath.str().str()};
  {
    std::string openError;
    auto file = openOutputFile(objectPath, &openError);
    if (!file)
      return fail(openError);
    if (!snn::compiler::emitNativeCode(*llvmModule, *tm, false, file->os(),
                                       error))
      return fail(error);
    file->keep();
  }
  return link(objectPath.str().str(), output);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);

  // `snnc run model [-- args]`: take "run" and everything after "--" out of
  // what the option parser sees.
  bool runMode = false;
  std::vector<char *> args;
  std::vector<std::string> simArgs;
  for (int i = 0; i < argc; ++i) {
    if (i == 1 && llvm::StringRef(argv[i]) == "run") {
      runMode = true;
      continue;
    }
    if (llvm::StringRef(argv[i]) == "--") {
      for (int j = i + 1; j < argc; ++j)
        simArgs.push_back(argv[j]);
      break;
    }
    args.push_back(argv[i]);
  }

  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerAsmPrinterCLOptions();
  // Show snnc's own options and MLIR's IR-printing and timing options, not
  // the hundreds of LLVM backend flags that the shared libraries register.
  static cl::OptionCategory mlirCategory("MLIR options (apply to the MLIR "
                                         "stages of the pipeline)");
  cl::HideUnrelatedOptions(snncCategory);
  for (auto &entry : cl::getRegisteredOptions()) {
    llvm::StringRef name = entry.getKey();
    if (name.starts_with("mlir-print-ir") || name == "mlir-timing" ||
        name == "mlir-pass-statistics" || name == "mlir-print-debuginfo" ||
        name == "mlir-elide-elementsattrs-if-larger") {
      entry.getValue()->setHiddenFlag(cl::NotHidden);
      entry.getValue()->addCategory(mlirCategory);
    }
  }
  cl::ParseCommandLineOptions(
      static_cast<int>(args.size()), args.data(),
      "snnc: compiles spiking network models to simulators\n\n"
      "  snnc model.json -o sim          build a simulator\n"
      "  snnc model.json --emit=STAGE    print a stage of the pipeline\n"
      "  snnc run model.json [-- ARGS]   build and run (ARGS go to the "
      "simulator)\n");

  DialectRegistry registry;
  snn::compiler::registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Errors point at the model file; a dump of the failing op (thousands of
  // lines of lowered IR) helps no user. --mlir-print-ir-* still shows IR.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  Driver driver(argv[0], context, sourceMgr);

  if (!runMode) {
    if (emitStage == Stage::Executable && outputFile == "-")
      return fail("a simulator needs an output path: -o sim (or --emit=STAGE)");
    return driver.compile(emitStage, outputFile);
  }

  // Run mode: a temporary simulator, run with the given arguments.
  llvm::SmallString<256> exe;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("snnc-sim", "", fd, exe))
    return fail("cannot create a temporary file: " + ec.message());
  ::close(fd);
  TempFile exeGuard{exe.str().str()};
  if (int code = driver.compile(Stage::Executable, exe.str().str()))
    return code;
  std::vector<llvm::StringRef> runArgs = {exe};
  for (const std::string &a : simArgs)
    runArgs.push_back(a);
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(exe, runArgs, std::nullopt, {}, 0, 0,
                                     &error);
  if (rc < 0)
    return fail("running the simulator failed: " + error);
  return rc;
}
