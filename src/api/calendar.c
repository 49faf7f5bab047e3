/* /api/v1/calendar - days off of a year and the due-time preview. */
#include "api/api.h"

#include "app/due.h"

#include "core/limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int year_or_reply(mc_req *r, int *out)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL;
	errno = 0;
	long y = strtol(s, &end, 10);
	if (errno || end == s || *end || y < 1900 || y > 2100) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "the calendar covers the years 1900 to 2100");
		return -1;
	}
	*out = (int)y;
	return 0;
}

struct source_find {
	int year;
	char *source; /* owned; NULL until found */
};

static int find_source(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	(void)days;
	(void)n;
	struct source_find *f = payload;
	if (year == f->year) {
		free(f->source);
		f->source = mc_xstrdup(source ? source : "");
	}
	return 0;
}

static json_t *day_json(const mc_day_entry *e)
{
	int y, m, d;
	char date[16];
	mc_civil_from_days(e->day, &y, &m, &d);
	snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
	return json_pack("{s:s, s:s, s:s}", "date", date, "kind", mc_day_kind_name(e->kind), "name", e->name);
}

static void reply_year(mc_req *r, int year, const mc_time_ctx *tc, const mc_due_recompute_result *recomputed)
{
	mc_day_entry *days = NULL;
	size_t n = 0;
	struct source_find f = {.year = year};
	int rc = mc_workcal_year_days(mc_time_ctx_calendar(tc), year, &days, &n);
	if (rc == 0)
		rc = mc_store_calendar_each(mc_req_store(r), find_source, &f);
	if (rc != 0) {
		mc_day_entries_free(days, n);
		free(f.source);
		mc_reply_error(r, rc, "the calendar");
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, day_json(&days[i]));
	mc_day_entries_free(days, n);
	/* A year stored without days is one an administrator returned to the rule. */
	bool official = mc_workcal_year_is_official(mc_time_ctx_calendar(tc), year);
	json_t *body =
	    json_pack("{s:i, s:s, s:s?, s:o}", "year", year, "basis", official ? "official" : "rule",
		      "source", official ? (f.source ? f.source : "") : NULL, "days", arr);
	free(f.source);
	/* After a change: the open dossiers whose due times it moved (app/due.h). */
	if (recomputed)
		json_object_set_new(body, "recomputed",
				    json_pack("{s:I, s:I}", "checked", (json_int_t)recomputed->checked,
					      "dossiers", (json_int_t)recomputed->recomputed));
	mc_reply_json(r, 200, body);
}

void mc_api_calendar_year(mc_req *r)
{
	int year;
	if (year_or_reply(r, &year) != 0)
		return;
	reply_year(r, year, mc_req_time(r), NULL);
}

typedef struct {
	int year;
	mc_day_entry *days;
	size_t n;
	const char *source;
	mc_actor actor;
	const char *public_url;
	mc_due_recompute_result recomputed;
} year_write;

static int set_year_write(mc_store *st, void *payload)
{
	year_write *w = payload;
	int rc;
	/* Reverting keeps the year, empty, so that the schedule shipped with
	 * motcua is not stored again over the administrator's choice at the next start. */
	if (!w->days)
		rc = mc_store_calendar_set_year(st, w->year, NULL, 0, "Bộ luật Lao động (theo quy tắc)");
	else
		rc = mc_store_calendar_set_year(st, w->year, w->days, w->n, w->source);
	/* The open dossiers it concerns, in the same transaction: a calendar
	 * and due times computed on another are never seen together. */
	if (rc == 0)
		rc = mc_app_due_recompute_year(st, w->year, &w->actor, w->public_url, mc_now(),
					       &w->recomputed);
	return rc;
}

static void set_year_after(mc_req *r, int rc, void *payload)
{
	year_write *w = payload;
	if (rc != 0) {
		mc_reply_error(r, rc, "the calendar");
		return;
	}
	mc_req_reload_time(r);
	reply_year(r, w->year, mc_req_time(r), &w->recomputed);
}

