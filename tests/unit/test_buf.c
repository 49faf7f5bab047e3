/* Tests for src/core/buf.c: the one growable buffer refuses what would pass
 * its limit and stays as it was, and mc_buf_format makes a whole string or
 * none. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mc.h"

static void test_limit(void **state)
{
	(void)state;
	mc_buf b;
	mc_buf_init(&b, 10);
	assert_int_equal(mc_buf_adds(&b, "Việt"), 0); /* 6 bytes */
	assert_int_equal(mc_buf_adds(&b, "Nam"), 0);
	assert_int_equal(b.len, 9);
	/* Two more bytes would pass the limit: refused, nothing added. */
	assert_int_equal(mc_buf_adds(&b, "!!"), MC_ETOOBIG);
	assert_int_equal(mc_buf_addf(&b, "%d", 42), MC_ETOOBIG);
	assert_int_equal(b.len, 9);
	assert_string_equal(b.data, "ViệtNam");
	/* Exactly the limit fits. */
	assert_int_equal(mc_buf_adds(&b, "!"), 0);
	assert_string_equal(b.data, "ViệtNam!");
	assert_int_equal(mc_buf_add(&b, "", 0), 0);
	assert_int_equal(mc_buf_adds(&b, "x"), MC_ETOOBIG);
	mc_buf_free(&b);

	/* A formatted append longer than the small stack buffer goes through
	 * the same limit. */
	char big[1000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	mc_buf_init(&b, 998);
	assert_int_equal(mc_buf_addf(&b, "%s", big), MC_ETOOBIG);
	assert_int_equal(b.len, 0);
	mc_buf_free(&b);
	mc_buf_init(&b, 999);
	assert_int_equal(mc_buf_addf(&b, "%s", big), 0);
	assert_int_equal(b.len, 999);
	char *s = mc_buf_steal(&b);
	assert_string_equal(s, big);
	free(s);
	mc_buf_free(&b);
}

static void test_format(void **state)
{
	(void)state;
	char *s = (char *)"x";
	assert_int_equal(mc_buf_format(&s, 32, "%s – %d", "Đăng ký khai sinh", 7), 0);
	assert_string_equal(s, "Đăng ký khai sinh – 7");
	free(s);
	s = (char *)"x";
	assert_int_equal(mc_buf_format(&s, 5, "%s", "Việt Nam"), MC_ETOOBIG);
	assert_null(s);
	assert_int_equal(mc_buf_format(&s, 0, "%s", ""), 0);
	assert_string_equal(s, "");
	free(s);
}

/* What a statement's JSON parameter holds: a text that reads back as it was. */
static void test_json_string(void **state)
{
	(void)state;
	mc_buf b;
	mc_buf_init(&b, 256);
	assert_int_equal(mc_buf_add_json_string(&b, "Sở \"Tư\" pháp\\H56\n\t\x01"), 0);
	assert_string_equal(b.data, "\"Sở \\\"Tư\\\" pháp\\\\H56\\u000a\\u0009\\u0001\"");
	mc_buf_reset(&b);
	assert_int_equal(mc_buf_add_json_string(&b, ""), 0);
	assert_string_equal(b.data, "\"\"");
	mc_buf_free(&b);
	/* past the limit: refused, not cut */
	mc_buf_init(&b, 4);
	assert_int_equal(mc_buf_add_json_string(&b, "H56"), MC_ETOOBIG);
	mc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_json_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
