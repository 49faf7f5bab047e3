/*
 * par_index.c - the PAR index's framework, scores, index and the yearly
 * rating of units (par_index.h; docs/par-index.md).
 */
#include "core/par_index.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {
    [MC_PAR_SELF] = "self",
    [MC_PAR_APPRAISED] = "appraised",
    [MC_PAR_SURVEY] = "survey",
    [MC_PAR_COMPUTED] = "computed",
};

const char *mc_par_method_name(int method)
{
	if (method < MC_PAR_SELF || method > MC_PAR_COMPUTED)
		return NULL;
	return method_names[method];
}

int mc_par_method_parse(const char *name)
{
	for (int i = MC_PAR_SELF; name && i <= MC_PAR_COMPUTED; i++) {
		if (strcmp(name, method_names[i]) == 0)
			return i;
	}
	return 0;
}

static const char *const group_names[] = {
    [MC_PAR_GROUP_DEPARTMENT] = "department",
    [MC_PAR_GROUP_DISTRICT] = "district",
    [MC_PAR_GROUP_COMMUNE] = "commune",
    [MC_PAR_GROUP_SERVICE] = "service",
};

static const char *const group_labels[] = {
    [MC_PAR_GROUP_DEPARTMENT] = "Sở, ban, ngành cấp tỉnh",
    [MC_PAR_GROUP_DISTRICT] = "UBND huyện, thị xã, thành phố",
    [MC_PAR_GROUP_COMMUNE] = "UBND xã, phường, thị trấn",
    [MC_PAR_GROUP_SERVICE] = "Đơn vị sự nghiệp trực thuộc UBND tỉnh",
};

const char *mc_par_group_name(int group)
{
	if (group < MC_PAR_GROUP_DEPARTMENT || group > MC_PAR_GROUP_SERVICE)
		return NULL;
	return group_names[group];
}

const char *mc_par_group_label(int group)
{
	if (group < MC_PAR_GROUP_DEPARTMENT || group > MC_PAR_GROUP_SERVICE)
		return "";
	return group_labels[group];
}

int mc_par_group_parse(const char *name)
{
	for (int i = MC_PAR_GROUP_DEPARTMENT; name && i <= MC_PAR_GROUP_SERVICE; i++) {
		if (strcmp(name, group_names[i]) == 0)
			return i;
	}
	return 0;
}

int mc_par_group_of(const char *level, bool public_service)
{
	if (public_service)
		return MC_PAR_GROUP_SERVICE;
	if (!level)
		return 0;
	if (strcmp(level, "department") == 0)
		return MC_PAR_GROUP_DEPARTMENT;
	if (strcmp(level, "district") == 0)
		return MC_PAR_GROUP_DISTRICT;
	if (strcmp(level, "commune") == 0)
		return MC_PAR_GROUP_COMMUNE;
	return 0;
}

const char *mc_par_tree_rule_name(mc_par_tree_rule rule)
{
	switch (rule) {
	case MC_PAR_TREE_OK:
		return "ok";
	case MC_PAR_TREE_EMPTY:
		return "count";
	case MC_PAR_TREE_CODE:
		return "code";
	case MC_PAR_TREE_PARENT:
		return "parent";
	case MC_PAR_TREE_DEPTH:
		return "depth";
	case MC_PAR_TREE_MAX:
		return "max";
	case MC_PAR_TREE_SUM:
		return "sum";
	case MC_PAR_TREE_METHOD:
		return "method";
	case MC_PAR_TREE_FORMULA:
		return "formula";
	case MC_PAR_TREE_TOTAL:
		return "total";
	}
	return "unknown";
}

static bool is_root(const mc_par_node *node)
{
	return !node->parent || !node->parent[0];
}

static bool code_valid(const char *code)
{
	size_t len = code ? strlen(code) : 0;
	if (len == 0 || len > 31)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = code[i];
		bool ok =
		    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.';
		if (!ok)
			return false;
	}
	return true;
}

/* The index of the node with this code among the first n, -1 if none. */
static ptrdiff_t find(const mc_par_node *nodes, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(nodes[i].code, code) == 0)
			return (ptrdiff_t)i;
	}
	return -1;
}

ptrdiff_t mc_par_tree_parent(const mc_par_node *nodes, size_t n, size_t i)
{
	if (is_root(&nodes[i]))
		return -1;
	return find(nodes, n, nodes[i].parent);
}

bool mc_par_tree_is_leaf(const mc_par_node *nodes, size_t n, size_t i)
{
	for (size_t k = i + 1; k < n; k++) {
		if (!is_root(&nodes[k]) && strcmp(nodes[k].parent, nodes[i].code) == 0)
			return false;
	}
	return true;
}

