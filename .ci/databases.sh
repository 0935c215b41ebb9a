#!/usr/bin/env bash
# Installs (if missing), starts on 127.0.0.1 only, and prepares PostgreSQL and MariaDB for the
# jdbc store's tests: a database and a user with a password on each. Idempotent; run as root.
#
# stdout carries only `export NAME=value` lines for the tests, so that CI can run
#     eval "$(bash .ci/databases.sh)"
# Everything else (apt, progress, errors) goes to stderr.
set -euo pipefail
# The exports are collected in a file and printed at the very end. Daemons started here get no
# handle on this script's stdout or stderr: a caller's $(...) or CI's log would otherwise wait for
# them to exit.
exports_file=$(mktemp)
trap 'rm -f "$exports_file"' EXIT
{

DB_NAME=tandem_test
DB_USER=tandem
DB_PASSWORD=tandem-test-password
WAIT_SECONDS=60

log() { echo "databases.sh: $*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs packages and starts services)"

# Polls "$@" once a second until it succeeds, for at most WAIT_SECONDS.
wait_for() {
    local what=$1; shift
    for _ in $(seq 1 "$WAIT_SECONDS"); do
        if "$@" >/dev/null 2>&1; then
            log "$what is up"
            return 0
        fi
        sleep 1
    done
    fail "$what did not accept connections within ${WAIT_SECONDS}s"
}

# ---- install what is missing
missing=()
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null
fi

# ---- PostgreSQL
pg_version=$(ls /usr/lib/postgresql | sort -V | tail -1)
[ -n "$pg_version" ] || fail "no PostgreSQL version under /usr/lib/postgresql after the install"
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main"' | grep -q .; then
    log "creating PostgreSQL cluster $pg_version main"
    pg_createcluster "$pg_version" main
fi
# A conf.d drop-in (Debian's postgresql.conf includes conf.d) keeps the packaged file untouched.
pg_conf_dir=/etc/postgresql/$pg_version/main
pg_dropin=$pg_conf_dir/conf.d/99-tandem-test.conf
listen_changed=false
if ! grep -qs "^listen_addresses = '127.0.0.1'" "$pg_dropin"; then
    mkdir -p "$pg_conf_dir/conf.d"
    printf "# Written by .ci/databases.sh: the test database listens on loopback only.\nlisten_addresses = '127.0.0.1'\n" > "$pg_dropin"
    chown postgres:postgres "$pg_dropin"
    listen_changed=true
fi
pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $3}')
if ! pg_lsclusters -h | awk -v v="$pg_version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    log "starting PostgreSQL $pg_version main on 127.0.0.1:$pg_port"
    pg_ctlcluster "$pg_version" main start </dev/null >>/var/log/tandem-postgresql.log 2>&1
elif $listen_changed; then
    log "restarting PostgreSQL $pg_version main to listen on 127.0.0.1 only"
    pg_ctlcluster "$pg_version" main restart </dev/null >>/var/log/tandem-postgresql.log 2>&1
fi
wait_for "PostgreSQL on 127.0.0.1:$pg_port" pg_isready -q -h 127.0.0.1 -p "$pg_port"

psql_admin() { runuser -u postgres -- psql -p "$pg_port" -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]; then
    psql_admin -c "CREATE ROLE $DB_USER LOGIN"
fi
psql_admin -c "ALTER ROLE $DB_USER WITH LOGIN PASSWORD '$DB_PASSWORD'"
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi
wait_for "PostgreSQL login as $DB_USER" env PGPASSWORD="$DB_PASSWORD" \
    psql -h 127.0.0.1 -p "$pg_port" -U "$DB_USER" -d "$DB_NAME" -qAt -c "SELECT 1"

# ---- MariaDB
mkdir -p /etc/mysql/mariadb.conf.d
cat > /etc/mysql/mariadb.conf.d/99-tandem-test.cnf <<'CNF'
# Written by .ci/databases.sh: the test database listens on loopback only.
[mysqld]
bind-address = 127.0.0.1
port = 3306
CNF
maria_admin() { mariadb --protocol=socket -uroot "$@"; }
if ! maria_admin -e "SELECT 1" >/dev/null 2>&1; then
    log "starting MariaDB on 127.0.0.1:3306"
    if ! service mariadb start </dev/null >>/var/log/tandem-mariadb.log 2>&1; then
        # No usable init script (a minimal container): run the server directly.
        log "service mariadb start failed; starting mysqld_safe in the background"
        mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
        nohup mysqld_safe >/var/log/tandem-mariadb.log 2>&1 </dev/null &
    fi
fi
wait_for "MariaDB (socket)" maria_admin -e "SELECT 1"
maria_admin <<SQL
CREATE DATABASE IF NOT EXISTS $DB_NAME;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
wait_for "MariaDB login as $DB_USER on 127.0.0.1:3306" \
    mariadb --protocol=tcp -h 127.0.0.1 -P 3306 -u "$DB_USER" -p"$DB_PASSWORD" "$DB_NAME" -e "SELECT 1"

# ---- what the tests read
cat > "$exports_file" <<ENV
export TANDEM_TEST_POSTGRES_URL='jdbc:postgresql://127.0.0.1:$pg_port/$DB_NAME'
export TANDEM_TEST_POSTGRES_USER='$DB_USER'
export TANDEM_TEST_POSTGRES_PASSWORD='$DB_PASSWORD'
export TANDEM_TEST_POSTGRES_CLUSTER='$pg_version main'
export TANDEM_TEST_MARIADB_URL='jdbc:mariadb://127.0.0.1:3306/$DB_NAME'
export TANDEM_TEST_MARIADB_USER='$DB_USER'
export TANDEM_TEST_MARIADB_PASSWORD='$DB_PASSWORD'
ENV
log "PostgreSQL $pg_version and MariaDB are ready"
} 1>&2
cat "$exports_file"
