/*
 * app/workfile.h - the life of a work file (hồ sơ công việc, Nghị định
 * 30/2020/NĐ-CP chương IV; docs/documents.md §12): the rules of
 * core/workfile.h applied to the store.
 *
 * The clerk (văn thư, the desk role) or the head (leader) of a unit lists the
 * year's files in its Danh mục hồ sơ, each with the officer who keeps it
 * (art. 28). That officer opens the file, puts into it the official
 * documents they may see (a document lies in at most one file of the unit in
 * a year), takes them out while it is open, and closes it: its dates are
 * those of its earliest and latest documents (art. 29). The unit's clerk or
 * head then hands the closed file to the unit's archive (art. 30). Every
 * change moves the file's version.
 *
 * These run inside a write transaction the caller opened (the group
 * committer's job) and never commit. A failure records its reason and
 * message (core/err.h).
 */
#ifndef MC_APP_WORKFILE_H
#define MC_APP_WORKFILE_H

#include "app/dossier.h"
#include "core/workfile.h"
#include "store/store_workfile.h"

/* A new entry of the Danh mục. Strings are borrowed, clean (NFC, trimmed)
 * and within core/limits.h. */
typedef struct {
	int64_t unit_id; /* 0 = the actor's unit */
	int year;
	const char *code;
	const char *title;
	int retention_years; /* MC_WF_PERMANENT or 1..MC_LIMIT_WORKFILE_RETENTION */
	int64_t responsible_id;
	const char *note;
} mc_wf_new;

/* Whether actor may see w: an officer whose scope holds its unit, or the
 * officer who keeps it. */
bool mc_app_workfile_may_see(const mc_time_ctx *tc, const mc_actor *actor, const mc_workfile *w);

/*
 * Lists a new file at `at`. MC_EFORBIDDEN (not a clerk or head; the unit
 * outside the actor's scope), MC_EINVAL (the officer unknown, inactive, not
 * an officer of the unit's subtree), MC_ECONFLICT (the code is in the year's
 * list already), MC_ELIMIT (the actor listed MC_LIMIT_WORKFILE_PER_HOUR
 * files in the last hour). Fills *out (clear it).
 */
int mc_app_workfile_create(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_wf_new *in,
			   int64_t at, mc_workfile *out);

/* What a step carries beside its name. Strings borrowed, clean, within
 * limits. */
typedef struct {
	int pages;	       /* closing: số tờ, 0 = not counted */
	const char *decision;  /* disposing: the number of the head's decision */
	int64_t decision_date; /* disposing: its day (00:00 UTC+7), not after `at` */
} mc_wf_step;

/*
 * Takes a step on file id at version if_version (0: whatever it is): opens,
 * closes (its retention end set from that moment), archives, proposes for
 * disposal (an archived file whose retention has ended: never a vĩnh viễn
 * one), keeps (takes it off the disposal list) or disposes of it (the head,
 * with the decision's number and date). MC_ENOTFOUND, MC_EFORBIDDEN,
 * MC_EINVAL (no decision), MC_ECONFLICT (a step its state does not allow;
 * closing an empty file; a file kept permanently or whose retention has not
 * ended), MC_ESTALE. Fills *out with the file after it (clear it).
 */
int mc_app_workfile_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			mc_wf_action action, int64_t if_version, const mc_wf_step *step, int64_t at,
			mc_workfile *out);

/* One file of a list acted on at once: its id and the version the caller
 * saw (0: whatever it is). */
typedef struct {
	int64_t id;
	int64_t version;
} mc_wf_ref;

/*
 * Takes the same step on every file of refs, in order, all or none (the
 * unit's disposal list proposed, kept, or disposed of on one decision): the
 * first refusal is the answer, its message naming the file (the caller's
 * transaction undoes what came before). Fills *out with n files after the
 * step (free with mc_workfile_free_list).
 */
int mc_app_workfile_act_many(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor,
			     const mc_wf_ref *refs, size_t n, mc_wf_action action, const mc_wf_step *step,
			     int64_t at, mc_workfile **out);

/*
 * Puts document_id into open file id (add) or takes it out. MC_ENOTFOUND (no
 * such file or document; taking out one the file does not hold),
 * MC_EFORBIDDEN (not the file's officer; a document they may not see),
 * MC_ECONFLICT (the file is not open; a document not yet issued or
 * registered; one a file of the unit's year holds already; the file full),
 * MC_ESTALE. Fills *out with the file after it (clear it).
 */
int mc_app_workfile_document(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			     int64_t document_id, bool add, int64_t if_version, int64_t at, mc_workfile *out);

/* A change of an entry of the list: NULL strings and a 0 responsible_id
 * leave the field as it is. Borrowed, clean and within limits. */
typedef struct {
	const char *title;
	bool has_retention;
	int retention_years;
	int64_t responsible_id;
	const char *note;
} mc_wf_edit;

/*
 * Changes file id's entry (its code stays) at version if_version: the clerk
 * or head of a unit whose scope holds the file's, while it is listed or open
 * (a new officer takes over an open file). MC_ENOTFOUND, MC_EFORBIDDEN,
 * MC_EINVAL (the officer), MC_ECONFLICT (closed or archived), MC_ESTALE.
 * Fills *out with the file after it (clear it).
 */
int mc_app_workfile_edit(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			 int64_t if_version, const mc_wf_edit *in, mc_workfile *out);

/* The date a document counts with in a file's range: its issue date, or for
 * an incoming one without it, its arrival. */
int64_t mc_app_workfile_doc_date(int box, int64_t issued_at, int64_t received_at);

#endif
