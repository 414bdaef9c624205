# shellcheck shell=bash
#
# scripts/pg.sh - helpers for a private, throwaway-friendly PostgreSQL cluster.
#
# This file is a library: it is *sourced* by scripts/run.sh and scripts/test.sh
# (which set `set -euo pipefail` themselves). It defines functions only and has
# no side effects when sourced.
#
# Security model: every cluster made here listens on 127.0.0.1 only
# (listen_addresses=127.0.0.1) plus a Unix socket inside its own data dir, and
# uses `trust` authentication. That is fine for a private development/test
# cluster on a single-user machine; never point these helpers at a shared or
# production server.
#
# Root handling: initdb/postgres refuse to run as root. When this runs as root,
# the server binaries are run as the `postgres` OS user via `runuser`, the data
# dir is chowned to postgres, and every parent dir must be traversable by it.
# When not root, everything runs as the current user.
#
# Public functions:
#   pg_ensure_installed               sets PG_BIN (installs Debian PostgreSQL if needed)
#   pg_free_port                      prints a free TCP port on 127.0.0.1
#   pg_port_free PORT                 succeeds if PORT is free on 127.0.0.1
#   pg_running_port DATA_DIR          prints the port of a server running on DATA_DIR
#   pg_start DATA_DIR PORT [OPTS...]  initdb if needed, start (or reuse); sets PG_PORT
#   pg_stop DATA_DIR                  fast shutdown; silent if not running
#   pg_psql PORT SQL...               run SQL as the postgres superuser
#   pg_ensure_roles_and_db PORT DB    create roles pl_owner / pl_app and database DB
#   pl_apt_install PKG...             apt-get install (update once; sudo if needed)

if [[ "${BASH_SOURCE[0]}" == "${0}" ]]; then
  echo "scripts/pg.sh is a library; source it instead of running it." >&2
  exit 2
fi

# Guard against being sourced twice.
if [[ -n "${PL_PG_SH_LOADED:-}" ]]; then
  return 0
fi
PL_PG_SH_LOADED=1

# Directory holding initdb, pg_ctl, postgres and psql (set by pg_ensure_installed).
PG_BIN="${PG_BIN:-}"
# Port of the server that pg_start started or reused (set by pg_start).
PG_PORT="${PG_PORT:-}"
# Set to 1 once `apt-get update` has run in this process.
PL_APT_UPDATED="${PL_APT_UPDATED:-0}"

# ---------------------------------------------------------------------------
# small internal helpers
# ---------------------------------------------------------------------------

# pg__log MSG... - progress message on stderr (keeps stdout for data).
pg__log() {
  echo "[pg] $*" >&2
}

# pg__die MSG... - print an error and fail.
pg__die() {
  echo "[pg] ERROR: $*" >&2
  return 1
}

# pg__is_root - succeeds when running as uid 0.
pg__is_root() {
  [[ "$(id -u)" -eq 0 ]]
}

# pg__now - seconds since the epoch with milliseconds (for timing messages).
pg__now() {
  date +%s.%N | cut -c1-14
}

# pg__elapsed START - prints seconds elapsed since START (from pg__now).
pg__elapsed() {
  awk -v s="$1" -v e="$(pg__now)" 'BEGIN { printf "%.1f", e - s }'
}

# pg__abs DIR - prints the absolute, physical form of DIR (which must exist).
pg__abs() {
  (cd -- "$1" && pwd -P)
}

# pg__run TOOL ARGS... - run a PostgreSQL server tool from PG_BIN, as the
# postgres OS user when we are root. Runs from / so that the tool never trips
# over an unreadable current directory (e.g. /root). LC_ALL=C keeps messages
# predictable and avoids warnings about locales that are not installed; the
# cluster's own locale is chosen explicitly at initdb time.
pg__run() {
  local tool="$1"
  shift
  if pg__is_root; then
    (cd / && LC_ALL=C runuser -u postgres -- "${PG_BIN}/${tool}" "$@")
  else
    (cd / && LC_ALL=C "${PG_BIN}/${tool}" "$@")
  fi
}

# pl_apt_install PKG... - install Debian packages non-interactively.
# Runs `apt-get update` at most once per process. Uses sudo when not root.
pl_apt_install() {
  local -a sudo_cmd=()
  if ! pg__is_root; then
    if command -v sudo >/dev/null 2>&1; then
      sudo_cmd=(sudo)
    else
      pg__die "need root or sudo to apt-get install $*"
      return 1
    fi
  fi
  if [[ "${PL_APT_UPDATED}" != 1 ]]; then
    pg__log "apt-get update"
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    PL_APT_UPDATED=1
  fi
  pg__log "apt-get install $*"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@" >&2
}

# pg__find_bin - prints the preferred PostgreSQL bin dir (15, else the highest
# version under /usr/lib/postgresql), or fails if none has initdb.
pg__find_bin() {
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    echo /usr/lib/postgresql/15/bin
    return 0
  fi
  local best
  best="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' \
    -printf '%h\n' 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "${best}" ]] || return 1
  echo "${best}"
}

# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------

# pg_ensure_installed - make sure PostgreSQL server binaries exist and set
# PG_BIN. Installs postgresql-15 (or Debian's default `postgresql`) only when
# no initdb is found at all.
pg_ensure_installed() {
  local bin
  if ! bin="$(pg__find_bin)"; then
    local t0
    t0="$(pg__now)"
    pg__log "no PostgreSQL server binaries found; installing from Debian packages"
    # Prefer 15 (what the project is developed against); fall back to the
    # distribution default if this release does not ship 15.
    if ! pl_apt_install postgresql-15; then
      pl_apt_install postgresql
    fi
    pg__log "PostgreSQL installed in $(pg__elapsed "${t0}")s"
    bin="$(pg__find_bin)" || pg__die "PostgreSQL install did not provide initdb" || return 1
  fi
  PG_BIN="${bin}"
  # initdb refuses to run as root: we need the postgres OS user then. The
  # Debian package creates it; create it ourselves if something else did not.
  if pg__is_root && ! id -u postgres >/dev/null 2>&1; then
    pg__log "creating the postgres OS user"
    useradd --system --user-group --home-dir /var/lib/postgresql \
      --shell /bin/bash postgres
  fi
}

# pg_port_free PORT - succeeds if nothing listens on 127.0.0.1:PORT.
pg_port_free() {
  local port="$1"
  if command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import sys' >/dev/null 2>&1; then
    python3 - "${port}" <<'PY' >/dev/null 2>&1
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
    return $?
  fi
  # Fallback: a port is taken if we can connect to it.
  if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
    return 1
  fi
  return 0
}

# pg_free_port - prints a free TCP port on 127.0.0.1.
pg_free_port() {
  local port
  if command -v python3 >/dev/null 2>&1 &&
    port="$(python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
' 2>/dev/null)" && [[ "${port}" =~ ^[0-9]+$ ]]; then
    echo "${port}"
    return 0
  fi
  for ((port = 55432; port <= 55532; port++)); do
    if pg_port_free "${port}"; then
      echo "${port}"
      return 0
    fi
  done
  pg__die "no free port found in 55432..55532"
}

# pg__status DATA_DIR - succeeds if a server is running on DATA_DIR.
pg__status() {
  [[ -f "$1/PG_VERSION" ]] || return 1
  pg__run pg_ctl -D "$1" status >/dev/null 2>&1
}

# pg_running_port DATA_DIR - prints the port of the server running on DATA_DIR
# (line 4 of postmaster.pid), or fails if none is running.
pg_running_port() {
  local dir="$1" port
  pg__status "${dir}" || return 1
  port="$(sed -n 4p "${dir}/postmaster.pid" 2>/dev/null || true)"
  [[ "${port}" =~ ^[0-9]+$ ]] || return 1
  echo "${port}"
}

# pg__check_reachable DIR - as root, make sure the postgres user can traverse
# every parent of DIR (initdb/postgres need it).
pg__check_reachable() {
  local dir="$1"
  pg__is_root || return 0
  if ! runuser -u postgres -- test -x "${dir}"; then
    pg__die "the postgres OS user cannot reach ${dir}: make its parent directories" \
      "traversable (chmod o+x), or place the repository/data dir elsewhere"
    return 1
  fi
}

# pg__initdb DIR - create a new cluster in DIR (empty or missing).
pg__initdb() {
  local dir="$1"
  local -a locale_opts=(--no-locale)
  # C.UTF-8 gives UTF-8 character semantics with byte-order collation; use it
  # when the C library provides it (glibc lists it as C.utf8).
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale_opts=(--locale=C.UTF-8)
  fi
  pg__log "initdb ${dir} (${locale_opts[*]})"
  if ! pg__run initdb -D "${dir}" -U postgres --auth=trust -E UTF8 \
    "${locale_opts[@]}" >"${dir}.initdb.log" 2>&1; then
    if [[ "${locale_opts[*]}" != "--no-locale" ]]; then
      pg__log "initdb with ${locale_opts[*]} failed; retrying with --no-locale"
      find "${dir}" -mindepth 1 -delete
      pg__run initdb -D "${dir}" -U postgres --auth=trust -E UTF8 \
        --no-locale >"${dir}.initdb.log" 2>&1 ||
        { cat "${dir}.initdb.log" >&2; pg__die "initdb failed"; return 1; }
    else
      cat "${dir}.initdb.log" >&2
      pg__die "initdb failed"
      return 1
    fi
  fi
  rm -f "${dir}.initdb.log"
}

