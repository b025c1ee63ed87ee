// GGUF reader: maps the file read-only and validates everything before handing it out.
#include "llm/gguf/gguf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "llm/gguf/gguf_cursor.h"

namespace maas::llm {

using gguf_detail::Cursor;

namespace {

constexpr int kMaxArrayDepth = 8;                       // nested arrays deeper than this are absurd
constexpr uint64_t kMaxKeyLength = 65535;               // spec: keys are at most 2^16-1 bytes
constexpr uint64_t kMaxReaderTensorName = 255;          // lenient; the writer keeps ggml's 63
constexpr uint64_t kMaxStringLength = uint64_t{1} << 30;  // 1 GiB for one metadata string
constexpr size_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;   // empty name, 0 dims, type, offset

// Smallest encoded size of one array element of `type`.
size_t min_encoded_size(GgufType type) {
  if (type == GgufType::kString) return 8;
  if (type == GgufType::kArray) return 4 + 8;
  return gguf_type_size(type);
}

bool is_power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

// Multiplies with overflow detection.
bool mul_overflows(uint64_t a, uint64_t b, uint64_t* out) { return __builtin_mul_overflow(a, b, out); }

}  // namespace

const char* gguf_type_name(GgufType type) {
  switch (type) {
    case GgufType::kUint8: return "uint8";
    case GgufType::kInt8: return "int8";
    case GgufType::kUint16: return "uint16";
    case GgufType::kInt16: return "int16";
    case GgufType::kUint32: return "uint32";
    case GgufType::kInt32: return "int32";
    case GgufType::kFloat32: return "float32";
    case GgufType::kBool: return "bool";
    case GgufType::kString: return "string";
    case GgufType::kArray: return "array";
    case GgufType::kUint64: return "uint64";
    case GgufType::kInt64: return "int64";
    case GgufType::kFloat64: return "float64";
  }
  return "?";
}

bool gguf_type_is_valid(uint32_t type) { return type <= static_cast<uint32_t>(GgufType::kFloat64); }

size_t gguf_type_size(GgufType type) {
  switch (type) {
    case GgufType::kUint8: case GgufType::kInt8: case GgufType::kBool: return 1;
    case GgufType::kUint16: case GgufType::kInt16: return 2;
    case GgufType::kUint32: case GgufType::kInt32: case GgufType::kFloat32: return 4;
    case GgufType::kUint64: case GgufType::kInt64: case GgufType::kFloat64: return 8;
    case GgufType::kString: case GgufType::kArray: return 0;
  }
  return 0;
}

uint64_t GgufTensor::n_elements() const {
  uint64_t n = 1;
  for (uint64_t d : dims) n *= d;  // validated not to overflow when the file was opened
  return n;
}

// Walks the file once: header, metadata, tensor infos, then checks the data layout.
class GgufParser {
 public:
  explicit GgufParser(GgufFile& file) : f_(file), c_(file.base_, file.size_) {}

  Status parse() {
    MAAS_RETURN_IF_ERROR(parse_header());
    MAAS_RETURN_IF_ERROR(parse_metadata());
    MAAS_RETURN_IF_ERROR(read_alignment());
    MAAS_RETURN_IF_ERROR(parse_tensor_infos());
    return check_tensor_layout();
  }

 private:
  Status parse_header() {
    uint32_t magic = 0;
    MAAS_RETURN_IF_ERROR(c_.read(&magic, "the magic number"));
    if (magic != kGgufMagic)
      return data_loss("not a GGUF file: bad magic {:02x} {:02x} {:02x} {:02x} at offset 0 (want 'GGUF')",
                       magic & 0xff, (magic >> 8) & 0xff, (magic >> 16) & 0xff, magic >> 24);
    MAAS_RETURN_IF_ERROR(c_.read(&f_.version_, "the version"));
    if (f_.version_ != 2 && f_.version_ != 3)
      return error(Code::kInvalidArgument, "unsupported GGUF version {} (supported: 2, 3)", f_.version_);
    MAAS_RETURN_IF_ERROR(c_.read(&n_tensors_, "the tensor count"));
    MAAS_RETURN_IF_ERROR(c_.read(&n_kv_, "the metadata count"));
    // Each key/value needs at least 8 (key length) + 4 (type) + 1 bytes.
    if (n_kv_ > c_.remaining() / 13)
      return data_loss("absurd metadata count {} at offset 16: the file has only {} bytes left",
                       n_kv_, c_.remaining());
    if (n_tensors_ > c_.remaining() / kMinTensorInfoBytes)
      return data_loss("absurd tensor count {} at offset 8: the file has only {} bytes left",
                       n_tensors_, c_.remaining());
    return Status::ok();
  }

