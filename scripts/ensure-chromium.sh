#!/usr/bin/env bash
# Browser tests drive the system Chromium; install Debian's package if we can.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
else
  echo "note: /usr/bin/chromium is missing; browser tests will be skipped (apt-get install chromium)" >&2
fi
