#include "store/group.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct job {
	mc_group_fn fn;
	mc_group_done done;
	void *payload;
	int rc;
	bool set_aside;	     /* failed for a row lock in a batch: goes to the lane */
	int64_t deadline_ms; /* set aside: when it stops trying (monotonic); 0 = never */
	struct job *next;
};

struct mc_group {
	mc_store *st;
	int max_batch;
	int lock_wait_ms;    /* inside a batch; 0 = the store has no row locks, no lane */
	int lock_timeout_ms; /* a set-aside job's whole wait; 0 = no limit */
	pthread_t thread;
	pthread_mutex_t lock; /* guards the queues, the stopping flags and the stats */
	pthread_cond_t ready;
	struct job *head, *tail;
	bool stopping;
	/* The lane: jobs set aside for a row lock, each run again alone on a
	 * connection of its own, so that their waiting holds up nothing else. */
	mc_store *lane_st;
	pthread_t lane_thread;
	bool lane_started;
	pthread_cond_t lane_ready;
	struct job *lane_head, *lane_tail;
	bool lane_stopping;
	mc_group_stats stats;
	int careful; /* batches still to run job by job (run_batch) */
};

/* How long the writer waits for the write lock before the batch fails with
 * MC_EBUSY (503): about one busy timeout of the store, so that a long lock held
 * by another process (a sqlite3 shell, a migration) turns into prompt 503s with
 * Retry-After rather than requests that hang for many timeouts in a row. */
#define BEGIN_WAIT_MS 5000
/* A job's wait for a row lock inside a batch, by default: longer than most
 * row locks are held (another server's transaction, a few milliseconds), short
 * enough that a locked row costs the jobs behind it little. */
#define DEFAULT_LOCK_WAIT_MS 200
/* Batches run job by job after one that had a failing job. */
#define CAREFUL_BATCHES 8

static int64_t monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Begins the batch transaction, waiting out a short lock held by another
 * process (the CLI, a backup). The store's busy handler waits inside each
 * attempt; a busy answer that comes back early is tried again. */
static int begin_batch(mc_store *st)
{
	int64_t start = monotonic_ms();
	int rc = MC_EBUSY;
	for (int attempt = 0; attempt < 5 && rc == MC_EBUSY; attempt++) {
		if (attempt > 0 && monotonic_ms() - start >= BEGIN_WAIT_MS)
			break;
		rc = mc_store_begin(st);
	}
	return rc;
}

static void finish(struct job *j)
{
	j->done(j->rc, j->payload);
	free(j);
}

/* The batch in one transaction with no savepoint per job: most batches
 * have no failing job, and a savepoint costs a round trip and a
 * subtransaction on PostgreSQL (more than 64 of them in a transaction slow
 * every reader of the database). On the first job that fails, or that went on
 * from a failed statement, the whole transaction is undone and RUN_AGAIN returned:
 * the batch is run again job by job in savepoints (run_careful), so that the
 * failure stays that job's. Otherwise 0 once committed, or the code of the
 * failed begin or commit, which fails the whole batch as in run_careful. */
enum { RUN_AGAIN = 1 };
static int run_whole(mc_group *g, struct job *batch)
{
	int rc = begin_batch(g->st);
	bool again = false;

	if (rc == 0 && g->lock_wait_ms > 0)
		rc = mc_store_lock_wait(g->st, g->lock_wait_ms);
	if (rc == 0) {
		mc_store_undo_all(g->st, true);
		for (struct job *j = batch; j; j = j->next) {
			j->rc = j->fn(g->st, j->payload);
			if (j->rc != 0 || mc_store_undo_needed(g->st, false)) {
				again = true;
				break;
			}
		}
		/* The writes not yet answered are answered before the commit. */
		if (!again && mc_store_undo_needed(g->st, true))
			again = true;
		mc_store_undo_all(g->st, false);
		if (!again)
			rc = mc_store_commit(g->st);
	}
	if (rc != 0 || again)
		mc_store_rollback(g->st);
	return rc != 0 ? rc : again ? RUN_AGAIN : 0;
}

