/*
 * store_dossier.c - dossiers, their documents, code sequences and the
 * append-only event log, on either engine (db.h).
 *
 * dossier_insert, dossier_update and event_append are the backend halves of
 * operations whose public functions keep the statistics roll-up in step
 * (store/rollup.c); they are defined here as mc_store_backend_<op>.
 */
#include "store/db.h"

#include "core/dossier.h"
#include "core/text.h"
#include "store/store_rollup.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOSSIER_COLS                                                                                         \
	"d.id, d.code, d.province_code, d.procedure_id, p.code AS procedure_code, d.receiving_unit_id, "     \
	"d.current_unit_id, d.handler_id, d.step, d.channel, d.state, d.resume_state, d.outcome, "           \
	"d.applicant_name, d.applicant_id_number, d.applicant_phone, d.applicant_email, "                    \
	"d.applicant_address, d.owner_id, d.duration_hours, d.submitted_at, d.received_at, d.due_at, "       \
	"d.paused_at, d.finished_at, d.returned_at, d.updated_at, d.version, d.note, d.statutory_due_at, "   \
	"d.reception_unit_id, d.return_unit_id, d.cutoff_min, d.restart_on_supplement"

/* The dossier with its procedure's code, as every read of dossiers wants it. */
#define DOSSIER_FROM " FROM dossier d JOIN procedure p ON p.id = d.procedure_id"

static const mc_col dossier_cols[] = {
    MC_COL(MC_COL_I64, mc_dossier, id, "id"),
    MC_COL(MC_COL_STR, mc_dossier, code, "code"),
    MC_COL(MC_COL_STR, mc_dossier, province_code, "province_code"),
    MC_COL(MC_COL_I64, mc_dossier, procedure_id, "procedure_id"),
    MC_COL(MC_COL_STR, mc_dossier, procedure_code, "procedure_code"),
    MC_COL(MC_COL_I64, mc_dossier, receiving_unit_id, "receiving_unit_id"),
    MC_COL(MC_COL_I64, mc_dossier, current_unit_id, "current_unit_id"),
    MC_COL(MC_COL_I64, mc_dossier, handler_id, "handler_id"),
    MC_COL(MC_COL_INT, mc_dossier, step, "step"),
    MC_COL(MC_COL_INT, mc_dossier, channel, "channel"),
    MC_COL(MC_COL_INT, mc_dossier, state, "state"),
    MC_COL(MC_COL_INT, mc_dossier, resume_state, "resume_state"),
    MC_COL(MC_COL_INT, mc_dossier, outcome, "outcome"),
    MC_COL(MC_COL_STR, mc_dossier, applicant_name, "applicant_name"),
    MC_COL(MC_COL_STR, mc_dossier, applicant_id_number, "applicant_id_number"),
    MC_COL(MC_COL_STR, mc_dossier, applicant_phone, "applicant_phone"),
    MC_COL(MC_COL_STR, mc_dossier, applicant_email, "applicant_email"),
    MC_COL(MC_COL_STR, mc_dossier, applicant_address, "applicant_address"),
    MC_COL(MC_COL_I64, mc_dossier, owner_id, "owner_id"),
    MC_COL(MC_COL_I32, mc_dossier, duration_hours, "duration_hours"),
    MC_COL(MC_COL_I64, mc_dossier, submitted_at, "submitted_at"),
    MC_COL(MC_COL_I64, mc_dossier, received_at, "received_at"),
    MC_COL(MC_COL_I64, mc_dossier, due_at, "due_at"),
    MC_COL(MC_COL_I64, mc_dossier, paused_at, "paused_at"),
    MC_COL(MC_COL_I64, mc_dossier, finished_at, "finished_at"),
    MC_COL(MC_COL_I64, mc_dossier, returned_at, "returned_at"),
    MC_COL(MC_COL_I64, mc_dossier, updated_at, "updated_at"),
    MC_COL(MC_COL_I64, mc_dossier, version, "version"),
    MC_COL(MC_COL_STR, mc_dossier, note, "note"),
    MC_COL(MC_COL_I64, mc_dossier, statutory_due_at, "statutory_due_at"),
    MC_COL(MC_COL_I64, mc_dossier, reception_unit_id, "reception_unit_id"),
    MC_COL(MC_COL_I64, mc_dossier, return_unit_id, "return_unit_id"),
    MC_COL(MC_COL_INT, mc_dossier, cutoff_min, "cutoff_min"),
    MC_COL(MC_COL_BOOL, mc_dossier, restart_on_supplement, "restart_on_supplement"),
};

static const mc_col doc_cols[] = {
    MC_COL(MC_COL_INT, mc_dossier_doc, seq, "seq"),
    MC_COL(MC_COL_STR, mc_dossier_doc, name, "name"),
    MC_COL(MC_COL_INT, mc_dossier_doc, originals, "originals"),
    MC_COL(MC_COL_INT, mc_dossier_doc, copies, "copies"),
    MC_COL_ARRAY(mc_dossier_doc, sha256, "sha256"),
    MC_COL(MC_COL_STR, mc_dossier_doc, filename, "filename"),
    MC_COL(MC_COL_STR, mc_dossier_doc, mime, "mime"),
    MC_COL(MC_COL_I64, mc_dossier_doc, size, "size"),
    MC_COL(MC_COL_STR, mc_dossier_doc, kind, "kind"),
};

#define EVENT_COLS                                                                                           \
	"id, dossier_id, at, actor_id, actor_name, unit_id, action, from_state, to_state, step, note, "      \
	"hash, "                                                                                             \
	"hash_version, personal_hash, personal_salt, pseudonymised_at"

