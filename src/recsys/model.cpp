#include "recsys/model.h"

#include <cstring>

#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"

namespace maas::recsys {

namespace {
constexpr const char* kAlgoNames[] = {"popularity", "bias", "itemknn", "userknn", "mf", "als", "content", "hybrid"};
constexpr const char* kSimilarityNames[] = {"cosine", "pearson", "adjusted_cosine"};

using llm::GgufFile;
using llm::GgufWriter;
using tensor::DType;

template <class T>
Status add_vector(GgufWriter& w, const std::string& name, const std::vector<T>& v, uint64_t row = 0) {
  if (v.empty()) return Status::ok();
  const DType type = std::is_same_v<T, float> ? DType::kF32 : DType::kI32;
  std::vector<uint64_t> dims = row ? std::vector<uint64_t>{row, v.size() / row} : std::vector<uint64_t>{v.size()};
  return w.add_tensor_view(name, type, dims, v.data(), v.size() * sizeof(T));
}

// The tensor's elements (empty when absent); `expected` (if >= 0) is checked.
template <class T>
Result<std::vector<T>> read_vector(const GgufFile& f, const std::string& name, int64_t expected) {
  const llm::GgufTensor* t = f.tensor(name);
  if (!t) {
    if (expected > 0) return data_loss("recsys model has no tensor '{}'", name);
    return std::vector<T>{};
  }
  const DType want = std::is_same_v<T, float> ? DType::kF32 : DType::kI32;
  if (t->type != want) return data_loss("tensor '{}' has the wrong type", name);
  const int64_t n = static_cast<int64_t>(t->n_elements());
  if (expected >= 0 && n != expected)
    return data_loss("tensor '{}' has {} elements, expected {}", name, n, expected);
  std::vector<T> v(static_cast<size_t>(n));
  std::memcpy(v.data(), t->data, v.size() * sizeof(T));
  return v;
}

Status check_csr_like(const std::vector<int32_t>& offsets, const std::vector<int32_t>& index, int32_t cols,
                      const std::string& what) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != static_cast<int32_t>(index.size()))
    return data_loss("{}: offsets do not cover the entries", what);
  for (size_t r = 0; r + 1 < offsets.size(); ++r)
    if (offsets[r] > offsets[r + 1]) return data_loss("{}: offsets decrease at row {}", what, r);
  for (int32_t c : index)
    if (c < 0 || c >= cols) return data_loss("{}: index {} out of range [0, {})", what, c, cols);
  return Status::ok();
}

Status add_neighbours(GgufWriter& w, const std::string& prefix, const Neighbours& n) {
  if (n.index.empty()) return Status::ok();
  MAAS_RETURN_IF_ERROR(add_vector(w, prefix + ".offsets", n.offsets));
  MAAS_RETURN_IF_ERROR(add_vector(w, prefix + ".index", n.index));
  return add_vector(w, prefix + ".sim", n.sim);
}

Result<Neighbours> read_neighbours(const GgufFile& f, const std::string& prefix, int32_t rows, int32_t cols) {
  Neighbours n;
  if (!f.tensor(prefix + ".offsets")) return n;
  MAAS_ASSIGN_OR_RETURN(n.offsets, read_vector<int32_t>(f, prefix + ".offsets", rows + 1));
  MAAS_ASSIGN_OR_RETURN(n.index, read_vector<int32_t>(f, prefix + ".index", -1));
  MAAS_ASSIGN_OR_RETURN(n.sim, read_vector<float>(f, prefix + ".sim", static_cast<int64_t>(n.index.size())));
  MAAS_RETURN_IF_ERROR(check_csr_like(n.offsets, n.index, cols, prefix));
  return n;
}

}  // namespace

const char* algo_name(Algo a) { return kAlgoNames[static_cast<int>(a)]; }
Result<Algo> parse_algo(const std::string& name) {
  for (int i = 0; i < 8; ++i)
    if (name == kAlgoNames[i]) return static_cast<Algo>(i);
  return invalid_argument("unknown recsys algorithm '{}'", name);
}
const char* similarity_name(Similarity s) { return kSimilarityNames[static_cast<int>(s)]; }
Result<Similarity> parse_similarity(const std::string& name) {
  for (int i = 0; i < 3; ++i)
    if (name == kSimilarityNames[i]) return static_cast<Similarity>(i);
  return invalid_argument("unknown similarity '{}' (cosine, pearson, adjusted_cosine)", name);
}

std::vector<std::string> item_categories(const RecModel& m, int32_t i) { return split_categories(m.categories[i]); }

