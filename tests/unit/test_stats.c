/*
 * test_stats.c - the counting rules of docs/statistics.md (src/core/stats.c,
 * mc_store_stats in src/store/store_stats.c) on dossiers constructed one by
 * one in the store, whose right answer is worked out by hand below; and the
 * SQL forms of the timeliness rules (core/stats.h) against their C twins.
 *
 * The tree: province P → district D (own desk) → communes C1, C2; department
 * S under P. Procedures A (Hộ tịch), B (Đất đai), C (Hộ tịch). The period is
 * April 2017: [2017-04-01, 2017-05-01) local time.
 *
 * MC_TEST_STORE unset: on a SQLite file; MC_TEST_STORE=pg: on a new database
 * of the PostgreSQL server at MC_TEST_PG_URL for every test (scripts/pg.sh),
 * skipped (exit 77) without one. ctest runs both (test_stats, test_stats_pg).
 */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "app/dossier.h"
#include "core/deadline.h"
#include "core/dossier.h"
#include "core/stats.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_rollup.h"

static const char *pg_url; /* MC_TEST_PG_URL when MC_TEST_STORE=pg */

struct fixture {
	char dir[512];
	char dbname[64];
	mc_store *st;
	int64_t p, d, c1, c2, s;
	int64_t proc_a, proc_b, proc_c;
	int n;
};

