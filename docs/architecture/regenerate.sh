#!/usr/bin/env bash
# Redraws seccoop's module picture with seccoop itself:
#
#   docs/architecture/regenerate.sh
#
# Scans src/ (examples/module_graph.rs) into modules.toml, a graph file with
# its own schema, and draws it with `seccoop export` into modules.svg.
# tests/cli/architecture.rs fails when modules.toml no longer matches src/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
cargo run --quiet --example module_graph > "$here/modules.toml"
cargo run --quiet -- -g "$here/modules.toml" export --rankdir TB \
  --title "seccoop: which module uses which" -o "$here/modules.svg"
echo "wrote $here/modules.toml and $here/modules.svg"