int32_t mc_par_tree_max(const mc_par_node *nodes, size_t n)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_root(&nodes[i]))
			sum += nodes[i].max_cp;
	}
	return (int32_t)sum;
}

mc_par_tree_rule mc_par_tree_check(const mc_par_node *nodes, size_t n, size_t *bad,
				   bool (*known_formula)(const char *key, void *payload), void *payload)
{
	mc_par_tree_rule rule = MC_PAR_TREE_OK;
	int depth[MC_PAR_NODES_MAX];
	int64_t children[MC_PAR_NODES_MAX];
	int64_t total = 0;
	size_t i = 0;

	*bad = 0;
	if (n == 0 || n > MC_PAR_NODES_MAX)
		return MC_PAR_TREE_EMPTY;
	for (i = 0; i < n; i++) {
		const mc_par_node *node = &nodes[i];
		children[i] = -1; /* no child yet */
		if (!code_valid(node->code) || find(nodes, i, node->code) >= 0) {
			rule = MC_PAR_TREE_CODE;
			goto cleanup;
		}
		depth[i] = 1;
		if (!is_root(node)) {
			/* Parents come first, so that a tree is read top down in one pass. */
			ptrdiff_t p = find(nodes, i, node->parent);
			if (p < 0) {
				rule = MC_PAR_TREE_PARENT;
				goto cleanup;
			}
			depth[i] = depth[p] + 1;
			if (depth[i] > MC_PAR_DEPTH_MAX) {
				rule = MC_PAR_TREE_DEPTH;
				goto cleanup;
			}
			if (children[p] < 0)
				children[p] = 0;
			children[p] += node->max_cp;
		}
		if (node->max_cp <= 0) {
			rule = MC_PAR_TREE_MAX;
			goto cleanup;
		}
		/* Every node is within its area, so the areas' sum bounds them all:
		 * no total, index or rank overflows. */
		if (is_root(node))
			total += node->max_cp;
		if (total > MC_PAR_TOTAL_MAX_CP) {
			rule = MC_PAR_TREE_TOTAL;
			goto cleanup;
		}
	}
	for (i = 0; i < n; i++) {
		const mc_par_node *node = &nodes[i];
		bool leaf = children[i] < 0;
		bool has_formula = node->formula && node->formula[0];
		if (!leaf && children[i] != node->max_cp) {
			rule = MC_PAR_TREE_SUM;
			goto cleanup;
		}
		if (leaf ? mc_par_method_name(node->method) == NULL : node->method != 0) {
			rule = MC_PAR_TREE_METHOD;
			goto cleanup;
		}
		if (leaf && node->method == MC_PAR_COMPUTED) {
			if (!has_formula || (known_formula && !known_formula(node->formula, payload))) {
				rule = MC_PAR_TREE_FORMULA;
				goto cleanup;
			}
		} else if (has_formula) {
			rule = MC_PAR_TREE_FORMULA;
			goto cleanup;
		}
	}
cleanup:
	if (rule != MC_PAR_TREE_OK)
		*bad = i;
	return rule;
}

static bool in_range(int32_t v, int32_t max_cp)
{
	return v >= 0 && v <= max_cp;
}

int mc_par_leaf_points(int32_t *out, int method, int32_t max_cp, const mc_par_mark *m)
{
	int32_t v = 0;

	*out = 0;
	if ((m->has_self && !in_range(m->self_cp, max_cp)) ||
	    (m->has_council && !in_range(m->council_cp, max_cp)) ||
	    (m->has_value && !in_range(m->value_cp, max_cp)))
		return MC_EINVAL;
	switch (method) {
	case MC_PAR_SELF:
		/* The council's adjustment replaces the unit's own score. */
		v = m->has_council ? m->council_cp : m->has_self ? m->self_cp : 0;
		break;
	case MC_PAR_APPRAISED:
		v = m->has_council ? m->council_cp : 0;
		break;
	case MC_PAR_SURVEY:
	case MC_PAR_COMPUTED:
		v = m->has_value ? m->value_cp : 0;
		break;
	default:
		return MC_EINVAL;
	}
	*out = v;
	return 0;
}

