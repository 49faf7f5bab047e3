/*
 * rollup.h - the statistics roll-up: what one dossier adds to the counters of
 * its receiving unit, per local day and per local month, so that the figures
 * of a period (docs/statistics.md) are sums of a few thousand rows instead of
 * a scan of every dossier of the period.
 *
 * The counters of docs/statistics.md are of two kinds:
 *
 *  - dated ones, which a dossier adds to on one day: received (by channel),
 *    resolved early / on time / late, withdrawn, stopped, not accepted on the
 *    day it finished, apologies on the day issued, supplement requests on the
 *    day requested. The figure of a period is the sum over its days.
 *
 *  - states at an instant T (a local midnight): "in progress at T" (carried
 *    over at the start, in progress at the end) and, among those, "overdue at
 *    T". They are kept as changes: +1 on the first day whose midnight sees
 *    the dossier in progress, -1 on the first day that no longer does; the
 *    figure at T is the sum of the changes of every day up to T's day. The
 *    overdue test is the one of the statistics judged at E = T (a paused
 *    dossier at the moment it was paused), which is exact for every period
 *    that has ended; for the current period (E = now, not a midnight) the
 *    store counts the open dossiers' split live (src/store/store_rollup.c).
 *
 * Supplement requests count once per dossier and period: a request counts in
 * a period when the dossier's previous request (if any) lies before the
 * period's first day. First requests are dated counters; the rare later ones
 * are kept in cells of their own (MC_ROLLUP_REPEAT) keyed by the day of the
 * previous request.
 *
 * Everything here is arithmetic on the dossier's columns; the store applies
 * the differences in the transaction that changes the dossier
 * (src/store/store_rollup.c) and can rebuild the whole table from the dossiers.
 */
#ifndef MC_ROLLUP_H
#define MC_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	MC_RU_RECV_ONLINE,
	MC_RU_RECV_DIRECT,
	MC_RU_RECV_POSTAL,
	MC_RU_RECV_TOTAL,
	MC_RU_RES_EARLY,
	MC_RU_RES_ON_TIME,
	MC_RU_RES_LATE,
	MC_RU_WITHDRAWN,
	MC_RU_STOPPED,
	MC_RU_NOT_ACCEPTED,
	MC_RU_IN_PROGRESS, /* change of "in progress at midnight" */
	MC_RU_OVERDUE,	   /* change of "overdue at midnight" */
	MC_RU_SUPPLEMENT,  /* first supplement requests; in REPEAT cells, later ones */
	MC_RU_APOLOGIES,
	MC_ROLLUP_N
};

/* Cell grains: a local day (period = days since 1970-01-01), a local month
 * (period = year * 12 + month - 1), and later supplement requests (period =
 * the day, aux = the day of the dossier's previous request).
 *
 * In a set by procedure only, the cells summed up the unit tree (migration
 * 045): a month (period as above) and a year (period = the year) of every
 * unit on the receiving unit's path, itself included, with what the dossiers
 * of its whole subtree add. A subtree's question then reads its root's cells
 * instead of one cell per unit of the subtree. A unit's path never changes
 * (a reorganisation ends units and creates others, and a dossier keeps its
 * receiving unit), so neither do the units a dossier adds to. */
enum {
	MC_ROLLUP_DAY = 0,
	MC_ROLLUP_MONTH = 1,
	MC_ROLLUP_REPEAT = 2,
	MC_ROLLUP_TREE_MONTH = 3,
	MC_ROLLUP_TREE_YEAR = 4
};

/* The most units on a path (the root down to the receiving unit). */
#define MC_ROLLUP_TREE_MAX 32

typedef struct {
	int64_t unit_id;
	int64_t procedure_id; /* in a set by procedure (mc_rollup_set.by_procedure); else 0 */
	int32_t grain;
	int32_t period;
	int32_t aux;
	char *province_code; /* owned by the set; "" when not known */
	int64_t v[MC_ROLLUP_N];
} mc_rollup_cell;

/* The columns of a dossier the figures read (docs/statistics.md §3). */
typedef struct {
	int64_t dossier_id;
	const char *province_code; /* borrowed; NULL or "" when not known */
	int64_t unit_id;	   /* receiving unit */
	int64_t procedure_id;	   /* its procedure: the key of a set by procedure */
	int state;
	int channel;
	int64_t received_at, finished_at, due_at, statutory_due_at, paused_at;
	int64_t last_supplement_at; /* the latest request_supplement event, 0 none */
	/* The units of the receiving unit's path, root first, itself last: the
	 * units whose tree cells it adds to (sets by procedure). None: no tree
	 * cells. */
	int64_t tree[MC_ROLLUP_TREE_MAX];
	int n_tree;
} mc_rollup_in;

/* A growing set of cells, at most one per (unit, grain, period, aux), or per
 * (unit, procedure, grain, period, aux) when by_procedure: the cells of the
 * figures by field and by procedure (docs/statistics.md §6). Set by_procedure
 * before the first cell. */
typedef struct {
	bool by_procedure;
	mc_rollup_cell *cells;
	size_t len, cap;
	size_t *slots; /* open-addressing index: cell position + 1, 0 empty */
	size_t n_slots;
} mc_rollup_set;

/* Frees the cells (their strings too) and the index; the set is empty again. */
void mc_rollup_set_free(mc_rollup_set *s);
/* The cell of this key, added with zeros (and a copy of province_code, ""
 * for NULL) when missing. */
mc_rollup_cell *mc_rollup_cell_at(mc_rollup_set *s, int64_t unit_id, const char *province_code, int32_t grain,
				  int32_t period, int32_t aux);
/* The same with the procedure in the key (0 in a set by unit). */
mc_rollup_cell *mc_rollup_cell_at_proc(mc_rollup_set *s, int64_t unit_id, int64_t procedure_id,
				       const char *province_code, int32_t grain, int32_t period, int32_t aux);
/* Drops the cells whose counters are all 0 and sorts the rest by key (the
 * order the store writes them in, so that writers lock rows in one order). */
void mc_rollup_set_finish(mc_rollup_set *s);

/* Adds sign (+1 or -1) times what dossier d contributes, at day and month
 * grain. Used with -1 on the old columns and +1 on the new ones when a
 * dossier changes. */
void mc_rollup_dossier(mc_rollup_set *s, const mc_rollup_in *d, int sign);
/* Adds a supplement request made at `at` by dossier d, whose previous request
 * was at d->last_supplement_at (0 none). */
void mc_rollup_supplement(mc_rollup_set *s, const mc_rollup_in *d, int64_t at);
/* Adds an apology issued at `at` for dossier d. */
void mc_rollup_apology(mc_rollup_set *s, const mc_rollup_in *d, int64_t at);

/* The units of a path "/1/5/23/" into in->tree (1, 5, 23); MC_EINVAL for a
 * malformed path or one deeper than MC_ROLLUP_TREE_MAX. */
int mc_rollup_tree_of_path(mc_rollup_in *in, const char *path);

/* The local day of a UTC instant (floor), and the month index of a day. */
int32_t mc_rollup_day(int64_t t);
int32_t mc_rollup_month(int32_t day);
/* The first day of a month index. */
int32_t mc_rollup_month_first(int32_t month);

#endif
