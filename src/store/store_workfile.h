/*
 * store_workfile.h - the store's operations on work files (hồ sơ công việc,
 * migration 040; rules in core/workfile.h, their life in app/workfile.h).
 * Part of the store's one interface (store.h), in a header of its own.
 *
 * Structs the store fills own their strings, freed by their clear function;
 * structs handed to the store are only read.
 */
#ifndef MC_STORE_WORKFILE_H
#define MC_STORE_WORKFILE_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	int64_t id;
	int64_t unit_id;
	int year;
	char *code;		/* số và ký hiệu hồ sơ */
	char *title;		/* tiêu đề hồ sơ */
	int retention_years;	/* MC_WF_PERMANENT (0): vĩnh viễn */
	int64_t responsible_id; /* người lập hồ sơ */
	char *responsible_name; /* read only: the officer's full name */
	char *note;
	int state; /* mc_wf_state */
	int64_t version;
	int64_t first_at; /* closed: the date of its earliest document */
	int64_t last_at;  /* closed: the date of its latest document */
	int doc_count;	  /* the documents it holds (kept as they come and go) */
	int pages;	  /* số tờ, given at closing; 0 = not counted */
	int64_t created_by;
	int64_t created_at;
	int64_t opened_at;
	int64_t closed_at;
	int64_t archived_at;
	int64_t archived_by;
	int64_t expires_at;  /* closed: mc_wf_retention_end; 0 = vĩnh viễn */
	int64_t proposed_at; /* put on the unit's disposal list */
	int64_t proposed_by;
	char *decision;	       /* the head's decision to dispose: its number */
	int64_t decision_date; /* its date: 00:00 of the day, UTC+7 */
	int64_t disposed_at;
	int64_t disposed_by;
} mc_workfile;

void mc_workfile_clear(mc_workfile *w);
void mc_workfile_free_list(mc_workfile *list, size_t n);

/* Records a new file of the Danh mục (version 1); sets w->id. MC_ECONFLICT
 * when the unit's list of that year has the code already; MC_ENOTFOUND for an
 * unknown unit or user. */
int mc_store_workfile_add(mc_store *st, mc_workfile *w);
/* MC_ENOTFOUND when no file has this id. Clear *out. */
int mc_store_workfile_get(mc_store *st, mc_workfile *out, int64_t id);
/*
 * Writes every field of w that may change (title, retention, responsible,
 * note, state, dates, counts, archive, disposal) over the row of w->id whose version
 * is if_version, and moves it to if_version + 1. MC_ESTALE when the row is at
 * another version (or gone).
 */
int mc_store_workfile_update(mc_store *st, const mc_workfile *w, int64_t if_version);

typedef struct {
	int64_t unit_id;	/* the unit whose list it is; 0 = any (with responsible_id) */
	int year;		/* 0 = any */
	int state;		/* 0 = any */
	int64_t responsible_id; /* 0 = anyone's */
	int64_t expired_by;	/* > 0: only files not disposed whose retention ended by then */
	int limit;		/* 1..1000 */
	int offset;
} mc_workfile_query;

/* A page of a unit's files, by year and code, and the count of all that
 * match. Caller frees with mc_workfile_free_list. */
int mc_store_workfile_list(mc_store *st, mc_workfile **out, size_t *n, int64_t *total,
			   const mc_workfile_query *q);
/* How many files user_id has listed since `since` (the hourly limit),
 * counted under the account's lock (db.h mc_db_lock_account). */
int mc_store_workfile_count_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since);

/* Puts document_id into file w (of w->unit_id, w->year) at `at` by user_id.
 * MC_ECONFLICT when a file of that unit and year holds it already (this one
 * or another: *holder, when not NULL, gets that file's id). */
int mc_store_workfile_doc_add(mc_store *st, const mc_workfile *w, int64_t document_id, int64_t user_id,
			      int64_t at, int64_t *holder);
/* Takes document_id out of file workfile_id: MC_ENOTFOUND when it is not there. */
int mc_store_workfile_doc_remove(mc_store *st, int64_t workfile_id, int64_t document_id);
/* The ids of the documents file workfile_id holds, in the order they came. */
int mc_store_workfile_doc_ids(mc_store *st, int64_t **out, size_t *n, int64_t workfile_id);

/*
 * The content of disposed work files (store_destroy.c; docs/documents.md §12).
 *
 * A document is disposed of when a disposed work file holds it and no other
 * file does. A stored file (attachment, by SHA-256) is used by a document
 * when it is the document's PDF (document_file), one of its versions or
 * attachments, or named by one of its events; an incoming copy delivered
 * inside the deployment (document.source_id) uses its source's PDF and
 * attachments. A file is kept while a document not disposed of uses it, or
 * a dossier, a form template, a sign request or an upload names it.
 */
/* The digests of the stored files that the documents of file workfile_id use
 * and that nothing is kept for any more, in order; caller frees each and
 * the array. */
int mc_store_workfile_destroyable(mc_store *st, char ***out, size_t *n, int64_t workfile_id);
/* Destroys those of disposed file workfile_id at `at`, each under its lock
 * (mc_files_lock, so that a record of the same bytes on another server is
 * seen): its attachment row goes, a file_destroyed row says which file and
 * decision, and the file is named for mc_store_files_sweep, which deletes it
 * from disk in a later transaction unless it is recorded again meanwhile.
 * *out counts them. Inside the transaction of the decision. */
int mc_store_workfile_destroy(mc_store *st, int64_t *out, int64_t workfile_id, int64_t at);
/* When sha256 was destroyed so: MC_EGONE, with the reason recorded
 * (core/err.h, MC_REASON_CONTENT_DESTROYED, naming the work file and the
 * decision); else MC_ENOTFOUND. */
int mc_store_file_destroyed(mc_store *st, const char *sha256);

#endif
