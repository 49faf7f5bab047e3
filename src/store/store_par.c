/*
 * store_par.c - the administrative-reform index on either engine (db.h):
 * frameworks, criteria, units, marks, the log, rating rules and the council
 * (store_par.h; migration 027).
 */
#include "store/store_par.h"

#include "core/par_index.h"
#include "core/err.h"
#include "store/db.h"
#include "store/store_files.h"
#include "store/store_search.h"

#include <stdlib.h>
#include <string.h>

/* ---- frameworks -------------------------------------------------------- */

static const mc_col framework_cols[] = {
    MC_COL(MC_COL_I64, mc_par_framework, id, "id"),
    MC_COL(MC_COL_STR, mc_par_framework, province_code, "province_code"),
    MC_COL(MC_COL_INT, mc_par_framework, year, "year"),
    MC_COL(MC_COL_INT, mc_par_framework, group, "grp"),
    MC_COL(MC_COL_INT, mc_par_framework, state, "state"),
    MC_COL(MC_COL_I64, mc_par_framework, version, "version"),
    MC_COL(MC_COL_I64, mc_par_framework, deadline, "deadline"),
    MC_COL(MC_COL_STR, mc_par_framework, decision, "decision"),
    MC_COL(MC_COL_I64, mc_par_framework, published_at, "published_at"),
    MC_COL(MC_COL_I64, mc_par_framework, created_at, "created_at"),
};
#define FRAMEWORK_SELECT                                                                                     \
	"SELECT id, province_code, year, grp, state, version, deadline, decision, published_at, created_at " \
	"FROM par_framework "

void mc_par_framework_clear(mc_par_framework *f)
{
	mc_row_clear(framework_cols, MC_ARRAY_LEN(framework_cols), f, sizeof *f);
}

void mc_par_framework_free_list(mc_par_framework *list, size_t n)
{
	mc_rows_free(framework_cols, MC_ARRAY_LEN(framework_cols), list, n, sizeof *list);
}

static int criterion_add(mc_store *st, int64_t framework_id, const mc_par_criterion *c, int seq)
{
	static const char sql[] = "INSERT INTO par_criterion (framework_id, seq, code, parent, name, max_cp, "
				  "method, formula) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
	return mc_db_run(st, sql, "record par criterion",
			 MC_ARGS(MC_I(framework_id), MC_I(seq), MC_T(c->code),
				 MC_T(c->parent ? c->parent : ""), MC_T(c->name ? c->name : ""),
				 MC_I(c->max_cp), MC_I(c->method), MC_T(c->formula ? c->formula : "")));
}

static int unit_add(mc_store *st, int64_t framework_id, int64_t unit_id)
{
	static const char sql[] = "INSERT INTO par_unit (framework_id, unit_id) VALUES ($1, $2)";
	return mc_db_try(st, sql, "record par unit", MC_ARGS(MC_I(framework_id), MC_I(unit_id)));
}

int mc_store_par_framework_add(mc_store *st, mc_par_framework *f, const mc_par_criterion *crit, size_t n_crit,
			       const int64_t *unit_ids, size_t n_units)
{
	static const char sql[] = "INSERT INTO par_framework (province_code, year, grp, state, version, "
				  "deadline, decision, created_at) "
				  "VALUES (coalesce((SELECT province_code FROM unit WHERE parent_id IS NULL "
				  "ORDER BY id LIMIT 1), ''), "
				  "$1, $2, 1, 1, $3, '', $4) RETURNING id";
	mc_q *q = NULL;
	int kind = 0;
	int64_t id = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, f->year);
		mc_q_int(q, 2, f->group);
		mc_q_int(q, 3, f->deadline);
		mc_q_int(q, 4, f->created_at);
		rc = mc_q_insert_id(q, "record par framework", &id);
	}
	mc_q_done(q);
	for (size_t i = 0; rc == 0 && i < n_crit; i++)
		rc = criterion_add(st, id, &crit[i], (int)i + 1);
	for (size_t i = 0; rc == 0 && i < n_units; i++)
		rc = unit_add(st, id, unit_ids[i]);
	rc = mc_db_op_end(st, kind, rc);
	if (rc == 0) {
		f->id = id;
		f->version = 1;
		f->state = MC_PAR_OPEN;
	}
	return rc;
}

int mc_store_par_framework_get(mc_store *st, mc_par_framework *out, int64_t id)
{
	static const char sql[] = FRAMEWORK_SELECT "WHERE id = $1";
	memset(out, 0, sizeof *out);
	int rc = mc_db_read_by_id(st, sql, id, "read par framework", MC_COLS(framework_cols), out);
	if (rc)
		mc_par_framework_clear(out);
	return rc;
}

int mc_store_par_framework_list(mc_store *st, mc_par_framework **out, size_t *n, int year)
{
	static const char sql[] = FRAMEWORK_SELECT "WHERE ($1 = 0 OR year = $1) ORDER BY year DESC, grp";
	return mc_db_read_list_by(st, sql, year, "list par frameworks", MC_COLS(framework_cols), sizeof **out,
				  out, n);
}

