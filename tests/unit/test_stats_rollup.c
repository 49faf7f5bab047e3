/*
 * test_stats_rollup.c - the statistics read from the roll-up (store/store_rollup.c)
 * equal the statistics counted from the dossiers (the live queries), on a
 * demo province whose dossiers lived through the app layer: filed, received,
 * transferred, paused for supplements and fees, resumed, resolved late and on
 * time, apologised for, withdrawn, stopped, refused.
 *
 * Then the province is reorganised (mc_demo_reorganise: dossiers of 2025 filed
 * and worked, a plan applied at 2025-07-01 that moves the open ones to the
 * successors).
 *
 * Compared for the province and some of its units, in total, by unit, by
 * field and by procedure (the cells by procedure, stats_rollup_proc), over
 * whole years, months, single days and random spans of days, over periods
 * across the reorganisation, and over the current period (ending after today,
 * where the open dossiers are judged now). Then the table is built again from
 * the dossiers (what the first start after the migration does) and must give
 * the same figures.
 *
 *   MC_TEST_STORE unset: a SQLite file in a temporary folder;
 *   MC_TEST_STORE=pg: a new database on the PostgreSQL server of
 *   MC_TEST_PG_URL, dropped afterwards (skipped, exit 77, without it)
 *   (rollup_fixture.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/auth.h"
#include "app/dossier.h"
#include "core/embed.h"
#include "core/mc.h"
#include "demo/demo.h"
#include "store/db.h"
#include "store/store.h"
#include "rollup_fixture.h"
#include "store/store_rollup.h"
#include "stats_assert.h"

#define COUNT 900
#define SEED 5

static struct {
	mc_store *st;
	mc_time_ctx *tc;
	int64_t units[8];
	int n_units;
} fx;

static int64_t local_midnight(int y, int m, int d)
{
	return (int64_t)mc_days_from_civil(y, m, d) * 86400 - MC_TZ_OFFSET;
}

static int group_setup(void **state)
{
	(void)state;
	int64_t from = 0, to = 0;

	if (mc_auth_init() != 0 || mc_rollup_fixture_open(&fx.st, "test_stats_rollup") != 0)
		return -1;
	if (mc_demo_load(fx.st, "rollup-test-password", NULL) != 0 || mc_time_ctx_load(&fx.tc, fx.st) != 0)
		return -1;
	/* Lives through the app layer: every write goes through the store's
	 * public functions that keep the roll-up. */
	mc_time_parse(&from, "2017-01-01T00:00");
	mc_time_parse(&to, "2017-12-31T17:00");
	if (mc_demo_dossiers(fx.st, fx.tc, COUNT, SEED, from, to, NULL) != 0)
		return -1;
	/* Apologies (the demo's lives issue none): for twenty open dossiers,
	 * issued in the spring of 2017, through the store's public functions. */
	mc_dossier_query dq = {.open_only = true, .limit = 20};
	mc_dossier *open = NULL;
	size_t n_open = 0;
	int64_t total = 0;
	if (mc_store_dossier_list(fx.st, &open, &n_open, &total, &dq) != 0 || n_open < 20)
		return -1;
	for (size_t i = 0; i < n_open; i++) {
		mc_apology a = {.dossier_id = open[i].id,
				.unit_id = open[i].current_unit_id,
				.old_due = open[i].due_at,
				.new_due = open[i].due_at + 3 * 86400,
				.prepared_at = local_midnight(2017, 4, 1) + (int64_t)i * 86400};
		a.reason = "Chậm do thiếu cán bộ"; /* only read by the store */
		int rc = mc_store_apology_add(fx.st, &a);
		free(a.province_code);
		if (rc != 0 ||
		    mc_store_apology_issue(fx.st, a.id, a.old_due, 0, "Lãnh đạo", a.prepared_at + 3600) != 0)
			return -1;
	}
	mc_dossier_free_list(open, n_open);
	/* The reorganisation of 2025: its dossiers' writes, the plan's moves. */
	if (mc_demo_reorganise(fx.st, fx.tc, COUNT / 3, SEED, NULL) != 0)
		return -1;
	mc_time_ctx_free(fx.tc);
	fx.tc = NULL;
	if (mc_time_ctx_load(&fx.tc, fx.st) != 0)
		return -1;
	/* The province, a district with its communes, and two more units. */
	mc_unit *units = NULL;
	size_t n = 0;
	if (mc_store_unit_list(fx.st, &units, &n) != 0 || n < 40)
		return -1;
	fx.units[fx.n_units++] = units[0].id; /* the root, first by path */
	for (size_t i = 1; i < n && fx.n_units < 4; i++) {
		if (strcmp(units[i].level, "district") == 0 ||
		    (fx.n_units == 3 && strcmp(units[i].level, "commune") == 0))
			fx.units[fx.n_units++] = units[i].id;
	}
	mc_unit_free_list(units, n);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	mc_time_ctx_free(fx.tc);
	return mc_rollup_fixture_close(fx.st);
}

