/* test_cache.c - the cache of rendered public replies (src/http/cache.c):
 * a reply is served only for the version and age it was made for, without a
 * version read only in the change epoch its version was found current in,
 * and within a budget of bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/cache.h"

/* The bytes of a hit, checked and released. */
static void assert_body(mc_cache_body *b, const char *want)
{
	assert_non_null(b);
	size_t len = 0;
	const char *data = mc_cache_body_data(b, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	mc_cache_body_release(b);
}

static void test_version_and_age(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(1 << 20, 1024, 60);
	const char *k = "000.00.33.H56-170302-0001";
	mc_cache_put(c, k, 3, 0, 1000, "{\"v\":3}", 7);
	int64_t made = 0;
	assert_body(mc_cache_get(c, k, 3, 0, 1030, &made), "{\"v\":3}");
	assert_int_equal(made, 1000);
	/* A newer version of the dossier is never answered with the old bytes. */
	assert_null(mc_cache_get(c, k, 4, 0, 1030, NULL));
	/* Nor with bytes older than max_age (due soon / overdue depend on the clock). */
	assert_null(mc_cache_get(c, k, 3, 0, 1061, NULL));
	/* Another key is a miss. */
	assert_null(mc_cache_get(c, "000.00.33.H56-170302-0002", 3, 0, 1030, NULL));
	mc_cache_free(c);
}

static void test_epochs(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(1 << 20, 1024, 60);
	const char *k = "000.00.33.H56-170302-0001";
	int64_t version = 0, made = 0;
	bool check = true;
	/* Nothing cached: not worth reading the version, the reply must be made. */
	assert_null(mc_cache_get_current(c, k, 5, 1000, &version, &made, &check));
	assert_false(check);
	/* Put in epoch 5: current in epoch 5 without a read. */
	mc_cache_put(c, k, 3, 5, 1000, "three", 5);
	assert_body(mc_cache_get_current(c, k, 5, 1010, &version, &made, &check), "three");
	assert_false(check);
	assert_int_equal(version, 3);
	assert_int_equal(made, 1000);
	/* Something was committed since (epoch 6): the version must be read. */
	assert_null(mc_cache_get_current(c, k, 6, 1010, &version, &made, &check));
	assert_true(check);
	/* Read and found unchanged in epoch 6: current in 6 from then on. */
	assert_body(mc_cache_get(c, k, 3, 6, 1010, NULL), "three");
	assert_body(mc_cache_get_current(c, k, 6, 1010, NULL, NULL, &check), "three");
	/* An older epoch never moves the stamp back: 5 no longer matches, 6 still does. */
	assert_body(mc_cache_get(c, k, 3, 5, 1010, NULL), "three");
	assert_null(mc_cache_get_current(c, k, 5, 1010, NULL, NULL, &check));
	assert_true(check);
	assert_body(mc_cache_get_current(c, k, 6, 1010, NULL, NULL, &check), "three");
	/* Read in epoch 7 and found changed: the old bytes are not stamped. */
	assert_null(mc_cache_get(c, k, 4, 7, 1010, NULL));
	assert_null(mc_cache_get_current(c, k, 7, 1010, NULL, NULL, &check));
	mc_cache_put(c, k, 4, 7, 1010, "four", 4);
	assert_body(mc_cache_get_current(c, k, 7, 1010, &version, NULL, &check), "four");
	assert_int_equal(version, 4);
	/* Still bounded by age, and then not worth a read either. */
	assert_null(mc_cache_get_current(c, k, 7, 1071, NULL, NULL, &check));
	assert_false(check);
	/* Epoch 0 is "unknown": never a hit without a read, even for an entry put in it. */
	mc_cache_put(c, "K-0", 1, 0, 1000, "zero", 4);
	assert_null(mc_cache_get_current(c, "K-0", 0, 1000, NULL, NULL, &check));
	assert_true(check);
	assert_body(mc_cache_get(c, "K-0", 1, 0, 1000, NULL), "zero");
	assert_null(mc_cache_get_current(c, "K-0", 0, 1000, NULL, NULL, &check));
	mc_cache_free(c);
}

static void test_limits(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(1 << 20, 8, 60);
	mc_cache_put(c, "a", 1, 1, 0, "123456789", 9); /* larger than max_bytes: not kept */
	assert_null(mc_cache_get(c, "a", 1, 1, 0, NULL));
	char key[200];
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	mc_cache_put(c, key, 1, 1, 0, "x", 1); /* a key longer than the slot's: not kept */
	assert_null(mc_cache_get(c, key, 1, 1, 0, NULL));
	mc_cache_free(c);
	mc_cache_free(NULL);
	mc_cache_body_release(NULL);
}

static void test_many_keys_the_newest_stays(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(32 * 1024, 64, 60);
	char key[32], body[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "K-%d", i);
		snprintf(body, sizeof body, "body %d", i);
		mc_cache_put(c, key, 1, 1, 10, body, strlen(body));
		/* What was just put is there, whatever it pushed out. */
		assert_body(mc_cache_get(c, key, 1, 1, 10, NULL), body);
	}
	mc_cache_free(c);
}

