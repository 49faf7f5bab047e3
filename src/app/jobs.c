#include "app/jobs.h"

#include "app/upkeep.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* A thread that runs its work every interval until stopped; the wait ends at
 * once when the jobs stop. */
typedef struct {
	const mc_jobs_config *cfg;
	void (*tick)(void *self, mc_store *st);
	int interval_ms;
	pthread_t thread;
	bool started;
	/* housekeeping's state */
	bool failing;
	int64_t next_purge;
	int64_t next_personal;
	int64_t next_upkeep;
	struct mc_jobs *owner;
} runner;

struct mc_jobs {
	mc_jobs_config cfg;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	mc_upkeep *upkeep;
	runner delivery;
	runner housekeeping;
};

static void *runner_main(void *arg)
{
	runner *rn = arg;
	mc_jobs *j = rn->owner;
	mc_store *st = NULL;
	if (mc_store_open(&st, j->cfg.db_url) != 0 ||
	    (j->cfg.db_limits && mc_store_set_limits(st, j->cfg.db_limits) != 0)) {
		fprintf(stderr, "motcua: a background job could not open the database\n");
		mc_store_close(st);
		return NULL;
	}
	pthread_mutex_lock(&j->lock);
	while (!j->stopping) {
		pthread_mutex_unlock(&j->lock);
		rn->tick(rn, st);
		pthread_mutex_lock(&j->lock);
		if (j->stopping)
			break;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += rn->interval_ms / 1000;
		until.tv_nsec += (long)(rn->interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&j->wake, &j->lock, &until);
	}
	pthread_mutex_unlock(&j->lock);
	mc_store_close(st);
	return NULL;
}

/* Messages sent and attempts that failed, by this process since it started. */
static _Atomic uint64_t delivered, delivery_failures;

void mc_jobs_delivery_counts(uint64_t *sent, uint64_t *failed)
{
	*sent = atomic_load(&delivered);
	*failed = atomic_load(&delivery_failures);
}

static _Atomic uint64_t portal_sent, portal_failures;

void mc_jobs_portal_counts(uint64_t *sent, uint64_t *failed)
{
	*sent = atomic_load(&portal_sent);
	*failed = atomic_load(&portal_failures);
}

static void deliver(void *self, mc_store *st)
{
	runner *rn = self;
	const mc_jobs_config *cfg = &rn->owner->cfg;
	int sent = 0, failed = 0;
	mc_notify_deliver(st, cfg->group, cfg->notify, mc_now(), &sent, &failed);
	int xsent = 0, xfailed = 0;
	mc_exchange_deliver(cfg->group, cfg->exchange, mc_now(), &xsent, &xfailed);
	sent += xsent;
	failed += xfailed;
	atomic_fetch_add(&delivered, (uint64_t)sent);
	atomic_fetch_add(&delivery_failures, (uint64_t)failed);
	/* The national portal's changes: the same thread, the same interval. */
	sent = failed = 0;
	mc_portal_deliver(st, cfg->group, &cfg->portal, mc_now(), &sent, &failed);
	atomic_fetch_add(&portal_sent, (uint64_t)sent);
	atomic_fetch_add(&portal_failures, (uint64_t)failed);
}

static int purge_write(mc_store *st, void *payload)
{
	return mc_store_session_purge(st, *(int64_t *)payload);
}

int mc_jobs_purge_sessions(mc_group *g, int64_t now)
{
	return mc_group_run(g, purge_write, &now);
}

typedef struct {
	const mc_retention *r;
	int64_t now;
	mc_personal_purge_report *rep;
} personal_job;

static int personal_write(mc_store *st, void *payload)
{
	personal_job *j = payload;
	return mc_app_personal_purge(st, j->r, j->now, 1000, j->rep);
}

int mc_jobs_purge_personal(mc_group *g, const mc_retention *r, int64_t now, mc_personal_purge_report *rep)
{
	personal_job j = {r, now, rep};
	return mc_group_run(g, personal_write, &j);
}

