/*
 * /api/v1/stats - the dossier figures of a unit and period (counted as
 * docs/statistics.md says, by mc_store_stats), the overdue list, and the
 * charts of the leader's dashboard as SVG.
 */
#include "api/api.h"

#include "app/apology.h"
#include "core/buf.h"
#include "render/chart.h"

#include <stdlib.h>
#include <string.h>

#define DAY 86400
/* The longest period a query may cover: five years. */
#define MAX_YEARS 5

typedef mc_api_stats_params stats_params;

/* A local date "YYYY-MM-DD" into its day number. */
static int parse_day(int32_t *out, const char *s)
{
	int64_t t = 0;
	if (strlen(s) != 10 || mc_time_parse(&t, s) != 0)
		return MC_EINVAL;
	*out = (int32_t)((t + MC_TZ_OFFSET) / DAY);
	return 0;
}

static int32_t today(void)
{
	return (int32_t)((mc_now() + MC_TZ_OFFSET) / DAY);
}

/* The unit (default: the caller's), checked against the caller's scope. */
static int unit_or_reply(mc_req *r, const mc_unit **out)
{
	const mc_user *me = mc_req_user(r);
	const char *code = mc_req_query(r, "unit");
	int64_t id = me->unit_id;

	if (code) {
		mc_unit u;
		int rc = mc_store_unit_by_code(mc_req_store(r), &u, code);
		if (rc == MC_ENOTFOUND) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", code);
			return -1;
		}
		if (rc != 0) {
			mc_reply_error(r, rc, "the unit");
			return -1;
		}
		id = u.id;
		mc_unit_clear(&u);
	}
	if (!id) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY,
				 "unit is required: your account belongs to no unit");
		return -1;
	}
	if (!mc_api_in_scope(r, id)) {
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "unit %s is outside your unit's scope",
				 code ? code : "");
		return -1;
	}
	*out = mc_time_ctx_unit(mc_req_time(r), id);
	if (!*out) {
		/* Created after the time context was loaded: not reloaded yet. */
		mc_reply_error(r, MC_EBUSY, "the unit");
		return -1;
	}
	return 0;
}

/* unit, from, to: the period defaults to 1 January of this year up to and
 * including today. */
static int params_or_reply(mc_req *r, stats_params *p)
{
	const char *from = mc_req_query(r, "from");
	const char *to = mc_req_query(r, "to");
	int y, m, d;

	memset(p, 0, sizeof *p);
	if (unit_or_reply(r, &p->unit) != 0)
		return -1;
	p->to_day = today() + 1;
	mc_civil_from_days(today(), &y, NULL, NULL);
	p->from_day = mc_days_from_civil(y, 1, 1);
	if (from && parse_day(&p->from_day, from) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "from", "format",
				       "from must be a date YYYY-MM-DD");
		return -1;
	}
	if (to && parse_day(&p->to_day, to) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "to", "format",
				       "to must be a date YYYY-MM-DD");
		return -1;
	}
	if (p->from_day >= p->to_day) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "to", "order",
				       "from must be before to (the period is [from, to))");
		return -1;
	}
	mc_civil_from_days(p->from_day, &y, &m, &d);
	if (p->to_day > mc_days_from_civil(y + MAX_YEARS, m, d)) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "to", "range",
				       "the period may cover at most %d years", MAX_YEARS);
		return -1;
	}
	p->from = (int64_t)p->from_day * DAY - MC_TZ_OFFSET;
	p->to = (int64_t)p->to_day * DAY - MC_TZ_OFFSET;
	p->at = mc_now();
	if (p->at > p->to)
		p->at = p->to;
	return 0;
}

int mc_api_stats_params_or_reply(mc_req *r, mc_api_stats_params *out)
{
	return params_or_reply(r, out);
}

