/*
 * cache.h - a bounded cache of rendered replies, shared by the worker
 * threads, for the hot public reads (dossier lookup by code).
 *
 * An entry is keyed by a string and stamped with the version of the record it
 * was rendered from and the time it was made: a reader presents the version
 * it has just read (one indexed look-up) and gets the bytes only when both
 * match and the entry is younger than max_age. So a write is never hidden
 * (its version differs), even by another process on the same database, and
 * what depends on the clock (due soon, overdue) is at most max_age old.
 *
 * Change epochs spare that read when nothing has been written: the server
 * keeps a number that moves whenever a worker's read connection sees that
 * anything was committed since its previous look (mc_req_change_epoch). An
 * entry also keeps the epoch at which its version was last read and found
 * current; a reader in the same epoch gets the bytes without reading the
 * version. The epoch is taken before the version is read, so an entry is
 * never stamped with an epoch newer than what its read saw. Epoch 0 means
 * "unknown" (a backend that cannot tell) and never spares the read.
 *
 * Bodies are immutable and reference-counted: a reader holds a reference
 * while its reply is sent, without copying, and an entry replaced or evicted
 * meanwhile frees its body when the last reference goes.
 *
 * Set-associative: a key's hash picks a set of eight slots, and a new key
 * takes a free slot of its set or replaces the least recently used one (a
 * newer version replaces the key's own slot). The memory is bounded in bytes
 * (the bodies with their keys, plus the fixed slot table): the sets are
 * spread over 64 stripes, each with its lock and a share of the budget, and
 * a stripe over its share evicts the least recently used entry of its sets
 * in turn (a clock hand) until it is back within it.
 */
#ifndef MC_HTTP_CACHE_H
#define MC_HTTP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mc_cache mc_cache;
typedef struct mc_cache_body mc_cache_body;

/* budget: the bytes the bodies and keys may take (the slot table, 48 bytes a
 * slot and a slot per 512 bytes of budget, comes on top); max_bytes: the
 * largest body kept. Caller frees with mc_cache_free. */
mc_cache *mc_cache_new(size_t budget, size_t max_bytes, int64_t max_age);
void mc_cache_free(mc_cache *c);

/* The body cached for key if its version was found current in this epoch
 * (not 0) and it was made at or after now - max_age: a new reference (release
 * it), with its version and when it was made (made_at may be NULL); NULL
 * otherwise. *worth_checking then says whether an entry young enough is there
 * at all: if so, the caller reads the version and asks mc_cache_get; if not,
 * reading the version would be wasted, the reply must be rendered anyway. */
mc_cache_body *mc_cache_get_current(mc_cache *c, const char *key, uint64_t epoch, int64_t now,
				    int64_t *version, int64_t *made_at, bool *worth_checking);
/* The body cached for key at version, made at or after now - max_age: a new
 * reference, and the entry is stamped as found current in epoch (taken before
 * the version was read); NULL on a miss. */
mc_cache_body *mc_cache_get(mc_cache *c, const char *key, int64_t version, uint64_t epoch, int64_t now,
			    int64_t *made_at);
/* Stores a copy of body for key at version (read in epoch), made at now. */
void mc_cache_put(mc_cache *c, const char *key, int64_t version, uint64_t epoch, int64_t now,
		  const char *body, size_t len);

/* The bytes of a body, valid while the reference is held. */
const char *mc_cache_body_data(const mc_cache_body *b, size_t *len);
/* Drops a reference (NULL-safe); any thread. */
void mc_cache_body_release(mc_cache_body *b);

/* What the cache holds: entries and the bytes charged to the budget. */
void mc_cache_usage(mc_cache *c, size_t *entries, size_t *bytes);

#endif
