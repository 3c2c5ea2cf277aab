#!/usr/bin/env bash
# The deep fuzz campaign (`make fuzz-campaign`, not part of `make test`): every target runs
# for CAMPAIGN_SECONDS (default 900) from its committed corpus, CAMPAIGN_JOBS (default 2) at a
# time; the grown corpus is then minimised (libFuzzer -merge=1) and written back to
# fuzz/corpus/<target>, so that every later run (make test's smoke run, the replay tests)
# starts from it. One row per target goes to CAMPAIGN_TSV (default
# build/fuzz-campaign/results.tsv): seconds, executions, executions per second, the
# coverage counters libFuzzer reports (cov = edges, ft = features), corpus files before and
# after minimisation, and crashes. Crashes go to fuzz/crashes/ and make the script fail.
#
# usage: fuzz/campaign.sh BUILD_DIR/fuzz [target ...]   (default: every fuzz_* in the dir)
set -uo pipefail
bin_dir=${1:?usage: fuzz/campaign.sh BUILD_DIR/fuzz [target ...]}
shift
seconds=${CAMPAIGN_SECONDS:-900}
jobs=${CAMPAIGN_JOBS:-2}
root=$(cd "$(dirname "$0")" && pwd)
out_dir=${CAMPAIGN_OUT:-$root/../build/fuzz-campaign}
tsv=${CAMPAIGN_TSV:-$out_dir/results.tsv}
mkdir -p "$out_dir" "$root/crashes"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in "$bin_dir"/fuzz_*; do
    [ -x "$t" ] && targets+=("$(basename "$t" | sed 's/^fuzz_//')")
  done
fi

# One target: fuzz, minimise, write the corpus back, print its row.
run_one() {
  local name=$1
  local bin="$bin_dir/fuzz_$name"
  local work="$out_dir/$name"
  rm -rf "$work" && mkdir -p "$work/grow" "$work/min"
  cp "$root/corpus/$name"/* "$work/grow/" 2>/dev/null
  local before
  before=$(ls "$work/grow" | wc -l)
  # No -max_len: libFuzzer takes the largest committed input's length (the laned and container
  # seeds are above make test's 64 KiB).
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$root/crashes/${name}-" "$work/grow" > "$work/fuzz.log" 2>&1
  local rc=$?
  local done_line execs rate cov ft
  done_line=$(grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$work/fuzz.log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/fuzz.log" | tail -1)
  cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  local crashes=0
  if [ $rc -ne 0 ]; then
    crashes=1
    tail -60 "$work/fuzz.log" > "$work/failure.txt"
  fi
  "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "$work/min" "$work/grow" > "$work/merge.log" 2>&1
  local after
  after=$(ls "$work/min" | wc -l)
  if [ "$after" -gt 0 ]; then
    rm -rf "$root/corpus/$name" && mkdir -p "$root/corpus/$name"
    cp "$work/min"/* "$root/corpus/$name/"
  fi
  rm -rf "$work/grow" "$work/min"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$seconds" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "$before" "$after" "$crashes" > "$work/row.tsv"
  echo "campaign: $name done (rc $rc, ${execs:-?} execs, cov ${cov:-?}, corpus $before -> $after)"
}

echo "campaign: ${#targets[@]} targets, ${seconds}s each, $jobs at a time"
running=0
for name in "${targets[@]}"; do
  run_one "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

printf 'target\tseconds\texecutions\texec_per_s\tcov_edges\tfeatures\tcorpus_before\tcorpus_after\tcrashes\n' > "$tsv"
failed=0
for name in "${targets[@]}"; do
  cat "$out_dir/$name/row.tsv" >> "$tsv"
  if [ -f "$out_dir/$name/failure.txt" ]; then
    failed=$((failed + 1))
    echo "campaign: $name FOUND A CRASH (fuzz/crashes/$name-*):"; cat "$out_dir/$name/failure.txt"
  fi
done
column -t "$tsv"
[ "$failed" -eq 0 ]