static const mc_col event_cols[] = {
    MC_COL(MC_COL_I64, mc_event, id, "id"),
    MC_COL(MC_COL_I64, mc_event, dossier_id, "dossier_id"),
    MC_COL(MC_COL_I64, mc_event, at, "at"),
    MC_COL(MC_COL_I64, mc_event, actor_id, "actor_id"),
    MC_COL(MC_COL_STR, mc_event, actor_name, "actor_name"),
    MC_COL(MC_COL_I64, mc_event, unit_id, "unit_id"),
    MC_COL(MC_COL_STR, mc_event, action, "action"),
    MC_COL(MC_COL_INT, mc_event, from_state, "from_state"),
    MC_COL(MC_COL_INT, mc_event, to_state, "to_state"),
    MC_COL(MC_COL_INT, mc_event, step, "step"),
    MC_COL(MC_COL_STR, mc_event, note, "note"),
    MC_COL_ARRAY(mc_event, hash, "hash"),
    MC_COL(MC_COL_INT, mc_event, hash_version, "hash_version"),
    MC_COL_ARRAY(mc_event, personal_hash, "personal_hash"),
    MC_COL_ARRAY(mc_event, personal_salt, "personal_salt"),
    MC_COL(MC_COL_I64, mc_event, pseudonymised_at, "pseudonymised_at"),
};

/* A string the store binds: NULL, which a struct given to the store may
 * hold for "", is written as "" (the columns are NOT NULL). */
static const char *nz(const char *s)
{
	return s ? s : "";
}

void mc_dossier_doc_clear(mc_dossier_doc *x)
{
	mc_row_clear(doc_cols, MC_ARRAY_LEN(doc_cols), x, sizeof *x);
}

static char *dup_or_null(const char *s)
{
	return s ? mc_xstrdup(s) : NULL;
}

void mc_dossier_doc_copy(mc_dossier_doc *out, const mc_dossier_doc *x)
{
	*out = *x;
	out->name = dup_or_null(x->name);
	out->filename = dup_or_null(x->filename);
	out->mime = dup_or_null(x->mime);
	out->kind = dup_or_null(x->kind);
}

/* Frees the documents of d (not its other strings). */
static void docs_free(mc_dossier *d)
{
	for (size_t i = 0; i < d->n_docs; i++)
		mc_dossier_doc_clear(&d->docs[i]);
	free(d->docs);
	d->docs = NULL;
	d->n_docs = 0;
}

void mc_dossier_clear(mc_dossier *d)
{
	if (!d)
		return;
	docs_free(d);
	free(d->code);
	free(d->province_code);
	free(d->procedure_code);
	free(d->applicant_name);
	free(d->applicant_id_number);
	free(d->applicant_phone);
	free(d->applicant_email);
	free(d->applicant_address);
	free(d->note);
	memset(d, 0, sizeof *d);
}

void mc_dossier_free_list(mc_dossier *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		mc_dossier_clear(&list[i]);
	free(list);
}

void mc_event_clear(mc_event *e)
{
	mc_row_clear(event_cols, MC_ARRAY_LEN(event_cols), e, sizeof *e);
}

void mc_event_free_list(mc_event *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		mc_event_clear(&list[i]);
	free(list);
}

/* Reads the current row into d, which holds no strings yet (zeroed); on
 * failure d is cleared. */
static int dossier_read(mc_q *q, mc_dossier *d)
{
	int rc = mc_q_read(q, dossier_cols, MC_ARRAY_LEN(dossier_cols), d);

	if (rc)
		mc_dossier_clear(d);
	return rc;
}

/* ---- sequence numbers ------------------------------------------------- */

/*
 * One upsert takes the next number. On PostgreSQL the row lock it holds
 * until the transaction ends makes every other server that wants a number
 * of the same unit and day wait, then see the new value (read committed
 * re-reads the row), so numbers are unique across processes; on SQLite the
 * write transaction holds the whole database. The connection also never
 * hands out a number at or below the highest it handed out before
 * (seq_marks.h): a savepoint rolled back by the group committer puts the row
 * back, and the same number must not go out twice. The new value is written
 * back, so the row catches up on commit.
 */
