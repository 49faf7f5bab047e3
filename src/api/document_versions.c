/*
 * /api/v1/documents/{id}/versions - a draft uploaded as a file (PDF or
 * DOCX), each upload a new version kept for good: listed, downloaded, named
 * by the head's approval or return (docs/documents.md §3b). The rules are
 * app/document.h's; the files go to the content-addressed file store.
 */
#include "api/api.h"

#include "app/document.h"
#include "app/upload.h"
#include "core/limits.h"
#include "core/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The id of the path's document, or 0 after a 404. */
static int64_t path_id_or_reply(mc_req *r)
{
	const char *s = mc_req_param(r, 0);
	char *end = NULL;
	errno = 0;
	long long id = strtoll(s, &end, 10);
	if (errno || end == s || *end || id <= 0) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no document has id %s", s);
		return 0;
	}
	return id;
}

/* The path's document, visible to the caller; replies 404/403 otherwise. */
static int document_or_reply(mc_req *r, mc_document *d)
{
	int64_t id = path_id_or_reply(r);
	mc_actor actor;
	int rc;

	if (!id)
		return -1;
	rc = mc_store_document_get(mc_req_store(r), d, id);
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

static json_t *version_json(const mc_document_version *v)
{
	char url[96];
	snprintf(url, sizeof url, "/api/v1/documents/%lld/versions/%d/file", (long long)v->document_id,
		 v->number);
	return json_pack("{s:i, s:s, s:s, s:s, s:I, s:{s:I, s:s}, s:o, s:s}", "number", v->number, "kind",
			 v->kind, "filename", v->filename, "sha256", v->sha256, "size", (json_int_t)v->size,
			 "uploaded_by", "id", (json_int_t)v->uploaded_by, "name", v->uploaded_by_name,
			 "uploaded_at", mc_api_time(v->created_at), "url", url);
}

typedef struct {
	mc_actor actor;
	const mc_time_ctx *tc;
	int64_t id;
	mc_doc_upload in;
	char sha256[65];
	mc_document_version out;
	mc_upload_limits limits; /* the account's daily upload budget counts it */
	mc_err err;
} version_job;

static int version_write(mc_store *st, void *payload)
{
	version_job *j = payload;
	/* A job may run again (group.h): from nothing. */
	mc_document_version_clear(&j->out);
	int64_t now = mc_now();
	int rc = mc_app_upload_daily_check(st, &j->limits, j->actor.user_id, j->in.size, now);
	if (rc == 0)
		rc = mc_app_document_version_add(st, j->tc, &j->actor, j->id, &j->in, now, &j->out);
	mc_err_take(&j->err, rc);
	return rc;
}

static void version_after(mc_req *r, int rc, void *payload)
{
	version_job *j = payload;
	/* The reply frees the request and j with it: the version is taken out first. */
	mc_document_version out = j->out;
	j->out = (mc_document_version){0};
	if (rc == 0) {
		char location[96];
		snprintf(location, sizeof location, "/api/v1/documents/%lld/versions/%d/file",
			 (long long)j->id, out.number);
		mc_reply_header(r, "Location", location);
		mc_reply_json(r, 201, version_json(&out));
	} else {
		mc_reply_err(r, mc_err_for(&j->err, rc), "the document");
	}
	mc_document_version_clear(&out);
}

/* The ?filename= of an upload, cleaned (NFC, one line, no path), or a name
 * made from the document when there is none; replies 422 on a bad one. */
static int filename_or_reply(mc_req *r, const char **out, int64_t id, mc_doc_file_kind kind)
{
	const char *raw = mc_req_query(r, "filename");
	char *clean = NULL;
	if (!raw || !*raw) {
		char name[64];
		snprintf(name, sizeof name, "du-thao-%lld.%s", (long long)id, mc_doc_file_kind_name(kind));
		*out = mc_req_own(r, mc_xstrdup(name));
		return 0;
	}
	int rc = mc_text_clean(&clean, raw, strlen(raw), MC_LIMIT_DOCUMENT_FILENAME, MC_TEXT_NAME);
	if (rc == MC_ETOOBIG) {
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "filename", "too-long",
				       "filename holds at most %d characters", MC_LIMIT_DOCUMENT_FILENAME);
		return -1;
	}
	if (rc != 0 || strpbrk(clean, "/\\\"")) {
		free(clean);
		mc_reply_field_problem(r, MC_PROB_INVALID_FIELD, "filename", "format",
				       "filename must be a file's name: one line, without / \\ or \"");
		return -1;
	}
	*out = mc_req_own(r, clean);
	return 0;
}