  Status parse_metadata() {
    for (uint64_t i = 0; i < n_kv_; ++i) {
      const size_t at = c_.offset();
      std::string key;
      Status st = c_.read_string(&key, "a metadata key", kMaxKeyLength);
      if (!st.is_ok()) return st.with_context(fmt::format("metadata entry {}", i));
      uint32_t type = 0;
      st = c_.read(&type, "a metadata value type");
      if (st.is_ok()) st = read_value(type, 0, &value_);
      if (!st.is_ok()) return st.with_context(fmt::format("metadata '{}' (entry {})", key, i));
      if (!f_.kv_.emplace(key, std::move(value_)).second)
        return data_loss("duplicate metadata key '{}' at offset {}", key, at);
    }
    return Status::ok();
  }

  // Reads one value of `type` (already read) at the cursor.
  Status read_value(uint32_t type, int depth, GgufValue* out) {
    if (!gguf_type_is_valid(type))
      return data_loss("unknown value type {} at offset {}", type, c_.offset() - 4);
    out->type = static_cast<GgufType>(type);
    switch (out->type) {
      case GgufType::kUint8: return read_number<uint8_t, uint64_t>(out);
      case GgufType::kInt8: return read_number<int8_t, int64_t>(out);
      case GgufType::kUint16: return read_number<uint16_t, uint64_t>(out);
      case GgufType::kInt16: return read_number<int16_t, int64_t>(out);
      case GgufType::kUint32: return read_number<uint32_t, uint64_t>(out);
      case GgufType::kInt32: return read_number<int32_t, int64_t>(out);
      case GgufType::kUint64: return read_number<uint64_t, uint64_t>(out);
      case GgufType::kInt64: return read_number<int64_t, int64_t>(out);
      case GgufType::kFloat32: return read_number<float, double>(out);
      case GgufType::kFloat64: return read_number<double, double>(out);
      case GgufType::kBool: {
        const size_t at = c_.offset();
        uint8_t b = 0;
        MAAS_RETURN_IF_ERROR(c_.read(&b, "a bool"));
        if (b > 1) return data_loss("bool at offset {} has value {} (want 0 or 1)", at, b);
        out->v = b == 1;
        return Status::ok();
      }
      case GgufType::kString: {
        std::string s;
        MAAS_RETURN_IF_ERROR(c_.read_string(&s, "a string", kMaxStringLength));
        out->v = std::move(s);
        return Status::ok();
      }
      case GgufType::kArray: return read_array(depth, out);
    }
    return internal_error("unreachable GGUF type {}", type);
  }

  template <typename Stored, typename Widened>
  Status read_number(GgufValue* out) {
    Stored x{};
    MAAS_RETURN_IF_ERROR(c_.read(&x, gguf_type_name(out->type)));
    out->v = static_cast<Widened>(x);
    return Status::ok();
  }

  Status read_array(int depth, GgufValue* out) {
    if (depth >= kMaxArrayDepth)
      return data_loss("arrays nested more than {} deep at offset {}", kMaxArrayDepth, c_.offset());
    auto array = std::make_shared<GgufArray>();
    uint32_t elem_type = 0;
    MAAS_RETURN_IF_ERROR(c_.read(&elem_type, "an array element type"));
    if (!gguf_type_is_valid(elem_type))
      return data_loss("unknown array element type {} at offset {}", elem_type, c_.offset() - 4);
    array->elem_type = static_cast<GgufType>(elem_type);
    const size_t count_at = c_.offset();
    uint64_t count = 0;
    MAAS_RETURN_IF_ERROR(c_.read(&count, "an array length"));
    const size_t min_size = min_encoded_size(array->elem_type);
    if (count > c_.remaining() / min_size)
      return data_loss("absurd array length {} at offset {}: {} elements of type {} need at least {} "
                       "bytes per element but only {} bytes are left",
                       count, count_at, count, gguf_type_name(array->elem_type), min_size, c_.remaining());
    array->items.resize(static_cast<size_t>(count));
    for (uint64_t i = 0; i < count; ++i) {
      Status st = read_value(elem_type, depth + 1, &array->items[i]);
      if (!st.is_ok()) return st.with_context(fmt::format("array item {}", i));
    }
    out->v = std::move(array);
    return Status::ok();
  }

