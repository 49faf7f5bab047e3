/* test_err.c - why an operation failed, carried from the layer that knows it
 * to the one that answers for it (src/core/err.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "core/err.h"

static int fails_for_state(const char *action)
{
	mc_err_clear();
	return mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "cannot %s a dossier that is %s", action,
			  "received");
}

static void test_take_gives_the_reason_of_the_code_returned(void **state)
{
	(void)state;
	mc_err e;
	int rc = fails_for_state("receive");
	assert_int_equal(rc, MC_ECONFLICT);
	mc_err_take(&e, rc);
	assert_int_equal(e.code, MC_ECONFLICT);
	assert_int_equal(e.reason, MC_REASON_STATE);
	assert_string_equal(e.msg, "cannot receive a dossier that is received");
	assert_int_equal(e.retry_after, 0);
	/* Taken once: the thread's error is forgotten. */
	assert_int_equal(mc_err_last()->code, 0);
	mc_err_take(&e, rc);
	assert_int_equal(e.code, MC_ECONFLICT);
	assert_int_equal(e.reason, MC_REASON_NONE);
	assert_string_equal(e.msg, "");
}

static void test_another_code_has_no_reason(void **state)
{
	(void)state;
	mc_err e;
	/* Recorded for one failure, then the caller failed otherwise (the store
	 * went away): the reason is not that failure's. */
	fails_for_state("receive");
	mc_err_take(&e, MC_EBUSY);
	assert_int_equal(e.code, MC_EBUSY);
	assert_int_equal(e.reason, MC_REASON_NONE);
	assert_string_equal(e.msg, "");
	/* Success: nothing. */
	fails_for_state("receive");
	mc_err_take(&e, 0);
	assert_int_equal(e.code, 0);
	assert_int_equal(e.reason, MC_REASON_NONE);
	assert_int_equal(mc_err_last()->code, 0);
}

static void test_for_keeps_only_the_error_of_its_code(void **state)
{
	(void)state;
	mc_err e;
	mc_err_take(&e, fails_for_state("receive"));
	assert_ptr_equal(mc_err_for(&e, MC_ECONFLICT), &e);
	assert_int_equal(e.reason, MC_REASON_STATE);
	/* A write whose job passed and whose commit failed. */
	mc_err_take(&e, 0);
	mc_err_for(&e, MC_EBUSY);
	assert_int_equal(e.code, MC_EBUSY);
	assert_int_equal(e.reason, MC_REASON_NONE);
	assert_string_equal(e.msg, "");
}

static void test_retry_after_and_prefix(void **state)
{
	(void)state;
	mc_err e;
	mc_err_clear();
	mc_err_set(MC_ELIMIT, MC_REASON_FILING_LIMIT, "wait %d seconds", 120);
	mc_err_retry_after(120);
	mc_err_take(&e, MC_ELIMIT);
	assert_int_equal(e.retry_after, 120);
	mc_err_prefix(&e, "codes[%d]: ", 3);
	assert_string_equal(e.msg, "codes[3]: wait 120 seconds");
	/* Nothing to put a prefix before. */
	mc_err_make(&e, MC_EBUSY, MC_REASON_NONE, NULL);
	mc_err_prefix(&e, "codes[%d]: ", 3);
	assert_string_equal(e.msg, "");
}

/* An hourly limit: nothing below it; at it and past it, MC_ELIMIT with the
 * limit in the message and a retry after an hour. */
static void test_hourly_limit(void **state)
{
	(void)state;
	mc_err e;
	mc_err_clear();
	assert_int_equal(mc_err_hourly(0, 300, "recorded", "steps on tasks"), 0);
	assert_int_equal(mc_err_hourly(299, 300, "recorded", "steps on tasks"), 0);
	assert_int_equal(mc_err_last()->code, 0);
	assert_int_equal(mc_err_hourly(300, 300, "recorded", "steps on tasks"), MC_ELIMIT);
	mc_err_take(&e, MC_ELIMIT);
	assert_int_equal(e.retry_after, 3600);
	assert_string_equal(e.msg,
			    "you have recorded 300 steps on tasks in the last hour, the most one may; try "
			    "again later");
	assert_int_equal(mc_err_hourly(5000, 60, "prepared", "signatures"), MC_ELIMIT);
	mc_err_take(&e, MC_ELIMIT);
	assert_string_equal(
	    e.msg, "you have prepared 60 signatures in the last hour, the most one may; try again later");
}

static void test_long_messages_are_cut_and_terminated(void **state)
{
	(void)state;
	char long_text[2 * MC_ERR_MSG_MAX];
	mc_err e;
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	mc_err_make(&e, MC_EINVAL, MC_REASON_INVALID_FIELD, "%s", long_text);
	assert_int_equal(strlen(e.msg), MC_ERR_MSG_MAX - 1);
	mc_err_prefix(&e, "codes[%d]: ", 499);
	assert_int_equal(strlen(e.msg), MC_ERR_MSG_MAX - 1);
	assert_memory_equal(e.msg, "codes[499]: xxx", 15);
	/* A prefix as long as the message may be. */
	mc_err_make(&e, MC_EINVAL, MC_REASON_INVALID_FIELD, "short");
	mc_err_prefix(&e, "%s", long_text);
	assert_int_equal(strlen(e.msg), MC_ERR_MSG_MAX - 1);
}

static void *other_thread(void *arg)
{
	mc_err *seen = arg;
	/* Nothing of the main thread's error here... */
	*seen = *mc_err_last();
	/* ...and what is recorded here stays here. */
	mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD, "from the other thread");
	return NULL;
}

static void test_each_thread_has_its_own(void **state)
{
	(void)state;
	pthread_t t;
	mc_err seen, e;
	fails_for_state("assign");
	assert_int_equal(pthread_create(&t, NULL, other_thread, &seen), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(seen.code, 0);
	mc_err_take(&e, MC_ECONFLICT);
	assert_int_equal(e.reason, MC_REASON_STATE);
	assert_string_equal(e.msg, "cannot assign a dossier that is received");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_take_gives_the_reason_of_the_code_returned),
	    cmocka_unit_test(test_another_code_has_no_reason),
	    cmocka_unit_test(test_for_keeps_only_the_error_of_its_code),
	    cmocka_unit_test(test_retry_after_and_prefix),
	    cmocka_unit_test(test_hourly_limit),
	    cmocka_unit_test(test_long_messages_are_cut_and_terminated),
	    cmocka_unit_test(test_each_thread_has_its_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