static json_t *day_json(int32_t day)
{
	int y, m, d;
	char buf[16];
	mc_civil_from_days(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	return json_string(buf);
}

/* The figures as the API shows them (fields in docs/openapi.yaml). */
static json_t *counts_json(const mc_stats_counts *c)
{
	double rate = 0;
	json_t *j = json_pack(
	    "{s:I, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I}, s:I, s:I, s:I, s:I}",
	    "carried_over", (json_int_t)c->carried_over, "received", "online", (json_int_t)c->received_online,
	    "direct", (json_int_t)c->received_direct, "postal", (json_int_t)c->received_postal, "total",
	    (json_int_t)c->received, "resolved", "early", (json_int_t)c->resolved_early, "on_time",
	    (json_int_t)c->resolved_on_time, "late", (json_int_t)c->resolved_late, "total",
	    (json_int_t)c->resolved, "in_progress", "within_time", (json_int_t)c->in_progress_within,
	    "overdue", (json_int_t)c->in_progress_overdue, "total", (json_int_t)c->in_progress,
	    "supplement_requested", (json_int_t)c->supplement_requested, "withdrawn",
	    (json_int_t)c->withdrawn, "stopped", (json_int_t)c->stopped, "not_accepted",
	    (json_int_t)c->not_accepted);
	json_object_set_new(j, "apologies", json_integer(c->apologies));
	/* Not rounded: a client that divides the same counts gets the same
	 * double, and shows it as it likes. */
	if (mc_stats_on_time_rate(&rate, c))
		json_object_set_new(j, "on_time_rate", json_real(rate));
	else
		json_object_set_new(j, "on_time_rate", json_null());
	return j;
}

static int group_or_reply(mc_req *r, mc_stats_group *out)
{
	const char *g = mc_req_query(r, "group");
	if (!g || strcmp(g, "unit") == 0)
		*out = MC_STATS_BY_UNIT;
	else if (strcmp(g, "field") == 0)
		*out = MC_STATS_BY_FIELD;
	else if (strcmp(g, "procedure") == 0)
		*out = MC_STATS_BY_PROCEDURE;
	else {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "group must be unit, field or procedure");
		return -1;
	}
	return 0;
}

static json_t *row_key(mc_req *r, const stats_params *p, mc_stats_group g, const mc_stats_row *row)
{
	json_t *key = NULL;
	switch (g) {
	case MC_STATS_BY_UNIT:
		key = mc_api_unit_ref(mc_req_time(r), row->unit_id);
		/* The unit's own desk, beside its children. */
		if (row->unit_id == p->unit->id && json_is_object(key))
			json_object_set_new(key, "own", json_true());
		break;
	case MC_STATS_BY_FIELD:
		key = json_pack("{s:s}", "field", row->field);
		break;
	default:
		key = json_pack("{s:s, s:s, s:s}", "code", row->procedure_code, "name", row->procedure_name,
				"field", row->field);
		break;
	}
	return key;
}

/*
 * ?units=today (docs/statistics.md §11): the figures of every unit that held
 * dossiers, ended or not, each counted in the unit in force today that took
 * its place (mc_time_ctx_heir), then by the child of the unit asked for that
 * holds that unit today. The unit asked for must be in force today; its rows
 * are its own desk and each of its children in force today.
 */
