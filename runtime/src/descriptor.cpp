//===- descriptor.cpp - Parsing and validating the descriptor -------------===//

#include "snnrt/descriptor.h"

#include <algorithm>

#include <climits>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace snnrt {

using json = nlohmann::json;

const char *scalarTypeName(ScalarType t) {
  switch (t) {
  case ScalarType::F32:
    return "f32";
  case ScalarType::F64:
    return "f64";
  case ScalarType::I32:
    return "i32";
  case ScalarType::I64:
    return "i64";
  case ScalarType::U16:
    return "u16";
  }
  return "?";
}

size_t scalarTypeSize(ScalarType t) {
  switch (t) {
  case ScalarType::U16:
    return 2;
  case ScalarType::F32:
  case ScalarType::I32:
    return 4;
  case ScalarType::F64:
  case ScalarType::I64:
    return 8;
  }
  return 8;
}

int64_t Descriptor::threadStart(int64_t size, int64_t thread,
                                int64_t nthreads) const {
  // As the generated code computes it (docs/runtime-abi.md, "Threads").
  int64_t perThread = (size + nthreads - 1) / nthreads;
  int64_t chunk = (perThread + threadAlign - 1) / threadAlign * threadAlign;
  return std::min(thread * chunk, size);
}

int64_t Descriptor::threadStart(const PopulationDesc &p, int64_t thread,
                                int64_t nthreads) const {
  int64_t g = threadStart(p.groupSize, thread, nthreads);
  return std::min(std::max(g, p.groupOffset), p.groupOffset + p.size) -
         p.groupOffset;
}

int Descriptor::findPopulation(const std::string &name) const {
  for (size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == name)
      return int(i);
  return -1;
}

int Descriptor::findProjection(const std::string &name) const {
  for (size_t i = 0; i < projections.size(); ++i)
    if (projections[i].name == name)
      return int(i);
  return -1;
}

const GpuBuildDesc *Descriptor::findBuild(int projection) const {
  for (const GpuBuildDesc &b : build)
    if (b.projectionIndex == projection)
      return &b;
  return nullptr;
}

const ValueSpec &Descriptor::initSpec(const InitDesc &i) const {
  if (i.population < 0)
    return currents[size_t(i.current)].amplitude;
  const PopulationDesc &p = populations[size_t(i.population)];
  return i.variable >= 0 ? p.variables[size_t(i.variable)].init : p.rate;
}

const InitDesc *Descriptor::findInit(int buffer) const {
  for (const InitDesc &i : init)
    if (i.buffer == buffer)
      return &i;
  return nullptr;
}

int Descriptor::findRing(const std::string &name) const {
  for (size_t i = 0; i < rings.size(); ++i)
    if (rings[i].name == name)
      return int(i);
  return -1;
}

namespace {

struct DescError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string &path, const std::string &msg) {
  throw DescError(path.empty() ? msg : path + ": " + msg);
}

std::string sub(const std::string &path, const std::string &key) {
  return path.empty() ? key : path + "." + key;
}

