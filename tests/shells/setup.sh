#!/usr/bin/env bash
# Installs the shells and the man page checker the completion and man page
# tests run their output through: zsh, fish and elvish (bash is already
# there) and mandoc (groff comes with man-db). PowerShell is not packaged
# by Debian, so its script is only checked for what it must hold.
# Idempotent: installs only what is missing.
set -euo pipefail
missing=()
for tool in zsh fish elvish mandoc groff; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
