/*
 * offload.h - a small pool of threads for CPU-heavy work that must not hold
 * up a worker's event loop: hashing and checking passwords (argon2id takes
 * tens of milliseconds and 64 MiB). The queue is bounded: when it is full,
 * work is refused at once (the caller answers 429) rather than letting a
 * flood of sign-ins starve every other request.
 */
#ifndef MC_HTTP_OFFLOAD_H
#define MC_HTTP_OFFLOAD_H

typedef struct mc_offload mc_offload;

typedef int (*mc_offload_fn)(void *payload);
/* Runs on the pool thread after fn, with its result; must only hand the
 * result over to its own thread. */
typedef void (*mc_offload_done)(int rc, void *payload);

/* threads >= 1 pool threads, at most queue_max jobs waiting. NULL on failure. */
mc_offload *mc_offload_new(int threads, int queue_max);
/* Queues fn; MC_EBUSY when the queue is full or the pool is stopping. */
int mc_offload_submit(mc_offload *o, mc_offload_fn fn, mc_offload_done done, void *payload);
/* Jobs waiting now (for /metrics). */
int mc_offload_waiting(mc_offload *o);
/* Runs what is queued, stops the threads and frees the pool. NULL-safe. */
void mc_offload_free(mc_offload *o);

#endif
