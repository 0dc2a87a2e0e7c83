#!/usr/bin/env bash
# The Python tools the Rust tests start as real peers (aiosmtpd, an SMTP server), in a
# venv under the target directory, pinned in requirements.lock. Run by `make test`;
# reinstalled only when the lock changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="${CARGO_TARGET_DIR:-$root/target}/test-venv"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.lock" "$venv/requirements.lock"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.lock"
  cp "$here/requirements.lock" "$venv/requirements.lock"
fi
