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
} upload;

static int upload_write(mc_store *st, void *payload)
{
	upload *u = payload;
	return mc_store_attachment_record(st, u->sha256, u->size, u->mime);
}

static void upload_after(mc_req *r, int rc, void *payload)
{
	upload *u = payload;
	if (rc != 0) {
		mc_reply_error(r, rc, "the upload");
		return;
	}
	mc_reply_json(r, 201, json_pack("{s:s, s:I, s:s}", "sha256", u->sha256, "size", (json_int_t)u->size, "mime",
					u->mime));
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
			mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE, "the content is not %s as declared", types[i].mime);
			return;
		}
		/* The file goes to disk here, on the worker; only its record joins
		 * the group commit, so a large upload never holds the write lock. */
		upload *u = mc_req_own(r, mc_xcalloc(1, sizeof *u));
		int rc = mc_store_attachment_write(mc_req_store(r), u->sha256, data, len);
		if (rc != 0) {
			mc_reply_error(r, rc, "the upload");
			return;
		}
		u->size = (int64_t)len;
		u->mime = types[i].mime;
		mc_req_write(r, upload_write, upload_after, u);
		return;
	}
	mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE,
			 "accepted types: PDF, PNG, JPEG, DOC, DOCX, XLSX; send the file's Content-Type");
}

/* Whether the caller may read the file: it belongs to a dossier they may see. */
static int may_read_or_reply(mc_req *r, const char *sha256)
{
	mc_dossier *list = NULL;
	size_t n = 0;
	int rc = mc_store_dossier_by_attachment(mc_req_store(r), &list, &n, sha256);
	if (rc != 0) {
		mc_reply_error(r, rc, "the attachment");
		return -1;
	}
	bool ok = false;
	for (size_t i = 0; i < n && !ok; i++)
		ok = mc_api_may_see(r, &list[i]);
	mc_dossier_free_list(list, n);
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
	if (may_read_or_reply(r, sha256) != 0)
		return;
	int rc = mc_store_attachment_open(mc_req_store(r), &fd, &size, mime, sizeof mime, sha256);
	if (rc != 0) {
		mc_reply_error(r, rc, "the attachment");
		return;
	}
	/* Never rendered by the browser: always a download. */
	mc_reply_header(r, "Content-Disposition", "attachment");
	mc_reply_file(r, 200, mime, fd, size);
}