static int rolled_today_or_reply(mc_req *r, const stats_params *p, mc_stats_row **out, size_t *n)
{
	const mc_time_ctx *tc = mc_req_time(r);
	int32_t day = today();
	mc_stats_query q = {.from = p->from, .to = p->to, .at = p->at, .group = MC_STATS_EACH_UNIT};
	mc_stats_row *each = NULL, *rows = NULL;
	size_t n_each = 0, n_rows = 0, n_all = 0;
	const mc_unit *all = mc_time_ctx_units(tc, &n_all);

	if (!mc_unit_in_force(p->unit, day)) {
		const mc_unit *heir = mc_time_ctx_heir(tc, p->unit->id, day);
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "units", "ended",
				       "unit %s has ended: ask for %s, which holds its place today",
				       p->unit->code, heir ? heir->code : "its successor");
		return -1;
	}
	/* The predecessors of today's units may lie anywhere in the tree. */
	const mc_unit *root = p->unit;
	while (root->parent_id && mc_time_ctx_unit(tc, root->parent_id))
		root = mc_time_ctx_unit(tc, root->parent_id);
	q.unit_id = root->id;
	int rc = mc_store_stats(mc_req_store(r), &each, &n_each, &q);
	if (rc != 0) {
		mc_reply_error(r, rc, "the statistics");
		return -1;
	}
	rows = mc_xcalloc(n_all + 1, sizeof *rows);
	rows[n_rows++].unit_id = p->unit->id;
	for (size_t i = 0; i < n_all; i++) {
		if (all[i].parent_id == p->unit->id && mc_unit_in_force(&all[i], day))
			rows[n_rows++].unit_id = all[i].id;
	}
	for (size_t i = 0; i < n_each; i++) {
		const mc_unit *heir = mc_time_ctx_heir(tc, each[i].unit_id, day);
		if (!heir || !mc_time_ctx_within(tc, heir->id, p->unit->id))
			continue;
		/* Up from today's unit to the child of the unit asked for. */
		int64_t key = heir->id;
		for (const mc_unit *u = heir; u && u->id != p->unit->id;
		     u = mc_time_ctx_unit(tc, u->parent_id))
			key = u->id;
		for (size_t k = 0; k < n_rows; k++) {
			if (rows[k].unit_id == key)
				mc_stats_add(&rows[k].c, &each[i].c);
		}
	}
	mc_stats_row_free_list(each, n_each);
	/* Code order for the children, as by unit; the own desk first when it has figures. */
	for (size_t i = 1; i < n_rows; i++) {
		for (size_t k = i; k > 1; k--) {
			const mc_unit *a = mc_time_ctx_unit(tc, rows[k - 1].unit_id),
				      *b = mc_time_ctx_unit(tc, rows[k].unit_id);
			if (strcmp(a->code, b->code) <= 0)
				break;
			mc_stats_row t = rows[k - 1];
			rows[k - 1] = rows[k];
			rows[k] = t;
		}
	}
	if (mc_stats_is_zero(&rows[0].c)) {
		memmove(&rows[0], &rows[1], (n_rows - 1) * sizeof *rows);
		n_rows--;
	}
	for (size_t i = 0; i < n_rows; i++) {
		rows[i].field = mc_xstrdup("");
		rows[i].procedure_code = mc_xstrdup("");
		rows[i].procedure_name = mc_xstrdup("");
	}
	*out = rows;
	*n = n_rows;
	return 0;
}

/*
 * ?units=today by field or by procedure: the dossiers of every unit, ended or
 * not, whose heir today lies in the subtree of the unit asked for (its own
 * desk only: a district that ended may have communes whose heirs lie
 * elsewhere), counted from the roll-up by procedure.
 */
static int rolled_today_by_procedure_or_reply(mc_req *r, const stats_params *p, mc_stats_query *q,
					      mc_stats_row **out, size_t *n)
{
	const mc_time_ctx *tc = mc_req_time(r);
	int32_t day = today();
	size_t n_all = 0, n_units = 0;
	const mc_unit *all = mc_time_ctx_units(tc, &n_all);

	if (!mc_unit_in_force(p->unit, day)) {
		const mc_unit *heir = mc_time_ctx_heir(tc, p->unit->id, day);
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "units", "ended",
				       "unit %s has ended: ask for %s, which holds its place today",
				       p->unit->code, heir ? heir->code : "its successor");
		return -1;
	}
	int64_t *units = mc_req_own(r, mc_xcalloc(n_all + 1, sizeof *units));
	for (size_t i = 0; i < n_all; i++) {
		const mc_unit *heir = mc_time_ctx_heir(tc, all[i].id, day);
		if (heir && mc_time_ctx_within(tc, heir->id, p->unit->id))
			units[n_units++] = all[i].id;
	}
	const mc_unit *root = p->unit;
	while (root->parent_id && mc_time_ctx_unit(tc, root->parent_id))
		root = mc_time_ctx_unit(tc, root->parent_id);
	q->unit_id = root->id;
	q->units = units;
	/* Never empty: the unit asked for is its own heir. */
	q->n_units = n_units;
	/* The units listed are those of the unit's subtree, no more and no
	 * fewer (the province, when no unit of it has ended into another
	 * one's): the same question as units=then, which reads the subtree's
	 * cells summed up the tree (docs/statistics.md §6) instead of every
	 * unit's own. */
	size_t n_within = 0;
	for (size_t i = 0; i < n_all; i++)
		n_within += mc_time_ctx_within(tc, all[i].id, p->unit->id);
	bool same = n_within == n_units;
	for (size_t i = 0; i < n_units && same; i++)
		same = mc_time_ctx_within(tc, units[i], p->unit->id);
	if (same) {
		q->unit_id = p->unit->id;
		q->n_units = 0;
	}
	int rc = mc_store_stats(mc_req_store(r), out, n, q);
	if (rc != 0) {
		mc_reply_error(r, rc, "the statistics");
		return -1;
	}
	return 0;
}