int mc_store_par_framework_publish(mc_store *st, int64_t id, int64_t if_version, const char *decision,
				   int64_t at)
{
	static const char sql[] = "UPDATE par_framework SET state = 2, version = version + 1, decision = $3, "
				  "published_at = $4 WHERE id = $1 AND version = $2 AND state = 1";
	return mc_db_change(st, sql, "publish par framework", MC_ONE, MC_ESTALE,
			    MC_ARGS(MC_I(id), MC_I(if_version), MC_T(decision ? decision : ""), MC_I(at)));
}

/* ---- criteria and units ------------------------------------------------ */

static const mc_col criterion_cols[] = {
    MC_COL(MC_COL_I64, mc_par_criterion, framework_id, "framework_id"),
    MC_COL(MC_COL_INT, mc_par_criterion, seq, "seq"),
    MC_COL(MC_COL_STR, mc_par_criterion, code, "code"),
    MC_COL(MC_COL_STR, mc_par_criterion, parent, "parent"),
    MC_COL(MC_COL_STR, mc_par_criterion, name, "name"),
    MC_COL(MC_COL_I32, mc_par_criterion, max_cp, "max_cp"),
    MC_COL(MC_COL_INT, mc_par_criterion, method, "method"),
    MC_COL(MC_COL_STR, mc_par_criterion, formula, "formula"),
};

void mc_par_criterion_free_list(mc_par_criterion *list, size_t n)
{
	mc_rows_free(criterion_cols, MC_ARRAY_LEN(criterion_cols), list, n, sizeof *list);
}

int mc_store_par_criteria(mc_store *st, mc_par_criterion **out, size_t *n, int64_t framework_id)
{
	static const char sql[] = "SELECT framework_id, seq, code, parent, name, max_cp, method, formula "
				  "FROM par_criterion WHERE framework_id = $1 ORDER BY seq";
	return mc_db_read_list_by(st, sql, framework_id, "list par criteria", MC_COLS(criterion_cols),
				  sizeof **out, out, n);
}

static const mc_col unit_cols[] = {
    MC_COL(MC_COL_I64, mc_par_unit, framework_id, "framework_id"),
    MC_COL(MC_COL_I64, mc_par_unit, unit_id, "unit_id"),
    MC_COL(MC_COL_STR, mc_par_unit, unit_code, "unit_code"),
    MC_COL(MC_COL_STR, mc_par_unit, unit_name, "unit_name"),
    MC_COL(MC_COL_I64, mc_par_unit, submitted_at, "submitted_at"),
    MC_COL(MC_COL_I32, mc_par_unit, tasks, "tasks"),
    MC_COL(MC_COL_INT, mc_par_unit, cap, "cap"),
    MC_COL(MC_COL_INT, mc_par_unit, decided, "decided"),
    MC_COL(MC_COL_STR, mc_par_unit, reason, "reason"),
    MC_COL(MC_COL_I64, mc_par_unit, version, "version"),
};

void mc_par_unit_free_list(mc_par_unit *list, size_t n)
{
	mc_rows_free(unit_cols, MC_ARRAY_LEN(unit_cols), list, n, sizeof *list);
}

int mc_store_par_units(mc_store *st, mc_par_unit **out, size_t *n, int64_t framework_id, int64_t unit_id)
{
	static const char sql[] =
	    "SELECT p.framework_id, p.unit_id, u.code AS unit_code, u.name AS unit_name, p.submitted_at, "
	    "p.tasks, "
	    "p.cap, p.decided, p.reason, p.version FROM par_unit p JOIN unit u ON u.id = p.unit_id "
	    "WHERE p.framework_id = $1 AND ($2 = 0 OR p.unit_id = $2) ORDER BY u.code";
	return mc_db_list(st, sql, "list par units", MC_COLS(unit_cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(framework_id), MC_I(unit_id)));
}

int mc_store_par_unit_submit(mc_store *st, int64_t framework_id, int64_t unit_id, int64_t at)
{
	static const char sql[] = "UPDATE par_unit SET submitted_at = $3, version = version + 1 "
				  "WHERE framework_id = $1 AND unit_id = $2";
	return mc_db_change(st, sql, "submit par self-assessment", MC_ONE, MC_ENOTFOUND,
			    MC_ARGS(MC_I(framework_id), MC_I(unit_id), MC_I(at)));
}

int mc_store_par_unit_rating(mc_store *st, const mc_par_unit *u, int64_t if_version)
{
	static const char sql[] = "UPDATE par_unit SET tasks = $4, cap = $5, decided = $6, reason = $7, "
				  "version = version + 1 WHERE framework_id = $1 AND unit_id = $2 "
				  "AND ($3 = 0 OR version = $3)";
	return mc_db_change(st, sql, "record par rating inputs", MC_ONE, MC_ESTALE,
			    MC_ARGS(MC_I(u->framework_id), MC_I(u->unit_id), MC_I(if_version), MC_I(u->tasks),
				    MC_I(u->cap), MC_I(u->decided), MC_T(u->reason ? u->reason : "")));
}

/* ---- marks ------------------------------------------------------------- */

