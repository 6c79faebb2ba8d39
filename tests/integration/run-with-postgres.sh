#!/bin/sh
# Runs a test program against a throwaway PostgreSQL 15 cluster: initdb in
# a temporary directory, a server listening only on a unix socket there,
# AFTERCARE_TEST_POSTGRES set to its URI, and the cluster stopped and
# removed afterwards, whatever the test's outcome. PostgreSQL refuses to
# run as root, so as root the cluster runs as the system user
# aftercare-test (created if missing; nobody if that fails).
# Durability is off (fsync, synchronous_commit): the cluster is thrown away.
set -eu

bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
if [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "1..0 # SKIP PostgreSQL 15 is not installed ($bindir/initdb): apt install postgresql-15"
  exit 0
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/care-pg-XXXXXX")
as=""
if [ "$(id -u)" -eq 0 ]; then
  user=aftercare-test
  if ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user" 2>/dev/null || true
  fi
  id "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$dir"
  as="runuser -u $user --"
fi
chmod 700 "$dir"

stop() {
  $as "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

$as "$bindir/initdb" -D "$dir/data" -U aftercare --auth=trust -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
$as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
      -c shared_buffers=32MB" start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
chmod 755 "$dir"

AFTERCARE_TEST_POSTGRES="postgresql://aftercare@/postgres?host=$dir"
export AFTERCARE_TEST_POSTGRES
status=0
"$@" || status=$?
exit $status