int mc_store_dossier_next_seq(mc_store *st, int *out, int64_t unit_id, int32_t local_day, mc_code_space space)
{
	static const char desk_sql[] =
	    "INSERT INTO dossier_seq (unit_id, day, province_code, last) "
	    "VALUES ($1, $2, coalesce((SELECT province_code FROM unit WHERE id = $1), ''), $3) "
	    "ON CONFLICT (unit_id, day) DO UPDATE SET last = CASE WHEN dossier_seq.last + 1 > $3 "
	    "THEN dossier_seq.last + 1 ELSE $3 END RETURNING last";
	/* Online submissions number apart (core/code.h), so that they never use up the desk's numbers. */
	static const char online_sql[] =
	    "INSERT INTO dossier_online_seq (unit_id, day, province_code, last) "
	    "VALUES ($1, $2, coalesce((SELECT province_code FROM unit WHERE id = $1), ''), $3) "
	    "ON CONFLICT (unit_id, day) DO UPDATE SET last = CASE WHEN dossier_online_seq.last + 1 > $3 "
	    "THEN dossier_online_seq.last + 1 ELSE $3 END RETURNING last";
	/* The same in a group commit's first run on PostgreSQL, with the
	 * sequence of dossier ids as the lock leaves it (take_id). */
	static const char desk_sql_ids[] =
	    "INSERT INTO dossier_seq (unit_id, day, province_code, last) "
	    "VALUES ($1, $2, coalesce((SELECT province_code FROM unit WHERE id = $1), ''), $3) "
	    "ON CONFLICT (unit_id, day) DO UPDATE SET last = CASE WHEN dossier_seq.last + 1 > $3 "
	    "THEN dossier_seq.last + 1 ELSE $3 END RETURNING last, "
	    "(SELECT last_value FROM dossier_id_seq)";
	static const char online_sql_ids[] =
	    "INSERT INTO dossier_online_seq (unit_id, day, province_code, last) "
	    "VALUES ($1, $2, coalesce((SELECT province_code FROM unit WHERE id = $1), ''), $3) "
	    "ON CONFLICT (unit_id, day) DO UPDATE SET last = CASE WHEN dossier_online_seq.last + 1 > $3 "
	    "THEN dossier_online_seq.last + 1 ELSE $3 END RETURNING last, "
	    "(SELECT last_value FROM dossier_id_seq)";
	mc_seq_marks *marks = mc_db_seq_marks(st);
	struct mc_seq_mark *mark = mc_seq_marks_get(marks, unit_id, local_day, (int)space);
	bool defers = mc_db_defers(st);
	mc_q *q = NULL;
	int rc = 0;

	/* The row locked by this transaction's first number (a group commit's
	 * first run, which has no savepoint to give the lock back): the next
	 * numbers are the connection's alone until the commit, and the row is
	 * written once, before it (mc_store_dossier_seq_flush). */
	if (mark->held && defers) {
		*out = ++mark->last;
		return 0;
	}
	rc = mc_db_prepare(st, &q,
			   space == MC_CODE_ONLINE ? (defers ? online_sql_ids : online_sql)
			   : defers		   ? desk_sql_ids
						   : desk_sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, unit_id);
	mc_q_int(q, 2, local_day);
	mc_q_int(q, 3, (int64_t)mark->last + 1);
	rc = mc_q_row(q, "take dossier number");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc < 0)
		goto cleanup;
	*out = (int)mc_q_col_int(q, 0);
	mark->last = *out;
	if (defers) {
		mark->held = true;
		mark->stored = *out;
		/* Another session drew ids since this one drew its own: it may
		 * have filed with them in this day row before its commit let go
		 * of the lock, so the ids left here would number the next
		 * filings of the row below its. They are dropped. */
		if (marks->id_next < marks->id_end && mc_q_col_int(q, 1) >= marks->id_end)
			marks->id_next = marks->id_end = 0;
	}
	rc = 0;
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_dossier_seq_flush(mc_store *st)
{
	static const char desk_sql[] = "UPDATE dossier_seq SET last = $3 WHERE unit_id = $1 AND day = $2";
	static const char online_sql[] =
	    "UPDATE dossier_online_seq SET last = $3 WHERE unit_id = $1 AND day = $2";
	mc_seq_marks *m = mc_db_seq_marks(st);
	int rc = 0;

	for (size_t i = 0; i < m->n && rc == 0; i++) {
		struct mc_seq_mark *k = &m->marks[i];
		mc_q *q = NULL;

		if (!k->held || k->last == k->stored)
			continue;
		rc = mc_db_prepare(st, &q, k->space == MC_CODE_ONLINE ? online_sql : desk_sql);
		if (rc == 0) {
			mc_q_int(q, 1, k->unit_id);
			mc_q_int(q, 2, k->day);
			mc_q_int(q, 3, k->last);
			rc = mc_q_exec_later(q, "store dossier numbers");
		}
		mc_q_done(q);
		if (rc == 0)
			k->stored = k->last;
	}
	return rc;
}

/* ---- dossiers --------------------------------------------------------- */

/* Replaces the documents of dossier id with d's; fresh: a dossier just
 * inserted, which has none to delete. */
static int docs_write(mc_store *st, int64_t id, const mc_dossier *d, bool fresh)
{
	static const char del[] = "DELETE FROM dossier_document WHERE dossier_id = $1";
	static const char ins[] =
	    "INSERT INTO dossier_document (dossier_id, ord, province_code, seq, name, originals, copies, "
	    "sha256, filename, mime, size, kind) VALUES ($1, $2, "
	    "(SELECT province_code FROM dossier WHERE id = $1), $3, $4, $5, $6, $7, $8, $9, $10, $11)";
	mc_q *q = NULL;
	int rc = 0;

	if (!fresh)
		rc = mc_db_run(st, del, "delete dossier documents", MC_ARGS(MC_I(id)));
	if (rc == 0)
		rc = mc_db_prepare(st, &q, ins);
	for (size_t i = 0; rc == 0 && i < d->n_docs; i++) {
		const mc_dossier_doc *x = &d->docs[i];

		mc_q_int(q, 1, id);
		mc_q_int(q, 2, (int64_t)i);
		mc_q_int(q, 3, x->seq);
		mc_q_text(q, 4, nz(x->name));
		mc_q_int(q, 5, x->originals);
		mc_q_int(q, 6, x->copies);
		/* Paper only: no attachment to refer to. */
		mc_q_text(q, 7, x->sha256[0] ? x->sha256 : NULL);
		mc_q_text(q, 8, nz(x->filename));
		mc_q_text(q, 9, nz(x->mime));
		mc_q_int(q, 10, x->size);
		mc_q_text(q, 11, x->kind && x->kind[0] ? x->kind : "input");
		rc = mc_q_exec_later(q, "insert dossier document");
		mc_q_done(q);
	}
	mc_q_done(q);
	return rc;
}

static int docs_load(mc_store *st, mc_dossier *d)
{
	static const char sql[] = "SELECT seq, name, originals, copies, sha256, filename, mime, size, kind "
				  "FROM dossier_document WHERE dossier_id = $1 ORDER BY ord";

	docs_free(d);
	return mc_db_read_list_by(st, sql, d->id, "read dossier documents", MC_COLS(doc_cols),
				  sizeof *d->docs, &d->docs, &d->n_docs);
}

/* Binds the fields of d that insert and update both write to $base and the
 * 24 parameters after it, in the order of the columns below; *folded
 * receives the folded applicant name, which must live until the statement
 * has run (caller frees). */
#define MUTABLE_COLS                                                                                         \
	"receiving_unit_id, current_unit_id, handler_id, step, channel, state, resume_state, outcome, "      \
	"applicant_name, applicant_name_folded, applicant_id_number, applicant_phone, applicant_email, "     \
	"applicant_address, owner_id, duration_hours, submitted_at, received_at, due_at, paused_at, "        \
	"finished_at, returned_at, updated_at, note, statutory_due_at"

