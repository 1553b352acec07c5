#!/usr/bin/env bash
# Makes the Python environment the interchange tests read exports back with:
# tests/python/.venv, with the packages of requirements.txt from PyPI.
# Idempotent: an environment whose requirements are unchanged is kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=$here/.venv
stamp=$venv/.requirements
if [ -x "$venv/bin/python" ] && cmp -s "$here/requirements.txt" "$stamp"; then
    exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
cp "$here/requirements.txt" "$stamp"
