/*
 * store_rollup.h - the statistics roll-up inside the store (core/rollup.h
 * says what the table holds, store/store_rollup.c keeps and reads it).
 * Private to src/store and its tests.
 */
#ifndef MC_STORE_ROLLUP_H
#define MC_STORE_ROLLUP_H

#include "store/store.h"

/* The writes the roll-up wraps, without it: the public function
 * (store_rollup.c) adds the write's cells in its transaction. */
int mc_store_backend_apology_issue(mc_store *st, int64_t id, int64_t old_due, int64_t issued_by,
				   const char *issued_by_name, int64_t at);
int mc_store_backend_dossier_insert(mc_store *st, mc_dossier *d);
int mc_store_backend_dossier_update(mc_store *st, mc_dossier *d, int64_t expected_version);
int mc_store_backend_event_append(mc_store *st, mc_event *e);
/* The migrations without the roll-up (store_migrate.c). */
int mc_store_backend_migrate(mc_store *st);

/* Empties the table. */
int mc_store_rollup_clear(mc_store *st);
/* The cells summed during a group commit's first run on PostgreSQL
 * (mc_db_defers), written before its commit (flush) or forgotten (drop). */
int mc_store_rollup_flush(mc_store *st);
void mc_store_rollup_drop(mc_store *st);
/* Writes the day sequences numbered on in memory in the same run
 * (store_dossier.c: mc_store_dossier_next_seq). */
int mc_store_dossier_seq_flush(mc_store *st);
/* Empties the table and counts every dossier, supplement request and issued
 * apology into it again, inside the caller's write transaction. */
int mc_store_rollup_rebuild(mc_store *st);

/* Whether the roll-up answers q: any grouping (by field and by procedure
 * from the cells by procedure), a period of whole local days, judged at or
 * before its end, and not asked to count live. */
bool mc_store_rollup_answers(const mc_stats_query *q);
/* The figures of q (which the roll-up answers) for the subtree [lo, hi)
 * (mc_db_unit_range), per direct child of q->unit_id that holds them (key
 * 0: the unit's own desk), per unit (MC_STATS_EACH_UNIT), or per procedure
 * (by field and by procedure: the key is the procedure's id): cb once per
 * key, with counts borrowed for the call. */
int mc_store_rollup_stats(mc_store *st, const mc_stats_query *q, const char *lo, const char *hi,
			  void (*cb)(int64_t key, const mc_stats_counts *c, void *payload), void *payload);

#endif
