// The README cannot drift: every fenced ```sh block preceded by `<!-- runnable -->` runs,
// in order, against one real server started as a fresh clone's `./scripts/serve` would
// be (empty registry, so the built-in tiny-stories model; ./maas-data; MAAS_URL names it
// for `maas ps`, as the default URL would on port 8080). Each block must
// exit 0 with every curl answered 2xx (curl runs with --fail-with-body), and a ```json
// block marked `<!-- output -->` right after it must equal the block's output, but for
// the per-request "id" and "created" fields.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

using nlohmann::json;

struct RunnableBlock {
  int line = 0;          // of the opening fence, 1-based
  std::string commands;
  std::string expected;  // empty: no output block
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The fenced block that starts at or after lines[*i] (skipping blank lines); advances *i past it.
std::string fenced_block(const std::vector<std::string>& lines, size_t* i, const std::string& language, int* line) {
  while (*i < lines.size() && lines[*i].empty()) ++*i;
  if (*i >= lines.size() || lines[*i] != "```" + language) return "";
  *line = static_cast<int>(*i) + 1;
  std::string body;
  for (++*i; *i < lines.size() && lines[*i] != "```"; ++*i) body += lines[*i] + "\n";
  ++*i;
  return body;
}

std::vector<RunnableBlock> runnable_blocks(const std::string& markdown) {
  std::vector<std::string> lines;
  std::istringstream in(markdown);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::vector<RunnableBlock> blocks;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == "<!-- runnable -->") {
      RunnableBlock b;
      size_t at = i + 1;
      b.commands = fenced_block(lines, &at, "sh", &b.line);
      EXPECT_FALSE(b.commands.empty()) << "README line " << i + 1 << ": `<!-- runnable -->` not before a ```sh block";
      blocks.push_back(b);
      i = at - 1;
    } else if (lines[i] == "<!-- output -->") {
      size_t at = i + 1;
      int line = 0;
      std::string expected = fenced_block(lines, &at, "json", &line);
      EXPECT_FALSE(expected.empty() || blocks.empty() || !blocks.back().expected.empty())
          << "README line " << i + 1 << ": `<!-- output -->` must follow a runnable block with a ```json block";
      if (!blocks.empty()) blocks.back().expected = expected;
      i = at - 1;
    }
  }
  return blocks;
}

json without_request_fields(json j) {
  if (j.is_object()) {
    j.erase("id");
    j.erase("created");
  }
  return j;
}

TEST(Readme, RunnableBlocksSucceedAgainstARealServer) {
  const std::vector<RunnableBlock> blocks = runnable_blocks(slurp(std::string(MAAS_SOURCE_DIR) + "/README.md"));
  ASSERT_GE(blocks.size(), 3u) << "the README's first request and its other examples are marked runnable";
  ASSERT_FALSE(blocks.front().expected.empty()) << "the first request shows its real output";

  // A clone's layout: build/maas and models/ beside ./maas-data.
  TempDir clone;
  namespace fs = std::filesystem;
  fs::create_directories(clone.file("build"));
  fs::create_symlink(MAAS_BINARY, clone.file("build/maas"));
  fs::create_directory_symlink(std::string(MAAS_SOURCE_DIR) + "/models", clone.file("models"));
  ServerProcess server(clone.file("maas-data"), {}, {kWithDefaultModel});
  ASSERT_TRUE(server.started()) << server.log();

  for (const RunnableBlock& b : blocks) {
    std::string script = std::regex_replace(b.commands, std::regex("localhost:8080"),
                                            "localhost:" + std::to_string(server.port()));
    script = std::regex_replace(script, std::regex(R"(\bcurl )"), "curl --fail-with-body --max-time 60 ");
    std::ofstream(clone.file("block.sh")) << script;
    const std::string command = "cd " + clone.path() + " && MAAS_NO_DEFAULT_MODEL= MAAS_URL=" + server.base_url() + " bash -eo pipefail block.sh > out 2> err";
    const int status = std::system(command.c_str());
    const std::string out = slurp(clone.file("out"));
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "README line " << b.line << " failed:\n" << script << "stdout: " << out << "\nstderr: " << slurp(clone.file("err"));
    if (!b.expected.empty()) {
      json actual = json::parse(out, nullptr, false);
      ASSERT_FALSE(actual.is_discarded()) << "README line " << b.line << ": output is not JSON: " << out;
      EXPECT_EQ(without_request_fields(actual), without_request_fields(json::parse(b.expected)))
          << "README line " << b.line << ": the output shown differs from the real one";
    }
  }
}

}  // namespace
}  // namespace maas::testing