static const mc_col score_cols[] = {
    MC_COL(MC_COL_I64, mc_par_score, framework_id, "framework_id"),
    MC_COL(MC_COL_I64, mc_par_score, unit_id, "unit_id"),
    MC_COL(MC_COL_STR, mc_par_score, code, "code"),
    MC_COL(MC_COL_BOOL, mc_par_score, not_applicable, "not_applicable"),
    MC_COL(MC_COL_BOOL, mc_par_score, has_self, "has_self"),
    MC_COL(MC_COL_I32, mc_par_score, self_cp, "self_cp"),
    MC_COL(MC_COL_STR, mc_par_score, note, "note"),
    MC_COL(MC_COL_STR, mc_par_score, evidence, "evidence"),
    MC_COL(MC_COL_BOOL, mc_par_score, has_council, "has_council"),
    MC_COL(MC_COL_I32, mc_par_score, council_cp, "council_cp"),
    MC_COL(MC_COL_STR, mc_par_score, reason, "reason"),
    MC_COL(MC_COL_BOOL, mc_par_score, has_value, "has_value"),
    MC_COL(MC_COL_I32, mc_par_score, value_cp, "value_cp"),
    MC_COL(MC_COL_STR, mc_par_score, figures, "figures"),
    MC_COL(MC_COL_I64, mc_par_score, version, "version"),
    MC_COL(MC_COL_I64, mc_par_score, updated_by, "updated_by"),
    MC_COL(MC_COL_I64, mc_par_score, updated_at, "updated_at"),
};

void mc_par_score_clear(mc_par_score *s)
{
	mc_row_clear(score_cols, MC_ARRAY_LEN(score_cols), s, sizeof *s);
}

void mc_par_score_free_list(mc_par_score *list, size_t n)
{
	mc_rows_free(score_cols, MC_ARRAY_LEN(score_cols), list, n, sizeof *list);
}

int mc_store_par_scores(mc_store *st, mc_par_score **out, size_t *n, int64_t framework_id, int64_t unit_id)
{
	static const char sql[] =
	    "SELECT s.framework_id, s.unit_id, s.code, s.not_applicable, s.self_cp IS NOT NULL AS has_self, "
	    "s.self_cp, s.note, s.evidence, s.council_cp IS NOT NULL AS has_council, s.council_cp, s.reason, "
	    "s.value_cp IS NOT NULL AS has_value, s.value_cp, s.figures, s.version, s.updated_by, "
	    "s.updated_at "
	    "FROM par_score s JOIN par_criterion c ON c.framework_id = s.framework_id AND c.code = s.code "
	    "WHERE s.framework_id = $1 AND ($2 = 0 OR s.unit_id = $2) ORDER BY s.unit_id, c.seq";
	return mc_db_list(st, sql, "list par scores", MC_COLS(score_cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(framework_id), MC_I(unit_id)));
}

int mc_store_par_score_get(mc_store *st, mc_par_score *out, int64_t framework_id, int64_t unit_id,
			   const char *code)
{
	static const char sql[] =
	    "SELECT framework_id, unit_id, code, not_applicable, self_cp IS NOT NULL AS has_self, self_cp, "
	    "note, evidence, council_cp IS NOT NULL AS has_council, council_cp, reason, "
	    "value_cp IS NOT NULL AS has_value, value_cp, figures, version, updated_by, updated_at "
	    "FROM par_score WHERE framework_id = $1 AND unit_id = $2 AND code = $3";
	memset(out, 0, sizeof *out);
	int rc = mc_db_read(st, sql, "read par score", MC_COLS(score_cols), out,
			    MC_ARGS(MC_I(framework_id), MC_I(unit_id), MC_T(code)));
	if (rc)
		mc_par_score_clear(out);
	return rc;
}

static void bind_opt(mc_q *q, int i, bool has, int32_t v)
{
	if (has)
		mc_q_int(q, i, v);
	else
		mc_q_null(q, i);
}

static const mc_col sha_cols[] = {{"sha256", MC_COL_STR, 0, 0}};

/* Whether the comma-separated list names sha256. */
static bool names(const char *list, const char *sha256)
{
	size_t len = strlen(sha256);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == len && memcmp(p, sha256, n) == 0)
			return true;
		p = comma ? comma + 1 : p + n;
	}
	return false;
}

/* The rows of par_evidence of the mark s as its evidence says, each file
 * under its lock (like a record of it on another server); a file dropped is
 * released, a file added must still be kept. */