static int bind_mutable(mc_q *q, int base, const mc_dossier *d, char **folded)
{
	int i = base;
	const char *name = nz(d->applicant_name);
	int rc = mc_text_fold(folded, name, strlen(name));

	if (rc)
		return rc;
	mc_q_ref(q, i++, d->receiving_unit_id);
	mc_q_ref(q, i++, d->current_unit_id);
	mc_q_ref(q, i++, d->handler_id);
	mc_q_int(q, i++, d->step);
	mc_q_int(q, i++, d->channel);
	mc_q_int(q, i++, d->state);
	mc_q_int(q, i++, d->resume_state);
	mc_q_int(q, i++, d->outcome);
	mc_q_text(q, i++, name);
	mc_q_text(q, i++, *folded);
	mc_q_text(q, i++, nz(d->applicant_id_number));
	mc_q_text(q, i++, nz(d->applicant_phone));
	mc_q_text(q, i++, nz(d->applicant_email));
	mc_q_text(q, i++, nz(d->applicant_address));
	mc_q_ref(q, i++, d->owner_id);
	mc_q_int(q, i++, d->duration_hours);
	mc_q_int(q, i++, d->submitted_at);
	mc_q_int(q, i++, d->received_at);
	mc_q_int(q, i++, d->due_at);
	mc_q_int(q, i++, d->paused_at);
	mc_q_int(q, i++, d->finished_at);
	mc_q_int(q, i++, d->returned_at);
	mc_q_int(q, i++, d->updated_at);
	mc_q_text(q, i++, nz(d->note));
	mc_q_int(q, i, d->statutory_due_at);
	return 0;
}

/* How many dossier ids a group commit's first run draws at a time. */
#define IDS_AT_ONCE 32

/*
 * A dossier id for an insert that does not wait for its answer (a group
 * commit's first run on PostgreSQL, mc_db_defers): the ids are drawn from
 * the sequence IDS_AT_ONCE at a time, one wait for all of them. Ids follow
 * the filing order within the transaction, and within a unit's day as
 * before: the day's numbers are taken under the day row's lock, and the
 * ids used under it are above every id drawn elsewhere before this session
 * took the lock (mc_store_dossier_next_seq drops the ids drawn before
 * another session's). A draw that another session's interleaves is not
 * used. The ids of a transaction that is rolled back, or not all used,
 * are gaps, as a rolled-back insert leaves.
 */
static int take_id(mc_store *st, int64_t *out)
{
	static const char sql[] = "SELECT min(v), max(v) FROM (SELECT nextval('dossier_id_seq') AS v "
				  "FROM generate_series(1, $1)) AS drawn";
	mc_seq_marks *m = mc_db_seq_marks(st);
	mc_q *q = NULL;
	int rc;

	if (m->id_next < m->id_end) {
		*out = m->id_next++;
		return 0;
	}
	rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_int(q, 1, IDS_AT_ONCE);
		rc = mc_q_row(q, "draw dossier ids");
	}
	if (rc == 1) {
		int64_t lo = mc_q_col_int(q, 0), hi = mc_q_col_int(q, 1);

		rc = 0;
		*out = 0; /* none: the insert takes its id from the sequence */
		if (hi - lo + 1 == IDS_AT_ONCE) {
			m->id_next = lo + 1;
			m->id_end = hi + 1;
			*out = lo;
		}
	} else if (rc == 0) {
		rc = MC_ERROR;
	}
	mc_q_done(q);
	return rc;
}

