/*
 * app/upload.h - what an account may keep uploaded, and for how long.
 *
 * A citizen or an officer uploads a file before the filing or the action that
 * attaches it. Until a dossier holds it, the file belongs to its uploader
 * (no one else may attach or read it) and counts against the uploader's
 * quotas: how many such files and how many bytes, and how many bytes in the
 * last 24 hours whether attached or not. Uploads that no dossier holds a day
 * after they were sent are removed, rows and files (docs/operations.md).
 */
#ifndef MC_APP_UPLOAD_H
#define MC_APP_UPLOAD_H

#include "store/store.h"

/* An upload no dossier holds is removed this long after it was sent; the
 * daily quota counts this window too. */
#define MC_UPLOAD_KEEP_SECONDS (24 * 3600)

/* The quotas of each account; 0 = no limit. */
typedef struct {
	int64_t files;	     /* uploads no dossier holds */
	int64_t bytes;	     /* their size */
	int64_t daily_bytes; /* uploaded in the last 24 hours */
} mc_upload_limits;

typedef enum {
	MC_UPLOAD_WITHIN = 0,
	MC_UPLOAD_OVER_FILES,
	MC_UPLOAD_OVER_BYTES,
	MC_UPLOAD_OVER_DAILY,
} mc_upload_verdict;

typedef struct {
	mc_upload_verdict verdict;
	mc_upload_usage usage; /* before this upload */
	int64_t limit;	       /* the limit it would pass, when over */
} mc_upload_quota;

/* Judges an upload of size bytes by user_id at now against lim, from the
 * account's usage in st. */
int mc_app_upload_quota(mc_store *st, mc_upload_quota *out, const mc_upload_limits *lim, int64_t user_id,
			int64_t size, int64_t now);
/* Records the refusal of an upload of size bytes that q puts over a quota
 * (core/err.h, with the figures: "… 50 uploaded files … (limit 50) …") and
 * returns MC_ELIMIT. */
int mc_app_upload_refusal(const mc_upload_quota *q, int64_t size);

/* The daily quota alone, for an upload that something holds at once (a
 * draft's version or attachment, docs/documents.md §3b-3c): 0 within it,
 * else the refusal (MC_ELIMIT, as mc_app_upload_refusal). In the write, so
 * that concurrent uploads of the account are counted in order. */
int mc_app_upload_daily_check(mc_store *st, const mc_upload_limits *lim, int64_t user_id, int64_t size,
			      int64_t now);

/* One step of the expiry at now, in the caller's transaction: removes up to
 * limit uploads older than MC_UPLOAD_KEEP_SECONDS and the files they leave
 * unheld (named for mc_store_files_sweep, which must run in a later
 * transaction). */
int mc_app_upload_expire(mc_store *st, int64_t now, int limit, int64_t *removed);

#endif