static int evidence_sync(mc_store *st, const mc_par_score *s)
{
	static const char list_sql[] =
	    "SELECT sha256 FROM par_evidence WHERE framework_id = $1 AND unit_id = $2 "
	    "AND code = $3 ORDER BY sha256";
	static const char add_sql[] = "INSERT INTO par_evidence (framework_id, unit_id, code, sha256) "
				      "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
	static const char del_sql[] = "DELETE FROM par_evidence WHERE framework_id = $1 AND unit_id = $2 "
				      "AND code = $3 AND sha256 = $4";
	const char *evidence = s->evidence ? s->evidence : "";
	char **old = NULL;
	size_t n_old = 0;
	int rc = mc_db_list(st, list_sql, "list par evidence", MC_COLS(sha_cols), sizeof *old, &old, &n_old,
			    MC_ARGS(MC_I(s->framework_id), MC_I(s->unit_id), MC_T(s->code)));

	for (size_t i = 0; rc == 0 && i < n_old; i++) {
		if (names(evidence, old[i]))
			continue;
		rc = mc_files_lock(st, old[i]);
		if (rc == 0)
			rc = mc_db_run(
			    st, del_sql, "remove par evidence",
			    MC_ARGS(MC_I(s->framework_id), MC_I(s->unit_id), MC_T(s->code), MC_T(old[i])));
		if (rc == 0)
			rc = mc_files_release(st, old[i], s->updated_at);
	}
	for (const char *p = evidence; rc == 0 && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char sha[65];
		bool held = false, kept = false;

		const char *start = p;

		p = comma ? comma + 1 : p + len;
		if (len != 64)
			continue;
		memcpy(sha, start, 64);
		sha[64] = '\0';
		for (size_t i = 0; i < n_old && !held; i++)
			held = strcmp(old[i], sha) == 0;
		if (held)
			continue;
		rc = mc_files_lock(st, sha);
		if (rc == 0)
			rc = mc_files_recorded(st, &kept, sha);
		if (rc == 0 && !kept)
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"the evidence file %.12s… is no longer kept; upload it again", sha);
		if (rc == 0)
			rc = mc_db_run(
			    st, add_sql, "record par evidence",
			    MC_ARGS(MC_I(s->framework_id), MC_I(s->unit_id), MC_T(s->code), MC_T(sha)));
	}
	mc_rows_free(MC_COLS(sha_cols), old, n_old, sizeof *old);
	return rc;
}

static const mc_col evidence_of_cols[] = {
    MC_COL(MC_COL_I64, mc_par_evidence_of, framework_id, "framework_id"),
    MC_COL(MC_COL_I64, mc_par_evidence_of, unit_id, "unit_id"),
};

int mc_store_par_evidence_of(mc_store *st, mc_par_evidence_of **out, size_t *n, const char *sha256)
{
	static const char sql[] = "SELECT DISTINCT framework_id, unit_id FROM par_evidence WHERE sha256 = $1 "
				  "ORDER BY framework_id, unit_id";
	return mc_db_list(st, sql, "list the marks of an evidence file", MC_COLS(evidence_of_cols),
			  sizeof **out, out, n, MC_ARGS(MC_T(sha256)));
}

int mc_store_par_score_put(mc_store *st, mc_par_score *s, mc_par_put what, int64_t if_version)
{
	/* A missing mark is made first, so that every write is one UPDATE with
	 * its version check: $1..$3 the key, $4 by, $5 at. Two first writes at
	 * once (PostgreSQL, two servers): the second's insert waits for the
	 * first's and does nothing, and its UPDATE applies after it. */
	static const char make[] =
	    "INSERT INTO par_score (framework_id, unit_id, code, updated_by, updated_at) "
	    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (framework_id, unit_id, code) DO NOTHING";
	static const char upd_self[] = "UPDATE par_score SET self_cp = $7, note = $8, evidence = $9, version "
				       "= version + 1, updated_by = $4, "
				       "updated_at = $5 WHERE framework_id = $1 AND unit_id = $2 AND code = "
				       "$3 AND ($6 = 0 OR version = $6) "
				       "RETURNING version";
	static const char upd_council[] =
	    "UPDATE par_score SET council_cp = $7, not_applicable = $8, reason = $9, version = version + 1, "
	    "updated_by = $4, updated_at = $5 WHERE framework_id = $1 AND unit_id = $2 AND code = $3 "
	    "AND ($6 = 0 OR version = $6) RETURNING version";
	static const char upd_value[] =
	    "UPDATE par_score SET value_cp = $7, figures = $8, version = version + 1, updated_by = $4, "
	    "updated_at = $5 WHERE framework_id = $1 AND unit_id = $2 AND code = $3 AND ($6 = 0 OR version = "
	    "$6) "
	    "RETURNING version";
	const char *sql = what == MC_PAR_PUT_SELF      ? upd_self
			  : what == MC_PAR_PUT_COUNCIL ? upd_council
						       : upd_value;
	mc_q *q = NULL;
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	/* Not the framework's unit or criterion: MC_ENOTFOUND. */
	rc = mc_db_try(st, make, "make par score",
		       MC_ARGS(MC_I(s->framework_id), MC_I(s->unit_id), MC_T(s->code), MC_I(s->updated_by),
			       MC_I(s->updated_at)));
	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, s->framework_id);
		mc_q_int(q, 2, s->unit_id);
		mc_q_text(q, 3, s->code);
		mc_q_int(q, 4, s->updated_by);
		mc_q_int(q, 5, s->updated_at);
		mc_q_int(q, 6, if_version);
		if (what == MC_PAR_PUT_SELF) {
			bind_opt(q, 7, s->has_self, s->self_cp);
			mc_q_text(q, 8, s->note ? s->note : "");
			mc_q_text(q, 9, s->evidence ? s->evidence : "");
		} else if (what == MC_PAR_PUT_COUNCIL) {
			bind_opt(q, 7, s->has_council, s->council_cp);
			mc_q_bool(q, 8, s->not_applicable);
			mc_q_text(q, 9, s->reason ? s->reason : "");
		} else {
			bind_opt(q, 7, s->has_value, s->value_cp);
			mc_q_text(q, 8, s->figures ? s->figures : "");
		}
		rc = mc_q_row(q, "write par score");
		if (rc == 1) {
			s->version = mc_q_col_int(q, 0);
			rc = 0;
		} else if (rc == 0) {
			rc = MC_ESTALE;
		}
	}
	mc_q_done(q);
	if (rc == 0 && what == MC_PAR_PUT_SELF)
		rc = evidence_sync(st, s);
	return mc_db_op_end(st, kind, rc);
}