/* Local time (UTC+7) → UTC seconds. */
static int64_t T(int y, int mo, int d, int h, int mi)
{
	return (int64_t)mc_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - MC_TZ_OFFSET;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int64_t add_unit(mc_store *st, int64_t parent, const char *code, const char *name, const char *level)
{
	mc_unit u = {0};

	u.parent_id = parent;
	u.code = (char *)code;
	u.name = (char *)name;
	u.level = (char *)level;
	u.province_code = "H56";
	assert_int_equal(mc_store_unit_create(st, &u), 0);
	return u.id;
}

static int64_t add_proc(mc_store *st, const char *code, const char *name, const char *field)
{
	mc_procedure p;

	memset(&p, 0, sizeof(p));
	p.code = (char *)code;
	p.name = (char *)name;
	p.field = (char *)field;
	p.levels = "commune,district";
	p.status = "active";
	p.duration_hours = 40;
	p.cutoff_min = -1;
	p.online_level = 3;
	assert_int_equal(mc_store_procedure_create(st, &p), 0);
	return p.id;
}

typedef struct {
	int64_t unit, proc;
	int channel, state;
	int64_t submitted, received, due, paused, finished, returned;
} spec;

static int64_t add_dossier(struct fixture *f, const spec *x)
{
	mc_dossier d;
	char code[32];

	memset(&d, 0, sizeof(d));
	snprintf(code, sizeof(code), "TEST-170401-%04d", ++f->n);
	d.code = mc_xstrdup(code);
	d.procedure_id = x->proc;
	d.receiving_unit_id = x->unit;
	d.current_unit_id = x->unit;
	d.channel = x->channel;
	d.state = x->state;
	d.duration_hours = 40;
	d.applicant_name = mc_xstrdup("Nguyễn Văn An");
	d.submitted_at = x->submitted;
	d.received_at = x->received;
	d.due_at = x->due;
	d.paused_at = x->paused;
	d.finished_at = x->finished;
	d.returned_at = x->returned;
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	int64_t id = d.id;

	mc_dossier_clear(&d);
	return id;
}

static void add_event(struct fixture *f, int64_t dossier, int64_t at, const char *action, int from, int to)
{
	mc_event e;

	memset(&e, 0, sizeof(e));
	e.dossier_id = dossier;
	e.at = at;
	e.action = (char *)action; /* borrowed: the store only reads it */
	e.from_state = from;
	e.to_state = to;
	assert_int_equal(mc_app_dossier_event_append(f->st, &e), 0);
}

enum { DIRECT = MC_CH_DIRECT, ONLINE = MC_CH_ONLINE, POSTAL = MC_CH_POSTAL };

static int pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(pg_url);
	PGresult *r = PQexec(c, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc)
		fprintf(stderr, "test: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return rc;
}

static int setup(void **state)
{
	static int counter;
	struct fixture *f = calloc(1, sizeof(*f));
	const char *base = getenv("MC_TEST_TMP");
	char path[1200];

	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/stats-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	if (pg_url) {
		/* The server's URL with the test's database instead of its own. */
		const char *rest = strstr(pg_url, "://");
		const char *slash = rest ? strchr(rest + 3, '/') : NULL;
		int head = slash ? (int)(slash - pg_url) : (int)strcspn(pg_url, "?");
		char sql[128];

		snprintf(f->dbname, sizeof(f->dbname), "mc_stats_%d_%d", (int)getpid(), ++counter);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->dbname);
		if (pg_admin(sql) != 0)
			return -1;
		snprintf(path, sizeof(path), "%.*s/%s?files=%s/files", head, pg_url, f->dbname, f->dir);
	} else {
		snprintf(path, sizeof(path), "%s/motcua.db", f->dir);
	}
	if (mc_store_open(&f->st, path) != 0 || mc_store_migrate(f->st) != 0)
		return -1;
	f->p = add_unit(f->st, 0, "000.00.00.H56", "UBND tỉnh Thanh Hóa", "province");
	f->s = add_unit(f->st, f->p, "000.00.15.H56", "Sở Tư pháp", "department");
	f->d = add_unit(f->st, f->p, "000.00.30.H56", "UBND huyện Quảng Xương", "district");
	f->c1 = add_unit(f->st, f->d, "000.31.30.H56", "UBND xã Quảng Bình", "commune");
	f->c2 = add_unit(f->st, f->d, "000.32.30.H56", "UBND xã Quảng Hòa", "commune");
	f->proc_a = add_proc(f->st, "1.001", "Đăng ký khai sinh", "Hộ tịch");
	f->proc_b = add_proc(f->st, "1.002", "Chuyển mục đích sử dụng đất", "Đất đai");
	f->proc_c = add_proc(f->st, "1.003", "Đăng ký kết hôn", "Hộ tịch");

	int64_t a = f->proc_a, b = f->proc_b, c = f->proc_c;
	int64_t id;
	/* d1 carried over (received in March), resolved early in April. */
	add_dossier(f, &(spec){f->c1, a, DIRECT, MC_ST_RESOLVED, 0, T(2017, 3, 20, 9, 0),
			       T(2017, 4, 5, 17, 0), 0, T(2017, 4, 3, 10, 0), 0});
	/* d2 carried over, still processing, overdue since 30/3; its supplement
	 * request was before the period. */
	id = add_dossier(f, &(spec){f->c1, b, ONLINE, MC_ST_PROCESSING, T(2017, 3, 9, 20, 0),
				    T(2017, 3, 10, 8, 0), T(2017, 3, 30, 17, 0), 0, 0, 0});
	add_event(f, id, T(2017, 3, 15, 9, 0), "request_supplement", MC_ST_PROCESSING,
		  MC_ST_SUPPLEMENT_REQUESTED);
	/* d3 received by post in April, resolved after the period (5/5): in
	 * progress at the end, due 10/5 → within time. */
	add_dossier(f, &(spec){f->c2, a, POSTAL, MC_ST_RESOLVED, 0, T(2017, 4, 10, 8, 0),
			       T(2017, 5, 10, 17, 0), 0, T(2017, 5, 5, 9, 0), 0});
	/* d4 at the district's own desk, resolved late on 10/4, returned on 11/4. */
	add_dossier(f, &(spec){f->d, b, DIRECT, MC_ST_RETURNED, 0, T(2017, 4, 3, 8, 0), T(2017, 4, 7, 17, 0),
			       0, T(2017, 4, 10, 9, 0), T(2017, 4, 11, 9, 0)});
	/* d5 online, resolved on the due day before the due hour: on time. */
	add_dossier(f, &(spec){f->c1, c, ONLINE, MC_ST_RESOLVED, T(2017, 4, 4, 21, 0), T(2017, 4, 5, 8, 0),
			       T(2017, 4, 12, 17, 0), 0, T(2017, 4, 12, 10, 0), 0});
	/* d6 withdrawn. */
	add_dossier(f, &(spec){f->c2, a, DIRECT, MC_ST_WITHDRAWN, 0, T(2017, 4, 6, 9, 0),
			       T(2017, 4, 13, 17, 0), 0, T(2017, 4, 8, 10, 0), 0});
	/* d7 carried over, stopped in April. */
	add_dossier(f, &(spec){f->c1, b, DIRECT, MC_ST_STOPPED, 0, T(2017, 3, 25, 9, 0), T(2017, 4, 1, 17, 0),
			       0, T(2017, 4, 20, 10, 0), 0});
	/* d8 paused for a supplement on 12/4, two days before its due time. */
	id = add_dossier(f, &(spec){f->c2, c, ONLINE, MC_ST_SUPPLEMENT_REQUESTED, T(2017, 4, 9, 20, 0),
				    T(2017, 4, 10, 8, 0), T(2017, 4, 14, 17, 0), T(2017, 4, 12, 9, 0), 0, 0});
	add_event(f, id, T(2017, 4, 12, 9, 0), "request_supplement", MC_ST_PROCESSING,
		  MC_ST_SUPPLEMENT_REQUESTED);
	/* d9 submitted online and refused by the desk: never received. */
	add_dossier(f, &(spec){f->c1, a, ONLINE, MC_ST_NOT_ACCEPTED, T(2017, 4, 15, 20, 0), 0, 0, 0,
			       T(2017, 4, 16, 9, 0), 0});
	/* d10 at the department: outside the district's subtree. */
	add_dossier(f, &(spec){f->s, a, DIRECT, MC_ST_RECEIVED, 0, T(2017, 4, 10, 9, 0), T(2017, 4, 17, 9, 0),
			       0, 0, 0});
	/* d11 finished before the period: counts nowhere. */
	add_dossier(f, &(spec){f->c1, a, DIRECT, MC_ST_RETURNED, 0, T(2017, 2, 1, 9, 0), T(2017, 2, 8, 9, 0),
			       0, T(2017, 3, 1, 9, 0), T(2017, 3, 2, 9, 0)});
	/* d12 received after the period: counts nowhere. */
	add_dossier(f, &(spec){f->c2, a, DIRECT, MC_ST_RECEIVED, 0, T(2017, 5, 3, 9, 0), T(2017, 5, 10, 9, 0),
			       0, 0, 0});
	/* d13 paused on 7/4, already two days overdue then: overdue. */
	id = add_dossier(f, &(spec){f->c1, c, DIRECT, MC_ST_SUPPLEMENT_REQUESTED, 0, T(2017, 4, 3, 8, 0),
				    T(2017, 4, 5, 17, 0), T(2017, 4, 7, 8, 0), 0, 0});
	add_event(f, id, T(2017, 4, 7, 8, 0), "request_supplement", MC_ST_PROCESSING,
		  MC_ST_SUPPLEMENT_REQUESTED);
	/* d14 submitted online, not yet received: counts nowhere. */
	add_dossier(f, &(spec){f->c1, a, ONLINE, MC_ST_SUBMITTED, T(2017, 4, 20, 9, 0), 0, 0, 0, 0, 0});
	/* d15 processing, due 25/4 17:00: overdue at the end of April, within
	 * time on 24/4. */
	add_dossier(f, &(spec){f->c2, b, DIRECT, MC_ST_PROCESSING, 0, T(2017, 4, 20, 8, 0),
			       T(2017, 4, 25, 17, 0), 0, 0, 0});
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	mc_store_close(f->st);
	if (f->dbname[0]) {
		char sql[128];

		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
		pg_admin(sql);
	}
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* The counters in the order of mc_stats_counts, for readable expectations. */
typedef struct {
	int64_t carried_over, online, direct, postal, received, early, on_time, late, resolved, within,
	    overdue, in_progress, supplement, withdrawn, stopped, not_accepted, apologies;
} want;

static const char *const names[] = {"carried_over",
				    "received_online",
				    "received_direct",
				    "received_postal",
				    "received",
				    "resolved_early",
				    "resolved_on_time",
				    "resolved_late",
				    "resolved",
				    "in_progress_within",
				    "in_progress_overdue",
				    "in_progress",
				    "supplement_requested",
				    "withdrawn",
				    "stopped",
				    "not_accepted",
				    "apologies"};

static void expect(const char *what, const mc_stats_counts *got, want w)
{
	int64_t g[17];
	int64_t e[17];

	_Static_assert(sizeof(mc_stats_counts) == sizeof(g), "17 counters");
	_Static_assert(sizeof(want) == sizeof(e), "17 counters");
	memcpy(g, got, sizeof(g));
	memcpy(e, &w, sizeof(e));
	for (int i = 0; i < 17; i++) {
		if (g[i] != e[i])
			fail_msg("%s: %s is %lld, expected %lld", what, names[i], (long long)g[i],
				 (long long)e[i]);
	}
	/* What holds for any row. */
	assert_int_equal(got->received, got->received_online + got->received_direct + got->received_postal);
	assert_int_equal(got->resolved, got->resolved_early + got->resolved_on_time + got->resolved_late);
	assert_int_equal(got->in_progress, got->in_progress_within + got->in_progress_overdue);
}

static const mc_stats_row *query(struct fixture *f, mc_stats_row **rows, size_t *n, int64_t unit,
				 mc_stats_group g, int64_t at)
{
	mc_stats_query q = {
	    .unit_id = unit, .from = T(2017, 4, 1, 0, 0), .to = T(2017, 5, 1, 0, 0), .at = at, .group = g};
	assert_int_equal(mc_store_stats(f->st, rows, n, &q), 0);
	return *rows;
}

static const want district_total = {.carried_over = 3,
				    .online = 2,
				    .direct = 4,
				    .postal = 1,
				    .received = 7,
				    .early = 1,
				    .on_time = 1,
				    .late = 1,
				    .resolved = 3,
				    .within = 2,
				    .overdue = 3,
				    .in_progress = 5,
				    .supplement = 2,
				    .withdrawn = 1,
				    .stopped = 1,
				    .not_accepted = 1};

static void test_total(void **state)
{
	struct fixture *f = *state;
	mc_stats_row *rows = NULL;
	size_t n = 0;
	double rate = 0;

	query(f, &rows, &n, f->d, MC_STATS_TOTAL, T(2017, 5, 1, 0, 0));
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].unit_id, f->d);
	expect("district", &rows[0].c, district_total);
	/* Every dossier received is accounted for: carried over + received =
	 * resolved + withdrawn + stopped + in progress (d9 was never received). */
	assert_int_equal(rows[0].c.carried_over + rows[0].c.received,
			 rows[0].c.resolved + rows[0].c.withdrawn + rows[0].c.stopped +
			     rows[0].c.in_progress);
	assert_true(mc_stats_on_time_rate(&rate, &rows[0].c));
	assert_true(rate > 0.6666 && rate < 0.6667);
	mc_stats_row_free_list(rows, n);

	/* Judged on 24/4 at noon: d15 is still within time. */
	query(f, &rows, &n, f->d, MC_STATS_TOTAL, T(2017, 4, 24, 12, 0));
	want w = district_total;
	w.within = 3;
	w.overdue = 2;
	expect("district on 24/4", &rows[0].c, w);
	mc_stats_row_free_list(rows, n);

	/* A commune alone, and the province (which adds d10 at the department). */
	query(f, &rows, &n, f->c2, MC_STATS_TOTAL, T(2017, 5, 1, 0, 0));
	expect("C2", &rows[0].c,
	       (want){.online = 1,
		      .direct = 2,
		      .postal = 1,
		      .received = 4,
		      .within = 2,
		      .overdue = 1,
		      .in_progress = 3,
		      .supplement = 1,
		      .withdrawn = 1});
	mc_stats_row_free_list(rows, n);
	query(f, &rows, &n, f->p, MC_STATS_TOTAL, T(2017, 5, 1, 0, 0));
	w = district_total;
	w.direct++;
	w.received++;
	w.overdue++; /* d10, due 17/4, still received */
	w.in_progress++;
	expect("province", &rows[0].c, w);
	mc_stats_row_free_list(rows, n);

	/* The classification in SQL is the core's. */
	assert_int_equal(mc_deadline_classify_finished(T(2017, 4, 3, 10, 0), T(2017, 4, 5, 17, 0)),
			 MC_FINISH_EARLY);
	assert_int_equal(mc_deadline_classify_finished(T(2017, 4, 12, 10, 0), T(2017, 4, 12, 17, 0)),
			 MC_FINISH_ON_TIME);
	assert_int_equal(mc_deadline_classify_finished(T(2017, 4, 10, 9, 0), T(2017, 4, 7, 17, 0)),
			 MC_FINISH_LATE);
}

