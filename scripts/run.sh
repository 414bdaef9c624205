#!/usr/bin/env bash
#
# scripts/run.sh - run the PersonalizedLearning web app locally.
#
#   bash scripts/run.sh
#
# What it does:
#   * starts a private PostgreSQL cluster in .data/pg (installing PostgreSQL
#     from Debian packages first if the machine has none), listening on
#     127.0.0.1 only, on the port remembered in .data/pg.port;
#   * creates the roles pl_owner / pl_app and the database
#     personalized_learning if missing;
#   * runs the app (`dotnet run -c Release`) in Development with demo data.
#
# The database persists in .data/pg between runs (delete .data/ for a fresh
# start). The PostgreSQL server itself is stopped when this script exits
# (Ctrl-C included), so nothing is left running in the background.
#
# Environment:
#   PL_URLS                    URL(s) to listen on (default http://127.0.0.1:5000)
#   ConnectionStrings__App     if set, use that (external) database instead:
#                              no private cluster is started and no demo data
#                              is seeded; set ConnectionStrings__Owner too if
#                              the app should run migrations as another role.
#   Any other ASP.NET Core setting can be passed as an environment variable.
set -euo pipefail

# Repository root = the parent of this script's directory, whatever the cwd.
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "${ROOT}"

# shellcheck source=scripts/pg.sh
source "${ROOT}/scripts/pg.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export ASPNETCORE_URLS="${PL_URLS:-http://127.0.0.1:5000}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"

PROJECT="src/PersonalizedLearning.Web"
DB_NAME="personalized_learning"
URL="${ASPNETCORE_URLS%%;*}"

# banner TEXT... - a short message that stands out in the build output.
banner() {
  echo "==================================================================="
  local line
  for line in "$@"; do
    echo "  ${line}"
  done
  echo "==================================================================="
}

# --- external database: no private cluster, no demo seeding -----------------
if [[ -n "${ConnectionStrings__App:-}" ]]; then
  banner "PersonalizedLearning: using the database from ConnectionStrings__App" \
    "URL: ${URL}"
  exec dotnet run --project "${PROJECT}" -c Release --
fi

# --- private cluster in .data/pg ---------------------------------------------
DATA="${ROOT}/.data"
PG_DATA="${DATA}/pg"
PORT_FILE="${DATA}/pg.port"
mkdir -p "${DATA}"
# When root, the postgres OS user must be able to traverse .data/.
chmod 755 "${DATA}"

pg_ensure_installed

# Pick the port: the server already running on .data/pg keeps its port;
# otherwise reuse the remembered port if it is still free, else a new one.
port=""
if port="$(pg_running_port "${PG_DATA}")"; then
  :
else
  port=""
  if [[ -f "${PORT_FILE}" ]]; then
    remembered="$(tr -dc '0-9' <"${PORT_FILE}")"
    if [[ -n "${remembered}" ]] && pg_port_free "${remembered}"; then
      port="${remembered}"
    fi
  fi
  [[ -n "${port}" ]] || port="$(pg_free_port)"
fi

# Stop the cluster whenever this script ends (normal exit, error, Ctrl-C).
# Installed before pg_start so that a half-started server is stopped too.
trap 'pg_stop "${PG_DATA}"' EXIT

# Durable settings here (no fsync=off): this is the data you keep.
pg_start "${PG_DATA}" "${port}"
port="${PG_PORT}"
echo "${port}" >"${PORT_FILE}"
pg_ensure_roles_and_db "${port}" "${DB_NAME}"

export ConnectionStrings__Owner="Host=127.0.0.1;Port=${port};Database=${DB_NAME};Username=pl_owner"
export ConnectionStrings__App="Host=127.0.0.1;Port=${port};Database=${DB_NAME};Username=pl_app"
export Database__AppRole=pl_app
export Seed__Demo=true

banner "PersonalizedLearning starting (first build may take a minute)" \
  "URL:        ${URL}" \
  "Demo logins are listed on the sign-in page." \
  "PostgreSQL: 127.0.0.1:${port}, data kept in .data/pg between runs" \
  "Stop with Ctrl-C (the PostgreSQL server is stopped too)."

# Run the app as a child (not exec) so that the EXIT trap can stop PostgreSQL
# afterwards. It runs in the background so that this shell can react to
# signals at once: Ctrl-C / SIGTERM / SIGHUP are forwarded as SIGTERM, which
# `dotnet run` passes on to the app for a graceful shutdown. (Background jobs
# of a non-interactive shell ignore SIGINT, hence SIGTERM.)
dotnet run --project "${PROJECT}" -c Release -- &
app_pid=$!
trap 'kill -TERM "${app_pid}" 2>/dev/null || true' INT TERM HUP

# `wait` returns early when a trapped signal arrives; keep waiting until the
# app has really exited, then exit with its status (EXIT trap stops PostgreSQL).
status=0
while true; do
  wait "${app_pid}" && status=0 || status=$?
  if ! kill -0 "${app_pid}" 2>/dev/null; then
    break
  fi
done
exit "${status}"