static void test_budget_in_bytes(void **state)
{
	(void)state;
	/* 256 KiB of budget, bodies of 1,000 bytes: a few hundred fit, not 5,000. */
	size_t budget = 256 * 1024;
	mc_cache *c = mc_cache_new(budget, 4096, 60);
	char key[32], body[1000];
	memset(body, 'b', sizeof body);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "K-%d", i);
		mc_cache_put(c, key, 1, 1, 10, body, sizeof body);
	}
	size_t entries = 0, bytes = 0;
	mc_cache_usage(c, &entries, &bytes);
	assert_true(bytes <= budget);
	assert_true(entries * sizeof body <= budget);
	assert_true(entries >= 100); /* most of the budget is used */
	/* The most recent keys are there. */
	int recent = 0;
	for (int i = 4990; i < 5000; i++) {
		snprintf(key, sizeof key, "K-%d", i);
		mc_cache_body *b = mc_cache_get(c, key, 1, 1, 10, NULL);
		recent += b != NULL;
		mc_cache_body_release(b);
	}
	assert_true(recent >= 8);
	mc_cache_free(c);

	/* A budget that holds all of them keeps nearly all of them (a set of
	 * eight may be asked for a ninth key). */
	c = mc_cache_new(16 << 20, 4096, 60);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "K-%d", i);
		mc_cache_put(c, key, 1, 1, 10, body, sizeof body);
	}
	mc_cache_usage(c, &entries, &bytes);
	assert_true(entries >= 4900);
	assert_true(bytes <= 16 << 20);
	mc_cache_free(c);
}

static void test_reference_outlives_eviction(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(1 << 20, 64, 60);
	mc_cache_put(c, "K", 1, 1, 10, "first", 5);
	mc_cache_body *held = mc_cache_get(c, "K", 1, 1, 10, NULL);
	assert_non_null(held);
	/* A new version replaces the entry while a reply still sends the old bytes. */
	mc_cache_put(c, "K", 2, 2, 10, "second", 6);
	assert_body(mc_cache_get(c, "K", 2, 2, 10, NULL), "second");
	assert_body(held, "first");
	/* And the cache freed while a reference is held: the reference stays valid. */
	held = mc_cache_get(c, "K", 2, 2, 10, NULL);
	mc_cache_free(c);
	assert_body(held, "second");
}

/* Threads that get, put and release at once under a budget that keeps them
 * evicting: a body is only ever read through a reference, and stays the body
 * of its key and version (ASan sees any use after free). */
struct hammer {
	mc_cache *c;
	unsigned seed;
	int bad;
};

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	char key[32], body[600];
	for (int i = 0; i < 20000; i++) {
		int k = (int)(rand_r(&h->seed) % 3000);
		int64_t v = rand_r(&h->seed) % 3;
		uint64_t epoch = 1 + rand_r(&h->seed) % 2;
		snprintf(key, sizeof key, "K-%d", k);
		bool check = false;
		int64_t got_version = -1;
		mc_cache_body *b = mc_cache_get_current(h->c, key, epoch, 10, &got_version, NULL, &check);
		if (!b)
			b = mc_cache_get(h->c, key, v, epoch, 10, NULL);
		else
			v = got_version;
		if (b) {
			size_t len = 0;
			const char *data = mc_cache_body_data(b, &len);
			int n = snprintf(body, sizeof body, "%s@%lld", key, (long long)v);
			if (len < (size_t)n || memcmp(data, body, (size_t)n) != 0)
				h->bad++;
			mc_cache_body_release(b);
		} else {
			int n = snprintf(body, sizeof body, "%s@%lld", key, (long long)v);
			memset(body + n, '.', sizeof body - (size_t)n);
			mc_cache_put(h->c, key, v, epoch, 10, body, 100 + (size_t)(rand_r(&h->seed) % 400));
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(256 * 1024, 4096, 60);
	pthread_t t[4];
	struct hammer h[4];
	for (int i = 0; i < 4; i++) {
		h[i] = (struct hammer){.c = c, .seed = (unsigned)i + 1};
		assert_int_equal(pthread_create(&t[i], NULL, hammer_main, &h[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(h[i].bad, 0);
	}
	size_t entries = 0, bytes = 0;
	mc_cache_usage(c, &entries, &bytes);
	assert_true(bytes <= 256 * 1024);
	mc_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_version_and_age), cmocka_unit_test(test_epochs),
	    cmocka_unit_test(test_limits),	    cmocka_unit_test(test_many_keys_the_newest_stays),
	    cmocka_unit_test(test_budget_in_bytes), cmocka_unit_test(test_reference_outlives_eviction),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
