// The shard split (eval_units, shard_units, parse_shard_spec) on the shipped dataset's
// manifest: every unit in exactly one shard, in eval_units() order, for any N.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <ebpc/eval.hpp>
#include <ebpc/eval_shard.hpp>

namespace {

using namespace ebpc::eval;

TEST(EvalShardSplit, EveryUnitInExactlyOneShard) {
  const std::string dir = std::string(EBPC_SOURCE_DIR) + "/data/mobilenet_v2";
  if (!std::filesystem::exists(dir + "/manifest.json")) {
    GTEST_SKIP() << dir << " not present";
  }
  auto d = read_dataset(dir);
  ASSERT_TRUE(d) << d.error().message;
  const std::vector<Dataset> datasets = {*d};
  const std::vector<UnitKey> all = eval_units(datasets);
  // One unit per layer and kind that has maps: 37 layers, activations and gradients.
  EXPECT_EQ(all.size(), 2 * d->layers.size());
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  for (unsigned n = 1; n <= all.size() + 2; ++n) {
    std::set<UnitKey> seen;
    std::size_t total = 0;
    for (unsigned i = 0; i < n; ++i) {
      const std::vector<UnitKey> mine = shard_units(datasets, i, n);
      EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
      // Round-robin: shard sizes differ by at most one.
      EXPECT_LE(mine.size(), (all.size() + n - 1) / n);
      EXPECT_GE(mine.size(), all.size() / n);
      total += mine.size();
      seen.insert(mine.begin(), mine.end());
    }
    EXPECT_EQ(total, all.size()) << n;
    EXPECT_EQ(seen.size(), all.size()) << n;
  }
}

TEST(EvalShardSplit, ParseShardSpec) {
  const auto ok = parse_shard_spec("2/3");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->first, 2u);
  EXPECT_EQ(ok->second, 3u);
  EXPECT_TRUE(parse_shard_spec("0/1"));
  for (const char* bad : {"", "/", "3/3", "0/0", "1", "1/", "/2", "-1/2", "1/-2", "a/b", "0/3x", " 0/3", "0/3/4",
                          "0/99999999999"}) {
    EXPECT_FALSE(parse_shard_spec(bad)) << bad;
  }
  EXPECT_EQ(shard_file_name(2, 3), "shard-2-of-3.json");
}

}  // namespace
