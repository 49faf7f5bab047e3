/* /api/v1/attachments - files attached to dossiers, stored under their hash. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

/* The types a one-stop office accepts, each recognised by its first bytes:
 * the declared Content-Type must agree with the content. */
static const struct {
	const char *mime;
	const char *magic;
	size_t len;
} types[] = {
    {"application/pdf", "%PDF-", 5},
    {"image/png", "\x89PNG\r\n\x1a\n", 8},
    {"image/jpeg", "\xff\xd8\xff", 3},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04", 4},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04", 4},
    {"application/msword", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8},
};

typedef struct {
	char sha256[65];
	int64_t size;
	const char *mime;
	int64_t user_id;
	int64_t at;
	mc_upload_limits limits;
	mc_upload_quota quota; /* as judged in the write */
	mc_err refused;	       /* why the write refused it: over a quota, the file not kept */
} upload;

/* In the writer: the quota again, now that concurrent uploads of the account
 * have been recorded in order. A refused file is named for the sweep (the
 * job succeeds, so that naming it is committed) rather than deleted here. */
static int upload_write(mc_store *st, void *payload)
{
	upload *u = payload;
	int rc = mc_app_upload_quota(st, &u->quota, &u->limits, u->user_id, u->size, u->at);
	if (rc != 0)
		return rc;
	mc_err_take(&u->refused, mc_app_upload_refusal(&u->quota, u->size));
	if (u->refused.code != 0)
		return mc_store_upload_discard(st, u->sha256, u->at);
	return mc_store_upload_record(st, u->user_id, u->sha256, u->size, u->mime, u->at);
}

static void upload_after(mc_req *r, int rc, void *payload)
{
	upload *u = payload;
	if (rc != 0) {
		mc_reply_error(r, rc, "the upload");
		return;
	}
	if (u->refused.code != 0) {
		mc_reply_err(r, &u->refused, "the upload");
		return;
	}
	mc_reply_json(
	    r, 201,
	    json_pack("{s:s, s:I, s:s}", "sha256", u->sha256, "size", (json_int_t)u->size, "mime", u->mime));
}

void mc_api_attachment_upload(mc_req *r)
{
	size_t len = 0;
	const unsigned char *data = mc_req_raw(r, &len);
	const char *ct = mc_req_header(r, "Content-Type");
	if (len == 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "the file is empty");
		return;
	}
	char mime[128] = "";
	if (ct) {
		size_t n = strcspn(ct, "; ");
		if (n < sizeof mime) {
			memcpy(mime, ct, n);
			mime[n] = '\0';
		}
	}
	for (size_t i = 0; i < MC_ARRAY_LEN(types); i++) {
		if (strcasecmp(mime, types[i].mime) != 0)
			continue;
		if (len < types[i].len || memcmp(data, types[i].magic, types[i].len) != 0) {
			mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE, "the content is not %s as declared",
					 types[i].mime);
			return;
		}
		upload *u = mc_req_own(r, mc_xcalloc(1, sizeof *u));
		u->size = (int64_t)len;
		u->mime = types[i].mime;
		u->user_id = mc_req_user(r)->id;
		u->at = mc_now();
		u->limits = mc_req_config(r)->uploads;
		/* Over quota: refused before a byte reaches the disk. */
		int rc =
		    mc_app_upload_quota(mc_req_store(r), &u->quota, &u->limits, u->user_id, u->size, u->at);
		if (rc != 0) {
			mc_reply_error(r, rc, "the upload");
			return;
		}
		if (u->quota.verdict != MC_UPLOAD_WITHIN) {
			mc_err_take(&u->refused, mc_app_upload_refusal(&u->quota, u->size));
			mc_reply_err(r, &u->refused, "the upload");
			return;
		}
		/* The file goes to disk here, on the worker; only its record joins
		 * the group commit, so a large upload never holds the write lock. */
		rc = mc_store_attachment_write(mc_req_store(r), u->sha256, data, len);
		if (rc != 0) {
			mc_reply_error(r, rc, "the upload");
			return;
		}
		mc_req_write(r, upload_write, upload_after, u);
		return;
	}
	mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE,
			 "accepted types: PDF, PNG, JPEG, DOC, DOCX, XLSX; send the file's Content-Type");
}

/* Whether the caller may read the file: they uploaded it, or it belongs to
 * a dossier they may see. */
static int may_read_or_reply(mc_req *r, mc_dossier *via, const char *sha256)
{
	bool ok = false;
	int rc = mc_api_attachment_access(r, &ok, via, sha256);
	if (rc != 0) {
		mc_reply_error(r, rc, "the attachment");
		return -1;
	}
	if (!ok) {
		/* Unknown and not yours look the same. */
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "the attachment not found");
		return -1;
	}
	return 0;
}

void mc_api_attachment_get(mc_req *r)
{
	int fd = -1;
	int64_t size = 0;
	char mime[64];
	const char *sha256 = mc_req_param(r, 0);
	mc_dossier via;
	if (may_read_or_reply(r, &via, sha256) != 0)
		return;
	int rc = mc_store_attachment_open(mc_req_store(r), &fd, &size, mime, sizeof mime, sha256);
	if (rc != 0) {
		mc_reply_error(r, rc, "the attachment");
		return;
	}
	/* Never rendered by the browser: always a download. */
	mc_reply_header(r, "Content-Disposition", "attachment");
	/* A file of a dossier read by an officer is a read of personal data;
	 * one's own upload is not. */
	if (via.id)
		mc_api_log_read(r, &via, 0, "attachment");
	mc_reply_file(r, 200, mime, fd, size);
}

int mc_api_upload_daily_or_reply(mc_req *r, int64_t size)
{
	mc_err err = {0};
	int rc = mc_app_upload_daily_check(mc_req_store(r), &mc_req_config(r)->uploads, mc_req_user(r)->id,
					   size, mc_now());
	if (rc == 0)
		return 0;
	mc_err_take(&err, rc);
	mc_reply_err(r, &err, "the upload");
	return -1;
}
