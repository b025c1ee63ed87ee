// `maas tokenize MODEL.gguf [TEXT]`: the token ids of a text, as the model's tokenizer
// (llama.cpp compatible) produces them. --pieces shows one token per line.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "app/commands.h"
#include "llm/gguf/gguf.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::app {
namespace {

struct TokenizeOptions {
  std::string model;
  std::string text;
  std::string file;  // read the text from here ("-" for stdin)
  bool text_given = false;
  bool no_bos = false;
  bool no_parse_special = false;
  bool pieces = false;
};

// The piece as a double-quoted string: printable ASCII and valid UTF-8 as is, the rest
// as \n \t \" \\ or \xNN (a piece can be part of a UTF-8 character).
std::string quoted(const std::string& piece) {
  std::string out = "\"";
  for (size_t i = 0; i < piece.size();) {
    const auto c = static_cast<unsigned char>(piece[i]);
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    bool valid = len > 0 && i + len <= piece.size();
    for (size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(piece[i + k]) & 0xC0) == 0x80;
    if (valid && len > 1) {
      out.append(piece, i, len);
      i += len;
      continue;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c >= 0x20 && c < 0x7F) out.push_back(static_cast<char>(c));
    else out += fmt::format("\\x{:02x}", c);
    ++i;
  }
  return out + "\"";
}

Result<std::string> input_text(const TokenizeOptions& o) {
  if (o.text_given && !o.file.empty()) return invalid_argument("give the text or --file, not both");
  if (o.text_given) return o.text;
  if (o.file.empty()) return invalid_argument("nothing to tokenize: give TEXT or --file FILE (- for stdin)");
  if (o.file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return invalid_argument("cannot read '{}'", o.file);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status run_tokenize(const TokenizeOptions& o) {
  MAAS_ASSIGN_OR_RETURN(std::string text, input_text(o));
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<llm::GgufFile> file, llm::GgufFile::open(o.model));
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<const llm::Tokenizer> tokenizer, llm::Tokenizer::from_gguf(*file));
  const std::vector<llm::TokenId> ids = tokenizer->encode(text, !o.no_bos, !o.no_parse_special);
  if (o.pieces) {
    for (llm::TokenId id : ids) std::printf("%d\t%s\n", id, quoted(tokenizer->token_to_piece(id)).c_str());
    return Status::ok();
  }
  std::string line = "[";
  for (size_t i = 0; i < ids.size(); ++i) line += (i ? ", " : "") + std::to_string(ids[i]);
  std::printf("%s]\n", line.c_str());
  return Status::ok();
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto options = std::make_shared<TokenizeOptions>();
  auto* sub = app.add_subcommand("tokenize", "Print the token ids of a text for a GGUF model");
  sub->add_option("model", options->model, "GGUF model file")->required();
  sub->add_option("text", options->text, "Text to tokenize (or --file)")
      ->each([options](const std::string&) { options->text_given = true; });
  sub->add_option("--file", options->file, "Read the text from a file (- for stdin)");
  sub->add_flag("--no-bos", options->no_bos, "Do not add BOS/EOS even if the model asks for them");
  sub->add_flag("--no-parse-special", options->no_parse_special,
                "Treat special-token text such as <|im_start|> as plain text");
  sub->add_flag("--pieces", options->pieces, "One line per token: id and piece");
  on_run(sub, [options] { return run_tokenize(*options); });
}

}  // namespace maas::app
