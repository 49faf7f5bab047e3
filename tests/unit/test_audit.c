/*
 * test_audit.c - the event hash of the tamper-evident log (src/core/audit.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/audit.h"

static void test_known_vector(void **state)
{
	(void)state;
	char h[MC_AUDIT_HASH_LEN];
	/* sha256 of "0:" "1:7" "10:1488420000" "1:3" "14:Lê Thị Mai" "2:12" "7:receive" "1:1" "1:2"
	 * "1:1" "12:Đủ hồ sơ" (lengths in bytes of UTF-8), computed independently. */
	mc_audit_event_hash(h, "", 7, 1488420000, 3, "Lê Thị Mai", 12, "receive", 1, 2, 1, "Đủ hồ sơ");
	assert_string_equal(h, "fe984950f4e386737dbfc09ca4c54b64993277309f678b7c5733d95c4d49c7f9");
}

static void test_every_field_and_the_link_count(void **state)
{
	(void)state;
	char base[MC_AUDIT_HASH_LEN], other[MC_AUDIT_HASH_LEN];
	mc_audit_event_hash(base, "", 7, 100, 3, "A", 12, "receive", 1, 2, 1, "n");
	mc_audit_event_hash(other, "x", 7, 100, 3, "A", 12, "receive", 1, 2, 1, "n");
	assert_string_not_equal(base, other);
	mc_audit_event_hash(other, "", 8, 100, 3, "A", 12, "receive", 1, 2, 1, "n");
	assert_string_not_equal(base, other);
	mc_audit_event_hash(other, "", 7, 101, 3, "A", 12, "receive", 1, 2, 1, "n");
	assert_string_not_equal(base, other);
	mc_audit_event_hash(other, "", 7, 100, 3, "A", 12, "receive", 1, 2, 1, "m");
	assert_string_not_equal(base, other);
	mc_audit_event_hash(other, "", 7, 100, 3, "A", 12, "receive", 1, 4, 1, "n");
	assert_string_not_equal(base, other);
	/* Lengths keep fields apart: moving text from one field to the next changes the hash. */
	mc_audit_event_hash(base, "", 7, 100, 3, "ab", 12, "c", 1, 2, 1, "n");
	mc_audit_event_hash(other, "", 7, 100, 3, "a", 12, "bc", 1, 2, 1, "n");
	assert_string_not_equal(base, other);
	/* NULL texts read as empty. */
	mc_audit_event_hash(base, NULL, 7, 100, 0, NULL, 0, "create", 0, 2, 0, NULL);
	mc_audit_event_hash(other, "", 7, 100, 0, "", 0, "create", 0, 2, 0, "");
	assert_string_equal(base, other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vector),
		cmocka_unit_test(test_every_field_and_the_link_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
