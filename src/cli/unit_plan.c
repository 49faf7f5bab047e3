/*
 * unit_plan.c - `motcua unit plan` and `motcua unit apply`: reorganisation
 * plans of the units from the command line (app/unit_plan.h, docs/units.md),
 * for an administrator with the database at hand.
 */
#include "cli/cli.h"

#include "app/unit_plan.h"
#include "core/err.h"
#include "core/mc.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest plan file read (a province's whole reorganisation is a few
 * hundred kilobytes). */
#define MAX_PLAN_BYTES (8 * 1024 * 1024)

static int open_db(mc_store **st, int argc, char **argv)
{
	char db[1024];
	if (mc_cli_database(db, sizeof db, argc, argv) != 0)
		return -1;
	if (mc_store_open(st, db) != 0) {
		fprintf(stderr, "motcua: could not open the database %s\n", mc_cli_shown(db));
		return -1;
	}
	if (mc_store_migrate(*st) != 0) {
		fprintf(stderr, "motcua: could not migrate the database %s\n", mc_cli_shown(db));
		mc_store_close(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

static char *read_file(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	if (!f) {
		fprintf(stderr, "motcua unit plan: could not open %s\n", path);
		return NULL;
	}
	buf = mc_xmalloc(MAX_PLAN_BYTES + 1);
	len = fread(buf, 1, MAX_PLAN_BYTES + 1, f);
	if (f != stdin)
		fclose(f);
	if (len > MAX_PLAN_BYTES) {
		fprintf(stderr, "motcua unit plan: %s is larger than %d bytes\n", path, MAX_PLAN_BYTES);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		puts(s);
	free(s);
}

/* Applies plan id at `at` in a transaction of its own; prints the outcome. */
static int apply(mc_store *st, int64_t id, int64_t at)
{
	mc_actor actor = {.role = MC_ROLE_ADMIN, .system = true};
	mc_unit_plan rec = {0};
	bool applied = false;
	snprintf(actor.name, sizeof actor.name, "%s", "motcua unit apply");
	int rc = mc_store_begin(st);
	if (rc == 0)
		rc = mc_app_unit_plan_apply(st, &actor, id, at, &applied, &rec);
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
	if (rc != 0) {
		mc_err e;
		mc_err_take(&e, rc);
		fprintf(stderr, "motcua unit apply: plan %lld: %s\n", (long long)id,
			e.msg[0] ? e.msg : "could not apply it");
		mc_unit_plan_clear(&rec);
		return rc == MC_ECONFLICT ? 3 : 1;
	}
	char day[11];
	mc_plan_day_format(day, rec.effective_day);
	if (applied)
		printf(
		    "motcua: plan %lld applied (effective %s): %lld open dossiers moved, %lld users moved, "
		    "%lld deactivated; %lld open tasks and %lld documents in hand moved\n",
		    (long long)id, day, (long long)rec.moved_dossiers, (long long)rec.moved_users,
		    (long long)rec.deactivated_users, (long long)rec.moved_tasks,
		    (long long)rec.moved_documents);
	else
		printf("motcua: plan %lld scheduled for %s\n", (long long)id, day);
	mc_unit_plan_clear(&rec);
	return applied ? mc_cli_anchor_all(st) != 0 : 0;
}

/* `motcua unit plan --file FILE [--apply]`: checks a plan, stores it as a
 * draft and prints its preview; --apply applies it at once (or schedules it). */
static int plan_cmd(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config", "--file", "--apply", NULL};
	if (mc_cli_check_opts(argc, argv, known, 1) != 0)
		return 2;
	const char *file = mc_cli_opt(argc, argv, "--file", true);
	bool now = mc_cli_opt(argc, argv, "--apply", false) != NULL;
	if (!file) {
		fprintf(stderr, "motcua unit plan: --file PLAN.json is required (- for standard input)\n");
		return 2;
	}
	char *body = read_file(file);
	if (!body)
		return 2;
	mc_store *st = NULL;
	mc_plan *p = NULL;
	mc_plan_problem pb;
	json_t *preview = NULL;
	int status = 1;
	if (open_db(&st, argc, argv) != 0)
		goto cleanup;
	int rc = mc_app_unit_plan_check(&p, &pb, st, body);
	if (rc != 0) {
		mc_err e;
		mc_err_take(&e, rc);
		fprintf(stderr, "motcua unit plan: refused (%s, rule %s): %s\n",
			pb.field[0] ? pb.field : "plan", pb.rule[0] ? pb.rule : "?", e.msg);
		status = 2;
		goto cleanup;
	}
	/* Stored compact, as the API stores it. */
	json_t *parsed = json_loads(body, 0, NULL);
	char *compact = parsed ? json_dumps(parsed, JSON_COMPACT) : NULL;
	json_decref(parsed);
	mc_unit_plan rec = {.name = (char *)mc_plan_name(p),
			    .effective_day = mc_plan_day(p),
			    .body = compact,
			    .status = "draft",
			    .created_at = mc_now()};
	rc = compact ? mc_app_unit_plan_preview(&preview, st, p) : MC_ERROR;
	if (rc == 0)
		rc = mc_store_begin(st);
	if (rc == 0) {
		rc = mc_store_unit_plan_create(st, &rec);
		rc = rc == 0 ? mc_store_commit(st) : (mc_store_rollback(st), rc);
	}
	free(compact);
	if (rc != 0) {
		fprintf(stderr, "motcua unit plan: could not store the plan\n");
		goto cleanup;
	}
	json_object_set_new(preview, "id", json_integer(rec.id));
	print_json(preview);
	printf("motcua: plan %lld stored; apply it with: motcua unit apply --plan %lld\n", (long long)rec.id,
	       (long long)rec.id);
	status = now ? apply(st, rec.id, mc_now()) : 0;
cleanup:
	json_decref(preview);
	mc_plan_free(p);
	mc_store_close(st);
	free(body);
	return status;
}

/* `motcua unit apply --plan ID [--at TIME]` applies a stored plan (scheduled
 * when its day is after TIME, default now); `--due` applies every scheduled
 * plan whose day has come. */
static int apply_cmd(int argc, char **argv)
{
	static const char *const known[] = {"--db", "--config", "--plan", "--at", "--due", NULL};
	if (mc_cli_check_opts(argc, argv, known, 1) != 0)
		return 2;
	const char *plan = mc_cli_opt(argc, argv, "--plan", true),
		   *at_s = mc_cli_opt(argc, argv, "--at", true);
	bool due = mc_cli_opt(argc, argv, "--due", false) != NULL;
	int64_t at = mc_now();
	char *end = NULL;
	long long id = plan ? strtoll(plan, &end, 10) : 0;
	if (!due && (!plan || !*plan || *end || id <= 0)) {
		fprintf(stderr,
			"usage: motcua unit apply --db PATH (--plan ID | --due) [--at YYYY-MM-DDTHH:MM]\n");
		return 2;
	}
	if (at_s && mc_time_parse(&at, at_s) != 0) {
		fprintf(stderr, "motcua unit apply: --at must be a local time YYYY-MM-DDTHH:MM\n");
		return 2;
	}
	mc_store *st = NULL;
	int status = 1;
	if (open_db(&st, argc, argv) != 0)
		goto cleanup;
	if (due) {
		int n = 0;
		int rc = mc_store_begin(st);
		if (rc == 0)
			rc = mc_app_unit_plan_apply_due(st, at, &n);
		rc = rc == 0 ? mc_store_commit(st) : (mc_store_rollback(st), rc);
		if (rc != 0) {
			fprintf(stderr, "motcua unit apply: could not apply the scheduled plans\n");
			goto cleanup;
		}
		printf("motcua: %d scheduled plan%s applied\n", n, n == 1 ? "" : "s");
		status = n ? mc_cli_anchor_all(st) != 0 : 0;
	} else {
		status = apply(st, id, at);
	}
cleanup:
	mc_store_close(st);
	return status;
}

int mc_cli_unit_plan(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "plan") == 0)
		return plan_cmd(argc, argv);
	if (argc >= 1 && strcmp(argv[0], "apply") == 0)
		return apply_cmd(argc, argv);
	return -1;
}