static void test_by_unit(void **state)
{
	struct fixture *f = *state;
	mc_stats_row *rows = NULL;
	size_t n = 0;
	mc_stats_counts sum = {0};

	query(f, &rows, &n, f->d, MC_STATS_BY_UNIT, T(2017, 5, 1, 0, 0));
	/* The district's own desk first, then its communes in code order. */
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].unit_id, f->d);
	assert_int_equal(rows[1].unit_id, f->c1);
	assert_int_equal(rows[2].unit_id, f->c2);
	expect("own desk", &rows[0].c, (want){.direct = 1, .received = 1, .late = 1, .resolved = 1});
	expect("C1", &rows[1].c,
	       (want){.carried_over = 3,
		      .online = 1,
		      .direct = 1,
		      .received = 2,
		      .early = 1,
		      .on_time = 1,
		      .resolved = 2,
		      .overdue = 2,
		      .in_progress = 2,
		      .supplement = 1,
		      .stopped = 1,
		      .not_accepted = 1});
	expect("C2", &rows[2].c,
	       (want){.online = 1,
		      .direct = 2,
		      .postal = 1,
		      .received = 4,
		      .within = 2,
		      .overdue = 1,
		      .in_progress = 3,
		      .supplement = 1,
		      .withdrawn = 1});
	for (size_t i = 0; i < n; i++)
		mc_stats_add(&sum, &rows[i].c);
	expect("sum of units", &sum, district_total);
	mc_stats_row_free_list(rows, n);

	/* The province: the department (one dossier) and the district; the
	 * province's own desk received nothing and has no row. */
	query(f, &rows, &n, f->p, MC_STATS_BY_UNIT, T(2017, 5, 1, 0, 0));
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].unit_id, f->s);
	assert_int_equal(rows[1].unit_id, f->d);
	expect("department", &rows[0].c, (want){.direct = 1, .received = 1, .overdue = 1, .in_progress = 1});
	expect("district in the province", &rows[1].c, district_total);
	mc_stats_row_free_list(rows, n);

	/* A commune has no children: only its own row. */
	query(f, &rows, &n, f->c2, MC_STATS_BY_UNIT, T(2017, 5, 1, 0, 0));
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].unit_id, f->c2);
	mc_stats_row_free_list(rows, n);
}