std::string idx(const std::string &path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

/// {"synapses": "p"}, {"record_state": 0}, ... for messages.
std::string countText(BufferCount::Kind kind, const std::string &ref) {
  const char *key = "?";
  switch (kind) {
  case BufferCount::Kind::Fixed:
    return ref;
  case BufferCount::Kind::Synapses:
    key = "synapses";
    break;
  case BufferCount::Kind::Ring:
    key = "ring";
    break;
  case BufferCount::Kind::SpikeArray:
    key = "spike_array";
    break;
  case BufferCount::Kind::RecordSpikes:
    key = "record_spikes";
    break;
  case BufferCount::Kind::RecordState:
    return "{\"record_state\": " + ref + "}";
  case BufferCount::Kind::History:
    key = "history";
    break;
  }
  return "{\"" + std::string(key) + "\": \"" + ref + "\"}";
}

class Parser {
public:
  explicit Parser(Descriptor &d) : d(d) {}

  void parse(const json &root);

private:
  Descriptor &d;
  std::string baseDir;

  const json &req(const json &obj, const std::string &path,
                  const std::string &key) {
    auto it = obj.find(key);
    if (it == obj.end())
      fail(path, "missing \"" + key + "\"");
    return *it;
  }
  const json *opt(const json &obj, const std::string &key) {
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  void object(const json &j, const std::string &path) {
    if (!j.is_object())
      fail(path, "expected an object");
  }
  void array(const json &j, const std::string &path) {
    if (!j.is_array())
      fail(path, "expected an array");
  }
  std::string str(const json &j, const std::string &path) {
    if (!j.is_string())
      fail(path, "expected a string");
    return j.get<std::string>();
  }
  double num(const json &j, const std::string &path) {
    if (!j.is_number())
      fail(path, "expected a number");
    double v = j.get<double>();
    if (!std::isfinite(v))
      fail(path, "expected a finite number");
    return v;
  }
  int64_t integer(const json &j, const std::string &path) {
    if (j.is_number_unsigned()) {
      uint64_t v = j.get<uint64_t>();
      if (v > uint64_t(INT64_MAX))
        fail(path, "integer too large");
      return int64_t(v);
    }
    if (j.is_number_integer())
      return j.get<int64_t>();
    if (j.is_number_float()) {
      double v = j.get<double>();
      if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15)
        return int64_t(v);
    }
    fail(path, "expected an integer");
  }
  bool boolean(const json &j, const std::string &path) {
    if (!j.is_boolean())
      fail(path, "expected true or false");
    return j.get<bool>();
  }
  std::string reqStr(const json &o, const std::string &p,
                     const std::string &k) {
    return str(req(o, p, k), sub(p, k));
  }
  double reqNum(const json &o, const std::string &p, const std::string &k) {
    return num(req(o, p, k), sub(p, k));
  }
  int64_t reqInt(const json &o, const std::string &p, const std::string &k) {
    return integer(req(o, p, k), sub(p, k));
  }
  int bufferRef(const json &o, const std::string &p, const std::string &k,
                bool required) {
    const json *j = required ? &req(o, p, k) : opt(o, k);
    if (!j)
      return -1;
    int64_t id = integer(*j, sub(p, k));
    if (id < 0 || id >= int64_t(d.buffers.size()))
      fail(sub(p, k), "no buffer " + std::to_string(id) + " (there are " +
                          std::to_string(d.buffers.size()) + ")");
    return int(id);
  }

  std::string resolvePath(const std::string &file) {
    namespace fs = std::filesystem;
    if (file.empty() || fs::path(file).is_absolute() || baseDir.empty())
      return file;
    return (fs::path(baseDir) / file).string();
  }

  ValueSpec valueSpec(const json &j, const std::string &path);
  void buffers(const json &j, const std::string &path);
  void populations(const json &j, const std::string &path);
  void currents(const json &j, const std::string &path);
  void projections(const json &j, const std::string &path);
  void rings(const json &j, const std::string &path);
  void record(const json &j, const std::string &path);
  /// A record.state entry with "projection": a synapse recording.
  void synapseRecord(const json &o, const std::string &p, StateRecordDesc &sr);
  void gpu(const json &j, const std::string &path);
  void gpuBuild(const json &j, const std::string &path);
  void init(const json &j, const std::string &path);
  /// Every uniform or normal initial value, rate and amplitude has an init
  /// entry (the runtime draws none).
  void checkInitComplete(const std::string &initPath);
  GpuKernelRef kernelRef(const json &j, const std::string &path);
  void resolveCounts();

  /// Kernel name of each emulate number seen in gpu.build (or build), and
  /// where.
  std::map<int, std::pair<std::string, std::string>> emulateNumbers;

  /// Checks that buffer `id` (referenced from `path`) has one of `types`
  /// and, when `count >= 0`, that fixed count.
  void checkBuffer(const std::string &path, int id,
                   std::initializer_list<ScalarType> types, int64_t count) {
    const BufferDesc &b = d.buffers[id];
    bool typeOk = false;
    std::string expected;
    for (ScalarType t : types) {
      typeOk |= t == b.type;
      expected +=
          (expected.empty() ? "" : " or ") + std::string(scalarTypeName(t));
    }
    if (!typeOk)
      fail(path, "buffer " + std::to_string(id) + " (" + b.name +
                     ") has type " + scalarTypeName(b.type) + ", expected " +
                     expected);
    if (count >= 0 &&
        (b.count.kind != BufferCount::Kind::Fixed || b.count.value != count))
      fail(path, "buffer " + std::to_string(id) + " (" + b.name +
                     ") has count " +
                     (b.count.kind == BufferCount::Kind::Fixed
                          ? std::to_string(b.count.value)
                          : "\"" + b.count.ref + "\"") +
                     ", expected " + std::to_string(count));
  }
  void checkDerived(const std::string &path, int id, BufferCount::Kind kind,
                    const std::string &ref) {
    const BufferDesc &b = d.buffers[id];
    if (b.count.kind == BufferCount::Kind::Fixed)
      return; // checked against the real count once it is known
    if (b.count.kind != kind)
      fail(path, "buffer " + std::to_string(id) + " (" + b.name +
                     ") has a count derived from " +
                     countText(b.count.kind, b.count.ref) + ", expected " +
                     countText(kind, ref));
    if (b.count.ref != ref)
      fail(path, "buffer " + std::to_string(id) + " (" + b.name +
                     ") has a count derived from \"" + b.count.ref +
                     "\", expected one derived from \"" + ref + "\"");
  }
};

ValueSpec Parser::valueSpec(const json &j, const std::string &path) {
  ValueSpec v;
  if (j.is_number()) { // shorthand for a constant
    v.value = num(j, path);
    return v;
  }
  object(j, path);
  std::string kind = reqStr(j, path, "kind");
  if (kind == "constant") {
    v.kind = ValueSpec::Kind::Constant;
    v.value = reqNum(j, path, "value");
  } else if (kind == "uniform") {
    v.kind = ValueSpec::Kind::Uniform;
    v.low = reqNum(j, path, "low");
    v.high = reqNum(j, path, "high");
    if (v.high < v.low)
      fail(path, "uniform: high (" + std::to_string(v.high) +
                     ") is below low (" + std::to_string(v.low) + ")");
  } else if (kind == "normal") {
    v.kind = ValueSpec::Kind::Normal;
    v.mean = reqNum(j, path, "mean");
    v.std = reqNum(j, path, "std");
    if (v.std < 0)
      fail(sub(path, "std"), "must not be negative");
    if (const json *lo = opt(j, "clip_low"))
      v.clipLow = num(*lo, sub(path, "clip_low"));
    if (const json *hi = opt(j, "clip_high"))
      v.clipHigh = num(*hi, sub(path, "clip_high"));
    if (!(v.clipLow <= v.clipHigh))
      fail(path, "normal: clip_high is below clip_low");
  } else if (kind == "file") {
    v.kind = ValueSpec::Kind::File;
    v.file = resolvePath(reqStr(j, path, "file"));
    if (v.file.empty())
      fail(sub(path, "file"), "empty file name");
    if (const json *c = opt(j, "column"))
      v.column = str(*c, sub(path, "column"));
    if (const json *ix = opt(j, "index"))
      v.index = str(*ix, sub(path, "index"));
  } else if (kind == "from_list") {
    v.kind = ValueSpec::Kind::FromList;
    v.column = reqStr(j, path, "column");
  } else {
    fail(sub(path, "kind"), "unknown value kind \"" + kind +
                                "\" (expected constant, uniform, normal, "
                                "file or from_list)");
  }
  if (const json *s = opt(j, "scale")) {
    if (v.kind != ValueSpec::Kind::File &&
        v.kind != ValueSpec::Kind::FromList)
      fail(sub(path, "scale"), "only for file and from_list values");
    v.scale = num(*s, sub(path, "scale"));
    if (!(v.scale != 0) || !std::isfinite(v.scale))
      fail(sub(path, "scale"), "must be finite and not 0");
  }
  return v;
}

void Parser::buffers(const json &j, const std::string &path) {
  array(j, path);
  for (size_t i = 0; i < j.size(); ++i) {
    std::string p = idx(path, i);
    const json &b = j[i];
    object(b, p);
    BufferDesc bd;
    bd.id = int(i);
    if (const json *id = opt(b, "id")) {
      int64_t v = integer(*id, sub(p, "id"));
      if (v != int64_t(i))
        fail(sub(p, "id"), "buffer ids must equal their position (expected " +
                               std::to_string(i) + ", found " +
                               std::to_string(v) + ")");
    }
    if (const json *n = opt(b, "name"))
      bd.name = str(*n, sub(p, "name"));
    std::string t = reqStr(b, p, "type");
    if (t == "f32")
      bd.type = ScalarType::F32;
    else if (t == "f64")
      bd.type = ScalarType::F64;
    else if (t == "i32")
      bd.type = ScalarType::I32;
    else if (t == "i64")
      bd.type = ScalarType::I64;
    else if (t == "u16")
      bd.type = ScalarType::U16;
    else
      fail(sub(p, "type"), "unknown type \"" + t +
                               "\" (expected f32, f64, "
                               "i32, i64 or u16)");
    const json &c = req(b, p, "count");
    std::string cp = sub(p, "count");
    if (c.is_number()) {
      bd.count.value = integer(c, cp);
      if (bd.count.value < 0)
        fail(cp, "negative count");
    } else if (c.is_object()) {
      if (c.size() != 1)
        fail(cp, "expected one of {\"synapses\": ...}, {\"ring\": ...}, "
                 "{\"spike_array\": ...}, {\"record_spikes\": ...}, "
                 "{\"record_state\": ...}");
      auto it = c.begin();
      if (it.key() == "synapses")
        bd.count.kind = BufferCount::Kind::Synapses;
      else if (it.key() == "ring")
        bd.count.kind = BufferCount::Kind::Ring;
      else if (it.key() == "spike_array")
        bd.count.kind = BufferCount::Kind::SpikeArray;
      else if (it.key() == "record_spikes")
        bd.count.kind = BufferCount::Kind::RecordSpikes;
      else if (it.key() == "record_state")
        bd.count.kind = BufferCount::Kind::RecordState;
      else if (it.key() == "history")
        bd.count.kind = BufferCount::Kind::History;
      else
        fail(cp, "unknown count kind \"" + it.key() +
                     "\" (expected synapses, ring, spike_array, "
                     "record_spikes, record_state or history)");
      if (bd.count.kind == BufferCount::Kind::RecordState) {
        int64_t k = integer(it.value(), sub(cp, it.key()));
        if (k < 0 || k > INT32_MAX)
          fail(sub(cp, it.key()), "invalid record index " + std::to_string(k));
        bd.count.ref = std::to_string(k);
      } else {
        bd.count.ref = str(it.value(), sub(cp, it.key()));
      }
      if ((bd.count.kind == BufferCount::Kind::RecordSpikes ||
           bd.count.kind == BufferCount::Kind::RecordState) &&
          !d.hasGpu)
        fail(cp, "{\"" + it.key() +
                     "\": ...} is only valid with a \"gpu\" section");
    } else {
      fail(cp, "expected an integer or an object");
    }
    if (const json *v = opt(b, "view")) {
      std::string vp = sub(p, "view");
      object(*v, vp);
      int64_t of = reqInt(*v, vp, "of");
      bd.viewAt = reqInt(*v, vp, "at");
      if (of < 0 || of >= int64_t(i))
        fail(sub(vp, "of"), "a view must be of an earlier buffer (0 to " +
                                std::to_string(int64_t(i) - 1) + ")");
      const BufferDesc &in = d.buffers[size_t(of)];
      if (in.viewOf >= 0)
        fail(sub(vp, "of"), "buffer " + std::to_string(of) + " (" + in.name +
                                ") is itself a view");
      if (in.type != bd.type)
        fail(sub(vp, "of"), "buffer " + std::to_string(of) + " (" + in.name +
                                ") has type " + scalarTypeName(in.type) +
                                ", the view " + scalarTypeName(bd.type));
      if (bd.count.kind != BufferCount::Kind::Fixed ||
          in.count.kind != BufferCount::Kind::Fixed)
        fail(vp, "a view and its buffer need fixed counts");
      if (bd.viewAt < 0 || bd.viewAt > in.count.value - bd.count.value)
        fail(sub(vp, "at"), "elements " + std::to_string(bd.viewAt) + " to " +
                                std::to_string(bd.viewAt + bd.count.value) +
                                " are not all in buffer " + std::to_string(of) +
                                " (" + in.name + ", " +
                                std::to_string(in.count.value) + " elements)");
      bd.viewOf = int(of);
    }
    d.buffers.push_back(bd);
  }
}

void Parser::populations(const json &j, const std::string &path) {
  array(j, path);
  std::set<std::string> names;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string p = idx(path, i);
    const json &o = j[i];
    object(o, p);
    PopulationDesc pd;
    pd.name = reqStr(o, p, "name");
    if (pd.name.empty())
      fail(sub(p, "name"), "empty name");
    if (!names.insert(pd.name).second)
      fail(sub(p, "name"), "duplicate population \"" + pd.name + "\"");
    std::string kind = reqStr(o, p, "kind");
    if (kind == "neuron")
      pd.kind = PopulationKind::Neuron;
    else if (kind == "poisson")
      pd.kind = PopulationKind::Poisson;
    else if (kind == "spike_array")
      pd.kind = PopulationKind::SpikeArray;
    else
      fail(sub(p, "kind"), "unknown population kind \"" + kind +
                               "\" (expected neuron, poisson or spike_array)");
    pd.size = reqInt(o, p, "size");
    if (pd.size < 0 || pd.size > INT32_MAX)
      fail(sub(p, "size"), "size out of range");
    pd.groupSize = pd.size;
    if (const json *g = opt(o, "group")) {
      std::string gp = sub(p, "group");
      object(*g, gp);
      pd.groupSize = reqInt(*g, gp, "size");
      pd.groupOffset = reqInt(*g, gp, "offset");
      if (pd.groupOffset < 0 || pd.groupSize > INT32_MAX ||
          pd.groupOffset > pd.groupSize - pd.size)
        fail(gp, "a group of " + std::to_string(pd.groupSize) +
                     " neurons cannot hold " + std::to_string(pd.size) +
                     " from neuron " + std::to_string(pd.groupOffset));
    }
    pd.spikeCount = bufferRef(o, p, "spike_count", true);
    // Double-buffered by step parity on the GPU target (docs/gpu-abi.md).
    // With threads: per step parity, one count per thread and one list
    // segment per thread.
    checkBuffer(sub(p, "spike_count"), pd.spikeCount, {ScalarType::I32},
                d.hasGpu ? 2 : d.maxThreads ? 2 * d.maxThreads : 1);
    pd.spikes = bufferRef(o, p, "spikes", true);
    checkBuffer(sub(p, "spikes"), pd.spikes, {ScalarType::I32},
                d.maxThreads ? 2 * pd.size : pd.size);
    if (pd.kind == PopulationKind::Neuron) {
      if (const json *vs = opt(o, "variables")) {
        std::string vp = sub(p, "variables");
        array(*vs, vp);
        for (size_t k = 0; k < vs->size(); ++k) {
          std::string q = idx(vp, k);
          const json &v = (*vs)[k];
          object(v, q);
          VariableDesc vd;
          vd.name = reqStr(v, q, "name");
          vd.buffer = bufferRef(v, q, "buffer", true);
          checkBuffer(sub(q, "buffer"), vd.buffer,
                      {ScalarType::F32, ScalarType::F64, ScalarType::I32,
                       ScalarType::I64},
                      pd.size);
          if (const json *init = opt(v, "init")) {
            vd.hasInit = true;
            vd.init = valueSpec(*init, sub(q, "init"));
            if (vd.init.kind == ValueSpec::Kind::FromList)
              fail(sub(q, "init"), "from_list is only valid for synapses");
          }
          pd.variables.push_back(vd);
        }
      }
      pd.refractory = bufferRef(o, p, "refractory", false);
      if (pd.refractory >= 0)
        checkBuffer(sub(p, "refractory"), pd.refractory,
                    {ScalarType::I32, ScalarType::I64}, pd.size);
    } else if (pd.kind == PopulationKind::Poisson) {
      pd.rate = valueSpec(req(o, p, "rate"), sub(p, "rate"));
      if (pd.rate.kind == ValueSpec::Kind::FromList)
        fail(sub(p, "rate"), "from_list is only valid for synapses");
      pd.rateBuffer = bufferRef(o, p, "rate_buffer", false);
      if (pd.rateBuffer >= 0)
        checkBuffer(sub(p, "rate_buffer"), pd.rateBuffer,
                    {ScalarType::F32, ScalarType::F64}, pd.size);
      else if (!pd.rate.isConstant())
        fail(p, "a non-constant rate needs \"rate_buffer\"");
      else if (pd.rate.value < 0)
        fail(sub(p, "rate"), "negative rate");
    } else {
      pd.file = resolvePath(reqStr(o, p, "file"));
      pd.times = bufferRef(o, p, "times", true);
      checkBuffer(sub(p, "times"), pd.times, {ScalarType::I32}, -1);
      checkDerived(sub(p, "times"), pd.times, BufferCount::Kind::SpikeArray,
                   pd.name);
      pd.ids = bufferRef(o, p, "ids", true);
      checkBuffer(sub(p, "ids"), pd.ids, {ScalarType::I32}, -1);
      checkDerived(sub(p, "ids"), pd.ids, BufferCount::Kind::SpikeArray,
                   pd.name);
      pd.cursor = bufferRef(o, p, "cursor", true);
      checkBuffer(sub(p, "cursor"), pd.cursor, {ScalarType::I64}, 1);
    }
    d.populations.push_back(pd);
  }
}