Status save_model(const RecModel& m, const std::string& path) {
  GgufWriter w;
  w.set_string("general.architecture", "recsys");
  w.set_string("general.name", std::string("recsys-") + algo_name(m.algo));
  w.set_string("recsys.algo", algo_name(m.algo));
  w.set_bool("recsys.implicit", m.implicit);
  w.set_float32("recsys.global_mean", m.global_mean);
  w.set_float32("recsys.rating_min", m.rating_min);
  w.set_float32("recsys.rating_max", m.rating_max);
  w.set_uint32("recsys.factors", static_cast<uint32_t>(m.factors));
  w.set_float32("recsys.reg", m.reg);
  w.set_float32("recsys.alpha", m.alpha);
  w.set_uint32("recsys.knn.k", static_cast<uint32_t>(m.knn.k));
  w.set_string("recsys.knn.similarity", similarity_name(m.knn.similarity));
  w.set_float32("recsys.knn.shrinkage", m.knn.shrinkage);
  w.set_bool("recsys.knn.baseline_corrected", m.knn.baseline_corrected);
  w.set_float32("recsys.hybrid_beta", m.hybrid_beta);
  w.set_string("recsys.columns.user", m.columns.user);
  w.set_string("recsys.columns.item", m.columns.item);
  w.set_string("recsys.columns.rating", m.columns.rating);
  w.set_string("recsys.columns.timestamp", m.columns.timestamp);
  w.set_string_array("recsys.user_ids", m.users.ids);
  w.set_string_array("recsys.item_ids", m.items.ids);
  w.set_string_array("recsys.item_titles", m.titles);
  w.set_string_array("recsys.item_categories", m.categories);
  MAAS_RETURN_IF_ERROR(add_vector(w, "seen.offsets", m.seen.offsets));
  MAAS_RETURN_IF_ERROR(add_vector(w, "seen.items", m.seen.index));
  MAAS_RETURN_IF_ERROR(add_vector(w, "seen.values", m.seen.value));
  MAAS_RETURN_IF_ERROR(add_vector(w, "popularity", m.popularity));
  MAAS_RETURN_IF_ERROR(add_vector(w, "user_bias", m.user_bias));
  MAAS_RETURN_IF_ERROR(add_vector(w, "item_bias", m.item_bias));
  MAAS_RETURN_IF_ERROR(add_vector(w, "user_factors", m.user_factors, static_cast<uint64_t>(m.factors)));
  MAAS_RETURN_IF_ERROR(add_vector(w, "item_factors", m.item_factors, static_cast<uint64_t>(m.factors)));
  MAAS_RETURN_IF_ERROR(add_neighbours(w, "item_neighbours", m.item_neighbours));
  MAAS_RETURN_IF_ERROR(add_neighbours(w, "user_neighbours", m.user_neighbours));
  return w.write(path);
}