static void test_by_field_and_procedure(void **state)
{
	struct fixture *f = *state;
	mc_stats_row *rows = NULL;
	size_t n = 0;
	mc_stats_counts sum = {0};
	const want dat_dai = {.carried_over = 2,
			      .direct = 2,
			      .received = 2,
			      .late = 1,
			      .resolved = 1,
			      .overdue = 2,
			      .in_progress = 2,
			      .stopped = 1};

	query(f, &rows, &n, f->d, MC_STATS_BY_FIELD, T(2017, 5, 1, 0, 0));
	assert_int_equal(n, 2);
	/* Byte order of UTF-8: "H" before "Đ". */
	assert_string_equal(rows[0].field, "Hộ tịch");
	assert_string_equal(rows[1].field, "Đất đai");
	expect("Hộ tịch", &rows[0].c,
	       (want){.carried_over = 1,
		      .online = 2,
		      .direct = 2,
		      .postal = 1,
		      .received = 5,
		      .early = 1,
		      .on_time = 1,
		      .resolved = 2,
		      .within = 2,
		      .overdue = 1,
		      .in_progress = 3,
		      .supplement = 2,
		      .withdrawn = 1,
		      .not_accepted = 1});
	expect("Đất đai", &rows[1].c, dat_dai);
	for (size_t i = 0; i < n; i++)
		mc_stats_add(&sum, &rows[i].c);
	expect("sum of fields", &sum, district_total);
	mc_stats_row_free_list(rows, n);

	memset(&sum, 0, sizeof(sum));
	query(f, &rows, &n, f->d, MC_STATS_BY_PROCEDURE, T(2017, 5, 1, 0, 0));
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].procedure_code, "1.001");
	assert_string_equal(rows[0].procedure_name, "Đăng ký khai sinh");
	assert_string_equal(rows[0].field, "Hộ tịch");
	assert_int_equal(rows[0].procedure_id, f->proc_a);
	assert_string_equal(rows[1].procedure_code, "1.002");
	assert_string_equal(rows[2].procedure_code, "1.003");
	expect("A", &rows[0].c,
	       (want){.carried_over = 1,
		      .direct = 1,
		      .postal = 1,
		      .received = 2,
		      .early = 1,
		      .resolved = 1,
		      .within = 1,
		      .in_progress = 1,
		      .withdrawn = 1,
		      .not_accepted = 1});
	expect("B", &rows[1].c, dat_dai);
	expect("C", &rows[2].c,
	       (want){.online = 2,
		      .direct = 1,
		      .received = 3,
		      .on_time = 1,
		      .resolved = 1,
		      .within = 1,
		      .overdue = 1,
		      .in_progress = 2,
		      .supplement = 2});
	for (size_t i = 0; i < n; i++)
		mc_stats_add(&sum, &rows[i].c);
	expect("sum of procedures", &sum, district_total);
	mc_stats_row_free_list(rows, n);
}

/* Many procedures in one answer from the roll-up (the procedures counted are
 * read by a list of their ids, which once had room for a few dozen): every
 * one gets its row, its code and its field, equal to the live count. */
