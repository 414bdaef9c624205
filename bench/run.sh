#!/usr/bin/env bash
#
# bench/run.sh - run the benchmark suite and write docs/BENCHMARKS.md.
#
#   bash bench/run.sh            # small size (5,000 students, 1,000,000 evidence rows): < 10 minutes on 2 cores
#   bash bench/run.sh --full     # the issue's size (50,000 students, 10,000,000 evidence rows)
#   bash bench/run.sh --only 2,3 # some scenarios only (ids as in the table)
#
# It brings up a private, DURABLE PostgreSQL (fsync=on, synchronous_commit=on, full_page_writes=on: the defaults)
# in a temporary directory on a free port (or PL_BENCH_PORT), generates the synthetic district, runs every
# scenario, writes the results table into docs/BENCHMARKS.md, and removes the cluster afterwards (even on failure).
# Exit status is non-zero only when something broke; a missed goal is reported in the table, not as an error.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "${ROOT}"
# shellcheck source=scripts/pg.sh
source "${ROOT}/scripts/pg.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

pg_ensure_installed

BASE="$(mktemp -d /tmp/pl-bench.XXXXXX)"
chmod 755 "${BASE}"
PG_DATA="${BASE}/pg"
cleanup() {
  pg_stop "${PG_DATA}"
  rm -rf -- "${BASE}"
}
trap cleanup EXIT

port="${PL_BENCH_PORT:-}"
[[ -n "${port}" ]] || port="$(pg_free_port)"
# Durable: fsync, synchronous_commit and full_page_writes stay at their defaults (on). Room for 500 editors.
pg_start "${PG_DATA}" "${port}" \
  -c max_connections=600 -c shared_buffers=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min \
  -c fsync=on -c synchronous_commit=on -c full_page_writes=on
port="${PG_PORT}"
pg_ensure_roles_and_db "${port}" pl_bench
# Scenario 1 (and the generator's last step) take a CHECKPOINT before each timed bulk run, so the app and the reference
# both start with no full-page images owed; CHECKPOINT needs superuser or pg_checkpoint (PostgreSQL 15+).
pg_psql "${port}" "GRANT pg_checkpoint TO pl_owner"
# Circuit scenarios (5, 6, 8) run app processes on the demo district (its accounts can sign in) in their own database;
# the first app node migrates and seeds it.
pg_ensure_roles_and_db "${port}" pl_bench_circuits
export PL_BENCH_CIRCUITS="Host=127.0.0.1;Port=${port};Database=pl_bench_circuits;Username=pl_owner;Maximum Pool Size=60;Timeout=60"

echo "[bench] building (Release)"
dotnet build bench/PersonalizedLearning.Bench/PersonalizedLearning.Bench.csproj -c Release -nologo -v q
# The circuit scenarios start the web app's Release build as separate processes (one or two nodes).
dotnet build src/PersonalizedLearning.Web/PersonalizedLearning.Web.csproj -c Release -nologo -v q

# Run from the output folder: the app host (WebApplicationFactory) finds the web project's content root through the
# MvcTestingAppManifest.json there.
cd bench/PersonalizedLearning.Bench/bin/Release/net10.0
dotnet PersonalizedLearning.Bench.dll \
  --owner "Host=127.0.0.1;Port=${port};Database=pl_bench;Username=pl_owner;Maximum Pool Size=200;Timeout=60;Command Timeout=0" \
  --app "Host=127.0.0.1;Port=${port};Database=pl_bench;Username=pl_app;Maximum Pool Size=200;Timeout=60" \
  --report "${ROOT}/docs/BENCHMARKS.md" \
  "$@"
