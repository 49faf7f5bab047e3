/*
 * limiter.c - failed attempts counted per key in a fixed table (limiter.h).
 *
 * A key is found by a keyed digest of it (BLAKE2b under a random key of the
 * table's own), so no one outside the process can choose keys that land on
 * another's slots; the digest, not the key, is kept, so a key of any length
 * is counted. A key that is blocking is never pushed out before its window
 * ends: a new key takes a free or expired slot among its probes, else the
 * stalest one that is still only counting, else it is not counted (the
 * other counters, an address's, still hold).
 */
#include "http/limiter.h"

#include "core/mc.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PROBES 8
#define ID_BYTES 16

typedef struct {
	unsigned char id[ID_BYTES]; /* the key's digest */
	bool used;
	int64_t since; /* first failure of the window */
	int count;
} slot;

struct mc_limiter {
	slot *slots;
	size_t mask;
	int max, window;
	unsigned char secret[crypto_generichash_KEYBYTES];
	pthread_mutex_t lock;
};

mc_limiter *mc_limiter_new(size_t slots, int max, int window)
{
	mc_limiter *l = mc_xcalloc(1, sizeof *l);
	size_t n = 16;
	while (n < slots)
		n <<= 1;
	if (sodium_init() < 0)
		abort(); /* no random source: nothing here could be trusted */
	randombytes_buf(l->secret, sizeof l->secret);
	l->slots = mc_xcalloc(n, sizeof *l->slots);
	l->mask = n - 1;
	l->max = max;
	l->window = window;
	pthread_mutex_init(&l->lock, NULL);
	return l;
}

void mc_limiter_free(mc_limiter *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	sodium_memzero(l->secret, sizeof l->secret);
	free(l->slots);
	free(l);
}

static void digest(const mc_limiter *l, const char *key, unsigned char id[ID_BYTES])
{
	crypto_generichash(id, ID_BYTES, (const unsigned char *)key, strlen(key), l->secret,
			   sizeof l->secret);
}

static size_t first_probe(const unsigned char id[ID_BYTES])
{
	uint64_t h;
	memcpy(&h, id, sizeof h);
	return (size_t)h;
}

static bool live(const mc_limiter *l, const slot *s, int64_t now)
{
	return s->used && now - s->since < l->window;
}

/* The slot of id among its probes, or NULL. */
static slot *find(mc_limiter *l, const unsigned char id[ID_BYTES])
{
	size_t h = first_probe(id);
	for (size_t i = 0; i < PROBES; i++) {
		slot *s = &l->slots[(h + i) & l->mask];
		if (s->used && memcmp(s->id, id, ID_BYTES) == 0)
			return s;
	}
	return NULL;
}

/* The slot a new key takes: a free or expired one among its probes, else
 * the stalest that is not blocking; NULL when every probe is blocking. */
static slot *take(mc_limiter *l, const unsigned char id[ID_BYTES], int64_t now)
{
	size_t h = first_probe(id);
	slot *stalest = NULL;
	for (size_t i = 0; i < PROBES; i++) {
		slot *s = &l->slots[(h + i) & l->mask];
		if (!live(l, s, now))
			return s;
		if (s->count >= l->max)
			continue;
		if (!stalest || s->since < stalest->since)
			stalest = s;
	}
	return stalest;
}

bool mc_limiter_blocked(mc_limiter *l, const char *key, int64_t now, int *retry_after)
{
	unsigned char id[ID_BYTES];
	bool blocked = false;
	digest(l, key, id);
	pthread_mutex_lock(&l->lock);
	slot *s = find(l, id);
	if (s && live(l, s, now) && s->count >= l->max) {
		blocked = true;
		if (retry_after)
			*retry_after = (int)(l->window - (now - s->since));
	}
	pthread_mutex_unlock(&l->lock);
	return blocked;
}

void mc_limiter_fail(mc_limiter *l, const char *key, int64_t now)
{
	unsigned char id[ID_BYTES];
	digest(l, key, id);
	pthread_mutex_lock(&l->lock);
	slot *s = find(l, id);
	if (!s) {
		s = take(l, id, now);
		if (s) {
			memset(s, 0, sizeof *s);
			memcpy(s->id, id, ID_BYTES);
			s->used = true;
			s->since = now;
		}
	}
	if (s) {
		if (now - s->since >= l->window) {
			s->since = now;
			s->count = 0;
		}
		s->count++;
	}
	pthread_mutex_unlock(&l->lock);
}

void mc_limiter_reset(mc_limiter *l, const char *key)
{
	unsigned char id[ID_BYTES];
	digest(l, key, id);
	pthread_mutex_lock(&l->lock);
	slot *s = find(l, id);
	if (s)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&l->lock);
}