/* Both ways for one question; returns the total received, so that the
 * caller can check the data is not empty. */
static int64_t compare(int64_t unit, int64_t from, int64_t to, mc_stats_group g)
{
	mc_stats_query q = {.unit_id = unit, .from = from, .to = to, .group = g};
	mc_stats_row *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int64_t received = 0;

	q.at = mc_now() < to ? mc_now() : to;
	assert_int_equal(mc_store_stats(fx.st, &a, &na, &q), 0);
	q.live = true;
	assert_int_equal(mc_store_stats(fx.st, &b, &nb, &q), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].unit_id, b[i].unit_id);
		assert_int_equal(a[i].procedure_id, b[i].procedure_id);
		assert_string_equal(a[i].field, b[i].field);
		assert_string_equal(a[i].procedure_code, b[i].procedure_code);
		assert_string_equal(a[i].procedure_name, b[i].procedure_name);
		assert_stats_counts_equal(&a[i].c, &b[i].c);
		received += a[i].c.received + a[i].c.in_progress + a[i].c.carried_over;
	}
	mc_stats_row_free_list(a, na);
	mc_stats_row_free_list(b, nb);
	return received;
}

static void compare_many(void)
{
	int64_t seen = 0;

	for (int u = 0; u < fx.n_units; u++) {
		for (int g = MC_STATS_TOTAL; g <= MC_STATS_BY_PROCEDURE; g++) {
			seen +=
			    compare(fx.units[u], local_midnight(2017, 1, 1), local_midnight(2018, 1, 1), g);
			seen +=
			    compare(fx.units[u], local_midnight(2017, 3, 1), local_midnight(2017, 4, 1), g);
			seen +=
			    compare(fx.units[u], local_midnight(2017, 6, 15), local_midnight(2017, 6, 16), g);
			seen += compare(fx.units[u], local_midnight(2016, 12, 20),
					local_midnight(2017, 2, 11), g);
			/* Across the reorganisation of 1 July 2025. */
			seen +=
			    compare(fx.units[u], local_midnight(2025, 1, 1), local_midnight(2026, 1, 1), g);
			seen +=
			    compare(fx.units[u], local_midnight(2025, 6, 20), local_midnight(2025, 7, 10), g);
			/* The current period: open dossiers judged now. */
			int64_t today = mc_now() - (mc_now() + MC_TZ_OFFSET) % 86400;
			seen += compare(fx.units[u], local_midnight(2017, 7, 1), today + 86400, g);
			seen += compare(fx.units[u], today, today + 3 * 86400, g);
			for (int i = 0; i < 25; i++) {
				int64_t from =
				    local_midnight(2017, 1, 1) + (mc_rollup_pick(380) - 10) * 86400;
				int64_t to = from + (1 + mc_rollup_pick(120)) * 86400;
				seen += compare(fx.units[u], from, to, g);
			}
			/* Whole years and spans of years, read from the year
			 * cells (by field and by procedure, the tree cells
			 * of migration 045), with the months and days of
			 * their ends: across the turn of 2017, and across the
			 * reorganisation of 2025. */
			for (int y = 2016; y <= 2026; y++)
				seen += compare(fx.units[u], local_midnight(y, 1, 1),
						local_midnight(y + 1, 1, 1), g);
			seen +=
			    compare(fx.units[u], local_midnight(2016, 1, 1), local_midnight(2019, 1, 1), g);
			seen +=
			    compare(fx.units[u], local_midnight(2024, 1, 1), local_midnight(2026, 1, 1), g);
			seen +=
			    compare(fx.units[u], local_midnight(2021, 3, 1), local_midnight(2026, 2, 1), g);
			for (int i = 0; i < 12; i++) {
				/* From mid-2016 to the end of 2017 and from 2024 to
				 * mid-2025, up to three years and a half. */
				int64_t from = i % 2
						   ? local_midnight(2016, 6, 1) + mc_rollup_pick(580) * 86400
						   : local_midnight(2024, 1, 1) + mc_rollup_pick(540) * 86400;
				int64_t to = from + (1 + mc_rollup_pick(1280)) * 86400;
				seen += compare(fx.units[u], from, to, g);
			}
		}
	}
	assert_true(seen > COUNT);
}

