#!/usr/bin/env bash
#
# scripts/test.sh - build the solution and run every test project.
#
#   bash scripts/test.sh [extra dotnet test args, e.g. --filter Category=Unit]
#
# Steps:
#   1. make sure PostgreSQL server binaries, Chromium and HAProxy are
#      installed (apt-get, only when missing);
#   2. start a throwaway PostgreSQL cluster in a temp dir on a free port,
#      tuned for speed (fsync=off etc.; its data is deleted afterwards);
#   3. `dotnet build PersonalizedLearning.sln -c Release`;
#   4. `dotnet test` each tests/*/*.csproj, writing TRX files to TestResults/;
#   5. print per-project counts, and as the very last line of output:
#        N passed, N failed, N skipped
#
# Tests find their resources through these environment variables:
#   PL_TEST_DB    connection string of a superuser on the throwaway cluster
#   PL_CHROMIUM   path of the Chromium binary (preset it to use another browser)
#
# Exit status: non-zero if the build fails, any `dotnet test` fails, any test
# failed, or no test passed at all.
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "${ROOT}"

# shellcheck source=scripts/pg.sh
source "${ROOT}/scripts/pg.sh"

SOLUTION="PersonalizedLearning.sln"
RESULTS="${ROOT}/TestResults"

# --- timing helpers ----------------------------------------------------------
SCRIPT_T0="$(pg__now)"
PHASE_NAME=""
PHASE_T0=""
PHASE_REPORT=()

# phase NAME - start timing a new phase (ends the previous one).
phase() {
  phase_end
  PHASE_NAME="$1"
  PHASE_T0="$(pg__now)"
  echo "==> ${PHASE_NAME}" >&2
}

# phase_end - record how long the current phase took.
phase_end() {
  if [[ -n "${PHASE_NAME}" ]]; then
    local secs
    secs="$(pg__elapsed "${PHASE_T0}")"
    PHASE_REPORT+=("$(printf '%-28s %7ss' "${PHASE_NAME}" "${secs}")")
    echo "<== ${PHASE_NAME}: ${secs}s" >&2
    PHASE_NAME=""
  fi
}

# print_timings - the per-phase summary.
print_timings() {
  phase_end
  echo "Timings:"
  local line
  for line in "${PHASE_REPORT[@]}"; do
    echo "  ${line}"
  done
  printf '  %-28s %7ss\n' "total" "$(pg__elapsed "${SCRIPT_T0}")"
}

# --- cleanup -----------------------------------------------------------------
TMP_ROOT=""
PG_DATA=""

# cleanup - stop the throwaway cluster and delete its files. Silent, so that
# the summary line stays the last line of output; safe to call twice.
cleanup() {
  if [[ -n "${PG_DATA}" ]]; then
    pg_stop "${PG_DATA}" >/dev/null 2>&1 || true
    PG_DATA=""
  fi
  if [[ -n "${TMP_ROOT}" ]]; then
    rm -rf -- "${TMP_ROOT}"
    TMP_ROOT=""
  fi
}
trap cleanup EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- 1. prerequisites --------------------------------------------------------
phase "prerequisites"
pg_ensure_installed
echo "PostgreSQL binaries: ${PG_BIN}" >&2

# find_browser - prints the first Chrome/Chromium found under another name.
# Non-Debian CI images (e.g. GitHub's Ubuntu runners) ship one preinstalled,
# while Ubuntu's `chromium` package is only a snap shim.
find_browser() {
  local name
  for name in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "${name}" >/dev/null 2>&1; then
      command -v "${name}"
      return 0
    fi
  done
  return 1
}

if [[ -n "${PL_CHROMIUM:-}" && -x "${PL_CHROMIUM}" ]]; then
  : # the caller chose a browser
elif [[ -x /usr/bin/chromium ]]; then
  PL_CHROMIUM=/usr/bin/chromium
elif PL_CHROMIUM="$(find_browser)"; then
  :
else
  t0="$(pg__now)"
  echo "Chromium not found; installing it with apt-get" >&2
  pl_apt_install chromium fonts-liberation
  echo "Chromium installed in $(pg__elapsed "${t0}")s" >&2
  PL_CHROMIUM=/usr/bin/chromium
fi
echo "Browser: ${PL_CHROMIUM}" >&2
export PL_CHROMIUM

# HAProxy for the two-node scale-out test (tests/*E2ETests/ScaleOut), which runs
# deploy/haproxy.cfg in front of two app processes. Without it that test is
# skipped (saying so), so a failed install does not stop the run.
if ! command -v haproxy >/dev/null 2>&1 && [[ ! -x /usr/sbin/haproxy ]]; then
  t0="$(pg__now)"
  echo "HAProxy not found; installing it with apt-get" >&2
  if pl_apt_install haproxy; then
    echo "HAProxy installed in $(pg__elapsed "${t0}")s" >&2
  else
    echo "WARNING: could not install haproxy; the scale-out test will be skipped" >&2
  fi