void Parser::currents(const json &j, const std::string &path) {
  array(j, path);
  for (size_t i = 0; i < j.size(); ++i) {
    std::string p = idx(path, i);
    const json &o = j[i];
    object(o, p);
    CurrentDesc c;
    c.name = reqStr(o, p, "name");
    c.kind = reqStr(o, p, "kind");
    if (c.kind != "constant" && c.kind != "noise" && c.kind != "timed_array")
      fail(sub(p, "kind"), "unknown current kind \"" + c.kind +
                               "\" (expected constant, noise or timed_array)");
    c.population = reqStr(o, p, "population");
    c.populationIndex = d.findPopulation(c.population);
    if (c.populationIndex < 0)
      fail(sub(p, "population"), "no population \"" + c.population + "\"");
    if (const json *v = opt(o, "variable"))
      c.variable = str(*v, sub(p, "variable"));
    if (const json *a = opt(o, "amplitude")) {
      c.amplitude = valueSpec(*a, sub(p, "amplitude"));
      if (c.amplitude.kind == ValueSpec::Kind::FromList)
        fail(sub(p, "amplitude"), "from_list is only valid for synapses");
    }
    c.amplitudeBuffer = bufferRef(o, p, "amplitude_buffer", false);
    int64_t size = d.populations[c.populationIndex].size;
    if (c.kind == "timed_array") {
      const json *t = opt(o, "table");
      if (!t)
        fail(p, "a timed_array current needs \"table\"");
      object(*t, sub(p, "table"));
      c.rows = reqInt(*t, sub(p, "table"), "rows");
      c.columns = reqInt(*t, sub(p, "table"), "columns");
      c.every = reqInt(*t, sub(p, "table"), "every");
      if (c.rows < 1 || c.every < 1 || (c.columns != 1 && c.columns != size))
        fail(sub(p, "table"),
             "a table needs rows >= 1, every >= 1 and 1 column or one per "
             "neuron (" +
                 std::to_string(size) + ")");
      if (c.amplitude.kind != ValueSpec::Kind::File)
        fail(sub(p, "amplitude"), "the table of a timed_array current is a "
                                  "file");
      if (c.amplitudeBuffer < 0)
        fail(p, "a timed_array current needs \"amplitude_buffer\"");
      checkBuffer(sub(p, "amplitude_buffer"), c.amplitudeBuffer,
                  {ScalarType::F32, ScalarType::F64}, c.rows * c.columns);
    } else if (opt(o, "table")) {
      fail(sub(p, "table"), "only a timed_array current has a table");
    } else if (c.amplitudeBuffer >= 0)
      checkBuffer(sub(p, "amplitude_buffer"), c.amplitudeBuffer,
                  {ScalarType::F32, ScalarType::F64}, size);
    else if (!c.amplitude.isConstant())
      fail(p, "a non-constant amplitude needs \"amplitude_buffer\"");
    if (const json *v = opt(o, "std"))
      c.std = num(*v, sub(p, "std"));
    if (const json *v = opt(o, "start"))
      c.start = num(*v, sub(p, "start"));
    if (const json *v = opt(o, "stop"))
      c.stop = num(*v, sub(p, "stop"));
    d.currents.push_back(c);
  }
}