static void test_rollup_equals_live_counts(void **state)
{
	(void)state;
	/* The demo's lives reach every counter the comparison covers. */
	mc_stats_query q = {.unit_id = fx.units[0],
			    .from = local_midnight(2017, 2, 1),
			    .to = local_midnight(2017, 12, 1),
			    .at = local_midnight(2017, 12, 1),
			    .group = MC_STATS_TOTAL};
	mc_stats_row *r = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_stats(fx.st, &r, &n, &q), 0);
	assert_true(r[0].c.carried_over > 0 && r[0].c.received_online > 0 && r[0].c.received_postal > 0);
	assert_true(r[0].c.resolved_early > 0 && r[0].c.resolved_on_time > 0 && r[0].c.resolved_late > 0);
	assert_true(r[0].c.in_progress_overdue > 0 && r[0].c.in_progress_within > 0);
	assert_true(r[0].c.supplement_requested > 0 && r[0].c.withdrawn > 0 && r[0].c.not_accepted > 0);
	assert_true(r[0].c.stopped > 0 && r[0].c.apologies > 0);
	mc_stats_row_free_list(r, n);
	compare_many();
}

/* Each unit's own desk (MC_STATS_EACH_UNIT, which rolls ended units up into
 * today's, docs/statistics.md §11): the same from the roll-up as counted
 * live, and its rows add up to the unit's total. */
static void test_each_unit_equals_live_and_adds_up(void **state)
{
	(void)state;
	const int64_t periods[][2] = {
	    {local_midnight(2017, 1, 1), local_midnight(2018, 1, 1)},
	    {local_midnight(2017, 3, 1), local_midnight(2017, 4, 1)},
	    {local_midnight(2016, 12, 20), local_midnight(2017, 2, 11)},
	};
	int64_t seen = 0;

	for (int u = 0; u < fx.n_units; u++) {
		for (size_t k = 0; k < sizeof periods / sizeof periods[0]; k++) {
			seen += compare(fx.units[u], periods[k][0], periods[k][1], MC_STATS_EACH_UNIT);
			mc_stats_query q = {.unit_id = fx.units[u],
					    .from = periods[k][0],
					    .to = periods[k][1],
					    .at = periods[k][1],
					    .group = MC_STATS_EACH_UNIT};
			mc_stats_row *rows = NULL, *total = NULL;
			size_t n = 0, n_total = 0;
			mc_stats_counts sum = {0};
			assert_int_equal(mc_store_stats(fx.st, &rows, &n, &q), 0);
			for (size_t i = 0; i < n; i++) {
				assert_true(i == 0 || rows[i - 1].unit_id < rows[i].unit_id);
				assert_false(mc_stats_is_zero(&rows[i].c));
				mc_stats_add(&sum, &rows[i].c);
			}
			q.group = MC_STATS_TOTAL;
			assert_int_equal(mc_store_stats(fx.st, &total, &n_total, &q), 0);
			assert_stats_counts_equal(&sum, &total[0].c);
			mc_stats_row_free_list(rows, n);
			mc_stats_row_free_list(total, n_total);
		}
	}
	assert_true(seen > 0);
}