int mc_store_backend_dossier_insert(mc_store *st, mc_dossier *d)
{
	/* The province defaults to the receiving unit's ($5); the procedure may
	 * be named by code alone. */
#define INSERT_HEAD "INSERT INTO dossier (code, province_code, procedure_id, " MUTABLE_COLS
#define INSERT_VALUES                                                                                        \
	"$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "    \
	"$25, $26, $27, $28, $29, 1, $30, $31"
	/* The procedure's rules the dossier is filed under, copied from its
	 * row (store.h: mc_dossier.cutoff_min); an unknown procedure is
	 * refused by its key, not by these. */
#define INSERT_RULES(proc)                                                                                   \
	", coalesce((SELECT cutoff_min FROM procedure WHERE id = " proc "), -1), "                           \
	"coalesce((SELECT restart_on_supplement FROM procedure WHERE id = " proc "), false)"
#define INSERT_COLS ", version, reception_unit_id, return_unit_id, cutoff_min, restart_on_supplement"
#define INSERT_TAIL                                                                                          \
	") RETURNING id, province_code, procedure_id, "                                                      \
	"(SELECT code FROM procedure WHERE id = procedure_id) AS procedure_code"
#define BY_CODE "coalesce($3, (SELECT id FROM procedure WHERE code = $4))"
	static const char sql[] =
	    INSERT_HEAD INSERT_COLS ") VALUES ($1, "
				    "coalesce(nullif($2, ''), (SELECT province_code FROM unit WHERE id = "
				    "$5), ''), " BY_CODE ", " INSERT_VALUES INSERT_RULES(BY_CODE) INSERT_TAIL;
	/* Both known (a filing): PostgreSQL plans the statement above again at
	 * each run, as its plan for given values drops the two look-ups and so
	 * always looks cheaper than the prepared one; this one it plans once.
	 * $4 (the code) is bound but unused. */
	static const char known[] =
	    INSERT_HEAD INSERT_COLS ") VALUES ($1, $2, $3, " INSERT_VALUES INSERT_RULES("$3") INSERT_TAIL;
	/* Both known and the id drawn ahead (take_id): sent without waiting,
	 * nothing to read back. */
	static const char known_id[] =
	    INSERT_HEAD INSERT_COLS ", id) "
				    "VALUES ($1, $2, $3, " INSERT_VALUES INSERT_RULES("$3") ", $32)";
#undef INSERT_HEAD
#undef INSERT_VALUES
#undef INSERT_TAIL
#undef INSERT_RULES
#undef INSERT_COLS
#undef BY_CODE
	mc_q *q = NULL;
	char *folded = NULL;
	char *province = NULL, *procedure = NULL;
	int64_t id = 0, procedure_id = 0;
	bool both = d->procedure_id && d->province_code && *d->province_code;
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	if (both && d->procedure_code && mc_db_defers(st)) {
		rc = take_id(st, &id);
		if (rc)
			goto cleanup;
	} else if (mc_db_defers(st)) {
		/* This insert takes a later id from the sequence: the ids drawn
		 * before it would number the next filings below it. */
		mc_seq_marks *m = mc_db_seq_marks(st);
		m->id_next = m->id_end = 0;
	}
	rc = mc_db_prepare(st, &q, id ? known_id : both ? known : sql);
	if (rc)
		goto cleanup;
	mc_q_text(q, 1, nz(d->code));
	mc_q_text(q, 2, nz(d->province_code));
	mc_q_ref(q, 3, d->procedure_id);
	mc_q_text(q, 4, d->procedure_code);
	rc = bind_mutable(q, 5, d, &folded);
	if (rc)
		goto cleanup;
	mc_q_ref(q, 30, d->reception_unit_id);
	mc_q_ref(q, 31, d->return_unit_id);
	if (id) {
		mc_q_int(q, 32, id);
		rc = mc_q_exec_later(q, "insert dossier");
		if (rc)
			goto cleanup;
		procedure_id = d->procedure_id;
		province = mc_xstrdup(d->province_code);
		procedure = mc_xstrdup(d->procedure_code);
		goto written;
	}
	rc = mc_q_row(q, "insert dossier");
	/* An unknown procedure code leaves procedure_id NULL. */
	if (rc == MC_EINVAL && !d->procedure_id)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		rc = MC_ERROR;
	if (rc < 0)
		goto cleanup;
	id = mc_q_col_int(q, 0);
	procedure_id = mc_q_col_int(q, 2);
	province = mc_q_col_dup(q, 1);
	procedure = mc_q_col_dup(q, 3);
written:
	rc = 0;
	mc_q_done(q);
	q = NULL;
	if (d->n_docs)
		rc = docs_write(st, id, d, true);
cleanup:
	mc_q_done(q);
	free(folded);
	rc = mc_db_op_end(st, kind, rc);
	if (rc == 0) {
		d->id = id;
		d->version = 1;
		d->procedure_id = procedure_id;
		free(d->province_code);
		d->province_code = province;
		free(d->procedure_code);
		d->procedure_code = procedure;
		province = procedure = NULL;
	}
	free(province);
	free(procedure);
	return rc;
}

int mc_store_dossier_get(mc_store *st, mc_dossier *out, const char *code, bool with_docs)
{
	static const char sql[] = "SELECT " DOSSIER_COLS DOSSIER_FROM " WHERE d.code = $1";

	memset(out, 0, sizeof *out);
	int rc = mc_db_read_by_text(st, sql, code, "read dossier", MC_COLS(dossier_cols), out);
	if (rc == 0 && with_docs)
		rc = docs_load(st, out);
	if (rc)
		mc_dossier_clear(out);
	return rc;
}

int mc_store_dossier_version(mc_store *st, int64_t *out, const char *code)
{
	static const char sql[] = "SELECT version FROM dossier WHERE code = $1";
	static const mc_col cols[] = {{"version", MC_COL_I64, 0, 0}};

	return mc_db_read_by_text(st, sql, code, "read dossier version", MC_COLS(cols), out);
}

int mc_store_dossier_by_attachment(mc_store *st, mc_dossier **out, size_t *n, const char *sha256)
{
	static const char sql[] = "SELECT " DOSSIER_COLS DOSSIER_FROM
				  " WHERE d.id IN (SELECT dossier_id FROM dossier_document WHERE sha256 = $1)"
				  " ORDER BY d.id LIMIT 50";
	return mc_db_list(st, sql, "list dossiers of an attachment", MC_COLS(dossier_cols), sizeof **out, out,
			  n, MC_ARGS(MC_T(sha256)));
}

int mc_store_backend_dossier_update(mc_store *st, mc_dossier *d, int64_t expected_version)
{
	static const char upd[] =
	    "UPDATE dossier SET receiving_unit_id = $3, current_unit_id = $4, handler_id = $5, step = $6, "
	    "channel = $7, state = $8, resume_state = $9, outcome = $10, applicant_name = $11, "
	    "applicant_name_folded = $12, applicant_id_number = $13, applicant_phone = $14, "
	    "applicant_email = $15, applicant_address = $16, owner_id = $17, duration_hours = $18, "
	    "submitted_at = $19, received_at = $20, due_at = $21, paused_at = $22, finished_at = $23, "
	    "returned_at = $24, updated_at = $25, note = $26, statutory_due_at = $27, version = version + 1 "
	    "WHERE id = $1 AND version = $2";
	static const char exists[] = "SELECT 1 FROM dossier WHERE id = $1";
	mc_q *q = NULL;
	char *folded = NULL;
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = mc_db_prepare(st, &q, upd);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, d->id);
	mc_q_int(q, 2, expected_version);
	rc = bind_mutable(q, 3, d, &folded);
	if (rc == 0)
		rc = mc_q_exec(q, "update dossier");
	if (rc)
		goto cleanup;
	bool changed = mc_q_changes(q) > 0;
	mc_q_done(q);
	q = NULL;
	if (!changed) {
		/* Either someone else moved the version, or there is no such dossier. */
		int64_t found = 0;
		rc = mc_db_int(st, exists, "read dossier", &found, MC_ARGS(MC_I(d->id)));
		if (rc == 0)
			rc = found ? MC_ECONFLICT : MC_ENOTFOUND;
		goto cleanup;
	}
	if (d->docs)
		rc = docs_write(st, d->id, d, false);
cleanup:
	mc_q_done(q);
	free(folded);
	rc = mc_db_op_end(st, kind, rc);
	if (rc == 0)
		d->version = expected_version + 1;
	return rc;
}

