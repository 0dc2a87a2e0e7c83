#!/usr/bin/env bash
# The Python tools the Rust tests start as real peers (aiosmtpd, an SMTP server), in a
# venv under the target directory, pinned in requirements.lock. Run by `make test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
"$here/venv.sh" "${CARGO_TARGET_DIR:-$root/target}/test-venv" "$here/requirements.lock"
