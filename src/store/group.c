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
	struct job *next;
};

struct mc_group {
	mc_store *st;
	int max_batch;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t ready;
	struct job *head, *tail;
	bool stopping;
	mc_group_stats stats;
};

/* How long the writer waits for the write lock before the batch fails with
 * MC_EBUSY (503): about one busy timeout of the store, so that a long lock held
 * by another process (a sqlite3 shell, a migration) turns into prompt 503s with
 * Retry-After rather than requests that hang for many timeouts in a row. */
#define BEGIN_WAIT_MS 5000

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

static void run_batch(mc_group *g, struct job *batch)
{
	int rc = begin_batch(g->st);
	if (rc == 0) {
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
			j->rc = j->fn(g->st, j->payload);
			int sp = j->rc != 0 ? mc_store_savepoint_rollback(g->st) : mc_store_savepoint_release(g->st);
			if (sp != 0)
				rc = sp;
		}
		if (rc == 0)
			rc = mc_store_commit(g->st);
		/* After a failed commit SQLite may or may not have rolled back
		 * already; the store's rollback copes with both. */
		if (rc != 0)
			mc_store_rollback(g->st);
	}
	/* A failed batch undoes every job of it (the ones not run included), so
	 * each learns it: none may reply as if its write were stored. */
	for (struct job *j = batch; j; j = j->next) {
		if (rc != 0)
			j->rc = rc < 0 ? rc : MC_ERROR;
	}
	uint64_t n = 0;
	for (struct job *j = batch; j; j = j->next)
		n++;
	pthread_mutex_lock(&g->lock);
	g->stats.batches++;
	g->stats.jobs += n;
	if (rc != 0)
		g->stats.failed_commits++;
	pthread_mutex_unlock(&g->lock);
	struct job *j = batch;
	while (j) {
		struct job *next = j->next;
		j->done(j->rc, j->payload);
		free(j);
		j = next;
	}
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

int mc_group_start(mc_group **out, const char *url, int max_batch)
{
	mc_group *g = mc_xcalloc(1, sizeof *g);
	int rc = mc_store_open(&g->st, url);
	if (rc != 0) {
		free(g);
		return rc;
	}
	g->max_batch = max_batch > 0 ? max_batch : 256;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->ready, NULL);
	if (pthread_create(&g->thread, NULL, writer_main, g) != 0) {
		mc_store_close(g->st);
		pthread_mutex_destroy(&g->lock);
		pthread_cond_destroy(&g->ready);
		free(g);
		return MC_ERROR;
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
	mc_store_close(g->st);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->ready);
	free(g);
}

void mc_group_get_stats(mc_group *g, mc_group_stats *out)
{
	pthread_mutex_lock(&g->lock);
	*out = g->stats;
	pthread_mutex_unlock(&g->lock);
}
