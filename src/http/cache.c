#include "http/cache.h"

#include "core/mc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define STRIPES 64
#define KEY_MAX 64

typedef struct {
	char key[KEY_MAX];
	int64_t version;
	int64_t made_at;
	char *body;
	size_t len;
} slot;

struct mc_cache {
	slot *slots;
	size_t mask;
	size_t max_bytes;
	int64_t max_age;
	pthread_mutex_t locks[STRIPES];
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
	size_t n = 1;
	while (n < slots)
		n <<= 1;
	c->slots = mc_xcalloc(n, sizeof *c->slots);
	c->mask = n - 1;
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
	for (size_t i = 0; i <= c->mask; i++)
		free(c->slots[i].body);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->locks[i]);
	free(c->slots);
	free(c);
}

size_t mc_cache_get(mc_cache *c, const char *key, int64_t version, int64_t now, char **out)
{
	size_t i = hash(key) & c->mask;
	size_t len = 0;
	*out = NULL;
	pthread_mutex_t *lock = &c->locks[i % STRIPES];
	pthread_mutex_lock(lock);
	slot *s = &c->slots[i];
	if (s->body && s->version == version && now - s->made_at <= c->max_age && now >= s->made_at &&
	    strcmp(s->key, key) == 0) {
		*out = mc_xmalloc(s->len);
		memcpy(*out, s->body, s->len);
		len = s->len;
	}
	pthread_mutex_unlock(lock);
	return len;
}

void mc_cache_put(mc_cache *c, const char *key, int64_t version, int64_t now, const char *body, size_t len)
{
	if (len == 0 || len > c->max_bytes || strlen(key) >= KEY_MAX)
		return;
	char *copy = mc_xmalloc(len);
	memcpy(copy, body, len);
	size_t i = hash(key) & c->mask;
	pthread_mutex_t *lock = &c->locks[i % STRIPES];
	pthread_mutex_lock(lock);
	slot *s = &c->slots[i];
	char *old = s->body;
	memcpy(s->key, key, strlen(key) + 1);
	s->version = version;
	s->made_at = now;
	s->body = copy;
	s->len = len;
	pthread_mutex_unlock(lock);
	free(old);
}
