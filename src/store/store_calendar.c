/*
 * store_calendar.c - the official calendar (the days off and the working
 * days moved by each year's notice) and the cache generation, on either
 * engine (db.h).
 */
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

int mc_store_calendar_set_year(mc_store *st, int year, const mc_day_entry *days, size_t n, const char *source)
{
	static const char year_sql[] = "INSERT INTO calendar_year (year, source) VALUES ($1, $2) "
				       "ON CONFLICT (year) DO UPDATE SET source = excluded.source";
	static const char del_sql[] = "DELETE FROM calendar_day WHERE year = $1";
	static const char day_sql[] =
	    "INSERT INTO calendar_day (year, day, kind, name) VALUES ($1, $2, $3, $4)";
	int kind = 0;
	int rc;

	/* A day without a name would be refused when the calendar is loaded
	 * (mc_workcal_set_year), and the server could not start: refused here. */
	for (size_t i = 0; i < n; i++) {
		int y;

		mc_civil_from_days(days[i].day, &y, NULL, NULL);
		if (y != year || !days[i].name || !days[i].name[0])
			return MC_EINVAL;
	}
	rc = mc_db_op_begin(st, &kind);
	if (rc)
		return rc;
	rc = mc_db_run(st, year_sql, "record calendar year", MC_ARGS(MC_I(year), MC_T(source ? source : "")));
	if (rc == 0)
		rc = mc_db_run(st, del_sql, "delete calendar days", MC_ARGS(MC_I(year)));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = mc_db_run(
		    st, day_sql, "record calendar day",
		    MC_ARGS(MC_I(year), MC_I(days[i].day), MC_I((int64_t)days[i].kind), MC_T(days[i].name)));
	return mc_db_op_end(st, kind, rc);
}

int mc_store_calendar_delete_year(mc_store *st, int year)
{
	/* calendar_day rows go with the year (ON DELETE CASCADE). */
	static const char sql[] = "DELETE FROM calendar_year WHERE year = $1";
	return mc_db_run(st, sql, "delete calendar year", MC_ARGS(MC_I(year)));
}

struct cal_year {
	int year;
	char *source;
	mc_day_entry *days;
	size_t n, cap;
};

int mc_store_calendar_each(mc_store *st,
			   int (*cb)(int year, const mc_day_entry *days, size_t n, const char *source,
				     void *payload),
			   void *payload)
{
	static const char year_sql[] = "SELECT year, source FROM calendar_year ORDER BY year";
	static const char day_sql[] = "SELECT year, day, kind, name FROM calendar_day ORDER BY year, day";
	mc_q *q = NULL;
	struct cal_year *years = NULL;
	size_t n_years = 0, cap = 0, at = 0;
	int rc = mc_db_prepare(st, &q, year_sql);

	/* Everything is read before the first callback, so that a callback may use
	 * the store (and these cached statements) freely. */
	while (rc == 0 && (rc = mc_q_row(q, "list calendar years")) == 1) {
		MC_GROW(years, n_years, cap);
		years[n_years++] =
		    (struct cal_year){.year = (int)mc_q_col_int(q, 0), .source = mc_q_col_dup(q, 1)};
		rc = 0;
	}
	mc_q_done(q);
	if (rc == 0)
		rc = mc_db_prepare(st, &q, day_sql);
	while (rc == 0 && (rc = mc_q_row(q, "list calendar days")) == 1) {
		int year = (int)mc_q_col_int(q, 0);
		struct cal_year *y;
		mc_day_entry *e;

		rc = 0;
		/* Both lists are ordered by year, so one forward walk pairs them. */
		while (at < n_years && years[at].year < year)
			at++;
		if (at == n_years || years[at].year != year)
			continue;
		y = &years[at];
		MC_GROW(y->days, y->n, y->cap);
		e = &y->days[y->n++];
		memset(e, 0, sizeof *e);
		e->day = (int32_t)mc_q_col_int(q, 1);
		e->kind = (mc_day_kind)mc_q_col_int(q, 2);
		e->name = mc_q_col_dup(q, 3);
	}
	mc_q_done(q);
	for (size_t i = 0; i < n_years && rc == 0; i++)
		rc = cb(years[i].year, years[i].days, years[i].n, years[i].source, payload);
	for (size_t i = 0; i < n_years; i++) {
		free(years[i].source);
		mc_day_entries_free(years[i].days, years[i].n);
	}
	free(years);
	return rc;
}

/* ---- cache generation (moved by the triggers of migration 011) -------- */

int mc_store_generation(mc_store *st, int64_t *out)
{
	static const char sql[] = "SELECT value FROM cache_generation WHERE id = 1";
	static const mc_col cols[] = {{"value", MC_COL_I64, 0, 0}};

	return mc_db_read(st, sql, "read the cache generation", MC_COLS(cols), out, NULL, 0);
}
