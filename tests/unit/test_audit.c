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

static void root_of(char out[MC_AUDIT_HASH_LEN], int64_t id, const char *prev, int64_t d2_count, int d2_state)
{
	mc_audit_root *r = mc_audit_root_begin(id, 1000, prev);
	mc_audit_root_add(r, 1, "aa", 3, 9);
	mc_audit_root_add(r, 2, "bb", d2_count, d2_state);
	mc_audit_root_end(r, out);
}

/* An anchor's root covers its number, its predecessor, and every dossier's
 * head, count and state: changing any of them changes the root. */
static void test_anchor_root(void **state)
{
	(void)state;
	char base[MC_AUDIT_HASH_LEN], other[MC_AUDIT_HASH_LEN];
	root_of(base, 2, "prev", 4, 4);
	assert_int_equal(strlen(base), 64);
	root_of(other, 2, "prev", 4, 4);
	assert_string_equal(base, other);
	root_of(other, 3, "prev", 4, 4);
	assert_string_not_equal(base, other);
	root_of(other, 2, "", 4, 4);
	assert_string_not_equal(base, other);
	root_of(other, 2, "prev", 3, 4);
	assert_string_not_equal(base, other);
	root_of(other, 2, "prev", 4, 9);
	assert_string_not_equal(base, other);
	/* A dossier left out is another root. */
	mc_audit_root *r = mc_audit_root_begin(2, 1000, "prev");
	mc_audit_root_add(r, 1, "aa", 3, 9);
	mc_audit_root_end(r, other);
	assert_string_not_equal(base, other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vector),
		cmocka_unit_test(test_every_field_and_the_link_count),
		cmocka_unit_test(test_anchor_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
