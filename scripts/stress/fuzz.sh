#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for N seconds each (default 30, what CI runs) and
# prints one line per target: execs, corpus size, crashes. Needs a nightly toolchain and
# cargo-fuzz; without them it says so and exits 0 (the stable corpus replay,
# tests/fuzz_corpus.rs, still runs in `npm test`).
#
#   scripts/stress/fuzz.sh [seconds] [target…]
#   FUZZ_JOBS=2 scripts/stress/fuzz.sh 600      # two targets at a time
set -u
cd "$(dirname "$0")/../.."
secs="${1:-30}"; shift || true
all="pipeline_spec filter_from_query cursor_decode money_parse bson_balance regex_glob"
targets="${*:-$all}"
jobs="${FUZZ_JOBS:-1}"
if ! cargo +nightly --version >/dev/null 2>&1 || ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: skipped (needs a nightly toolchain and cargo-fuzz: rustup toolchain install nightly && cargo install cargo-fuzz)"
  exit 0
fi
# Only targets the fuzz crate declares (regex_glob needs the cache module).
declared=$(cargo +nightly fuzz list 2>/dev/null)
mkdir -p fuzz/logs
nice -n 10 cargo +nightly fuzz build >/dev/null 2>fuzz/logs/build.log || { cat fuzz/logs/build.log; exit 1; }
run_one() {
  t="$1"
  log="fuzz/logs/$t.log"
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  nice -n 10 cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=4096 >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(ls "fuzz/artifacts/$t" 2>/dev/null | grep -c -E '^(crash|oom|timeout|leak)-' || true)
  echo "fuzz $t: ${secs}s, execs ${execs:-?}, corpus $(ls "fuzz/corpus/$t" | wc -l) files, crashes $crashes, exit $rc"
  [ "$rc" = 0 ] && [ "$crashes" = 0 ]
}
status=0
pids=()
for t in $targets; do
  if ! grep -qx "$t" <<<"$declared"; then echo "fuzz $t: not declared in fuzz/Cargo.toml, skipped"; continue; fi
  run_one "$t" & pids+=($!)
  if [ "${#pids[@]}" -ge "$jobs" ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
