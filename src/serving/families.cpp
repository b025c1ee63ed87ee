#include "serving/families.h"

#include "llm/family/llm_family.h"
#include "nn/mlp_family.h"
#include "text/textclf/textclf_family.h"
#include "seq2seq/seq2seq_family.h"
#include "text/word2vec/family.h"
#include "recsys/recsys_family.h"

namespace maas::serving {

void register_families(FamilyTable& table) {
  table.add(llm::make_llm_family());
  table.add(text::make_textclf_family());
  table.add(seq2seq::make_seq2seq_family());
  table.add(text::word2vec::make_word2vec_family());
  table.add(nn::make_mlp_family());
  table.add(recsys::make_recsys_family());
}

}  // namespace maas::serving
