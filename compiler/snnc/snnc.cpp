//===- snnc.cpp - The snn compiler driver ---------------------------------===//
//
// Part of snnc.
//
//   snnc model.json -o sim            compile to a simulator executable
//   snnc model.json --emit=STAGE      print one stage (ast, snn,
//                                     snn-integrated, snn-specialized,
//                                     snn-storage, snn-scheduled,
//                                     snn-planned, core,
//                                     ptx, llvm, llvm-ir, asm) or write an
//                                     object (obj)
//   --target=cpu|cuda|cuda-emulate    what the simulator runs on
//   snnc run model.json [-- ARGS]     compile to a temporary simulator and
//                                     run it with ARGS
//   snnc plot OUTDIR [-o FILE]        a self-contained report of a run
//                                     (Plot.cpp)
//   snnc convert MODEL -o OUT         JSON <-> text DSL (Format.cpp)
//   snnc fmt [-i|--check] FILE.snn    the canonical form of a .snn file
//
// Input is a model file (JSON, or the text DSL: .snn) or an .mlir file in
// the snn dialect. Errors are
// reported with the model file's line and column; on failure nothing is left
// at the output path.
//
//===----------------------------------------------------------------------===//

#include "snn/Compiler/Diagnostics.h"
#include "snn/Compiler/Pipeline.h"
#include "snn/Compiler/Registration.h"
#include "snn/Frontend/JSONFrontend.h"
#include "snn/MLIRGen/MLIRGen.h"

#include "OutputFile.h"
#include "Format.h"
#include "Plot.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace mlir;
using snn::compiler::Stage;
using snn::compiler::Target;
namespace driver = snn::driver;
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
        clEnumValN(Stage::Specialized, "snn-specialized",
                   "after snn-specialize (parameters inlined into models)"),
        clEnumValN(Stage::Storage, "snn-storage",
                   "after snn-select-storage (each projection's storage)"),
        clEnumValN(Stage::Scheduled, "snn-scheduled",
                   "after snn-schedule-step and snn-merge-groups (the step's "
                   "phases, in order)"),
        clEnumValN(Stage::Planned, "snn-planned",
                   "after snn-plan-buffers (the arena's buffers, in order)"),
        clEnumValN(Stage::Core, "core",
                   "scf/arith/math/memref/vector/func (and gpu kernels)"),
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

static cl::list<std::string> storage(
    "storage",
    cl::desc("How to hold a projection's synapses, overriding the cost "
             "model: <projection>=<kind>, kind csr (rows of post indices), "
             "procedural (drawn again at each spike, nothing stored) or "
             "dense (rows of bits, one per post neuron); comma-separated or "
             "repeated"),
    cl::CommaSeparated, cl::value_desc("projection=kind"),
    cl::cat(snncCategory));

static cl::opt<bool> mergeGroups(
    "merge-groups",
    cl::desc("Update populations of one neuron model with the same code in "
             "one loop (snn-merge-groups; default on; --merge-groups=false "
             "gives each population its own loop: the same results)"),
    cl::init(true), cl::cat(snncCategory));

static cl::opt<bool> hoistTraces(
    "hoist-traces",
    cl::desc("Hold a synapse model's traces once per neuron where that is "
             "exact (snn-hoist-traces; default on; --hoist-traces=false "
             "keeps every event-driven variable per synapse: the same "
             "results up to rounding)"),
    cl::init(true), cl::cat(snncCategory));

static cl::opt<bool> preciseMath(
    "precise-math",
    cl::desc("Keep libm's exp (one scalar call per neuron and "
             "step) instead of the vectorizing polynomial (within 1 ulp; "
             "docs/design.md, \"Vector math\")"),
    cl::init(false), cl::cat(snncCategory));

static cl::opt<int> vectorBits(
    "vector-bits",
    cl::desc("Width in bits of the vectors of neurons on the CPU (default "
             "512: 8 f64 or 16 f32 neurons per vector; 0: scalar loops)"),
    cl::init(512), cl::cat(snncCategory));

