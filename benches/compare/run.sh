#!/usr/bin/env bash
# seccoop beside NetworkX and Kuzu: the same questions, end to end, and how
# each grows with the graph.
#
#   benches/compare/run.sh                  everything: the tables at 1M nodes
#                                           (three questions) and the scale
#                                           curve with its plot (`related` at
#                                           1k, 10k, 100k, 1M and 10M nodes)
#   benches/compare/run.sh NODES...         the tables at these sizes only
#   benches/compare/run.sh --scale [NODES...]
#                                           the scale curve only (default
#                                           sizes: 1k … 10M as above)
#   benches/compare/run.sh NODES... --scale NODES...
#                                           both, at the sizes given (a size
#                                           in both is measured once)
#
# For each size: generates the graph with `seccoop generate --seed 1`; builds,
# once and timed once, what two of the tools answer from (seccoop's snapshot,
# `seccoop convert DIR DIR.sccp`, and a Kuzu database on disk, DIR.kuzu);
# checks that every tool gives the same answers (compare.py check); times
# each tool on each question with hyperfine (whole runs: start, load, answer,
# exit); measures peak memory with GNU time; for the tables, times the floor
# (reading the files; reading and splitting them). Then writes the tables
# into BENCHMARKS.md between the compare markers, and the scale curve
# between the scale markers with its plot, docs/bench/scale.svg.
#
# The tools: seccoop from the CSV folder and from the snapshot (both with
# --no-reasoning: the peers do not reason), NetworkX, Kuzu in memory (COPY
# FROM the CSV folder at each run) and Kuzu on disk (opens DIR.kuzu).
#
# Runs: RUNS (hyperfine runs of seccoop and Kuzu, default 10) below 1M
# nodes, half of it at 1M, 3 at 10M and above; NX_RUNS (of NetworkX,
# default 3) below 1M, 1 at 1M; NetworkX is not run above NX_MAX nodes
# (default 1000000: it wants about 2 GiB per million nodes and a minute a run).
# Peak memory: 3 runs under GNU time below 10M, 1 at 10M (NetworkX: 1).
#
# Environment: RUNS, NX_RUNS, NX_MAX as above; WORK (scratch folder, default
# target/compare); NOTE (a line printed at the head of the sections
# written, e.g. to label a trial run); to time one tool again after a full
# run, TOOLS=seccoop CHECK=0 (the other tools' results in WORK are kept).
# Installs hyperfine and GNU time with apt-get if missing, and makes its own
# Python virtual environment with networkx, kuzu and matplotlib from PyPI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${WORK:-$root/target/compare}
runs=${RUNS:-10}
nx_runs=${NX_RUNS:-3}
nx_max=${NX_MAX:-1000000}
all_tools="seccoop seccoop-snapshot networkx kuzu kuzu-ondisk"
scale_default=(1000 10000 100000 1000000 10000000)
mkdir -p "$work"

