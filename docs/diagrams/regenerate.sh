#!/usr/bin/env bash
# Rebuilds the diagrams of the curated graph in this folder:
#
#   docs/diagrams/regenerate.sh            # with the debug build
#   docs/diagrams/regenerate.sh release    # with the release build
#
# Builds seccoop first (so the diagrams match the source), writes each
# NAME.dot listed in diagrams.txt and renders NAME.svg with Graphviz; an
# overview (`--overview`) seccoop writes as NAME.svg itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${1:-debug}"
case "$profile" in
  debug) (cd "$root" && cargo build --quiet) ;;
  release) (cd "$root" && cargo build --quiet --release) ;;
  *) echo "usage: $0 [debug|release]" >&2; exit 2 ;;
esac
seccoop="${CARGO_TARGET_DIR:-$root/target}/$profile/seccoop"
command -v dot >/dev/null || { echo "Graphviz's dot is needed to render the SVGs" >&2; exit 1; }

while IFS= read -r line; do
  case "$line" in '#'* | '') continue ;; esac
  name="${line%%:*}"
  read -r -a args <<< "${line#*:}"
  case " ${args[*]} " in
    *" --overview "*)
      # seccoop draws an overview as SVG itself.
      "$seccoop" "${args[@]}" > "$here/$name.svg"
      echo "wrote $name.svg"
      continue ;;
  esac
  "$seccoop" "${args[@]}" > "$here/$name.dot"
  dot -Tsvg "$here/$name.dot" -o "$here/$name.svg"
  echo "wrote $name.dot and $name.svg"
done < "$here/diagrams.txt"