/* ---- the log ----------------------------------------------------------- */

static const mc_col log_cols[] = {
    MC_COL(MC_COL_I64, mc_par_log, id, "id"),
    MC_COL(MC_COL_I64, mc_par_log, framework_id, "framework_id"),
    MC_COL(MC_COL_I64, mc_par_log, unit_id, "unit_id"),
    MC_COL(MC_COL_STR, mc_par_log, code, "code"),
    MC_COL(MC_COL_STR, mc_par_log, what, "what"),
    MC_COL(MC_COL_BOOL, mc_par_log, has_old, "has_old"),
    MC_COL(MC_COL_BOOL, mc_par_log, has_new, "has_new"),
    MC_COL(MC_COL_I32, mc_par_log, old_cp, "old_cp"),
    MC_COL(MC_COL_I32, mc_par_log, new_cp, "new_cp"),
    MC_COL(MC_COL_STR, mc_par_log, reason, "reason"),
    MC_COL(MC_COL_I64, mc_par_log, user_id, "user_id"),
    MC_COL(MC_COL_STR, mc_par_log, username, "username"),
    MC_COL(MC_COL_I64, mc_par_log, at, "at"),
    MC_COL(MC_COL_STR, mc_par_log, prev_hash, "prev_hash"),
    MC_COL(MC_COL_STR, mc_par_log, hash, "hash"),
    MC_COL(MC_COL_STR, mc_par_log, detail, "detail"),
};

void mc_par_log_free_list(mc_par_log *list, size_t n)
{
	mc_rows_free(log_cols, MC_ARRAY_LEN(log_cols), list, n, sizeof *list);
}

/* The space of the frameworks' locks (db.h mc_db_lock), by framework id:
 * taken by the appends to its log and by every write that requires it open. */
#define LOCK_PAR_LOG INT64_C(1835230080)

int mc_store_par_framework_lock(mc_store *st, int64_t id)
{
	return mc_db_lock(st, (LOCK_PAR_LOG << 32) | (id & 0xffffffff), "lock a reform-index framework");
}

int mc_store_par_log_add(mc_store *st, const mc_par_log *l)
{
	static const char last[] =
	    "SELECT hash FROM par_log WHERE framework_id = $1 ORDER BY id DESC LIMIT 1";
	static const char sql[] =
	    "INSERT INTO par_log (framework_id, unit_id, code, what, old_cp, new_cp, reason, "
	    "user_id, at, prev_hash, hash, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
	    "$12)";
	static const mc_col last_cols[] = {{"hash", MC_COL_CHARS, 0, MC_PAR_HASH_LEN}};
	char prev[MC_PAR_HASH_LEN] = "", hash[MC_PAR_HASH_LEN];
	int rc = mc_db_lock(st, (LOCK_PAR_LOG << 32) | (l->framework_id & 0xffffffff),
			    "lock the reform index's log");

	if (rc == 0) {
		rc = mc_db_read(st, last, "read the reform index's last log line", MC_COLS(last_cols), prev,
				MC_ARGS(MC_I(l->framework_id)));
		if (rc == MC_ENOTFOUND)
			rc = 0;
	}
	if (rc)
		return rc;
	mc_par_log_hash(hash, prev, l->framework_id, l->unit_id, l->code ? l->code : "", l->what,
			l->has_old ? &l->old_cp : NULL, l->has_new ? &l->new_cp : NULL,
			l->reason ? l->reason : "", l->user_id, l->at, l->detail);
	return mc_db_run(st, sql, "record par log",
			 MC_ARGS(MC_I(l->framework_id), MC_I(l->unit_id), MC_T(l->code ? l->code : ""),
				 MC_T(l->what), l->has_old ? MC_I(l->old_cp) : MC_NULL(),
				 l->has_new ? MC_I(l->new_cp) : MC_NULL(), MC_T(l->reason ? l->reason : ""),
				 MC_I(l->user_id), MC_I(l->at), MC_T(prev), MC_T(hash),
				 MC_T(l->detail ? l->detail : "")));
}

int mc_store_par_log_list(mc_store *st, mc_par_log **out, size_t *n, int64_t framework_id, int64_t unit_id)
{
	static const char sql[] =
	    "SELECT l.id, l.framework_id, l.unit_id, l.code, l.what, l.old_cp IS NOT NULL AS has_old, "
	    "l.new_cp IS NOT NULL AS has_new, l.old_cp, l.new_cp, l.reason, l.user_id, "
	    "coalesce(u.username, '') AS username, l.at, l.prev_hash, l.hash, l.detail FROM par_log l LEFT "
	    "JOIN "
	    "app_user u ON u.id = "
	    "l.user_id "
	    "WHERE l.framework_id = $1 AND ($2 = 0 OR l.unit_id = $2) ORDER BY l.id";
	return mc_db_list(st, sql, "list par log", MC_COLS(log_cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(framework_id), MC_I(unit_id)));
}