int mc_par_totals(mc_par_total *out, mc_par_total *sum, const mc_par_node *nodes, size_t n,
		  const mc_par_mark *marks)
{
	int rc = 0;

	memset(out, 0, n * sizeof *out);
	memset(sum, 0, sizeof *sum);
	/* Children follow their parents: walking backwards adds each node's
	 * total into its parent's once the node's own is complete. */
	for (size_t k = n; k-- > 0;) {
		if (mc_par_tree_is_leaf(nodes, n, k)) {
			int32_t pts = 0;
			if (marks[k].not_applicable)
				continue;
			rc = mc_par_leaf_points(&pts, nodes[k].method, nodes[k].max_cp, &marks[k]);
			if (rc)
				goto cleanup;
			out[k].points_cp = pts;
			out[k].applicable_cp = nodes[k].max_cp;
		}
		ptrdiff_t p = mc_par_tree_parent(nodes, n, k);
		if (p >= 0) {
			out[p].points_cp += out[k].points_cp;
			out[p].applicable_cp += out[k].applicable_cp;
		} else {
			sum->points_cp += out[k].points_cp;
			sum->applicable_cp += out[k].applicable_cp;
		}
	}
cleanup:
	return rc;
}

int32_t mc_par_index(int32_t points_cp, int32_t applicable_cp)
{
	if (applicable_cp <= 0)
		return -1;
	/* Hundredths of a percent: points × 10000 ÷ max, half up. */
	int64_t num = (int64_t)points_cp * 10000;
	return (int32_t)((2 * num + applicable_cp) / (2 * (int64_t)applicable_cp));
}

char *mc_par_fmt(char *buf, size_t cap, int32_t hundredths)
{
	int64_t v = hundredths;
	const char *sign = v < 0 ? "-" : "";
	if (v < 0)
		v = -v;
	int64_t whole = v / 100, frac = v % 100;
	if (frac == 0)
		snprintf(buf, cap, "%s%lld", sign, (long long)whole);
	else if (frac % 10 == 0)
		snprintf(buf, cap, "%s%lld,%lld", sign, (long long)whole, (long long)(frac / 10));
	else
		snprintf(buf, cap, "%s%lld,%02lld", sign, (long long)whole, (long long)frac);
	return buf;
}

char *mc_par_fmt_percent(char *buf, size_t cap, int32_t hundredths)
{
	char num[24];
	snprintf(buf, cap, "%s %%", mc_par_fmt(num, sizeof num, hundredths));
	return buf;
}

int mc_par_parse(int32_t *out, const char *s)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, decimals = 0;
	bool neg = false, point = false;

	*out = 0;
	if (!s)
		return MC_EINVAL;
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (point) {
				if (++decimals > 2)
					return MC_EINVAL;
				frac = frac * 10 + (*s - '0');
			} else {
				if (++digits > 7)
					return MC_EINVAL;
				whole = whole * 10 + (*s - '0');
			}
		} else if ((*s == ',' || *s == '.') && !point && digits > 0) {
			point = true;
		} else {
			return MC_EINVAL;
		}
	}
	if (digits == 0 || (point && decimals == 0))
		return MC_EINVAL;
	if (decimals == 1)
		frac *= 10;
	int64_t v = whole * 100 + frac;
	*out = (int32_t)(neg ? -v : v);
	return 0;
}

/* ---- the yearly rating ------------------------------------------------- */

static const char *const grade_names[] = {
    [MC_PAR_GRADE_EXCELLENT] = "xuat_sac",
    [MC_PAR_GRADE_GOOD] = "tot",
    [MC_PAR_GRADE_DONE] = "hoan_thanh",
    [MC_PAR_GRADE_NOT_DONE] = "khong_hoan_thanh",
};

static const char *const grade_labels[] = {
    [MC_PAR_GRADE_EXCELLENT] = "hoàn thành xuất sắc nhiệm vụ",
    [MC_PAR_GRADE_GOOD] = "hoàn thành tốt nhiệm vụ",
    [MC_PAR_GRADE_DONE] = "hoàn thành nhiệm vụ",
    [MC_PAR_GRADE_NOT_DONE] = "không hoàn thành nhiệm vụ",
};

const char *mc_par_grade_name(int grade)
{
	if (grade < MC_PAR_GRADE_EXCELLENT || grade > MC_PAR_GRADE_NOT_DONE)
		return NULL;
	return grade_names[grade];
}

const char *mc_par_grade_label(int grade)
{
	if (grade < MC_PAR_GRADE_EXCELLENT || grade > MC_PAR_GRADE_NOT_DONE)
		return "";
	return grade_labels[grade];
}

int mc_par_grade_parse(const char *name)
{
	for (int i = MC_PAR_GRADE_EXCELLENT; name && i <= MC_PAR_GRADE_NOT_DONE; i++) {
		if (strcmp(name, grade_names[i]) == 0)
			return i;
	}
	return MC_PAR_GRADE_NONE;
}

bool mc_par_rules_valid(const mc_par_rules *r)
{
	return r->excellent_index <= 10000 && r->excellent_index >= r->good_index &&
	       r->good_index >= r->done_index && r->done_index >= 0 && r->excellent_tasks >= 0 &&
	       r->excellent_tasks <= 10000 && r->good_tasks >= 0 && r->good_tasks <= 10000 &&
	       r->excellent_share >= 0 && r->excellent_share <= 100;
}