void Parser::projections(const json &j, const std::string &path) {
  array(j, path);
  std::set<std::string> names;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string p = idx(path, i);
    const json &o = j[i];
    object(o, p);
    ProjectionDesc pr;
    pr.name = reqStr(o, p, "name");
    if (!names.insert(pr.name).second)
      fail(sub(p, "name"), "duplicate projection \"" + pr.name + "\"");
    pr.pre = reqStr(o, p, "pre");
    pr.post = reqStr(o, p, "post");
    pr.preIndex = d.findPopulation(pr.pre);
    if (pr.preIndex < 0)
      fail(sub(p, "pre"), "no population \"" + pr.pre + "\"");
    pr.postIndex = d.findPopulation(pr.post);
    if (pr.postIndex < 0)
      fail(sub(p, "post"), "no population \"" + pr.post + "\"");
    if (d.populations[pr.postIndex].kind != PopulationKind::Neuron)
      fail(sub(p, "post"), "\"" + pr.post +
                               "\" is a source, not a neuron "
                               "population");
    if (const json *t = opt(o, "target"))
      pr.target = str(*t, sub(p, "target"));
    int64_t npre = d.populations[pr.preIndex].size;
    int64_t npost = d.populations[pr.postIndex].size;

    std::string cp = sub(p, "connectivity");
    const json &c = req(o, p, "connectivity");
    object(c, cp);
    std::string kind = reqStr(c, cp, "kind");
    ConnectivityDesc &cd = pr.connectivity;
    if (const json *a = opt(c, "allow_self"))
      cd.allowSelf = boolean(*a, sub(cp, "allow_self"));
    if (kind == "all_to_all") {
      cd.kind = ConnectivityDesc::Kind::AllToAll;
    } else if (kind == "one_to_one") {
      cd.kind = ConnectivityDesc::Kind::OneToOne;
      if (npre != npost)
        fail(cp, "one_to_one needs populations of equal size (\"" + pr.pre +
                     "\" has " + std::to_string(npre) + ", \"" + pr.post +
                     "\" has " + std::to_string(npost) + ")");
    } else if (kind == "fixed_probability") {
      cd.kind = ConnectivityDesc::Kind::FixedProbability;
      cd.p = reqNum(c, cp, "p");
      if (!(cd.p >= 0 && cd.p <= 1))
        fail(sub(cp, "p"), "probability must be in [0, 1]");
    } else if (kind == "fixed_indegree") {
      cd.kind = ConnectivityDesc::Kind::FixedIndegree;
      cd.indegree = reqInt(c, cp, "indegree");
      int64_t candidates =
          npre - (!cd.allowSelf && pr.preIndex == pr.postIndex ? 1 : 0);
      if (cd.indegree < 0)
        fail(sub(cp, "indegree"), "negative in-degree");
      if (npost > 0 && cd.indegree > candidates)
        fail(sub(cp, "indegree"),
             "in-degree " + std::to_string(cd.indegree) + " exceeds the " +
                 std::to_string(candidates) + " possible presynaptic neurons");
    } else if (kind == "fixed_total_number") {
      cd.kind = ConnectivityDesc::Kind::FixedTotalNumber;
      cd.total = reqInt(c, cp, "total");
      bool self = pr.preIndex == pr.postIndex;
      int64_t perRow = npost - (!cd.allowSelf && self ? 1 : 0);
      if (cd.total < 0)
        fail(sub(cp, "total"), "negative total number of synapses");
      else if (cd.total > 0 && (npre <= 0 || perRow <= 0))
        fail(sub(cp, "total"),
             "cannot draw " + std::to_string(cd.total) +
                 " synapses: there is no (pre, post) pair to connect (pre \"" +
                 pr.pre + "\" of size " + std::to_string(npre) +
                 ", post \"" + pr.post + "\" of size " + std::to_string(npost) +
                 (!cd.allowSelf && self ? ", self-connections excluded" : "") +
                 ")");
    } else if (kind == "list") {
      cd.kind = ConnectivityDesc::Kind::List;
      cd.file = resolvePath(reqStr(c, cp, "file"));
    } else {
      fail(sub(cp, "kind"),
           "unknown connectivity \"" + kind +
               "\" (expected all_to_all, one_to_one, fixed_probability, "
               "fixed_indegree, fixed_total_number or list)");
    }

    pr.weight = valueSpec(req(o, p, "weight"), sub(p, "weight"));
    if (const json *dl = opt(o, "delay"))
      pr.delay = valueSpec(*dl, sub(p, "delay"));
    for (const ValueSpec *v : {&pr.weight, &pr.delay})
      if (v->kind == ValueSpec::Kind::FromList &&
          cd.kind != ConnectivityDesc::Kind::List)
        fail(sub(p, v == &pr.weight ? "weight" : "delay"),
             "from_list needs \"list\" connectivity");
    if (pr.delay.isConstant() && pr.delay.value < 0)
      fail(sub(p, "delay"), "negative delay");

    // The storage kind is the compiler's; the runtime goes by the buffers
    // it lists (docs/runtime-abi.md, "projections"): row pointers and
    // columns (csr), row pointers and other stored buffers (dense: rows of
    // bits), or nothing (rows drawn again at each spike).
    if (const json *st = opt(o, "storage")) {
      pr.storage = str(*st, sub(p, "storage"));
      if (pr.storage.empty())
        fail(sub(p, "storage"), "empty storage kind");
    }
    pr.rowPtr = bufferRef(o, p, "row_ptr", false);
    if (pr.rowPtr >= 0)
      checkBuffer(sub(p, "row_ptr"), pr.rowPtr, {ScalarType::I64}, npre + 1);
    pr.col = bufferRef(o, p, "col", false);
    if (pr.col >= 0) {
      if (pr.rowPtr < 0)
        fail(sub(p, "col"), "columns need row pointers (\"row_ptr\")");
      checkBuffer(sub(p, "col"), pr.col, {ScalarType::I32, ScalarType::U16},
                  -1);
      if (d.buffers[size_t(pr.col)].type == ScalarType::U16 && npost > 65536)
        fail(sub(p, "col"), "u16 columns cannot hold the post indices of \"" +
                                pr.post + "\" (" + std::to_string(npost) +
                                " neurons; at most 65536)");
      checkDerived(sub(p, "col"), pr.col, BufferCount::Kind::Synapses,
                   pr.name);
    } else if (cd.kind == ConnectivityDesc::Kind::List) {
      fail(p, "list connectivity is read into rows of columns: it needs "
              "\"row_ptr\" and \"col\"");
    }
    if (const json *st = opt(o, "stored")) {
      std::string sp = sub(p, "stored");
      array(*st, sp);
      for (size_t k = 0; k < st->size(); ++k) {
        std::string q = idx(sp, k);
        int64_t id = integer((*st)[k], q);
        if (id < 0 || id >= int64_t(d.buffers.size()))
          fail(q, "no buffer " + std::to_string(id) + " (there are " +
                      std::to_string(d.buffers.size()) + ")");
        const BufferDesc &b = d.buffers[size_t(id)];
        std::string buf = "buffer " + std::to_string(id) + " (" + b.name + ")";
        if (id == pr.rowPtr || id == pr.col ||
            std::count(pr.stored.begin(), pr.stored.end(), int(id)))
          fail(q, buf + " is listed twice");
        if (b.count.kind != BufferCount::Kind::Fixed)
          fail(q, buf + " has a derived count; a stored buffer has a fixed "
                        "one");
        pr.stored.push_back(int(id));
      }
    }
    pr.weightBuffer = bufferRef(o, p, "weight_buffer", false);
    for (const char *key : {"weight_buffer", "delay_buffer"})
      if (opt(o, key) && pr.rowPtr < 0)
        fail(sub(p, key), "values per synapse are in the order of the rows: "
                          "they need \"row_ptr\"");
    if (pr.weightBuffer >= 0) {
      checkBuffer(sub(p, "weight_buffer"), pr.weightBuffer,
                  {ScalarType::F32, ScalarType::F64}, -1);
      checkDerived(sub(p, "weight_buffer"), pr.weightBuffer,
                   BufferCount::Kind::Synapses, pr.name);
    } else if (!pr.weight.isConstant()) {
      fail(p, "a non-constant weight needs \"weight_buffer\"");
    }
    pr.delayBuffer = bufferRef(o, p, "delay_buffer", false);
    if (pr.delayBuffer >= 0) {
      checkBuffer(sub(p, "delay_buffer"), pr.delayBuffer, {ScalarType::I32},
                  -1);
      checkDerived(sub(p, "delay_buffer"), pr.delayBuffer,
                   BufferCount::Kind::Synapses, pr.name);
    } else if (!pr.delay.isConstant()) {
      fail(p, "a non-constant delay needs \"delay_buffer\"");
    }
    if (const json *r = opt(o, "ring"))
      pr.ring = str(*r, sub(p, "ring"));
    if (const json *sy = opt(o, "synapse")) {
      std::string sp = sub(p, "synapse");
      object(*sy, sp);
      pr.synapseModel = reqStr(*sy, sp, "model");
      if (pr.synapseModel.empty())
        fail(sub(sp, "model"), "empty synapse model name");
      if (pr.weightBuffer < 0)
        fail(p, "a synapse model's weights change: it needs "
                "\"weight_buffer\"");
      if (pr.col < 0)
        fail(p, "a synapse model's synapses are rows: it needs \"col\"");
      auto perSynapse = [&](const std::string &q, int id,
                            std::initializer_list<ScalarType> types) {
        checkBuffer(q, id, types, -1);
        checkDerived(q, id, BufferCount::Kind::Synapses, pr.name);
      };
      if (const json *vs = opt(*sy, "variables")) {
        std::string vp = sub(sp, "variables");
        array(*vs, vp);
        for (size_t k = 0; k < vs->size(); ++k) {
          std::string q = idx(vp, k);
          const json &v = (*vs)[k];
          object(v, q);
          ProjectionDesc::SynapseVariable var;
          var.name = reqStr(v, q, "name");
          var.buffer = bufferRef(v, q, "buffer", true);
          perSynapse(sub(q, "buffer"), var.buffer,
                     {ScalarType::F32, ScalarType::F64});
          var.init = valueSpec(req(v, q, "init"), sub(q, "init"));
          pr.synapseVariables.push_back(var);
        }
      }
      pr.history = bufferRef(*sy, sp, "history", false);
      if (pr.history >= 0 && d.historyCells() < 1)
        fail(sub(sp, "history"), "a history's slots hold a spike count per "
                                 "thread: it needs the \"threads\" section");
      if (pr.history >= 0) {
        checkBuffer(sub(sp, "history"), pr.history, {ScalarType::I32}, -1);
        checkDerived(sub(sp, "history"), pr.history,
                     BufferCount::Kind::History, pr.name);
      }
      pr.lastUpdate = bufferRef(*sy, sp, "lastupdate", false);
      if (pr.lastUpdate >= 0)
        perSynapse(sub(sp, "lastupdate"), pr.lastUpdate, {ScalarType::I64});
      pr.colPtr = bufferRef(*sy, sp, "col_ptr", false);
      pr.colSyn = bufferRef(*sy, sp, "col_syn", false);
      if ((pr.colPtr >= 0) != (pr.colSyn >= 0))
        fail(sp, "the per-post index needs both \"col_ptr\" and "
                 "\"col_syn\"");
      if (pr.colPtr >= 0) {
        checkBuffer(sub(sp, "col_ptr"), pr.colPtr, {ScalarType::I64},
                    npost + 1);
        perSynapse(sub(sp, "col_syn"), pr.colSyn, {ScalarType::I32});
      }
      pr.delaySyn = bufferRef(*sy, sp, "delay_syn", false);
      if (pr.delaySyn >= 0) {
        if (pr.delayBuffer < 0)
          fail(sub(sp, "delay_syn"),
               "orders the synapses by delay: it needs \"delay_buffer\"");
        perSynapse(sub(sp, "delay_syn"), pr.delaySyn, {ScalarType::I32});
      }
      pr.colPre = bufferRef(*sy, sp, "col_pre", false);
      if (pr.colPre >= 0) {
        if (pr.colPtr < 0)
          fail(sub(sp, "col_pre"), "needs the per-post index (\"col_ptr\", "
                                   "\"col_syn\")");
        perSynapse(sub(sp, "col_pre"), pr.colPre,
                   {ScalarType::I32, ScalarType::U16});
        if (d.buffers[size_t(pr.colPre)].type == ScalarType::U16 &&
            npre > 65536)
          fail(sub(sp, "col_pre"),
               "u16 pre indices cannot hold the neurons of \"" + pr.pre +
                   "\" (" + std::to_string(npre) + "; at most 65536)");
      }
    }
    d.projections.push_back(pr);
  }
}

