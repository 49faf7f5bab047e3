/*
 * /api/v1/documents/{id}/attachments - the attachments of an official
 * document (phụ lục, văn bản kèm theo; docs/documents.md §3c): PDFs the
 * drafter attaches while drafting, kept for good, listed and downloaded;
 * sealed by the organisation at issue (api/document_files.c). The rules are
 * app/document.h's; the files go to the content-addressed file store.
 */
#include "api/api.h"

#include "app/document.h"
#include "app/upload.h"
#include "core/limits.h"
#include "core/text.h"
#include "sign/pades.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The path's document, visible to the caller; replies 404/403 otherwise. */
static int document_or_reply(mc_req *r, mc_document *d)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL;
	mc_actor actor;
	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no document has id %s", s);
		return -1;
	}
	int rc = mc_store_document_get(mc_req_store(r), d, id);
	if (rc != 0) {
		mc_reply_error(r, rc, "the document");
		return -1;
	}
	mc_req_actor(r, &actor);
	if (!mc_app_document_may_see(mc_req_time(r), &actor, d)) {
		mc_document_clear(d);
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the document is outside your unit's scope");
		return -1;
	}
	return 0;
}

/* The attachments as served: per number the sealed copy when there is one
 * (list is ordered by number, then sealed), else the one attached. */
static json_t *attachment_json(int64_t doc_id, const mc_document_attachment *a,
			       const mc_document_attachment *original)
{
	char url[112];
	snprintf(url, sizeof url, "/api/v1/documents/%lld/attachments/%d/file", (long long)doc_id, a->number);
	json_t *j =
	    json_pack("{s:i, s:s, s:s, s:I, s:b, s:{s:I, s:s}, s:o, s:s}", "number", a->number, "filename",
		      a->filename, "sha256", a->sha256, "size", (json_int_t)a->size, "sealed", a->sealed != 0,
		      "uploaded_by", "id", (json_int_t)a->uploaded_by, "name", a->uploaded_by_name,
		      "uploaded_at", mc_api_time(a->created_at), "url", url);
	if (original)
		json_object_set_new(
		    j, "original",
		    json_pack("{s:s, s:I}", "sha256", original->sha256, "size", (json_int_t)original->size));
	return j;
}

/* Whose attachments d shows: its own, or for a copy delivered inside the
 * deployment the sender's (as its file). */
static int64_t holder(const mc_document *d)
{
	return d->box == MC_DOC_IN && d->source_id ? d->source_id : d->id;
}

typedef struct {
	mc_actor actor;
	const mc_time_ctx *tc;
	int64_t id;
	mc_doc_upload in;
	char sha256[65];
	mc_document_attachment out;
	mc_upload_limits limits; /* the account's daily upload budget counts it */
	mc_err err;
} attach_job;

static int attach_write(mc_store *st, void *payload)
{
	attach_job *j = payload;
	/* A job may run again (group.h): from nothing. */
	mc_document_attachment_clear(&j->out);
	int64_t now = mc_now();
	int rc = mc_app_upload_daily_check(st, &j->limits, j->actor.user_id, j->in.size, now);
	if (rc == 0)
		rc = mc_app_document_attachment_add(st, j->tc, &j->actor, j->id, &j->in, now, &j->out);
	mc_err_take(&j->err, rc);
	return rc;
}

static void attach_after(mc_req *r, int rc, void *payload)
{
	attach_job *j = payload;
	/* The reply frees the request and j with it: the attachment is taken out first. */
	mc_document_attachment out = j->out;
	j->out = (mc_document_attachment){0};
	if (rc == 0) {
		char location[112];
		snprintf(location, sizeof location, "/api/v1/documents/%lld/attachments/%d/file",
			 (long long)j->id, out.number);
		mc_reply_header(r, "Location", location);
		mc_reply_json(r, 201, attachment_json(j->id, &out, NULL));
	} else {
		mc_reply_err(r, mc_err_for(&j->err, rc), "the document");
	}
	mc_document_attachment_clear(&out);
}

