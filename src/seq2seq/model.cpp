#include "seq2seq/model.h"

#include <cstring>

#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"
#include "seq2seq/network.h"

namespace maas::seq2seq {
namespace {

std::string key(const std::string& name) { return std::string(kArchitecture) + "." + name; }

void put_vocabulary(llm::GgufWriter& w, const std::string& side, const Vocabulary& v) {
  w.set_string_array(key(side + ".pieces"), v.pieces());
  w.set_int32_array(key(side + ".merge_left"), v.merge_left());
  w.set_int32_array(key(side + ".merge_right"), v.merge_right());
}

Result<Vocabulary> get_vocabulary(const llm::GgufFile& f, const std::string& side) {
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> pieces, f.get_string_array(key(side + ".pieces")));
  MAAS_ASSIGN_OR_RETURN(std::vector<int64_t> left, f.get_int_array(key(side + ".merge_left")));
  MAAS_ASSIGN_OR_RETURN(std::vector<int64_t> right, f.get_int_array(key(side + ".merge_right")));
  Result<Vocabulary> v = Vocabulary::from_parts(std::move(pieces), std::vector<int32_t>(left.begin(), left.end()),
                                                std::vector<int32_t>(right.begin(), right.end()));
  if (!v.is_ok()) return v.status().with_context(side + " vocabulary");
  return v;
}

struct FileHeader {
  Hparams hp;
  int64_t max_source_tokens = 0;
  Columns columns;
};

Result<FileHeader> read_header(const llm::GgufFile& f) {
  MAAS_ASSIGN_OR_RETURN(std::string arch, f.get_string("general.architecture"));
  if (arch != kArchitecture) return invalid_argument("general.architecture is '{}', want '{}'", arch, kArchitecture);
  FileHeader h;
  MAAS_ASSIGN_OR_RETURN(uint64_t embed, f.get_uint(key("embed")));
  MAAS_ASSIGN_OR_RETURN(uint64_t hidden, f.get_uint(key("hidden")));
  MAAS_ASSIGN_OR_RETURN(uint64_t layers, f.get_uint(key("layers")));
  MAAS_ASSIGN_OR_RETURN(uint64_t max_src, f.get_uint(key("max_source_tokens")));
  if (embed < 1 || embed > 4096 || hidden < 1 || hidden > 4096 || layers < 1 || layers > 8)
    return invalid_argument("{} hyper-parameters out of range (embed {}, hidden {}, layers {})", kArchitecture, embed,
                            hidden, layers);
  h.hp.embed = static_cast<int64_t>(embed);
  h.hp.hidden = static_cast<int64_t>(hidden);
  h.hp.layers = static_cast<int64_t>(layers);
  h.max_source_tokens = static_cast<int64_t>(max_src);
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> src_pieces, f.get_string_array(key("src.pieces")));
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> tgt_pieces, f.get_string_array(key("tgt.pieces")));
  h.hp.src_vocab = static_cast<int64_t>(src_pieces.size());
  h.hp.tgt_vocab = static_cast<int64_t>(tgt_pieces.size());
  MAAS_ASSIGN_OR_RETURN(h.columns.source, f.get_string_or(key("columns.source"), ""));
  MAAS_ASSIGN_OR_RETURN(h.columns.target, f.get_string_or(key("columns.target"), ""));
  MAAS_ASSIGN_OR_RETURN(h.columns.header, f.get_string_or(key("columns.header"), "auto"));
  return h;
}

// Every weight tensor present, F32, with the layout's shape.
Status check_tensors(const llm::GgufFile& f, const Layout& l) {
  for (const TensorSlot& s : l.slots) {
    const llm::GgufTensor* t = f.tensor(s.name);
    if (!t) return invalid_argument("tensor '{}' is missing", s.name);
    if (t->type != tensor::DType::kF32) return invalid_argument("tensor '{}' is not F32", s.name);
    if (t->dims.size() != 2 || t->dims[0] != static_cast<uint64_t>(s.cols) || t->dims[1] != static_cast<uint64_t>(s.rows))
      return invalid_argument("tensor '{}' has the wrong shape (want {} x {})", s.name, s.rows, s.cols);
  }
  return Status::ok();
}

}  // namespace

