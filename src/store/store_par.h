/*
 * store_par.h - the store's operations on the administrative-reform index:
 * frameworks per year and group, their criteria and units, the units' marks,
 * the log of every change, the year's rating rules and the appraisal council
 * (migration 027; rules in core/par_index.h, the cycle in app/par.h).
 * Part of the store's one interface (store.h), in a header of its own.
 *
 * Structs the store fills own their strings, freed by their clear function;
 * structs handed to the store are only read. Points are hundredths.
 */
#ifndef MC_STORE_PAR_H
#define MC_STORE_PAR_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_PAR_OPEN 1
#define MC_PAR_PUBLISHED 2

typedef struct {
	int64_t id;
	char *province_code;
	int year;
	int group; /* mc_par_group */
	int state; /* MC_PAR_OPEN, MC_PAR_PUBLISHED */
	int64_t version;
	int64_t deadline; /* self-assessments are submitted before it; 0 = none */
	char *decision;	  /* the decision that announced the results */
	int64_t published_at;
	int64_t created_at;
} mc_par_framework;

void mc_par_framework_clear(mc_par_framework *f);
void mc_par_framework_free_list(mc_par_framework *list, size_t n);

typedef struct {
	int64_t framework_id;
	int seq;
	char *code;
	char *parent; /* "" for an area */
	char *name;
	int32_t max_cp;
	int method;
	char *formula;
} mc_par_criterion;

void mc_par_criterion_free_list(mc_par_criterion *list, size_t n);

typedef struct {
	int64_t framework_id;
	int64_t unit_id;
	char *unit_code;
	char *unit_name;
	int64_t submitted_at;
	int32_t tasks; /* -1 unknown */
	int cap;
	int decided;
	char *reason;
	int64_t version;
} mc_par_unit;

void mc_par_unit_free_list(mc_par_unit *list, size_t n);

typedef struct {
	int64_t framework_id;
	int64_t unit_id;
	char *code;
	bool not_applicable;
	bool has_self;
	int32_t self_cp;
	char *note;
	char *evidence; /* SHA-256 of uploads, comma-separated */
	bool has_council;
	int32_t council_cp;
	char *reason;
	bool has_value;
	int32_t value_cp;
	char *figures; /* JSON of the figures a computed value used */
	int64_t version;
	int64_t updated_by;
	int64_t updated_at;
} mc_par_score;

void mc_par_score_clear(mc_par_score *s);
void mc_par_score_free_list(mc_par_score *list, size_t n);

/* Records a framework with its criteria (in order) and units; sets f->id and
 * f->version. MC_ECONFLICT when the year has one for the group already,
 * MC_ENOTFOUND for an unknown unit. */
int mc_store_par_framework_add(mc_store *st, mc_par_framework *f, const mc_par_criterion *crit, size_t n_crit,
			       const int64_t *unit_ids, size_t n_units);
/* MC_ENOTFOUND when there is none. Clear *out. */
int mc_store_par_framework_get(mc_store *st, mc_par_framework *out, int64_t id);
/* The frameworks of a year (0: every year), by year and group. */
int mc_store_par_framework_list(mc_store *st, mc_par_framework **out, size_t *n, int year);
/* Holds the framework's lock until the transaction ends (db.h mc_db_lock;
 * nothing on SQLite, whose writer holds the database): every write that
 * requires the framework open, and its publication, take it before reading
 * its state, so that on PostgreSQL nothing another server writes commits
 * after the publication did. The appends to its log take the same lock. */
int mc_store_par_framework_lock(mc_store *st, int64_t id);
/* Marks the framework published with its decision, if it is at version
 * if_version and open: MC_ESTALE otherwise. */
int mc_store_par_framework_publish(mc_store *st, int64_t id, int64_t if_version, const char *decision,
				   int64_t at);

int mc_store_par_criteria(mc_store *st, mc_par_criterion **out, size_t *n, int64_t framework_id);
/* The framework's units (unit_id 0) or one of them, in unit-code order. */
int mc_store_par_units(mc_store *st, mc_par_unit **out, size_t *n, int64_t framework_id, int64_t unit_id);
/* The marks of the framework's units (unit_id 0) or of one. */
int mc_store_par_scores(mc_store *st, mc_par_score **out, size_t *n, int64_t framework_id, int64_t unit_id);

