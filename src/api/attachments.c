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
			mc_reply_problem(r, MC_PROB_UNSUPPORTED_MEDIA, "the content is not %s as declared", types[i].mime);
			return;
		}
		char sha[65];
		int rc = mc_store_attachment_put(mc_req_store(r), sha, data, len, types[i].mime);
		if (rc != 0) {
			mc_reply_error(r, rc, "the upload");
			return;
		}
		mc_reply_json(r, 201, json_pack("{s:s, s:I, s:s}", "sha256", sha, "size", (json_int_t)len, "mime",
						types[i].mime));
		return;
	}
	mc_reply_problem(r, MC_PROB_UNSUPPORTED_MEDIA,
			 "accepted types: PDF, PNG, JPEG, DOC, DOCX, XLSX; send the file's Content-Type");
}

void mc_api_attachment_get(mc_req *r)
{
	void *data = NULL;
	size_t len = 0;
	char mime[64];
	int rc = mc_store_attachment_get(mc_req_store(r), &data, &len, mime, sizeof mime, mc_req_param(r, 0));
	if (rc == MC_EINVAL)
		rc = MC_ENOTFOUND;
	if (rc != 0) {
		mc_reply_error(r, rc, "the attachment");
		return;
	}
	/* Never rendered by the browser: always a download. */
	mc_reply_header(r, "Content-Disposition", "attachment");
	mc_reply_raw(r, 200, mime, data, len);
	free(data);
}
