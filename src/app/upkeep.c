#include "app/upkeep.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/apology.h"
#include "app/task.h"
#include "app/unit_plan.h"
#include "app/upload.h"

#define FILES_EVERY 60	  /* seconds between sweeps of unused files */
#define EXPIRE_EVERY 3600 /* seconds between expiries of uploads */
#define ANCHOR_LIMIT 2000 /* dossiers in one anchor, one job */
#define FILES_LIMIT 1000  /* files swept or uploads expired in one job */
#define TASKS_EVERY 3600  /* seconds between passes of the tasks' reminders */
#define TASKS_LIMIT 2000  /* tasks reminded in one pass; the rest at the next */

typedef struct {
	mc_upkeep *u;
	atomic_bool busy;
	int64_t last;	  /* when it was last queued; 0 never */
	int64_t now;	  /* the job's time */
	bool expire;	  /* the files job expires uploads too */
	bool failing;	  /* said once, not at every tick */
	atomic_bool more; /* the anchor job left dossiers for the next one */
} job;

struct mc_upkeep {
	mc_group *group;
	const mc_audit_config *audit;
	job anchor, files, plans, tasks, apologies;
	int64_t last_expire;
	const char *public_url; /* for the tasks' reminders; NULL = relative links */
};

mc_upkeep *mc_upkeep_new(mc_group *g, const mc_audit_config *audit)
{
	mc_upkeep *u = mc_xcalloc(1, sizeof *u);
	u->group = g;
	u->audit = audit;
	u->anchor.u = u->files.u = u->plans.u = u->tasks.u = u->apologies.u = u;
	atomic_init(&u->anchor.busy, false);
	atomic_init(&u->files.busy, false);
	atomic_init(&u->plans.busy, false);
	atomic_init(&u->tasks.busy, false);
	atomic_init(&u->apologies.busy, false);
	atomic_init(&u->anchor.more, false);
	return u;
}

void mc_upkeep_set_public_url(mc_upkeep *u, const char *public_url)
{
	u->public_url = public_url;
}

int mc_upkeep_interval(const mc_upkeep *u)
{
	int s = u->audit ? u->audit->anchor_seconds : 0;
	/* A backlog of the anchors is taken a second apart (anchor_run). */
	if (s > 0 && atomic_load(&u->anchor.more))
		return 1;
	return s > 0 && s < FILES_EVERY ? s : FILES_EVERY;
}

static void report(job *j, int rc, const char *what)
{
	if (rc != 0 && !j->failing)
		fprintf(stderr, "motcua: could not %s (%d); trying again later\n", what, rc);
	else if (rc == 0 && j->failing)
		fprintf(stderr, "motcua: %s works again\n", what);
	j->failing = rc != 0;
}

/* One anchor of at most ANCHOR_LIMIT dossiers. The job runs in the writer's
 * batch, beside the filings, which wait for it: a backlog (a busy minute, an
 * upgrade, a server stopped a while) is taken an anchor at a time, a second
 * apart, so that the writer's other batches run between them; an anchor of
 * the minute's changes for every dossier at once held the filings for
 * seconds. */
static int anchor_run(mc_store *st, void *payload)
{
	job *j = payload;
	int64_t covered = 0;
	bool more = false;
	int rc = mc_app_audit_anchor(st, j->u->audit, j->now, ANCHOR_LIMIT, &covered, &more);

	atomic_store(&j->more, more);
	return rc;
}

static void anchor_done(int rc, void *payload)
{
	job *j = payload;
	report(j, rc, "anchor the event log");
	atomic_store(&j->busy, false);
}

/* The sweep first: it deletes only files whose rows an earlier, committed
 * job removed; the expiry then names more for the next one. */
static int files_run(mc_store *st, void *payload)
{
	job *j = payload;
	int64_t swept = 0, expired = 0;
	int rc = mc_store_files_sweep(st, &swept, FILES_LIMIT);

	if (rc == 0 && j->expire)
		rc = mc_app_upload_expire(st, j->now, FILES_LIMIT, &expired);
	return rc;
}

static void files_done(int rc, void *payload)
{
	job *j = payload;
	report(j, rc, "remove expired uploads");
	atomic_store(&j->busy, false);
}