void mc_api_stats_get(mc_req *r)
{
	stats_params p;
	mc_stats_query q = {0};
	mc_stats_row *rows = NULL;
	mc_stats_counts total = {0};
	size_t n = 0;
	char buf[40];

	if (params_or_reply(r, &p) != 0 || group_or_reply(r, &q.group) != 0)
		return;
	const char *units = mc_req_query(r, "units");
	if (units && strcmp(units, "then") != 0 && strcmp(units, "today") != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "units", "choice",
				       "units must be then (the units that held the dossiers) or today");
		return;
	}
	bool rolled = units && strcmp(units, "today") == 0;
	q.unit_id = p.unit->id;
	q.from = p.from;
	q.to = p.to;
	q.at = p.at;
	if (rolled && q.group == MC_STATS_BY_UNIT) {
		if (rolled_today_or_reply(r, &p, &rows, &n) != 0)
			return;
	} else if (rolled) {
		if (rolled_today_by_procedure_or_reply(r, &p, &q, &rows, &n) != 0)
			return;
	} else {
		int rc = mc_store_stats(mc_req_store(r), &rows, &n, &q);
		if (rc != 0) {
			mc_reply_error(r, rc, "the statistics");
			return;
		}
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *row = counts_json(&rows[i].c);
		json_object_set_new(row, "key", row_key(r, &p, q.group, &rows[i]));
		json_array_append_new(list, row);
		/* Every dossier counts in exactly one row: the rows add up to the total. */
		mc_stats_add(&total, &rows[i].c);
	}
	mc_stats_row_free_list(rows, n);
	/* Received regardless of administrative boundary: counted above at the
	 * competent unit, and here at the centres that received them. */
	mc_stats_reception rec;
	int rc = mc_store_stats_reception(mc_req_store(r), &rec, p.unit->id, p.from, p.to);
	if (rc != 0) {
		json_decref(list);
		mc_reply_error(r, rc, "the statistics");
		return;
	}
	json_t *body =
	    json_pack("{s:{s:s, s:s}, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:{s:I, s:I}}", "unit", "code",
		      p.unit->code, "name", p.unit->name, "from", day_json(p.from_day), "to",
		      day_json(p.to_day), "evaluated_at", mc_time_format(buf, sizeof buf, p.at), "group",
		      q.group == MC_STATS_BY_UNIT    ? "unit"
		      : q.group == MC_STATS_BY_FIELD ? "field"
						     : "procedure",
		      "units", rolled ? "today" : "then", "totals", counts_json(&total), "rows", list,
		      "received_by_centre", "for_other_units", (json_int_t)rec.for_other_units,
		      "at_other_centres", (json_int_t)rec.at_other_centres);
	mc_reply_json(r, 200, body);
}