/* The ?filename= of an attachment, cleaned (valid UTF-8, NFC, one line, no
 * path), or phu-luc-<id>.pdf; replies 422 on a bad one. */
static int filename_or_reply(mc_req *r, const char **out, int64_t id)
{
	const char *raw = mc_req_query(r, "filename");
	char *clean = NULL;
	if (!raw || !*raw) {
		char name[64];
		snprintf(name, sizeof name, "phu-luc-%lld.pdf", (long long)id);
		*out = mc_req_own(r, mc_xstrdup(name));
		return 0;
	}
	int rc = mc_text_clean(&clean, raw, strlen(raw), MC_LIMIT_DOCUMENT_FILENAME, MC_TEXT_NAME);
	if (rc == MC_ETOOBIG) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "filename", "too-long",
				       "filename holds at most %d characters", MC_LIMIT_DOCUMENT_FILENAME);
		return -1;
	}
	if (rc != 0 || strpbrk(clean, "/\\\"") || strcmp(clean, ".") == 0 || strcmp(clean, "..") == 0) {
		free(clean);
		mc_reply_field_problem(
		    r, MC_PROB_INVALID_FIELD, "filename", "format",
		    "filename must be a file's name in UTF-8: one line, without / \\ or \"");
		return -1;
	}
	*out = mc_req_own(r, clean);
	return 0;
}

void mc_api_document_attachment_upload(mc_req *r)
{
	size_t len = 0;
	const unsigned char *data = mc_req_raw(r, &len);
	const mc_server_config *cfg = mc_req_config(r);
	attach_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_document d = {0};
	const char *why = "";
	double mb[4];
	int rc;

	/* Who and which document first: a refusal costs no byte on disk. */
	if (document_or_reply(r, &d) != 0)
		return;
	j->id = d.id;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	if (d.box != MC_DOC_OUT || d.created_by != j->actor.user_id)
		rc = mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "only the drafter attaches files to a draft");
	else if (!mc_doc_state_editable((mc_doc_state)d.state))
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "a document that is %s takes no attachment",
				mc_doc_state_name((mc_doc_state)d.state));
	else
		rc = 0;
	mc_document_clear(&d);
	if (rc != 0) {
		mc_err_take(&j->err, rc);
		mc_reply_err(r, &j->err, "the document");
		return;
	}
	if (len > cfg->document_draft_max) {
		mc_reply_problem(r, MC_PROB_BODY_TOO_LARGE,
				 "an attachment holds at most %zu bytes; this has %zu",
				 cfg->document_draft_max, len);
		return;
	}
	if (mc_doc_file_kind_of_mime(mc_req_header(r, "Content-Type")) != MC_DOC_FILE_PDF) {
		mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE,
				 "an attachment is a PDF (Content-Type: %s): the organisation seals it",
				 mc_doc_file_kind_mime(MC_DOC_FILE_PDF));
		return;
	}
	if (len == 0 || mc_doc_file_check(MC_DOC_FILE_PDF, data, len, &why) != 0) {
		mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE, "the content is not a PDF file: %s",
				 len ? why : "it is empty");
		return;
	}
	/* sealed at issue on its first page: a file motcua's signer cannot
	 * read is refused now, not when the document is issued */
	if (mc_sign_page_box(data, len, 0, mb) != 0) {
		mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE,
				 "the attachment's first page cannot be read to seal it at issue (a PDF "
				 "whose pages are in one flat page tree and whose catalog is not in an "
				 "object stream)");
		return;
	}
	if (filename_or_reply(r, &j->in.filename, j->id) != 0)
		return;
	/* Over the account's daily upload budget: refused before a byte
	 * reaches the disk (and again in the write, in order). */
	j->limits = mc_req_config(r)->uploads;
	if (mc_api_upload_daily_or_reply(r, (int64_t)len) != 0)
		return;
	/* The file goes to disk here, on the worker; only its record joins
	 * the group commit (as api/attachments.c). */
	rc = mc_store_attachment_write(mc_req_store(r), j->sha256, data, len);
	if (rc != 0) {
		mc_reply_error(r, rc, "the upload");
		return;
	}
	j->in.kind = MC_DOC_FILE_PDF;
	j->in.sha256 = j->sha256;
	j->in.size = (int64_t)len;
	mc_req_write(r, attach_write, attach_after, j);
}

