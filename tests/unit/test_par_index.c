/*
 * test_par_index.c - the rules of the PAR index (core/par_index.h): the
 * framework tree, the points of a leaf by its method, not-applicable leaves
 * and the index over the applicable maximum, the Vietnamese figures, and the
 * yearly rating with its thresholds, caps, share limit and overrides.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/par_index.h"

/* A small framework: two areas of 60 and 40, the first split 20 + 40, its
 * second criterion split again 25 + 15. */
static const mc_par_node tree[] = {
    {"1", NULL, 6000, 0, NULL},
    {"1.1", "1", 2000, MC_PAR_SELF, NULL},
    {"1.2", "1", 4000, 0, NULL},
    {"1.2.a", "1.2", 2500, MC_PAR_APPRAISED, NULL},
    {"1.2.b", "1.2", 1500, MC_PAR_COMPUTED, "dossiers_on_time"},
    {"2", "", 4000, MC_PAR_SURVEY, NULL},
};
#define N_TREE MC_ARRAY_LEN(tree)

static bool only_on_time(const char *key, void *payload)
{
	(void)payload;
	return strcmp(key, "dossiers_on_time") == 0;
}

static void test_tree(void **state)
{
	(void)state;
	size_t bad = 99;
	assert_int_equal(mc_par_tree_check(tree, N_TREE, &bad, only_on_time, NULL), MC_PAR_TREE_OK);
	assert_int_equal(mc_par_tree_max(tree, N_TREE), 10000);
	assert_int_equal(mc_par_tree_parent(tree, N_TREE, 4), 2);
	assert_int_equal(mc_par_tree_parent(tree, N_TREE, 5), -1);
	assert_true(mc_par_tree_is_leaf(tree, N_TREE, 1));
	assert_false(mc_par_tree_is_leaf(tree, N_TREE, 2));
	assert_true(mc_par_tree_is_leaf(tree, N_TREE, 5));

	mc_par_node t[N_TREE];
	/* Parts that do not add up to their parent. */
	memcpy(t, tree, sizeof t);
	t[3].max_cp = 2400;
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_SUM);
	assert_int_equal(bad, 2);
	assert_string_equal(mc_par_tree_rule_name(MC_PAR_TREE_SUM), "sum");
	/* A parent defined after its child, or not at all. */
	memcpy(t, tree, sizeof t);
	t[1].parent = "1.2";
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_PARENT);
	assert_int_equal(bad, 1);
	memcpy(t, tree, sizeof t);
	t[5].parent = "9";
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_PARENT);
	/* A code twice, or with a character outside [0-9A-Za-z.]. */
	memcpy(t, tree, sizeof t);
	t[5].code = "1.1";
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_CODE);
	assert_int_equal(bad, 5);
	t[5].code = "2 ";
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_CODE);
	t[5].code = "";
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_CODE);
	/* No maximum, or a negative one. */
	memcpy(t, tree, sizeof t);
	t[5].max_cp = 0;
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_MAX);
	/* A leaf without a method; an inner node with one. */
	memcpy(t, tree, sizeof t);
	t[1].method = 0;
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_METHOD);
	assert_int_equal(bad, 1);
	memcpy(t, tree, sizeof t);
	t[2].method = MC_PAR_SELF;
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_METHOD);
	t[2].method = 0;
	t[1].method = 9;
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_METHOD);
	/* A computed leaf whose formula the registry does not hold, or has none;
	 * a formula on a leaf not computed. */
	memcpy(t, tree, sizeof t);
	t[4].formula = "tasks_on_time";
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, only_on_time, NULL), MC_PAR_TREE_FORMULA);
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_OK);
	t[4].formula = NULL;
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_FORMULA);
	memcpy(t, tree, sizeof t);
	t[1].formula = "dossiers_on_time";
	assert_int_equal(mc_par_tree_check(t, N_TREE, &bad, NULL, NULL), MC_PAR_TREE_FORMULA);
	/* Deeper than area, criterion, sub-criterion. */
	const mc_par_node deep[] = {
	    {"1", NULL, 100, 0, NULL},
	    {"1.1", "1", 100, 0, NULL},
	    {"1.1.1", "1.1", 100, 0, NULL},
	    {"1.1.1.1", "1.1.1", 100, MC_PAR_SELF, NULL},
	};
	assert_int_equal(mc_par_tree_check(deep, 4, &bad, NULL, NULL), MC_PAR_TREE_DEPTH);
	assert_int_equal(bad, 3);
	assert_int_equal(mc_par_tree_check(deep, 0, &bad, NULL, NULL), MC_PAR_TREE_EMPTY);
	/* Areas whose maxima add up past 1,000 points: refused at the area that
	 * passes it, so no sum of points overflows (250 areas of 100,000 points
	 * wrapped int32_t to a negative total). */
	static mc_par_node wide[250];
	static char codes[250][8];
	for (size_t k = 0; k < 250; k++) {
		snprintf(codes[k], sizeof codes[k], "%zu", k + 1);
		wide[k] = (mc_par_node){codes[k], NULL, 10000000, MC_PAR_SELF, NULL};
	}
	assert_int_equal(mc_par_tree_check(wide, 250, &bad, NULL, NULL), MC_PAR_TREE_TOTAL);
	assert_int_equal(bad, 0);
	assert_string_equal(mc_par_tree_rule_name(MC_PAR_TREE_TOTAL), "total");
	/* Exactly 1,000 points is accepted; a hundredth more is not. */
	for (size_t k = 0; k < 10; k++)
		wide[k].max_cp = 10000;
	assert_int_equal(mc_par_tree_check(wide, 10, &bad, NULL, NULL), MC_PAR_TREE_OK);
	assert_int_equal(mc_par_tree_max(wide, 10), MC_PAR_TOTAL_MAX_CP);
	wide[9].max_cp = 10001;
	assert_int_equal(mc_par_tree_check(wide, 10, &bad, NULL, NULL), MC_PAR_TREE_TOTAL);
	assert_int_equal(bad, 9);
}