/* The reorganisation plans whose day has come (app/unit_plan.h). */
static int plans_run(mc_store *st, void *payload)
{
	job *j = payload;
	int n = 0;
	int rc = mc_app_unit_plan_apply_due(st, j->now, &n);

	if (rc == 0 && n > 0)
		fprintf(stderr, "motcua: %d scheduled reorganisation plan%s applied\n", n, n == 1 ? "" : "s");
	return rc;
}

static void plans_done(int rc, void *payload)
{
	job *j = payload;
	report(j, rc, "apply the scheduled reorganisation plans");
	atomic_store(&j->busy, false);
}

/* The tasks' reminders owed now (app/task.h), through the outbox. */
static int tasks_run(mc_store *st, void *payload)
{
	job *j = payload;
	mc_time_ctx *tc = NULL;
	int n = 0;
	int rc = mc_time_ctx_load(&tc, st);

	if (rc == 0)
		rc = mc_app_task_remind(st, tc, j->now, j->u->public_url, TASKS_LIMIT, &n);
	mc_time_ctx_free(tc);
	return rc;
}

static void tasks_done(int rc, void *payload)
{
	job *j = payload;
	report(j, rc, "queue the tasks' reminders");
	atomic_store(&j->busy, false);
}

/* The leaders warned of the apologies due (app/apology.h), through the outbox. */
static int apologies_run(mc_store *st, void *payload)
{
	job *j = payload;
	mc_time_ctx *tc = NULL;
	int n = 0;
	int rc = mc_time_ctx_load(&tc, st);

	if (rc == 0)
		rc = mc_app_apology_warn(st, tc, j->now, TASKS_LIMIT, &n);
	mc_time_ctx_free(tc);
	return rc;
}

static void apologies_done(int rc, void *payload)
{
	job *j = payload;
	report(j, rc, "queue the warnings of apologies due");
	atomic_store(&j->busy, false);
}

static void queue(mc_upkeep *u, job *j, mc_group_fn fn, mc_group_done done, int64_t now)
{
	if (atomic_exchange(&j->busy, true))
		return; /* the previous one is still queued or running */
	j->now = now;
	j->last = now;
	if (mc_group_submit(u->group, fn, done, j) != 0)
		atomic_store(&j->busy, false);
}

void mc_upkeep_tick(mc_upkeep *u, int64_t now)
{
	int every = u->audit ? u->audit->anchor_seconds : 0;

	if (every > 0 && atomic_load(&u->anchor.more))
		every = 1;
	if (every > 0 && (u->anchor.last == 0 || now - u->anchor.last >= every))
		queue(u, &u->anchor, anchor_run, anchor_done, now);
	if (u->files.last == 0 || now - u->files.last >= FILES_EVERY) {
		if (!atomic_load(&u->files.busy)) {
			u->files.expire = u->last_expire == 0 || now - u->last_expire >= EXPIRE_EVERY;
			if (u->files.expire)
				u->last_expire = now;
		}
		queue(u, &u->files, files_run, files_done, now);
	}
	if (u->plans.last == 0 || now - u->plans.last >= FILES_EVERY)
		queue(u, &u->plans, plans_run, plans_done, now);
	if (u->tasks.last == 0 || now - u->tasks.last >= TASKS_EVERY)
		queue(u, &u->tasks, tasks_run, tasks_done, now);
	if (u->apologies.last == 0 || now - u->apologies.last >= TASKS_EVERY)
		queue(u, &u->apologies, apologies_run, apologies_done, now);
}

void mc_upkeep_finish(mc_upkeep *u)
{
	if (!u || !u->audit || u->audit->anchor_seconds <= 0)
		return;
	/* A tick's anchor may still be queued: these wait behind it. Nothing
	 * else is written now: the rest is anchored at once. */
	job last = {.u = u, .now = mc_now()};
	int rc = 0;
	do
		rc = mc_group_run(u->group, anchor_run, &last);
	while (rc == 0 && atomic_load(&last.more));
	if (rc != 0)
		fprintf(stderr, "motcua: could not anchor the event log at shutdown (%d)\n", rc);
}

void mc_upkeep_free(mc_upkeep *u)
{
	free(u);
}