/* Each job in a savepoint of its own: a failing job is undone alone. */
static int run_careful(mc_group *g, struct job *batch)
{
	int rc = begin_batch(g->st);
	if (rc == 0) {
		/* Set for the whole transaction, before any savepoint: undoing a
		 * job to its savepoint keeps it. */
		if (g->lock_wait_ms > 0)
			rc = mc_store_lock_wait(g->st, g->lock_wait_ms);
		for (struct job *j = batch; j && rc == 0; j = j->next) {
			/* A savepoint that cannot be opened, undone or released means
			 * the transaction itself is gone: SQLite rolls back the whole of
			 * it on some errors (SQLITE_FULL, SQLITE_IOERR). Running the
			 * next job then would write outside any transaction and commit
			 * it alone, so the batch stops here and fails as a whole. */
			j->rc = mc_store_savepoint(g->st);
			if (j->rc != 0) {
				rc = j->rc;
				break;
			}
			int64_t started = monotonic_ms();
			j->rc = j->fn(g->st, j->payload);
			int sp = j->rc != 0 ? mc_store_savepoint_rollback(g->st)
					    : mc_store_savepoint_release(g->st);
			if (sp != 0) {
				rc = sp;
			} else if (j->rc == MC_EBUSY && g->lock_wait_ms > 0) {
				/* Waited its short while for a row lock (or met a
				 * deadlock): undone, it is tried again alone. */
				j->set_aside = true;
				j->deadline_ms = g->lock_timeout_ms > 0 ? started + g->lock_timeout_ms : 0;
			}
		}
		if (rc == 0)
			rc = mc_store_commit(g->st);
		/* After a failed commit SQLite may or may not have rolled back
		 * already; the store's rollback copes with both. */
		if (rc != 0)
			mc_store_rollback(g->st);
	}
	return rc;
}

static void run_batch(mc_group *g, struct job *batch)
{
	bool whole = g->careful == 0, rerun = false;
	int rc = 0;

	/* After a batch that had to be run again, the next few go job by job
	 * at once: a stream of failing requests (refusals, conflicts) would
	 * otherwise cost every batch two runs. */
	if (whole) {
		rc = run_whole(g, batch);
		rerun = rc == RUN_AGAIN;
		if (rerun)
			g->careful = CAREFUL_BATCHES;
	} else {
		g->careful--;
	}
	if (!whole || rerun) {
		for (struct job *j = batch; j; j = j->next)
			j->rc = 0;
		rc = run_careful(g, batch);
	}
	pthread_mutex_lock(&g->lock);
	g->stats.reruns += rerun;
	g->stats.careful_batches += !whole || rerun;
	pthread_mutex_unlock(&g->lock);
	/* A failed batch undoes every job of it (the ones not run included), so
	 * each learns it: none may reply as if its write were stored. A job set
	 * aside had been undone already and has its own fate in the lane. */
	uint64_t n = 0, aside = 0;
	for (struct job *j = batch; j; j = j->next) {
		if (rc != 0 && !j->set_aside)
			j->rc = rc < 0 ? rc : MC_ERROR;
		n++;
		aside += j->set_aside;
	}
	pthread_mutex_lock(&g->lock);
	g->stats.batches++;
	g->stats.jobs += n;
	size_t bucket = 0;
	while (bucket + 1 < MC_GROUP_BATCH_BUCKETS && n > (1ULL << bucket))
		bucket++;
	g->stats.batch_sizes[bucket]++;
	g->stats.set_aside += aside;
	if (rc != 0)
		g->stats.failed_commits++;
	pthread_mutex_unlock(&g->lock);
	struct job *j = batch;
	while (j) {
		struct job *next = j->next;
		j->next = NULL;
		if (j->set_aside) {
			pthread_mutex_lock(&g->lock);
			if (g->lane_tail)
				g->lane_tail->next = j;
			else
				g->lane_head = j;
			g->lane_tail = j;
			pthread_cond_signal(&g->lane_ready);
			pthread_mutex_unlock(&g->lock);
		} else {
			finish(j);
		}
		j = next;
	}
}