static void test_leaf_points(void **state)
{
	(void)state;
	int32_t p = -1;
	mc_par_mark m = {.has_self = true, .self_cp = 1800};
	/* Self-assessed: the unit's score, until the council adjusts it. */
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_SELF, 2000, &m), 0);
	assert_int_equal(p, 1800);
	m.has_council = true;
	m.council_cp = 1500;
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_SELF, 2000, &m), 0);
	assert_int_equal(p, 1500);
	/* Appraised: the council's score alone; the unit's counts for nothing. */
	mc_par_mark a = {.has_self = true, .self_cp = 2000};
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_APPRAISED, 2000, &a), 0);
	assert_int_equal(p, 0);
	a.has_council = true;
	a.council_cp = 1200;
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_APPRAISED, 2000, &a), 0);
	assert_int_equal(p, 1200);
	/* Survey and computed: their value. */
	mc_par_mark v = {.has_value = true, .value_cp = 733};
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_SURVEY, 1000, &v), 0);
	assert_int_equal(p, 733);
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_COMPUTED, 1000, &v), 0);
	assert_int_equal(p, 733);
	mc_par_mark none = {0};
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_COMPUTED, 1000, &none), 0);
	assert_int_equal(p, 0);
	/* Points above the maximum, or below 0, are not a score. */
	mc_par_mark over = {.has_self = true, .self_cp = 2001};
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_SELF, 2000, &over), MC_EINVAL);
	mc_par_mark neg = {.has_council = true, .council_cp = -1};
	assert_int_equal(mc_par_leaf_points(&p, MC_PAR_APPRAISED, 2000, &neg), MC_EINVAL);
	assert_int_equal(mc_par_leaf_points(&p, 0, 2000, &none), MC_EINVAL);
}