/* One mark: MC_ENOTFOUND when there is none (*out zeroed; clear it). */
int mc_store_par_score_get(mc_store *st, mc_par_score *out, int64_t framework_id, int64_t unit_id,
			   const char *code);

/* What a write of a mark changes. */
typedef enum {
	MC_PAR_PUT_SELF = 1, /* self_cp, note, evidence */
	MC_PAR_PUT_COUNCIL,  /* council_cp (or none), not_applicable, reason */
	MC_PAR_PUT_VALUE,    /* value_cp, figures */
} mc_par_put;

/*
 * Writes the part `what` of s over the mark of (framework, unit, code),
 * making it when there is none. if_version: the mark's version the caller
 * read (0 = whatever it is); MC_ESTALE when it moved. Sets s->version to the
 * new one. MC_ENOTFOUND when the unit or criterion is not the framework's.
 * MC_PAR_PUT_SELF writes the evidence's files as rows of par_evidence too
 * (migration 059), which keep them from the uploads' expiry; a file the mark
 * no longer names is released (store_files.h mc_files_release), and a new one
 * whose file is no longer kept is MC_EINVAL (reason INVALID_FIELD).
 */
int mc_store_par_score_put(mc_store *st, mc_par_score *s, mc_par_put what, int64_t if_version);

/* A mark whose evidence holds a file. */
typedef struct {
	int64_t framework_id;
	int64_t unit_id;
} mc_par_evidence_of;

/* The marks whose evidence holds the file sha256 (free *out). */
int mc_store_par_evidence_of(mc_store *st, mc_par_evidence_of **out, size_t *n, const char *sha256);

/* Marks a unit's self-assessment submitted at `at`. */
int mc_store_par_unit_submit(mc_store *st, int64_t framework_id, int64_t unit_id, int64_t at);
/* Writes a unit's rating inputs (tasks, cap, decided, reason) at version
 * if_version (0 = any); MC_ESTALE when it moved. */
int mc_store_par_unit_rating(mc_store *st, const mc_par_unit *u, int64_t if_version);

/* One line of the log. */
typedef struct {
	int64_t id;
	int64_t framework_id;
	int64_t unit_id;
	char *code;
	char *what;
	bool has_old, has_new;
	int32_t old_cp, new_cp;
	char *reason;
	int64_t user_id;
	char *username;
	int64_t at;
	char *prev_hash; /* the framework's previous line's hash ("" for its first) */
	char *hash;	 /* core/par_index.h mc_par_log_hash */
	char *detail;	 /* JSON of what the line records besides points, "" for none (migration 060) */
} mc_par_log;

void mc_par_log_free_list(mc_par_log *list, size_t n);
/* Appends a line to the framework's log, chained to its last line by hash
 * (under the framework's lock on PostgreSQL, so that two servers never
 * chain to the same line); l's hashes are not read. */
int mc_store_par_log_add(mc_store *st, const mc_par_log *l);
/* The log of a framework's unit (unit_id 0: all, the whole chain), oldest first. */
int mc_store_par_log_list(mc_store *st, mc_par_log **out, size_t *n, int64_t framework_id, int64_t unit_id);
/* A page of a framework's unit's log (db.h mc_db_list_page2): the newest
 * `limit` lines below before_id (0: the newest), oldest first; *more when
 * older ones are left. */
int mc_store_par_log_page(mc_store *st, mc_par_log **out, size_t *n, bool *more, int64_t framework_id,
			  int64_t unit_id, int64_t before_id, int limit);
/* How many lines the account user_id has written to the reform index's logs
 * since `since`: the lines of survey imports when survey, else all the
 * others (the hourly limits MC_LIMIT_PAR_SURVEY_LINES_PER_HOUR and
 * MC_LIMIT_PAR_MARKS_PER_HOUR), under the account's lock (db.h
 * mc_db_lock_account). */
int mc_store_par_log_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since, bool survey);

/* The year's rating rules (core/par_index.h mc_par_rules, as int32 fields). */
typedef struct {
	int year;
	int32_t excellent_index, good_index, done_index;
	int32_t excellent_tasks, good_tasks, excellent_share;
} mc_par_rules_row;

int mc_store_par_rules_put(mc_store *st, const mc_par_rules_row *r);
/* MC_ENOTFOUND when the year has none. */
int mc_store_par_rules_get(mc_store *st, mc_par_rules_row *out, int year);