/* ---- the dossier list ------------------------------------------------- */

/*
 * The list's WHERE clause depends on which filters are set, so it is put
 * together from the constant fragments below and cached per combination:
 * each combination gets a plan that uses its own index, which one statement
 * with "($n IS NULL OR ...)" for every filter would not. A fragment numbers
 * its parameters from $1; they are numbered on after those of the fragments
 * before it, and bound in the same order (list_bind).
 */
enum {
	F_UNIT = 1 << 0,
	F_OWNER = 1 << 1,
	F_HANDLER = 1 << 2,
	F_STATE = 1 << 3,
	F_OPEN = 1 << 4,
	F_Q = 1 << 5,
	F_FROM = 1 << 6,
	F_TO = 1 << 7,
	F_RECEPTION = 1 << 8, /* instead of F_UNIT: the centre that received it */
	F_RETURN = 1 << 9,    /* instead of F_UNIT: the centre chosen to return it, result ready */
	F_ROWS = 1 << 10,     /* the page of rows rather than the count */
};

static const char *const list_filters[] = {
    /* F_UNIT: the subtree's path range */
    " AND (d.current_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2)"
    " OR d.receiving_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2))",
    " AND d.owner_id = $1",
    " AND d.handler_id = $1",
    " AND d.state = $1",
    " AND d.state NOT IN " MC_SQL_STATES_FINAL,
    /* F_Q: the code prefix (upper case), a LIKE pattern of the folded name, the id number */
    " AND (substr(d.code, 1, length($1)) = $1 OR d.applicant_name_folded LIKE $2 ESCAPE '\\'"
    " OR d.applicant_id_number = $3)",
    " AND d.received_at >= $1",
    " AND d.received_at > 0 AND d.received_at < $1",
    " AND d.reception_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2)",
    " AND d.return_unit_id IN (SELECT id FROM unit WHERE path >= $1 AND path < $2)"
    " AND d.state IN (" MC_SQL_STATE(RESOLVED) ", " MC_SQL_STATE(RETURNED) ")",
};

/* Open dossiers first, most urgent first, those without a due time last among
 * them; then the closed ones, newest first. */
static const char list_order[] =
    " ORDER BY d.state IN " MC_SQL_STATES_FINAL ","
    " CASE WHEN d.state NOT IN " MC_SQL_STATES_FINAL " THEN d.due_at = 0 END,"
    " CASE WHEN d.state NOT IN " MC_SQL_STATES_FINAL " THEN d.due_at END,"
    " CASE WHEN d.state IN " MC_SQL_STATES_FINAL " THEN d.received_at END DESC, d.id"
    " LIMIT $1 OFFSET $2";

static const char list_key; /* its address keys the cached list statements */

/* Appends frag to sql with its $k written $(k + base); the new count of
 * parameters, or -1 when sql is too small (the fragments are ours: a bug). */
static int list_append(char *sql, size_t cap, size_t *len, const char *frag, int base)
{
	int top = base;

	for (const char *c = frag; *c; c++) {
		int k = 0;
		int w;

		if (*c != '$' || !isdigit((unsigned char)c[1])) {
			if (*len + 1 >= cap)
				return -1;
			sql[(*len)++] = *c;
			continue;
		}
		while (isdigit((unsigned char)c[1]))
			k = k * 10 + (*++c - '0');
		w = snprintf(sql + *len, cap - *len, "$%d", base + k);
		if (w < 0 || (size_t)w >= cap - *len)
			return -1;
		*len += (size_t)w;
		if (base + k > top)
			top = base + k;
	}
	sql[*len] = '\0';
	return top;
}

static int list_sql(char *sql, size_t cap, unsigned mask)
{
	size_t len = 0;
	int n = list_append(sql, cap, &len,
			    mask & F_ROWS ? "SELECT " DOSSIER_COLS DOSSIER_FROM " WHERE 1 = 1"
					  : "SELECT count(*) FROM dossier d WHERE 1 = 1",
			    0);

	for (size_t i = 0; n >= 0 && i < MC_ARRAY_LEN(list_filters); i++) {
		if (mask & (1u << i))
			n = list_append(sql, cap, &len, list_filters[i], n);
	}
	if (n >= 0 && (mask & F_ROWS))
		n = list_append(sql, cap, &len, list_order, n);
	if (n < 0) {
		fprintf(stderr, "could not build dossier list query: too long\n");
		return MC_ERROR;
	}
	return 0;
}

/* The q filter's three parameters, from the text the user typed. */
struct list_q {
	char *code;    /* trimmed, ASCII upper case */
	char *pattern; /* "%<folded, LIKE-escaped>%", NULL when nothing to match */
	char *raw;     /* trimmed */
};

static void list_q_free(struct list_q *lq)
{
	free(lq->code);
	free(lq->pattern);
	free(lq->raw);
}