int mc_store_par_log_page(mc_store *st, mc_par_log **out, size_t *n, bool *more, int64_t framework_id,
			  int64_t unit_id, int64_t before_id, int limit)
{
	/* Newest first by the index par_log_unit (framework_id, unit_id, id). */
	static const char sql[] =
	    "SELECT l.id, l.framework_id, l.unit_id, l.code, l.what, l.old_cp IS NOT NULL AS has_old, "
	    "l.new_cp IS NOT NULL AS has_new, l.old_cp, l.new_cp, l.reason, l.user_id, "
	    "coalesce(u.username, '') AS username, l.at, l.prev_hash, l.hash, l.detail FROM par_log l LEFT "
	    "JOIN "
	    "app_user u ON u.id = l.user_id "
	    "WHERE l.framework_id = $1 AND l.unit_id = $2 AND ($3 = 0 OR l.id < $3) "
	    "ORDER BY l.id DESC LIMIT $4";

	return mc_db_list_page2(st, sql, "list par log page", MC_COLS(log_cols), sizeof **out, out, n, more,
				framework_id, unit_id, before_id, limit);
}

int mc_store_par_log_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since, bool survey)
{
	/* By the index par_log_user (user_id, at). */
	static const char *const sql[] = {
	    "SELECT count(*) FROM par_log WHERE user_id = $1 AND at >= $2 AND what != 'survey'",
	    "SELECT count(*) FROM par_log WHERE user_id = $1 AND at >= $2 AND what = 'survey'"};
	int rc = mc_db_lock_account(st, user_id, "lock an account's reform-index lines");

	*out = 0;
	return rc ? rc
		  : mc_db_int(st, sql[survey], "count par log lines of an account", out,
			      MC_ARGS(MC_I(user_id), MC_I(since)));
}

/* ---- rules and council ------------------------------------------------- */

int mc_store_par_rules_put(mc_store *st, const mc_par_rules_row *r)
{
	static const char sql[] =
	    "INSERT INTO par_rules (year, excellent_index, good_index, done_index, excellent_tasks, "
	    "good_tasks, "
	    "excellent_share) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (year) DO UPDATE SET "
	    "excellent_index = $2, good_index = $3, done_index = $4, excellent_tasks = $5, good_tasks = $6, "
	    "excellent_share = $7";
	return mc_db_run(st, sql, "record par rules",
			 MC_ARGS(MC_I(r->year), MC_I(r->excellent_index), MC_I(r->good_index),
				 MC_I(r->done_index), MC_I(r->excellent_tasks), MC_I(r->good_tasks),
				 MC_I(r->excellent_share)));
}

static const mc_col rules_cols[] = {
    MC_COL(MC_COL_INT, mc_par_rules_row, year, "year"),
    MC_COL(MC_COL_I32, mc_par_rules_row, excellent_index, "excellent_index"),
    MC_COL(MC_COL_I32, mc_par_rules_row, good_index, "good_index"),
    MC_COL(MC_COL_I32, mc_par_rules_row, done_index, "done_index"),
    MC_COL(MC_COL_I32, mc_par_rules_row, excellent_tasks, "excellent_tasks"),
    MC_COL(MC_COL_I32, mc_par_rules_row, good_tasks, "good_tasks"),
    MC_COL(MC_COL_I32, mc_par_rules_row, excellent_share, "excellent_share"),
};

int mc_store_par_rules_get(mc_store *st, mc_par_rules_row *out, int year)
{
	static const char sql[] = "SELECT year, excellent_index, good_index, done_index, excellent_tasks, "
				  "good_tasks, excellent_share FROM par_rules WHERE year = $1";

	memset(out, 0, sizeof *out);
	return mc_db_read_by_id(st, sql, year, "read par rules", MC_COLS(rules_cols), out);
}