static cl::opt<bool> reportFatalError(
    "debug-report-fatal-error", cl::Hidden,
    cl::desc("Raise an LLVM fatal error before compiling (tests the "
             "handler that turns fatal errors into a clean exit)"),
    cl::init(false));

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

/// Holds SIGINT and SIGTERM back on this thread while it lives: a file
/// created, then registered for removal on an interrupt, cannot be left
/// behind by an interrupt that comes in between (it is delivered once the
/// file is registered).
struct InterruptsHeld {
  sigset_t old;
  InterruptsHeld() {
    sigset_t held;
    sigemptyset(&held);
    sigaddset(&held, SIGINT);
    sigaddset(&held, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &held, &old);
  }
  ~InterruptsHeld() { ::pthread_sigmask(SIG_SETMASK, &old, nullptr); }
};

/// Removes a file when it goes out of scope, unless kept; an interrupt
/// (SIGINT, SIGTERM) removes it too.
struct TempFile {
  std::string path;
  bool keep = false;
  explicit TempFile(std::string p) : path(std::move(p)) {
    if (!path.empty())
      llvm::sys::RemoveFileOnSignal(path);
  }
  ~TempFile() {
    if (path.empty())
      return;
    if (!keep)
      llvm::sys::fs::remove(path);
    llvm::sys::DontRemoveFileOnSignal(path);
  }
};

/// The files a model reads: the model file and every data file it names.
std::vector<driver::InputFile> modelInputs(const snn::ast::Model &model) {
  std::vector<driver::InputFile> inputs = {
      {model.file, "the model file", ""}};
  for (const std::string &lib : model.imports)
    inputs.push_back({lib, "a file the model imports", ""});
  auto dataFile = [&](const std::string &path, const snn::ast::Loc &loc) {
    if (!path.empty())
      inputs.push_back({path, "a data file of the model,", loc.path});
  };
  auto spec = [&](const snn::ast::ValueSpec &v) {
    if (v.kind == snn::ast::ValueSpec::Kind::File)
      dataFile(v.file, v.loc);
  };
  for (const snn::ast::Population &p : model.populations)
    for (const auto &[name, v] : p.initial)
      spec(v);
  for (const snn::ast::Source &s : model.sources) {
    spec(s.rate);
    dataFile(s.file, s.fileLoc);
  }
  for (const snn::ast::CurrentInput &c : model.currents)
    spec(c.amplitude);
  for (const snn::ast::Projection &p : model.projections) {
    dataFile(p.connectivity.file, p.connectivity.fileLoc);
    spec(p.weight);
    spec(p.delay);
  }
  return inputs;
}

class Driver {
public:
  Driver(const char *argv0, MLIRContext &context, llvm::SourceMgr &sourceMgr)
      : argv0(argv0), context(context), sourceMgr(sourceMgr) {}

  /// Compiles the input; writes the requested stage to `output` (a path, or
  /// "-" for stdout). Returns the process exit code.
  int compile(Stage stage, const std::string &output);

private:
  OwningOpRef<ModuleOp> loadModule(Stage stage, bool &done, int &code);
  /// Decides where the output goes, refusing one that would destroy an
  /// input or a non-file; before any compiling.
  bool openOutput(Stage stage, const std::vector<driver::InputFile> &inputs);
  int writeText(llvm::function_ref<void(llvm::raw_ostream &)> write);
  int link(const std::string &object);

  const char *argv0;
  MLIRContext &context;
  llvm::SourceMgr &sourceMgr;
  std::string outputPath;
  driver::OutputFile output;
};

bool Driver::openOutput(Stage stage,
                        const std::vector<driver::InputFile> &inputs) {
  std::string error;
  if (!output.open(outputPath, stage == Stage::Executable, inputs, error)) {
    fail(error);
    return false;
  }
  return true;
}

