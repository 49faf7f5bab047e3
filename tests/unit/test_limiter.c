/* test_limiter.c - failed-attempt counting (src/http/limiter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "http/limiter.h"

static void test_blocks_after_max_until_the_window_ends(void **state)
{
	(void)state;
	mc_limiter *l = mc_limiter_new(64, 3, 900);
	int retry = 0;
	for (int i = 0; i < 3; i++) {
		assert_false(mc_limiter_blocked(l, "user:an", 1000 + i, &retry));
		mc_limiter_fail(l, "user:an", 1000 + i);
	}
	assert_true(mc_limiter_blocked(l, "user:an", 1010, &retry));
	assert_int_equal(retry, 890);
	/* Other keys are not touched. */
	assert_false(mc_limiter_blocked(l, "user:binh", 1010, &retry));
	/* The window ends 900 s after the first failure. */
	assert_true(mc_limiter_blocked(l, "user:an", 1899, &retry));
	assert_false(mc_limiter_blocked(l, "user:an", 1900, &retry));
	/* A new failure after the window starts counting again. */
	mc_limiter_fail(l, "user:an", 1900);
	assert_false(mc_limiter_blocked(l, "user:an", 1901, &retry));
	mc_limiter_free(l);
}

static void test_success_forgets(void **state)
{
	(void)state;
	mc_limiter *l = mc_limiter_new(64, 2, 900);
	mc_limiter_fail(l, "ip:127.0.0.1", 10);
	mc_limiter_fail(l, "ip:127.0.0.1", 11);
	assert_true(mc_limiter_blocked(l, "ip:127.0.0.1", 12, NULL));
	mc_limiter_reset(l, "ip:127.0.0.1");
	assert_false(mc_limiter_blocked(l, "ip:127.0.0.1", 12, NULL));
	mc_limiter_free(l);
}

static void test_bounded_memory_under_many_keys(void **state)
{
	(void)state;
	mc_limiter *l = mc_limiter_new(16, 2, 900);
	char key[32];
	/* Thousands of keys in a small table: the newest are counted, nothing overflows. */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "ip:10.0.%d.%d", i / 250, i % 250);
		mc_limiter_fail(l, key, 100 + i);
		mc_limiter_fail(l, key, 100 + i);
	}
	assert_true(mc_limiter_blocked(l, key, 100 + 5000, NULL));
	mc_limiter_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blocks_after_max_until_the_window_ends),
	    cmocka_unit_test(test_success_forgets),
	    cmocka_unit_test(test_bounded_memory_under_many_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
