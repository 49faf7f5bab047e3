/*
 * test_document.c - the rules of official documents (core/document.h):
 * the 29 kinds of NĐ 30/2020 art. 7, the steps and who takes them, the
 * series of art. 16 and the number and notation of Phụ lục I.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/document.h"
#include "core/limits.h"

static void test_types(void **state)
{
	(void)state;
	size_t n = 0;
	const mc_doc_type *t = mc_doc_types(&n);
	assert_int_equal(n, 29);
	assert_string_equal(t[0].key, "nghi_quyet");
	assert_string_equal(t[28].key, "thu_cong");
	assert_string_equal(mc_doc_type_find("quyet_dinh")->abbr, "QĐ");
	assert_string_equal(mc_doc_type_find("chuong_trinh")->abbr, "CTr");
	assert_string_equal(mc_doc_type_find("giay_uy_quyen")->abbr, "GUQ");
	assert_string_equal(mc_doc_type_find("cong_van")->abbr, "");
	assert_true(mc_doc_type_is_letter(mc_doc_type_find("cong_van")));
	assert_null(mc_doc_type_find("sac_lenh"));
	assert_null(mc_doc_type_find(NULL));
	/* Keys and abbreviations are each unique. */
	for (size_t i = 0; i < n; i++) {
		for (size_t k = i + 1; k < n; k++) {
			assert_string_not_equal(t[i].key, t[k].key);
			if (t[i].abbr[0])
				assert_string_not_equal(t[i].abbr, t[k].abbr);
		}
	}
}

static void test_marks(void **state)
{
	(void)state;
	mc_doc_urgency u;
	mc_doc_secrecy s;
	assert_int_equal(mc_doc_urgency_parse(&u, "hoa_toc"), 0);
	assert_int_equal(u, MC_DOC_URGENCY_HOA_TOC);
	assert_string_equal(mc_doc_urgency_title(u), "Hỏa tốc");
	assert_int_equal(mc_doc_urgency_parse(&u, "rat_khan"), MC_EINVAL);
	assert_int_equal(mc_doc_secrecy_parse(&s, "tuyet_mat"), 0);
	assert_string_equal(mc_doc_secrecy_title(s), "Tuyệt mật");
	assert_int_equal(mc_doc_secrecy_parse(&s, NULL), MC_EINVAL);
	assert_null(mc_doc_secrecy_name((mc_doc_secrecy)9));
}

static void test_steps(void **state)
{
	(void)state;
	mc_doc_state to;
	/* The outgoing path, with a return. */
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_DRAFT, MC_DOC_ACT_SUBMIT), 0);
	assert_int_equal(to, MC_DOC_SUBMITTED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_SUBMITTED, MC_DOC_ACT_RETURN), 0);
	assert_int_equal(to, MC_DOC_RETURNED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_RETURNED, MC_DOC_ACT_SUBMIT), 0);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_SUBMITTED, MC_DOC_ACT_APPROVE), 0);
	assert_int_equal(to, MC_DOC_APPROVED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_APPROVED, MC_DOC_ACT_SIGN), 0);
	assert_int_equal(to, MC_DOC_SIGNED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_SIGNED, MC_DOC_ACT_ISSUE), 0);
	assert_int_equal(to, MC_DOC_ISSUED);
	/* Steps out of order. */
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_DRAFT, MC_DOC_ACT_APPROVE), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_SUBMITTED, MC_DOC_ACT_SIGN), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_APPROVED, MC_DOC_ACT_ISSUE), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ISSUED, MC_DOC_ACT_ISSUE), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ISSUED, MC_DOC_ACT_RETURN), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ARRIVED, MC_DOC_ACT_ASSIGN), MC_ECONFLICT);
	/* Incoming. */
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ARRIVED, MC_DOC_ACT_REGISTER), 0);
	assert_int_equal(to, MC_DOC_REGISTERED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_REGISTERED, MC_DOC_ACT_ASSIGN), 0);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ASSIGNED, MC_DOC_ACT_ASSIGN), 0);
	assert_int_equal(mc_doc_next_state(&to, (mc_doc_state)42, MC_DOC_ACT_ASSIGN), MC_EINVAL);
	/* Who takes each step. */
	assert_true(mc_doc_role_may(MC_ROLE_SPECIALIST, MC_DOC_ACT_SUBMIT));
	assert_false(mc_doc_role_may(MC_ROLE_SPECIALIST, MC_DOC_ACT_ISSUE));
	assert_false(mc_doc_role_may(MC_ROLE_DESK, MC_DOC_ACT_APPROVE));
	assert_true(mc_doc_role_may(MC_ROLE_DESK, MC_DOC_ACT_ISSUE));
	assert_true(mc_doc_role_may(MC_ROLE_DESK, MC_DOC_ACT_REGISTER));
	assert_true(mc_doc_role_may(MC_ROLE_LEADER, MC_DOC_ACT_SIGN));
	assert_false(mc_doc_role_may(MC_ROLE_LEADER, MC_DOC_ACT_ISSUE));
	assert_false(mc_doc_role_may(MC_ROLE_SUPERVISOR, MC_DOC_ACT_APPROVE));
	assert_false(mc_doc_role_may(MC_ROLE_ADMIN, MC_DOC_ACT_SIGN));
	assert_false(mc_doc_role_may(MC_ROLE_CITIZEN, MC_DOC_ACT_SUBMIT));
}

