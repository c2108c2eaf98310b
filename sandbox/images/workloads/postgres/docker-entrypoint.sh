#!/bin/bash
# Starts Debian's PostgreSQL the way the official image's entrypoint does (the common subset).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
if [ "${1:-}" != postgres ]; then exec "$@"; fi
if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
  echo "Error: Database is uninitialized and superuser password is not specified." >&2
  echo "       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser." >&2
  exit 1
fi
user=${POSTGRES_USER:-postgres}
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
chmod 0700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp); printf '%s' "${POSTGRES_PASSWORD:-}" > "$pwfile"; chown postgres "$pwfile"
  su postgres -c "$bin/initdb -D '$PGDATA' -U '$user' --pwfile='$pwfile' --auth-local=trust --auth-host=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >/dev/null
  rm -f "$pwfile"
  echo "host all all all ${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != "$user" ]; then
    su postgres -c "$bin/postgres --single -D '$PGDATA' postgres" <<< "CREATE DATABASE \"$POSTGRES_DB\";" >/dev/null
  fi
  echo "PostgreSQL init process complete; ready for start up."
fi
exec su postgres -c "exec $bin/postgres -D '$PGDATA' -c listen_addresses='*'"