  Status read_alignment() {
    const GgufValue* v = f_.find("general.alignment");
    if (!v) return Status::ok();
    Result<uint64_t> a = f_.get_uint("general.alignment");
    if (!a.is_ok()) return a.status();
    if (!is_power_of_two(*a) || *a > (uint64_t{1} << 30))
      return data_loss("general.alignment is {}, not a power of two up to 2^30", *a);
    f_.alignment_ = *a;
    return Status::ok();
  }

  Status parse_tensor_infos() {
    f_.tensors_.resize(static_cast<size_t>(n_tensors_));
    for (uint64_t i = 0; i < n_tensors_; ++i) {
      Status st = parse_tensor_info(f_.tensors_[i]);
      if (!st.is_ok()) {
        const std::string& name = f_.tensors_[i].name;
        return st.with_context(name.empty() ? fmt::format("tensor {}", i)
                                            : fmt::format("tensor {} '{}'", i, name));
      }
      if (!f_.tensor_index_.emplace(f_.tensors_[i].name, i).second)
        return data_loss("duplicate tensor name '{}' (tensor {})", f_.tensors_[i].name, i);
    }
    return Status::ok();
  }

  Status parse_tensor_info(GgufTensor& t) {
    MAAS_RETURN_IF_ERROR(c_.read_string(&t.name, "the tensor name", kMaxReaderTensorName));
    uint32_t n_dims = 0;
    const size_t dims_at = c_.offset();
    MAAS_RETURN_IF_ERROR(c_.read(&n_dims, "the dimension count"));
    if (n_dims > kGgufMaxDims)
      return data_loss("{} dimensions at offset {} (at most {})", n_dims, dims_at, kGgufMaxDims);
    t.dims.resize(n_dims);
    uint64_t n_elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      MAAS_RETURN_IF_ERROR(c_.read(&t.dims[d], "a dimension"));
      if (t.dims[d] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
          mul_overflows(n_elements, t.dims[d], &n_elements) ||
          n_elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return data_loss("absurd shape: dimension {} is {}, the element count overflows", d, t.dims[d]);
    }
    const size_t type_at = c_.offset();
    uint32_t type = 0;
    MAAS_RETURN_IF_ERROR(c_.read(&type, "the tensor type"));
    std::optional<tensor::DTypeInfo> info = tensor::dtype_info(type);
    if (!info) return data_loss("unknown tensor type {} at offset {}", type, type_at);
    t.type = info->type;
    MAAS_RETURN_IF_ERROR(c_.read(&t.offset, "the tensor data offset"));
    const uint64_t row = t.dims.empty() ? 1 : t.dims[0];
    if (row % info->block_size != 0)
      return data_loss("row length {} is not a multiple of the {} block size {}", row, info->name,
                       info->block_size);
    // nbytes = elements / block_size * type_size; cannot overflow by more than the checks catch.
    if (mul_overflows(n_elements / info->block_size, info->type_size, &t.nbytes))
      return data_loss("absurd shape: the byte size overflows");
    return Status::ok();
  }

  Status check_tensor_layout() {
    const uint64_t a = f_.alignment_;
    const uint64_t info_end = c_.offset();
    const uint64_t data_start = (info_end + a - 1) / a * a;
    f_.data_offset_ = data_start;
    if (f_.tensors_.empty()) return Status::ok();
    if (data_start > f_.size_)
      return data_loss("truncated file: the tensor data section starts at offset {} but the file ends at {}",
                       data_start, f_.size_);
    const uint64_t data_size = f_.size_ - data_start;
    std::vector<size_t> by_offset(f_.tensors_.size());
    for (size_t i = 0; i < by_offset.size(); ++i) {
      GgufTensor& t = f_.tensors_[i];
      if (t.offset % a != 0)
        return data_loss("tensor '{}': data offset {} is not a multiple of the alignment {}", t.name,
                         t.offset, a);
      if (t.offset > data_size || t.nbytes > data_size - t.offset)
        return data_loss("tensor '{}': data [{}, {}) of the data section (file offsets [{}, {})) lies "
                         "outside the file of {} bytes",
                         t.name, t.offset, t.offset + t.nbytes, data_start + t.offset,
                         data_start + t.offset + t.nbytes, f_.size_);
      t.data = f_.base_ + data_start + t.offset;
      by_offset[i] = i;
    }
    std::sort(by_offset.begin(), by_offset.end(),
              [&](size_t x, size_t y) { return f_.tensors_[x].offset < f_.tensors_[y].offset; });
    for (size_t k = 1; k < by_offset.size(); ++k) {
      const GgufTensor& prev = f_.tensors_[by_offset[k - 1]];
      const GgufTensor& cur = f_.tensors_[by_offset[k]];
      if (prev.offset + prev.nbytes > cur.offset)
        return data_loss("tensors '{}' [{}, {}) and '{}' [{}, {}) overlap in the data section", prev.name,
                         prev.offset, prev.offset + prev.nbytes, cur.name, cur.offset,
                         cur.offset + cur.nbytes);
    }
    return Status::ok();
  }

