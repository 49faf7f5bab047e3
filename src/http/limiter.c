#include "http/limiter.h"

#include "core/mc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 80
#define PROBES 8

typedef struct {
	char key[KEY_MAX];
	int64_t since; /* first failure of the window */
	int count;
} slot;

struct mc_limiter {
	slot *slots;
	size_t mask;
	int max, window;
	pthread_mutex_t lock;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

mc_limiter *mc_limiter_new(size_t slots, int max, int window)
{
	mc_limiter *l = mc_xcalloc(1, sizeof *l);
	size_t n = 16;
	while (n < slots)
		n <<= 1;
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
	free(l->slots);
	free(l);
}

/* The slot of key among its probes, or NULL; with `take`, the slot to use for
 * it (an empty or expired one, else the stalest of the probes). */
static slot *find(mc_limiter *l, const char *key, int64_t now, bool take)
{
	size_t h = hash(key);
	slot *stalest = NULL;
	for (size_t i = 0; i < PROBES; i++) {
		slot *s = &l->slots[(h + i) & l->mask];
		if (s->key[0] && strcmp(s->key, key) == 0)
			return s;
		if (!take)
			continue;
		bool free_slot = !s->key[0] || now - s->since >= l->window;
		if (free_slot && (!stalest || stalest->key[0]))
			stalest = s;
		else if (!stalest || (stalest->key[0] && s->since < stalest->since))
			stalest = s;
	}
	return take ? stalest : NULL;
}

bool mc_limiter_blocked(mc_limiter *l, const char *key, int64_t now, int *retry_after)
{
	bool blocked = false;
	pthread_mutex_lock(&l->lock);
	slot *s = find(l, key, now, false);
	if (s && now - s->since < l->window && s->count >= l->max) {
		blocked = true;
		if (retry_after)
			*retry_after = (int)(l->window - (now - s->since));
	}
	pthread_mutex_unlock(&l->lock);
	return blocked;
}

void mc_limiter_fail(mc_limiter *l, const char *key, int64_t now)
{
	if (strlen(key) >= KEY_MAX)
		return;
	pthread_mutex_lock(&l->lock);
	slot *s = find(l, key, now, false);
	if (!s) {
		s = find(l, key, now, true);
		memset(s, 0, sizeof *s);
		memcpy(s->key, key, strlen(key) + 1);
	}
	if (now - s->since >= l->window) {
		s->since = now;
		s->count = 0;
	}
	s->count++;
	pthread_mutex_unlock(&l->lock);
}

void mc_limiter_reset(mc_limiter *l, const char *key)
{
	pthread_mutex_lock(&l->lock);
	slot *s = find(l, key, 0, false);
	if (s)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&l->lock);
}
