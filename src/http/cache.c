#include "http/cache.h"

#include "core/mc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES 64
#define KEY_MAX 64
/* Ways per set: a key may live in any of the WAYS slots of its set, and a
 * new key replaces the least recently used of them, so hot keys that hash to
 * the same set no longer evict each other (with half as many keys as slots,
 * sets of four overflow for about 1 % of the keys, sets of eight for almost
 * none). */
#define WAYS 8
/* A stripe over its share of the budget evicts the least recently used of
 * the entries that are each the least recently used of one of this many sets
 * under its clock hand: close to LRU over the stripe, at a bounded cost. */
#define EVICT_SAMPLE 4
/* What malloc adds to each block, roughly, so that the budget is near what
 * the process holds. */
#define MALLOC_OVERHEAD 16

struct mc_cache_body {
	atomic_uint refs;
	uint32_t key_len;
	size_t len;
	char bytes[]; /* the key and its NUL, then the body */
};

typedef struct {
	mc_cache_body *body; /* NULL: a free slot */
	uint64_t hash;
	uint64_t used; /* stamp of the last get or put; LRU within the stripe */
	int64_t version;
	int64_t made_at;
	uint64_t epoch; /* the latest change epoch in which version was read and found current */
} slot;

typedef struct {
	pthread_mutex_t lock;
	uint64_t clock; /* the stamps of this stripe's slots */
	size_t bytes;	/* charged by this stripe's bodies */
	size_t entries;
	size_t hand; /* the next of its sets to look at when evicting */
} stripe;

struct mc_cache {
	slot *slots;	 /* sets × WAYS, a set's ways adjacent */
	size_t set_mask; /* sets - 1; set i is in stripe i % STRIPES */
	size_t max_bytes;
	size_t stripe_budget;
	int64_t max_age;
	stripe stripes[STRIPES];
};

/* FNV-1a: short keys, good spread, no allocation. */
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static size_t charge(const mc_cache_body *b)
{
	return sizeof *b + b->key_len + 1 + b->len + MALLOC_OVERHEAD;
}

mc_cache *mc_cache_new(size_t budget, size_t max_bytes, int64_t max_age)
{
	mc_cache *c = mc_xcalloc(1, sizeof *c);
	/* A slot per 512 bytes of budget (a reply is about 1.3 KB): at least
	 * twice as many slots as entries, and at least one set per stripe. */
	size_t want = budget / 512, n = (size_t)STRIPES * WAYS;
	while (n < want)
		n <<= 1;
	c->slots = mc_xcalloc(n, sizeof *c->slots);
	c->set_mask = n / WAYS - 1;
	c->max_bytes = max_bytes;
	c->stripe_budget = budget / STRIPES;
	c->max_age = max_age;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->stripes[i].lock, NULL);
	return c;
}

void mc_cache_body_release(mc_cache_body *b)
{
	if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
		free(b);
}

const char *mc_cache_body_data(const mc_cache_body *b, size_t *len)
{
	*len = b->len;
	return b->bytes + b->key_len + 1;
}

void mc_cache_free(mc_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < (c->set_mask + 1) * WAYS; i++)
		mc_cache_body_release(c->slots[i].body);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->stripes[i].lock);
	free(c->slots);
	free(c);
}

/* The slot of the set holding key, or NULL; under the stripe's lock. */
static slot *find(slot *set, uint64_t h, const char *key)
{
	for (int w = 0; w < WAYS; w++) {
		if (set[w].body && set[w].hash == h && strcmp(set[w].body->bytes, key) == 0)
			return &set[w];
	}
	return NULL;
}

static bool fresh(const mc_cache *c, const slot *s, int64_t now)
{
	return now - s->made_at <= c->max_age && now >= s->made_at;
}

/* A hit: a new reference to the slot's body, its stamps given back. */
static mc_cache_body *take(stripe *st, slot *s, int64_t *version, int64_t *made_at)
{
	atomic_fetch_add_explicit(&s->body->refs, 1, memory_order_relaxed);
	if (version)
		*version = s->version;
	if (made_at)
		*made_at = s->made_at;
	s->used = ++st->clock;
	return s->body;
}

