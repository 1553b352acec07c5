#!/usr/bin/env bash
# Every subcommand on the built-in graph, timed with hyperfine (whole runs),
# written into BENCHMARKS.md between the embedded markers, with the process
# start-up floor beside them (`seccoop --version`, which loads no graph).
# Targets: 2 ms each (5 ms before the built-in graph became a snapshot). The
# last two rows convert the graph's text file, so they time the TOML reader,
# not the built-in snapshot.
#
# The binary timed is a fresh copy of the build, as `cargo install` leaves
# one: the kernel maps the code of a file written by the linker in smaller
# pieces than that of a copy (17-20 more page faults a run here, about
# 0.05 ms), so the build's own file would time the linker, not seccoop.
#
#   benches/embedded.sh          (RUNS, default 200)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-200}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
. "$root/benches/release.sh"
release_build --bin seccoop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=$work/seccoop
cp "$release/seccoop" "$bin"

cmds=(
    "--version"
    "list"
    "show terrorism"
    "search terror"
    "related terrorism --rel addresses"
    "check"
    "stats"
    "impact lack-of-trust-and-transparency"
    "path resource-constraints terrorism"
    "explain border-security-cooperation addresses terrorism"
    "path resource-constraints terrorism --all --max-hops 4"
    "gaps"
    "whatif --without intelligence-sharing"
    "export --format dot"
    "export --format mermaid"
    "query MATCH(a)-[:addresses]->(t)RETURN(t.name),count(a)"
    "convert $work/built-in.jsonl"
    "convert $root/graph/security-cooperation.toml $work/graph.jsonl"
    "convert $root/graph/security-cooperation.toml $work/csv"
)
args=()
for c in "${cmds[@]}"; do args+=("$bin $c"); done
hyperfine -N --style basic --warmup 20 --runs "$runs" --export-json "$work/embedded.json" "${args[@]}" >/dev/null

python3 - "$work/embedded.json" "$root/BENCHMARKS.md" "$bin" "$root" "$work" <<'PY'
import json, statistics, sys
results, path, binary, root, work = sys.argv[1:]
rows = ["| command | median | min … max | ≤ 2 ms | ≤ 5 ms |", "| --- | ---: | ---: | :---: | :---: |"]
for r in json.load(open(results))["results"]:
    cmd = r["command"].replace(binary, "seccoop").replace(root + "/", "").replace(work, "OUT")
    med = statistics.median(r["times"]) * 1000
    best, worst = min(r["times"]) * 1000, max(r["times"]) * 1000
    yes = lambda limit: "yes" if med <= limit else "NO"
    rows.append(f"| `{cmd}` | {med:.2f} ms | {best:.1f} … {worst:.1f} ms | {yes(2)} | {yes(5)} |")
text = open(path).read()
begin, end = "<!-- embedded:begin -->", "<!-- embedded:end -->"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + "\n" + "\n".join(rows) + "\n" + end + tail)
PY
echo "wrote $root/BENCHMARKS.md"
