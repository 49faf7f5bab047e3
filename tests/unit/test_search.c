/* Tests for src/core/search.c: how the procedure search ranks what the
 * engines find, the same on both (issue 15, item 12). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/search.h"

static void rank(mc_search_rank *out, const char *q, const char *name, const char *code, const char *field)
{
	mc_search_plan plan;
	mc_search_plan_make(&plan, q);
	mc_search_rank_of(out, &plan, name, code, field);
	mc_search_plan_clear(&plan);
}

static void test_plan(void **state)
{
	(void)state;
	mc_search_plan plan;
	char *words;

	/* Fillers need not match and are not searched for. */
	mc_search_plan_make(&plan, "khai sinh cho con");
	assert_int_equal(plan.n, 1);
	assert_int_equal(plan.v[0].n, 4);
	assert_int_equal(plan.v[0].n_content, 2);
	words = mc_search_plan_words(&plan);
	assert_string_equal(words, "khai sinh");
	free(words);
	mc_search_plan_clear(&plan);

	/* Only fillers: then they are what was asked for. */
	mc_search_plan_make(&plan, "cho con");
	assert_int_equal(plan.v[0].n_content, 2);
	mc_search_plan_clear(&plan);

	/* A common name adds what it means; each word once. */
	mc_search_plan_make(&plan, "lam so do");
	assert_int_equal(plan.n, 2);
	assert_true(plan.v[1].synonym);
	words = mc_search_plan_words(&plan);
	assert_string_equal(words, "so do giay chung nhan quyen su dung dat");
	free(words);
	mc_search_plan_clear(&plan);

	mc_search_plan_make(&plan, "   ");
	assert_int_equal(plan.n, 0);
	mc_search_plan_clear(&plan);
}

static void test_rank(void **state)
{
	(void)state;
	mc_search_rank a, b;

	/* The phrase before the words apart; the shorter name is the caller's tie. */
	rank(&a, "ho kinh doanh", "dang ky thanh lap ho kinh doanh", "1 001612", "thanh lap va hoat dong");
	rank(&b, "ho kinh doanh", "cap giay phep kinh doanh karaoke cho ho gia dinh", "t tha 1", "van hoa");
	assert_true(a.all);
	assert_true(b.all);
	assert_true(mc_search_rank_cmp(&a, &b) < 0);

	/* Every word before some; a word of the name before one of the field. */
	rank(&a, "khai sinh", "dang ky khai sinh", "1 001193", "ho tich");
	rank(&b, "khai sinh", "khai bao thiet bi", "2 1", "an toan ve sinh lao dong");
	assert_true(a.all && b.all);
	assert_true(mc_search_rank_cmp(&a, &b) < 0);
	rank(&b, "khai sinh nhanh", "dang ky khai sinh", "1 001193", "ho tich");
	assert_false(b.all);
	assert_int_equal(b.matched, 2);
	assert_int_equal(b.needed, 3);
	assert_true(mc_search_rank_near(&b));
	rank(&b, "khai sinh nhanh gon le", "cap phep nhanh", "", "");
	assert_false(mc_search_rank_near(&b));

	/* The exact code first. */
	rank(&a, "1 001193", "dang ky khai sinh", "1 001193", "ho tich");
	rank(&b, "1 001193", "1 001193 dang ky", "1 001194", "ho tich");
	assert_true(mc_search_rank_cmp(&a, &b) < 0);

	/* The common name's phrase counts as the phrase. */
	rank(&a, "so do", "dang ky cap giay chung nhan quyen su dung dat", "1 003003", "dat dai");
	rank(&b, "so do", "phe duyet so do vi tri", "2 2", "xay dung");
	assert_true(mc_search_rank_cmp(&a, &b) < 0);
}

static void test_suggest(void **state)
{
	(void)state;
	const char *vocab = "dang ky khai sinh dang ky ket hon dang ky khai tu ho kinh doanh ho tich cap ho";
	char *s;

	s = mc_search_suggest("khia sinh", vocab);
	assert_string_equal(s, "khai sinh");
	free(s);
	/* A swapped letter before a dropped one; among equals the word held most. */
	s = mc_search_suggest("ket hno", vocab);
	assert_string_equal(s, "ket hon");
	free(s);
	/* Known words and prefixes are left; nothing near: no suggestion. */
	assert_null(mc_search_suggest("dang ky kha", vocab));
	assert_null(mc_search_suggest("xyzzyplugh", vocab));
	assert_null(mc_search_suggest("", vocab));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan),
	    cmocka_unit_test(test_rank),
	    cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