Result<RecModel> load_model(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> f, GgufFile::open(path));
  MAAS_ASSIGN_OR_RETURN(std::string arch, f->get_string("general.architecture"));
  if (arch != "recsys") return invalid_argument("'{}' is a '{}' model, not recsys", path, arch);
  RecModel m;
  MAAS_ASSIGN_OR_RETURN(std::string algo, f->get_string("recsys.algo"));
  MAAS_ASSIGN_OR_RETURN(m.algo, parse_algo(algo));
  MAAS_ASSIGN_OR_RETURN(m.implicit, f->get_bool("recsys.implicit"));
  MAAS_ASSIGN_OR_RETURN(double mean, f->get_float("recsys.global_mean"));
  MAAS_ASSIGN_OR_RETURN(double rmin, f->get_float_or("recsys.rating_min", 0));
  MAAS_ASSIGN_OR_RETURN(double rmax, f->get_float_or("recsys.rating_max", 0));
  MAAS_ASSIGN_OR_RETURN(uint64_t factors, f->get_uint_or("recsys.factors", 0));
  MAAS_ASSIGN_OR_RETURN(double reg, f->get_float_or("recsys.reg", 0));
  MAAS_ASSIGN_OR_RETURN(double alpha, f->get_float_or("recsys.alpha", 0));
  MAAS_ASSIGN_OR_RETURN(uint64_t k, f->get_uint_or("recsys.knn.k", 40));
  MAAS_ASSIGN_OR_RETURN(std::string sim, f->get_string_or("recsys.knn.similarity", "pearson"));
  MAAS_ASSIGN_OR_RETURN(m.knn.similarity, parse_similarity(sim));
  MAAS_ASSIGN_OR_RETURN(double shrink, f->get_float_or("recsys.knn.shrinkage", 100));
  MAAS_ASSIGN_OR_RETURN(m.knn.baseline_corrected, f->get_bool_or("recsys.knn.baseline_corrected", true));
  MAAS_ASSIGN_OR_RETURN(double beta, f->get_float_or("recsys.hybrid_beta", 10));
  MAAS_ASSIGN_OR_RETURN(m.columns.user, f->get_string_or("recsys.columns.user", "userId"));
  MAAS_ASSIGN_OR_RETURN(m.columns.item, f->get_string_or("recsys.columns.item", "movieId"));
  MAAS_ASSIGN_OR_RETURN(m.columns.rating, f->get_string_or("recsys.columns.rating", "rating"));
  MAAS_ASSIGN_OR_RETURN(m.columns.timestamp, f->get_string_or("recsys.columns.timestamp", "timestamp"));
  m.global_mean = static_cast<float>(mean);
  m.rating_min = static_cast<float>(rmin);
  m.rating_max = static_cast<float>(rmax);
  m.factors = static_cast<int32_t>(factors);
  m.reg = static_cast<float>(reg);
  m.alpha = static_cast<float>(alpha);
  m.knn.k = static_cast<int32_t>(k);
  m.knn.shrinkage = static_cast<float>(shrink);
  m.hybrid_beta = static_cast<float>(beta);

  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> user_ids, f->get_string_array("recsys.user_ids"));
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> item_ids, f->get_string_array("recsys.item_ids"));
  for (const auto& id : user_ids) m.users.add(id);
  for (const auto& id : item_ids) m.items.add(id);
  if (m.users.size() != static_cast<int32_t>(user_ids.size())) return data_loss("recsys.user_ids has duplicates");
  if (m.items.size() != static_cast<int32_t>(item_ids.size())) return data_loss("recsys.item_ids has duplicates");
  const int32_t nu = m.users.size(), ni = m.items.size();
  if (ni == 0) return data_loss("recsys model has no items");
  MAAS_ASSIGN_OR_RETURN(m.titles, f->get_string_array("recsys.item_titles"));
  MAAS_ASSIGN_OR_RETURN(m.categories, f->get_string_array("recsys.item_categories"));
  if (static_cast<int32_t>(m.titles.size()) != ni || static_cast<int32_t>(m.categories.size()) != ni)
    return data_loss("recsys item metadata has {} titles and {} categories for {} items", m.titles.size(),
                     m.categories.size(), ni);

  m.seen.rows = nu;
  m.seen.cols = ni;
  MAAS_ASSIGN_OR_RETURN(m.seen.offsets, read_vector<int32_t>(*f, "seen.offsets", nu + 1));
  MAAS_ASSIGN_OR_RETURN(m.seen.index, read_vector<int32_t>(*f, "seen.items", -1));
  MAAS_ASSIGN_OR_RETURN(m.seen.value, read_vector<float>(*f, "seen.values", static_cast<int64_t>(m.seen.index.size())));
  MAAS_RETURN_IF_ERROR(check_csr_like(m.seen.offsets, m.seen.index, ni, "seen"));
  MAAS_ASSIGN_OR_RETURN(m.popularity, read_vector<float>(*f, "popularity", ni));
  const bool has_bias = m.algo == Algo::kBias || m.algo == Algo::kItemKnn || m.algo == Algo::kUserKnn ||
                        m.algo == Algo::kMf || m.algo == Algo::kHybrid;
  MAAS_ASSIGN_OR_RETURN(m.user_bias, read_vector<float>(*f, "user_bias", has_bias ? nu : -1));
  MAAS_ASSIGN_OR_RETURN(m.item_bias, read_vector<float>(*f, "item_bias", has_bias ? ni : -1));
  const bool has_factors = m.algo == Algo::kMf || m.algo == Algo::kAls;
  if (has_factors && m.factors == 0) return data_loss("recsys.factors is 0 for a factor model");
  MAAS_ASSIGN_OR_RETURN(m.user_factors,
                        read_vector<float>(*f, "user_factors", has_factors ? int64_t{nu} * m.factors : -1));
  MAAS_ASSIGN_OR_RETURN(m.item_factors,
                        read_vector<float>(*f, "item_factors", has_factors ? int64_t{ni} * m.factors : -1));
  MAAS_ASSIGN_OR_RETURN(m.item_neighbours, read_neighbours(*f, "item_neighbours", ni, ni));
  MAAS_ASSIGN_OR_RETURN(m.user_neighbours, read_neighbours(*f, "user_neighbours", nu, nu));
  if ((m.algo == Algo::kItemKnn || m.algo == Algo::kHybrid) && m.item_neighbours.size() != ni)
    return data_loss("recsys item-kNN model has no item neighbour lists");
  if (m.algo == Algo::kUserKnn && m.user_neighbours.size() != nu)
    return data_loss("recsys user-kNN model has no user neighbour lists");
  m.seen_by_item = transpose(m.seen);
  return m;
}

}  // namespace maas::recsys
