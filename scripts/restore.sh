#!/usr/bin/env bash
#
# scripts/restore.sh - restore a backup made by scripts/backup.sh into a NEW database.
#
#   bash scripts/restore.sh FILE NEW_DBNAME
#
# Connects with the usual libpq environment (PGHOST, PGPORT, PGUSER,
# PGPASSWORD) as a superuser of the target cluster, then:
#   1. creates the roles from FILE.roles.sql that the cluster does not have yet
#      (roles that exist are left exactly as they are: no password is reset);
#   2. creates NEW_DBNAME (it must not exist: a restore never overwrites a
#      database), owned by the role that owned the backed-up schema;
#   3. pg_restore in one transaction, stopping at the first error, with the
#      original owners and grants (the app role's rights, the append-only
#      access audit) and the Data Protection keys;
#   4. ANALYZE, so that queries are planned well from the first request.
#
# Then point the app at it (ConnectionStrings__App / __Owner with
# Database=NEW_DBNAME). Running `PersonalizedLearning.Web migrate` afterwards
# is safe: it applies only migrations newer than the backup and re-grants.
set -euo pipefail

if (($# != 2)); then
  sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  exit 2
fi
FILE="$1"
DB="$2"
[[ -f "${FILE}" ]] || { echo "No backup file ${FILE}" >&2; exit 2; }
[[ "${DB}" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "Database name must be a plain lower-case identifier: ${DB}" >&2; exit 2; }

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
# shellcheck source=scripts/pg.sh
source "${ROOT}/scripts/pg.sh"
BIN="$(pg__find_bin 2>/dev/null || true)"
tool() { if [[ -n "${BIN}" && -x "${BIN}/$1" ]]; then echo "${BIN}/$1"; else echo "$1"; fi; }
sql() { "$(tool psql)" -X -q -At -v ON_ERROR_STOP=1 --dbname=postgres "$@"; }

t0="$(pg__now)"
if [[ -n "$(sql -c "SELECT 1 FROM pg_database WHERE datname = '${DB}'")" ]]; then
  echo "Database ${DB} already exists: restore into a new database (then switch the app over)." >&2
  exit 1
fi

# 1. roles the cluster does not have yet
if [[ -f "${FILE}.roles.sql" ]]; then
  existing="$(sql -c "SELECT string_agg(rolname, ' ') FROM pg_roles")"
  missing_sql="$(awk -v existing=" ${existing} " '
    /^(CREATE|ALTER) ROLE / {
      name = $3; sub(/;$/, "", name); gsub(/"/, "", name)
      if (index(existing, " " name " ") > 0) next
      print; next
    }
    /^GRANT / { print }' "${FILE}.roles.sql")"
  if [[ -n "${missing_sql}" ]]; then
    echo "Creating missing roles: $(grep -c '^CREATE ROLE' <<<"${missing_sql}" || true)" >&2
    # Memberships that already exist only raise notices.
    sql <<<"${missing_sql}"
  fi
fi

# 2. the database, owned by whoever owned the schema (the migrations history table)
owner="$("$(tool pg_restore)" --list "${FILE}" | awk '$4 == "TABLE" && $6 == "__EFMigrationsHistory" && owner == "" { owner = $7 } END { print owner }')"
[[ -n "${owner}" ]] || { echo "${FILE} does not look like a backup of this platform's database" >&2; exit 1; }
sql -c "CREATE DATABASE \"${DB}\" OWNER \"${owner}\" ENCODING 'UTF8' TEMPLATE template0"

# 3. the data, owners and grants: all or nothing
if ! "$(tool pg_restore)" --exit-on-error --single-transaction --dbname="${DB}" "${FILE}"; then
  sql -c "DROP DATABASE IF EXISTS \"${DB}\""
  echo "Restore failed; ${DB} was removed again." >&2
  exit 1
fi

# 4. planner statistics
"$(tool psql)" -X -q -v ON_ERROR_STOP=1 --dbname="${DB}" -c "ANALYZE"

tables="$("$(tool psql)" -X -At --dbname="${DB}" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
echo "Restored ${FILE} into ${DB} (owner ${owner}, ${tables} tables) in $(pg__elapsed "${t0}")s"