int Driver::writeText(llvm::function_ref<void(llvm::raw_ostream &)> write) {
  // Rendered in memory first: a failure while printing leaves no partial
  // file, and the write itself is checked (a full disk is an error, not a
  // truncated dump).
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    write(os);
  }
  std::string error;
  if (!output.write(text, error))
    return fail(error);
  return 0;
}

OwningOpRef<ModuleOp> Driver::loadModule(Stage stage, bool &done, int &code) {
  done = false;
  if (isMLIRInput(inputFile)) {
    if (!openOutput(stage, {{inputFile, "the input file", ""}})) {
      done = true;
      code = 1;
      return nullptr;
    }
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
    snn::driver::printDiagnosticsWithSource(diags, std::cerr);
    done = true;
    code = 1;
    return nullptr;
  }
  if (!openOutput(stage, modelInputs(*model))) {
    done = true;
    code = 1;
    return nullptr;
  }
  if (stage == Stage::AST) {
    done = true;
    code = writeText([&](llvm::raw_ostream &os) {
      std::ostringstream text;
      snn::frontend::dumpModel(*model, text);
      os << text.str();
    });
    return nullptr;
  }
  OwningOpRef<ModuleOp> module = snn::mlirGen(context, *model);
  if (!module) {
    done = true;
    code = 1;
  }
  return module;
}

int Driver::link(const std::string &object) {
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

  // Link to a temporary name next to the output, then rename: a failed or
  // interrupted link leaves nothing at the output path, and the previous
  // simulator there stays as it was.
  std::string error, temp;
  std::optional<TempFile> tempGuard;
  {
    InterruptsHeld held;
    if (!output.createTemporary(temp, error))
      return fail(error);
    tempGuard.emplace(temp);
  }
  std::vector<llvm::StringRef> args = {*cxx, object};
  for (const std::string &lib : libs)
    args.push_back(lib);
  if (target == Target::CUDA)
    args.push_back("-ldl"); // the driver is loaded with dlopen
  // The fake CUDA driver finds the host copies of the kernels by name.
  if (target == Target::CUDA && hostKernels)
    args.push_back("-Wl,--export-dynamic-symbol=snn_host_kernels");
  // zlib: the runtime reads gzip-compressed data files.
  for (llvm::StringRef a : {"-lz", "-lpthread", "-lm", "-o"})
    args.push_back(a);
  args.push_back(temp);
  int rc = llvm::sys::ExecuteAndWait(*cxx, args, std::nullopt, {}, 0, 0,
                                     &error);
  if (rc != 0)
    return fail("linking the simulator failed" +
                (error.empty() ? llvm::Twine("") : llvm::Twine(": ") + error));
  if (!output.commit(temp, error))
    return fail(error);
  tempGuard->keep = true;
  return 0;
}

