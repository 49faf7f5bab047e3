/*
 * reorg.c - the demo province after the reorganisation of 1 July 2025
 * (docs/units.md): the Law on the Organisation of Local Government 2025 left
 * two levels, the province and its communes, wards and special zones. The
 * plan applied here ends every district and merges each district's communes
 * four by four (Thanh Hóa went from 635 communes to 166), the new communes
 * directly under the province. Dossiers filed in the last quarter before the
 * change are left open across it, so that the demo shows them moved.
 */
#include "demo/demo.h"

#include "app/unit_plan.h"
#include "core/err.h"
#include "core/mc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Communes merged into one. */
#define GROUP 4

static int by_code(const void *a, const void *b)
{
	return strcmp((*(const mc_unit *const *)a)->code, (*(const mc_unit *const *)b)->code);
}

/* The plan as JSON (caller frees): for each district, its communes in code
 * order merged GROUP by GROUP (a last group of one joins the one before),
 * and the district itself merged into the first of them: its one-stop desk,
 * its open dossiers and its staff go to the commune formed around its
 * communes' first ones, as the district's work passed to the communes. A
 * district without communes ends into the province (end_level). */
static char *demo_plan(const mc_unit *units, size_t n, int32_t day)
{
	const mc_unit *province = NULL;
	const mc_unit **kids = mc_xcalloc(n ? n : 1, sizeof *kids);
	json_t *ops = json_array();
	int seq = 0;

	for (size_t i = 0; i < n && !province; i++) {
		if (!units[i].parent_id && strcmp(units[i].province_code, "H56") == 0)
			province = &units[i];
	}
	for (size_t i = 0; province && i < n; i++) {
		const mc_unit *dist = &units[i];
		if (strcmp(dist->level, "district") != 0 || !mc_unit_in_force(dist, day))
			continue;
		size_t k = 0;
		for (size_t c = 0; c < n; c++) {
			if (units[c].parent_id == dist->id && mc_unit_in_force(&units[c], day))
				kids[k++] = &units[c];
		}
		qsort(kids, k, sizeof *kids, by_code);
		char first[32] = "";
		for (size_t g = 0; g < k;) {
			size_t end = g + GROUP <= k ? g + GROUP : k;
			if (k - end == 1)
				end = k;
			json_t *from = json_array();
			for (size_t c = g; c < end; c++)
				json_array_append_new(from, json_string(kids[c]->code));
			char code[32];
			snprintf(code, sizeof code, "000.25.%03d.H56", ++seq);
			if (!first[0])
				snprintf(first, sizeof first, "%s", code);
			/* No town (thị trấn) since 2025: the new unit is a commune of the town's name. */
			char name[256];
			const char *town = "UBND thị trấn ";
			if (strncmp(kids[g]->name, town, strlen(town)) == 0)
				snprintf(name, sizeof name, "UBND xã %s", kids[g]->name + strlen(town));
			else
				snprintf(name, sizeof name, "%s", kids[g]->name);
			json_array_append_new(ops,
					      json_pack("{s:s, s:o, s:{s:s, s:s, s:s, s:s}}", "kind", "merge",
							"from", from, "into", "code", code, "name", name,
							"level", "commune", "parent", province->code));
			g = end;
		}
		if (first[0])
			json_array_append_new(ops, json_pack("{s:s, s:[s], s:s}", "kind", "merge", "from",
							     dist->code, "into", first));
	}
	json_array_append_new(ops, json_pack("{s:s, s:s}", "kind", "end_level", "level", "district"));
	json_t *plan =
	    json_pack("{s:s, s:s, s:s, s:o}", "name",
		      "Sắp xếp đơn vị hành chính cấp xã, kết thúc cấp huyện (Luật Tổ chức chính quyền "
		      "địa phương 2025)",
		      "effective", "2025-07-01", "users", "move", "operations", ops);
	char *s = json_dumps(plan, JSON_COMPACT);
	json_decref(plan);
	free(kids);
	return s;
}

int mc_demo_reorganise(mc_store *st, const mc_time_ctx *tc, int count, uint32_t seed, FILE *log)
{
	int32_t day = mc_days_from_civil(2025, 7, 1);
	int64_t from = 0, to = 0, at = mc_local_day_start(day);
	mc_unit *units = NULL;
	size_t n = 0;
	char *body = NULL;
	mc_plan *p = NULL;
	mc_plan_problem pb;
	mc_unit_plan rec = {0};
	mc_actor actor = {.role = MC_ROLE_ADMIN, .system = true};
	bool applied = false;
	int rc;

	snprintf(actor.name, sizeof actor.name, "%s", "demo");
	mc_time_parse(&from, "2025-04-01T07:30");
	mc_time_parse(&to, "2025-06-30T16:00");
	/* The last quarter before the change, many of them still open at its end. */
	rc = count > 0 ? mc_demo_dossiers(st, tc, count, seed, from, to, log) : 0;
	if (rc == 0)
		rc = mc_store_unit_list(st, &units, &n);
	if (rc)
		goto cleanup;
	body = demo_plan(units, n, day);
	rc = mc_store_begin(st);
	if (rc)
		goto cleanup;
	rc = mc_app_unit_plan_check(&p, &pb, st, body);
	if (rc == 0) {
		mc_unit_plan plan = {.name = (char *)mc_plan_name(p),
				     .effective_day = day,
				     .body = body,
				     .status = "draft",
				     .created_at = at};
		rc = mc_store_unit_plan_create(st, &plan);
		if (rc == 0)
			rc = mc_app_unit_plan_apply(st, &actor, plan.id, at, &applied, &rec);
	}
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
	if (rc) {
		mc_err e;
		mc_err_take(&e, rc);
		fprintf(stderr, "demo: the 2025 reorganisation: %s %s\n", pb.field, e.msg);
		goto cleanup;
	}
	if (log)
		fprintf(
		    log,
		    "motcua: 2025 reorganisation applied at 2025-07-01: %lld open dossiers moved, %lld users "
		    "moved\n",
		    (long long)rec.moved_dossiers, (long long)rec.moved_users);
cleanup:
	mc_unit_plan_clear(&rec);
	mc_plan_free(p);
	free(body);
	mc_unit_free_list(units, n);
	return rc;
}
