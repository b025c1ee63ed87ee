// GGUF v3 writer: header, metadata, tensor infos, aligned tensor data.
#include "llm/gguf/gguf_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>

#include "core/files.h"
#include "core/hash.h"

namespace maas::llm {
namespace gguf_detail {

// Where encoded bytes go: a string (to_bytes) or a file (write).
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  uint64_t written() const { return written_; }

  Status put(const void* data, size_t n) {
    MAAS_RETURN_IF_ERROR(put_raw(data, n));
    written_ += n;
    return Status::ok();
  }
  template <typename T>
  Status put_scalar(T v) { return put(&v, sizeof(v)); }
  Status put_string(const std::string& s) {
    MAAS_RETURN_IF_ERROR(put_scalar<uint64_t>(s.size()));
    return put(s.data(), s.size());
  }
  Status pad_to(uint64_t alignment) {
    static const uint8_t kZeros[256] = {};
    uint64_t pad = (alignment - written_ % alignment) % alignment;
    while (pad > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(pad, sizeof(kZeros)));
      MAAS_RETURN_IF_ERROR(put(kZeros, n));
      pad -= n;
    }
    return Status::ok();
  }

 protected:
  virtual Status put_raw(const void* data, size_t n) = 0;

 private:
  uint64_t written_ = 0;
};

}  // namespace gguf_detail

namespace {

using gguf_detail::ByteSink;

class StringSink : public ByteSink {
 public:
  std::string bytes;

 protected:
  Status put_raw(const void* data, size_t n) override {
    bytes.append(static_cast<const char*>(data), n);
    return Status::ok();
  }
};

// Buffers writes to a file descriptor in 1 MiB chunks.
class FileSink : public ByteSink {
 public:
  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) { buf_.reserve(kBufferSize); }

  Status flush() {
    size_t off = 0;
    while (off < buf_.size()) {
      const ssize_t w = ::write(fd_, buf_.data() + off, buf_.size() - off);
      if (w < 0) {
        if (errno == EINTR) continue;
        return error(Code::kInternal, "cannot write '{}': {}", path_, std::strerror(errno));
      }
      off += static_cast<size_t>(w);
    }
    buf_.clear();
    return Status::ok();
  }

 protected:
  Status put_raw(const void* data, size_t n) override {
    const auto* p = static_cast<const uint8_t*>(data);
    while (n > 0) {
      const size_t take = std::min(n, kBufferSize - buf_.size());
      buf_.insert(buf_.end(), p, p + take);
      p += take;
      n -= take;
      if (buf_.size() == kBufferSize) MAAS_RETURN_IF_ERROR(flush());
    }
    return Status::ok();
  }

 private:
  static constexpr size_t kBufferSize = size_t{1} << 20;
  int fd_;
  std::string path_;
  std::vector<uint8_t> buf_;
};

// Checks that `v` holds what its type says (and fits), and writes its payload.
Status put_value(ByteSink& sink, const GgufValue& v, const std::string& key, int depth);

template <typename Narrow, typename Stored>
Status put_number(ByteSink& sink, const GgufValue& v, const std::string& key) {
  const auto* x = std::get_if<Stored>(&v.v);
  if (!x) return invalid_argument("metadata '{}': value does not hold a {}", key, gguf_type_name(v.type));
  if constexpr (std::is_integral_v<Narrow>) {
    if (*x < static_cast<Stored>(std::numeric_limits<Narrow>::min()) ||
        *x > static_cast<Stored>(std::numeric_limits<Narrow>::max()))
      return invalid_argument("metadata '{}': {} does not fit in {}", key, *x, gguf_type_name(v.type));
  }
  return sink.put_scalar(static_cast<Narrow>(*x));
}

