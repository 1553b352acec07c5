#!/usr/bin/env bash
# CI's fuzz smoke test: each fuzz target for ~20 s (SMOKE_SECONDS) when the
# nightly toolchain and cargo-fuzz are there or can be installed; otherwise a
# visible note and the proptest stand-ins, which run the same target bodies
# on stable (`cargo test --test fuzz_standins`). Exits non-zero on any
# finding. SMOKE_STANDINS=1 skips straight to the stand-ins.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${SMOKE_SECONDS:-20}

have_fuzz() {
  [ "${SMOKE_STANDINS:-0}" = 1 ] && return 1
  cargo +nightly --version >/dev/null 2>&1 || return 1
  cargo +nightly fuzz --version >/dev/null 2>&1 && return 0
  echo "fuzz smoke: installing cargo-fuzz" >&2
  # From outside the project, whose .cargo/config.toml is for seccoop only.
  (cd / && cargo install cargo-fuzz --locked) >&2 && cargo +nightly fuzz --version >/dev/null 2>&1
}

if have_fuzz; then
  fuzz/run.sh "$seconds"
else
  cat >&2 <<'NOTE'
################################################################
# NOTE: no nightly toolchain or cargo-fuzz here, so the fuzz   #
# targets do not run; running their proptest stand-ins instead #
# (cargo test --test fuzz_standins).                           #
################################################################
NOTE
  cargo test --test fuzz_standins
fi