table_sizes=()
scale_sizes=()
if [ $# -eq 0 ]; then
    table_sizes=(1000000)
    scale_sizes=("${scale_default[@]}")
else
    scale=0
    for a in "$@"; do
        case "$a" in
            --scale) scale=1 ;;
            *[!0-9]* | '') echo "usage: run.sh [NODES...] [--scale [NODES...]]" >&2; exit 2 ;;
            *) if [ $scale = 1 ]; then scale_sizes+=("$a"); else table_sizes+=("$a"); fi ;;
        esac
    done
    [ $scale = 0 ] || [ ${#scale_sizes[@]} -gt 0 ] || scale_sizes=("${scale_default[@]}")
fi

if ! command -v hyperfine >/dev/null || [ ! -x /usr/bin/time ]; then
    apt-get update -qq
    apt-get install -y -qq hyperfine time
fi
venv=$work/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
py=$venv/bin/python
"$py" -c 'import networkx, kuzu, matplotlib' 2>/dev/null ||
    "$venv/bin/pip" install -q networkx kuzu matplotlib

. "$root/benches/release.sh"
release_build --bin seccoop --example read_split
bin=$release/seccoop
split=$release/examples/read_split

"$py" - > "$work/versions.json" <<PY
import json, subprocess, sys, networkx, kuzu
seccoop = subprocess.run(["$bin", "--version"], capture_output=True, text=True).stdout.strip()
rev = subprocess.run(["git", "-C", "$root", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
print(json.dumps({"versions": f"{seccoop} (commit {rev}), Python {sys.version.split()[0]}, networkx {networkx.__version__}, kuzu {kuzu.__version__}"}))
PY

# Hyperfine runs of TOOL at N nodes.
runs_for() {
    local n=$1 tool=$2
    if [ "$tool" = networkx ]; then
        if [ "$n" -ge 1000000 ]; then echo 1; else echo "$nx_runs"; fi
    else
        local few=$((runs < 3 ? runs : 3)) half=$(((runs + 1) / 2))
        if [ "$n" -ge 10000000 ]; then echo "$few"
        elif [ "$n" -ge 1000000 ]; then echo $((half > few ? half : few))
        else echo "$runs"
        fi
    fi
}

# The tools to run at N nodes: TOOLS, less NetworkX above NX_MAX.
tools_at() {
    local n=$1 t out=()
    for t in ${TOOLS:-$all_tools}; do
        [ "$t" = networkx ] && [ "$n" -gt "$nx_max" ] && continue
        out+=("$t")
    done
    echo "${out[@]}"
}

# Measures N nodes on QUESTIONS (space-separated); FLOOR=1 times the floor too.
measure() {
    local n=$1 questions=$2 floor=$3
    local dir=$work/graph-$n res=$work/results-$n
    local tools
    tools=$(tools_at "$n")
    mkdir -p "$res"
    [ -f "$dir/edges.csv" ] || "$bin" generate --nodes "$n" --seed 1 "$dir"
    local edges bytes
    edges=$(($(wc -l < "$dir/edges.csv") - 1))
    bytes=$(cat "$dir/nodes.csv" "$dir/edges.csv" | wc -c)
    echo "{\"edges\": $edges, \"bytes\": $bytes}" > "$res/graph.json"

    for tool in seccoop-snapshot kuzu-ondisk; do
        case " $tools " in *" $tool "*) ;; *) continue ;; esac
        echo "== $n nodes: build once, $tool"
        "$py" "$here/compare.py" build "$dir" "$bin" "$py" "$tool" "$res/build-$tool.json"
    done

    if [ "${CHECK:-1}" != 0 ]; then
        echo "== $n nodes: answers"
        "$py" "$here/compare.py" check "$dir" "$bin" "$py" "${questions// /,}" "${tools// /,}"
    fi

    local q tool cmd r warm mem
    for q in $questions; do
        for tool in $tools; do
            cmd=$("$py" "$here/compare.py" command "$dir" "$bin" "$py" "$q" "$tool")
            r=$(runs_for "$n" "$tool")
            # The answers check has just read the files (they are in the page
            # cache): NetworkX, a minute a run at 1M nodes, and every tool at
            # 10M get no warm-up run, and one memory run.
            warm=1 mem="1 2 3"
            if [ "$tool" = networkx ]; then warm=0 mem=1; fi
            if [ "$n" -ge 10000000 ]; then warm=0 mem=1; fi
            echo "== $n nodes: $q, $tool ($r run(s))"
            hyperfine -N --style basic --warmup "$warm" --runs "$r" \
                --export-json "$res/$q-$tool.json" "$cmd" >/dev/null
            : > "$res/$q-$tool.rss"
            for _ in $mem; do
                /usr/bin/time -f '%M' -o "$res/rss.tmp" bash -c "$cmd > /dev/null"
                cat "$res/rss.tmp" >> "$res/$q-$tool.rss"
            done
        done
    done

    if [ "$floor" = 1 ]; then
        r=$(runs_for "$n" seccoop)
        echo "== $n nodes: the floor"
        hyperfine -N --style basic --warmup 1 --runs "$r" --export-json "$res/floor-cat.json" \
            "cat $dir/nodes.csv $dir/edges.csv" >/dev/null
        hyperfine -N --style basic --warmup 1 --runs "$r" --export-json "$res/floor-split.json" \
            "$split $dir" >/dev/null
    fi
}

measured=" "
for n in "${table_sizes[@]}"; do
    measure "$n" "related impact path" 1
    measured+="$n "
done
for n in "${scale_sizes[@]}"; do
    # A size the tables measured has its `related` results already.
    case "$measured" in *" $n "*) continue ;; esac
    measure "$n" related 0
done

if [ ${#table_sizes[@]} -gt 0 ]; then
    "$py" "$here/compare.py" report "$root/BENCHMARKS.md" "$work" "${table_sizes[@]}"
    echo "wrote the tables in $root/BENCHMARKS.md"
fi
if [ ${#scale_sizes[@]} -gt 0 ]; then
    "$py" "$here/compare.py" scale "$root/BENCHMARKS.md" "$work" "$root/docs/bench/scale.svg" "${scale_sizes[@]}"
    echo "wrote the scale curve in $root/BENCHMARKS.md and $root/docs/bench/scale.svg"
fi
