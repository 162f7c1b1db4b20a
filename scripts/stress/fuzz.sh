#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for N seconds each (default 30, what CI runs) and
# prints one line per target: execs, corpus size, crashes. Runs on the stable toolchain:
# cargo-fuzz's unstable flags (-Zsanitizer=address, the sancov passes) are let through by
# RUSTC_BOOTSTRAP=1, and stable's rust-std ships the ASan runtime. cargo-fuzz (pinned) is
# installed into the tool folder by scripts/tools.js when missing. The committed corpus
# fuzz/corpus/<target>/ seeds each run and is left as it is; new inputs go to
# fuzz/logs/new/<target>/ (minimise them with `cargo fuzz cmin` before committing any).
#
#   scripts/stress/fuzz.sh [seconds] [target…]
#   FUZZ_JOBS=2 scripts/stress/fuzz.sh 600      # two targets at a time
set -u
cd "$(dirname "$0")/../.."
secs="${1:-30}"; shift || true
all="pipeline_spec filter_from_query cursor_decode money_parse bson_balance regex_glob"
targets="${*:-$all}"
jobs="${FUZZ_JOBS:-1}"
node scripts/tools.js cargo-fuzz || exit 1
export PATH="${HOTPATH_TOOLS_DIR:-$PWD/.tools}/bin:$PATH" RUSTC_BOOTSTRAP=1
# Build output beside the project's other builds (CI caches that folder between runs).
fuzz_dir=(); [ -n "${CARGO_TARGET_DIR:-}" ] && fuzz_dir=(--target-dir "$CARGO_TARGET_DIR/fuzz")
# Only targets the fuzz crate declares (regex_glob needs the cache module).
declared=$(cargo fuzz list 2>/dev/null)
mkdir -p fuzz/logs
nice -n 10 cargo fuzz build "${fuzz_dir[@]}" >/dev/null 2>fuzz/logs/build.log || { cat fuzz/logs/build.log; exit 1; }
run_one() {
  t="$1"
  log="fuzz/logs/$t.log"
  mkdir -p "fuzz/logs/new/$t" "fuzz/artifacts/$t"
  nice -n 10 cargo fuzz run "${fuzz_dir[@]}" "$t" "fuzz/logs/new/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=4096 >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(ls "fuzz/artifacts/$t" 2>/dev/null | grep -c -E '^(crash|oom|timeout|leak)-' || true)
  echo "fuzz $t: ${secs}s, execs ${execs:-?}, corpus $(ls "fuzz/corpus/$t" | wc -l)+$(ls "fuzz/logs/new/$t" | wc -l) new files, crashes $crashes, exit $rc"
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