# pg_start DATA_DIR PORT [OPTS...] - initdb DATA_DIR if it holds no cluster,
# then start a server on 127.0.0.1:PORT with its Unix socket inside DATA_DIR.
# OPTS are extra postgres options such as `-c fsync=off`; they are joined with
# spaces and handed to `pg_ctl -o` (which passes them through a shell).
# If a server is already running on DATA_DIR it is reused as is, even when it
# listens on another port. Sets PG_PORT to the port actually in use.
pg_start() {
  local dir="$1" port="$2"
  shift 2
  local extra="$*"
  [[ -n "${PG_BIN}" ]] || pg_ensure_installed
  [[ "${port}" =~ ^[0-9]+$ ]] || { pg__die "bad port: ${port}"; return 1; }

  mkdir -p -- "${dir}"
  dir="$(pg__abs "${dir}")"
  # pg_ctl -o goes through a shell; we single-quote paths, so reject quotes.
  if [[ "${dir}" == *"'"* ]]; then
    pg__die "data dir path must not contain a single quote: ${dir}"
    return 1
  fi
  pg__check_reachable "${dir}"

  # Reuse a server that is already running on this data dir.
  local running
  if running="$(pg_running_port "${dir}")"; then
    if [[ "${running}" != "${port}" ]]; then
      pg__log "reusing server on ${dir}, which listens on port ${running} (not ${port})"
    else
      pg__log "reusing server already running on ${dir} (port ${running})"
    fi
    PG_PORT="${running}"
    return 0
  fi

  if pg__is_root && [[ "$(stat -c %U "${dir}")" != postgres ]]; then
    chown -R postgres:postgres "${dir}"
  fi

  local t0
  t0="$(pg__now)"
  if [[ ! -f "${dir}/PG_VERSION" ]]; then
    pg__initdb "${dir}"
  fi

  # A Unix socket path is limited to ~107 bytes; with a long data dir path we
  # disable the socket (we always connect over TCP, and pg_ctl -w waits using
  # postmaster.pid, not the socket).
  local socket_opt="-k '${dir}'"
  if ((${#dir} + 20 > 100)); then
    socket_opt="-c unix_socket_directories=''"
  fi

  pg__log "starting PostgreSQL on 127.0.0.1:${port} (data: ${dir})"
  if ! pg__run pg_ctl -D "${dir}" -w -t 60 \
    -o "-p ${port} ${socket_opt} -c listen_addresses=127.0.0.1 ${extra}" \
    -l "${dir}/server.log" start >/dev/null; then
    echo "---- last lines of ${dir}/server.log ----" >&2
    tail -n 30 "${dir}/server.log" >&2 || true
    pg__die "PostgreSQL failed to start"
    return 1
  fi
  PG_PORT="${port}"
  pg__log "PostgreSQL ready on 127.0.0.1:${port} in $(pg__elapsed "${t0}")s"
}

# pg_stop DATA_DIR - fast shutdown of the server on DATA_DIR. Silent and
# successful when nothing is running there.
pg_stop() {
  local dir="$1"
  [[ -n "${PG_BIN}" ]] || PG_BIN="$(pg__find_bin)" || return 0
  [[ -d "${dir}" ]] || return 0
  if pg__status "${dir}"; then
    pg__run pg_ctl -D "${dir}" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  return 0
}

# pg_psql PORT SQL... - run each SQL argument (as a separate -c) as the
# postgres superuser against the postgres database. Output is unaligned,
# tuples only; stops at the first error.
pg_psql() {
  local port="$1"
  shift
  local -a cmds=()
  local sql
  for sql in "$@"; do
    cmds+=(-c "${sql}")
  done
  local psql="psql"
  [[ -n "${PG_BIN}" && -x "${PG_BIN}/psql" ]] && psql="${PG_BIN}/psql"
  PGCONNECT_TIMEOUT=10 "${psql}" -X -h 127.0.0.1 -p "${port}" -U postgres \
    -d postgres -v ON_ERROR_STOP=1 -qAt "${cmds[@]}"
}

# pg_ensure_roles_and_db PORT DBNAME - idempotently create
#   pl_owner: owns the database and its schema (migrations run as it),
#   pl_app:   the role the web app runs its queries as (no special rights;
#             the app's migrations grant it what it needs),
# and database DBNAME owned by pl_owner. Neither role is a superuser.
pg_ensure_roles_and_db() {
  local port="$1" db="$2"
  if [[ ! "${db}" =~ ^[a-z_][a-z0-9_]*$ ]]; then
    pg__die "database name must be a plain lower-case identifier: ${db}"
    return 1
  fi
  pg_psql "${port}" "
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pl_owner') THEN
    CREATE ROLE pl_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pl_app') THEN
    CREATE ROLE pl_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
END
\$\$;"
  if [[ -z "$(pg_psql "${port}" "SELECT 1 FROM pg_database WHERE datname = '${db}'")" ]]; then
    pg__log "creating database ${db} owned by pl_owner"
    pg_psql "${port}" "CREATE DATABASE ${db} OWNER pl_owner ENCODING 'UTF8' TEMPLATE template0"
  fi
}
