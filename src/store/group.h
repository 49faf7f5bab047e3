/*
 * group.h - group commit: many requests' writes joined into one transaction.
 *
 * A durable commit costs an fsync (a few milliseconds). One transaction per
 * request would cap the server at a few hundred writes per second, so writes
 * are queued to one writer thread that owns its own store connection. The
 * writer takes every job waiting (up to max_batch), runs them in one
 * transaction, commits once, and only then reports each job's result. While
 * it waits on the disk, new jobs queue up and form the next batch: the busier
 * the server, the more each fsync carries.
 *
 * A failing job undoes only its own writes. The batch first runs with no
 * savepoint per job (mc_store_undo_all: on PostgreSQL each savepoint and
 * each operation's own costs a round trip and a subtransaction); when a job
 * fails, the whole transaction is rolled back, nothing reported, and the batch
 * run again with each job in a savepoint of its own, as are the next few
 * batches.
 */
#ifndef MC_GROUP_H
#define MC_GROUP_H

#include "store/store.h"

typedef struct mc_group mc_group;

/*
 * Row locks (PostgreSQL). The jobs of a batch run one after the other, so one
 * job waiting for a row that another session holds would hold up every job
 * behind it, and their commit. Inside a batch a job waits at most lock_wait_ms
 * for a row lock; a job that fails with MC_EBUSY is undone to its savepoint
 * and set aside, the batch commits without it, and the job is tried again
 * alone, in a transaction of its own on a second connection (the "lane"),
 * until it gets its locks or limits.lock_timeout_ms has passed since it first
 * ran (then it fails with MC_EBUSY: 503 with Retry-After). Unrelated writes
 * thus never wait for a locked row. SQLite has no row locks (one writer holds
 * the whole database): nothing is set aside there.
 */

/* Runs on a writer thread inside a transaction, within a savepoint of its
 * own: a non-zero return undoes this job's writes only. A job may run more
 * than once (set aside for a row lock, it runs again): a run starts from
 * nothing, and clears what an earlier run left in the payload. */
typedef int (*mc_group_fn)(mc_store *st, void *payload);
/* Runs on a writer thread after the commit (rc 0) or failure (rc < 0, or the
 * job's own code). It must only hand the result over to its own thread. */
typedef void (*mc_group_done)(int rc, void *payload);

typedef struct {
	int max_batch;		/* most jobs in one transaction; 0 = 256 */
	mc_store_limits limits; /* of the writer's connections (store.h); zero = no limits */
	int lock_wait_ms;	/* a job's wait for a row lock inside a batch; 0 = 200 */
} mc_group_options;

/* Opens a store connection on url (and a second one, the lane, when the
 * store has row locks) and starts the writer. opt NULL = defaults. Caller
 * stops with mc_group_stop. */
int mc_group_start(mc_group **out, const char *url, const mc_group_options *opt);
/* Queues a job. MC_EBUSY once stopping. */
int mc_group_submit(mc_group *g, mc_group_fn fn, mc_group_done done, void *payload);
/* Runs one job synchronously through the queue and waits for its commit;
 * for callers without an event loop. Returns the job's code. */
int mc_group_run(mc_group *g, mc_group_fn fn, void *payload);
/* Finishes every queued job, stops the writer and closes its store. NULL-safe. */
void mc_group_stop(mc_group *g);

/* Batch sizes are counted in buckets of at most 1, 2, 4 … 4096 jobs
 * (the largest group_batch). */
#define MC_GROUP_BATCH_BUCKETS 13

/* Figures for /metrics and benchmarks. */
typedef struct {
	uint64_t jobs;
	uint64_t batches;
	/* batches of at most 2^i jobs and more than 2^(i-1), by i (not cumulative) */
	uint64_t batch_sizes[MC_GROUP_BATCH_BUCKETS];
	uint64_t failed_commits;
	uint64_t set_aside;	/* jobs set aside for a row lock (each counted once) */
	uint64_t lock_timeouts; /* of those, the ones that never got their locks (503) */
	/* Batches run job by job, each job in a savepoint of its own: the ones
	 * run again so after a job failed in the batch's first run (reruns),
	 * and the few after each of those. The others ran in one go. */
	uint64_t careful_batches;
	uint64_t reruns;
} mc_group_stats;
void mc_group_get_stats(mc_group *g, mc_group_stats *out);

#endif
