/*
 * limiter.h - counting failed attempts per key (an account, an address) in a
 * sliding window, to slow down password guessing. Bounded memory: a fixed
 * table, found by a keyed digest of the key (no one outside the process can
 * aim keys at another's slots), where a new key may push out the stalest one
 * that is still only counting, never one that is blocking before its window
 * ends (a new key that finds no room is then not counted). Thread-safe.
 */
#ifndef MC_HTTP_LIMITER_H
#define MC_HTTP_LIMITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mc_limiter mc_limiter;

/* At most `max` failures per `window` seconds; past that the key is blocked
 * until `window` seconds after its first counted failure. */
mc_limiter *mc_limiter_new(size_t slots, int max, int window);
void mc_limiter_free(mc_limiter *l);
/* Whether key is blocked at now; *retry_after gets the seconds left. */
bool mc_limiter_blocked(mc_limiter *l, const char *key, int64_t now, int *retry_after);
void mc_limiter_fail(mc_limiter *l, const char *key, int64_t now);
/* Forgets the key's failures (after a success). */
void mc_limiter_reset(mc_limiter *l, const char *key);

#endif