static void test_many_procedures(void **state)
{
	struct fixture *f = *state;
	enum { N = 300 };
	mc_stats_row *rows = NULL, *live = NULL;
	size_t n = 0, n_live = 0;
	char code[32], field[32];
	/* A unit of its own: the fixture's dossiers stay out of its figures. */
	int64_t unit = add_unit(f->st, f->p, "000.99.99.H56", "UBND xã Thử", "commune");

	for (int i = 0; i < N; i++) {
		snprintf(code, sizeof code, "9.%04d", i);
		snprintf(field, sizeof field, "Lĩnh vực %03d", i % 40);
		int64_t proc = add_proc(f->st, code, "Thủ tục thử", field);
		add_dossier(f, &(spec){.unit = unit,
				       .proc = proc,
				       .channel = MC_CH_DIRECT,
				       .state = MC_ST_RECEIVED,
				       .submitted = T(2019, 3, 4, 9, 0),
				       .received = T(2019, 3, 4, 9, 0),
				       .due = T(2019, 3, 11, 9, 0)});
	}
	mc_stats_query q = {.unit_id = unit,
			    .from = T(2019, 1, 1, 0, 0),
			    .to = T(2020, 1, 1, 0, 0),
			    .at = T(2020, 1, 1, 0, 0),
			    .group = MC_STATS_BY_PROCEDURE};
	assert_true(mc_store_rollup_answers(&q));
	assert_int_equal(mc_store_stats(f->st, &rows, &n, &q), 0);
	assert_int_equal(n, N);
	for (size_t i = 0; i < n; i++) {
		snprintf(code, sizeof code, "9.%04zu", i);
		assert_string_equal(rows[i].procedure_code, code);
		assert_int_equal(rows[i].c.received, 1);
	}
	mc_stats_row_free_list(rows, n);
	q.group = MC_STATS_BY_FIELD;
	assert_int_equal(mc_store_stats(f->st, &rows, &n, &q), 0);
	q.live = true;
	assert_int_equal(mc_store_stats(f->st, &live, &n_live, &q), 0);
	assert_int_equal(n, 40);
	assert_int_equal(n, n_live);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].field, live[i].field);
		assert_int_equal(rows[i].c.received, live[i].c.received);
		assert_int_equal(rows[i].c.in_progress, live[i].c.in_progress);
	}
	mc_stats_row_free_list(rows, n);
	mc_stats_row_free_list(live, n_live);
}

/* A procedure whose only figure in the period is a supplement request made
 * before reception still gets its row, with its name. */
static void test_supplement_only(void **state)
{
	struct fixture *f = *state;
	mc_stats_row *rows = NULL;
	size_t n = 0;
	int64_t proc = add_proc(f->st, "1.004", "Cấp bản sao trích lục", "Chứng thực");
	int64_t id = add_dossier(
	    f, &(spec){f->c1, proc, ONLINE, MC_ST_SUPPLEMENT_REQUESTED, T(2017, 4, 3, 9, 0), 0, 0, 0, 0, 0});

	add_event(f, id, T(2017, 4, 4, 9, 0), "request_supplement", MC_ST_SUBMITTED,
		  MC_ST_SUPPLEMENT_REQUESTED);
	query(f, &rows, &n, f->d, MC_STATS_BY_PROCEDURE, T(2017, 5, 1, 0, 0));
	assert_int_equal(n, 4);
	assert_string_equal(rows[3].procedure_code, "1.004");
	assert_string_equal(rows[3].procedure_name, "Cấp bản sao trích lục");
	assert_string_equal(rows[3].field, "Chứng thực");
	expect("1.004", &rows[3].c, (want){.supplement = 1});
	mc_stats_row_free_list(rows, n);
}

static void test_errors_and_empty(void **state)
{
	struct fixture *f = *state;
	mc_stats_row *rows = NULL;
	size_t n = 0;
	mc_stats_query q = {.unit_id = f->d, .from = T(2017, 5, 1, 0, 0), .to = T(2017, 4, 1, 0, 0)};

	assert_int_equal(mc_store_stats(f->st, &rows, &n, &q), MC_EINVAL);
	q.from = T(2016, 1, 1, 0, 0);
	q.to = T(2016, 2, 1, 0, 0);
	q.at = q.to;
	q.unit_id = 99999;
	assert_int_equal(mc_store_stats(f->st, &rows, &n, &q), MC_ENOTFOUND);
	/* A period with nothing: one row of zeros and no rate. */
	q.unit_id = f->d;
	assert_int_equal(mc_store_stats(f->st, &rows, &n, &q), 0);
	assert_int_equal(n, 1);
	assert_true(mc_stats_is_zero(&rows[0].c));
	double rate = -1;
	assert_false(mc_stats_on_time_rate(&rate, &rows[0].c));
	assert_true(rate == -1);
	mc_stats_row_free_list(rows, n);
	q.group = MC_STATS_BY_FIELD;
	assert_int_equal(mc_store_stats(f->st, &rows, &n, &q), 0);
	assert_int_equal(n, 0);
	mc_stats_row_free_list(rows, n);
}

