#!/usr/bin/env bash
# Exports need Graphviz (the factor graph) and Pango (WeasyPrint's PDFs);
# install Debian's packages when run as root and they are missing.
set -euo pipefail
missing=()
command -v dot >/dev/null || missing+=(graphviz)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's ${missing[*]} for exports" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
else
  echo "note: ${missing[*]} missing; factor graphs or PDF exports will not work (apt-get install ${missing[*]})" >&2
fi
