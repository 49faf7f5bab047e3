/*
 * rollup_fixture.h - what the roll-up tests (test_stats_rollup.c,
 * test_task_rollup.c) share to compare a roll-up against the live count: a
 * throwaway store on either engine, and the random numbers that draw their
 * spans and days.
 *
 *   MC_TEST_STORE unset: a SQLite file in a temporary folder under
 *   MC_TEST_TMP; MC_TEST_STORE=pg: a new database on the PostgreSQL server
 *   of MC_TEST_PG_URL, dropped afterwards (skipped, exit 77, without it).
 */
#ifndef MC_TEST_ROLLUP_FIXTURE_H
#define MC_TEST_ROLLUP_FIXTURE_H

#include "store/store.h"

#include <stdint.h>

/* Which engine the run is for: 0, or 77 (the skip code, printed as such for
 * the test name) when PostgreSQL is asked for without a server. Call first,
 * from main. */
int mc_rollup_fixture_backend(const char *name);

/* A new folder "<name>.XXXXXX" and store (the database "mc_<name>_<pid>" on
 * PostgreSQL), migrated. Returns 0 or -1. */
int mc_rollup_fixture_open(mc_store **st, const char *name);
/* Closes the store, drops its database, removes the folder: 0 or -1. */
int mc_rollup_fixture_close(mc_store *st);

/* A number in [0, n) from one fixed sequence (xorshift): the same draws on
 * every run. */
int64_t mc_rollup_pick(int64_t n);

#endif