fi

# --- 2. throwaway PostgreSQL -------------------------------------------------
phase "postgresql start"
TMP_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/pl-test.XXXXXX")"
# mktemp makes the dir 0700; the postgres OS user (when we are root) must be
# able to enter it to reach the data dir.
chmod 755 "${TMP_ROOT}"
PG_DATA="${TMP_ROOT}/pg"
mkdir -p "${PG_DATA}"
if pg__is_root; then
  chown postgres:postgres "${PG_DATA}"
fi
PORT="$(pg_free_port)"
# Speed over durability: this cluster is deleted after the run.
pg_start "${PG_DATA}" "${PORT}" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  -c max_connections=300
PORT="${PG_PORT}"
export PL_TEST_DB="Host=127.0.0.1;Port=${PORT};Username=postgres;Database=postgres"
echo "PL_TEST_DB=${PL_TEST_DB}" >&2

# --- 3. build ----------------------------------------------------------------
phase "dotnet build"
build_rc=0
dotnet build "${SOLUTION}" -c Release || build_rc=$?
if ((build_rc != 0)); then
  cleanup
  echo "BUILD FAILED (dotnet build exit code ${build_rc}); no tests were run."
  print_timings
  echo "0 passed, 0 failed, 0 skipped"
  exit "${build_rc}"
fi

# --- 4. tests ----------------------------------------------------------------
rm -rf -- "${RESULTS}"
mkdir -p "${RESULTS}"

shopt -s nullglob
# Only projects that declare themselves test projects (tests/*TestSupport is shared plumbing).
mapfile -t PROJECTS < <(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj | sort)
shopt -u nullglob
[[ -n "${PROJECTS[0]:-}" ]] || PROJECTS=()

any_rc=0
for proj in "${PROJECTS[@]}"; do
  name="$(basename "${proj}" .csproj)"
  phase "test ${name}"
  rc=0
  dotnet test "${proj}" -c Release --no-build \
    --logger "trx;LogFileName=results.trx" \
    --results-directory "${RESULTS}/${name}" "$@" || rc=$?
  if ((rc != 0)); then
    echo "dotnet test ${name} exited with ${rc}" >&2
    any_rc="${rc}"
  fi
done
phase_end
cleanup

# --- 5. summary --------------------------------------------------------------

# trx_counter FILE ATTR - the value of ATTR in the <Counters .../> element of a
# TRX file (0 if absent).
trx_counter() {
  local value
  value="$(grep -o '<Counters [^>]*' "$1" | head -n 1 |
    grep -o " $2=\"[0-9]*\"" | head -n 1 | tr -dc '0-9' || true)"
  echo "${value:-0}"
}

total_passed=0
total_failed=0
total_skipped=0
echo
echo "Test results (TRX files in TestResults/):"
if ((${#PROJECTS[@]} == 0)); then
  echo "  no test projects found under tests/*/*.csproj"
fi
for proj in "${PROJECTS[@]}"; do
  name="$(basename "${proj}" .csproj)"
  mapfile -t trx_files < <(find "${RESULTS}/${name}" -name '*.trx' -type f 2>/dev/null | sort)
  if ((${#trx_files[@]} == 0)); then
    # No TRX at all: the test host crashed or never started. Count it as a
    # failure so that it cannot go unnoticed.
    echo "  ${name}: NO TRX FILE PRODUCED (counted as 1 failure)"
    total_failed=$((total_failed + 1))
    continue
  fi
  p=0 f=0 s=0
  for trx in "${trx_files[@]}"; do
    t="$(trx_counter "${trx}" total)"
    tp="$(trx_counter "${trx}" passed)"
    tf="$(trx_counter "${trx}" failed)"
    ts=$((t - tp - tf))
    ((ts >= 0)) || ts=0
    p=$((p + tp))
    f=$((f + tf))
    s=$((s + ts))
  done
  echo "  ${name}: ${p} passed, ${f} failed, ${s} skipped"
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  total_skipped=$((total_skipped + s))
done

print_timings

exit_code=0
if ((any_rc != 0)); then
  echo "At least one 'dotnet test' run failed (last exit code ${any_rc})."
  exit_code="${any_rc}"
fi
if ((total_failed > 0 && exit_code == 0)); then
  exit_code=1
fi
if ((total_passed == 0)); then
  echo "No test passed: treating the run as a failure."
  ((exit_code != 0)) || exit_code=1
fi

# Must stay the very last line of output.
echo "${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
exit "${exit_code}"