static void test_overdue(void **state)
{
	struct fixture *f = *state;
	mc_stats_overdue *list = NULL;
	size_t n = 0;
	int64_t total = 0;

	/* On 1/5: d2 (due 30/3) and d15 (due 25/4) run late; d13 is paused, d3
	 * is not due yet, d10 is at the department. */
	assert_int_equal(mc_store_stats_overdue(f->st, &list, &n, &total, f->d, T(2017, 5, 1, 0, 0), 50, 0),
			 0);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].code, "TEST-170401-0002");
	assert_string_equal(list[0].procedure_code, "1.002");
	assert_int_equal(list[0].due_at, T(2017, 3, 30, 17, 0));
	assert_int_equal(list[0].receiving_unit_id, f->c1);
	assert_string_equal(list[1].code, "TEST-170401-0015");
	mc_stats_overdue_free_list(list, n);

	/* Paging keeps the total. */
	assert_int_equal(mc_store_stats_overdue(f->st, &list, &n, &total, f->d, T(2017, 5, 1, 0, 0), 1, 1),
			 0);
	assert_int_equal(total, 2);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].code, "TEST-170401-0015");
	mc_stats_overdue_free_list(list, n);

	/* The province adds d10. */
	assert_int_equal(mc_store_stats_overdue(f->st, &list, &n, &total, f->p, T(2017, 5, 1, 0, 0), 50, 0),
			 0);
	assert_int_equal(total, 3);
	mc_stats_overdue_free_list(list, n);
	assert_int_equal(mc_store_stats_overdue(f->st, &list, &n, &total, f->d, T(2017, 5, 1, 0, 0), 0, 0),
			 MC_EINVAL);
	assert_int_equal(mc_store_stats_overdue(f->st, &list, &n, &total, 99999, T(2017, 5, 1, 0, 0), 10, 0),
			 MC_ENOTFOUND);
}

/* Sets the statutory due time an issued apology keeps, and moves due_at. */
static void apologise(struct fixture *f, const char *code, int64_t unit, int64_t new_due, int64_t issued_at)
{
	mc_dossier d;
	mc_apology a;

	assert_int_equal(mc_store_dossier_get(f->st, &d, code, false), 0);
	memset(&a, 0, sizeof(a));
	a.dossier_id = d.id;
	a.unit_id = unit;
	a.reason = mc_xstrdup("Chờ ý kiến của cơ quan liên quan");
	a.old_due = d.due_at;
	a.new_due = new_due;
	a.prepared_at = issued_at - 3600;
	assert_int_equal(mc_store_apology_add(f->st, &a), 0);
	if (issued_at) {
		assert_int_equal(mc_store_apology_issue(f->st, a.id, d.due_at, 0, "Lãnh đạo", issued_at), 0);
		d.statutory_due_at = d.statutory_due_at ? d.statutory_due_at : d.due_at;
		d.due_at = new_due;
		assert_int_equal(mc_store_dossier_update(f->st, &d, d.version), 0);
	}
	mc_dossier_clear(&d);
	mc_apology_clear(&a);
}

/* An apology moves the appointment, not the law's due time: a dossier
 * resolved by its new date is still late, an open one past its statutory due
 * time still overdue; apologies count when issued in the period, at the
 * receiving unit. */
static void test_apologies(void **state)
{
	struct fixture *f = *state;
	mc_stats_row *rows = NULL;
	size_t n = 0;

	/* dA (16): at C1, due 18/4 17:00, apologised on 19/4 for 21/4 17:00,
	 * resolved on 20/4: late, though before its new date. */
	add_dossier(f, &(spec){f->c1, f->proc_a, DIRECT, MC_ST_RESOLVED, 0, T(2017, 4, 10, 8, 0),
			       T(2017, 4, 18, 17, 0), 0, T(2017, 4, 20, 10, 0), 0});
	apologise(f, "TEST-170401-0016", f->c1, T(2017, 4, 21, 17, 0), T(2017, 4, 19, 9, 0));
	/* dB (17): at C2, due 20/4 17:00, apologised on 21/4 for 10/5: still
	 * overdue at the end of April; a second apology only prepared. */
	add_dossier(f, &(spec){f->c2, f->proc_b, DIRECT, MC_ST_PROCESSING, 0, T(2017, 4, 10, 8, 0),
			       T(2017, 4, 20, 17, 0), 0, 0, 0});
	apologise(f, "TEST-170401-0017", f->c2, T(2017, 5, 10, 17, 0), T(2017, 4, 21, 9, 0));
	apologise(f, "TEST-170401-0017", f->c2, T(2017, 5, 12, 17, 0), 0);
	/* d2 was apologised for in March: not in April's figures. */
	apologise(f, "TEST-170401-0002", f->c1, T(2017, 4, 28, 17, 0), T(2017, 3, 31, 9, 0));

	query(f, &rows, &n, f->d, MC_STATS_TOTAL, T(2017, 5, 1, 0, 0));
	want w = district_total;
	w.direct += 2;
	w.received += 2;
	w.late++;
	w.resolved++;
	w.overdue++; /* dB; d2 (now due 28/4 by its apology) stays overdue by the law's 30/3 */
	w.in_progress++;
	w.apologies = 2;
	expect("district with apologies", &rows[0].c, w);
	mc_stats_row_free_list(rows, n);

	query(f, &rows, &n, f->d, MC_STATS_BY_UNIT, T(2017, 5, 1, 0, 0));
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].unit_id == f->c1 || rows[i].unit_id == f->c2)
			assert_int_equal(rows[i].c.apologies, 1);
		sum += rows[i].c.apologies;
	}
	assert_int_equal(sum, 2);
	mc_stats_row_free_list(rows, n);
	query(f, &rows, &n, f->d, MC_STATS_BY_FIELD, T(2017, 5, 1, 0, 0));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rows[i].c.apologies, 1); /* Hộ tịch (dA), Đất đai (dB) */
	mc_stats_row_free_list(rows, n);

	/* The overdue list judges by the law's due time too, and shows it. */
	mc_stats_overdue *list = NULL;
	int64_t total = 0;
	assert_int_equal(mc_store_stats_overdue(f->st, &list, &n, &total, f->d, T(2017, 4, 27, 0, 0), 50, 0),
			 0);
	assert_int_equal(total, 3); /* d2, d15, dB */
	assert_int_equal(list[0].due_at, T(2017, 3, 30, 17, 0));
	assert_string_equal(list[1].code, "TEST-170401-0017");
	assert_int_equal(list[1].due_at, T(2017, 4, 20, 17, 0));
	mc_stats_overdue_free_list(list, n);
}