int mc_store_par_council_put(mc_store *st, int64_t user_id, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO par_council (user_id, added_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING";
	return mc_db_try(st, sql, "record par council member", MC_ARGS(MC_I(user_id), MC_I(at)));
}

int mc_store_par_council_remove(mc_store *st, int64_t user_id)
{
	static const char sql[] = "DELETE FROM par_council WHERE user_id = $1";
	return mc_db_run(st, sql, "remove par council member", MC_ARGS(MC_I(user_id)));
}

int mc_store_par_council_has(mc_store *st, bool *out, int64_t user_id)
{
	static const char sql[] = "SELECT 1 FROM par_council WHERE user_id = $1";
	int64_t one = 0;
	int rc = mc_db_int(st, sql, "read par council member", &one, MC_ARGS(MC_I(user_id)));

	*out = rc == 0 && one == 1;
	return rc;
}

int mc_store_par_public_service(mc_store *st, int64_t unit_id)
{
	static const char sql[] = "UPDATE unit SET public_service = $2 WHERE id = $1";
	return mc_db_change(st, sql, "mark public service unit", MC_ONE, MC_ENOTFOUND,
			    MC_ARGS(MC_I(unit_id), MC_B(true)));
}

static const mc_col kind_cols[] = {
    MC_COL(MC_COL_STR, mc_par_unit_kind, code, "code"),
    MC_COL(MC_COL_STR, mc_par_unit_kind, level, "level"),
    MC_COL(MC_COL_BOOL, mc_par_unit_kind, public_service, "public_service"),
};

void mc_par_unit_kind_clear(mc_par_unit_kind *k)
{
	mc_row_clear(kind_cols, MC_ARRAY_LEN(kind_cols), k, sizeof *k);
}

int mc_store_par_unit_kind(mc_store *st, mc_par_unit_kind *out, int64_t unit_id)
{
	static const char sql[] = "SELECT code, level, public_service FROM unit WHERE id = $1";

	memset(out, 0, sizeof *out);
	return mc_db_read_by_id(st, sql, unit_id, "read unit kind", MC_COLS(kind_cols), out);
}

int mc_store_par_units_of_kind(mc_store *st, int64_t **out, size_t *n, const char *level, bool public_service,
			       int32_t first_day, int32_t last_day)
{
	static const char sql[] =
	    "SELECT id FROM unit WHERE (valid_from IS NULL OR valid_from <= $4) AND (valid_to IS NULL OR "
	    "valid_to > $3) AND ($1 = '' OR level = $1) AND public_service = $2 ORDER BY code";
	/* Each row one int64_t of the array. */
	static const mc_col cols[] = {{"id", MC_COL_I64, 0, 0}};
	return mc_db_list(
	    st, sql, "list units of a kind", MC_COLS(cols), sizeof **out, out, n,
	    MC_ARGS(MC_T(level ? level : ""), MC_B(public_service), MC_I(first_day), MC_I(last_day)));
}

/* ---- what the computed criteria count in other modules ------------------ */

/* The n counts of the one row of q (bound) into out. */
static int read_counts(mc_q *q, const char *what, int64_t *const out[], size_t n)
{
	int rc = mc_q_row(q, what);
	if (rc == 1) {
		for (size_t i = 0; i < n; i++)
			*out[i] = mc_q_col_int(q, (int)i);
		rc = 0;
	} else if (rc == 0) {
		rc = MC_ERROR;
	}
	return rc;
}

/* The two counts of the one row of sql in the subtree of unit_id: $1, $2 its
 * path range, $3 … the integers args. */
static int count_in_unit(mc_store *st, const char *what, const char *sql, int64_t unit_id,
			 const int64_t *args, size_t n_args, int64_t *a, int64_t *b)
{
	int64_t *const out[] = {a, b};
	mc_q *q = NULL;
	int rc = mc_db_prepare_in_unit(st, &q, sql, unit_id);

	*a = *b = 0;
	if (rc == 0) {
		for (size_t i = 0; i < n_args; i++)
			mc_q_int(q, 3 + (int)i, args[i]);
		rc = read_counts(q, what, out, MC_ARRAY_LEN(out));
	}
	mc_q_done(q);
	return rc;
}

int mc_store_par_documents_signed(mc_store *st, int64_t *issued, int64_t *signed_sent, int64_t unit_id,
				  int64_t from, int64_t to)
{
	/* State 6 is issued (core/document.h); kind 1 of an exchange package
	 * is a document, direction 1 outgoing. */
	static const char sql[] =
	    "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM document_file f "
	    "WHERE f.document_id = d.id AND f.signatures > 0) AND (EXISTS (SELECT 1 FROM document c "
	    "WHERE c.source_id = d.id) OR EXISTS (SELECT 1 FROM exchange_message x WHERE x.document_id = "
	    "d.id "
	    "AND x.direction = 1 AND x.kind = 1 AND x.state = 'sent'))) "
	    "FROM document d JOIN unit u ON u.id = d.unit_id WHERE u.path >= $1 AND u.path < $2 "
	    "AND d.box = 1 AND d.state = 6 AND d.issued_at >= $3 AND d.issued_at < $4";
	const int64_t args[] = {from, to};

	return count_in_unit(st, "count documents sent signed", sql, unit_id, args, MC_ARRAY_LEN(args),
			     issued, signed_sent);
}

static const mc_col recurring_cols[] = {
    MC_COL(MC_COL_I64, mc_par_recurring_task, task_id, "id"),
    MC_COL(MC_COL_INT, mc_par_recurring_task, period, "period"),
    MC_COL(MC_COL_I32, mc_par_recurring_task, assigned_day, "assigned_day"),
    MC_COL(MC_COL_INT, mc_par_recurring_task, state, "state"),
    MC_COL(MC_COL_I32, mc_par_recurring_task, done_day, "done_day"),
    MC_COL(MC_COL_I64, mc_par_recurring_task, updated_at, "updated_at"),
};

static const mc_col period_report_cols[] = {
    MC_COL(MC_COL_I64, mc_par_period_report, task_id, "task_id"),
    MC_COL(MC_COL_I32, mc_par_period_report, period_start, "period_start"),
    MC_COL(MC_COL_I32, mc_par_period_report, report_due, "report_due"),
    MC_COL(MC_COL_I64, mc_par_period_report, first_at, "first_at"),
};

int mc_store_par_recurring_reports(mc_store *st, mc_par_recurring_task **out, size_t *n,
				   mc_par_period_report **reports, size_t *n_reports, int64_t unit_id,
				   int32_t first_day, int32_t last_day)
{
	/* Due kind 2 is recurring (core/task.h). */
	static const char sql_tasks[] =
	    "SELECT t.id, t.period, t.assigned_day, t.state, t.done_day, t.updated_at "
	    "FROM task t JOIN unit u ON u.id = t.unit_id WHERE u.path >= $1 AND u.path < $2 "
	    "AND t.due_kind = 2 AND t.assigned_day <= $3 ORDER BY t.id";
	/* A report answers a period only when the unit in charge sent it
	 * (app/task.c): the others have period_start 0. */
	static const char sql_reports[] =
	    "SELECT e.task_id, e.period_start, min(e.report_due) AS report_due, min(e.at) AS first_at "
	    "FROM task_event e JOIN task t ON t.id = e.task_id JOIN unit u ON u.id = t.unit_id "
	    "WHERE u.path >= $1 AND u.path < $2 AND t.due_kind = 2 AND e.period_start > 0 "
	    "AND e.period_end > $3 AND e.period_end <= $4 "
	    "GROUP BY e.task_id, e.period_start ORDER BY e.task_id, e.period_start";
	mc_q *q = NULL;
	int rc = mc_db_prepare_in_unit(st, &q, sql_tasks, unit_id);

	*out = NULL;
	*reports = NULL;
	*n = *n_reports = 0;
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, last_day);
	rc = mc_q_read_list(q, "list recurring tasks", recurring_cols, MC_ARRAY_LEN(recurring_cols),
			    sizeof **out, out, n);
	mc_q_done(q);
	q = NULL;
	if (rc == 0)
		rc = mc_db_prepare_in_unit(st, &q, sql_reports, unit_id);
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, first_day);
	mc_q_int(q, 4, last_day + 1);
	rc = mc_q_read_list(q, "list period reports", period_report_cols, MC_ARRAY_LEN(period_report_cols),
			    sizeof **reports, reports, n_reports);
