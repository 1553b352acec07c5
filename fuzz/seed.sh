#!/usr/bin/env bash
# Seeds fuzz/corpus/<target> from real inputs: the curated graph and schema,
# the examples, the test fixtures (TOML, and the good ones converted to
# JSON, JSON Lines, CSV folders and snapshots by `seccoop convert`), and the Cypher
# queries in fuzz/seeds/cypher.txt. Safe to run again: seeds are named by
# their content, and files a fuzzer added are left alone.
set -euo pipefail
cd "$(dirname "$0")"
root=..
corpus=corpus

# Copies stdin to corpus/<target>/seed-<hash>.
add() {
  local target=$1 tmp hash
  mkdir -p "$corpus/$target"
  tmp=$(mktemp)
  cat > "$tmp"
  hash=$(sha1sum < "$tmp" | cut -c1-16)
  if [ -e "$corpus/$target/seed-$hash" ]; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$corpus/$target/seed-$hash"
  fi
}

tomls=("$root"/graph/*.toml "$root"/examples/*.toml "$root"/tests/fixtures/*/*.toml "$root"/tests/data/*.toml)
for f in "${tomls[@]}"; do add load_toml < "$f"; done
for f in "$root"/tests/fixtures/*/*.json; do add load_json < "$f"; done

# The good graphs in the other formats, written by seccoop itself.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && cargo build --quiet --bin seccoop)
# The project's .cargo/config.toml builds for the host as a named target.
host=$(cd "$root" && rustc -vV | sed -n 's/^host: //p')
seccoop=$root/target/$host/debug/seccoop
[ -x "$seccoop" ] || { echo "seed.sh: no binary at $seccoop" >&2; exit 1; }
i=0
for f in "$root"/graph/security-cooperation.toml "$root"/examples/*.toml \
         "$root"/tests/fixtures/good/*.toml "$root"/tests/data/*.toml; do
  i=$((i + 1))
  "$seccoop" convert "$f" "$work/$i.json" >/dev/null 2>&1 || continue
  "$seccoop" convert "$f" "$work/$i.jsonl" >/dev/null
  "$seccoop" convert "$f" "$work/$i" --to csv >/dev/null
  "$seccoop" convert "$f" "$work/$i.sccp" >/dev/null
  add load_snapshot < "$work/$i.sccp"
  add load_json < "$work/$i.json"
  add load_jsonl < "$work/$i.jsonl"
  # A CSV folder is one input: nodes.csv, then `==> NAME <==` and each other file.
  {
    cat "$work/$i/nodes.csv"
    for name in edges.csv schema.toml graph.toml; do
      if [ -f "$work/$i/$name" ]; then
        printf '==> %s <==\n' "$name"
        cat "$work/$i/$name"
      fi
    done
  } | add load_csv
done

while IFS= read -r query; do
  printf '%s' "$query" | add cypher_parse
  printf '%s' "$query" | add cypher_eval
done < seeds/cypher.txt

# dot_write reads any bytes as a graph; a few shapes to start from.
printf '\x0f\x05\x04node\x05Name\x00\x01b\x01B\x01\x03c"d\x03e\\f\x02' | add dot_write
printf '\x0a\x08\x08<x\\y>\x00\x08\x08%%3 \n\r\t\x01\x10\x00\x00\x01\x00\x01\x02\x01\x01\x00\x00\x00' | add dot_write
head -c 600 /dev/urandom | add dot_write

for d in "$corpus"/*/; do
  printf '%-14s %s files\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