/* The appraisal council. */
int mc_store_par_council_put(mc_store *st, int64_t user_id, int64_t at);
int mc_store_par_council_remove(mc_store *st, int64_t user_id);
int mc_store_par_council_has(mc_store *st, bool *out, int64_t user_id);

/* Marks a unit a public service unit (đơn vị sự nghiệp): rated, not counted
 * among the departments (mc_store_unit_one_stop). */
int mc_store_par_public_service(mc_store *st, int64_t unit_id);

/* What a framework's group is judged by for one unit: its code, its level in
 * the tree and whether it is a public service unit. MC_ENOTFOUND. */
typedef struct {
	char *code;
	char *level;
	bool public_service;
} mc_par_unit_kind;
void mc_par_unit_kind_clear(mc_par_unit_kind *k);
int mc_store_par_unit_kind(mc_store *st, mc_par_unit_kind *out, int64_t unit_id);
/* The units of a level (NULL: any) and public service or not that were in
 * force on some day of [first_day, last_day] (local days), by code. Caller
 * frees *out. */
int mc_store_par_units_of_kind(mc_store *st, int64_t **out, size_t *n, const char *level, bool public_service,
			       int32_t first_day, int32_t last_day);

/* ---- what the computed criteria count in other modules (docs/par-index.md §3) */

/*
 * Outgoing documents (box 1) issued by units of unit_id's subtree in
 * [from, to) (*issued), and of those the ones sent electronically with a
 * digital signature (*signed_sent): the issued file carries at least one
 * signature, and the document went out by a copy delivered inside this
 * deployment or an edXML package that a peer took (state sent).
 */
int mc_store_par_documents_signed(mc_store *st, int64_t *issued, int64_t *signed_sent, int64_t unit_id,
				  int64_t from, int64_t to);
/*
 * Tasks that units of unit_id's subtree are in charge of, due by a day,
 * neither suspended nor cancelled, whose ORIGINAL deadline lies in
 * [first_day, last_day], judged as of day `at`: done, or original deadline
 * before `at` (*judged); of those, done on or before the original deadline
 * (*on_time). Days are local day numbers (core/task.h).
 */
int mc_store_par_tasks_on_time(mc_store *st, int64_t *judged, int64_t *on_time, int64_t unit_id,
			       int32_t first_day, int32_t last_day, int32_t at);

/* The procedures of the catalogue the unit handles (owned by it, or owned by
 * none and open to its level) in force some day of [first_day, last_day]
 * (local days): first published by last_day or without a publication record,
 * not abolished on or before first_day (docs/par-index.md §3). */
typedef struct {
	int64_t handled; /* all of them */
	int64_t posted;	 /* with their full public record: documents, duration, legal basis */
	int64_t online;	 /* online on last_day: level 3-4 before their class, full or partial after */
} mc_par_proc_counts;

int mc_store_par_procedures(mc_store *st, mc_par_proc_counts *out, int64_t unit_id, int32_t first_day,
			    int32_t last_day);

/* A recurring task, as `reports_on_time` reads it (docs/par-index.md §3). */
typedef struct {
	int64_t task_id;
	int period;	      /* core/task.h mc_task_period */
	int32_t assigned_day; /* local day */
	int state;	      /* core/task.h mc_task_state */
	int32_t done_day;
	int64_t updated_at; /* when a cancelled or suspended task was last written */
} mc_par_recurring_task;

/* The first report that answered a period of a recurring task (migration 037). */
typedef struct {
	int64_t task_id;
	int32_t period_start;
	int32_t report_due; /* the period's reporting deadline, local day */
	int64_t first_at;   /* the earliest report of the period */
} mc_par_period_report;

/*
 * The recurring tasks that units of unit_id's subtree are in charge of,
 * assigned on or before last_day, by task id (*out, caller frees); and the
 * reports of the unit in charge on them that answer a period ending within
 * [first_day, last_day] (its last day, period_end - 1), one row per task and
 * period with the earliest report, by task id and period start (*reports).
 */
int mc_store_par_recurring_reports(mc_store *st, mc_par_recurring_task **out, size_t *n,
				   mc_par_period_report **reports, size_t *n_reports, int64_t unit_id,
				   int32_t first_day, int32_t last_day);

#endif