cleanup:
	mc_q_done(q);
	if (rc) {
		free(*out);
		free(*reports);
		*out = NULL;
		*reports = NULL;
		*n = *n_reports = 0;
	}
	return rc;
}

int mc_store_par_tasks_on_time(mc_store *st, int64_t *judged, int64_t *on_time, int64_t unit_id,
			       int32_t first_day, int32_t last_day, int32_t at)
{
	/* States (core/task.h): 4 done, 7 suspended, 8 cancelled; due kind 1
	 * is by a day. */
	static const char sql[] =
	    "SELECT count(*), count(*) FILTER (WHERE t.state = 4 AND t.done_day <= t.original_due) "
	    "FROM task t JOIN unit u ON u.id = t.unit_id WHERE u.path >= $1 AND u.path < $2 "
	    "AND t.due_kind = 1 AND t.state NOT IN (7, 8) AND t.original_due >= $3 AND t.original_due <= $4 "
	    "AND (t.state = 4 OR t.original_due < $5)";
	const int64_t args[] = {first_day, last_day, at};

	return count_in_unit(st, "count tasks done on time", sql, unit_id, args, MC_ARRAY_LEN(args), judged,
			     on_time);
}

int mc_store_par_procedures(mc_store *st, mc_par_proc_counts *out, int64_t unit_id, int32_t first_day,
			    int32_t last_day)
{
	/* In force some day of the year: first published (new or standardised)
	 * by its last day or without such a record, not abolished on or before
	 * its first day (store_procedure.c, mc_store_procedure_in_force); the
	 * catalogue's rule for a unit (MC_PROC_FILTERS): owned by it, or owned
	 * by none and open to its level. Online: the service in force on the
	 * year's last day (core/onestop.h, mc_online_filing_allowed). */
	static const char sql[] =
	    "SELECT count(*), "
	    "count(*) FILTER (WHERE p.duration_hours > 0 AND coalesce(p.legal_basis, '') <> '' "
	    "AND EXISTS (SELECT 1 FROM procedure_document d WHERE d.procedure_id = p.id)), "
	    "count(*) FILTER (WHERE CASE WHEN p.online_class_since > 0 AND p.online_class_since <= $3 "
	    "THEN coalesce(p.online_class, '') IN ('full', 'partial') ELSE p.online_level >= 3 END) "
	    "FROM procedure p WHERE (p.unit_id = $1 OR (p.unit_id IS NULL AND " MC_PROC_HAS_LEVEL(
		"(SELECT u.level FROM unit u WHERE u.id = $1)") ")) "
								"AND NOT EXISTS (SELECT 1 FROM "
								"procedure_publication a WHERE "
								"a.procedure_id = p.id "
								"AND a.kind = 'abolished' AND a.day <= $2) "
								"AND (p.status <> 'abolished' OR EXISTS "
								"(SELECT 1 FROM procedure_publication a "
								"WHERE a.procedure_id = p.id AND a.kind = "
								"'abolished')) "
								"AND coalesce((SELECT min(f.day) FROM "
								"procedure_publication f WHERE "
								"f.procedure_id = p.id "
								"AND f.kind IN ('new', 'standardised')), $3) "
								"<= $3";
	int64_t *const counts[] = {&out->handled, &out->posted, &out->online};
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	memset(out, 0, sizeof *out);
	if (rc)
		goto cleanup;
	mc_q_ref(q, 1, unit_id);
	mc_q_int(q, 2, first_day);
	mc_q_int(q, 3, last_day);
	rc = read_counts(q, "count the procedures a unit handles", counts, MC_ARRAY_LEN(counts));
cleanup:
	mc_q_done(q);
	return rc;
}