Status put_value(ByteSink& sink, const GgufValue& v, const std::string& key, int depth) {
  switch (v.type) {
    case GgufType::kUint8: return put_number<uint8_t, uint64_t>(sink, v, key);
    case GgufType::kInt8: return put_number<int8_t, int64_t>(sink, v, key);
    case GgufType::kUint16: return put_number<uint16_t, uint64_t>(sink, v, key);
    case GgufType::kInt16: return put_number<int16_t, int64_t>(sink, v, key);
    case GgufType::kUint32: return put_number<uint32_t, uint64_t>(sink, v, key);
    case GgufType::kInt32: return put_number<int32_t, int64_t>(sink, v, key);
    case GgufType::kUint64: return put_number<uint64_t, uint64_t>(sink, v, key);
    case GgufType::kInt64: return put_number<int64_t, int64_t>(sink, v, key);
    case GgufType::kFloat32: return put_number<float, double>(sink, v, key);
    case GgufType::kFloat64: return put_number<double, double>(sink, v, key);
    case GgufType::kBool: {
      const auto* b = std::get_if<bool>(&v.v);
      if (!b) return invalid_argument("metadata '{}': value does not hold a bool", key);
      return sink.put_scalar<uint8_t>(*b ? 1 : 0);
    }
    case GgufType::kString: {
      const auto* s = std::get_if<std::string>(&v.v);
      if (!s) return invalid_argument("metadata '{}': value does not hold a string", key);
      return sink.put_string(*s);
    }
    case GgufType::kArray: {
      const auto* a = std::get_if<std::shared_ptr<GgufArray>>(&v.v);
      if (!a || !*a) return invalid_argument("metadata '{}': value does not hold an array", key);
      if (depth >= 8) return invalid_argument("metadata '{}': arrays nested too deep", key);
      MAAS_RETURN_IF_ERROR(sink.put_scalar<uint32_t>(static_cast<uint32_t>((*a)->elem_type)));
      MAAS_RETURN_IF_ERROR(sink.put_scalar<uint64_t>((*a)->items.size()));
      for (const GgufValue& item : (*a)->items) {
        if (item.type != (*a)->elem_type)
          return invalid_argument("metadata '{}': array of {} holds a {}", key,
                                  gguf_type_name((*a)->elem_type), gguf_type_name(item.type));
        MAAS_RETURN_IF_ERROR(put_value(sink, item, key, depth + 1));
      }
      return Status::ok();
    }
  }
  return invalid_argument("metadata '{}': unknown type {}", key, static_cast<uint32_t>(v.type));
}

GgufValue make(GgufType type, decltype(GgufValue::v) v) {
  GgufValue out;
  out.type = type;
  out.v = std::move(v);
  return out;
}

}  // namespace

GgufValue gguf_value_string(std::string s) { return make(GgufType::kString, std::move(s)); }
GgufValue gguf_value_uint32(uint32_t v) { return make(GgufType::kUint32, uint64_t{v}); }
GgufValue gguf_value_array(GgufType elem_type, std::vector<GgufValue> items) {
  auto a = std::make_shared<GgufArray>();
  a->elem_type = elem_type;
  a->items = std::move(items);
  return make(GgufType::kArray, std::move(a));
}

GgufWriter::GgufWriter(uint64_t alignment, uint32_t version) : alignment_(alignment), version_(version) {
  if (alignment_ != kGgufDefaultAlignment) set_uint32("general.alignment", static_cast<uint32_t>(alignment_));
}

void GgufWriter::set_value(const std::string& key, GgufValue v) {
  for (auto& [k, old] : kv_) {
    if (k == key) {
      old = std::move(v);
      return;
    }
  }
  kv_.emplace_back(key, std::move(v));
}

bool GgufWriter::remove(const std::string& key) {
  auto it = std::find_if(kv_.begin(), kv_.end(), [&](const auto& kv) { return kv.first == key; });
  if (it == kv_.end()) return false;
  kv_.erase(it);
  return true;
}