static int propose(const mc_par_rated *u, const mc_par_rules *r)
{
	int g = MC_PAR_GRADE_NONE;
	if (u->index < 0)
		return MC_PAR_GRADE_NONE;
	if (u->index >= r->excellent_index)
		g = MC_PAR_GRADE_EXCELLENT;
	else if (u->index >= r->good_index)
		g = MC_PAR_GRADE_GOOD;
	else if (u->index >= r->done_index)
		g = MC_PAR_GRADE_DONE;
	else
		g = MC_PAR_GRADE_NOT_DONE;
	/* Tasks done on time: a unit short of a grade's share drops a grade. */
	if (g == MC_PAR_GRADE_EXCELLENT && u->tasks >= 0 && u->tasks < r->excellent_tasks)
		g = MC_PAR_GRADE_GOOD;
	if (g == MC_PAR_GRADE_GOOD && u->tasks >= 0 && u->tasks < r->good_tasks)
		g = MC_PAR_GRADE_DONE;
	/* A disciplinary condition caps the grade (a larger number is a lower grade). */
	if (u->cap >= MC_PAR_GRADE_EXCELLENT && u->cap <= MC_PAR_GRADE_NOT_DONE && g < u->cap)
		g = u->cap;
	return g;
}

void mc_par_rate(mc_par_rated *units, size_t n, const mc_par_rules *rules)
{
	size_t rated = 0, excellent = 0;

	for (size_t i = 0; i < n; i++) {
		units[i].proposed = propose(&units[i], rules);
		if (units[i].proposed != MC_PAR_GRADE_NONE)
			rated++;
		if (units[i].proposed == MC_PAR_GRADE_EXCELLENT)
			excellent++;
	}
	if (rules->excellent_share > 0) {
		size_t limit = rated * (size_t)rules->excellent_share / 100;
		/* Drop the lowest index while there are too many, and every unit tied with it. */
		while (excellent > limit) {
			int32_t lowest = INT32_MAX;
			for (size_t i = 0; i < n; i++) {
				if (units[i].proposed == MC_PAR_GRADE_EXCELLENT && units[i].index < lowest)
					lowest = units[i].index;
			}
			for (size_t i = 0; i < n; i++) {
				if (units[i].proposed == MC_PAR_GRADE_EXCELLENT && units[i].index == lowest) {
					units[i].proposed = MC_PAR_GRADE_GOOD;
					excellent--;
				}
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		bool decided =
		    units[i].decided >= MC_PAR_GRADE_EXCELLENT && units[i].decided <= MC_PAR_GRADE_NOT_DONE;
		units[i].grade = decided ? units[i].decided : units[i].proposed;
	}
}

/* ---- the log's hash chain ---------------------------------------------- */

static void hash_text(EVP_MD_CTX *ctx, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof len, "%zu:", n);
	EVP_DigestUpdate(ctx, len, (size_t)k);
	if (n)
		EVP_DigestUpdate(ctx, s, n);
}

static void hash_int(EVP_MD_CTX *ctx, const int64_t *v)
{
	char buf[24] = "";
	if (v)
		snprintf(buf, sizeof buf, "%lld", (long long)*v);
	hash_text(ctx, buf);
}

void mc_par_log_hash(char out[MC_PAR_HASH_LEN], const char *prev_hash, int64_t framework_id, int64_t unit_id,
		     const char *code, const char *what, const int32_t *old_cp, const int32_t *new_cp,
		     const char *reason, int64_t user_id, int64_t at, const char *detail)
{
	static const char hex[] = "0123456789abcdef";
	bool detailed = detail && detail[0];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	int64_t old_v = old_cp ? *old_cp : 0, new_v = new_cp ? *new_cp : 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	/* A failed digest is an out-of-memory condition: treat it like one. */
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		abort();
	hash_text(ctx, detailed ? "motcua-par-log-2" : "motcua-par-log-1");
	hash_text(ctx, prev_hash);
	hash_int(ctx, &framework_id);
	hash_int(ctx, &unit_id);
	hash_text(ctx, code);
	hash_text(ctx, what);
	hash_int(ctx, old_cp ? &old_v : NULL);
	hash_int(ctx, new_cp ? &new_v : NULL);
	hash_text(ctx, reason);
	hash_int(ctx, &user_id);
	hash_int(ctx, &at);
	if (detailed)
		hash_text(ctx, detail);
	EVP_DigestFinal_ex(ctx, md, &md_len);
	EVP_MD_CTX_free(ctx);
	for (unsigned int i = 0; i < md_len && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}
