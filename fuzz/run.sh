#!/usr/bin/env bash
# Runs every fuzz target (or those in $TARGETS) for SECONDS each, one after
# another, and prints each target's executions, speed and corpus size.
#
#   fuzz/run.sh [SECONDS]                # default 60
#   TARGETS="cypher_eval dot_write" fuzz/run.sh 300
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz
# --locked`). The corpus (fuzz/corpus/<target>, not committed) is seeded
# from real files by fuzz/seed.sh and grows between runs. A crash, a
# timeout or running out of memory is saved under fuzz/artifacts/<target>/;
# the script goes on with the other targets and exits 1 at the end. Logs go
# to fuzz/logs/<target>.log.
#
# Built without a sanitizer (seccoop forbids unsafe code) and with debug
# assertions, so an integer overflow is a finding too.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
targets=${TARGETS:-load_toml load_json load_jsonl load_csv load_snapshot cypher_parse cypher_eval dot_write}

# Bulk inputs go through scratch files: keep them in memory when possible.
base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
TMPDIR=$(mktemp -d "$base/seccoop-fuzz.XXXXXX")
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT

./seed.sh >/dev/null
flags=(--sanitizer none --debug-assertions)
cargo +nightly fuzz build "${flags[@]}" || exit 1

# Longest input per target: small graph files for the loaders (every
# accepted graph is written in four formats and read back, so longer inputs
# mostly slow a run down), a long query, and for dot_write a graph of 16
# nodes and 32 edges with long names.
max_len() {
  case $1 in
    load_*) echo 4096 ;;
    cypher_*) echo 1024 ;;
    dot_write) echo 2048 ;;
  esac
}
dict() {
  case $1 in
    load_toml | load_csv) echo "-dict=toml.dict" ;;
    load_json | load_jsonl) echo "-dict=json.dict" ;;
    cypher_*) echo "-dict=cypher.dict" ;;
  esac
}

mkdir -p logs
failed=()
summary=()
for t in $targets; do
  echo "== $t: ${seconds}s" >&2
  mkdir -p "artifacts/$t"
  # shellcheck disable=SC2046
  cargo +nightly fuzz run "${flags[@]}" "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 $(dict "$t") \
    >"logs/$t.log" 2>&1
  status=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' | tail -1)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' | tail -1)
  files=$(find "corpus/$t" -type f | wc -l)
  line=$(printf '%-13s %4ss  %10s execs  %6s exec/s  corpus %5s' \
    "$t" "$seconds" "${execs:-?}" "${speed:-?}" "$files")
  if [ "$status" -ne 0 ]; then
    line="$line  FAILED (see fuzz/logs/$t.log, fuzz/artifacts/$t/)"
    failed+=("$t")
    tail -n 40 "logs/$t.log" >&2
  fi
  summary+=("$line")
done

printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "findings in: ${failed[*]}" >&2
  exit 1
fi
