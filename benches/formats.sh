#!/usr/bin/env bash
# Reading and writing every interchange format at one size: a generated
# graph (`seccoop generate --seed 1`) converted to each format, then each
# file loaded (`-g FILE stats`) and each format written from the CSV folder
# (`convert`), timed with hyperfine; peak memory of one load by GNU time.
#
#   benches/formats.sh [NODES]      (default: 100000; RUNS=5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nodes=${1:-100000}
runs=${RUNS:-5}
work=${WORK:-$root/target/formats}
if ! command -v hyperfine >/dev/null || [ ! -x /usr/bin/time ]; then
    apt-get update -qq
    apt-get install -y -qq hyperfine time
fi
. "$root/benches/release.sh"
release_build --bin seccoop
bin=$release/seccoop
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$bin" generate --nodes "$nodes" --seed 1 g >/dev/null
"$bin" -g g convert g.toml >/dev/null
"$bin" -g g convert g.json >/dev/null
"$bin" -g g convert g.jsonl >/dev/null
"$bin" -g g convert g.graphml >/dev/null
"$bin" -g g convert --to node-link nl.json >/dev/null
"$bin" -g g convert g.ttl >/dev/null
"$bin" -g g convert g.nt >/dev/null
ls -l g.* nl.json
hyperfine -N --runs "$runs" --export-json read.json \
    -n csv-folder "$bin -g g stats" -n toml "$bin -g g.toml stats" \
    -n json "$bin -g g.json stats" -n jsonl "$bin -g g.jsonl stats" \
    -n graphml "$bin -g g.graphml stats" -n node-link "$bin -g nl.json stats" \
    -n turtle "$bin -g g.ttl stats" -n ntriples "$bin -g g.nt stats"
hyperfine -N --runs "$runs" --export-json write.json \
    -n toml "$bin -g g convert w.toml" -n json "$bin -g g convert w.json" \
    -n graphml "$bin -g g convert w.graphml" \
    -n node-link "$bin -g g convert --to node-link w.nl.json" \
    -n kuzu "$bin -g g convert --to kuzu wk" -n neo4j "$bin -g g convert --to neo4j wn" \
    -n turtle "$bin -g g convert w.ttl" -n ntriples "$bin -g g convert w.nt"
for f in g g.toml g.json g.jsonl g.graphml nl.json g.ttl g.nt; do
    /usr/bin/time -f "$f: %M KiB peak" "$bin" -g "$f" stats >/dev/null
done
python3 -c '
import json
for f in ["read.json", "write.json"]:
    for r in json.load(open(f))["results"]:
        print(f[:-5], r["command"], "median %.3f s" % r["median"])
'
