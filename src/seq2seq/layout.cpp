#include "seq2seq/layout.h"

#include <cmath>

namespace maas::seq2seq {

uint64_t mix64(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

float hash_uniform(uint64_t seed, uint64_t stream, uint64_t index) {
  const uint64_t h = mix64(mix64(mix64(seed) ^ stream) ^ index);
  return static_cast<float>(h >> 40) * (1.0f / 16777216.0f);
}

Layout Layout::make(const Hparams& hp) {
  Layout l;
  l.hp = hp;
  const int64_t E = hp.embed, H = hp.hidden;
  auto add = [&](const std::string& name, int64_t rows, int64_t cols) {
    l.slots.push_back({name, rows, cols, l.total});
    l.total += static_cast<size_t>(rows * cols);
    return l.slots.back().offset;
  };
  auto add_gru = [&](const std::string& prefix, int64_t in) {
    GruSlots g;
    g.in = in;
    g.w_ih = add(prefix + ".w_ih", 3 * H, in);
    g.w_hh = add(prefix + ".w_hh", 3 * H, H);
    g.b_ih = add(prefix + ".b_ih", 1, 3 * H);
    g.b_hh = add(prefix + ".b_hh", 1, 3 * H);
    return g;
  };
  l.src_emb = add("src_emb", hp.src_vocab, E);
  l.tgt_emb = add("tgt_emb", hp.tgt_vocab, E);
  for (int64_t layer = 0; layer < hp.layers; ++layer) {
    const int64_t in = layer == 0 ? E : 2 * H;
    l.enc.push_back(add_gru("enc." + std::to_string(layer) + ".fwd", in));
    l.enc.push_back(add_gru("enc." + std::to_string(layer) + ".bwd", in));
  }
  l.init_w = add("init.w", H, 2 * H);
  l.init_b = add("init.b", 1, H);
  l.dec = add_gru("dec", E + H);
  l.att_w = add("att.w", H, 2 * H);
  l.comb_w = add("comb.w", H, 3 * H);
  l.comb_b = add("comb.b", 1, H);
  l.out_w = add("out.w", hp.tgt_vocab, H);
  l.out_b = add("out.b", 1, hp.tgt_vocab);
  return l;
}

std::vector<float> init_weights(const Layout& layout, uint64_t seed) {
  std::vector<float> p(layout.total, 0.0f);
  for (size_t s = 0; s < layout.slots.size(); ++s) {
    const TensorSlot& t = layout.slots[s];
    const bool bias = t.rows == 1;
    const bool embedding = t.name == "src_emb" || t.name == "tgt_emb";
    if (bias) continue;
    const float bound = embedding ? 0.1f : 1.0f / std::sqrt(static_cast<float>(t.cols));
    for (size_t i = 0; i < t.size(); ++i)
      p[t.offset + i] = (2.0f * hash_uniform(seed, 1000 + s, i) - 1.0f) * bound;
  }
  return p;
}

}  // namespace maas::seq2seq
