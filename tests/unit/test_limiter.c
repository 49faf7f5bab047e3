/* test_limiter.c - failed-attempt counting (src/http/limiter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

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
	/* Thousands of keys in a small table: nothing overflows, and once the
	 * blocked ones' windows have ended a new key is counted again. */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "ip:10.0.%d.%d", i / 250, i % 250);
		mc_limiter_fail(l, key, 100 + i);
		mc_limiter_fail(l, key, 100 + i);
	}
	mc_limiter_fail(l, "ip:192.0.2.1", 100 + 5000 + 900);
	mc_limiter_fail(l, "ip:192.0.2.1", 100 + 5000 + 900);
	assert_true(mc_limiter_blocked(l, "ip:192.0.2.1", 100 + 5000 + 901, NULL));
	mc_limiter_free(l);
}

/* A blocked key stays blocked until its window ends, however many other keys
 * fail meanwhile: a flood of made-up usernames does not wipe an account's
 * count (when every probe of a new key is blocking, the new one waits). */
static void test_a_flood_of_other_keys_does_not_unblock(void **state)
{
	(void)state;
	mc_limiter *l = mc_limiter_new(16, 3, 900);
	char key[32];
	for (int i = 0; i < 3; i++)
		mc_limiter_fail(l, "u:congdan", 1000);
	assert_true(mc_limiter_blocked(l, "u:congdan", 1001, NULL));
	/* Counting keys (one failure each) and blocking ones (three each). */
	for (int i = 0; i < 3000; i++) {
		snprintf(key, sizeof key, "u:zz%d", i);
		for (int k = 0; k <= (i % 2) * 2; k++)
			mc_limiter_fail(l, key, 1001 + i / 10);
	}
	int retry = 0;
	assert_true(mc_limiter_blocked(l, "u:congdan", 1899, &retry));
	assert_int_equal(retry, 1);
	assert_false(mc_limiter_blocked(l, "u:congdan", 1900, NULL));
	mc_limiter_free(l);
}

/* A key of any length is counted (its digest is kept, not the key). */
static void test_long_keys_are_counted(void **state)
{
	(void)state;
	mc_limiter *l = mc_limiter_new(64, 2, 900);
	char key[600];
	memset(key, 'a', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	mc_limiter_fail(l, key, 10);
	mc_limiter_fail(l, key, 11);
	assert_true(mc_limiter_blocked(l, key, 12, NULL));
	/* the same but its last byte is another key */
	key[sizeof key - 2] = 'b';
	assert_false(mc_limiter_blocked(l, key, 12, NULL));
	mc_limiter_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blocks_after_max_until_the_window_ends),
	    cmocka_unit_test(test_success_forgets),
	    cmocka_unit_test(test_bounded_memory_under_many_keys),
	    cmocka_unit_test(test_a_flood_of_other_keys_does_not_unblock),
	    cmocka_unit_test(test_long_keys_are_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