Status save_model(const Seq2seqModel& m, const std::string& path) {
  llm::GgufWriter w;
  w.set_string("general.architecture", kArchitecture);
  w.set_uint32(key("embed"), static_cast<uint32_t>(m.layout.hp.embed));
  w.set_uint32(key("hidden"), static_cast<uint32_t>(m.layout.hp.hidden));
  w.set_uint32(key("layers"), static_cast<uint32_t>(m.layout.hp.layers));
  w.set_uint32(key("max_source_tokens"), static_cast<uint32_t>(m.max_source_tokens));
  w.set_string(key("attention"), "luong-general");
  w.set_string(key("cell"), "gru");
  put_vocabulary(w, "src", m.src_vocab);
  put_vocabulary(w, "tgt", m.tgt_vocab);
  w.set_string_array(key("dict.source"), m.dictionary.sources());
  w.set_string_array(key("dict.target"), m.dictionary.targets());
  w.set_string(key("columns.source"), m.columns.source);
  w.set_string(key("columns.target"), m.columns.target);
  w.set_string(key("columns.header"), m.columns.header);
  for (const TensorSlot& s : m.layout.slots)
    MAAS_RETURN_IF_ERROR(w.add_tensor_view(s.name, tensor::DType::kF32,
                                           {static_cast<uint64_t>(s.cols), static_cast<uint64_t>(s.rows)},
                                           m.weights.data() + s.offset, s.size() * sizeof(float)));
  return w.write(path);
}

Result<uint64_t> check_model_file(const llm::GgufFile& f) {
  MAAS_ASSIGN_OR_RETURN(FileHeader h, read_header(f));
  const Layout l = Layout::make(h.hp);
  MAAS_RETURN_IF_ERROR(check_tensors(f, l));
  MAAS_ASSIGN_OR_RETURN(Vocabulary src, get_vocabulary(f, "src"));
  MAAS_ASSIGN_OR_RETURN(Vocabulary tgt, get_vocabulary(f, "tgt"));
  (void)src;
  (void)tgt;
  return static_cast<uint64_t>(l.total * sizeof(float));
}

Result<Seq2seqModel> load_model(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<llm::GgufFile> f, llm::GgufFile::open(path));
  MAAS_ASSIGN_OR_RETURN(FileHeader h, read_header(*f));
  Seq2seqModel m;
  m.layout = Layout::make(h.hp);
  MAAS_RETURN_IF_ERROR(check_tensors(*f, m.layout));
  MAAS_ASSIGN_OR_RETURN(m.src_vocab, get_vocabulary(*f, "src"));
  MAAS_ASSIGN_OR_RETURN(m.tgt_vocab, get_vocabulary(*f, "tgt"));
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> dict_src, f->get_string_array(key("dict.source")));
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> dict_tgt, f->get_string_array(key("dict.target")));
  if (dict_src.size() != dict_tgt.size())
    return invalid_argument("{}: {} dictionary sources but {} targets", key("dict"), dict_src.size(), dict_tgt.size());
  m.dictionary = WordDictionary::from_entries(dict_src, dict_tgt);
  m.columns = h.columns;
  m.max_source_tokens = h.max_source_tokens;
  m.weights.resize(m.layout.total);
  for (const TensorSlot& s : m.layout.slots)
    std::memcpy(m.weights.data() + s.offset, f->tensor(s.name)->data, s.size() * sizeof(float));
  return m;
}

Result<std::vector<Translation>> translate_texts(const Seq2seqModel& m, const std::vector<std::string>& texts,
                                                 const DecodeOptions& options, tensor::ThreadPool* pool) {
  std::vector<std::vector<int32_t>> sources;
  for (size_t i = 0; i < texts.size(); ++i) {
    sources.push_back(m.src_vocab.encode(texts[i]));
    if (sources.back().empty())
      return invalid_argument("input[{}] is empty (no characters besides whitespace)", i).with_field("input");
    if (m.max_source_tokens > 0 && static_cast<int64_t>(sources.back().size()) > m.max_source_tokens)
      return invalid_argument("input[{}] has {} tokens, more than this model's limit of {}", i, sources.back().size(),
                              m.max_source_tokens)
          .with_field("input");
  }
  const std::vector<Hypothesis> hyps = translate_ids(m.layout, m.weights.data(), sources, options, pool);
  std::vector<Translation> out;
  for (size_t i = 0; i < hyps.size(); ++i) {
    Translation t;
    t.text = m.tgt_vocab.decode(hyps[i].tokens);
    t.log_prob = hyps[i].log_prob;
    t.source_token_count = static_cast<int64_t>(sources[i].size());
    t.target_token_count = static_cast<int64_t>(hyps[i].tokens.size());
    if (options.attention) {
      for (int32_t id : sources[i]) t.source_tokens.push_back(m.src_vocab.piece(id));
      t.source_tokens.push_back(m.src_vocab.piece(kEos));
      for (int32_t id : hyps[i].tokens) t.target_tokens.push_back(m.tgt_vocab.piece(id));
      t.alignment = hyps[i].attention;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace maas::seq2seq
