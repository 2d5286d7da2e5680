//===- descriptor.h - The network descriptor (docs/runtime-abi.md) -*- C++ -*-//
//
// The descriptor is JSON text exported by generated code (`snn_descriptor`).
// parseDescriptor() turns it into these structs and validates it: every
// reference (buffer ids, population/projection/ring names) is resolved and
// checked, and errors name the JSON path ("populations[1].variables[0].init:
// ...").
//
//===----------------------------------------------------------------------===//

#ifndef SNNRT_DESCRIPTOR_H
#define SNNRT_DESCRIPTOR_H

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snnrt {

/// U16: unsigned, for the columns (post indices) of projections into at
/// most 65536 neurons.
enum class ScalarType { F32, F64, I32, I64, U16 };

/// "f32", "f64", "i32", "i64", "u16".
const char *scalarTypeName(ScalarType t);
/// Size in bytes of one element.
size_t scalarTypeSize(ScalarType t);

/// A buffer's element count: a number, or resolved by the runtime.
/// RecordSpikes and RecordState only occur with a "gpu" section: they depend
/// on the batch size the runtime chooses (docs/gpu-abi.md).
struct BufferCount {
  enum class Kind {
    Fixed,
    Synapses,
    Ring,
    SpikeArray,
    RecordSpikes,
    RecordState,
    /// A synapse model's projection's spikes of its last steps:
    /// (1 + its largest delay in steps) * (threads.max + pre size).
    History
  };
  Kind kind = Kind::Fixed;
  int64_t value = 0; ///< Kind::Fixed
  /// Projection / ring / population name; for RecordState the index into
  /// record.state in decimal.
  std::string ref;
  int refIndex = -1; ///< index of `ref` in its array
};

struct BufferDesc {
  int id = 0;
  std::string name;
  ScalarType type = ScalarType::F64;
  BufferCount count;
  /// A view ("view": {"of", "at"}): elements [viewAt, viewAt + count) of
  /// buffer viewOf (an earlier one, no view, of the same type, with a
  /// fixed count), taking no memory of its own. -1: a buffer of its own.
  int viewOf = -1;
  int64_t viewAt = 0;
};

/// A value specification (constant, uniform, normal, file, from_list).
struct ValueSpec {
  enum class Kind { Constant, Uniform, Normal, File, FromList };
  Kind kind = Kind::Constant;
  double value = 0;         ///< constant
  double low = 0, high = 0; ///< uniform [low, high)
  double mean = 0, std = 0; ///< normal
  /// normal: draws are clamped to [clipLow, clipHigh] (infinite: no bound).
  double clipLow = -HUGE_VAL, clipHigh = HUGE_VAL;
  std::string file;         ///< file (resolved to an absolute-ish path)
  std::string column;       ///< file / from_list
  /// file / from_list: each value read is multiplied by it (the unit the
  /// column is written in, in base units).
  double scale = 1.0;
  /// file: the column holding each row's element (empty: rows in order).
  std::string index;
  bool isConstant() const { return kind == Kind::Constant; }
  /// Uniform or normal: drawn by generated code (never by the runtime).
  bool isDrawn() const { return kind == Kind::Uniform || kind == Kind::Normal; }
};

struct VariableDesc {
  std::string name;
  int buffer = -1;
  bool hasInit = false;
  ValueSpec init;
};

enum class PopulationKind { Neuron, Poisson, SpikeArray };

struct PopulationDesc {
  std::string name;
  PopulationKind kind = PopulationKind::Neuron;
  int64_t size = 0;
  int spikeCount = -1; ///< buffer: i32[1]
  int spikes = -1;     ///< buffer: i32[size]
  // neuron
  std::vector<VariableDesc> variables;
  int refractory = -1; ///< buffer: i32[size] (i64 for periods of 2^31 steps
                       ///< or more), optional
  /// A merged group's member ("group"): the group's size and this
  /// population's first neuron in it. The CPU threads share the group's
  /// neurons (threadStart). Alone: {size, 0}.
  int64_t groupSize = 0, groupOffset = 0;
  // poisson
  ValueSpec rate;
  int rateBuffer = -1;
  // spike_array
  std::string file;
  int times = -1, ids = -1, cursor = -1;
};

struct CurrentDesc {
  std::string name;
  std::string kind; ///< "constant", "noise" or "timed_array"
  std::string population;
  int populationIndex = -1;
  std::string variable;
  ValueSpec amplitude;
  int amplitudeBuffer = -1;
  double std = 0, start = 0, stop = -1;
  /// timed_array: the table in `amplitude` (a file), `rows` x `columns`
  /// (1, or one per neuron), held row-major in the amplitude buffer; a row
  /// every `every` steps (the generated code indexes it).
  int64_t rows = 0, columns = 0, every = 0;
  bool isTable() const { return rows > 0; }
};

struct ConnectivityDesc {
  enum class Kind {
    AllToAll,
    OneToOne,
    FixedProbability,
    FixedIndegree,
    FixedTotalNumber,
    List
  };
  Kind kind = Kind::AllToAll;
  double p = 0;
  int64_t indegree = 0;
  int64_t total = 0; ///< fixed_total_number: the number of synapses
  bool allowSelf = true;
  std::string file;
};

struct ProjectionDesc {
  std::string name, pre, post, target;
  int preIndex = -1, postIndex = -1;
  ConnectivityDesc connectivity;
  ValueSpec weight, delay;
  int rowPtr = -1, col = -1, weightBuffer = -1, delayBuffer = -1;
  /// The storage kind the compiler chose ("csr", "procedural", "dense",
  /// ...): a label. What the runtime does follows from the buffers
  /// (docs/runtime-abi.md, "projections"): with `col`, rows of post indices
  /// from `rowPtr` (csr); without, the build entry's columns kernel gives
  /// the synapses as post indices (--save-connectivity).
  std::string storage = "csr";
  /// The storage's other buffers (fixed counts, written by the fill kernel):
  /// dense's rows of bits.
  std::vector<int> stored;
  /// Whether the synapses are stored at all (else drawn at each spike).
  bool storesRows() const { return col >= 0 || !stored.empty(); }
  std::string ring;
  int ringIndex = -1;
  /// A synapse model's projection (docs/runtime-abi.md, "projections"):
  /// the model, its variables other than the weight (`weightBuffer`), each
  /// with its per-synapse buffer and initial value, the steps of the
  /// synapses' last events, and the per-post index the runtime builds from
  /// the rows at start-up (`colPtr`: npost + 1 offsets into `colSyn`, the
  /// synapses into each post neuron in row order).
  struct SynapseVariable {
    std::string name;
    int buffer = -1;
    ValueSpec init;
  };
  std::string synapseModel;
  std::vector<SynapseVariable> synapseVariables;
  int lastUpdate = -1, colPtr = -1, colSyn = -1;
  /// With per-neuron pre traces read by on_post: the presynaptic neuron of
  /// each entry of colSyn.
  int colPre = -1;
  /// With per-synapse delays (CPU): each row's positions ordered by delay,
  /// stably (so by position within a delay), built at start-up.
  int delaySyn = -1;
  /// With a delay that is not 0 steps: the presynaptic spikes of the last
  /// 1 + max delay steps ({"history": name} count: that many slots of
  /// historyCells() + pre size elements).
  int history = -1;
  bool plastic() const { return !synapseModel.empty(); }
};

struct RingDesc {
  std::string name, population, variable;
  int populationIndex = -1;
  int buffer = -1;
  std::vector<std::string> projections;
  std::vector<int> projectionIndices;
};

struct StateRecordDesc {
  std::string population, variable;
  int populationIndex = -1;
  int buffer = -1;
  std::vector<int64_t> neurons; ///< all neurons when omitted or empty
  int64_t every = 1;
  /// A synapse recording ("projection" instead of "population"): a synapse
  /// model's variable of the synapses (pre[j], post[j]) of projection
  /// `projection` (`population` is its name too). `buffer` is the sample
  /// the generated code writes (its elements are the synapses: `neurons`
  /// is 0 .. n - 1), `synapses` (i64) their positions in the rows, which
  /// the runtime finds, `source` the variable's per-synapse buffer, which
  /// gives the first sample.
  int projectionIndex = -1;
  int synapses = -1, source = -1;
  std::vector<int64_t> pre, post;
  bool ofSynapses() const { return projectionIndex >= 0; }
};

struct RecordDesc {
  std::string format = "npy"; ///< "npy" or "csv"
  std::vector<std::string> spikes;
  std::vector<int> spikePopulations;
  std::vector<StateRecordDesc> state;
  /// Projections whose synapses and final weights are written after the
  /// run ("weights"), by index.
  std::vector<int> weights;
  /// Synapse model variables written after the run ("synapses"): the
  /// projection and each variable's per-synapse buffer.
  struct SynapseState {
    std::string projection;
    int projectionIndex = -1;
    std::vector<std::pair<std::string, int>> variables; ///< (name, buffer)
  };
  std::vector<SynapseState> synapses;
};

/// One phase of a GPU step: a grid-stride kernel.
struct GpuPhaseDesc {
  std::string name;   ///< "record", "update", "propagate", "deliver", ...
  std::string kernel; ///< kernel symbol in the PTX/cubin
  int64_t work = 0;   ///< threads that keep every thread of the phase busy
};

/// `<pop>.total`, the device-side spike total of a population.
struct GpuTotalDesc {
  std::string population;
  int populationIndex = -1;
  int buffer = -1; ///< i64[1]
};

/// Device-side spike recording of a population.
struct GpuSpikeRecordDesc {
  std::string population;
  int populationIndex = -1;
  int count = -1; ///< i32[1]
  int ids = -1;   ///< i32[{"record_spikes": population}]
  int steps = -1; ///< i32[{"record_spikes": population}]
};

/// Device-side state recording of record.state[record].
struct GpuStateRecordDesc {
  int record = -1;
  int neurons = -1; ///< i32[n], written by the runtime
  int samples = -1; ///< i64[1]
  int values = -1;  ///< {"record_state": record} elements
};

/// A connectivity build kernel (docs/gpu-abi.md, "Connectivity on the
/// device"): snn_build_<what>_<e>(arena[5], scratch[5], int64 seed,
/// int64 n).
struct GpuKernelRef {
  std::string kernel; ///< kernel symbol in the PTX/cubin
  int emulate = -1;   ///< its number for _mlir_ciface_snn_emulate_build
  int64_t work = 0;   ///< threads that keep every thread busy; 0: use n
};

/// A projection whose synapses are built by generated build kernels
/// (gpu.build[k] on the device; build[k] on the host for the CPU target).
struct GpuBuildDesc {
  std::string projection;
  int projectionIndex = -1;
  /// Absent (empty names) for list connectivity, whose synapses the host
  /// reads from the file: then only the weights and delays are computed.
  GpuKernelRef rows; ///< scratch i64[npre]: row lengths
  /// arena: the stored rows (col, or the `stored` buffers); absent when
  /// nothing is stored (procedural)
  GpuKernelRef fill;
  std::optional<GpuKernelRef> sort;   ///< arena: each row's col ascending
  /// scratch i64[4]: max steps, first bad, negative (or not finite) and
  /// too-long counts
  std::optional<GpuKernelRef> delays;
  /// scratch f64[1]: the delay (ms) of synapse n; with `delays`
  std::optional<GpuKernelRef> delayAt;
  /// Projections without columns (procedural, dense): with the arena and a
  /// scratch i64[npre + 1 + n], the row pointers then the n columns it
  /// writes (--save-connectivity)
  std::optional<GpuKernelRef> columns;
  std::optional<GpuKernelRef> values; ///< arena: weights and delays
  /// When > 0 (fixed_indegree): the rows kernel's scratch has this many i64
  /// words (the row counts first, zeros after); it stays on the device and
  /// is the fill kernel's scratch. 0: rows gets i64[npre], fill none.
  int64_t scratchWords = 0;
  /// The buffers the device writes (col or the stored buffers, and the
  /// weight and delay buffers it computes): the runtime neither fills nor
  /// uploads them.
  std::vector<int> writes;
  /// Whether the kernels draw the synapses (a rows kernel), not only values.
  bool drawsSynapses() const { return !rows.kernel.empty(); }
};

/// A buffer whose values a generated init kernel draws (the descriptor's
/// "init" for the CPU, "gpu.init" for CUDA): a neuron variable with a
/// uniform or normal initial value, a Poisson source's rate buffer with a
/// uniform or normal rate, or a current's amplitude buffer with a uniform
/// or normal amplitude. The runtime draws none of these itself.
struct InitDesc {
  int buffer = -1;
  GpuKernelRef values; ///< writes the buffer's values on the arena
  /// What it initialises, by index: the population (and for an initial
  /// value its variable; else -1), or the current (population -1).
  int population = -1, variable = -1, current = -1;
};

/// The "gpu" section (docs/gpu-abi.md).
struct GpuDesc {
  std::vector<GpuPhaseDesc> phases; ///< in execution order, never empty
  std::string persistentKernel;     ///< empty when absent
  int step = -1;                    ///< buffer: i64[2], the step cell
  int64_t batchSteps = 0;           ///< suggested batch size, 0 if absent
  /// One per population, in the order of `populations`.
  std::vector<GpuTotalDesc> totals;
  /// One per distinct population of record.spikes (in JSON order).
  std::vector<GpuSpikeRecordDesc> recordSpikes;
  /// recordState[k] belongs to record.state[k].
  std::vector<GpuStateRecordDesc> recordState;
};

struct Descriptor {
  std::string model, sourceFile;
  double dt = 0;
  int64_t steps = 0;
  uint64_t seed = 0;
  ScalarType precision = ScalarType::F64;
  std::vector<BufferDesc> buffers;
  std::vector<PopulationDesc> populations;
  std::vector<CurrentDesc> currents;
  std::vector<ProjectionDesc> projections;
  std::vector<RingDesc> rings;
  RecordDesc record;
  /// True when the descriptor has a "gpu" section (compiled for the CUDA
  /// target): `<pop>.spike_count` then has two elements, and `gpu` is set.
  bool hasGpu = false;
  GpuDesc gpu;
  /// Projections built by generated build kernels, at most one entry each:
  /// gpu.build (on the device) for the CUDA target, build (on the host, by
  /// the simulator's threads) for the CPU.
  std::vector<GpuBuildDesc> build;
  /// One per buffer of uniform or normal values, drawn by a generated init
  /// kernel: gpu.init for the CUDA target, init for the CPU. Every such
  /// buffer has one (the parser checks).
  std::vector<InitDesc> init;
  /// The "threads" section of CPU descriptors for the two-phase step
  /// (docs/runtime-abi.md, "Threads"); 0 without it (one step function, one
  /// spike list per population).
  int64_t maxThreads = 0;
  int64_t threadAlign = 0;
  /// "initial_copies": buffers copied once the initial values are in place,
  /// before the first step (the copies populations' links read: the step's
  /// end writes the later ones). (from, to): the same type, `from`'s
  /// elements into the first of `to`'s.
  std::vector<std::pair<int, int>> initialCopies;
  /// The spike counts at the start of each slot of a synapse model's
  /// history: one per thread on the CPU (threads.max), one on the GPU.
  int64_t historyCells() const { return hasGpu ? 1 : maxThreads; }

  /// With a "threads" section: the first neuron of thread `thread`'s share
  /// of an entity of `size` neurons, when `nthreads` threads run.
  int64_t threadStart(int64_t size, int64_t thread, int64_t nthreads) const;
  /// Where thread `thread`'s share of population `p` starts: its share of
  /// the population's group that falls in the population, from its first
  /// neuron (threadStart of the population alone when it is in no group).
  int64_t threadStart(const PopulationDesc &p, int64_t thread,
                      int64_t nthreads) const;

  int findPopulation(const std::string &name) const;
  int findProjection(const std::string &name) const;
  int findRing(const std::string &name) const;
  /// The entry of `build` for projection `projection`, or null.
  const GpuBuildDesc *findBuild(int projection) const;
  /// The specification whose values init entry `i` draws.
  const ValueSpec &initSpec(const InitDesc &i) const;
  /// The entry of `init` for buffer `buffer`, or null.
  const InitDesc *findInit(int buffer) const;
};

/// Parses and validates descriptor JSON. Relative data-file paths are
/// resolved against the directory of "source_file" (when given). On failure
/// returns false and sets `error` ("descriptor: <json path>: <problem>").
bool parseDescriptor(const std::string &json, Descriptor &out,
                     std::string &error);

} // namespace snnrt

#endif // SNNRT_DESCRIPTOR_H
