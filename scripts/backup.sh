#!/usr/bin/env bash
#
# scripts/backup.sh - back up the platform's database.
#
#   bash scripts/backup.sh DBNAME FILE
#
# Connects with the usual libpq environment (PGHOST, PGPORT, PGUSER,
# PGPASSWORD; PGUSER should be a superuser or the database owner) and writes:
#
#   FILE             pg_dump custom format (-Fc, compressed): every table,
#                    owners and grants (so the app role's rights, including the
#                    append-only access audit, come back exactly), the Data
#                    Protection keys (sign-in cookies stay valid after a
#                    restore) and the EF migrations history.
#   FILE.roles.sql   the cluster's roles (pg_dumpall --roles-only), because
#                    roles live outside any one database. Needs a superuser;
#                    without one it is skipped with a warning and the roles
#                    must exist where you restore.
#
# pg_dump takes a consistent snapshot while the app keeps running. Restore
# with scripts/restore.sh. Keep both files together, and somewhere else than
# the database server.
set -euo pipefail

if (($# != 2)); then
  sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 2
fi
DB="$1"
FILE="$2"

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck source=scripts/pg.sh
source "${ROOT}/scripts/pg.sh"
# Prefer the client tools of the installed server version (pg_dump must be at
# least as new as the server); fall back to whatever is on PATH.
BIN="$(pg__find_bin 2>/dev/null || true)"
tool() { if [[ -n "${BIN}" && -x "${BIN}/$1" ]]; then echo "${BIN}/$1"; else echo "$1"; fi; }

t0="$(pg__now)"
mkdir -p -- "$(dirname -- "${FILE}")"
"$(tool pg_dump)" --format=custom --compress=6 --dbname="${DB}" --file="${FILE}.partial"
mv -f -- "${FILE}.partial" "${FILE}"

if "$(tool pg_dumpall)" --roles-only --file="${FILE}.roles.sql.partial" 2>/dev/null; then
  mv -f -- "${FILE}.roles.sql.partial" "${FILE}.roles.sql"
else
  rm -f -- "${FILE}.roles.sql.partial"
  echo "WARNING: could not dump roles (needs a superuser); restore where the roles already exist" >&2
fi

echo "Backed up ${DB} to ${FILE} ($(du -h -- "${FILE}" | cut -f1)) in $(pg__elapsed "${t0}")s"
