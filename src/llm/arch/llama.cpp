// llama (Llama 1/2/3, TinyLlama, Mistral-style GQA): pre-norm decoder blocks with
// RMSNorm, rotary embeddings on adjacent dimension pairs, grouped-query attention and
// a SwiGLU feed-forward; the output matrix may be tied to the token embeddings.
#include "llm/arch/architecture.h"
#include "llm/gguf/gguf.h"

namespace maas::llm {
namespace {

Result<Hparams> llama_hparams(const GgufFile& file) { return read_hparams(file, "llama", RopeStyle::kAdjacent); }

Result<ModelWeights> llama_weights(const TensorLoader& ts, Hparams* hp) {
  ModelWeights w;
  MAAS_ASSIGN_OR_RETURN(hp->n_vocab, ts.rows_of("token_embd.weight"));
  const int64_t d = hp->n_embd, q = hp->q_dim(), kv = hp->kv_dim(), ff = hp->n_ff, vocab = hp->n_vocab;
  MAAS_ASSIGN_OR_RETURN(w.token_embd, ts.matrix("token_embd.weight", vocab, d));
  MAAS_ASSIGN_OR_RETURN(w.output_norm, ts.vector("output_norm.weight", d));
  MAAS_ASSIGN_OR_RETURN(auto output, ts.optional_matrix("output.weight", vocab, d));
  w.tied_output = !output.has_value();
  w.output = output.value_or(w.token_embd);
  MAAS_ASSIGN_OR_RETURN(w.rope_freqs, ts.optional_vector("rope_freqs.weight", hp->n_rot / 2));
  for (int l = 0; l < hp->n_layer; ++l) {
    LayerWeights L;
    MAAS_ASSIGN_OR_RETURN(L.attn_norm, ts.vector(layer_tensor(l, "attn_norm.weight"), d));
    MAAS_ASSIGN_OR_RETURN(L.wq, ts.matrix(layer_tensor(l, "attn_q.weight"), q, d));
    MAAS_ASSIGN_OR_RETURN(L.wk, ts.matrix(layer_tensor(l, "attn_k.weight"), kv, d));
    MAAS_ASSIGN_OR_RETURN(L.wv, ts.matrix(layer_tensor(l, "attn_v.weight"), kv, d));
    MAAS_ASSIGN_OR_RETURN(L.wo, ts.matrix(layer_tensor(l, "attn_output.weight"), d, q));
    MAAS_ASSIGN_OR_RETURN(L.ffn_norm, ts.vector(layer_tensor(l, "ffn_norm.weight"), d));
    MAAS_ASSIGN_OR_RETURN(L.ffn_gate, ts.matrix(layer_tensor(l, "ffn_gate.weight"), ff, d));
    MAAS_ASSIGN_OR_RETURN(L.ffn_up, ts.matrix(layer_tensor(l, "ffn_up.weight"), ff, d));
    MAAS_ASSIGN_OR_RETURN(L.ffn_down, ts.matrix(layer_tensor(l, "ffn_down.weight"), d, ff));
    w.layers.push_back(std::move(L));
  }
  return w;
}

void llama_forward(const Hparams& hp, const ModelWeights& w, ForwardStep& s) {
  Activations x = s.activations(hp.n_embd), xb = s.activations(hp.n_embd);
  Activations q = s.activations(hp.q_dim()), k = s.activations(hp.kv_dim()), v = s.activations(hp.kv_dim());
  Activations att = s.activations(hp.q_dim());
  Activations gate = s.activations(hp.n_ff), up = s.activations(hp.n_ff);

  s.embed(w.token_embd, x);
  for (int l = 0; l < hp.n_layer; ++l) {
    const LayerWeights& L = w.layers[static_cast<size_t>(l)];

    // attention: x += Wo · attend(rope(Wq xn), rope(Wk xn), Wv xn),  xn = rmsnorm(x)
    s.rmsnorm(x, L.attn_norm, xb);
    s.matmuls(xb, {{&L.wq, &q}, {&L.wk, &k}, {&L.wv, &v}});
    s.rope(q, hp.n_head);
    s.rope(k, hp.n_head_kv);
    s.attention(l, q, k, v, att);
    s.matmul_add(L.wo, att, x);

    // feed-forward: x += W_down · (silu(W_gate xn) * W_up xn),  xn = rmsnorm(x)
    s.rmsnorm(x, L.ffn_norm, xb);
    s.matmuls(xb, {{&L.ffn_gate, &gate}, {&L.ffn_up, &up}});
    s.swiglu(gate, up);
    s.matmul_add(L.ffn_down, gate, x);
  }
  s.output(x, w.output_norm, w.output);
}

}  // namespace

extern const Architecture kLlamaArchitecture;
const Architecture kLlamaArchitecture = {"llama", llama_hparams, llama_weights, llama_forward};

}  // namespace maas::llm