  GgufFile& f_;
  Cursor c_;
  uint64_t n_tensors_ = 0;
  uint64_t n_kv_ = 0;
  GgufValue value_;
};

namespace {

// Opens `path` read-only and checks it is a regular file; returns fd and size.
Status open_regular_file(const std::string& path, int* fd, size_t* size) {
  *fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (*fd < 0) {
    const int err = errno;
    return Status(err == ENOENT ? Code::kNotFound : Code::kInvalidArgument,
                  fmt::format("cannot open '{}': {}", path, std::strerror(err)));
  }
  struct stat st {};
  if (::fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(*fd);
    return invalid_argument("'{}' is not a regular file", path);
  }
  *size = static_cast<size_t>(st.st_size);
  return Status::ok();
}

}  // namespace

GgufFile::~GgufFile() {
  if (base_) ::munmap(const_cast<uint8_t*>(base_), size_);
}

Result<std::shared_ptr<GgufFile>> GgufFile::open(const std::string& path) {
  int fd = -1;
  size_t size = 0;
  MAAS_RETURN_IF_ERROR(open_regular_file(path, &fd, &size));
  std::shared_ptr<GgufFile> file(new GgufFile());
  file->path_ = path;
  if (size > 0) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int err = errno;
    ::close(fd);
    if (p == MAP_FAILED) return internal_error("cannot map '{}': {}", path, std::strerror(err));
    file->base_ = static_cast<const uint8_t*>(p);
    file->size_ = size;
  } else {
    ::close(fd);
  }
  Status st = GgufParser(*file).parse();
  if (!st.is_ok()) return st.with_context(fmt::format("gguf '{}'", path));
  return file;
}

void GgufFile::release_pages(const void* p, size_t n) const {
  const auto* begin = static_cast<const uint8_t*>(p);
  if (base_ == nullptr || begin < base_ || n > size_ || begin - base_ > static_cast<ptrdiff_t>(size_ - n)) return;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t first = (reinterpret_cast<uintptr_t>(begin) + page - 1) / page * page;
  const uintptr_t last = (reinterpret_cast<uintptr_t>(begin) + n) / page * page;
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

const GgufTensor* GgufFile::tensor(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

Status gguf_check_header(const std::string& path) {
  int fd = -1;
  size_t size = 0;
  MAAS_RETURN_IF_ERROR(open_regular_file(path, &fd, &size));
  uint8_t header[24] = {};
  const ssize_t got = ::pread(fd, header, sizeof(header), 0);
  ::close(fd);
  const size_t n = got < 0 ? 0 : static_cast<size_t>(got);
  Cursor c(header, std::min(n, size));
  uint32_t magic = 0, version = 0;
  uint64_t n_tensors = 0, n_kv = 0;
  Status st = c.read(&magic, "the magic number");
  if (st.is_ok() && magic != kGgufMagic)
    st = data_loss("not a GGUF file: bad magic at offset 0 (want 'GGUF')");
  if (st.is_ok()) st = c.read(&version, "the version");
  if (st.is_ok() && version != 2 && version != 3)
    st = invalid_argument("unsupported GGUF version {} (supported: 2, 3)", version);
  if (st.is_ok()) st = c.read(&n_tensors, "the tensor count");
  if (st.is_ok()) st = c.read(&n_kv, "the metadata count");
  if (st.is_ok() && n_tensors > size / kMinTensorInfoBytes)
    st = data_loss("absurd tensor count {} for a file of {} bytes", n_tensors, size);
  if (st.is_ok() && n_kv > size / 13)
    st = data_loss("absurd metadata count {} for a file of {} bytes", n_kv, size);
  return st.with_context(fmt::format("gguf '{}'", path));
}

}  // namespace maas::llm
