#!/usr/bin/env bash
# seccoop beside NetworkX and Kuzu: the same three questions, end to end.
#
#   benches/compare/run.sh [NODES...]        (default: 1000000)
#
# For each size: generates the graph with `seccoop generate --seed 1`, checks
# that the three tools give the same answers (compare.py check), times each
# tool on each question with hyperfine (whole runs: start, load the CSV
# folder, answer, exit), measures peak memory with GNU time, times the floor
# (reading the files; reading and splitting them), and writes the table into
# BENCHMARKS.md between the compare markers.
#
# Environment: RUNS (hyperfine runs of seccoop and Kuzu, default 10), NX_RUNS
# (of NetworkX, default 3), WORK (scratch folder, default target/compare);
# to time one tool again after a full run, TOOLS=seccoop CHECK=0 (the other
# tools' results in WORK are kept).
# Installs hyperfine and GNU time with apt-get if missing, and makes its own
# Python virtual environment with networkx and kuzu from PyPI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${WORK:-$root/target/compare}
runs=${RUNS:-10}
nx_runs=${NX_RUNS:-3}
mkdir -p "$work"

if ! command -v hyperfine >/dev/null || [ ! -x /usr/bin/time ]; then
    apt-get update -qq
    apt-get install -y -qq hyperfine time
fi
venv=$work/venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q networkx kuzu
fi
py=$venv/bin/python

cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin seccoop --example read_split
bin=$root/target/release/seccoop
split=$root/target/release/examples/read_split

"$py" - > "$work/versions.json" <<PY
import json, subprocess, sys, networkx, kuzu
seccoop = subprocess.run(["$bin", "--version"], capture_output=True, text=True).stdout.strip()
rev = subprocess.run(["git", "-C", "$root", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
print(json.dumps({"versions": f"{seccoop} (commit {rev}), Python {sys.version.split()[0]}, networkx {networkx.__version__}, kuzu {kuzu.__version__}"}))
PY

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000)
for n in "${sizes[@]}"; do
    dir=$work/graph-$n
    res=$work/results-$n
    mkdir -p "$res"
    [ -f "$dir/edges.csv" ] || "$bin" generate --nodes "$n" --seed 1 "$dir"
    edges=$(($(wc -l < "$dir/edges.csv") - 1))
    bytes=$(cat "$dir/nodes.csv" "$dir/edges.csv" | wc -c)
    echo "{\"edges\": $edges, \"bytes\": $bytes}" > "$res/graph.json"

    if [ "${CHECK:-1}" != 0 ]; then
        echo "== $n nodes: answers"
        "$py" "$here/compare.py" check "$dir" "$bin" "$py"
    fi

    for q in related impact path; do
        for tool in ${TOOLS:-seccoop networkx kuzu}; do
            cmd=$("$py" -c "
import shlex, sys
sys.path.insert(0, '$here')
import compare
print(shlex.join(compare.commands('$dir', '$bin', '$py')['$q']['$tool']))")
            # NetworkX takes a minute a run at 1M nodes: no warm-up (the
            # files are in the page cache already) and one memory run.
            r=$runs warm=1 mem="1 2 3"
            [ "$tool" = networkx ] && r=$nx_runs warm=0 mem=1
            echo "== $n nodes: $q, $tool ($r runs)"
            hyperfine -N --style basic --warmup "$warm" --runs "$r" \
                --export-json "$res/$q-$tool.json" "$cmd" >/dev/null
            : > "$res/$q-$tool.rss"
            for _ in $mem; do
                /usr/bin/time -f '%M' -o "$res/rss.tmp" bash -c "$cmd > /dev/null"
                cat "$res/rss.tmp" >> "$res/$q-$tool.rss"
            done
        done
    done

    echo "== $n nodes: the floor"
    hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$res/floor-cat.json" \
        "cat $dir/nodes.csv $dir/edges.csv" >/dev/null
    hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$res/floor-split.json" \
        "$split $dir" >/dev/null
    touch "$res/floor.json"
done

"$py" "$here/compare.py" report "$root/BENCHMARKS.md" "$work" "${sizes[@]}"
echo "wrote $root/BENCHMARKS.md"