void Parser::rings(const json &j, const std::string &path) {
  array(j, path);
  std::set<std::string> names;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string p = idx(path, i);
    const json &o = j[i];
    object(o, p);
    RingDesc r;
    r.name = reqStr(o, p, "name");
    if (!names.insert(r.name).second)
      fail(sub(p, "name"), "duplicate ring \"" + r.name + "\"");
    r.population = reqStr(o, p, "population");
    r.populationIndex = d.findPopulation(r.population);
    if (r.populationIndex < 0)
      fail(sub(p, "population"), "no population \"" + r.population + "\"");
    if (const json *v = opt(o, "variable"))
      r.variable = str(*v, sub(p, "variable"));
    r.buffer = bufferRef(o, p, "buffer", true);
    checkBuffer(sub(p, "buffer"), r.buffer, {ScalarType::F32, ScalarType::F64},
                -1);
    checkDerived(sub(p, "buffer"), r.buffer, BufferCount::Kind::Ring, r.name);
    std::string pp = sub(p, "projections");
    const json &ps = req(o, p, "projections");
    array(ps, pp);
    for (size_t k = 0; k < ps.size(); ++k) {
      std::string name = str(ps[k], idx(pp, k));
      int pi = d.findProjection(name);
      if (pi < 0)
        fail(idx(pp, k), "no projection \"" + name + "\"");
      ProjectionDesc &pr = d.projections[pi];
      if (pr.postIndex != r.populationIndex)
        fail(idx(pp, k), "projection \"" + name + "\" targets \"" + pr.post +
                             "\", not \"" + r.population + "\"");
      if (pr.ringIndex >= 0)
        fail(idx(pp, k), "projection \"" + name + "\" is already in ring \"" +
                             d.rings[pr.ringIndex].name + "\"");
      if (!pr.ring.empty() && pr.ring != r.name)
        fail(idx(pp, k),
             "projection \"" + name + "\" names ring \"" + pr.ring + "\"");
      pr.ringIndex = int(d.rings.size());
      pr.ring = r.name;
      r.projections.push_back(name);
      r.projectionIndices.push_back(pi);
    }
    d.rings.push_back(r);
  }
  for (size_t i = 0; i < d.projections.size(); ++i) {
    const ProjectionDesc &pr = d.projections[i];
    if (!pr.ring.empty() && pr.ringIndex < 0)
      fail(idx("projections", i) + ".ring",
           d.findRing(pr.ring) < 0
               ? "no ring \"" + pr.ring + "\""
               : "ring \"" + pr.ring + "\" does not list this projection");
    // Without a ring, the weights are added to the target at once (but a
    // synapse model's projection with a history runs on_pre at arrival).
    if (pr.ringIndex < 0 && pr.history < 0 && pr.delayBuffer >= 0)
      fail(idx("projections", i) + ".delay_buffer",
           "a projection in no ring adds its weights at once, so its delay "
           "must be a constant (of 0 steps), not per synapse");
  }
}

void Parser::synapseRecord(const json &o, const std::string &p,
                           StateRecordDesc &sr) {
  sr.population = reqStr(o, p, "projection");
  sr.projectionIndex = d.findProjection(sr.population);
  if (sr.projectionIndex < 0)
    fail(sub(p, "projection"), "no projection \"" + sr.population + "\"");
  const ProjectionDesc &pr = d.projections[size_t(sr.projectionIndex)];
  if (!pr.plastic())
    fail(sub(p, "projection"), "projection \"" + sr.population +
                                   "\" has no synapse model");
  if (pr.rowPtr < 0 || pr.col < 0)
    fail(sub(p, "projection"), "its synapses are found in the rows: the "
                               "projection needs \"row_ptr\" and \"col\"");
  sr.variable = reqStr(o, p, "variable");
  auto neurons = [&](const char *key, int population,
                     std::vector<int64_t> &out) {
    std::string q = sub(p, key);
    const json &list = req(o, p, key);
    array(list, q);
    int64_t size = d.populations[size_t(population)].size;
    for (size_t k = 0; k < list.size(); ++k) {
      int64_t n = integer(list[k], idx(q, k));
      if (n < 0 || n >= size)
        fail(idx(q, k), "neuron " + std::to_string(n) + " out of range [0, " +
                            std::to_string(size) + ")");
      out.push_back(n);
    }
  };
  neurons("pre", pr.preIndex, sr.pre);
  neurons("post", pr.postIndex, sr.post);
  if (sr.pre.size() != sr.post.size() || sr.pre.empty())
    fail(p, "\"pre\" and \"post\" list the recorded synapses: as many of "
            "each, at least one");
  int64_t n = int64_t(sr.pre.size());
  for (int64_t k = 0; k < n; ++k)
    sr.neurons.push_back(k);
  sr.buffer = bufferRef(o, p, "buffer", true);
  checkBuffer(sub(p, "buffer"), sr.buffer, {ScalarType::F32, ScalarType::F64},
              n);
  sr.synapses = bufferRef(o, p, "synapses", true);
  checkBuffer(sub(p, "synapses"), sr.synapses, {ScalarType::I64}, n);
  sr.source = bufferRef(o, p, "source", true);
  checkBuffer(sub(p, "source"), sr.source,
              {d.buffers[size_t(sr.buffer)].type}, -1);
  checkDerived(sub(p, "source"), sr.source, BufferCount::Kind::Synapses,
               pr.name);
  if (const json *e = opt(o, "every")) {
    sr.every = integer(*e, sub(p, "every"));
    if (sr.every < 1)
      fail(sub(p, "every"), "must be at least 1");
  }
}

