#!/usr/bin/env bash
# The PostgreSQL half of the tests, run by scripts/test.sh inside scripts/pg.sh
# (which starts a throwaway server and sets MC_TEST_PG_URL and
# MOTCUA_TEST_DB_URL_BASE): the store contract suite on PostgreSQL (normal and
# ASan builds), then the API tests with every server on a database of its own.
# API tests that reach the SQLite file behind the server (the sqlite3 tool, a
# database path of their own, tests/api/serve.mjs) run on SQLite only, except
# the multi-node test, which is PostgreSQL only: several servers on one database,
# the row-lock test, also PostgreSQL only: a dossier's row held from psql,
# the replica test, also PostgreSQL only: reads from a streaming replica of
# this cluster (pg_basebackup), made, served from and removed by the test itself,
# the crash test, which runs on either backend (a database of its own here, read
# back with psql), the PostgreSQL-restart test, which stops and starts a
# cluster of its own (initdb in a temporary folder) under a running server,
# and the version-skew test, which builds the previous release from the git
# history (once, into build/skew/; skipped without that history) and runs it
# beside this one while this one migrates their database, and the failover
# test, which makes a primary of its own and a synchronous standby of it,
# crashes the primary and promotes the standby under a running server. Two
# more run on both: the audit test (its SQLite cases on files of their own, its
# last test on copies of a PostgreSQL database) and the identity-provider test
# (one person's first sign-in answered by two servers of one database).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${MC_TEST_PG_URL:-}" ] || [ -z "${MOTCUA_TEST_DB_URL_BASE:-}" ]; then
  echo "test_pg.sh: run it through scripts/pg.sh" >&2
  exit 2
fi

# test_group_pg: group commit; test_stats_pg: the statistics' counting rules; test_stats_rollup_pg: the
# statistics roll-up against the live counts.
# test_store_pg_reconnect: the store's connections ended under it (it passes
# without testing anything outside scripts/pg.sh, in the plain unit test run).
(cd build && ctest --output-on-failure -R '^(test_store_contract_pg|test_store_pg_reconnect|test_stats_pg|test_stats_rollup_pg|test_group_pg)$')
(cd build-asan && ctest --output-on-failure -R '^(test_store_contract_pg|test_store_pg_reconnect|test_stats_pg|test_stats_rollup_pg|test_group_pg)$')

mapfile -t api_tests < <(grep -L -E "sqlite3|serve\.mjs|motcua\.db|'m\.db'" tests/api/*.test.mjs)
api_tests+=(tests/api/multinode.test.mjs tests/api/pg_locks.test.mjs tests/api/replica.test.mjs tests/api/crash.test.mjs
  tests/api/pg_restart.test.mjs tests/api/skew.test.mjs)
api_tests+=(tests/api/failover.test.mjs)
api_tests+=(tests/api/audit.test.mjs tests/api/oidc.test.mjs)
MOTCUA_BIN="$PWD/build/motcua" node --test --test-concurrency=1 "${api_tests[@]}"
