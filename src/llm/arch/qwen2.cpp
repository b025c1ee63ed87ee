// qwen2 (Qwen1.5 / Qwen2 / Qwen2.5): llama's block with a bias on the Q, K and V
// projections and NeoX-style rotary embeddings (dimension i pairs with i + n_rot/2).
// Small models tie the output matrix to the token embeddings.
#include "llm/arch/architecture.h"
#include "llm/gguf/gguf.h"

namespace maas::llm {
namespace {

Result<Hparams> qwen2_hparams(const GgufFile& file) { return read_hparams(file, "qwen2", RopeStyle::kNeox); }

Result<ModelWeights> qwen2_weights(const TensorLoader& ts, Hparams* hp) {
  ModelWeights w;
  MAAS_ASSIGN_OR_RETURN(hp->n_vocab, ts.rows_of("token_embd.weight"));
  const int64_t d = hp->n_embd, q = hp->q_dim(), kv = hp->kv_dim(), ff = hp->n_ff, vocab = hp->n_vocab;
  MAAS_ASSIGN_OR_RETURN(w.token_embd, ts.matrix("token_embd.weight", vocab, d));
  MAAS_ASSIGN_OR_RETURN(w.output_norm, ts.vector("output_norm.weight", d));
  MAAS_ASSIGN_OR_RETURN(auto output, ts.optional_matrix("output.weight", vocab, d));
  w.tied_output = !output.has_value();
  w.output = output.value_or(w.token_embd);
  for (int l = 0; l < hp->n_layer; ++l) {
    LayerWeights L;
    MAAS_ASSIGN_OR_RETURN(L.attn_norm, ts.vector(layer_tensor(l, "attn_norm.weight"), d));
    MAAS_ASSIGN_OR_RETURN(L.wq, ts.matrix(layer_tensor(l, "attn_q.weight"), q, d));
    MAAS_ASSIGN_OR_RETURN(L.wk, ts.matrix(layer_tensor(l, "attn_k.weight"), kv, d));
    MAAS_ASSIGN_OR_RETURN(L.wv, ts.matrix(layer_tensor(l, "attn_v.weight"), kv, d));
    MAAS_ASSIGN_OR_RETURN(L.bq, ts.vector(layer_tensor(l, "attn_q.bias"), q));
    MAAS_ASSIGN_OR_RETURN(L.bk, ts.vector(layer_tensor(l, "attn_k.bias"), kv));
    MAAS_ASSIGN_OR_RETURN(L.bv, ts.vector(layer_tensor(l, "attn_v.bias"), kv));
    MAAS_ASSIGN_OR_RETURN(L.wo, ts.matrix(layer_tensor(l, "attn_output.weight"), d, q));
    MAAS_ASSIGN_OR_RETURN(L.ffn_norm, ts.vector(layer_tensor(l, "ffn_norm.weight"), d));
    MAAS_ASSIGN_OR_RETURN(L.ffn_gate, ts.matrix(layer_tensor(l, "ffn_gate.weight"), ff, d));
    MAAS_ASSIGN_OR_RETURN(L.ffn_up, ts.matrix(layer_tensor(l, "ffn_up.weight"), ff, d));
    MAAS_ASSIGN_OR_RETURN(L.ffn_down, ts.matrix(layer_tensor(l, "ffn_down.weight"), d, ff));
    w.layers.push_back(std::move(L));
  }
  return w;
}

void qwen2_forward(const Hparams& hp, const ModelWeights& w, ForwardStep& s) {
  Activations x = s.activations(hp.n_embd), xb = s.activations(hp.n_embd);
  Activations q = s.activations(hp.q_dim()), k = s.activations(hp.kv_dim()), v = s.activations(hp.kv_dim());
  Activations att = s.activations(hp.q_dim());
  Activations gate = s.activations(hp.n_ff), up = s.activations(hp.n_ff);

  s.embed(w.token_embd, x);
  for (int l = 0; l < hp.n_layer; ++l) {
    const LayerWeights& L = w.layers[static_cast<size_t>(l)];

    // attention with biased projections: q = Wq xn + bq, k = Wk xn + bk, v = Wv xn + bv
    s.rmsnorm(x, L.attn_norm, xb);
    s.matmuls(xb, {{&L.wq, &q}, {&L.wk, &k}, {&L.wv, &v}});
    s.add_bias(q, L.bq);
    s.add_bias(k, L.bk);
    s.add_bias(v, L.bv);
    s.rope(q, hp.n_head);
    s.rope(k, hp.n_head_kv);
    s.attention(l, q, k, v, att);
    s.matmul_add(L.wo, att, x);

    // feed-forward (SwiGLU)
    s.rmsnorm(x, L.ffn_norm, xb);
    s.matmuls(xb, {{&L.ffn_gate, &gate}, {&L.ffn_up, &up}});
    s.swiglu(gate, up);
    s.matmul_add(L.ffn_down, gate, x);
  }
  s.output(x, w.output_norm, w.output);
}

}  // namespace

extern const Architecture kQwen2Architecture;
const Architecture kQwen2Architecture = {"qwen2", qwen2_hparams, qwen2_weights, qwen2_forward};

}  // namespace maas::llm