void Parser::record(const json &j, const std::string &path) {
  object(j, path);
  RecordDesc &r = d.record;
  if (const json *f = opt(j, "format")) {
    r.format = str(*f, sub(path, "format"));
    if (r.format != "npy" && r.format != "csv")
      fail(sub(path, "format"),
           "unknown format \"" + r.format + "\" (expected npy or csv)");
  }
  if (const json *s = opt(j, "spikes")) {
    std::string sp = sub(path, "spikes");
    array(*s, sp);
    for (size_t i = 0; i < s->size(); ++i) {
      std::string name = str((*s)[i], idx(sp, i));
      int pi = d.findPopulation(name);
      if (pi < 0)
        fail(idx(sp, i), "no population \"" + name + "\"");
      r.spikes.push_back(name);
      r.spikePopulations.push_back(pi);
    }
  }
  if (const json *w = opt(j, "weights")) {
    std::string wp = sub(path, "weights");
    array(*w, wp);
    for (size_t i = 0; i < w->size(); ++i) {
      std::string name = str((*w)[i], idx(wp, i));
      int e = d.findProjection(name);
      if (e < 0)
        fail(idx(wp, i), "no projection \"" + name + "\"");
      if (std::find(r.weights.begin(), r.weights.end(), e) != r.weights.end())
        fail(idx(wp, i), "the weights of \"" + name + "\" are recorded twice");
      r.weights.push_back(e);
    }
  }
  if (const json *sy = opt(j, "synapses")) {
    std::string yp = sub(path, "synapses");
    array(*sy, yp);
    for (size_t i = 0; i < sy->size(); ++i) {
      std::string q = idx(yp, i);
      const json &o = (*sy)[i];
      object(o, q);
      RecordDesc::SynapseState s;
      s.projection = reqStr(o, q, "projection");
      s.projectionIndex = d.findProjection(s.projection);
      if (s.projectionIndex < 0)
        fail(sub(q, "projection"), "no projection \"" + s.projection + "\"");
      for (const RecordDesc::SynapseState &other : r.synapses)
        if (other.projectionIndex == s.projectionIndex)
          fail(q, "the synapses of \"" + s.projection +
                      "\" are recorded twice");
      std::string vp = sub(q, "variables");
      const json &vs = req(o, q, "variables");
      array(vs, vp);
      for (size_t k = 0; k < vs.size(); ++k) {
        std::string vq = idx(vp, k);
        object(vs[k], vq);
        std::string name = reqStr(vs[k], vq, "name");
        int buffer = bufferRef(vs[k], vq, "buffer", true);
        checkBuffer(sub(vq, "buffer"), buffer,
                    {ScalarType::F32, ScalarType::F64}, -1);
        checkDerived(sub(vq, "buffer"), buffer, BufferCount::Kind::Synapses,
                     s.projection);
        s.variables.emplace_back(name, buffer);
      }
      r.synapses.push_back(std::move(s));
    }
  }
  if (const json *s = opt(j, "state")) {
    std::string sp = sub(path, "state");
    array(*s, sp);
    for (size_t i = 0; i < s->size(); ++i) {
      std::string p = idx(sp, i);
      const json &o = (*s)[i];
      object(o, p);
      StateRecordDesc sr;
      if (opt(o, "projection")) {
        synapseRecord(o, p, sr);
        r.state.push_back(sr);
        continue;
      }
      sr.population = reqStr(o, p, "population");
      sr.populationIndex = d.findPopulation(sr.population);
      if (sr.populationIndex < 0)
        fail(sub(p, "population"), "no population \"" + sr.population + "\"");
      const PopulationDesc &pd = d.populations[sr.populationIndex];
      sr.variable = reqStr(o, p, "variable");
      if (const json *b = opt(o, "buffer")) {
        (void)b;
        sr.buffer = bufferRef(o, p, "buffer", true);
      } else {
        for (const VariableDesc &v : pd.variables)
          if (v.name == sr.variable)
            sr.buffer = v.buffer;
        if (sr.buffer < 0)
          fail(p, "population \"" + sr.population + "\" has no variable \"" +
                      sr.variable + "\"");
      }
      checkBuffer(
          sub(p, "buffer"), sr.buffer,
          {ScalarType::F32, ScalarType::F64, ScalarType::I32, ScalarType::I64},
          pd.size);
      // Omitted, empty (the snn dialect's "all"), "all" or true: every neuron.
      const json *ns = opt(o, "neurons");
      if (!ns || (ns->is_array() && ns->empty()) ||
          (ns->is_string() && ns->get<std::string>() == "all") ||
          (ns->is_boolean() && ns->get<bool>())) {
        for (int64_t k = 0; k < pd.size; ++k)
          sr.neurons.push_back(k);
      } else {
        std::string np = sub(p, "neurons");
        array(*ns, np);
        for (size_t k = 0; k < ns->size(); ++k) {
          int64_t n = integer((*ns)[k], idx(np, k));
          if (n < 0 || n >= pd.size)
            fail(idx(np, k), "neuron " + std::to_string(n) +
                                 " out of range [0, " +
                                 std::to_string(pd.size) + ")");
          sr.neurons.push_back(n);
        }
      }
      if (const json *e = opt(o, "every")) {
        sr.every = integer(*e, sub(p, "every"));
        if (sr.every < 1)
          fail(sub(p, "every"), "must be at least 1");
      }
      r.state.push_back(sr);
    }
  }
}

void Parser::gpu(const json &j, const std::string &path) {
  object(j, path);
  GpuDesc &g = d.gpu;

  std::string pp = sub(path, "phases");
  const json &phases = req(j, path, "phases");
  array(phases, pp);
  if (phases.empty())
    fail(pp, "no phases");
  std::set<std::string> phaseNames;
  for (size_t i = 0; i < phases.size(); ++i) {
    std::string p = idx(pp, i);
    const json &o = phases[i];
    object(o, p);
    GpuPhaseDesc ph;
    ph.name = reqStr(o, p, "name");
    if (ph.name.empty())
      fail(sub(p, "name"), "empty name");
    if (!phaseNames.insert(ph.name).second)
      fail(sub(p, "name"), "duplicate phase \"" + ph.name + "\"");
    ph.kernel = reqStr(o, p, "kernel");
    if (ph.kernel.empty())
      fail(sub(p, "kernel"), "empty kernel name");
    ph.work = reqInt(o, p, "work");
    if (ph.work < 0)
      fail(sub(p, "work"), "must not be negative");
    g.phases.push_back(ph);
  }

  if (const json *k = opt(j, "persistent_kernel")) {
    g.persistentKernel = str(*k, sub(path, "persistent_kernel"));
    if (g.persistentKernel.empty())
      fail(sub(path, "persistent_kernel"), "empty kernel name");
  }
  g.step = bufferRef(j, path, "step", true);
  checkBuffer(sub(path, "step"), g.step, {ScalarType::I64}, 2);
  if (const json *b = opt(j, "batch_steps")) {
    g.batchSteps = integer(*b, sub(path, "batch_steps"));
    if (g.batchSteps < 1)
      fail(sub(path, "batch_steps"), "must be at least 1");
  }

  // One total per population, in the same order.
  std::string tp = sub(path, "totals");
  const json &totals = req(j, path, "totals");
  array(totals, tp);
  if (totals.size() != d.populations.size())
    fail(tp, "expected one entry per population (" +
                 std::to_string(d.populations.size()) + "), found " +
                 std::to_string(totals.size()));
  for (size_t i = 0; i < totals.size(); ++i) {
    std::string p = idx(tp, i);
    const json &o = totals[i];
    object(o, p);
    GpuTotalDesc t;
    t.population = reqStr(o, p, "population");
    if (t.population != d.populations[i].name)
      fail(sub(p, "population"), "expected \"" + d.populations[i].name +
                                     "\" (the order of \"populations\"), "
                                     "found \"" +
                                     t.population + "\"");
    t.populationIndex = int(i);
    t.buffer = bufferRef(o, p, "buffer", true);
    checkBuffer(sub(p, "buffer"), t.buffer, {ScalarType::I64}, 1);
    g.totals.push_back(t);
  }

  // Spike recording: exactly the populations of record.spikes.
  std::set<int> recorded(d.record.spikePopulations.begin(),
                         d.record.spikePopulations.end());
  std::set<int> seen;
  std::string sp = sub(path, "record_spikes");
  const json *rs = opt(j, "record_spikes");
  if (rs) {
    array(*rs, sp);
    for (size_t i = 0; i < rs->size(); ++i) {
      std::string p = idx(sp, i);
      const json &o = (*rs)[i];
      object(o, p);
      GpuSpikeRecordDesc r;
      r.population = reqStr(o, p, "population");
      r.populationIndex = d.findPopulation(r.population);
      if (r.populationIndex < 0)
        fail(sub(p, "population"), "no population \"" + r.population + "\"");
      if (!recorded.count(r.populationIndex))
        fail(sub(p, "population"),
             "\"" + r.population + "\" is not in record.spikes");
      if (!seen.insert(r.populationIndex).second)
        fail(sub(p, "population"),
             "duplicate entry for \"" + r.population + "\"");
      r.count = bufferRef(o, p, "count", true);
      checkBuffer(sub(p, "count"), r.count, {ScalarType::I32}, 1);
      r.ids = bufferRef(o, p, "ids", true);
      checkBuffer(sub(p, "ids"), r.ids, {ScalarType::I32}, -1);
      checkDerived(sub(p, "ids"), r.ids, BufferCount::Kind::RecordSpikes,
                   r.population);
      r.steps = bufferRef(o, p, "steps", true);
      checkBuffer(sub(p, "steps"), r.steps, {ScalarType::I32}, -1);
      checkDerived(sub(p, "steps"), r.steps, BufferCount::Kind::RecordSpikes,
                   r.population);
      g.recordSpikes.push_back(r);
    }
  }
  for (int pi : d.record.spikePopulations)
    if (!seen.count(pi))
      fail(sp, "no entry for population \"" + d.populations[pi].name +
                   "\" (in record.spikes)");

  // State recording: one entry per record.state entry.
  std::string stp = sub(path, "record_state");
  g.recordState.assign(d.record.state.size(), GpuStateRecordDesc());
  if (const json *st = opt(j, "record_state")) {
    array(*st, stp);
    for (size_t i = 0; i < st->size(); ++i) {
      std::string p = idx(stp, i);
      const json &o = (*st)[i];
      object(o, p);
      int64_t k = reqInt(o, p, "record");
      if (k < 0 || k >= int64_t(d.record.state.size()))
        fail(sub(p, "record"), "no record.state[" + std::to_string(k) +
                                   "] (there are " +
                                   std::to_string(d.record.state.size()) + ")");
      GpuStateRecordDesc &r = g.recordState[k];
      if (r.record >= 0)
        fail(sub(p, "record"),
             "duplicate entry for record.state[" + std::to_string(k) + "]");
      r.record = int(k);
      const StateRecordDesc &sr = d.record.state[k];
      r.neurons = bufferRef(o, p, "neurons", true);
      checkBuffer(sub(p, "neurons"), r.neurons, {ScalarType::I32},
                  int64_t(sr.neurons.size()));
      r.samples = bufferRef(o, p, "samples", true);
      checkBuffer(sub(p, "samples"), r.samples, {ScalarType::I64}, 1);
      r.values = bufferRef(o, p, "values", true);
      checkBuffer(
          sub(p, "values"), r.values,
          {ScalarType::F32, ScalarType::F64, ScalarType::I32, ScalarType::I64},
          -1);
      checkDerived(sub(p, "values"), r.values, BufferCount::Kind::RecordState,
                   std::to_string(k));
    }
  }
  for (size_t k = 0; k < g.recordState.size(); ++k)
    if (g.recordState[k].record < 0)
      fail(stp, "no entry for record.state[" + std::to_string(k) + "]");

  if (const json *b = opt(j, "build"))
    gpuBuild(*b, sub(path, "build"));
  if (const json *i = opt(j, "init"))
    init(*i, sub(path, "init"));
}

