#include "http/cache.h"

#include "core/mc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES 64
#define KEY_MAX 64
/* Ways per set: a key may live in any of the WAYS slots of its set, and a
 * new key replaces the least recently used of them, so two hot keys that
 * hash to the same set no longer evict each other. */
#define WAYS 4

typedef struct {
	char key[KEY_MAX];
	uint64_t hash;
	uint64_t used; /* stamp of the last get or put; LRU within the set */
	int64_t version;
	int64_t made_at;
	char *body;
	size_t len;
} slot;

struct mc_cache {
	slot *slots;     /* sets × WAYS, a set's ways adjacent */
	size_t set_mask; /* sets - 1 */
	size_t max_bytes;
	int64_t max_age;
	pthread_mutex_t locks[STRIPES];
	uint64_t clock[STRIPES]; /* each under its lock */
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

mc_cache *mc_cache_new(size_t slots, size_t max_bytes, int64_t max_age)
{
	mc_cache *c = mc_xcalloc(1, sizeof *c);
	size_t n = WAYS;
	while (n < slots)
		n <<= 1;
	c->slots = mc_xcalloc(n, sizeof *c->slots);
	c->set_mask = n / WAYS - 1;
	c->max_bytes = max_bytes;
	c->max_age = max_age;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->locks[i], NULL);
	return c;
}

void mc_cache_free(mc_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < (c->set_mask + 1) * WAYS; i++)
		free(c->slots[i].body);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c->slots);
	free(c);
}

/* The slot of the set holding key, or NULL; under the set's lock. */
static slot *find(slot *set, uint64_t h, const char *key)
{
	for (int w = 0; w < WAYS; w++) {
		if (set[w].body && set[w].hash == h && strcmp(set[w].key, key) == 0)
			return &set[w];
	}
	return NULL;
}

size_t mc_cache_get(mc_cache *c, const char *key, int64_t version, int64_t now, char **out, int64_t *made_at)
{
	uint64_t h = hash(key);
	size_t i = h & c->set_mask;
	size_t len = 0;
	*out = NULL;
	pthread_mutex_lock(&c->locks[i % STRIPES]);
	slot *s = find(&c->slots[i * WAYS], h, key);
	if (s && s->version == version && now - s->made_at <= c->max_age && now >= s->made_at) {
		*out = mc_xmalloc(s->len);
		memcpy(*out, s->body, s->len);
		len = s->len;
		if (made_at)
			*made_at = s->made_at;
		s->used = ++c->clock[i % STRIPES];
	}
	pthread_mutex_unlock(&c->locks[i % STRIPES]);
	return len;
}

void mc_cache_put(mc_cache *c, const char *key, int64_t version, int64_t now, const char *body, size_t len)
{
	if (len == 0 || len > c->max_bytes || strlen(key) >= KEY_MAX)
		return;
	char *copy = mc_xmalloc(len);
	memcpy(copy, body, len);
	uint64_t h = hash(key);
	size_t i = h & c->set_mask;
	pthread_mutex_lock(&c->locks[i % STRIPES]);
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
	char *old = s->body;
	memcpy(s->key, key, strlen(key) + 1);
	s->hash = h;
	s->version = version;
	s->made_at = now;
	s->body = copy;
	s->len = len;
	s->used = ++c->clock[i % STRIPES];
	pthread_mutex_unlock(&c->locks[i % STRIPES]);
	free(old);
}