int Driver::compile(Stage stage, const std::string &outputName) {
  outputPath = outputName;
  if (hostKernels && target != Target::CUDA)
    return fail("--host-kernels needs --target=cuda");
  if (stage == Stage::PTX && target != Target::CUDA)
    return fail("--emit=ptx needs --target=cuda");
  if (stage == Stage::Object && outputPath == "-")
    return fail("--emit=obj needs an output file (-o)");
  bool done;
  int code = 0;
  OwningOpRef<ModuleOp> module = loadModule(stage, done, code);
  if (done)
    return code;
  if (reportFatalError)
    llvm::report_fatal_error("raised by --debug-report-fatal-error");

  auto printModule = [&](ModuleOp m) {
    return writeText([&](llvm::raw_ostream &os) { m.print(os); });
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
  if (!runStage(snn::compiler::populateSpecializePipeline))
    return 1;
  if (stage == Stage::Specialized)
    return printModule(*module);
  std::vector<std::string> storageChoices(storage.begin(), storage.end());
  if (!runStage([&](OpPassManager &pm) {
        snn::compiler::populateStoragePipeline(pm, target, storageChoices);
      }))
    return 1;
  if (stage == Stage::Storage)
    return printModule(*module);
  if (!runStage([&](OpPassManager &pm) {
        snn::compiler::populateSchedulePipeline(pm, target, mergeGroups,
                                                hoistTraces);
      }))
    return 1;
  if (stage == Stage::Scheduled)
    return printModule(*module);
  if (!runStage([&](OpPassManager &pm) {
        snn::compiler::populatePlanPipeline(pm, target);
      }))
    return 1;
  if (stage == Stage::Planned)
    return printModule(*module);
  snn::compiler::CoreOptions core;
  core.vectorBits = vectorBits;
  core.preciseMath = preciseMath;
  if (!runStage([&](OpPassManager &pm) {
        snn::compiler::populateCorePipeline(pm, target, core);
      }))
    return 1;
  if (stage == Stage::Core)
    return printModule(*module);
  std::string error;
  if (target == Target::CUDA) {
    // Kernels: NVVM -> PTX in-process, then a cubin when ptxas is here, as
    // globals of the host module (snn-gpu-embed-image), without the host
    // emulation (snn-gpu-drop-emulation).
    snn::compiler::GPUOptions gpu;
    gpu.chip = gpuArch;
    gpu.cudaPath = cudaPath.empty() ? snn::compiler::findCUDAPath()
                                    : std::string(cudaPath);
    gpu.optLevel = optLevel;
    // --emit=ptx is the PTX alone: no ptxas.
    gpu.assemble = stage != Stage::PTX;
    // Host copies first: the NVVM pipeline consumes the gpu.module.
    if (hostKernels && !runStage(snn::compiler::populateHostKernelsPipeline))
      return 1;
    if (!runStage([&](OpPassManager &pm) {
          snn::compiler::populateNVVMPipeline(pm, gpu);
        }))
      return 1;
    if (stage == Stage::PTX) {
      std::string ptx;
      if (!snn::compiler::embeddedPTX(*module, ptx))
        return fail("no PTX for the kernels (no snn_gpu_ptx global)");
      return writeText([&](llvm::raw_ostream &os) { os << ptx; });
    }
  } else if (target == Target::CUDAEmulate) {
    if (!runStage(snn::compiler::populateEmulatePipeline))
      return 1;
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
    return writeText(
        [&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  // Native code, in memory: written as a whole, or linked from a temporary.
  llvm::SmallVector<char, 0> native;
  {
    llvm::raw_svector_ostream os(native);
    if (!snn::compiler::emitNativeCode(*llvmModule, *tm, stage == Stage::Asm,
                                       os, error))
      return fail(error);
  }
  if (stage == Stage::Asm || stage == Stage::Object) {
    if (!output.write(llvm::StringRef(native.data(), native.size()), error))
      return fail(error);
    return 0;
  }

  // The executable: the object in a temporary file, linked with the runtime.
  llvm::SmallString<256> objectPath;
  int fd;
  std::optional<TempFile> objectGuard;
  {
    InterruptsHeld held;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "snnc-model", "o", fd, objectPath))
      return fail("cannot create a temporary object file: " + ec.message());
    objectGuard.emplace(objectPath.str().str());
  }
  bool written = driver::writeAll(
      fd, llvm::StringRef(native.data(), native.size()), error);
  if (::close(fd) != 0 && written) {
    written = false;
    error = std::strerror(errno);
  }
  if (!written)
    return fail("cannot write the temporary object file " + objectPath +
                ": " + error);
  return link(objectPath.str().str());
}

/// A signal that arrived while `snnc run`'s simulator ran, forwarded to it.
volatile sig_atomic_t forwardedSignal = 0;
volatile pid_t simulatorPid = 0;

void forwardSignal(int sig) {
  forwardedSignal = sig;
  if (simulatorPid > 0)
    ::kill(simulatorPid, sig);
}

/// Runs the simulator `exe` with `args` and waits for it. SIGINT and SIGTERM
/// sent to snnc meanwhile are passed on to the simulator (a terminal's ^C
/// reaches both), which stops at a step boundary and writes what it has;
/// snnc then removes its temporary files and exits as the simulator did.
/// Returns the exit code for snnc: the simulator's, or 128 + the signal
/// that ended it.
int runSimulator(const std::string &exe, const std::vector<std::string> &args) {
  std::vector<char *> argv;
  argv.push_back(const_cast<char *>(exe.c_str()));
  for (const std::string &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);

  struct sigaction forward = {}, oldInt, oldTerm;
  forward.sa_handler = forwardSignal;
  sigemptyset(&forward.sa_mask);
  // Block both while the child starts, so a signal cannot fall between the
  // spawn and the recording of its pid.
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &block, &old);
  ::sigaction(SIGINT, &forward, &oldInt);
  ::sigaction(SIGTERM, &forward, &oldTerm);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child starts with the signal mask snnc had before, and default
  // handlers (handlers are reset by exec; the mask is not).
  posix_spawnattr_setsigmask(&attr, &old);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid;
  int rc = ::posix_spawn(&pid, exe.c_str(), nullptr, &attr, argv.data(),
                         environ);
  posix_spawnattr_destroy(&attr);
  if (rc == 0)
    simulatorPid = pid;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  int code;
  if (rc != 0) {
    code = fail("cannot run the simulator: " + llvm::Twine(std::strerror(rc)));
  } else {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    simulatorPid = 0;
    if (WIFEXITED(status))
      code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
      code = 128 + WTERMSIG(status);
    else
      code = 1;
  }
  ::sigaction(SIGINT, &oldInt, nullptr);
  ::sigaction(SIGTERM, &oldTerm, nullptr);
  return code;
}

/// LLVM and MLIR report errors they cannot recover from here. No input
/// should get this far (options and models are checked before they reach
/// LLVM); if one does, the user gets a message and exit code 1 rather than
/// an abort with a stack dump, and temporary files are removed.
void fatalErrorHandler(void *, const char *reason, bool) {
  std::string message = std::string("snnc: error: internal error: ") + reason +
                        "\nsnnc: note: this is a bug in snnc; please report "
                        "it with the model that caused it\n";
  std::string ignored;
  driver::writeAll(STDERR_FILENO, message, ignored);
  llvm::sys::RunInterruptHandlers();
  ::_exit(1);
}

void badAllocHandler(void *, const char *, bool) {
  static const char message[] = "snnc: error: out of memory\n";
  std::string ignored;
  driver::writeAll(STDERR_FILENO, message, ignored);
  llvm::sys::RunInterruptHandlers();
  ::_exit(1);
}

/// Checks option values that LLVM would otherwise turn into fatal errors.
int checkOptions() {
  if (optLevel < 0 || optLevel > 3)
    return fail("-O" + llvm::Twine(optLevel.getValue()) +
                ": expected an optimization level from 0 to 3");
  for (const std::string &choice : storage) {
    llvm::StringRef name, kind;
    std::tie(name, kind) = llvm::StringRef(choice).split('=');
    if (name.empty() || kind.empty() || choice.find('=') == std::string::npos)
      return fail("--storage=" + choice +
                  ": expected <projection>=<kind>, e.g. ee=procedural");
    if (!snn::compiler::isStorageKind(kind))
      return fail("--storage=" + choice + ": unknown storage kind '" + kind +
                  "' (expected " + snn::compiler::storageKindList() + ")");
  }
  if (vectorBits != 0 && (vectorBits < 64 || vectorBits > 4096 ||
                          (vectorBits & (vectorBits - 1)) != 0))
    return fail("--vector-bits=" + llvm::Twine(vectorBits.getValue()) +
                ": expected a power of two from 64 to 4096, or 0 for scalar "
                "loops");
  std::string error;
  if (!snn::compiler::checkTargetCPU(targetCPU, error))
    return fail(error);
  if (gpuArch.getNumOccurrences() > 0 || target == Target::CUDA)
    if (!snn::compiler::checkGPUArch(gpuArch, error))
      return fail(error);
  if (!cudaPath.empty() && !llvm::sys::fs::is_directory(cudaPath))
    return fail("--cuda-path: '" + cudaPath + "' is not a directory");
  return 0;
}

} // namespace