/* ---- the lane ----------------------------------------------------------- */

enum { TRIED, AGAIN };

/* One attempt at a set-aside job, alone in a transaction of its own. A wait
 * for a row lock is cut into slices of the batch's wait, so that the jobs of
 * the lane take turns rather than queue behind the first. AGAIN when it did
 * not get its locks and has time left; j->rc is set otherwise. */
static int lane_try(mc_group *g, struct job *j, bool stopping)
{
	mc_store *st = g->lane_st;
	int wait = g->lock_wait_ms;
	int64_t now = monotonic_ms();
	int rc;

	if (j->deadline_ms) {
		if (j->deadline_ms - now < wait)
			wait = (int)(j->deadline_ms - now);
		if (wait <= 0) {
			j->rc = MC_EBUSY;
			goto gave_up;
		}
	}
	rc = mc_store_begin(st);
	/* With no limit on the whole wait, one attempt that waits as long as it
	 * takes: the lane's other jobs wait behind it, the batches do not. */
	if (rc == 0 && j->deadline_ms)
		rc = mc_store_lock_wait(st, wait);
	if (rc != 0) {
		mc_store_rollback(st);
		j->rc = rc;
		return TRIED;
	}
	j->rc = j->fn(st, j->payload);
	if (j->rc == 0) {
		j->rc = mc_store_commit(st);
		if (j->rc != 0)
			mc_store_rollback(st);
		return TRIED;
	}
	mc_store_rollback(st);
	if (j->rc != MC_EBUSY || !j->deadline_ms)
		return TRIED;
	if (!stopping && monotonic_ms() < j->deadline_ms)
		return AGAIN;
gave_up:
	fprintf(stderr,
		"motcua: a write waited %d ms for a row lock that another session holds; answered 503 "
		"(db_lock_timeout_ms)\n",
		g->lock_timeout_ms);
	pthread_mutex_lock(&g->lock);
	g->stats.lock_timeouts++;
	pthread_mutex_unlock(&g->lock);
	return TRIED;
}

static void *lane_main(void *arg)
{
	mc_group *g = arg;
	struct job *waiting = NULL; /* tried, not yet through: the next round */

	for (;;) {
		pthread_mutex_lock(&g->lock);
		while (!g->lane_head && !waiting && !g->lane_stopping)
			pthread_cond_wait(&g->lane_ready, &g->lock);
		bool stopping = g->lane_stopping;
		struct job *round = waiting;
		struct job **end = &round;
		while (*end)
			end = &(*end)->next;
		*end = g->lane_head; /* newcomers after the ones already waiting */
		g->lane_head = g->lane_tail = NULL;
		pthread_mutex_unlock(&g->lock);
		if (!round)
			break; /* stopping, and nothing left */
		waiting = NULL;
		struct job **keep = &waiting;
		int64_t round_start = monotonic_ms();
		while (round) {
			struct job *j = round;
			round = j->next;
			j->next = NULL;
			if (lane_try(g, j, stopping) == AGAIN) {
				*keep = j;
				keep = &j->next;
			} else {
				finish(j);
			}
		}
		/* Attempts that failed at once (a deadlock, the server gone) would
		 * otherwise spin until their deadline. */
		if (waiting && monotonic_ms() - round_start < 10) {
			struct timespec pause = {0, 10 * 1000 * 1000};
			nanosleep(&pause, NULL);
		}
	}
	return NULL;
}

static void *writer_main(void *arg)
{
	mc_group *g = arg;
	for (;;) {
		pthread_mutex_lock(&g->lock);
		while (!g->head && !g->stopping)
			pthread_cond_wait(&g->ready, &g->lock);
		if (!g->head && g->stopping) {
			pthread_mutex_unlock(&g->lock);
			break;
		}
		struct job *batch = g->head;
		struct job *last = batch;
		for (int n = 1; n < g->max_batch && last->next; n++)
			last = last->next;
		g->head = last->next;
		if (!g->head)
			g->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&g->lock);
		run_batch(g, batch);
	}
	return NULL;
}