static void test_series_and_notation(void **state)
{
	(void)state;
	char s[MC_DOC_SERIES_MAX], n[MC_DOC_NOTATION_MAX];
	const mc_doc_type *qd = mc_doc_type_find("quyet_dinh"), *cv = mc_doc_type_find("cong_van"),
			  *bc = mc_doc_type_find("bao_cao");
	assert_int_equal(mc_doc_series(s, MC_DOC_OUT, qd, false, MC_DOC_SECRECY_NONE), 0);
	assert_string_equal(s, "general");
	assert_int_equal(mc_doc_series(s, MC_DOC_OUT, qd, true, MC_DOC_SECRECY_NONE), 0);
	assert_string_equal(s, "normative:quyet_dinh");
	assert_int_equal(mc_doc_series(s, MC_DOC_OUT, bc, false, MC_DOC_SECRECY_MAT), 0);
	assert_string_equal(s, "secret");
	assert_int_equal(mc_doc_series(s, MC_DOC_OUT, bc, true, MC_DOC_SECRECY_NONE), MC_EINVAL);
	assert_int_equal(mc_doc_series(s, MC_DOC_IN, NULL, false, MC_DOC_SECRECY_NONE), 0);
	assert_string_equal(s, "incoming");

	assert_int_equal(mc_doc_notation(n, 12, 2026, qd, false, "UBND", NULL), 0);
	assert_string_equal(n, "12/QĐ-UBND");
	assert_int_equal(mc_doc_notation(n, 5, 2026, qd, false, "UBND", ""), 0);
	assert_string_equal(n, "05/QĐ-UBND");
	assert_int_equal(mc_doc_notation(n, 6366, 2017, bc, false, "UBND", NULL), 0);
	assert_string_equal(n, "6366/BC-UBND");
	assert_int_equal(mc_doc_notation(n, 345, 2026, cv, false, "UBND", "VP"), 0);
	assert_string_equal(n, "345/UBND-VP");
	assert_int_equal(mc_doc_notation(n, 345, 2026, cv, false, "UBND", NULL), MC_EINVAL);
	assert_int_equal(mc_doc_notation(n, 3, 2026, qd, true, "UBND", NULL), 0);
	assert_string_equal(n, "03/2026/QĐ-UBND");
	assert_int_equal(mc_doc_notation(n, 7, 2026, bc, false, "UBND", "TCKH"), 0);
	assert_string_equal(n, "07/BC-UBND-TCKH");
	/* Phụ lục VI: the number at most 11 digits, the notation at most 30 characters. */
	assert_int_equal(mc_doc_notation(n, 99999999999LL, 2026, qd, false, "UBND", NULL), 0);
	assert_int_equal(mc_doc_notation(n, 100000000000LL, 2026, qd, false, "UBND", NULL), MC_ETOOBIG);
	assert_int_equal(mc_doc_notation(n, 1, 2026, bc, false, "ABCDEFGHIJKLMNOPQRST", "ABCDEFG"),
			 MC_ETOOBIG);
	assert_int_equal(mc_doc_notation(n, 1, 2026, bc, false, "ABCDEFGHIJKLMNOPQRST", "ABCDEF"), 0);
	assert_int_equal(mc_limit_chars(strchr(n, '/') + 1), 30);
	/* Abbreviations may not hold the notation's separators. */
	assert_int_equal(mc_doc_notation(n, 1, 2026, qd, false, "UB ND", NULL), MC_EINVAL);
	assert_int_equal(mc_doc_notation(n, 1, 2026, qd, false, "UB-ND", NULL), MC_EINVAL);
	assert_int_equal(mc_doc_notation(n, 1, 2026, qd, false, "UBND", "V/P"), MC_EINVAL);
	assert_int_equal(mc_doc_notation(n, 0, 2026, qd, false, "UBND", NULL), MC_EINVAL);
	assert_true(mc_doc_abbr_valid("ĐHQG"));
	assert_false(mc_doc_abbr_valid(""));
	assert_false(mc_doc_abbr_valid("ABCDEFGHIJKLMNOPQRSTU"));
}

static void test_year(void **state)
{
	(void)state;
	/* 31/12/2025 17:00 UTC is 1 January 2026 00:00 in Vietnam: numbers start again. */
	assert_int_equal(mc_doc_year(1767200400 - 1), 2025);
	assert_int_equal(mc_doc_year(1767200400), 2026);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types), cmocka_unit_test(test_marks),
	    cmocka_unit_test(test_steps), cmocka_unit_test(test_series_and_notation),
	    cmocka_unit_test(test_year),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