/// Everything main() does, on a thread with a large stack.
int snncMain(int argc, char **argv) {
  // `snnc plot OUTDIR ...`: a report of a run (Plot.cpp).
  if (argc > 1 && llvm::StringRef(argv[1]) == "plot")
    return snn::driver::plotMain(std::vector<std::string>(argv + 2, argv + argc));
  // `snnc convert MODEL -o OUT`, `snnc fmt FILE.snn` (Format.cpp).
  if (argc > 1 && llvm::StringRef(argv[1]) == "convert")
    return snn::driver::convertMain(
        std::vector<std::string>(argv + 2, argv + argc));
  if (argc > 1 && llvm::StringRef(argv[1]) == "fmt")
    return snn::driver::fmtMain(std::vector<std::string>(argv + 2, argv + argc));
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
      "simulator)\n"
      "  snnc plot OUTDIR [-o FILE]      a report of a run (HTML, or SVG "
      "figures)\n"
      "  snnc convert MODEL -o OUT       JSON <-> text DSL (.snn)\n"
      "  snnc fmt [-i|--check] FILE.snn  the canonical form of a .snn file\n");

  if (int code = checkOptions())
    return code;

  DialectRegistry registry;
  snn::compiler::registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Errors point at the model file; a dump of the failing op (thousands of
  // lines of lowered IR) helps no user. --mlir-print-ir-* still shows IR.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  // Errors from the passes in the model's terms: file:line:col, the JSON
  // pointer, a window of the source line, at most 50 of them.
  snn::compiler::ModelDiagnosticPrinter diagPrinter(context, llvm::errs());
  auto finish = [&](int code) {
    diagPrinter.finish();
    return code;
  };
  Driver driver(argv[0], context, sourceMgr);

  if (!runMode) {
    if (emitStage == Stage::Executable && outputFile == "-")
      return fail("a simulator needs an output path: -o sim (or --emit=STAGE)");
    return finish(driver.compile(emitStage, outputFile));
  }

  // Run mode: a temporary simulator, run with the given arguments.
  llvm::SmallString<256> exe;
  int fd;
  std::optional<TempFile> exeGuard;
  {
    InterruptsHeld held;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("snnc-sim", "", fd, exe))
      return fail("cannot create a temporary file: " + ec.message());
    ::close(fd);
    exeGuard.emplace(exe.str().str());
  }
  if (int code = driver.compile(Stage::Executable, exe.str().str()))
    return finish(code);
  return runSimulator(exe.str().str(), simArgs);
}

/// The stack of the thread snnc works on. Expressions and models are walked
/// recursively (checker, printer, MLIRGen, differentiation): the frontend
/// bounds their depth (docs/model-format.md), and this stack holds that
/// depth with room to spare; it is only reserved, pages are committed as
/// they are touched.
constexpr unsigned kStackBytes = 512u << 20;

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::install_fatal_error_handler(fatalErrorHandler);
  llvm::install_bad_alloc_error_handler(badAllocHandler);
  // Writing past a file size limit (ulimit -f) is an error to report (the
  // write fails with EFBIG), not a signal that kills snnc mid-file.
  ::signal(SIGXFSZ, SIG_IGN);
  int code = 1;
  llvm::thread worker(std::optional<unsigned>(kStackBytes),
                      [&] { code = snncMain(argc, argv); });
  // Interrupts go to the worker, which knows what to clean up (and, in
  // `snnc run`, whom to pass them on to).
  sigset_t interrupts;
  sigemptyset(&interrupts);
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&interrupts, sig);
  ::pthread_sigmask(SIG_BLOCK, &interrupts, nullptr);
  worker.join();
  return code;
}
