/*
 * replica.c - the read replica (db_read) watched, and reads sent to the
 * primary while it cannot serve them.
 *
 * With db_read set, each worker reads through the replica (docs/scaling.md
 * §2). A replica that is down would fail every sign-in and lookup, and one
 * far behind would show citizens the state of long ago; so a thread of the
 * server asks, once a second, on connections of its own, the primary for its
 * WAL position and the replica for the position it has replayed. While the
 * replica does not answer, or lags more than db_read_max_lag seconds, the
 * workers read from the primary (mc_req_store); when it is back and caught
 * up, from it again. Each change is said once on stderr and counted for
 * /metrics.
 *
 * The lag is measured against the primary, not by the time of the last
 * transaction the replica replayed (pg_last_xact_replay_timestamp), which
 * grows while the primary is idle although nothing is missing: the thread
 * keeps the primary's positions with the time each was first seen, and the
 * lag is the age of the oldest position the replica has not replayed yet
 * (0 when it has replayed everything seen), to within the second between
 * two looks. A replica cut off from the primary thus lags more and more as
 * soon as the primary writes, and one whose replay is paused too.
 */
#include "http/server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK_MS 1000
/* Positions kept while the replica has not replayed them: an hour of a
 * primary that writes every second; a full list keeps its oldest, so the
 * lag of a replica further behind is still counted from there. */
#define MAX_SAMPLES 4096

typedef struct {
	int64_t at_ms;
	uint64_t lsn;
} sample;