static int list_q_make(struct list_q *lq, const char *q)
{
	const char *start = q;
	const char *end = q + strlen(q);
	char *folded = NULL;
	size_t len = 0;
	int rc;

	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	lq->raw = mc_xstrndup(start, (size_t)(end - start));
	lq->code = mc_xstrndup(start, (size_t)(end - start));
	for (char *c = lq->code; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	rc = mc_text_fold(&folded, lq->raw, strlen(lq->raw));
	if (rc || !folded[0])
		goto cleanup;
	lq->pattern = mc_xmalloc(strlen(folded) * 2 + 3);
	lq->pattern[len++] = '%';
	for (const char *c = folded; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			lq->pattern[len++] = '\\';
		lq->pattern[len++] = *c;
	}
	lq->pattern[len++] = '%';
	lq->pattern[len] = '\0';
cleanup:
	free(folded);
	return rc;
}

/* Binds the parameters of the filters in mask, in the order list_sql numbers them. */
static void list_bind(mc_q *s, unsigned mask, const mc_dossier_query *q, const struct list_q *lq,
		      const char *lo, const char *hi)
{
	int i = 0;

	if (mask & F_UNIT) {
		mc_q_text(s, ++i, lo);
		mc_q_text(s, ++i, hi);
	}
	if (mask & F_OWNER)
		mc_q_int(s, ++i, q->owner_id);
	if (mask & F_HANDLER)
		mc_q_int(s, ++i, q->handler_id);
	if (mask & F_STATE)
		mc_q_int(s, ++i, q->state);
	if (mask & F_Q) {
		mc_q_text(s, ++i, lq->code);
		mc_q_text(s, ++i, lq->pattern);
		mc_q_text(s, ++i, lq->raw);
	}
	if (mask & F_FROM)
		mc_q_int(s, ++i, q->received_from);
	if (mask & F_TO)
		mc_q_int(s, ++i, q->received_to);
	if (mask & (F_RECEPTION | F_RETURN)) {
		mc_q_text(s, ++i, lo);
		mc_q_text(s, ++i, hi);
	}
	if (mask & F_ROWS) {
		mc_q_int(s, ++i, q->limit);
		mc_q_int(s, ++i, q->offset);
	}
}

int mc_store_dossier_list(mc_store *st, mc_dossier **out, size_t *n, int64_t *total,
			  const mc_dossier_query *q)
{
	struct list_q lq = {0};
	char lo[256], hi[256];
	char sql[3072];
	mc_q *s = NULL;
	unsigned mask = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	if (q->limit < 1 || q->limit > 200 || q->offset < 0)
		return MC_EINVAL;
	if (q->view != MC_DOSSIER_VIEW_UNIT && !q->unit_id)
		return MC_EINVAL;
	if (q->unit_id) {
		rc = mc_db_unit_range(st, lo, hi, q->unit_id);
		if (rc == MC_ENOTFOUND)
			return 0; /* an unknown unit has an empty subtree */
		if (rc)
			return rc;
		mask |= q->view == MC_DOSSIER_VIEW_RECEPTION ? F_RECEPTION
			: q->view == MC_DOSSIER_VIEW_RETURN  ? F_RETURN
							     : F_UNIT;
	}
	if (q->owner_id)
		mask |= F_OWNER;
	if (q->handler_id)
		mask |= F_HANDLER;
	if (q->state)
		mask |= F_STATE;
	if (q->open_only)
		mask |= F_OPEN;
	if (q->q) {
		rc = list_q_make(&lq, q->q);
		if (rc)
			goto cleanup;
		if (lq.raw[0])
			mask |= F_Q;
	}
	if (q->received_from)
		mask |= F_FROM;
	if (q->received_to)
		mask |= F_TO;

	if (total) {
		rc = list_sql(sql, sizeof sql, mask);
		if (rc == 0)
			rc = mc_db_prepare_as(st, &s, &list_key, mask, sql);
		if (rc)
			goto cleanup;
		list_bind(s, mask, q, &lq, lo, hi);
		rc = mc_q_row(s, "count dossiers");
		if (rc < 0)
			goto cleanup;
		*total = rc ? mc_q_col_int(s, 0) : 0;
		mc_q_done(s);
		s = NULL;
	}
	mask |= F_ROWS;
	rc = list_sql(sql, sizeof sql, mask);
	if (rc == 0)
		rc = mc_db_prepare_as(st, &s, &list_key, mask, sql);
	if (rc)
		goto cleanup;
	list_bind(s, mask, q, &lq, lo, hi);
	rc = mc_q_read_list(s, "list dossiers", dossier_cols, MC_ARRAY_LEN(dossier_cols), sizeof **out, out,
			    n);
cleanup:
	mc_q_done(s);
	list_q_free(&lq);
	return rc;
}

/* ---- events ----------------------------------------------------------- */

int mc_store_event_head(mc_store *st, char out[65], int64_t dossier_id)
{
	static const char sql[] = "SELECT hash FROM event WHERE dossier_id = $1 ORDER BY id DESC LIMIT 1";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	out[0] = '\0';
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, dossier_id);
	rc = mc_q_row(q, "read the previous event");
	if (rc == 1)
		rc = mc_strlcpy(out, mc_q_col_text(q, 0), 65);
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_backend_event_append(mc_store *st, mc_event *e)
{
	static const char sql[] =
	    "INSERT INTO event (dossier_id, province_code, at, actor_id, actor_name, unit_id, action, "
	    "from_state, to_state, step, note, hash, hash_version, personal_hash, personal_salt) VALUES ($1, "
	    "coalesce((SELECT province_code FROM dossier WHERE id = $1), ''), $2, $3, $4, $5, $6, $7, $8, "
	    "$9, "
	    "$10, $11, $12, $13, $14) RETURNING id";
	/* In a group commit's first run on PostgreSQL, sent without waiting
	 * (db.h: mc_q_exec_later): no id comes back. */
	static const char sql_later[] =
	    "INSERT INTO event (dossier_id, province_code, at, actor_id, actor_name, unit_id, action, "
	    "from_state, to_state, step, note, hash, hash_version, personal_hash, personal_salt) VALUES ($1, "
	    "coalesce((SELECT province_code FROM dossier WHERE id = $1), ''), $2, $3, $4, $5, $6, $7, $8, "
	    "$9, "
	    "$10, $11, $12, $13, $14)";
	bool later = mc_db_defers(st);
	mc_q *q = NULL;
	int rc;

	/* The hash links the event to its dossier's log (core/audit.h): without
	 * it the chain would break here. The caller computes it. */
	if (!e->hash[0])
		return MC_EINVAL;
	rc = mc_db_prepare(st, &q, later ? sql_later : sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, e->dossier_id);
	mc_q_int(q, 2, e->at);
	mc_q_ref(q, 3, e->actor_id);
	mc_q_text(q, 4, nz(e->actor_name));
	mc_q_ref(q, 5, e->unit_id);
	mc_q_text(q, 6, nz(e->action));
	mc_q_int(q, 7, e->from_state);
	mc_q_int(q, 8, e->to_state);
	mc_q_int(q, 9, e->step);
	mc_q_text(q, 10, nz(e->note));
	mc_q_text(q, 11, e->hash);
	mc_q_int(q, 12, e->hash_version ? e->hash_version : 2);
	mc_q_text(q, 13, e->personal_hash);
	mc_q_text(q, 14, e->personal_salt);
	if (later) {
		e->id = 0;
		rc = mc_q_exec_later(q, "append event");
		goto cleanup;
	}
	rc = mc_q_row(q, "append event");
	if (rc == 0)
		rc = MC_ERROR;
	if (rc == 1) {
		e->id = mc_q_col_int(q, 0);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_event_scan(mc_store *st, int (*cb)(const mc_event *e, void *payload), void *payload)
{
	/* Pages by (dossier_id, id), so that a log of millions of events is never
	 * held in memory at once (a PostgreSQL result is read whole) and no
	 * statement stays open while cb runs. */
	static const char sql[] = "SELECT " EVENT_COLS " FROM event WHERE (dossier_id, id) > ($1, $2) "
				  "ORDER BY dossier_id, id LIMIT 1000";
	mc_q *q = NULL;
	mc_event *page = mc_xcalloc(1000, sizeof *page);
	int64_t after_dossier = 0;
	int64_t after_id = 0;
	int rc = 0;

	for (;;) {
		size_t rows = 0;

		rc = mc_db_prepare(st, &q, sql);
		if (rc)
			break;
		mc_q_int(q, 1, after_dossier);
		mc_q_int(q, 2, after_id);
		while (rows < 1000 && (rc = mc_q_row(q, "scan events")) == 1) {
			/* The page is reused: the previous one's strings go first. */
			mc_event_clear(&page[rows]);
			rc = mc_q_read(q, event_cols, MC_ARRAY_LEN(event_cols), &page[rows++]);
			if (rc)
				break;
		}
		mc_q_done(q);
		q = NULL;
		if (rc < 0)
			break;
		for (size_t i = 0; rc == 0 && i < rows; i++)
			rc = cb(&page[i], payload);
		if (rc || rows < 1000)
			break;
		after_dossier = page[rows - 1].dossier_id;
		after_id = page[rows - 1].id;
	}
	mc_q_done(q);
	mc_event_free_list(page, 1000);
	return rc;
}

int mc_store_event_list(mc_store *st, mc_event **out, size_t *n, int64_t dossier_id)
{
	static const char sql[] = "SELECT " EVENT_COLS " FROM event WHERE dossier_id = $1 ORDER BY at, id";
	return mc_db_read_list_by(st, sql, dossier_id, "list events", event_cols, MC_ARRAY_LEN(event_cols),
				  sizeof **out, out, n);
}

/* One statement for the public lookup's miss: the dossier and its
 * procedure's name on every row, with one event per row (none: one row with
 * a NULL event), in the order of event_list. Only the event's public columns
 * are read; its other strings are "", as in every struct the store fills. */
int mc_store_dossier_public(mc_store *st, mc_dossier *out, char **procedure_name, mc_event **events,
			    size_t *n, const char *code)
{
	static const char sql[] =
	    "SELECT " DOSSIER_COLS ", p.name AS procedure_name, e.id AS event_id, "
	    "e.at AS event_at, e.unit_id AS event_unit_id, e.action AS event_action, "
	    "e.from_state AS event_from_state, e.to_state AS event_to_state, "
	    "e.step AS event_step" DOSSIER_FROM
	    " LEFT JOIN event e ON e.dossier_id = d.id WHERE d.code = $1 ORDER BY e.at, e.id";
	static const mc_col public_event_cols[] = {
	    MC_COL(MC_COL_I64, mc_event, id, "event_id"),
	    MC_COL(MC_COL_I64, mc_event, at, "event_at"),
	    MC_COL(MC_COL_I64, mc_event, unit_id, "event_unit_id"),
	    MC_COL(MC_COL_STR, mc_event, action, "event_action"),
	    MC_COL(MC_COL_INT, mc_event, from_state, "event_from_state"),
	    MC_COL(MC_COL_INT, mc_event, to_state, "event_to_state"),
	    MC_COL(MC_COL_INT, mc_event, step, "event_step"),
	};
	const int name_col = (int)MC_ARRAY_LEN(dossier_cols); /* the first after DOSSIER_COLS */
	mc_q *q = NULL;
	mc_event *list = NULL;
	size_t len = 0, cap = 0;
	bool found = false;
	int rc;

	memset(out, 0, sizeof *out);
	*procedure_name = NULL;
	rc = mc_db_prepare(st, &q, sql);
	if (rc == 0)
		mc_q_text(q, 1, code);
	while (rc == 0 && (rc = mc_q_row(q, "read public dossier")) == 1) {
		rc = 0;
		if (!found) {
			found = true;
			rc = dossier_read(q, out);
			if (rc)
				break;
			*procedure_name = mc_q_col_dup(q, name_col);
		}
		if (mc_q_col_null(q, name_col + 1))
			continue; /* no event: the LEFT JOIN's one row */
		MC_GROW(list, len, cap);
		mc_event *e = &list[len++];
		memset(e, 0, sizeof *e);
		e->dossier_id = out->id;
		e->actor_name = mc_xstrdup("");
		e->note = mc_xstrdup("");
		rc = mc_q_read(q, public_event_cols, MC_ARRAY_LEN(public_event_cols), e);
	}
	mc_q_done(q);
	if (rc == 0 && !found)
		rc = MC_ENOTFOUND;
	if (rc < 0) {
		mc_event_free_list(list, len);
		list = NULL;
		len = 0;
		mc_dossier_clear(out);
		free(*procedure_name);
		*procedure_name = NULL;
	}
	*events = list;
	*n = len;
	return rc < 0 ? rc : 0;
}
