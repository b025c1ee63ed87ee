#include "llm/model/hparams.h"

#include "llm/gguf/gguf.h"

namespace maas::llm {
namespace {

Result<int64_t> positive(const GgufFile& f, const std::string& key) {
  MAAS_ASSIGN_OR_RETURN(uint64_t v, f.get_uint(key));
  if (v == 0 || v > (1ull << 31)) return invalid_argument("metadata '{}' = {} is out of range", key, v);
  return static_cast<int64_t>(v);
}

Result<int64_t> positive_or(const GgufFile& f, const std::string& key, int64_t fallback) {
  if (!f.has(key)) return fallback;
  return positive(f, key);
}

// Linear scaling divides positions by the factor; other kinds need more than a scale.
Status read_rope_scaling(const GgufFile& f, const std::string& a, Hparams* hp) {
  MAAS_ASSIGN_OR_RETURN(std::string type, f.get_string_or(a + ".rope.scaling.type", "none"));
  MAAS_ASSIGN_OR_RETURN(double factor, f.get_float_or(a + ".rope.scaling.factor", 0.0));
  if (type == "none" || factor == 0.0 || factor == 1.0) return Status::ok();
  if (type != "linear")
    return Status(Code::kUnimplemented, "rope scaling type '" + type + "' is not supported (only linear)");
  if (factor < 0) return invalid_argument("metadata '{}.rope.scaling.factor' = {} is negative", a, factor);
  hp->rope_freq_scale = 1.0 / factor;
  return Status::ok();
}

}  // namespace

Result<Hparams> read_hparams(const GgufFile& f, const std::string& a, RopeStyle style) {
  Hparams hp;
  hp.arch = a;
  hp.rope_style = style;
  MAAS_ASSIGN_OR_RETURN(hp.n_embd, positive(f, a + ".embedding_length"));
  MAAS_ASSIGN_OR_RETURN(hp.n_layer, positive(f, a + ".block_count"));
  MAAS_ASSIGN_OR_RETURN(hp.n_head, positive(f, a + ".attention.head_count"));
  MAAS_ASSIGN_OR_RETURN(hp.n_head_kv, positive_or(f, a + ".attention.head_count_kv", hp.n_head));
  MAAS_ASSIGN_OR_RETURN(hp.n_ff, positive(f, a + ".feed_forward_length"));
  MAAS_ASSIGN_OR_RETURN(hp.n_ctx_train, positive_or(f, a + ".context_length", 2048));
  MAAS_ASSIGN_OR_RETURN(hp.head_dim, positive_or(f, a + ".attention.key_length", hp.n_embd / hp.n_head));
  MAAS_ASSIGN_OR_RETURN(int64_t v_dim, positive_or(f, a + ".attention.value_length", hp.head_dim));
  MAAS_ASSIGN_OR_RETURN(hp.n_rot, positive_or(f, a + ".rope.dimension_count", hp.head_dim));
  MAAS_ASSIGN_OR_RETURN(hp.rope_freq_base, f.get_float_or(a + ".rope.freq_base", 10000.0));
  MAAS_ASSIGN_OR_RETURN(hp.rms_eps, f.get_float_or(a + ".attention.layer_norm_rms_epsilon", 1e-5));
  MAAS_RETURN_IF_ERROR(read_rope_scaling(f, a, &hp));

  if (v_dim != hp.head_dim)
    return Status(Code::kUnimplemented, "key_length != value_length is not supported");
  if (hp.n_head % hp.n_head_kv != 0)
    return invalid_argument("head_count {} is not a multiple of head_count_kv {}", hp.n_head, hp.n_head_kv);
  if (hp.n_rot > hp.head_dim || hp.n_rot % 2 != 0)
    return invalid_argument("rope.dimension_count {} must be even and at most the head size {}", hp.n_rot,
                            hp.head_dim);
  if (hp.rope_freq_base <= 0) return invalid_argument("rope.freq_base {} must be positive", hp.rope_freq_base);
  if (hp.rms_eps <= 0) return invalid_argument("layer_norm_rms_epsilon {} must be positive", hp.rms_eps);
  return hp;
}

}  // namespace maas::llm