void mc_api_stats_overdue(mc_req *r)
{
	const mc_unit *unit = NULL;
	mc_stats_overdue *list = NULL;
	size_t n = 0;
	int64_t total = 0, limit = 50, offset = 0;
	char buf[40];

	if (unit_or_reply(r, &unit) != 0)
		return;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 200) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 10000000) != 0)
		return;
	int64_t now = mc_now();
	/* ?soon=true: also the dossiers due within the next working day, so
	 * that the leader is warned while the apology can still be in time
	 * (one working day before the due time, app/apology.h). */
	const char *soon_s = mc_req_query(r, "soon");
	bool soon = soon_s && (strcmp(soon_s, "true") == 0 || strcmp(soon_s, "1") == 0);
	if (soon_s && !soon && strcmp(soon_s, "false") != 0 && strcmp(soon_s, "0") != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "soon must be true or false");
		return;
	}
	const mc_time_ctx *tc0 = mc_req_time(r);
	int64_t cutoff = soon ? mc_deadline_add(mc_time_ctx_calendar(tc0), mc_time_ctx_hours(tc0, unit->id),
						now, MC_APOLOGY_LEAD_MINUTES) +
				    1
			      : now;
	int rc = mc_store_stats_overdue(mc_req_store(r), &list, &n, &total, unit->id, cutoff, (int)limit,
					(int)offset);
	if (rc != 0) {
		mc_reply_error(r, rc, "the overdue dossiers");
		return;
	}
	const mc_time_ctx *tc = mc_req_time(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const mc_stats_overdue *x = &list[i];
		/* Working time past the due time, in the receiving unit's office hours. */
		int64_t minutes = mc_deadline_worked(
		    mc_time_ctx_calendar(tc), mc_time_ctx_hours(tc, x->receiving_unit_id), x->due_at, now);
		json_array_append_new(
		    items, json_pack("{s:s, s:{s:s, s:s}, s:s, s:o, s:o, s:o, s:o, s:I, s:f}", "code",
				     x->code, "procedure", "code", x->procedure_code, "name",
				     x->procedure_name, "state", mc_state_name((mc_state)x->state),
				     "receiving_unit", mc_api_unit_ref(tc, x->receiving_unit_id),
				     "current_unit", mc_api_unit_ref(tc, x->current_unit_id), "received_at",
				     mc_api_time(x->received_at), "due_at", mc_api_time(x->due_at),
				     "overdue_minutes", (json_int_t)minutes, "overdue_hours",
				     (double)minutes / 60.0));
		json_t *row = json_array_get(items, json_array_size(items) - 1);
		/* QĐ 876/2017: an overdue dossier is apologised for; once the new
		 * appointment passes too, again. */
		json_object_set_new(row, "apology",
				    x->apology_id
					? json_pack("{s:I, s:s, s:o}", "id", (json_int_t)x->apology_id,
						    "state", x->apology_issued_at ? "issued" : "prepared",
						    "new_due", mc_api_time(x->apology_new_due))
					: json_null());
		json_object_set_new(row, "appointment", mc_api_time(x->appointment));
		json_object_set_new(
		    row, "needs_apology",
		    json_boolean(x->appointment <= now && (!x->apology_id || x->apology_issued_at)));
		/* Not yet due, due within a working day and no apology made: the
		 * apology is due now to be in time (?soon=true). */
		json_object_set_new(row, "apology_due", json_boolean(x->due_at > now && !x->apology_id));
	}
	mc_stats_overdue_free_list(list, n);
	mc_reply_json(r, 200,
		      json_pack("{s:{s:s, s:s}, s:s, s:I, s:I, s:I, s:o}", "unit", "code", unit->code, "name",
				unit->name, "evaluated_at", mc_time_format(buf, sizeof buf, now), "total",
				(json_int_t)total, "limit", (json_int_t)limit, "offset", (json_int_t)offset,
				"items", items));
}

/* ---- charts ------------------------------------------------------------ */

#define CHART_WIDTH 640
#define CHART_HEIGHT 360

/* The words of the charts, in the two languages of the interface. */
typedef struct {
	const char *received_title, *resolved_title, *units_title;
	const char *online, *direct, *postal;
	const char *early, *on_time, *late;
	const char *rate, *empty, *own;
	char decimal;
} chart_words;

static const chart_words words_vi = {
    "Hồ sơ tiếp nhận theo hình thức",
    "Kết quả giải quyết hồ sơ",
    "Tỷ lệ giải quyết đúng hạn theo đơn vị (thấp nhất trước)",
    "Trực tuyến",
    "Trực tiếp",
    "Bưu chính công ích",
    "Trước hạn",
    "Đúng hạn",
    "Trễ hạn",
    "Tỷ lệ trước hạn và đúng hạn",
    "Không có hồ sơ trong kỳ",
    "(tại đơn vị)",
    ',',
};

static const chart_words words_en = {
    "Dossiers received by channel",
    "Dossiers resolved",
    "On-time rate by unit (lowest first)",
    "Online",
    "Direct",
    "Postal",
    "Early",
    "On time",
    "Late",
    "Resolved early or on time",
    "No dossiers in the period",
    "(own desk)",
    '.',
};

typedef struct {
	const mc_stats_row *row;
	double rate;
} ranked;

