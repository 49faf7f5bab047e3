/*
 * par.h - the yearly cycle of the administrative-reform index applied to the
 * store (docs/par-index.md): frameworks made and copied to the next year,
 * self-assessment with evidence, the council's appraisal, the survey's
 * import, the criteria computed from motcua's own data, publication, and the
 * results with ranks and ratings. Rules in core/par_index.h.
 *
 * Who may do what is checked here (the API checks the route's roles): a
 * unit's assessor is a leader or specialist whose role is held in that unit;
 * the council is the officers of par_council; the province's administrator
 * makes frameworks and rules. Failures record their reason (core/err.h).
 */
#ifndef MC_APP_PAR_H
#define MC_APP_PAR_H

#include "app/dossier.h"
#include "core/par_index.h"
#include "store/store_par.h"

/* ---- computed criteria ------------------------------------------------- */

/* What a computed criterion counted: numerator over denominator, and where to
 * see the records (a path of the API with its query). */
typedef struct {
	int64_t numerator;
	int64_t denominator;
	char link[160];
} mc_par_figures;

/*
 * A computed criterion: key (the framework's formula), a label, and the
 * function that counts, for unit_id's subtree and the local year, what it
 * measures. The registry is one table (par.c): a criterion over another
 * module's data (documents sent signed, tasks done on time) is one more
 * function there, reading that module's statistics functions.
 */
typedef struct {
	const char *key;
	const char *label;
	int (*count)(mc_store *st, mc_par_figures *out, int64_t unit_id, int year);
	/* Nothing to count: full points when true (no late dossier owes an
	 * apology), else the criterion is not applicable to the unit. */
	bool empty_is_full;
} mc_par_formula;

/* The registry; borrowed, static. */
const mc_par_formula *mc_app_par_formulas(size_t *n);
/* NULL when key is not one. */
const mc_par_formula *mc_app_par_formula(const char *key);

/*
 * `reports_on_time` for unit_id's subtree and the local year, judged on day
 * `today` (local day number): *due the periods of its recurring tasks that
 * ended in the year, before today, while the task was open; *on_time those
 * whose report of the unit in charge came by the period's reporting deadline
 * (docs/par-index.md §3).
 */
int mc_app_par_reports_on_time(mc_store *st, int64_t *due, int64_t *on_time, int64_t unit_id, int year,
			       int32_t today);

/* The points of a leaf of max_cp for figures: max × numerator ÷ denominator,
 * half up, never above max. */
int32_t mc_app_par_points(int32_t max_cp, const mc_par_figures *f);

/* ---- roles ------------------------------------------------------------- */

/* Whether the actor is a council member; whether the actor assesses unit_id. */
int mc_app_par_is_council(mc_store *st, bool *out, const mc_actor *a);
bool mc_app_par_is_assessor(const mc_actor *a, int64_t unit_id);

/* ---- frameworks -------------------------------------------------------- */

/* Checks the tree (core rules with the registry) and records it; f->id set.
 * A framework of the service group may have no criterion (its units are
 * rated by decision). */
int mc_app_par_framework_create(mc_store *st, mc_par_framework *f, const mc_par_criterion *crit,
				size_t n_crit, const int64_t *unit_ids, size_t n_units);
/* A new open framework for year `to_year` with the criteria and units of
 * `from_id`; *out_id its id. MC_ECONFLICT when that year has one. */
int mc_app_par_framework_copy(mc_store *st, int64_t *out_id, int64_t from_id, int to_year, int64_t deadline,
			      int64_t now);

/* The units of a group in force on some day of the year (mc_par_group_of),
 * by code: the units a framework imported from a workbook rates. Caller
 * frees *out. */
int mc_app_par_group_units(mc_store *st, int64_t **out, size_t *n, int group, int year);

/* ---- the cycle (each a write, inside the caller's transaction) --------- */

/* The unit's own score of a self-assessed leaf, with its explanation and
 * evidence (SHA-256 of uploads the caller may use, checked by the API).
 * has_points false clears it. *out gets the mark as written. */
int mc_app_par_self(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t unit_id, const char *code,
		    bool has_points, int32_t points, const char *note, const char *evidence,
		    int64_t if_version, int64_t now, mc_par_score *out);
/* The unit's self-assessment is submitted (before the deadline, once). */
int mc_app_par_submit(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t unit_id, int64_t now);
/* The council's score of a leaf (self-assessed or appraised), or its
 * judgement that the leaf does not apply; reason required. */
int mc_app_par_appraise(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t unit_id,
			const char *code, bool has_points, int32_t points, bool not_applicable,
			const char *reason, int64_t if_version, int64_t now, mc_par_score *out);

/* One line of a survey's import. */
typedef struct {
	const char *unit_code;
	const char *code;
	int32_t points;
} mc_par_survey_row;

/* Imports survey results (leaves of method survey): all or nothing; *bad the
 * row that failed. */
int mc_app_par_survey(mc_store *st, const mc_actor *a, int64_t framework_id, const mc_par_survey_row *rows,
		      size_t n, size_t *bad, int64_t now);
/* Computes every computed leaf of every unit from the year's data, keeping
 * the figures each used; *count the marks written. */
int mc_app_par_compute(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t now, size_t *count);
/* A unit's rating inputs: tasks done on time (-1 unknown), cap, decision
 * with its reason (required with a decision or a cap). */
int mc_app_par_rating(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t unit_id, int32_t tasks,
		      int cap, int decided, const char *reason, int64_t if_version);
/* Publishes the results with the decision that announced them; the
 * framework is frozen from then on. */
int mc_app_par_publish(mc_store *st, const mc_actor *a, int64_t framework_id, int64_t if_version,
		       const char *decision, int64_t now);

/* ---- results ----------------------------------------------------------- */

typedef struct {
	int64_t unit_id;
	char *unit_code; /* borrowed from units[] of the result */
	char *unit_name;
	int32_t points_cp;
	int32_t max_cp; /* applicable maximum */
	int32_t index;	/* hundredths of %, -1 without one */
	int rank;	/* 1.., ties share a rank; 0 without an index */
	int proposed;
	int grade;
	bool submitted;
	mc_par_total *nodes; /* one per criterion, in the framework's order */
} mc_par_result_unit;

typedef struct {
	mc_par_framework framework;
	mc_par_criterion *criteria;
	size_t n_criteria;
	mc_par_unit *units;
	size_t n_units;
	mc_par_result_unit *results; /* n_units, in units[] order */
	mc_par_rules rules;
} mc_par_result;

/* The results of a framework (all its units, or unit_id's only: its rank
 * among all still). Clear with mc_par_result_clear. */
int mc_app_par_results(mc_store *st, mc_par_result *out, int64_t framework_id);
void mc_par_result_clear(mc_par_result *r);

/* The rules a year is rated by: its own, else the defaults
 * (docs/par-index.md §5). */
int mc_app_par_rules(mc_store *st, mc_par_rules *out, int year);

/* Recomputes the framework's log chain: *ok false and *bad the id of the first
 * line whose hash or link does not hold (a line changed, removed or put out
 * of order since it was written). */
int mc_app_par_log_verify(mc_store *st, bool *ok, int64_t *bad, int64_t framework_id);

#endif