static void housekeep(void *self, mc_store *st)
{
	runner *rn = self;
	const mc_jobs_config *cfg = &rn->owner->cfg;
	if (cfg->rules_check && cfg->reload_interval_ms > 0) {
		int rc = cfg->rules_check(st, cfg->rules_arg);
		if (rc != 0 && !rn->failing)
			fprintf(
			    stderr,
			    "motcua: could not check the units and calendar for edits on other servers (%d); "
			    "the rules in force stay until it works again\n",
			    rc);
		else if (rc == 0 && rn->failing)
			fprintf(stderr, "motcua: checking the units and calendar for edits works again\n");
		rn->failing = rc != 0;
	}
	int64_t now = mc_now();
	if (now >= rn->next_purge) {
		/* Expired sessions are useless and keep a token hash. */
		int rc = mc_jobs_purge_sessions(cfg->group, now);
		if (rc != 0)
			fprintf(stderr, "motcua: could not purge expired sessions (%d)\n", rc);
		rn->next_purge = now + (cfg->purge_interval > 0 ? cfg->purge_interval : 600);
	}
	if (cfg->personal_purge_interval > 0 && now >= rn->next_personal) {
		mc_personal_purge_report rep;
		int rc =
		    rn->next_personal ? mc_jobs_purge_personal(cfg->group, &cfg->retention, now, &rep) : 0;
		if (rc != 0)
			fprintf(stderr, "motcua: could not apply the retention of personal data (%d)\n", rc);
		else if (rn->next_personal &&
			 rep.pseudonymised.dossiers + rep.messages_emptied + rep.reads_deleted > 0)
			fprintf(
			    stderr,
			    "motcua: retention of personal data: %lld dossiers pseudonymised, %lld messages "
			    "emptied, %lld reads deleted\n",
			    (long long)rep.pseudonymised.dossiers, (long long)rep.messages_emptied,
			    (long long)rep.reads_deleted);
		/* The first pass waits one interval: a start is no time for it. */
		rn->next_personal = now + cfg->personal_purge_interval;
	}
	mc_upkeep *u = rn->owner->upkeep;
	if (u && now >= rn->next_upkeep) {
		mc_upkeep_tick(u, now);
		rn->next_upkeep = now + mc_upkeep_interval(u);
	}
}

int mc_jobs_start(mc_jobs **out, const mc_jobs_config *cfg)
{
	mc_jobs *j = mc_xcalloc(1, sizeof *j);
	j->cfg = *cfg;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	j->delivery.owner = j;
	j->delivery.tick = deliver;
	j->delivery.interval_ms = (cfg->notify_interval > 0 ? cfg->notify_interval : 5) * 1000;
	j->housekeeping.owner = j;
	j->housekeeping.tick = housekeep;
	static const mc_audit_config no_audit = {0};
	j->upkeep = mc_upkeep_new(cfg->group, cfg->audit ? cfg->audit : &no_audit);
	if (j->upkeep && cfg->notify)
		mc_upkeep_set_public_url(j->upkeep, cfg->notify->public_url);
	/* As often as the most frequent of its kinds of work asks. */
	int every_ms = (cfg->purge_interval > 0 ? cfg->purge_interval : 600) * 1000;
	if (cfg->reload_interval_ms > 0 && cfg->reload_interval_ms < every_ms)
		every_ms = cfg->reload_interval_ms;
	if (j->upkeep && mc_upkeep_interval(j->upkeep) * 1000 < every_ms)
		every_ms = mc_upkeep_interval(j->upkeep) * 1000;
	j->housekeeping.interval_ms = every_ms;
	j->delivery.started = pthread_create(&j->delivery.thread, NULL, runner_main, &j->delivery) == 0;
	j->housekeeping.started =
	    pthread_create(&j->housekeeping.thread, NULL, runner_main, &j->housekeeping) == 0;
	*out = j;
	if (!j->upkeep || !j->delivery.started || !j->housekeeping.started) {
		mc_jobs_stop(j);
		*out = j; /* freed by mc_jobs_free, after the group committer */
		return MC_ERROR;
	}
	return 0;
}

void mc_jobs_stop(mc_jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stopping = true;
	pthread_cond_broadcast(&j->wake);
	pthread_mutex_unlock(&j->lock);
	if (j->delivery.started)
		pthread_join(j->delivery.thread, NULL);
	if (j->housekeeping.started)
		pthread_join(j->housekeeping.thread, NULL);
	j->delivery.started = j->housekeeping.started = false;
	mc_upkeep_finish(j->upkeep);
}

void mc_jobs_free(mc_jobs *j)
{
	if (!j)
		return;
	mc_upkeep_free(j->upkeep);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	free(j);
}