void mc_api_document_version_upload(mc_req *r)
{
	size_t len = 0;
	const unsigned char *data = mc_req_raw(r, &len);
	const mc_server_config *cfg = mc_req_config(r);
	version_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	mc_document d = {0};
	const char *why = "";
	int rc;

	/* Who and which document first: a refusal costs no byte on disk. */
	if (document_or_reply(r, &d) != 0)
		return;
	j->id = d.id;
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	if (d.box != MC_DOC_OUT || d.created_by != j->actor.user_id)
		rc =
		    mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "only the drafter uploads versions of a draft");
	else if (!mc_doc_state_editable((mc_doc_state)d.state))
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"a document that is %s cannot take a new version",
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
				 "a draft's version holds at most %zu bytes; this has %zu",
				 cfg->document_draft_max, len);
		return;
	}
	j->in.kind = mc_doc_file_kind_of_mime(mc_req_header(r, "Content-Type"));
	if (j->in.kind == MC_DOC_FILE_NONE) {
		mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE,
				 "a draft is uploaded as PDF (Content-Type: %s) or DOCX (Content-Type: %s)",
				 mc_doc_file_kind_mime(MC_DOC_FILE_PDF),
				 mc_doc_file_kind_mime(MC_DOC_FILE_DOCX));
		return;
	}
	if (len == 0 || mc_doc_file_check(j->in.kind, data, len, &why) != 0) {
		mc_reply_problem(r, MC_PROB_UNSUPPORTED_FILE, "the content is not a %s file: %s",
				 j->in.kind == MC_DOC_FILE_PDF ? "PDF" : "DOCX", len ? why : "it is empty");
		return;
	}
	if (filename_or_reply(r, &j->in.filename, j->id, j->in.kind) != 0)
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
	j->in.sha256 = j->sha256;
	j->in.size = (int64_t)len;
	/* its text for search, read here on the worker, not in the write */
	if (j->in.kind == MC_DOC_FILE_DOCX) {
		char *text = NULL;
		mc_doc_docx_text(data, len, &text);
		j->in.text = mc_req_own(r, text);
	}
	mc_req_write(r, version_write, version_after, j);
}

void mc_api_document_versions_list(mc_req *r)
{
	mc_document d = {0};
	mc_document_version *list = NULL;
	size_t n = 0;

	if (document_or_reply(r, &d) != 0)
		return;
	int rc = mc_store_document_versions(mc_req_store(r), &list, &n, d.id);
	mc_document_clear(&d);
	if (rc != 0) {
		mc_reply_error(r, rc, "the document's versions");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, version_json(&list[i]));
	mc_document_version_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void mc_api_document_version_file(mc_req *r)
{
	mc_document d = {0};
	mc_document_version v;
	const char *s = mc_req_param(r, 1);
	char *end = NULL, disposition[128], mime[128];
	int fd = -1;
	int64_t size = 0;

	if (document_or_reply(r, &d) != 0)
		return;
	errno = 0;
	long n = strtol(s, &end, 10);
	int rc = (errno || end == s || *end || n <= 0 || n > 1000000)
		     ? MC_ENOTFOUND
		     : mc_store_document_version_get(mc_req_store(r), &v, d.id, (int)n);
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "document %lld has no version %s", (long long)d.id, s);
		goto cleanup;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the document's version");
		goto cleanup;
	}
	/* The name as uploaded may hold any letter: the plain one is made. */
	snprintf(disposition, sizeof disposition, "attachment; filename=\"du-thao-%lld-v%d.%s\"",
		 (long long)d.id, v.number, v.kind);
	rc = mc_store_attachment_open(mc_req_store(r), &fd, &size, mime, sizeof mime, v.sha256);
	if (rc == 0) {
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_file(
		    r, 200,
		    mc_doc_file_kind_mime(strcmp(v.kind, "docx") == 0 ? MC_DOC_FILE_DOCX : MC_DOC_FILE_PDF),
		    fd, size);
	} else {
		mc_reply_error(r, rc, "the document's version");
	}
	mc_document_version_clear(&v);
cleanup:
	mc_document_clear(&d);
}
