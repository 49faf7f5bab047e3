/* test_cache.c - the cache of rendered public replies (src/http/cache.c):
 * a reply is served only for the version and age it was made for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/cache.h"

static void test_version_and_age(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(64, 1024, 60);
	char *out = NULL;
	mc_cache_put(c, "000.00.33.H56-170302-0001", 3, 1000, "{\"v\":3}", 7);
	int64_t made = 0;
	assert_int_equal(mc_cache_get(c, "000.00.33.H56-170302-0001", 3, 1030, &out, &made), 7);
	assert_int_equal(made, 1000);
	assert_memory_equal(out, "{\"v\":3}", 7);
	free(out);
	/* A newer version of the dossier is never answered with the old bytes. */
	assert_int_equal(mc_cache_get(c, "000.00.33.H56-170302-0001", 4, 1030, &out, NULL), 0);
	assert_null(out);
	/* Nor with bytes older than max_age (due soon / overdue depend on the clock). */
	assert_int_equal(mc_cache_get(c, "000.00.33.H56-170302-0001", 3, 1061, &out, NULL), 0);
	/* Another key is a miss. */
	assert_int_equal(mc_cache_get(c, "000.00.33.H56-170302-0002", 3, 1030, &out, NULL), 0);
	mc_cache_free(c);
}

static void test_limits(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(16, 8, 60);
	char *out = NULL;
	mc_cache_put(c, "a", 1, 0, "123456789", 9); /* larger than max_bytes: not kept */
	assert_int_equal(mc_cache_get(c, "a", 1, 0, &out, NULL), 0);
	char key[200];
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	mc_cache_put(c, key, 1, 0, "x", 1); /* a key longer than the slot's: not kept */
	assert_int_equal(mc_cache_get(c, key, 1, 0, &out, NULL), 0);
	mc_cache_free(c);
	mc_cache_free(NULL);
}

static void test_many_keys_the_newest_stays(void **state)
{
	(void)state;
	mc_cache *c = mc_cache_new(32, 64, 60);
	char key[32], body[32], *out = NULL;
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "K-%d", i);
		snprintf(body, sizeof body, "body %d", i);
		mc_cache_put(c, key, 1, 10, body, strlen(body));
		/* What was just put is there, whatever it pushed out. */
		size_t n = mc_cache_get(c, key, 1, 10, &out, NULL);
		assert_int_equal(n, strlen(body));
		assert_memory_equal(out, body, n);
		free(out);
	}
	mc_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_age),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_many_keys_the_newest_stays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
