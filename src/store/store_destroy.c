/*
 * store_destroy.c - the stored files of disposed work files, destroyed
 * (store_workfile.h; docs/documents.md §12), on either engine (db.h).
 *
 * The decision's transaction removes each file's attachment row and names
 * it in file_gc; mc_store_files_sweep (store_upload.c) deletes it from disk
 * after the commit, under the same lock of its digest, unless a record of
 * the same bytes made its row again meanwhile. The documents' rows are not
 * touched: versions and attachments refuse it, and the events' hash chain
 * names the files.
 */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/store_files.h"
#include "store/store_workfile.h"

/* Whether document x (an SQL expression) is not disposed of: no disposed
 * file of its own unit (the issuing body's, or the receiving unit's for an
 * incoming copy) holds it, or a file not disposed of does too. Another
 * unit's file may hold it for reference; that unit's disposal is not the
 * decision of the document's own head (Luật Lưu trữ art. 28). */
#define LIVE(x)                                                                                              \
	"(NOT EXISTS (SELECT 1 FROM workfile_doc wd JOIN workfile w ON w.id = wd.workfile_id "               \
	"JOIN document own ON own.id = wd.document_id "                                                      \
	"WHERE wd.document_id = " x " AND w.disposal = 2 AND w.unit_id = own.unit_id) "                      \
	"OR EXISTS (SELECT 1 FROM workfile_doc wd JOIN workfile w ON w.id = wd.workfile_id "                 \
	"WHERE wd.document_id = " x " AND w.disposal <> 2))"

/* A row when the recorded file $1 is used by nothing that keeps it. */
static const char unused_sql[] =
    "SELECT 1 FROM attachment a0 WHERE a0.sha256 = $1 "
    "AND NOT EXISTS (SELECT 1 FROM dossier_document x WHERE x.sha256 = $1) "
    "AND NOT EXISTS (SELECT 1 FROM procedure_document x WHERE x.template_sha256 = $1) "
    "AND NOT EXISTS (SELECT 1 FROM upload x WHERE x.sha256 = $1) "
    "AND NOT EXISTS (SELECT 1 FROM document_sign_request x WHERE x.sha256 = $1) "
    "AND NOT EXISTS (SELECT 1 FROM par_evidence x WHERE x.sha256 = $1) "
    "AND NOT EXISTS (SELECT 1 FROM ("
    "SELECT f.document_id AS doc FROM document_file f WHERE f.sha256 = $1 "
    "UNION ALL SELECT c.id FROM document_file f JOIN document c ON c.source_id = f.document_id "
    "WHERE f.sha256 = $1 "
    "UNION ALL SELECT v.document_id FROM document_version v WHERE v.sha256 = $1 "
    "UNION ALL SELECT t.document_id FROM document_attachment t WHERE t.sha256 = $1 "
    "UNION ALL SELECT c.id FROM document_attachment t JOIN document c ON c.source_id = t.document_id "
    "WHERE t.sha256 = $1 "
    "UNION ALL SELECT e.document_id FROM document_event e WHERE e.file_sha256 = $1"
    ") u WHERE " LIVE("u.doc") ")";

/* The digests the documents of file $1 use. */
static const char used_sql[] =
    "SELECT sha256 FROM ("
    "SELECT f.sha256 FROM workfile_doc wd JOIN document_file f ON f.document_id = wd.document_id "
    "WHERE wd.workfile_id = $1 "
    "UNION SELECT f.sha256 FROM workfile_doc wd JOIN document d ON d.id = wd.document_id "
    "JOIN document_file f ON f.document_id = d.source_id WHERE wd.workfile_id = $1 "
    "UNION SELECT v.sha256 FROM workfile_doc wd JOIN document_version v ON v.document_id = wd.document_id "
    "WHERE wd.workfile_id = $1 "
    "UNION SELECT t.sha256 FROM workfile_doc wd JOIN document_attachment t "
    "ON t.document_id = wd.document_id WHERE wd.workfile_id = $1 "
    "UNION SELECT t.sha256 FROM workfile_doc wd JOIN document d ON d.id = wd.document_id "
    "JOIN document_attachment t ON t.document_id = d.source_id WHERE wd.workfile_id = $1 "
    "UNION SELECT e.file_sha256 FROM workfile_doc wd JOIN document_event e "
    "ON e.document_id = wd.document_id WHERE wd.workfile_id = $1 AND e.file_sha256 <> ''"
    ") c ORDER BY sha256";