void Parser::init(const json &j, const std::string &path) {
  array(j, path);
  for (size_t k = 0; k < j.size(); ++k) {
    std::string p = idx(path, k);
    const json &o = j[k];
    object(o, p);
    InitDesc in;
    std::string bp = sub(p, "buffer");
    in.buffer = bufferRef(o, p, "buffer", true);
    if (d.findInit(in.buffer))
      fail(bp, "duplicate entry for buffer " + std::to_string(in.buffer));
    // The variable, rate or amplitude that the buffer holds.
    for (size_t i = 0; i < d.populations.size() && in.population < 0; ++i) {
      const PopulationDesc &pop = d.populations[i];
      for (size_t v = 0; v < pop.variables.size(); ++v)
        if (pop.variables[v].buffer == in.buffer) {
          in.population = int(i);
          in.variable = int(v);
        }
      if (pop.rateBuffer == in.buffer && pop.rateBuffer >= 0)
        in.population = int(i);
    }
    for (size_t c = 0; c < d.currents.size() && in.population < 0; ++c)
      if (d.currents[c].amplitudeBuffer == in.buffer)
        in.current = int(c);
    std::string buf =
        "buffer " + std::to_string(in.buffer) + " (" +
        d.buffers[in.buffer].name + ")";
    if (in.population < 0 && in.current < 0)
      fail(bp, buf + " is not a neuron variable, a rate buffer or an "
                     "amplitude buffer");
    if (!d.initSpec(in).isDrawn())
      fail(bp, buf + " holds no uniform or normal values (the runtime "
                     "fills constants and files itself)");
    in.values = kernelRef(req(o, p, "values"), sub(p, "values"));
    d.init.push_back(in);
  }
}

void Parser::checkInitComplete(const std::string &initPath) {
  auto check = [&](const ValueSpec &v, int buffer, const std::string &path) {
    if (!v.isDrawn() || buffer < 0 || d.findInit(buffer))
      return;
    fail(path, std::string(v.kind == ValueSpec::Kind::Uniform ? "uniform"
                                                              : "normal") +
                   " values are drawn by a generated init kernel, and " +
                   initPath + " has none for buffer " +
                   std::to_string(buffer) + " (" + d.buffers[buffer].name +
                   ")");
  };
  for (size_t i = 0; i < d.populations.size(); ++i) {
    const PopulationDesc &pop = d.populations[i];
    std::string pp = idx("populations", i);
    for (size_t v = 0; v < pop.variables.size(); ++v)
      if (pop.variables[v].hasInit)
        check(pop.variables[v].init, pop.variables[v].buffer,
              sub(idx(sub(pp, "variables"), v), "init"));
    check(pop.rate, pop.rateBuffer, sub(pp, "rate"));
  }
  for (size_t c = 0; c < d.currents.size(); ++c)
    check(d.currents[c].amplitude, d.currents[c].amplitudeBuffer,
          sub(idx("currents", c), "amplitude"));
}

GpuKernelRef Parser::kernelRef(const json &j, const std::string &path) {
  object(j, path);
  GpuKernelRef k;
  k.kernel = reqStr(j, path, "kernel");
  if (k.kernel.empty())
    fail(sub(path, "kernel"), "empty kernel name");
  int64_t e = reqInt(j, path, "emulate");
  if (e < 0 || e > INT32_MAX)
    fail(sub(path, "emulate"), "invalid kernel number " + std::to_string(e) +
                                   " (expected a non-negative integer)");
  k.emulate = int(e);
  auto [it, fresh] =
      emulateNumbers.emplace(k.emulate, std::make_pair(k.kernel, path));
  if (!fresh && it->second.first != k.kernel)
    fail(sub(path, "emulate"), "kernel number " + std::to_string(e) +
                                   " is also \"" + it->second.first + "\" (" +
                                   it->second.second + ")");
  if (const json *w = opt(j, "work")) {
    k.work = integer(*w, sub(path, "work"));
    if (k.work < 0)
      fail(sub(path, "work"), "must not be negative");
  }
  return k;
}

void Parser::gpuBuild(const json &j, const std::string &path) {
  array(j, path);
  std::set<int> seen;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string p = idx(path, i);
    const json &o = j[i];
    object(o, p);
    GpuBuildDesc b;
    b.projection = reqStr(o, p, "projection");
    b.projectionIndex = d.findProjection(b.projection);
    std::string pp = sub(p, "projection");
    if (b.projectionIndex < 0)
      fail(pp, "no projection \"" + b.projection + "\"");
    if (!seen.insert(b.projectionIndex).second)
      fail(pp, "duplicate entry for projection \"" + b.projection + "\"");
    const ProjectionDesc &pr = d.projections[b.projectionIndex];
    std::string name = "\"" + pr.name + "\"";
    // A list's synapses are the file's, read on the host: only its uniform
    // or normal weights and delays are computed by kernels.
    bool list = pr.connectivity.kind == ConnectivityDesc::Kind::List;
    // What the kernels of a drawn projection must be, from what it stores:
    // rows always (the synapse count); fill when it stores rows (columns,
    // or other stored buffers); sort only for columns; columns (the
    // synapses as post indices, for --save-connectivity) when it stores
    // none.
    bool storesRows = pr.storesRows();
    if (list) {
      for (const char *key : {"rows", "fill", "sort", "scratch", "columns"})
        if (opt(o, key))
          fail(sub(p, key), "projection " + name +
                                " has list connectivity: its synapses are "
                                "read from its file on the host");
      if (!opt(o, "values"))
        fail(p, "projection " + name +
                    " has list connectivity: its entry needs a \"values\" "
                    "kernel");
    } else {
      b.rows = kernelRef(req(o, p, "rows"), sub(p, "rows"));
      if (storesRows)
        b.fill = kernelRef(req(o, p, "fill"), sub(p, "fill"));
      else if (opt(o, "fill"))
        fail(sub(p, "fill"), "projection " + name +
                                 " stores no synapses: nothing to fill");
      if (pr.col < 0)
        b.columns = kernelRef(req(o, p, "columns"), sub(p, "columns"));
      else if (opt(o, "columns"))
        fail(sub(p, "columns"), "projection " + name +
                                    " stores its columns: they are read "
                                    "from the arena");
    }
    if (const json *k = opt(o, "sort")) {
      if (pr.col < 0)
        fail(sub(p, "sort"), "projection " + name +
                                 " stores no columns to sort");
      b.sort = kernelRef(*k, sub(p, "sort"));
    }
    if (const json *k = opt(o, "scratch")) {
      std::string sp = sub(p, "scratch");
      b.scratchWords = integer(*k, sp);
      int64_t npre = d.populations[pr.preIndex].size;
      if (b.scratchWords < std::max<int64_t>(npre, 1))
        fail(sp, std::to_string(b.scratchWords) +
                     " words cannot hold the row counts of projection " +
                     name + " (" + std::to_string(npre) + " words)");
    }
    if (const json *k = opt(o, "delays")) {
      b.delays = kernelRef(*k, sub(p, "delays"));
      b.delayAt = kernelRef(req(o, p, "delay_at"), sub(p, "delay_at"));
    } else if (opt(o, "delay_at")) {
      fail(sub(p, "delay_at"), "comes with a \"delays\" kernel");
    }
    if (const json *k = opt(o, "values"))
      b.values = kernelRef(*k, sub(p, "values"));
    bool randomWeight = pr.weight.isDrawn(), randomDelay = pr.delay.isDrawn();
    if (b.delays && !randomDelay)
      fail(sub(p, "delays"),
           "the delay of projection " + name + " is not uniform or normal");
    if (b.values && !randomWeight && !randomDelay)
      fail(sub(p, "values"), "neither the weight nor the delay of projection " +
                                 name + " is uniform or normal");

    std::string wp = sub(p, "writes");
    const json &w = req(o, p, "writes");
    array(w, wp);
    std::set<int> writes;
    for (size_t k = 0; k < w.size(); ++k) {
      std::string q = idx(wp, k);
      int64_t id = integer(w[k], q);
      if (id < 0 || id >= int64_t(d.buffers.size()))
        fail(q, "no buffer " + std::to_string(id) + " (there are " +
                    std::to_string(d.buffers.size()) + ")");
      std::string buf =
          "buffer " + std::to_string(id) + " (" + d.buffers[id].name + ")";
      if (!writes.insert(int(id)).second)
        fail(q, "duplicate " + buf);
      bool stored =
          std::count(pr.stored.begin(), pr.stored.end(), int(id)) > 0;
      auto variable = std::find_if(
          pr.synapseVariables.begin(), pr.synapseVariables.end(),
          [&](const ProjectionDesc::SynapseVariable &v) {
            return v.buffer == int(id);
          });
      if ((id == pr.col && !list) || stored) {
        // written by the fill kernel
      } else if (variable != pr.synapseVariables.end()) {
        // A synapse model's variable: drawn by the values kernel.
        if (variable->init.isConstant() || !b.values)
          fail(q, buf + ": variable '" + variable->name + "' of projection " +
                      name + " is not computed on the device (that needs a "
                             "uniform or normal value and a \"values\" "
                             "kernel)");
      } else if (id == pr.weightBuffer || id == pr.delayBuffer) {
        bool weight = id == pr.weightBuffer;
        if (!(weight ? randomWeight : randomDelay) || !b.values)
          fail(q, buf + ": the " + (weight ? "weight" : "delay") +
                      " of projection " + name +
                      " is not computed on the device (that needs a uniform "
                      "or normal value and a \"values\" kernel)");
        if (!weight && !b.delays)
          fail(q, buf + ": the delays of projection " + name +
                      " are written on the device, which needs a \"delays\" "
                      "kernel (to check them and size the rings)");
      } else {
        fail(q, buf + " is not written by the kernels of projection " +
                    name + " (its columns or stored buffers, weights and "
                    "delays)");
      }
      b.writes.push_back(int(id));
    }
    // The fill kernel writes the rows: the columns, the stored buffers.
    std::vector<int> filled = pr.stored;
    if (pr.col >= 0 && !list)
      filled.insert(filled.begin(), pr.col);
    for (int id : filled)
      if (!writes.count(id))
        fail(wp, "missing buffer " + std::to_string(id) + " (" +
                     d.buffers[size_t(id)].name +
                     "), which the fill kernel writes");
    d.build.push_back(b);
  }
}

