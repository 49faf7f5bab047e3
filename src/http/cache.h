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
 * Set-associative: a key's hash picks a set of four slots, and a new key
 * takes a free slot of its set or replaces the least recently used one (a
 * newer version replaces the key's own slot); the memory is bounded by
 * slots × max_bytes.
 */
#ifndef MC_HTTP_CACHE_H
#define MC_HTTP_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mc_cache mc_cache;

/* slots: rounded up to a power of two (at least four); max_bytes: the largest body kept. Caller frees with mc_cache_free. */
mc_cache *mc_cache_new(size_t slots, size_t max_bytes, int64_t max_age);
void mc_cache_free(mc_cache *c);
/* Copies the cached body for key at version, made at or after now - max_age,
 * into a new buffer (caller frees) and returns its length; 0 on a miss.
 * made_at (may be NULL) gets when the body was made, for an entity tag. */
size_t mc_cache_get(mc_cache *c, const char *key, int64_t version, int64_t now, char **out, int64_t *made_at);
/* Stores a copy of body for key at version, made at now. */
void mc_cache_put(mc_cache *c, const char *key, int64_t version, int64_t now, const char *body, size_t len);

#endif