struct mc_replica {
	mc_server *srv;
	mc_store *primary; /* this thread's own connections */
	mc_store *replica;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	sample samples[MAX_SAMPLES];
	size_t n_samples;
	/* what the workers and /readyz, /metrics read */
	atomic_bool checked;	    /* one look is done */
	atomic_bool up;		    /* the replica answered the last look */
	atomic_bool standby;	    /* it is a standby (a promoted one is a primary) */
	_Atomic int64_t lag_ms;	    /* -1 when not known */
	atomic_bool reads_primary;  /* the workers read from the primary */
	_Atomic uint64_t fallbacks; /* times reads moved to the primary */
	_Atomic int64_t checked_at; /* UTC seconds of the last look */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The primary's position now, kept with the time it was first seen. */
static void note_primary(mc_replica *rp, int64_t at)
{
	uint64_t lsn = 0;
	if (mc_store_wal_position(rp->primary, &lsn) != 0)
		return; /* the primary's own troubles are /readyz's */
	if (rp->n_samples > 0 && rp->samples[rp->n_samples - 1].lsn >= lsn)
		return;
	if (rp->n_samples == MAX_SAMPLES)
		return;
	rp->samples[rp->n_samples++] = (sample){.at_ms = at, .lsn = lsn};
}

/* The replica's lag in ms from its replayed position: the age of the
 * oldest position seen on the primary that it has not replayed. Forgets
 * the positions it has. */
static int64_t lag_of(mc_replica *rp, uint64_t replayed, int64_t at)
{
	size_t have = 0;
	while (have < rp->n_samples && rp->samples[have].lsn <= replayed)
		have++;
	if (have > 0) {
		memmove(rp->samples, rp->samples + have, (rp->n_samples - have) * sizeof rp->samples[0]);
		rp->n_samples -= have;
	}
	return rp->n_samples == 0 ? 0 : at - rp->samples[0].at_ms;
}

static void look(mc_replica *rp)
{
	const mc_server_config *cfg = &rp->srv->cfg;
	uint64_t replayed = 0;
	bool standby = false;
	int64_t at = now_ms();

	note_primary(rp, at);
	bool up = mc_store_replay_position(rp->replica, &replayed, &standby) == 0;
	int64_t lag = up ? lag_of(rp, replayed, now_ms()) : -1;
	bool usable = up && (cfg->db_read_max_lag <= 0 || lag <= (int64_t)cfg->db_read_max_lag * 1000);
	bool was_primary = atomic_load(&rp->reads_primary);
	bool first = !atomic_load(&rp->checked);

	atomic_store(&rp->up, up);
	atomic_store(&rp->standby, standby);
	atomic_store(&rp->lag_ms, lag);
	atomic_store(&rp->checked_at, mc_now());
	if (!usable && (first || !was_primary)) {
		atomic_fetch_add(&rp->fallbacks, 1);
		if (!up)
			fprintf(
			    stderr,
			    "motcua: the read replica %s does not answer; reads go to the primary until it "
			    "is back\n",
			    mc_store_path(rp->replica));
		else
			fprintf(
			    stderr,
			    "motcua: the read replica %s lags %.1f s behind the primary (db_read_max_lag %ld "
			    "s); reads go to the primary until it catches up\n",
			    mc_store_path(rp->replica), (double)lag / 1000.0, (long)cfg->db_read_max_lag);
	} else if (usable && was_primary) {
		fprintf(stderr, "motcua: the read replica %s is back (lag %.1f s); reads go to it again\n",
			mc_store_path(rp->replica), (double)lag / 1000.0);
	}
	atomic_store(&rp->reads_primary, !usable);
	atomic_store(&rp->checked, true);
}

static void *watch_main(void *arg)
{
	mc_replica *rp = arg;
	pthread_mutex_lock(&rp->lock);
	while (!rp->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += CHECK_MS / 1000;
		until.tv_nsec += (long)(CHECK_MS % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&rp->wake, &rp->lock, &until);
		if (rp->stopping)
			break;
		pthread_mutex_unlock(&rp->lock);
		look(rp);
		pthread_mutex_lock(&rp->lock);
	}
	pthread_mutex_unlock(&rp->lock);
	return NULL;
}

static int open_deferred(mc_store **out, const char *url, const mc_server_config *cfg)
{
	int rc = mc_store_open_deferred(out, url);
	if (rc == 0)
		rc = mc_store_set_limits(*out, &cfg->db_limits);
	if (rc != 0) {
		mc_store_close(*out);
		*out = NULL;
	}
	return rc;
}

int mc_replica_start_(mc_server *srv)
{
	const mc_server_config *cfg = &srv->cfg;
	if (!cfg->db_read_url || !*cfg->db_read_url || !mc_store_url_is_pg(cfg->db_read_url))
		return 0;
	mc_replica *rp = mc_xcalloc(1, sizeof *rp);
	rp->srv = srv;
	atomic_store(&rp->lag_ms, -1);
	pthread_mutex_init(&rp->lock, NULL);
	pthread_cond_init(&rp->wake, NULL);
	srv->replica = rp;
	if (open_deferred(&rp->primary, cfg->db_url, cfg) != 0 ||
	    open_deferred(&rp->replica, cfg->db_read_url, cfg) != 0)
		return MC_ERROR;
	/* The first look before the workers serve: a replica down at the start
	 * is read around from the first request. */
	look(rp);
	if (pthread_create(&rp->thread, NULL, watch_main, rp) != 0)
		return MC_ERROR;
	rp->started = true;
	return 0;
}

void mc_replica_stop_(mc_server *srv)
{
	mc_replica *rp = srv->replica;
	if (!rp)
		return;
	if (rp->started) {
		pthread_mutex_lock(&rp->lock);
		rp->stopping = true;
		pthread_cond_broadcast(&rp->wake);
		pthread_mutex_unlock(&rp->lock);
		pthread_join(rp->thread, NULL);
	}
	mc_store_close(rp->primary);
	mc_store_close(rp->replica);
	pthread_mutex_destroy(&rp->lock);
	pthread_cond_destroy(&rp->wake);
	free(rp);
	srv->replica = NULL;
}

bool mc_replica_reads_primary_(const mc_server *srv)
{
	return srv->replica && atomic_load(&srv->replica->reads_primary);
}

void mc_replica_status_(const mc_server *srv, mc_replica_status *out)
{
	const mc_replica *rp = srv->replica;
	*out = (mc_replica_status){.lag_seconds = -1};
	if (!rp)
		return;
	out->configured = true;
	out->up = atomic_load(&rp->up);
	out->standby = atomic_load(&rp->standby);
	int64_t lag = atomic_load(&rp->lag_ms);
	out->lag_seconds = lag < 0 ? -1 : (double)lag / 1000.0;
	out->reads_from_primary = atomic_load(&rp->reads_primary);
	out->fallbacks = atomic_load(&rp->fallbacks);
	out->checked_at = atomic_load(&rp->checked_at);
}
