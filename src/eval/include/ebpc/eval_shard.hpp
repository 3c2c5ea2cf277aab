// Scale-out of ebpc eval: shard files (one shard's partial results) and their merge.
//
// `ebpc eval DATASET... --shard I/N` evaluates the units of shard I (eval_units(), every
// N-th from the I-th) and writes one shard file; `ebpc eval merge` reads the N shard files
// and gives the rows a single run gives, so that results.csv, summary.md and the plots are
// byte for byte those of a single run. A shard file (JSON, schema "ebpc-eval-shard-1")
// carries everything the merge needs: the options that change results, each dataset's
// directory and manifest text, the shard's units and its rows. docs/results.md describes
// running shards on a batch system.
#pragma once

#include <ebpc/eval.hpp>
#include <string>
#include <tl/expected.hpp>
#include <vector>

namespace ebpc::eval {

inline constexpr const char* k_shard_schema = "ebpc-eval-shard-1";

// A shard's results, or (after merge_shards) all of them.
struct ShardResults {
  unsigned shard_index = 0;
  unsigned shard_count = 1;
  std::vector<Dataset> datasets;
  // formats, codecs (with B and Z) and quirks; hw_sim is never set here: hw says whether
  // the hardware model ran.
  EvalConfig config;
  bool hw = false;
  std::vector<UnitKey> units;  // eval_units() order
  std::vector<ResultRow> rows;
  std::vector<QuirkRow> quirk_rows;
  std::vector<HwRow> hw_rows;
};

// The file name of shard index of count: "shard-I-of-N.json".
std::string shard_file_name(unsigned index, unsigned count);

// Parses "I/N" (0 <= I < N, N >= 1, decimal). Error: bad_parameter with a message.
Outcome<std::pair<unsigned, unsigned>> parse_shard_spec(const std::string& spec);

// The shard file's text (JSON). units are taken from shard_units(datasets, index, count).
std::string shard_json(const ShardResults& r);

// Reads and checks one shard file: schema, types, index ranges, and that its units are
// exactly those of its shard and every unit has all its rows. Error: a one-line message
// naming the file (io when unreadable, corrupt otherwise).
Outcome<ShardResults> read_shard_file(const std::string& path);

// The same from a shard file's text; path only names it in messages (the fuzz target).
Outcome<ShardResults> parse_shard_text(const std::string& path, const std::string& text);

// Reads the shard files and merges them into the results of a single run (shard 0 of 1,
// rows in run_eval's order). Error (one line, nothing merged): a malformed file, shards
// of different counts, options or datasets, a shard given twice, a missing shard.
Outcome<ShardResults> merge_shards(const std::vector<std::string>& paths);

}  // namespace ebpc::eval