void GgufWriter::set_uint8(const std::string& k, uint8_t v) { set_value(k, make(GgufType::kUint8, uint64_t{v})); }
void GgufWriter::set_int8(const std::string& k, int8_t v) { set_value(k, make(GgufType::kInt8, int64_t{v})); }
void GgufWriter::set_uint16(const std::string& k, uint16_t v) { set_value(k, make(GgufType::kUint16, uint64_t{v})); }
void GgufWriter::set_int16(const std::string& k, int16_t v) { set_value(k, make(GgufType::kInt16, int64_t{v})); }
void GgufWriter::set_uint32(const std::string& k, uint32_t v) { set_value(k, make(GgufType::kUint32, uint64_t{v})); }
void GgufWriter::set_int32(const std::string& k, int32_t v) { set_value(k, make(GgufType::kInt32, int64_t{v})); }
void GgufWriter::set_uint64(const std::string& k, uint64_t v) { set_value(k, make(GgufType::kUint64, v)); }
void GgufWriter::set_int64(const std::string& k, int64_t v) { set_value(k, make(GgufType::kInt64, v)); }
void GgufWriter::set_float32(const std::string& k, float v) { set_value(k, make(GgufType::kFloat32, double{v})); }
void GgufWriter::set_float64(const std::string& k, double v) { set_value(k, make(GgufType::kFloat64, v)); }
void GgufWriter::set_bool(const std::string& k, bool v) { set_value(k, make(GgufType::kBool, v)); }
void GgufWriter::set_string(const std::string& k, std::string v) { set_value(k, gguf_value_string(std::move(v))); }

void GgufWriter::set_string_array(const std::string& key, const std::vector<std::string>& v) {
  std::vector<GgufValue> items;
  items.reserve(v.size());
  for (const auto& s : v) items.push_back(gguf_value_string(s));
  set_value(key, gguf_value_array(GgufType::kString, std::move(items)));
}

void GgufWriter::set_float32_array(const std::string& key, const std::vector<float>& v) {
  std::vector<GgufValue> items;
  items.reserve(v.size());
  for (float x : v) items.push_back(make(GgufType::kFloat32, double{x}));
  set_value(key, gguf_value_array(GgufType::kFloat32, std::move(items)));
}

void GgufWriter::set_int32_array(const std::string& key, const std::vector<int32_t>& v) {
  std::vector<GgufValue> items;
  items.reserve(v.size());
  for (int32_t x : v) items.push_back(make(GgufType::kInt32, int64_t{x}));
  set_value(key, gguf_value_array(GgufType::kInt32, std::move(items)));
}

void GgufWriter::copy_metadata_from(const GgufFile& file) {
  for (const auto& [key, value] : file.metadata())
    if (key != "general.alignment") set_value(key, value);
}

Status GgufWriter::check_tensor(const std::string& name, tensor::DType type,
                                const std::vector<uint64_t>& dims, size_t nbytes) const {
  if (name.empty() || name.size() > kGgufMaxTensorName)
    return invalid_argument("tensor name '{}' must be 1 to {} bytes", name, kGgufMaxTensorName);
  for (const auto& t : tensors_)
    if (t.name == name) return invalid_argument("tensor '{}' added twice", name);
  if (dims.empty() || dims.size() > kGgufMaxDims)
    return invalid_argument("tensor '{}': {} dimensions (want 1 to {})", name, dims.size(), kGgufMaxDims);
  const tensor::DTypeInfo& info = tensor::dtype_info(type);
  if (dims[0] % info.block_size != 0)
    return invalid_argument("tensor '{}': row length {} is not a multiple of the {} block size {}", name,
                            dims[0], info.name, info.block_size);
  uint64_t n = 1;
  for (uint64_t d : dims)
    if (__builtin_mul_overflow(n, d, &n)) return invalid_argument("tensor '{}': shape overflows", name);
  const uint64_t want = n / info.block_size * info.type_size;
  if (want != nbytes)
    return invalid_argument("tensor '{}': {} bytes given, the {} shape needs {}", name, nbytes, info.name, want);
  return Status::ok();
}

Status GgufWriter::add_tensor(const std::string& name, tensor::DType type, std::vector<uint64_t> dims,
                              std::vector<uint8_t> bytes) {
  MAAS_RETURN_IF_ERROR(check_tensor(name, type, dims, bytes.size()));
  PendingTensor t{name, type, std::move(dims), std::move(bytes), nullptr, 0};
  t.nbytes = t.owned.size();
  tensors_.push_back(std::move(t));
  tensors_.back().data = tensors_.back().owned.data();
  return Status::ok();
}

