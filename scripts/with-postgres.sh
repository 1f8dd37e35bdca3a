#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server on 127.0.0.1.
# Installs Debian's postgresql when no server binaries are found, starts a
# fresh cluster in a temporary directory, exports CAIRN_TEST_DATABASE_URL,
# runs "$@", and always stops the server.
set -euo pipefail

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
  echo "installing Debian's postgresql" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/dev/null
  BINDIR=$(find_bindir)
fi

PORT=${CAIRN_PG_PORT:-55432}
WORK=$(mktemp -d /tmp/cairn-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$WORK"
  RUN_AS=(runuser -u postgres --)
fi

cleanup() {
  "${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$BINDIR/initdb" -D "$WORK/data" -U cairn --auth=trust -E UTF8 >/dev/null
"${RUN_AS[@]}" "$BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${RUN_AS[@]}" "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U cairn cairn_test

export CAIRN_TEST_DATABASE_URL="postgresql+psycopg://cairn@127.0.0.1:$PORT/cairn_test"
export CAIRN_EXPECT_DIALECT=postgresql
echo "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
