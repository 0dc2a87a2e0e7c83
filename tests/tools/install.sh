#!/usr/bin/env bash
# The real peers the tests start: aiosmtpd (an SMTP server, from PyPI) in a venv
# under the target directory, pinned in requirements.lock; Dovecot (an IMAP and POP3
# server), nginx (the load balancer in front of two goats) and Chromium (the browser
# tests drive it), from Debian's packages. Run by `make test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
"$here/venv.sh" "${CARGO_TARGET_DIR:-$root/target}/test-venv" "$here/requirements.lock"

# from_debian NAME WHY SERVICE PACKAGE… — installs the packages (needs root). A package
# that starts a system-wide server where it can has it stopped: the tests run their own.
from_debian() {
  local name=$1 why=$2 service=$3
  shift 3
  echo "test-tools: installing $name from Debian's packages ($why)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-tools: $name is missing and installing it needs root: apt-get install $*" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  if [ -n "$service" ] && command -v service >/dev/null 2>&1; then service "$service" stop >/dev/null 2>&1 || true; fi
}

if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
  from_debian Dovecot "the mail account tests read it" dovecot dovecot-imapd dovecot-pop3d
fi

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  from_debian nginx "two goats run behind it" nginx nginx
fi

# The browser tests drive Debian's Chromium with playwright-core (from npm, by make);
# CHROMIUM names another executable.
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  from_debian Chromium "the browser tests drive it" "" --install-recommends chromium
fi
