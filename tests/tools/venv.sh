#!/usr/bin/env bash
# A Python venv at $1 with exactly the packages pinned in the lock file $2, rebuilt only
# when that lock changes. Used by the test tools and the conformance run.
set -euo pipefail
venv=$1
lock=$2
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$lock" "$venv/requirements.lock"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$lock"
  cp "$lock" "$venv/requirements.lock"
fi
