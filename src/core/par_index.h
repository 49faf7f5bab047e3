/*
 * par_index.h - the rules of the administrative-reform index (chỉ số cải
 * cách hành chính, PAR index) and of the yearly rating of units (xếp loại
 * mức độ hoàn thành nhiệm vụ); no I/O (docs/par-index.md).
 *
 * A year's framework for a group of units is a tree of areas (lĩnh vực) →
 * criteria → sub-criteria, each with its maximum points; an inner node's
 * maximum is the sum of its children's; every leaf is scored one way (self-
 * assessed with evidence, appraised by the council, from the survey, or
 * computed from motcua's data). A leaf may be not applicable to a unit: the
 * index is then the points over the applicable maximum, as the province
 * publishes it (68,32 points of an applicable 84 = 81,33 %).
 *
 * Points and percentages are integers in hundredths (centi-points: 68,32
 * points is 6832; 81,33 % is 8133), so that sums are exact and both engines
 * and every page show the same figure.
 */
#ifndef MC_PAR_INDEX_H
#define MC_PAR_INDEX_H

#include "core/mc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a leaf gets its points. */
typedef enum {
	MC_PAR_SELF = 1,  /* self-assessed by the unit with evidence; the council may adjust */
	MC_PAR_APPRAISED, /* the council's score alone */
	MC_PAR_SURVEY,	  /* imported results of the sociological survey */
	MC_PAR_COMPUTED,  /* computed from motcua's data by a registered formula */
} mc_par_method;

/* "self", "appraised", "survey", "computed"; NULL outside the range. */
const char *mc_par_method_name(int method);
/* 0 when name is none of them. */
int mc_par_method_parse(const char *name);

/* The groups of units a framework is written for. */
typedef enum {
	MC_PAR_GROUP_DEPARTMENT = 1, /* sở, ban, ngành cấp tỉnh */
	MC_PAR_GROUP_DISTRICT,	     /* UBND huyện, thị xã, thành phố */
	MC_PAR_GROUP_COMMUNE,	     /* UBND xã, phường, thị trấn */
	MC_PAR_GROUP_SERVICE, /* đơn vị sự nghiệp trực thuộc UBND tỉnh (rated, no index) */
} mc_par_group;

/* "department", "district", "commune", "service"; NULL outside the range. */
const char *mc_par_group_name(int group);
/* Vietnamese: "Sở, ban, ngành" … Borrowed, static. */
const char *mc_par_group_label(int group);
int mc_par_group_parse(const char *name);
/* The group a unit belongs to by its level in the tree and whether it is a
 * public service unit (đơn vị sự nghiệp): a service unit is of the service
 * group whatever its level; else department, district or commune by level;
 * 0 for the province or another level (no group). */
int mc_par_group_of(const char *level, bool public_service);

/* A node of a framework as the caller holds it (borrowed strings). */
typedef struct {
	const char *code;    /* "1", "1.2", "1.2.a": unique in the framework */
	const char *parent;  /* the parent's code; NULL or "" for an area */
	int32_t max_cp;	     /* maximum points, hundredths, > 0 */
	int method;	     /* leaves: an mc_par_method; inner nodes: 0 */
	const char *formula; /* computed leaves: a key of the computed-criterion registry */
} mc_par_node;

/* Depth of the tree: area, criterion, sub-criterion. */
#define MC_PAR_DEPTH_MAX 3
/* Nodes of one framework. */
#define MC_PAR_NODES_MAX 400
/* A framework's total maximum, hundredths: 1,000 points. The provincial index
 * is out of 100; the bound keeps every sum of points well inside int32_t. */
#define MC_PAR_TOTAL_MAX_CP 100000