static int by_resolved_desc(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->row->c.resolved != y->row->c.resolved)
		return x->row->c.resolved < y->row->c.resolved ? 1 : -1;
	return strcmp(x->row->field, y->row->field);
}

/* The worst first: a leader looks for the units that are late, not for the
 * dozens at 100 %; among equal rates the one with more dossiers first. */
static int by_rate_asc(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->rate != y->rate)
		return x->rate < y->rate ? -1 : 1;
	if (x->row->c.resolved != y->row->c.resolved)
		return x->row->c.resolved < y->row->c.resolved ? 1 : -1;
	return 0;
}

/* "87,5 % (35/40)" */
static void rate_text(char *buf, size_t cap, double rate, const mc_stats_counts *c, char decimal)
{
	char num[32];
	snprintf(num, sizeof num, "%.1f", rate * 100.0);
	char *dot = strchr(num, '.');
	if (dot)
		*dot = decimal;
	snprintf(buf, cap, "%s %% (%lld/%lld)", num, (long long)(c->resolved_early + c->resolved_on_time),
		 (long long)c->resolved);
}

/* A chart's texts are unit names (60 characters) and figures: the whole
 * description of fifteen units takes a few KiB. */
#define CHART_LABEL_MAX 4096
#define CHART_DESC_MAX 65536

void mc_api_chart_clear(mc_api_chart *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < MC_API_CHART_TOP; i++)
		free(c->labels[i]);
	free(c->subtitle);
	free(c->desc);
	memset(c, 0, sizeof *c);
}