static void test_totals_and_index(void **state)
{
	(void)state;
	mc_par_mark marks[N_TREE] = {0};
	mc_par_total t[N_TREE], sum;
	marks[1] = (mc_par_mark){.has_self = true, .self_cp = 2000};
	marks[3] = (mc_par_mark){.has_council = true, .council_cp = 1832};
	marks[4] = (mc_par_mark){.has_value = true, .value_cp = 1500};
	marks[5] = (mc_par_mark){.has_value = true, .value_cp = 3000};
	assert_int_equal(mc_par_totals(t, &sum, tree, N_TREE, marks), 0);
	assert_int_equal(t[2].points_cp, 3332);
	assert_int_equal(t[2].applicable_cp, 4000);
	assert_int_equal(t[0].points_cp, 5332);
	assert_int_equal(sum.points_cp, 8332);
	assert_int_equal(sum.applicable_cp, 10000);
	assert_int_equal(mc_par_index(sum.points_cp, sum.applicable_cp), 8332);
	/* A criterion of 16 points not applicable to this unit: 68,32 of the
	 * applicable 84 is 81,33 %, as the province publishes it. */
	mc_par_node t2[] = {
	    {"1", NULL, 8400, MC_PAR_SELF, NULL},
	    {"2", NULL, 1600, MC_PAR_SELF, NULL},
	};
	mc_par_mark m2[] = {
	    {.has_self = true, .self_cp = 6832},
	    {.not_applicable = true, .has_self = true, .self_cp = 1600},
	};
	mc_par_total tt[2];
	assert_int_equal(mc_par_totals(tt, &sum, t2, 2, m2), 0);
	assert_int_equal(sum.points_cp, 6832);
	assert_int_equal(sum.applicable_cp, 8400);
	assert_int_equal(mc_par_index(sum.points_cp, sum.applicable_cp), 8133);
	char b[16];
	assert_string_equal(mc_par_fmt_percent(b, sizeof b, 8133), "81,33 %");
	/* Half up: 1 of 3 is 33,33 %, 2 of 3 is 66,67 %. */
	assert_int_equal(mc_par_index(100, 300), 3333);
	assert_int_equal(mc_par_index(200, 300), 6667);
	/* Nothing applicable: no index. */
	assert_int_equal(mc_par_index(0, 0), -1);
	/* A score over its maximum is refused, not summed. */
	marks[4].value_cp = 1501;
	assert_int_equal(mc_par_totals(t, &sum, tree, N_TREE, marks), MC_EINVAL);
	/* A not-applicable leaf with a bad score is not read. */
	marks[4].not_applicable = true;
	assert_int_equal(mc_par_totals(t, &sum, tree, N_TREE, marks), 0);
	assert_int_equal(sum.applicable_cp, 8500);
	assert_int_equal(sum.points_cp, 6832);
}

