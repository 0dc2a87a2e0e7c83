#!/usr/bin/env bash
# The real peers the tests start: aiosmtpd (an SMTP server, from PyPI) in a venv
# under the target directory, pinned in requirements.lock; Dovecot (an IMAP and POP3
# server), nginx (the load balancer in front of two goats) and Chromium (the browser
# tests drive it), from Debian's packages. Run by `make test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
"$here/venv.sh" "${CARGO_TARGET_DIR:-$root/target}/test-venv" "$here/requirements.lock"

if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  echo "test-tools: installing Dovecot from Debian's packages (the mail account tests read it)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-tools: Dovecot is missing and installing it needs root: apt-get install dovecot-imapd dovecot-pop3d" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends dovecot-imapd dovecot-pop3d >/dev/null
  # The package starts a system-wide server where it can; the tests run their own.
  if command -v service >/dev/null 2>&1; then service dovecot stop >/dev/null 2>&1 || true; fi
fi

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "test-tools: installing nginx from Debian's packages (two goats run behind it)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-tools: nginx is missing and installing it needs root: apt-get install nginx" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx >/dev/null
  # The tests run their own, on loopback ports.
  if command -v service >/dev/null 2>&1; then service nginx stop >/dev/null 2>&1 || true; fi
fi

# The browser tests drive Debian's Chromium with playwright-core (from npm, by make);
# CHROMIUM names another executable.
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "test-tools: installing Chromium from Debian's packages (the browser tests drive it)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-tools: Chromium is missing and installing it needs root: apt-get install chromium" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