/* Why a framework was refused (mc_par_tree_check). */
typedef enum {
	MC_PAR_TREE_OK = 0,
	MC_PAR_TREE_EMPTY,   /* no node, or more than MC_PAR_NODES_MAX */
	MC_PAR_TREE_CODE,    /* a code empty, with characters other than [0-9A-Za-z.], or twice */
	MC_PAR_TREE_PARENT,  /* a parent not defined before its child */
	MC_PAR_TREE_DEPTH,   /* deeper than MC_PAR_DEPTH_MAX */
	MC_PAR_TREE_MAX,     /* a maximum not above 0 */
	MC_PAR_TREE_SUM,     /* an inner node's maximum is not the sum of its children's */
	MC_PAR_TREE_METHOD,  /* a leaf without a method, or an inner node with one */
	MC_PAR_TREE_FORMULA, /* a computed leaf without a known formula, or another leaf with one */
	MC_PAR_TREE_TOTAL,   /* the areas' maxima add up to more than MC_PAR_TOTAL_MAX_CP */
} mc_par_tree_rule;

/* The rule's name as the API says it ("sum", "parent" …). */
const char *mc_par_tree_rule_name(mc_par_tree_rule rule);

/*
 * Checks a framework: parents before children, codes unique, depth, leaves
 * scored one way, every inner node's maximum the sum of its children's.
 * known_formula(key, payload) says whether a computed leaf's formula is in
 * the registry (NULL: any non-empty key). Returns MC_PAR_TREE_OK, or the rule
 * broken with *bad the index of the node that breaks it.
 */
mc_par_tree_rule mc_par_tree_check(const mc_par_node *nodes, size_t n, size_t *bad,
				   bool (*known_formula)(const char *key, void *payload), void *payload);

/* Index of the parent of node i (-1 for an area); nodes as checked. */
ptrdiff_t mc_par_tree_parent(const mc_par_node *nodes, size_t n, size_t i);
/* Whether node i has no child. */
bool mc_par_tree_is_leaf(const mc_par_node *nodes, size_t n, size_t i);
/* The framework's maximum: the sum of its areas' (at most MC_PAR_TOTAL_MAX_CP
 * for a framework mc_par_tree_check accepts). */
int32_t mc_par_tree_max(const mc_par_node *nodes, size_t n);

/* What a unit has for one leaf. */
typedef struct {
	bool not_applicable; /* the council (or the framework) judged it not to apply to this unit */
	bool has_self;	     /* the unit's own score */
	int32_t self_cp;
	bool has_council; /* the council's score (appraised, or an adjustment of a self score) */
	int32_t council_cp;
	bool has_value; /* survey or computed */
	int32_t value_cp;
} mc_par_mark;

/*
 * The points a leaf of method `method` and maximum max_cp counts for a
 * unit, from its mark: self-assessed leaves count the council's score when it
 * adjusted the unit's, else the unit's; appraised ones the council's; survey
 * and computed ones their value. A leaf without its score counts 0. A score
 * above the maximum is not a score (MC_EINVAL): the store never holds one.
 */
int mc_par_leaf_points(int32_t *out, int method, int32_t max_cp, const mc_par_mark *m);

/* Totals of every node for one unit. */
typedef struct {
	int32_t points_cp;     /* points of its applicable leaves */
	int32_t applicable_cp; /* maximum of its applicable leaves */
} mc_par_total;

/*
 * Sums the leaves' points up the tree: out[i] for every node (n of them,
 * checked by mc_par_tree_check), marks[i] read for leaves. *sum gets the
 * framework's whole (areas added). MC_EINVAL as mc_par_leaf_points.
 */
int mc_par_totals(mc_par_total *out, mc_par_total *sum, const mc_par_node *nodes, size_t n,
		  const mc_par_mark *marks);

/* The index: points over applicable maximum, in hundredths of a percent,
 * rounded half up; -1 when nothing applies. */
int32_t mc_par_index(int32_t points_cp, int32_t applicable_cp);

/*
 * A figure in hundredths written the Vietnamese way, with a decimal comma and
 * no trailing zeros: 6832 "68,32", 9150 "91,5", 9200 "92", -5 "-0,05".
 * mc_par_fmt_percent adds " %" ("81,33 %"). Return buf; cap of 16 is enough.
 */