/* What the first start after the migration does, on a database that has
 * dossiers: the table is emptied and counted again from them. */
static void test_rebuilt_table_gives_the_same_figures(void **state)
{
	(void)state;
	mc_stats_query q = {.unit_id = fx.units[0],
			    .from = local_midnight(2017, 1, 1),
			    .to = local_midnight(2018, 1, 1),
			    .at = local_midnight(2018, 1, 1),
			    .group = MC_STATS_BY_UNIT};
	mc_stats_row *before = NULL, *after = NULL;
	size_t nb = 0, na = 0;

	assert_int_equal(mc_store_stats(fx.st, &before, &nb, &q), 0);
	assert_int_equal(mc_store_begin(fx.st), 0);
	assert_int_equal(mc_store_rollup_clear(fx.st), 0);
	assert_int_equal(mc_store_commit(fx.st), 0);
	/* Emptied: the figures are gone (so the comparison below can fail). */
	assert_int_equal(mc_store_stats(fx.st, &after, &na, &q), 0);
	int64_t received = 0;
	for (size_t i = 0; i < na; i++)
		received += after[i].c.received;
	assert_int_equal(received, 0);
	mc_stats_row_free_list(after, na);

	assert_int_equal(mc_store_begin(fx.st), 0);
	assert_int_equal(mc_store_rollup_rebuild(fx.st), 0);
	assert_int_equal(mc_store_commit(fx.st), 0);
	assert_int_equal(mc_store_stats(fx.st, &after, &na, &q), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_stats_counts_equal(&before[i].c, &after[i].c);
	mc_stats_row_free_list(before, nb);
	mc_stats_row_free_list(after, na);
	compare_many();
}

/* Migration 045 sums the tree cells from the units' month cells on a
 * database that has them: the figures by field and by procedure read from
 * what it wrote equal the live counts again. */
static void test_tree_cells_from_the_migration(void **state)
{
	(void)state;
	mc_stats_query q = {.unit_id = fx.units[0],
			    .from = local_midnight(2017, 1, 1),
			    .to = local_midnight(2018, 1, 1),
			    .at = local_midnight(2018, 1, 1),
			    .group = MC_STATS_BY_FIELD};
	char path[64];
	const struct mc_embedded *m;
	mc_stats_row *r = NULL;
	size_t n = 0;
	int64_t received = 0;

	snprintf(path, sizeof path, "src/store/migrations/%s/045_stats_rollup_tree.sql",
		 mc_db_is_pg(fx.st) ? "postgresql" : "sqlite");
	m = mc_embed_find(path);
	assert_non_null(m);
	assert_int_equal(mc_store_begin(fx.st), 0);
	assert_int_equal(mc_db_sql(fx.st, "DELETE FROM stats_rollup_proc WHERE grain IN (3, 4)", "drop"), 0);
	assert_int_equal(mc_store_commit(fx.st), 0);
	/* Without them a province-year by field counts nothing. */
	assert_int_equal(mc_store_stats(fx.st, &r, &n, &q), 0);
	for (size_t i = 0; i < n; i++)
		received += r[i].c.received;
	assert_int_equal(received, 0);
	mc_stats_row_free_list(r, n);

	/* Its statements, one at a time (each ends with ";\n"). */
	char *sql = mc_xstrdup((const char *)m->data);
	assert_int_equal(mc_store_begin(fx.st), 0);
	int statements = 0;
	for (char *p = sql, *end; (end = strstr(p, ";\n")) != NULL; p = end + 2) {
		*end = '\0';
		while (*p == '\n')
			p++;
		assert_int_equal(mc_db_sql(fx.st, p, "migration 045"), 0);
		statements++;
	}
	assert_int_equal(mc_store_commit(fx.st), 0);
	assert_int_equal(statements, 2);
	free(sql);
	compare_many();
}

/* A unit made in a transaction that is undone, then another made under a
 * different district (SQLite gives it the same id): a filing at the second
 * is counted under its own district. The connection keeps the units' paths
 * it has read (mc_db_unit_path_kept), and must forget the undone unit's. */
static void test_unit_undone_then_made_again(void **state)
{
	(void)state;
	mc_unit *units = NULL;
	size_t n = 0;
	int64_t district[2] = {0, 0}, proc = 0;
	const int64_t from = local_midnight(2019, 1, 1), to = local_midnight(2020, 1, 1);

	assert_int_equal(mc_store_unit_list(fx.st, &units, &n), 0);
	for (size_t i = 0, k = 0; i < n && k < 2; i++) {
		if (strcmp(units[i].level, "district") == 0)
			district[k++] = units[i].id;
	}
	mc_unit_free_list(units, n);
	assert_true(district[0] && district[1]);
	assert_int_equal(mc_db_int(fx.st, "SELECT min(id) FROM procedure", "a procedure", &proc, NULL, 0), 0);

	int64_t ids[2], seen[2][MC_STATS_BY_PROCEDURE + 1];
	for (int k = 0; k < 2; k++) {
		for (int g = MC_STATS_TOTAL; g <= MC_STATS_BY_PROCEDURE; g++)
			seen[k][g] = compare(district[k], from, to, g);
	}
	for (int k = 0; k < 2; k++) {
		char code[32];
		snprintf(code, sizeof code, "000.%d1.99.H56", k);
		mc_unit u = {.parent_id = district[k],
			     .code = code,
			     .name = "Xã Thử",
			     .level = "commune",
			     .province_code = "H56"};
		mc_dossier d = {.code = k ? "TEST-UNDONE-2" : "TEST-UNDONE-1",
				.province_code = "H56",
				.procedure_id = proc,
				.channel = MC_CH_DIRECT,
				.state = MC_ST_RECEIVED,
				.step = 1,
				.applicant_name = "Nguyễn Văn An",
				.received_at = from + 125 * 86400 + 9 * 3600,
				.due_at = from + 130 * 86400,
				.updated_at = from + 125 * 86400 + 9 * 3600};
		assert_int_equal(mc_store_begin(fx.st), 0);
		assert_int_equal(mc_store_unit_create(fx.st, &u), 0);
		d.receiving_unit_id = d.current_unit_id = ids[k] = u.id;
		d.province_code = mc_xstrdup("H56");
		assert_int_equal(mc_store_dossier_insert(fx.st, &d), 0);
		free(d.province_code);
		free(d.procedure_code);
		if (k == 0)
			assert_int_equal(mc_store_rollback(fx.st), 0);
		else
			assert_int_equal(mc_store_commit(fx.st), 0);
	}
	/* On SQLite the case the test is about: the id given again. */
	if (!mc_db_is_pg(fx.st))
		assert_int_equal(ids[1], ids[0]);
	/* compare() checks the roll-up against the dossiers themselves; the
	 * figures by field and by procedure are the district's tree cells,
	 * which the filing's path names. */
	for (int g = MC_STATS_TOTAL; g <= MC_STATS_BY_PROCEDURE; g++) {
		assert_true(compare(district[1], from, to, g) > seen[1][g]);
		assert_int_equal(compare(district[0], from, to, g), seen[0][g]);
	}
}

int main(void)
{
	if (mc_rollup_fixture_backend("test_stats_rollup") != 0)
		return 77;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rollup_equals_live_counts),
	    cmocka_unit_test(test_each_unit_equals_live_and_adds_up),
	    cmocka_unit_test(test_rebuilt_table_gives_the_same_figures),
	    cmocka_unit_test(test_tree_cells_from_the_migration),
	    cmocka_unit_test(test_unit_undone_then_made_again),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