static void group_free(mc_group *g)
{
	mc_store_close(g->st);
	mc_store_close(g->lane_st);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->ready);
	pthread_cond_destroy(&g->lane_ready);
	free(g);
}

int mc_group_start(mc_group **out, const char *url, const mc_group_options *opt)
{
	static const mc_group_options defaults = {0};
	mc_group *g = mc_xcalloc(1, sizeof *g);
	int rc;

	if (!opt)
		opt = &defaults;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->ready, NULL);
	pthread_cond_init(&g->lane_ready, NULL);
	g->max_batch = opt->max_batch > 0 ? opt->max_batch : 256;
	rc = mc_store_open(&g->st, url);
	if (rc == 0)
		rc = mc_store_set_limits(g->st, &opt->limits);
	if (rc == 0 && mc_store_row_locks(g->st)) {
		g->lock_timeout_ms = opt->limits.lock_timeout_ms;
		g->lock_wait_ms = opt->lock_wait_ms > 0 ? opt->lock_wait_ms : DEFAULT_LOCK_WAIT_MS;
		if (g->lock_timeout_ms > 0 && g->lock_wait_ms > g->lock_timeout_ms)
			g->lock_wait_ms = g->lock_timeout_ms;
		rc = mc_store_open(&g->lane_st, url);
		if (rc == 0)
			rc = mc_store_set_limits(g->lane_st, &opt->limits);
		if (rc == 0 && pthread_create(&g->lane_thread, NULL, lane_main, g) != 0)
			rc = MC_ERROR;
		g->lane_started = rc == 0;
	}
	if (rc == 0 && pthread_create(&g->thread, NULL, writer_main, g) != 0)
		rc = MC_ERROR;
	if (rc != 0) {
		if (g->lane_started) {
			pthread_mutex_lock(&g->lock);
			g->lane_stopping = true;
			pthread_cond_broadcast(&g->lane_ready);
			pthread_mutex_unlock(&g->lock);
			pthread_join(g->lane_thread, NULL);
		}
		group_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

int mc_group_submit(mc_group *g, mc_group_fn fn, mc_group_done done, void *payload)
{
	struct job *j = mc_xcalloc(1, sizeof *j);
	j->fn = fn;
	j->done = done;
	j->payload = payload;
	pthread_mutex_lock(&g->lock);
	if (g->stopping) {
		pthread_mutex_unlock(&g->lock);
		free(j);
		return MC_EBUSY;
	}
	if (g->tail)
		g->tail->next = j;
	else
		g->head = j;
	g->tail = j;
	pthread_cond_signal(&g->ready);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

struct sync_wait {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool finished;
	int rc;
	mc_group_fn fn;
	void *payload;
};

static int sync_fn(mc_store *st, void *payload)
{
	struct sync_wait *w = payload;
	return w->fn(st, w->payload);
}

static void sync_done(int rc, void *payload)
{
	struct sync_wait *w = payload;
	pthread_mutex_lock(&w->lock);
	w->rc = rc;
	w->finished = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int mc_group_run(mc_group *g, mc_group_fn fn, void *payload)
{
	struct sync_wait w = {.finished = false, .fn = fn, .payload = payload};
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	int rc = mc_group_submit(g, sync_fn, sync_done, &w);
	if (rc == 0) {
		pthread_mutex_lock(&w.lock);
		while (!w.finished)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
		rc = w.rc;
	}
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	return rc;
}

void mc_group_stop(mc_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stopping = true;
	pthread_cond_broadcast(&g->ready);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	/* The writer has handed the lane all it set aside; the lane tries each
	 * once more and answers the rest. */
	if (g->lane_started) {
		pthread_mutex_lock(&g->lock);
		g->lane_stopping = true;
		pthread_cond_broadcast(&g->lane_ready);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->lane_thread, NULL);
	}
	group_free(g);
}

void mc_group_get_stats(mc_group *g, mc_group_stats *out)
{
	pthread_mutex_lock(&g->lock);
	*out = g->stats;
	pthread_mutex_unlock(&g->lock);
}