mc_cache_body *mc_cache_get_current(mc_cache *c, const char *key, uint64_t epoch, int64_t now,
				    int64_t *version, int64_t *made_at, bool *worth_checking)
{
	uint64_t h = hash(key);
	size_t i = h & c->set_mask;
	stripe *st = &c->stripes[i % STRIPES];
	mc_cache_body *b = NULL;
	pthread_mutex_lock(&st->lock);
	slot *s = find(&c->slots[i * WAYS], h, key);
	*worth_checking = s && fresh(c, s, now);
	if (*worth_checking && epoch != 0 && s->epoch == epoch) {
		b = take(st, s, version, made_at);
		*worth_checking = false;
	}
	pthread_mutex_unlock(&st->lock);
	return b;
}

mc_cache_body *mc_cache_get(mc_cache *c, const char *key, int64_t version, uint64_t epoch, int64_t now,
			    int64_t *made_at)
{
	uint64_t h = hash(key);
	size_t i = h & c->set_mask;
	stripe *st = &c->stripes[i % STRIPES];
	mc_cache_body *b = NULL;
	pthread_mutex_lock(&st->lock);
	slot *s = find(&c->slots[i * WAYS], h, key);
	if (s && s->version == version && fresh(c, s, now)) {
		/* The version was read in epoch and is this one: current then. */
		if (epoch > s->epoch)
			s->epoch = epoch;
		b = take(st, s, NULL, made_at);
	}
	pthread_mutex_unlock(&st->lock);
	return b;
}

static void drop(stripe *st, slot *s)
{
	st->bytes -= charge(s->body);
	st->entries--;
	mc_cache_body_release(s->body);
	s->body = NULL;
}

/* Evicts one entry of stripe k other than keep: the least recently used of
 * the LRU entries of the next EVICT_SAMPLE non-empty sets under the hand.
 * False when keep is all the stripe holds. Under the stripe's lock. */
static bool evict_one(mc_cache *c, stripe *st, size_t k, const slot *keep)
{
	size_t per = (c->set_mask + 1) / STRIPES, seen = 0;
	slot *victim = NULL;
	for (size_t tries = 0; tries < per && seen < EVICT_SAMPLE; tries++) {
		slot *set = &c->slots[(k + (st->hand++ % per) * STRIPES) * WAYS];
		slot *lru = NULL;
		for (int w = 0; w < WAYS; w++) {
			if (set[w].body && &set[w] != keep && (!lru || set[w].used < lru->used))
				lru = &set[w];
		}
		if (!lru)
			continue;
		seen++;
		if (!victim || lru->used < victim->used)
			victim = lru;
	}
	if (!victim)
		return false;
	drop(st, victim);
	return true;
}

void mc_cache_put(mc_cache *c, const char *key, int64_t version, uint64_t epoch, int64_t now,
		  const char *body, size_t len)
{
	size_t key_len = strlen(key);
	if (len == 0 || len > c->max_bytes || key_len >= KEY_MAX)
		return;
	mc_cache_body *b = mc_xmalloc(sizeof *b + key_len + 1 + len);
	atomic_init(&b->refs, 1);
	b->key_len = (uint32_t)key_len;
	b->len = len;
	memcpy(b->bytes, key, key_len + 1);
	memcpy(b->bytes + key_len + 1, body, len);
	if (charge(b) > c->stripe_budget) {
		free(b);
		return;
	}
	uint64_t h = hash(key);
	size_t i = h & c->set_mask;
	stripe *st = &c->stripes[i % STRIPES];
	pthread_mutex_lock(&st->lock);
	slot *set = &c->slots[i * WAYS];
	/* The key's own slot (an older version), else a free one, else the
	 * least recently used. */
	slot *s = find(set, h, key);
	for (int w = 0; !s && w < WAYS; w++) {
		if (!set[w].body)
			s = &set[w];
	}
	if (!s) {
		s = &set[0];
		for (int w = 1; w < WAYS; w++) {
			if (set[w].used < s->used)
				s = &set[w];
		}
	}
	if (s->body)
		drop(st, s);
	s->body = b;
	s->hash = h;
	s->version = version;
	s->made_at = now;
	s->epoch = epoch;
	s->used = ++st->clock;
	st->bytes += charge(b);
	st->entries++;
	while (st->bytes > c->stripe_budget && evict_one(c, st, i % STRIPES, s))
		;
	pthread_mutex_unlock(&st->lock);
}

void mc_cache_usage(mc_cache *c, size_t *entries, size_t *bytes)
{
	*entries = 0;
	*bytes = 0;
	for (int i = 0; i < STRIPES; i++) {
		pthread_mutex_lock(&c->stripes[i].lock);
		*entries += c->stripes[i].entries;
		*bytes += c->stripes[i].bytes;
		pthread_mutex_unlock(&c->stripes[i].lock);
	}
}
