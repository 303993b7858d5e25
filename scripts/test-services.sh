#!/usr/bin/env bash
# The "remote" databases the tests connect to, like a CI job's services:
#   - PostgreSQL on 127.0.0.1 with TLS (a certificate for localhost signed by a
#     throw-away CA made here with openssl) and password (SCRAM) logins for an
#     owner role and a read-only role;
#   - PgBouncer in pool_mode = transaction in front of it, offering TLS to
#     clients with the same certificate (as a pooler reached over a network does,
#     Supabase's included), otherwise as it ships: no ignore_startup_parameters,
#     the stock max_client_conn (100) and default_pool_size (20).
# Usage: test-services.sh start   prints `export …` lines (eval them)
#        test-services.sh stop DIR
# Passwords are random per run, so a test can grep files and logs for them.
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  dir=$(mktemp -d /tmp/waybill-services-XXXXXX)
  # A start that fails half-way leaves no server or files behind.
  trap 'echo "test-services.sh: starting the test services failed; cleaning up" >&2; stop "$dir"' ERR
  # Others may traverse (the server runs as postgres when we are root), not list;
  # keys and the pooler's user list are readable by their owner only.
  chmod 711 "$dir"
  mkdir -m 700 "$dir/socket"
  pg_port=$(free_port)
  bouncer_port=$(free_port)
  owner_pw=$(openssl rand -hex 12)
  reader_pw=$(openssl rand -hex 12)

  # A CA, and a server certificate for localhost / 127.0.0.1 signed by it.
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3 \
      -subj "/CN=Waybill test CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext.cnf
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 3 \
      -extfile ext.cnf 2>/dev/null
    chmod 600 server.key ca.key
  )
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; fi

  as_postgres "$pg_bin/initdb" -D "$dir/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  cat >> "$dir/pg/postgresql.conf" <<CONF
port = $pg_port
# 127.0.0.2 too: the same server under a name its certificate does not carry.
listen_addresses = '127.0.0.1,127.0.0.2'
unix_socket_directories = '$dir/socket'
unix_socket_permissions = 0700
ssl = on
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
fsync = off
CONF
  as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w start >/dev/null
  as_postgres psql -q -h "$dir/socket" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE waybill_owner LOGIN CREATEDB PASSWORD '$owner_pw';
CREATE ROLE waybill_reader LOGIN PASSWORD '$reader_pw';
SQL

  cat > "$dir/userlist.txt" <<USERS
"waybill_owner" "$owner_pw"
"waybill_reader" "$reader_pw"
USERS
  cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
client_tls_sslmode = allow
client_tls_key_file = $dir/server.key
client_tls_cert_file = $dir/server.crt
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  chmod 600 "$dir/userlist.txt" "$dir/pgbouncer.ini"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir/userlist.txt" "$dir/pgbouncer.ini"; fi
  as_postgres pgbouncer -d "$dir/pgbouncer.ini"
  up=false
  for _ in $(seq 50); do
    if (echo > "/dev/tcp/127.0.0.1/$bouncer_port") 2>/dev/null; then up=true; break; fi
    sleep 0.1
  done
  if ! $up; then
    echo "test-services.sh: PgBouncer did not start listening on $bouncer_port:" >&2
    tail -5 "$dir/pgbouncer.log" >&2 || true
    false
  fi
  trap - ERR

  cat <<ENV
export WAYBILL_TEST_SERVICES='$dir'
export WAYBILL_TEST_PG_PORT='$pg_port'
export WAYBILL_TEST_POOLER_PORT='$bouncer_port'
export WAYBILL_TEST_CA='$dir/ca.crt'
export WAYBILL_TEST_OWNER_PASSWORD='$owner_pw'
export WAYBILL_TEST_READER_PASSWORD='$reader_pw'
ENV
}

stop() {
  dir=$1
  [ -d "$dir" ] || return 0
  if [ -f "$dir/pgbouncer.pid" ]; then kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true; fi
  as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:?the directory printed by start}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
