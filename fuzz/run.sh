#!/usr/bin/env bash
# Runs every libFuzzer target for FUZZ_SECONDS (default 20) from the committed corpus
# (fuzz/corpus/<target>); new inputs go to a scratch directory, crashes to fuzz/crashes/.
set -uo pipefail
bin_dir=${1:?usage: fuzz/run.sh BUILD_DIR/fuzz}
seconds=${FUZZ_SECONDS:-20}
root=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0
for target in "$bin_dir"/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  name=${name#fuzz_}
  work=$(mktemp -d)
  mkdir -p "$root/crashes"
  echo "fuzz: $name for ${seconds}s"
  if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=0 \
       -artifact_prefix="$root/crashes/${name}-" "$work" "$root/corpus/$name" > "$work.log" 2>&1; then
    passed=$((passed + 1))
    grep -E "^#[0-9]+.*DONE" "$work.log" | tail -1
  else
    failed=$((failed + 1))
    echo "fuzz: $name FAILED"; tail -40 "$work.log"
  fi
  rm -rf "$work" "$work.log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