static void test_figures(void **state)
{
	(void)state;
	char b[16];
	assert_string_equal(mc_par_fmt(b, sizeof b, 6832), "68,32");
	assert_string_equal(mc_par_fmt(b, sizeof b, 9150), "91,5");
	assert_string_equal(mc_par_fmt(b, sizeof b, 9200), "92");
	assert_string_equal(mc_par_fmt(b, sizeof b, 5), "0,05");
	assert_string_equal(mc_par_fmt(b, sizeof b, -5), "-0,05");
	assert_string_equal(mc_par_fmt(b, sizeof b, 0), "0");
	assert_string_equal(mc_par_fmt_percent(b, sizeof b, 10000), "100 %");
	int32_t v = 0;
	assert_int_equal(mc_par_parse(&v, "68,32"), 0);
	assert_int_equal(v, 6832);
	assert_int_equal(mc_par_parse(&v, "91.5"), 0);
	assert_int_equal(v, 9150);
	assert_int_equal(mc_par_parse(&v, "92"), 0);
	assert_int_equal(v, 9200);
	assert_int_equal(mc_par_parse(&v, "-1,5"), 0);
	assert_int_equal(v, -150);
	assert_int_equal(mc_par_parse(&v, "1,234"), MC_EINVAL);
	assert_int_equal(mc_par_parse(&v, ""), MC_EINVAL);
	assert_int_equal(mc_par_parse(&v, ",5"), MC_EINVAL);
	assert_int_equal(mc_par_parse(&v, "5,"), MC_EINVAL);
	assert_int_equal(mc_par_parse(&v, "5,5,5"), MC_EINVAL);
	assert_int_equal(mc_par_parse(&v, "12345678"), MC_EINVAL);
	assert_int_equal(mc_par_parse(&v, "1e3"), MC_EINVAL);
	assert_int_equal(mc_par_parse(&v, NULL), MC_EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(mc_par_method_name(MC_PAR_COMPUTED), "computed");
	assert_int_equal(mc_par_method_parse("appraised"), MC_PAR_APPRAISED);
	assert_int_equal(mc_par_method_parse("other"), 0);
	assert_null(mc_par_method_name(0));
	assert_string_equal(mc_par_group_name(MC_PAR_GROUP_DISTRICT), "district");
	assert_int_equal(mc_par_group_parse("service"), MC_PAR_GROUP_SERVICE);
	assert_int_equal(mc_par_group_parse(NULL), 0);
	assert_string_equal(mc_par_grade_name(MC_PAR_GRADE_EXCELLENT), "xuat_sac");
	assert_string_equal(mc_par_grade_label(MC_PAR_GRADE_DONE), "hoàn thành nhiệm vụ");
	assert_int_equal(mc_par_grade_parse("khong_hoan_thanh"), MC_PAR_GRADE_NOT_DONE);
	assert_int_equal(mc_par_grade_parse("gioi"), MC_PAR_GRADE_NONE);
	assert_null(mc_par_grade_name(MC_PAR_GRADE_NONE));
}

static const mc_par_rules rules = {.excellent_index = 9000,
				   .good_index = 7000,
				   .done_index = 5000,
				   .excellent_tasks = 0,
				   .good_tasks = 0,
				   .excellent_share = 0};

static void test_rating_thresholds(void **state)
{
	(void)state;
	mc_par_rated u[] = {
	    {.index = 9000, .tasks = -1}, {.index = 8999, .tasks = -1}, {.index = 7000, .tasks = -1},
	    {.index = 6999, .tasks = -1}, {.index = 5000, .tasks = -1}, {.index = 4999, .tasks = -1},
	    {.index = -1, .tasks = -1},
	};
	mc_par_rate(u, MC_ARRAY_LEN(u), &rules);
	assert_int_equal(u[0].grade, MC_PAR_GRADE_EXCELLENT);
	assert_int_equal(u[1].grade, MC_PAR_GRADE_GOOD);
	assert_int_equal(u[2].grade, MC_PAR_GRADE_GOOD);
	assert_int_equal(u[3].grade, MC_PAR_GRADE_DONE);
	assert_int_equal(u[4].grade, MC_PAR_GRADE_DONE);
	assert_int_equal(u[5].grade, MC_PAR_GRADE_NOT_DONE);
	/* No index: no proposal; only a decision rates it. */
	assert_int_equal(u[6].grade, MC_PAR_GRADE_NONE);
	assert_true(mc_par_rules_valid(&rules));
	mc_par_rules bad = rules;
	bad.good_index = 9500;
	assert_false(mc_par_rules_valid(&bad));
	bad = rules;
	bad.excellent_share = 101;
	assert_false(mc_par_rules_valid(&bad));
	bad = rules;
	bad.excellent_index = 10001;
	assert_false(mc_par_rules_valid(&bad));
}

static void test_rating_tasks_cap_override(void **state)
{
	(void)state;
	mc_par_rules r = rules;
	r.excellent_tasks = 9500;
	r.good_tasks = 8000;
	mc_par_rated u[] = {
	    {.index = 9500, .tasks = 9500},				  /* meets both */
	    {.index = 9500, .tasks = 9499},				  /* short for xuất sắc */
	    {.index = 9500, .tasks = 7999},				  /* short for tốt too */
	    {.index = 9500, .tasks = -1},				  /* unknown: not held to it */
	    {.index = 9500, .tasks = 9600, .cap = MC_PAR_GRADE_DONE},	  /* disciplined */
	    {.index = 6000, .tasks = 9600, .cap = MC_PAR_GRADE_GOOD},	  /* a cap never raises */
	    {.index = 6000, .tasks = 9600, .decided = MC_PAR_GRADE_GOOD}, /* the decision overrides */
	    {.index = -1, .tasks = -1, .decided = MC_PAR_GRADE_DONE},
	};
	mc_par_rate(u, MC_ARRAY_LEN(u), &r);
	assert_int_equal(u[0].grade, MC_PAR_GRADE_EXCELLENT);
	assert_int_equal(u[1].grade, MC_PAR_GRADE_GOOD);
	assert_int_equal(u[2].grade, MC_PAR_GRADE_DONE);
	assert_int_equal(u[3].grade, MC_PAR_GRADE_EXCELLENT);
	assert_int_equal(u[4].grade, MC_PAR_GRADE_DONE);
	assert_int_equal(u[5].grade, MC_PAR_GRADE_DONE);
	assert_int_equal(u[6].proposed, MC_PAR_GRADE_DONE);
	assert_int_equal(u[6].grade, MC_PAR_GRADE_GOOD);
	assert_int_equal(u[7].proposed, MC_PAR_GRADE_NONE);
	assert_int_equal(u[7].grade, MC_PAR_GRADE_DONE);
}

static void test_rating_share(void **state)
{
	(void)state;
	mc_par_rules r = rules;
	r.excellent_share = 20; /* of 10 rated units, 2 */
	mc_par_rated u[10];
	int32_t idx[10] = {9800, 9700, 9600, 9600, 9100, 8000, 8000, 7500, 7200, 6000};
	for (int i = 0; i < 10; i++)
		u[i] = (mc_par_rated){.index = idx[i], .tasks = -1};
	mc_par_rate(u, 10, &r);
	assert_int_equal(u[0].grade, MC_PAR_GRADE_EXCELLENT);
	assert_int_equal(u[1].grade, MC_PAR_GRADE_EXCELLENT);
	assert_int_equal(u[2].grade, MC_PAR_GRADE_GOOD);
	assert_int_equal(u[4].grade, MC_PAR_GRADE_GOOD);
	/* Tied at the edge: 3 units of 9700 where the limit holds 2; none keeps it. */
	u[2].index = 9700;
	mc_par_rate(u, 10, &r);
	assert_int_equal(u[0].grade, MC_PAR_GRADE_EXCELLENT);
	assert_int_equal(u[1].grade, MC_PAR_GRADE_GOOD);
	assert_int_equal(u[2].grade, MC_PAR_GRADE_GOOD);
	/* No limit: everyone at 90 % keeps it. */
	r.excellent_share = 0;
	mc_par_rate(u, 10, &r);
	for (int i = 0; i < 5; i++)
		assert_int_equal(u[i].grade, MC_PAR_GRADE_EXCELLENT);
	/* A decision may still grant xuất sắc over the limit, with its reason kept elsewhere. */
	r.excellent_share = 10;
	u[4].decided = MC_PAR_GRADE_EXCELLENT;
	mc_par_rate(u, 10, &r);
	assert_int_equal(u[0].grade, MC_PAR_GRADE_EXCELLENT);
	assert_int_equal(u[4].proposed, MC_PAR_GRADE_GOOD);
	assert_int_equal(u[4].grade, MC_PAR_GRADE_EXCELLENT);
}

static void test_log_hash(void **state)
{
	(void)state;
	char a[MC_PAR_HASH_LEN], b[MC_PAR_HASH_LEN];
	int32_t old = 350, now = 250, zero = 0;
	mc_par_log_hash(a, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_equal(a, b);
	/* Lines written before a line had details hash as they did then (the
	 * value computed apart: SHA-256 over "motcua-par-log-1" and the fields). */
	assert_string_equal(a, "aec29db2f22eacbd7945278add77f29d67ad18262de645b29df741cb38e6ffa5");
	/* Every field counts, and none can stand for its neighbour. */
	mc_par_log_hash(b, a, 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 2, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 1, 8, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 1, 7, "1.2", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 1, 7, "1.1", "self", &old, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", &now, &old, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", NULL, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	char c[MC_PAR_HASH_LEN];
	mc_par_log_hash(c, "", 1, 7, "1.1", "appraise", &zero, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(b, c); /* no score is not 0 points */
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung.", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 4, 1700000000, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000001, NULL);
	assert_string_not_equal(a, b);
	mc_par_log_hash(b, "", 1, 7, "1.1a", "ppraise", &old, &now, "Thiếu nội dung", 3, 1700000000, NULL);
	assert_string_not_equal(a, b);
	/* Empty details are none; details count, each of their bytes. */
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000, "");
	assert_string_equal(a, b);
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000,
			"{\"evidence\":[]}");
	assert_string_not_equal(a, b);
	mc_par_log_hash(c, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội dung", 3, 1700000000,
			"{\"evidence\":[1]}");
	assert_string_not_equal(b, c);
	/* Details cannot stand for the reason's end: the tag differs. */
	mc_par_log_hash(b, "", 1, 7, "1.1", "appraise", &old, &now, "Thiếu nội", 3, 1700000000, " dung");
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree),
	    cmocka_unit_test(test_leaf_points),
	    cmocka_unit_test(test_totals_and_index),
	    cmocka_unit_test(test_figures),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_rating_thresholds),
	    cmocka_unit_test(test_rating_tasks_cap_override),
	    cmocka_unit_test(test_rating_share),
	    cmocka_unit_test(test_log_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