Status GgufWriter::add_tensor_view(const std::string& name, tensor::DType type, std::vector<uint64_t> dims,
                                   const void* data, size_t nbytes) {
  MAAS_RETURN_IF_ERROR(check_tensor(name, type, dims, nbytes));
  if (!data && nbytes > 0) return invalid_argument("tensor '{}': no data", name);
  tensors_.push_back(PendingTensor{name, type, std::move(dims), {}, static_cast<const uint8_t*>(data), nbytes});
  return Status::ok();
}

Status GgufWriter::emit(ByteSink& sink) const {
  if (version_ != 2 && version_ != 3) return invalid_argument("cannot write GGUF version {}", version_);
  if (alignment_ == 0 || (alignment_ & (alignment_ - 1)) != 0)
    return invalid_argument("alignment {} is not a power of two", alignment_);
  MAAS_RETURN_IF_ERROR(sink.put_scalar<uint32_t>(kGgufMagic));
  MAAS_RETURN_IF_ERROR(sink.put_scalar<uint32_t>(version_));
  MAAS_RETURN_IF_ERROR(sink.put_scalar<uint64_t>(tensors_.size()));
  MAAS_RETURN_IF_ERROR(sink.put_scalar<uint64_t>(kv_.size()));
  for (const auto& [key, value] : kv_) {
    MAAS_RETURN_IF_ERROR(sink.put_string(key));
    MAAS_RETURN_IF_ERROR(sink.put_scalar<uint32_t>(static_cast<uint32_t>(value.type)));
    MAAS_RETURN_IF_ERROR(put_value(sink, value, key, 0));
  }
  uint64_t offset = 0;
  for (const auto& t : tensors_) {
    MAAS_RETURN_IF_ERROR(sink.put_string(t.name));
    MAAS_RETURN_IF_ERROR(sink.put_scalar<uint32_t>(static_cast<uint32_t>(t.dims.size())));
    for (uint64_t d : t.dims) MAAS_RETURN_IF_ERROR(sink.put_scalar<uint64_t>(d));
    MAAS_RETURN_IF_ERROR(sink.put_scalar<uint32_t>(static_cast<uint32_t>(t.type)));
    MAAS_RETURN_IF_ERROR(sink.put_scalar<uint64_t>(offset));
    offset += (t.nbytes + alignment_ - 1) / alignment_ * alignment_;
  }
  MAAS_RETURN_IF_ERROR(sink.pad_to(alignment_));
  for (const auto& t : tensors_) {
    MAAS_RETURN_IF_ERROR(sink.put(t.data, t.nbytes));
    MAAS_RETURN_IF_ERROR(sink.pad_to(alignment_));
  }
  return Status::ok();
}

Result<std::string> GgufWriter::to_bytes() const {
  StringSink sink;
  MAAS_RETURN_IF_ERROR(emit(sink));
  return std::move(sink.bytes);
}

Status GgufWriter::write(const std::string& path) const {
  const std::string tmp = path + ".tmp-" + random_hex(4);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return error(Code::kInternal, "cannot create '{}': {}", tmp, std::strerror(errno));
  FileSink sink(fd, tmp);
  Status st = emit(sink);
  if (st.is_ok()) st = sink.flush();
  if (st.is_ok() && ::fsync(fd) != 0)
    st = error(Code::kInternal, "cannot fsync '{}': {}", tmp, std::strerror(errno));
  if (::close(fd) != 0 && st.is_ok())
    st = error(Code::kInternal, "cannot close '{}': {}", tmp, std::strerror(errno));
  if (st.is_ok() && ::rename(tmp.c_str(), path.c_str()) != 0)
    st = error(Code::kInternal, "cannot rename '{}' to '{}': {}", tmp, path, std::strerror(errno));
  if (!st.is_ok()) {
    ::unlink(tmp.c_str());
    return st.with_context(fmt::format("writing gguf '{}'", path));
  }
  return fsync_dir(std::filesystem::path(path).parent_path().string());
}

}  // namespace maas::llm
