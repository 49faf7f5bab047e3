#include "app/upload.h"

#include "core/err.h"

int mc_app_upload_quota(mc_store *st, mc_upload_quota *out, const mc_upload_limits *lim, int64_t user_id,
			int64_t size, int64_t now)
{
	int rc = mc_store_upload_usage(st, &out->usage, user_id, now - MC_UPLOAD_KEEP_SECONDS);

	out->verdict = MC_UPLOAD_WITHIN;
	out->limit = 0;
	if (rc)
		return rc;
	if (lim->files > 0 && out->usage.unattached_files + 1 > lim->files) {
		out->verdict = MC_UPLOAD_OVER_FILES;
		out->limit = lim->files;
	} else if (lim->bytes > 0 && out->usage.unattached_bytes + size > lim->bytes) {
		out->verdict = MC_UPLOAD_OVER_BYTES;
		out->limit = lim->bytes;
	} else if (lim->daily_bytes > 0 && out->usage.recent_bytes + size > lim->daily_bytes) {
		out->verdict = MC_UPLOAD_OVER_DAILY;
		out->limit = lim->daily_bytes;
	}
	return 0;
}

int mc_app_upload_daily_check(mc_store *st, const mc_upload_limits *lim, int64_t user_id, int64_t size,
			      int64_t now)
{
	mc_upload_limits daily = {.daily_bytes = lim->daily_bytes};
	mc_upload_quota q = {0};
	if (daily.daily_bytes <= 0)
		return 0;
	int rc = mc_app_upload_quota(st, &q, &daily, user_id, size, now);
	return rc ? rc : mc_app_upload_refusal(&q, size);
}

int mc_app_upload_refusal(const mc_upload_quota *q, int64_t size)
{
	const mc_upload_usage *u = &q->usage;

	switch (q->verdict) {
	case MC_UPLOAD_OVER_FILES:
		return mc_err_set(
		    MC_ELIMIT, MC_REASON_UPLOAD_QUOTA,
		    "this account holds %lld uploaded files that no dossier holds (limit %lld); attach "
		    "them to a dossier, or wait: they are removed 24 hours after their upload",
		    (long long)u->unattached_files, (long long)q->limit);
	case MC_UPLOAD_OVER_BYTES:
		return mc_err_set(
		    MC_ELIMIT, MC_REASON_UPLOAD_QUOTA,
		    "this account holds %lld bytes of uploaded files that no dossier holds, and this "
		    "file has %lld (limit %lld); attach them to a dossier, or wait: they are removed 24 "
		    "hours after their upload",
		    (long long)u->unattached_bytes, (long long)size, (long long)q->limit);
	case MC_UPLOAD_OVER_DAILY:
		return mc_err_set(
		    MC_ELIMIT, MC_REASON_UPLOAD_QUOTA,
		    "this account uploaded %lld bytes in the last 24 hours, and this file has %lld "
		    "(limit %lld a day)",
		    (long long)u->recent_bytes, (long long)size, (long long)q->limit);
	case MC_UPLOAD_WITHIN:
		break;
	}
	return 0;
}

int mc_app_upload_expire(mc_store *st, int64_t now, int limit, int64_t *removed)
{
	return mc_store_upload_expire(st, removed, now - MC_UPLOAD_KEEP_SECONDS, limit);
}
