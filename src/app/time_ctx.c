#include "app/dossier.h"

#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	int64_t unit_id;
	mc_office_hours hours;
} unit_hours;

struct mc_time_ctx {
	mc_workcal *wc;
	unit_hours *units; /* only units with their own hours */
	size_t n_units;
	mc_unit *all; /* every unit, sorted by id, for look-ups without a query (owned) */
	size_t n_all;
	char **keys;	    /* the search key of each name in all, for the unit pickers */
	int64_t generation; /* of the tables it was loaded from (mc_store_generation) */
};

static int by_id(const void *a, const void *b)
{
	const mc_unit *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int add_year(int year, const mc_day_entry *days, size_t n, const char *source, void *payload)
{
	(void)source;
	int rc = mc_workcal_set_year(payload, year, days, n);
	/* Said, or a server stops at start with no word of why. */
	if (rc != 0)
		fprintf(stderr,
			"motcua: the calendar of %d in the database is not valid (a day without a name, "
			"outside the year or listed twice); store it again with PUT /api/v1/calendar/%d\n",
			year, year);
	return rc;
}

int mc_time_ctx_load(mc_time_ctx **out, mc_store *st)
{
	int rc = MC_ERROR;
	mc_unit *units = NULL;
	size_t n = 0;
	mc_time_ctx *tc = mc_xcalloc(1, sizeof *tc);
	tc->wc = mc_workcal_new();
	if (!tc->wc)
		goto cleanup;
	/* Read before the tables: an edit committed after this read moves the
	 * number again, so it is loaded at the next check, never missed. */
	rc = mc_store_generation(st, &tc->generation);
	if (rc != 0)
		goto cleanup;
	rc = mc_store_calendar_each(st, add_year, tc->wc);
	if (rc != 0)
		goto cleanup;
	rc = mc_store_unit_list(st, &units, &n);
	if (rc != 0)
		goto cleanup;
	tc->units = mc_xcalloc(n ? n : 1, sizeof *tc->units);
	for (size_t i = 0; i < n; i++) {
		if (!units[i].office_hours[0])
			continue;
		unit_hours *uh = &tc->units[tc->n_units];
		if (mc_office_hours_parse(&uh->hours, units[i].office_hours) != 0) {
			fprintf(stderr,
				"motcua: unit %s has invalid office hours \"%s\"; using the default\n",
				units[i].code, units[i].office_hours);
			continue;
		}
		uh->unit_id = units[i].id;
		tc->n_units++;
	}
	/* An empty database has no units, and qsort takes no NULL array. */
	if (n > 1)
		qsort(units, n, sizeof *units, by_id);
	tc->all = units;
	tc->n_all = n;
	units = NULL;
	tc->keys = mc_xcalloc(n ? n : 1, sizeof *tc->keys);
	for (size_t i = 0; i < n; i++) {
		if (mc_text_fold(&tc->keys[i], tc->all[i].name, strlen(tc->all[i].name)) != 0)
			tc->keys[i] = mc_xstrdup("");
	}
	*out = tc;
	tc = NULL;
	rc = 0;
cleanup:
	mc_unit_free_list(units, n);
	mc_time_ctx_free(tc);
	return rc;
}

void mc_time_ctx_free(mc_time_ctx *tc)
{
	if (!tc)
		return;
	mc_workcal_free(tc->wc);
	free(tc->units);
	for (size_t i = 0; tc->keys && i < tc->n_all; i++)
		free(tc->keys[i]);
	free(tc->keys);
	mc_unit_free_list(tc->all, tc->n_all);
	free(tc);
}

int64_t mc_time_ctx_generation(const mc_time_ctx *tc)
{
	return tc->generation;
}

const mc_workcal *mc_time_ctx_calendar(const mc_time_ctx *tc)
{
	return tc->wc;
}

const mc_office_hours *mc_time_ctx_hours(const mc_time_ctx *tc, int64_t unit_id)
{
	for (size_t i = 0; i < tc->n_units; i++) {
		if (tc->units[i].unit_id == unit_id)
			return &tc->units[i].hours;
	}
	return &MC_OFFICE_HOURS_DEFAULT;
}

const mc_unit *mc_time_ctx_unit(const mc_time_ctx *tc, int64_t unit_id)
{
	mc_unit key = {.id = unit_id};
	return bsearch(&key, tc->all, tc->n_all, sizeof *tc->all, by_id);
}

const mc_unit *mc_time_ctx_unit_by_code(const mc_time_ctx *tc, const char *code)
{
	for (size_t i = 0; code && i < tc->n_all; i++) {
		if (tc->all[i].code && strcmp(tc->all[i].code, code) == 0)
			return &tc->all[i];
	}
	return NULL;
}

const mc_unit *mc_time_ctx_units(const mc_time_ctx *tc, size_t *n)
{
	*n = tc->n_all;
	return tc->all;
}

const char *mc_time_ctx_unit_key(const mc_time_ctx *tc, size_t i)
{
	return i < tc->n_all && tc->keys[i] ? tc->keys[i] : "";
}

const mc_unit *mc_time_ctx_root(const mc_time_ctx *tc)
{
	for (size_t i = 0; i < tc->n_all; i++) {
		if (!tc->all[i].parent_id)
			return &tc->all[i];
	}
	return NULL;
}

bool mc_time_ctx_within(const mc_time_ctx *tc, int64_t unit_id, int64_t ancestor_id)
{
	/* Walk up from the unit; the tree is shallow (province, district, commune). */
	for (size_t depth = 0; unit_id && depth < tc->n_all + 1; depth++) {
		if (unit_id == ancestor_id)
			return true;
		const mc_unit *u = mc_time_ctx_unit(tc, unit_id);
		if (!u)
			return false;
		unit_id = u->parent_id;
	}
	return false;
}

const mc_unit *mc_time_ctx_heir(const mc_time_ctx *tc, int64_t unit_id, int32_t day)
{
	const mc_unit *u = mc_time_ctx_unit(tc, unit_id);
	/* Bounded: links made by plans form no cycle, but a hand-edited table might. */
	for (size_t hops = 0; u && hops < tc->n_all; hops++) {
		if (!u->valid_to || day < u->valid_to || !u->successor_id)
			return u;
		const mc_unit *next = mc_time_ctx_unit(tc, u->successor_id);
		if (!next)
			return u;
		u = next;
	}
	return u;
}