void mc_api_document_attachments_list(mc_req *r)
{
	mc_document d = {0};
	mc_document_attachment *list = NULL;
	size_t n = 0;

	if (document_or_reply(r, &d) != 0)
		return;
	int rc = mc_store_document_attachments(mc_req_store(r), &list, &n, holder(&d));
	if (rc != 0) {
		mc_reply_error(r, rc, "the document's attachments");
		goto cleanup;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		bool sealed_next = i + 1 < n && list[i + 1].number == list[i].number;
		if (sealed_next)
			continue; /* its sealed copy follows */
		const mc_document_attachment *orig =
		    list[i].sealed && i > 0 && list[i - 1].number == list[i].number ? &list[i - 1] : NULL;
		json_array_append_new(items, attachment_json(d.id, &list[i], orig));
	}
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
cleanup:
	mc_document_attachment_free_list(list, n);
	mc_document_clear(&d);
}

void mc_api_document_attachment_file(mc_req *r)
{
	mc_document d = {0};
	mc_document_attachment *list = NULL;
	const mc_document_attachment *a = NULL;
	size_t n = 0;
	const char *s = mc_req_param(r, 1);
	char *end = NULL, disposition[128], mime[64];
	int fd = -1;
	int64_t size = 0;

	if (document_or_reply(r, &d) != 0)
		return;
	errno = 0;
	long num = strtol(s, &end, 10);
	bool valid = !errno && end != s && !*end && num > 0;
	int rc = mc_store_document_attachments(mc_req_store(r), &list, &n, holder(&d));
	if (rc != 0) {
		mc_reply_error(r, rc, "the document's attachments");
		goto cleanup;
	}
	/* the sealed copy when there is one: it comes after the original */
	for (size_t i = 0; valid && i < n; i++)
		if (list[i].number == num)
			a = &list[i];
	if (!a) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "document %lld has no attachment %s", (long long)d.id,
				 s);
		goto cleanup;
	}
	/* The name as uploaded may hold any letter: the plain one is made. */
	snprintf(disposition, sizeof disposition, "attachment; filename=\"phu-luc-%lld-%d.pdf\"",
		 (long long)d.id, a->number);
	rc = mc_store_attachment_open(mc_req_store(r), &fd, &size, mime, sizeof mime, a->sha256);
	if (rc == 0) {
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_file(r, 200, "application/pdf", fd, size);
	} else {
		mc_reply_error(r, rc, "the document's attachment");
	}
cleanup:
	mc_document_attachment_free_list(list, n);
	mc_document_clear(&d);
}

typedef struct {
	mc_actor actor;
	const mc_time_ctx *tc;
	int64_t id;
	int number;
	mc_err err;
} detach_job;

static int detach_write(mc_store *st, void *payload)
{
	detach_job *j = payload;
	int rc = mc_app_document_attachment_remove(st, j->tc, &j->actor, j->id, j->number, mc_now());
	mc_err_take(&j->err, rc);
	return rc;
}

static void detach_after(mc_req *r, int rc, void *payload)
{
	detach_job *j = payload;
	if (rc == 0)
		mc_reply_empty(r, 204);
	else
		mc_reply_err(r, mc_err_for(&j->err, rc), "the document's attachment");
}

void mc_api_document_attachment_remove(mc_req *r)
{
	mc_document d = {0};
	const char *s = mc_req_param(r, 1);
	char *end = NULL;

	if (document_or_reply(r, &d) != 0)
		return;
	errno = 0;
	long num = strtol(s, &end, 10);
	detach_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->id = d.id;
	mc_document_clear(&d);
	if (errno || end == s || *end || num <= 0 || num > INT_MAX) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "document %lld has no attachment %s", (long long)j->id,
				 s);
		return;
	}
	j->number = (int)num;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	mc_req_write(r, detach_write, detach_after, j);
}