/* The public register of results: resolved and on time per unit and month. */
static void test_months(void **state)
{
	struct fixture *f = *state;
	mc_stats_month *m = NULL;
	size_t n = 0;

	/* The district: its own desk first (d4), then C1 and C2 in code order. */
	assert_int_equal(mc_store_stats_months(f->st, &m, &n, f->d, 2017), 0);
	assert_int_equal(n, 36);
	assert_int_equal(m[0].unit_id, f->d);
	assert_int_equal(m[0].month, 1);
	assert_int_equal(m[3].resolved, 1); /* d4, April, late */
	assert_int_equal(m[3].on_time, 0);
	assert_int_equal(m[12].unit_id, f->c1);
	assert_int_equal(m[12 + 2].resolved, 1); /* d11 in March, late */
	assert_int_equal(m[12 + 2].on_time, 0);
	assert_int_equal(m[12 + 3].resolved, 2); /* d1 early, d5 on time */
	assert_int_equal(m[12 + 3].on_time, 2);
	assert_int_equal(m[24].unit_id, f->c2);
	assert_int_equal(m[24 + 4].resolved, 1); /* d3 on 5/5, before its due time */
	assert_int_equal(m[24 + 4].on_time, 1);
	int64_t all = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(m[i].month, (int)(i % 12) + 1);
		all += m[i].resolved;
	}
	assert_int_equal(all, 5); /* withdrawn, stopped and refused dossiers are not results */
	free(m);

	/* The province: no desk of its own; the department, then the district. */
	assert_int_equal(mc_store_stats_months(f->st, &m, &n, f->p, 2017), 0);
	assert_int_equal(n, 24);
	assert_int_equal(m[0].unit_id, f->s);
	assert_int_equal(m[12].unit_id, f->d);
	assert_int_equal(m[12 + 3].resolved, 3);
	assert_int_equal(m[12 + 3].on_time, 2);
	free(m);

	/* Another year is empty but lists every child. */
	assert_int_equal(mc_store_stats_months(f->st, &m, &n, f->d, 2018), 0);
	assert_int_equal(n, 24);
	free(m);
	assert_int_equal(mc_store_stats_months(f->st, &m, &n, f->d, 1969), MC_EINVAL);
	assert_int_equal(mc_store_stats_months(f->st, &m, &n, 99999, 2017), MC_ENOTFOUND);
}

/*
 * The SQL forms of the timeliness rules (core/stats.h), which the store's
 * statements classify dossiers in bulk with, give what their C twins give,
 * on a grid of dossiers around a due time: finished on an earlier day, at
 * the due day's midnight, before, at and just after the due time, late on the
 * due day; paused before and after it; with and without an apology; asked
 * about before, at and after it.
 */