int mc_api_stats_chart_fill(mc_api_chart *out, const mc_time_ctx *tc, const char *kind, bool english,
			    const mc_api_stats_params *p, const mc_stats_row *rows, size_t n)
{
	const chart_words *w = english ? &words_en : &words_vi;
	mc_stats_counts total = {0};
	mc_chart *chart = &out->chart;
	mc_chart_item *items = out->items;
	mc_buf desc;
	ranked *rank = NULL;
	size_t n_rank = 0;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (strcmp(kind, "received") != 0 && strcmp(kind, "resolved") != 0 && strcmp(kind, "units") != 0)
		return MC_EINVAL;
	mc_buf_init(&desc, CHART_DESC_MAX);
	for (size_t i = 0; i < n; i++)
		mc_stats_add(&total, &rows[i].c);

	int fy, fm, fd, ty, tm, td;
	mc_civil_from_days(p->from_day, &fy, &fm, &fd);
	mc_civil_from_days(p->to_day - 1, &ty, &tm, &td);
	rc = mc_buf_format(&out->subtitle, CHART_LABEL_MAX, "%s, %02d/%02d/%04d – %02d/%02d/%04d",
			   p->unit->name, fd, fm, fy, td, tm, ty);
	if (rc != 0)
		goto cleanup;
	chart->subtitle = out->subtitle;
	chart->empty_text = w->empty;
	chart->items = items;

	/* Units ranked for the two per-unit charts, the first MC_API_CHART_TOP of
	 * them: by dossiers resolved, or by on-time rate from the lowest. */
	/* Every row is ranked, however many: the worst may be the last one read. */
	rank = mc_xcalloc(n ? n : 1, sizeof *rank);
	for (size_t i = 0; i < n; i++) {
		if (rows[i].c.resolved == 0)
			continue;
		rank[n_rank].row = &rows[i];
		rank[n_rank].rate = 0;
		mc_stats_on_time_rate(&rank[n_rank].rate, &rows[i].c);
		n_rank++;
	}
	if (strcmp(kind, "received") == 0) {
		chart->kind = MC_CHART_COLUMNS;
		chart->title = w->received_title;
		chart->n_series = 1;
		chart->series[0] = w->received_title;
		items[0] = (mc_chart_item){.label = w->online, .values = {(double)total.received_online}};
		items[1] = (mc_chart_item){.label = w->direct, .values = {(double)total.received_direct}};
		items[2] = (mc_chart_item){.label = w->postal, .values = {(double)total.received_postal}};
		chart->n_items = 3;
		rc =
		    mc_buf_addf(&desc, "%s: %s %lld, %s %lld, %s %lld.", out->subtitle, w->online,
				(long long)total.received_online, w->direct, (long long)total.received_direct,
				w->postal, (long long)total.received_postal);
		goto cleanup;
	}
	bool rates = strcmp(kind, "units") == 0;
	qsort(rank, n_rank, sizeof rank[0], rates ? by_rate_asc : by_resolved_desc);
	chart->kind = rates ? MC_CHART_HBARS : MC_CHART_HSTACK;
	chart->title = rates ? w->units_title : w->resolved_title;
	if (rates) {
		chart->n_series = 1;
		chart->series[0] = w->rate;
		chart->max = 100;
	} else {
		chart->n_series = 3;
		chart->series[0] = w->early;
		chart->series[1] = w->on_time;
		chart->series[2] = w->late;
	}
	rc = mc_buf_addf(&desc, "%s.", out->subtitle);
	for (size_t i = 0; rc == 0 && i < n_rank && i < MC_API_CHART_TOP; i++) {
		const mc_stats_row *row = rank[i].row;
		const mc_unit *u = mc_time_ctx_unit(tc, row->unit_id);
		const char *name = u ? u->name : "?";
		if (row->unit_id == p->unit->id)
			rc = mc_buf_format(&out->labels[i], CHART_LABEL_MAX, "%s %s", name, w->own);
		else
			rc = mc_buf_format(&out->labels[i], CHART_LABEL_MAX, "%s", name);
		if (rc != 0)
			break;
		items[i].label = out->labels[i];
		if (rates) {
			items[i].values[0] = rank[i].rate * 100.0;
			rate_text(out->texts[i], sizeof out->texts[i], rank[i].rate, &row->c, w->decimal);
		} else {
			items[i].values[0] = (double)row->c.resolved_early;
			items[i].values[1] = (double)row->c.resolved_on_time;
			items[i].values[2] = (double)row->c.resolved_late;
			snprintf(out->texts[i], sizeof out->texts[i], "%lld", (long long)row->c.resolved);
		}
		items[i].value_text = out->texts[i];
		/* The same figures in words, for those who do not see the bars. */
		if (rates)
			rc = mc_buf_addf(&desc, " %s: %s;", out->labels[i], out->texts[i]);
		else
			rc = mc_buf_addf(&desc, " %s: %s %lld, %s %lld, %s %lld;", out->labels[i], w->early,
					 (long long)row->c.resolved_early, w->on_time,
					 (long long)row->c.resolved_on_time, w->late,
					 (long long)row->c.resolved_late);
		chart->n_items++;
	}
cleanup:
	free(rank);
	if (rc == 0) {
		out->desc = mc_buf_steal(&desc);
	} else {
		mc_buf_free(&desc);
		mc_api_chart_clear(out);
	}
	return rc;
}

void mc_api_stats_chart(mc_req *r)
{
	stats_params p;
	mc_stats_query q = {0};
	mc_stats_row *rows = NULL;
	size_t n = 0;
	unsigned char *svg = NULL;
	size_t svg_len = 0;
	const char *kind = mc_req_query(r, "kind");
	const char *lang = mc_req_query(r, "lang");
	int rc;

	if (!kind ||
	    (strcmp(kind, "received") != 0 && strcmp(kind, "resolved") != 0 && strcmp(kind, "units") != 0)) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "kind must be received, resolved or units");
		return;
	}
	if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "vi") != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "lang must be vi or en");
		return;
	}
	if (params_or_reply(r, &p) != 0)
		return;
	q.unit_id = p.unit->id;
	q.from = p.from;
	q.to = p.to;
	q.at = p.at;
	q.group = MC_STATS_BY_UNIT;
	rc = mc_store_stats(mc_req_store(r), &rows, &n, &q);
	if (rc != 0) {
		mc_reply_error(r, rc, "the statistics");
		return;
	}
	mc_api_chart *c = mc_req_own(r, mc_xmalloc(sizeof *c));
	rc = mc_api_stats_chart_fill(c, mc_req_time(r), kind, lang && strcmp(lang, "en") == 0, &p, rows, n);
	if (rc == 0)
		rc = mc_chart_svg(&svg, &svg_len, &c->chart, c->desc, CHART_WIDTH, CHART_HEIGHT);
	mc_api_chart_clear(c);
	mc_stats_row_free_list(rows, n);
	if (rc != 0) {
		mc_reply_error(r, rc, "the chart");
		return;
	}
	mc_reply_header(r, "Cache-Control", "private, max-age=60");
	mc_reply_raw(r, 200, "image/svg+xml; charset=utf-8", svg, svg_len);
	free(svg);
}

