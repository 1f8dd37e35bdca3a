#!/usr/bin/env bash
# The contributing-factor graph is laid out by Graphviz; install Debian's package if we can.
set -euo pipefail
if command -v dot >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's graphviz for the factor graph" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
else
  echo "note: Graphviz (dot) is missing; factor graphs are left out (apt-get install graphviz)" >&2
fi