char *mc_par_fmt(char *buf, size_t cap, int32_t hundredths);
char *mc_par_fmt_percent(char *buf, size_t cap, int32_t hundredths);
/* Parses "68,32", "68.32", "92" (at most two decimals, optional sign) into
 * hundredths; MC_EINVAL otherwise. */
int mc_par_parse(int32_t *out, const char *s);

/* ---- the yearly rating ------------------------------------------------- */

typedef enum {
	MC_PAR_GRADE_NONE = 0,	/* no proposal: nothing to rate from (no index) */
	MC_PAR_GRADE_EXCELLENT, /* hoàn thành xuất sắc nhiệm vụ */
	MC_PAR_GRADE_GOOD,	/* hoàn thành tốt nhiệm vụ */
	MC_PAR_GRADE_DONE,	/* hoàn thành nhiệm vụ */
	MC_PAR_GRADE_NOT_DONE,	/* không hoàn thành nhiệm vụ */
} mc_par_grade;

/* "xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh" (NULL for none). */
const char *mc_par_grade_name(int grade);
/* "hoàn thành xuất sắc nhiệm vụ" … ("" for none). */
const char *mc_par_grade_label(int grade);
int mc_par_grade_parse(const char *name);

/* A year's rating rules (configured per year, docs/par-index.md §5). */
typedef struct {
	int32_t excellent_index; /* least index for xuất sắc, hundredths of % */
	int32_t good_index;	 /* least for tốt */
	int32_t done_index;	 /* least for hoàn thành; below: không hoàn thành */
	/* Least share of tasks done on time for xuất sắc and for tốt, hundredths
	 * of %; 0 = no condition. A unit whose share is unknown is not held to it. */
	int32_t excellent_tasks;
	int32_t good_tasks;
	/* At most this percent of a group's rated units may be xuất sắc (those of
	 * the highest index keep it, the others become tốt); 0 = no limit. */
	int32_t excellent_share;
} mc_par_rules;

/* Whether the rules hang together (thresholds within 0..100 % and
 * descending, shares within 0..100). */
bool mc_par_rules_valid(const mc_par_rules *rules);

/* One unit of a group to be rated. */
typedef struct {
	int32_t index; /* hundredths of %, -1 when the unit has none */
	int32_t tasks; /* share of tasks done on time, hundredths of %; -1 unknown */
	int cap;       /* a disciplinary condition: the best grade allowed (0 = none) */
	int decided;   /* the People's Committee's decision overriding the proposal (0 = none) */
	int proposed;  /* out: the grade the rules give */
	int grade;     /* out: the grade: decided, else proposed */
} mc_par_rated;

/*
 * Rates the n units of one group by the rules: each unit's proposal from its
 * index and tasks, lowered to its cap, then the share limit on xuất sắc
 * (the limit is never passed: units tied at its edge, which it cannot all
 * hold, all become tốt), then the decision's override.
 */
void mc_par_rate(mc_par_rated *units, size_t n, const mc_par_rules *rules);

/* ---- the log's hash chain ---------------------------------------------- */

#define MC_PAR_HASH_LEN 65 /* 64 hex digits and NUL */

/*
 * The hash of a line of a framework's log: SHA-256 (hex) over a tag, the
 * previous line's hash ("" for the first) and the line's fields, each written
 * as "<length>:<bytes>" (old_cp, new_cp NULL for none), so that changing,
 * removing or reordering a past line breaks every link after it, as the
 * dossiers' event log (core/audit.h). detail: what a line records besides
 * points (JSON: a rating's grades, cap and tasks before and after, a mark's
 * evidence; migration 060); a line with details is hashed under the tag
 * "motcua-par-log-2" with the details last, one without (NULL or "") as
 * every line was before, so that the chains written then still verify.
 */
void mc_par_log_hash(char out[MC_PAR_HASH_LEN], const char *prev_hash, int64_t framework_id, int64_t unit_id,
		     const char *code, const char *what, const int32_t *old_cp, const int32_t *new_cp,
		     const char *reason, int64_t user_id, int64_t at, const char *detail);

#endif