/* ---- the public register of results ------------------------------------ */

static json_t *rate_json(int64_t on_time, int64_t resolved)
{
	return resolved ? json_real((double)on_time / (double)resolved) : json_null();
}

void mc_api_public_results(mc_req *r)
{
	const mc_time_ctx *tc = mc_req_time(r);
	const char *code = mc_req_query(r, "unit");
	const mc_unit *unit = NULL;
	int64_t year = 0;
	int y;

	mc_civil_from_days(today(), &y, NULL, NULL);
	year = y;
	if (mc_api_query_int_or_reply(r, "year", &year, 2000, 2100) != 0)
		return;
	if (code) {
		mc_unit u;
		int rc = mc_store_unit_by_code(mc_req_store(r), &u, code);
		if (rc == MC_ENOTFOUND) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", code);
			return;
		}
		if (rc != 0) {
			mc_reply_error(r, rc, "the unit");
			return;
		}
		unit = mc_time_ctx_unit(tc, u.id);
		mc_unit_clear(&u);
	} else {
		unit = mc_time_ctx_root(tc);
	}
	if (!unit) {
		mc_reply_error(r, code ? MC_EBUSY : MC_ENOTFOUND, "the unit");
		return;
	}
	mc_stats_month *rows = NULL;
	size_t n = 0;
	int rc = mc_store_stats_months(mc_req_store(r), &rows, &n, unit->id, (int)year);
	if (rc != 0) {
		mc_reply_error(r, rc, "the register of results");
		return;
	}
	/* Twelve rows per unit from the store, in order: a unit object each. */
	json_t *units = json_array();
	int64_t month_resolved[13] = {0}, month_on_time[13] = {0}, all_resolved = 0, all_on_time = 0;
	for (size_t i = 0; i + 12 <= n; i += 12) {
		json_t *months = json_array();
		int64_t resolved = 0, on_time = 0;
		for (size_t m = 0; m < 12; m++) {
			const mc_stats_month *x = &rows[i + m];
			json_array_append_new(months, json_pack("{s:i, s:I, s:I, s:o}", "month", x->month,
								"resolved", (json_int_t)x->resolved,
								"on_time", (json_int_t)x->on_time, "rate",
								rate_json(x->on_time, x->resolved)));
			resolved += x->resolved;
			on_time += x->on_time;
			month_resolved[x->month] += x->resolved;
			month_on_time[x->month] += x->on_time;
		}
		all_resolved += resolved;
		all_on_time += on_time;
		json_t *key = mc_api_unit_ref(tc, rows[i].unit_id);
		if (rows[i].unit_id == unit->id && json_is_object(key))
			json_object_set_new(key, "own", json_true());
		json_array_append_new(units,
				      json_pack("{s:o, s:o, s:I, s:I, s:o}", "unit", key, "months", months,
						"resolved", (json_int_t)resolved, "on_time",
						(json_int_t)on_time, "rate", rate_json(on_time, resolved)));
	}
	free(rows);
	json_t *totals = json_array();
	for (int m = 1; m <= 12; m++)
		json_array_append_new(totals, json_pack("{s:i, s:I, s:I, s:o}", "month", m, "resolved",
							(json_int_t)month_resolved[m], "on_time",
							(json_int_t)month_on_time[m], "rate",
							rate_json(month_on_time[m], month_resolved[m])));
	mc_reply_header(r, "Cache-Control", "public, max-age=300");
	mc_reply_json(r, 200,
		      json_pack("{s:{s:s, s:s}, s:I, s:o, s:{s:o, s:I, s:I, s:o}}", "unit", "code",
				unit->code, "name", unit->name, "year", (json_int_t)year, "units", units,
				"totals", "months", totals, "resolved", (json_int_t)all_resolved, "on_time",
				(json_int_t)all_on_time, "rate", rate_json(all_on_time, all_resolved)));
}