void mc_api_calendar_set_year(mc_req *r)
{
	year_write *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	json_t *days = NULL;
	mc_field spec[] = {
	    {"source", MC_F_STRING, true, 1, MC_LIMIT_CALENDAR_SOURCE, &w->source, 0},
	    {"days", MC_F_ARRAY, true, 0, 366, &days, 0},
	};
	/* The days off are the whole province's: they set every unit's due times. */
	if (mc_api_root_admin_or_reply(r, "change the working calendar") != 0 ||
	    year_or_reply(r, &w->year) != 0 ||
	    mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	w->n = json_array_size(days);
	w->days = mc_req_own(r, mc_xcalloc(w->n ? w->n : 1, sizeof *w->days));
	for (size_t i = 0; i < w->n; i++) {
		const char *date = NULL, *kind = NULL, *name = NULL;
		char where[40];
		snprintf(where, sizeof where, "days[%zu].", i);
		mc_field ds[] = {
		    {"date", MC_F_STRING, true, 10, 10, &date, 0},
		    {"kind", MC_F_STRING, true, 1, 15, &kind, 0},
		    {"name", MC_F_STRING, true, 1, MC_LIMIT_CALENDAR_DAY_NAME, &name, 0},
		};
		if (mc_fields_or_reply(r, json_array_get(days, i), where, ds, MC_ARRAY_LEN(ds)) != 0)
			return;
		int64_t t;
		int y, m, d;
		if (mc_time_parse(&t, date) != 0 || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3 ||
		    y != w->year) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%sdate must be a date (YYYY-MM-DD) in %d",
					 where, w->year);
			return;
		}
		mc_day_entry *e = &w->days[i];
		e->day = mc_days_from_civil(y, m, d);
		for (size_t k = 0; k < i; k++) {
			if (w->days[k].day == e->day) {
				mc_reply_problem(r, MC_PROB_INVALID_FIELD, "%sdate %s is listed twice", where,
						 date);
				return;
			}
		}
		if (mc_day_kind_parse(&e->kind, kind) != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD,
					 "%skind must be holiday, compensatory or workday", where);
			return;
		}
		int wd = mc_weekday(e->day);
		if (e->kind == MC_DAY_WORKDAY && wd != 0 && wd != 6) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD,
					 "%s%s is a weekday; only a weekend day can be a workday", where,
					 date);
			return;
		}
		/* The request owns the name until its write has run. */
		e->name = (char *)name;
	}
	mc_req_actor(r, &w->actor);
	w->public_url = mc_req_public_url(r);
	mc_req_write(r, set_year_write, set_year_after, w);
}

void mc_api_calendar_delete_year(mc_req *r)
{
	year_write *w = mc_req_own(r, mc_xcalloc(1, sizeof *w));
	if (mc_api_root_admin_or_reply(r, "change the working calendar") != 0 ||
	    year_or_reply(r, &w->year) != 0)
		return;
	mc_req_actor(r, &w->actor);
	w->public_url = mc_req_public_url(r);
	mc_req_write(r, set_year_write, set_year_after, w);
}

static int hhmm(const char *s, int *out)
{
	int h, m;
	char tail;
	if (!s || sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || strlen(s) != 5 || h > 23 || m > 59 || h < 0 ||
	    m < 0)
		return MC_EINVAL;
	*out = h * 60 + m;
	return 0;
}

void mc_api_calendar_due(mc_req *r)
{
	const char *from = mc_req_query(r, "from");
	int64_t hours = 0, t = 0;
	int cutoff = -1;
	if (!from || mc_time_parse(&t, from) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "from must be a local time YYYY-MM-DDTHH:MM");
		return;
	}
	if (!mc_req_query(r, "hours")) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "hours is required (working hours, 8 a day)");
		return;
	}
	if (mc_api_query_int_or_reply(r, "hours", &hours, 0, 8 * 366) != 0)
		return;
	const char *c = mc_req_query(r, "cutoff");
	if (c && hhmm(c, &cutoff) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "cutoff must be HH:MM");
		return;
	}
	const mc_time_ctx *tc = mc_req_time(r);
	int64_t unit_id = 0;
	const char *unit = mc_req_query(r, "unit");
	if (unit) {
		mc_unit u;
		int rc = mc_store_unit_by_code(mc_req_store(r), &u, unit);
		unit_id = u.id;
		mc_unit_clear(&u);
		if (rc != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", unit);
			return;
		}
	}
	const mc_office_hours *oh = mc_time_ctx_hours(tc, unit_id);
	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	int64_t start = mc_deadline_start(wc, oh, t, cutoff);
	int64_t due = mc_deadline_due(wc, oh, t, (int32_t)hours, cutoff);
	mc_reply_json(r, 200,
		      json_pack("{s:o, s:o, s:o, s:I}", "from", mc_api_time(t), "start", mc_api_time(start),
				"due", mc_api_time(due), "hours", (json_int_t)hours));
}