static void free_names(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* Whether nothing keeps the recorded file sha256 (*out). */
static int unused(mc_store *st, bool *out, const char *sha256)
{
	int64_t row = 0;
	int rc = mc_db_int(st, unused_sql, "look up who uses a file", &row, MC_ARGS(MC_T(sha256)));

	*out = rc == 0 && row == 1;
	return rc;
}

/* Every digest the documents of workfile_id use; caller frees with free_names. */
static int used_by(mc_store *st, char ***out, size_t *n, int64_t workfile_id)
{
	/* Each row one owned string of the array. */
	static const mc_col cols[] = {{"sha256", MC_COL_STR, 0, 0}};
	return mc_db_read_list_by(st, used_sql, workfile_id, "list a work file's stored files", MC_COLS(cols),
				  sizeof **out, out, n);
}

int mc_store_workfile_destroyable(mc_store *st, char ***out, size_t *n, int64_t workfile_id)
{
	char **all = NULL;
	size_t n_all = 0;
	int rc = used_by(st, &all, &n_all, workfile_id);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < n_all && rc == 0; i++) {
		bool gone = false;
		if (!mc_files_sha256_valid(all[i]))
			continue;
		rc = unused(st, &gone, all[i]);
		if (rc == 0 && gone) {
			*out = mc_xrealloc(*out, (*n + 1) * sizeof **out);
			(*out)[(*n)++] = all[i];
			all[i] = NULL;
		}
	}
	free_names(all, n_all);
	if (rc) {
		free_names(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int mc_store_workfile_destroy(mc_store *st, int64_t *out, int64_t workfile_id, int64_t at)
{
	static const char record_sql[] =
	    "INSERT INTO file_destroyed (sha256, size, workfile_id, decision, decision_date, destroyed_at) "
	    "SELECT a.sha256, a.size, w.id, w.decision, w.decision_date, $3 "
	    "FROM attachment a, workfile w WHERE a.sha256 = $1 AND w.id = $2 AND w.disposal = 2 "
	    "ON CONFLICT (sha256) DO UPDATE SET size = excluded.size, workfile_id = excluded.workfile_id, "
	    "decision = excluded.decision, decision_date = excluded.decision_date, "
	    "destroyed_at = excluded.destroyed_at";
	static const char unrecord_sql[] = "DELETE FROM attachment WHERE sha256 = $1";
	char **list = NULL;
	size_t n = 0;
	int kind = 0;
	int rc;

	*out = 0;
	rc = mc_db_op_begin(st, &kind);
	if (rc)
		return rc;
	rc = used_by(st, &list, &n, workfile_id);
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool gone = false;

		if (!mc_files_sha256_valid(list[i]))
			continue;
		/* Under the file's lock, like a record of it on another server,
		 * and asked again there. */
		rc = mc_files_lock(st, list[i]);
		if (rc == 0)
			rc = unused(st, &gone, list[i]);
		if (rc || !gone)
			continue;
		rc = mc_db_run(st, record_sql, "record a destroyed file",
			       MC_ARGS(MC_T(list[i]), MC_I(workfile_id), MC_I(at)));
		if (rc == 0)
			rc = mc_db_run(st, unrecord_sql, "remove a destroyed file's row",
				       MC_ARGS(MC_T(list[i])));
		if (rc == 0)
			rc = mc_files_name_for_deletion(st, list[i], at);
		if (rc == 0)
			(*out)++;
	}
	free_names(list, n);
	return mc_db_op_end(st, kind, rc);
}

int mc_store_file_destroyed(mc_store *st, const char *sha256)
{
	static const char sql[] = "SELECT w.code, w.year, d.decision, d.decision_date FROM file_destroyed d "
				  "JOIN workfile w ON w.id = d.workfile_id WHERE d.sha256 = $1";
	mc_q *q = NULL;
	int rc;

	if (!mc_files_sha256_valid(sha256))
		return MC_ENOTFOUND;
	rc = mc_db_prepare(st, &q, sql);
	if (rc == 0) {
		mc_q_text(q, 1, sha256);
		rc = mc_q_row(q, "read a destroyed file");
	}
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1) {
		int y = 0, m = 0, d = 0;
		/* The decision's day, as it was given: 00:00 in Vietnam's time. */
		mc_civil_from_days((int32_t)((mc_q_col_int(q, 3) + MC_TZ_OFFSET) / MC_DAY_SECONDS), &y, &m,
				   &d);
		rc = mc_err_set(
		    MC_EGONE, MC_REASON_CONTENT_DESTROYED,
		    "the content was destroyed with the disposal of work file %s (%lld) on decision "
		    "%s of %02d/%02d/%04d",
		    mc_q_col_text(q, 0), (long long)mc_q_col_int(q, 1), mc_q_col_text(q, 2), d, m, y);
	}
	mc_q_done(q);
	return rc;
}
