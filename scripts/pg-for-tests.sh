# Sourced by scripts/test.sh: starts a throwaway PostgreSQL for the test run (the tests'
# own PostgresCluster then uses it instead of starting one per test process), exports
# CRM_TEST_POSTGRES, and stops and removes it when the shell exits.
crm_pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
crm_pg_dir=$(mktemp -d)
chmod 755 "$crm_pg_dir"
crm_as_postgres() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$crm_pg_dir"
crm_pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
crm_as_postgres "$crm_pg_bin/initdb" -D "$crm_pg_dir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
crm_as_postgres "$crm_pg_bin/pg_ctl" -D "$crm_pg_dir/data" -w -l "$crm_pg_dir/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $crm_pg_port -k $crm_pg_dir -c fsync=off -c max_connections=300 -c shared_buffers=64MB" start >/dev/null
crm_stop_test_pg() {
    crm_as_postgres "$crm_pg_bin/pg_ctl" -D "$crm_pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$crm_pg_dir"
}
trap crm_stop_test_pg EXIT
export CRM_TEST_POSTGRES="postgres://postgres@127.0.0.1:$crm_pg_port/postgres"
echo "PostgreSQL for the tests: $CRM_TEST_POSTGRES" >&2