void Parser::resolveCounts() {
  for (BufferDesc &b : d.buffers) {
    std::string p = "buffers[" + std::to_string(b.id) + "].count";
    switch (b.count.kind) {
    case BufferCount::Kind::Fixed:
      break;
    case BufferCount::Kind::Synapses:
    case BufferCount::Kind::History:
      b.count.refIndex = d.findProjection(b.count.ref);
      if (b.count.refIndex < 0)
        fail(p, "no projection \"" + b.count.ref + "\"");
      break;
    case BufferCount::Kind::Ring:
      b.count.refIndex = d.findRing(b.count.ref);
      if (b.count.refIndex < 0)
        fail(p, "no ring \"" + b.count.ref + "\"");
      break;
    case BufferCount::Kind::SpikeArray:
      b.count.refIndex = d.findPopulation(b.count.ref);
      if (b.count.refIndex < 0 ||
          d.populations[b.count.refIndex].kind != PopulationKind::SpikeArray)
        fail(p, "no spike_array population \"" + b.count.ref + "\"");
      break;
    case BufferCount::Kind::RecordSpikes:
      b.count.refIndex = d.findPopulation(b.count.ref);
      if (b.count.refIndex < 0)
        fail(p, "no population \"" + b.count.ref + "\"");
      break;
    case BufferCount::Kind::RecordState:
      b.count.refIndex = std::stoi(b.count.ref);
      if (b.count.refIndex >= int64_t(d.record.state.size()))
        fail(p, "no record.state[" + b.count.ref + "] (there are " +
                    std::to_string(d.record.state.size()) + ")");
      break;
    }
  }
}

void Parser::parse(const json &root) {
  object(root, "(root)");
  if (const json *f = opt(root, "format"))
    if (str(*f, "format") != "snn-descriptor")
      fail("format", "expected \"snn-descriptor\"");
  if (const json *v = opt(root, "version"))
    if (integer(*v, "version") != 1)
      fail("version", "unsupported descriptor version " +
                          std::to_string(integer(*v, "version")) +
                          " (this runtime reads version 1)");
  if (const json *m = opt(root, "model"))
    d.model = str(*m, "model");
  if (const json *s = opt(root, "source_file")) {
    d.sourceFile = str(*s, "source_file");
    std::filesystem::path sp(d.sourceFile);
    if (sp.is_absolute())
      baseDir = sp.parent_path().string();
  }
  d.dt = reqNum(root, "", "dt");
  if (!(d.dt > 0))
    fail("dt", "must be positive");
  d.steps = reqInt(root, "", "steps");
  if (d.steps < 0)
    fail("steps", "must not be negative");
  if (const json *s = opt(root, "seed")) {
    if (s->is_number_unsigned())
      d.seed = s->get<uint64_t>();
    else
      d.seed = uint64_t(integer(*s, "seed"));
  }
  if (const json *p = opt(root, "precision")) {
    std::string prec = str(*p, "precision");
    if (prec == "f64")
      d.precision = ScalarType::F64;
    else if (prec == "f32")
      d.precision = ScalarType::F32;
    else
      fail("precision", "expected \"f32\" or \"f64\"");
  }
  // Known before anything refers to buffers: the GPU target double-buffers
  // spike counts.
  d.hasGpu = opt(root, "gpu") != nullptr;
  if (const json *t = opt(root, "threads")) {
    if (d.hasGpu)
      fail("threads", "a GPU descriptor has no \"threads\" section");
    object(*t, "threads");
    d.maxThreads = reqInt(*t, "threads", "max");
    d.threadAlign = reqInt(*t, "threads", "align");
    if (d.maxThreads < 1 || d.maxThreads > 4096)
      fail("threads.max", "out of range (1 to 4096)");
    if (d.threadAlign < 1 || d.threadAlign > 4096)
      fail("threads.align", "out of range (1 to 4096)");
  }
  buffers(req(root, "", "buffers"), "buffers");
  if (const json *p = opt(root, "populations"))
    populations(*p, "populations");
  if (const json *c = opt(root, "currents"))
    currents(*c, "currents");
  if (const json *p = opt(root, "projections"))
    projections(*p, "projections");
  if (const json *r = opt(root, "rings"))
    rings(*r, "rings");
  else
    rings(json::array(), "rings");
  if (const json *r = opt(root, "record"))
    record(*r, "record");
  if (const json *c = opt(root, "initial_copies")) {
    array(*c, "initial_copies");
    for (size_t k = 0; k < c->size(); ++k) {
      std::string p = idx("initial_copies", k);
      object((*c)[k], p);
      int from = bufferRef((*c)[k], p, "from", true);
      int to = bufferRef((*c)[k], p, "to", true);
      const BufferDesc &a = d.buffers[size_t(from)], &b = d.buffers[size_t(to)];
      if (a.type != b.type || a.count.kind != BufferCount::Kind::Fixed ||
          b.count.kind != BufferCount::Kind::Fixed ||
          a.count.value > b.count.value)
        fail(p, "buffers " + std::to_string(from) + " (" + a.name + ") and " +
                    std::to_string(to) + " (" + b.name +
                    ") differ in type, the second is shorter, or one has a "
                    "derived count");
      d.initialCopies.emplace_back(from, to);
    }
  }
  if (d.hasGpu)
    gpu(*opt(root, "gpu"), "gpu");
  // CPU descriptors: the same build kernels, run on the host by the
  // simulator's threads (snn_build).
  if (const json *b = opt(root, "build")) {
    if (d.hasGpu)
      fail("build", "a GPU descriptor lists its build kernels in gpu.build");
    gpuBuild(*b, "build");
  }
  if (const json *i = opt(root, "init")) {
    if (d.hasGpu)
      fail("init", "a GPU descriptor lists its init kernels in gpu.init");
    init(*i, "init");
  }
  checkInitComplete(d.hasGpu ? "gpu.init" : "init");
  resolveCounts();
}

} // namespace

bool parseDescriptor(const std::string &text, Descriptor &out,
                     std::string &error) {
  out = Descriptor();
  try {
    json root = json::parse(text);
    Parser(out).parse(root);
    return true;
  } catch (const json::parse_error &e) {
    error = std::string("descriptor: invalid JSON: ") + e.what();
  } catch (const DescError &e) {
    error = std::string("descriptor: ") + e.what();
  } catch (const std::exception &e) {
    error = std::string("descriptor: ") + e.what();
  }
  return false;
}

} // namespace snnrt
