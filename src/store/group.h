/*
 * group.h - group commit: many requests' writes joined into one transaction.
 *
 * A durable commit costs an fsync (a few milliseconds). One transaction per
 * request would cap the server at a few hundred writes per second, so writes
 * are queued to one writer thread that owns its own store connection. The
 * writer takes every job waiting (up to max_batch), runs each inside its own
 * savepoint of one transaction, commits once, and only then reports each
 * job's result. While it waits on the disk, new jobs queue up and form the next
 * batch: the busier the server, the more each fsync carries.
 */
#ifndef MC_GROUP_H
#define MC_GROUP_H

#include "store/store.h"

typedef struct mc_group mc_group;

/* Runs on the writer thread inside the batch transaction, within a savepoint
 * of its own: a non-zero return undoes this job's writes only. */
typedef int (*mc_group_fn)(mc_store *st, void *payload);
/* Runs on the writer thread after the commit (rc 0) or failure (rc < 0, or the
 * job's own code). It must only hand the result over to its own thread. */
typedef void (*mc_group_done)(int rc, void *payload);

/* Opens a store connection on url and starts the writer. Caller stops with mc_group_stop. */
int mc_group_start(mc_group **out, const char *url, int max_batch);
/* Queues a job. MC_EBUSY once stopping. */
int mc_group_submit(mc_group *g, mc_group_fn fn, mc_group_done done, void *payload);
/* Runs one job synchronously through the queue and waits for its commit;
 * for callers without an event loop. Returns the job's code. */
int mc_group_run(mc_group *g, mc_group_fn fn, void *payload);
/* Finishes every queued job, stops the writer and closes its store. NULL-safe. */
void mc_group_stop(mc_group *g);

/* Figures for /metrics and benchmarks. */
typedef struct {
	uint64_t jobs;
	uint64_t batches;
	uint64_t failed_commits;
} mc_group_stats;
void mc_group_get_stats(mc_group *g, mc_group_stats *out);

#endif
