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

/* Version 2: the personal hash, computed independently (Python hashlib over
 * the same "<length>:<bytes>" fields under their tags). */
static void test_v2_known_vectors(void **state)
{
	(void)state;
	char ph[MC_AUDIT_HASH_LEN], h[MC_AUDIT_HASH_LEN];
	mc_audit_personal_hash(ph, "00112233445566778899aabbccddeeff", "Lê Thị Mai", "Đủ hồ sơ");
	assert_string_equal(ph, "0bd33096ef1066d14bf2f72a12170429d64cc9d7a2b80a197b6a9dc4f02ddb6f");
	mc_audit_event_hash_v2(h, "", 7, 1488420000, 3, 12, "receive", 1, 2, 1, ph);
	assert_string_equal(h, "ef8483c13d1143cc9eb6867b20a9b6c5b26b0ac320904de0f53487c08ab9021c");
	/* The same event under version 1 has another hash: the versions never meet. */
	mc_audit_event_hash(ph, "", 7, 1488420000, 3, "Lê Thị Mai", 12, "receive", 1, 2, 1, "Đủ hồ sơ");
	assert_string_not_equal(ph, h);
}

/* Version 2 covers the personal texts through their hash only: replacing the
 * texts (pseudonymisation) leaves the event's hash as it was as long as the
 * personal hash is kept, while any other field, the link, the salt or the
 * texts under the same salt still change what is computed. */
static void test_v2_pseudonymisation_keeps_the_chain(void **state)
{
	(void)state;
	const char *salt = "0123456789abcdef0123456789abcdef";
	char ph[MC_AUDIT_HASH_LEN], other_ph[MC_AUDIT_HASH_LEN];
	char base[MC_AUDIT_HASH_LEN], next[MC_AUDIT_HASH_LEN], other[MC_AUDIT_HASH_LEN];

	mc_audit_personal_hash(ph, salt, "Nguyễn Văn An", "rút hồ sơ vì chuyển nhà");
	mc_audit_event_hash_v2(base, "", 7, 100, 3, 12, "withdraw", 2, 7, 0, ph);
	mc_audit_event_hash_v2(next, base, 7, 200, 4, 12, "receive", 7, 2, 0, ph);
	/* After pseudonymisation the texts and the salt are gone; the stored
	 * personal hash still links both events exactly as before. */
	mc_audit_event_hash_v2(other, "", 7, 100, 3, 12, "withdraw", 2, 7, 0, ph);
	assert_string_equal(other, base);
	mc_audit_event_hash_v2(other, other, 7, 200, 4, 12, "receive", 7, 2, 0, ph);
	assert_string_equal(other, next);
	/* The personal hash binds the texts and the salt. */
	mc_audit_personal_hash(other_ph, salt, "Nguyễn Văn Ân", "rút hồ sơ vì chuyển nhà");
	assert_string_not_equal(other_ph, ph);
	mc_audit_personal_hash(other_ph, salt, "Nguyễn Văn An", "");
	assert_string_not_equal(other_ph, ph);
	mc_audit_personal_hash(other_ph, "0123456789abcdef0123456789abcdee", "Nguyễn Văn An",
			       "rút hồ sơ vì chuyển nhà");
	assert_string_not_equal(other_ph, ph);
	/* Lengths keep the name and the note apart. */
	mc_audit_personal_hash(base, salt, "ab", "c");
	mc_audit_personal_hash(other, salt, "a", "bc");
	assert_string_not_equal(base, other);
	/* Every other field still counts. */
	mc_audit_event_hash_v2(base, "", 7, 100, 3, 12, "withdraw", 2, 7, 0, ph);
	mc_audit_event_hash_v2(other, "", 7, 100, 3, 12, "withdraw", 2, 7, 0, other_ph);
	assert_string_not_equal(base, other);
	mc_audit_event_hash_v2(other, "x", 7, 100, 3, 12, "withdraw", 2, 7, 0, ph);
	assert_string_not_equal(base, other);
	mc_audit_event_hash_v2(other, "", 7, 100, 4, 12, "withdraw", 2, 7, 0, ph);
	assert_string_not_equal(base, other);
	mc_audit_event_hash_v2(other, "", 7, 100, 3, 13, "withdraw", 2, 7, 0, ph);
	assert_string_not_equal(base, other);
	mc_audit_event_hash_v2(other, "", 7, 100, 3, 12, "withdraw", 2, 8, 0, ph);
	assert_string_not_equal(base, other);
	mc_audit_event_hash_v2(other, "", 7, 100, 3, 12, "withdraw", 2, 7, 1, ph);
	assert_string_not_equal(base, other);
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
	    cmocka_unit_test(test_v2_known_vectors),
	    cmocka_unit_test(test_v2_pseudonymisation_keeps_the_chain),
	    cmocka_unit_test(test_anchor_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