static void test_rules_sql_as_c(void **state)
{
	struct fixture *f = *state;
	static const char create[] =
	    "CREATE TEMP TABLE grid (id BIGINT PRIMARY KEY, state BIGINT, "
	    "received_at BIGINT, finished_at BIGINT, due_at BIGINT, statutory_due_at BIGINT, "
	    "paused_at BIGINT)";
	static const char insert[] = "INSERT INTO grid VALUES ($1, $2, $3, $4, $5, $6, $7)";
#define FLAG(cond) "CASE WHEN " cond " THEN 1 ELSE 0 END"
	static const char
	    select
		[] =
		    "SELECT id, " MC_SQL_DUE
		    ", " MC_SQL_JUDGED_AT("$1") ", " FLAG(MC_SQL_HAS_RESULT) ", " FLAG(MC_SQL_FINISHED_LATE) ", " FLAG(MC_SQL_FINISHED_EARLY) ", " FLAG(MC_SQL_FINISHED_ON_TIME) ", " FLAG(
			MC_SQL_OVERDUE(
			    "$1")) ", " FLAG(MC_SQL_RUNNING_OVERDUE("$1")) ", " MC_SQL_LOCAL_DAY("d.finished_"
												 "at") " FROM"
												       " grid"
												       " d "
												       "ORDER"
												       " BY "
												       "id";
#undef FLAG
	const int64_t due = T(2017, 4, 12, 17, 0), received = T(2017, 4, 3, 8, 0);
	const int states[] = {MC_ST_RECEIVED, MC_ST_PROCESSING, MC_ST_SUPPLEMENT_REQUESTED, MC_ST_RESOLVED,
			      MC_ST_RETURNED, MC_ST_WITHDRAWN,	MC_ST_NOT_ACCEPTED};
	const int64_t finished[] = {0,	 due - 2 * 86400, T(2017, 4, 12, 0, 0),	 due - 3600,
				    due, due + 1,	  T(2017, 4, 12, 23, 59)};
	const int64_t paused[] = {0, due - 3600, due + 3600};
	const int64_t ats[] = {due - 7200, due - 3600, due, due + 1, due + 7200};
	mc_timing grid[2 * MC_ARRAY_LEN(states) * MC_ARRAY_LEN(finished) * 2 * MC_ARRAY_LEN(paused)];
	size_t n = 0;
	mc_q *q = NULL;

	for (size_t a = 0; a < 2; a++)
		for (size_t s = 0; s < MC_ARRAY_LEN(states); s++)
			for (size_t i = 0; i < MC_ARRAY_LEN(finished); i++)
				for (size_t apology = 0; apology < 2; apology++)
					for (size_t p = 0; p < MC_ARRAY_LEN(paused); p++)
						grid[n++] = (mc_timing){
						    states[s],	       a ? received : 0,
						    finished[i],       apology ? due + 2 * 86400 : due,
						    apology ? due : 0, paused[p]};
	assert_int_equal(mc_db_sql(f->st, create, "create the grid"), 0);
	assert_int_equal(mc_store_begin(f->st), 0);
	for (size_t i = 0; i < n; i++) {
		const mc_timing *t = &grid[i];
		assert_int_equal(mc_db_prepare(f->st, &q, insert), 0);
		mc_q_int(q, 1, (int64_t)i);
		mc_q_int(q, 2, t->state);
		mc_q_int(q, 3, t->received_at);
		mc_q_int(q, 4, t->finished_at);
		mc_q_int(q, 5, t->due_at);
		mc_q_int(q, 6, t->statutory_due_at);
		mc_q_int(q, 7, t->paused_at);
		assert_int_equal(mc_q_exec(q, "fill the grid"), 0);
		mc_q_done(q);
	}
	assert_int_equal(mc_store_commit(f->st), 0);

	for (size_t k = 0; k < MC_ARRAY_LEN(ats); k++) {
		int64_t at = ats[k];
		size_t rows = 0;

		assert_int_equal(mc_db_prepare(f->st, &q, select), 0);
		mc_q_int(q, 1, at);
		while (mc_q_row(q, "read the grid") == 1) {
			const mc_timing *t = &grid[mc_q_col_int(q, 0)];
			mc_timeliness c = mc_stats_timeliness(t, at);
			mc_finish_class fc = mc_deadline_classify_finished(t->finished_at, mc_stats_due(t));
			bool running =
			    (t->state == MC_ST_RECEIVED || t->state == MC_ST_PROCESSING) && !t->paused_at;

			assert_int_equal(mc_q_col_int(q, 1), mc_stats_due(t));
			assert_int_equal(mc_q_col_int(q, 2), mc_stats_judged_at(t, at));
			assert_int_equal(mc_q_col_int(q, 3), mc_stats_has_result(t->state));
			assert_int_equal(mc_q_col_int(q, 4), fc == MC_FINISH_LATE);
			assert_int_equal(mc_q_col_int(q, 5), fc == MC_FINISH_EARLY);
			assert_int_equal(mc_q_col_int(q, 6), fc == MC_FINISH_ON_TIME);
			assert_int_equal(mc_q_col_int(q, 7), mc_stats_is_overdue(t, at));
			assert_int_equal(mc_q_col_int(q, 8), running && mc_stats_is_overdue(t, at));
			assert_int_equal(mc_q_col_int(q, 9), mc_local_day(t->finished_at));
			/* The whole judgement, as the counters put the SQL together. */
			if (t->finished_at && mc_stats_has_result(t->state))
				assert_int_equal(c, fc == MC_FINISH_LATE    ? MC_TIMELY_LATE
						    : fc == MC_FINISH_EARLY ? MC_TIMELY_EARLY
									    : MC_TIMELY_ON_TIME);
			else if (!t->finished_at && t->received_at)
				assert_int_equal(c, mc_stats_is_overdue(t, at) ? MC_TIMELY_OVERDUE
									       : MC_TIMELY_WITHIN);
			else
				assert_int_equal(c, MC_TIMELY_NONE);
			rows++;
		}
		mc_q_done(q);
		assert_int_equal(rows, n);
	}
}

/* The reconciliation of the reporting form: carried over + received =
 * resolved + in progress + withdrawn + stopped + refused. */
static void test_reconcile(void **state)
{
	(void)state;
	mc_stats_counts c = {.carried_over = 5,
			     .received = 20,
			     .resolved = 14,
			     .in_progress = 6,
			     .withdrawn = 2,
			     .stopped = 1,
			     .not_accepted = 2};
	int64_t in = 0, out = 0;
	assert_true(mc_stats_reconcile(&c, 0, &in, &out));
	assert_int_equal(in, 25);
	assert_int_equal(out, 25);
	c.stopped = 0;
	assert_false(mc_stats_reconcile(&c, 0, &in, &out));
	assert_int_equal(out, 24);
	/* A dossier withdrawn before it was received never came in. */
	c.stopped = 1;
	c.withdrawn = 3;
	assert_false(mc_stats_reconcile(&c, 0, &in, &out));
	assert_true(mc_stats_reconcile(&c, 1, &in, &out));
}

int main(void)
{
	const char *backend = getenv("MC_TEST_STORE");

	if (backend && strcmp(backend, "pg") == 0) {
		pg_url = getenv("MC_TEST_PG_URL");
		if (!pg_url || !*pg_url) {
			printf("test_stats: MC_TEST_PG_URL is not set, PostgreSQL run skipped "
			       "(scripts/pg.sh)\n");
			return 77;
		}
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rules_sql_as_c, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_total, setup, teardown),
	    cmocka_unit_test(test_reconcile),
	    cmocka_unit_test_setup_teardown(test_by_unit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_by_field_and_procedure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_supplement_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_procedures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors_and_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overdue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apologies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_months, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
