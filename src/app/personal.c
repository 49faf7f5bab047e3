#include "app/personal.h"

#include "app/user.h"

#include "core/audit.h"
#include "core/buf.h"
#include "core/dossier.h"
#include "core/err.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- a tar archive (POSIX ustar) in memory ------------------------------ */

/* Writes the octal number v into field as width - 1 digits and a NUL (a
 * value too large for them keeps its low digits: sizes are below the 8 GiB
 * the 11 digits of a size hold). */
static void octal(char *field, size_t width, uint64_t v)
{
	field[width - 1] = '\0';
	for (size_t i = width - 1; i-- > 0;) {
		field[i] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

/* Adds a regular file name (at most 99 bytes: ours are short and ASCII) of
 * len bytes, then pads to the 512-byte block. */
static int tar_add(mc_buf *b, const char *name, const void *data, size_t len, int64_t mtime)
{
	char h[512];
	static const char zeros[512];
	unsigned sum = 0;
	int rc;

	memset(h, 0, sizeof h);
	snprintf(h, 100, "%s", name);
	octal(h + 100, 8, 0644);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, len);
	octal(h + 136, 12, mtime > 0 ? (uint64_t)mtime : 0);
	memset(h + 148, ' ', 8); /* the checksum counts itself as spaces */
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof h; i++)
		sum += (unsigned char)h[i];
	octal(h + 148, 7, sum);
	h[155] = ' ';
	rc = mc_buf_add(b, h, sizeof h);
	if (rc == 0 && len)
		rc = mc_buf_add(b, data, len);
	if (rc == 0 && len % 512)
		rc = mc_buf_add(b, zeros, 512 - len % 512);
	return rc;
}

/* The archive's end (two empty blocks), gzip-compressed into *out. */
static int tar_finish_gz(mc_buf *b, unsigned char **out, size_t *out_len)
{
	static const char zeros[1024];
	z_stream z;
	unsigned char *dst = NULL;
	int rc = mc_buf_add(b, zeros, sizeof zeros);

	*out = NULL;
	*out_len = 0;
	if (rc)
		return rc;
	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip header, so that tar -xzf and any archive tool open it. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return MC_ERROR;
	size_t cap = deflateBound(&z, (uLong)b->len);
	dst = mc_xmalloc(cap);
	z.next_in = (Bytef *)b->data;
	z.avail_in = (uInt)b->len;
	z.next_out = dst;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(dst);
		return MC_ERROR;
	}
	*out_len = z.total_out;
	*out = dst;
	deflateEnd(&z);
	return 0;
}

/* ---- the manifest ------------------------------------------------------- */

static json_t *time_json(int64_t t)
{
	char buf[40];

	return t ? json_string(mc_time_format(buf, sizeof buf, t)) : json_null();
}

static json_t *text_json(const char *s)
{
	return json_string(s ? s : "");
}

static const char *const criteria[MC_RATE_COUNT_] = {"total_time", "agency_time",  "contacts", "agencies",
						     "reception",  "transparency", "attitude"};

static json_t *rating_json(const mc_rating *rt)
{
	json_t *c = json_object();

	for (int i = 0; i < MC_RATE_COUNT_; i++)
		json_object_set_new(c, criteria[i], json_integer(rt->criteria[i]));
	return json_pack("{s:o, s:o, s:o, s:o}", "criteria", c, "overall", text_json(rt->overall), "comment",
			 text_json(rt->comment), "at", time_json(rt->at));
}

/* A file of the archive, added once whatever the number of documents naming it. */
typedef struct {
	char (*sha)[65];
	size_t n, cap;
} file_set;

static bool file_seen(file_set *s, const char *sha)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->sha[i], sha) == 0)
			return true;
	}
	MC_GROW(s->sha, s->n, s->cap);
	memcpy(s->sha[s->n++], sha, 65);
	return false;
}

/* The dossier code's JSON, and its files into the archive. */
static int dossier_entry(mc_store *st, const char *code, int64_t now, mc_buf *tar, file_set *files,
			 json_t *files_json, json_t **out)
{
	mc_dossier d = {0};
	mc_event *ev = NULL;
	mc_payment *pay = NULL;
	mc_message *msg = NULL;
	mc_personal_read *reads = NULL;
	size_t n_ev = 0, n_pay = 0, n_msg = 0, n_reads = 0;
	int64_t total = 0;
	mc_rating rt = {0};
	json_t *j = NULL;
	int rc = mc_store_dossier_get(st, &d, code, true);

	*out = NULL;
	if (rc == 0)
		rc = mc_store_event_list(st, &ev, &n_ev, d.id);
	if (rc == 0)
		rc = mc_store_payment_list(st, &pay, &n_pay, d.id);
	if (rc == 0)
		rc = mc_store_outbox_of_dossier(st, &msg, &n_msg, d.id);
	if (rc == 0) {
		mc_personal_read_query q = {.dossier_id = d.id, .limit = 500};
		rc = mc_store_personal_read_list(st, &reads, &n_reads, &total, &q);
	}
	bool rated = false;
	if (rc == 0) {
		rc = mc_store_rating_get(st, &rt, d.id);
		rated = rc == 0;
		if (rc == MC_ENOTFOUND)
			rc = 0;
	}
	if (rc)
		goto cleanup;

	json_t *docs = json_array();
	for (size_t i = 0; i < d.n_docs; i++) {
		const mc_dossier_doc *x = &d.docs[i];
		json_t *doc = json_pack("{s:o, s:o, s:i, s:i}", "name", text_json(x->name), "kind",
					text_json(x->kind && x->kind[0] ? x->kind : "input"), "originals",
					x->originals, "copies", x->copies);
		if (x->sha256[0]) {
			char path[80];
			snprintf(path, sizeof path, "files/%s", x->sha256);
			json_object_set_new(doc, "filename", text_json(x->filename));
			json_object_set_new(doc, "mime", text_json(x->mime));
			json_object_set_new(doc, "size", json_integer(x->size));
			json_object_set_new(doc, "sha256", json_string(x->sha256));
			json_object_set_new(doc, "file", json_string(path));
			if (!file_seen(files, x->sha256)) {
				void *data = NULL;
				size_t len = 0;
				char mime[64];

				rc = mc_store_attachment_get(st, &data, &len, mime, sizeof mime, x->sha256);
				if (rc == 0)
					rc = tar_add(tar, path, data, len, now);
				free(data);
				if (rc) {
					json_decref(doc);
					json_decref(docs);
					goto cleanup;
				}
				json_array_append_new(files_json, json_pack("{s:s, s:s, s:I, s:s}", "path",
									    path, "sha256", x->sha256, "size",
									    (json_int_t)len, "mime", mime));
			}
		}
		json_array_append_new(docs, doc);
	}
	json_t *events = json_array();
	for (size_t i = 0; i < n_ev; i++) {
		const char *from = ev[i].from_state ? mc_state_name((mc_state)ev[i].from_state) : NULL;
		const char *to = mc_state_name((mc_state)ev[i].to_state);
		json_array_append_new(
		    events, json_pack("{s:o, s:o, s:s?, s:s?, s:o, s:o}", "at", time_json(ev[i].at), "action",
				      text_json(ev[i].action), "from", from, "to", to, "actor",
				      text_json(ev[i].actor_name), "note", text_json(ev[i].note)));
	}
	json_t *payments = json_array();
	for (size_t i = 0; i < n_pay; i++)
		json_array_append_new(
		    payments,
		    json_pack("{s:o, s:I, s:o, s:o, s:o, s:o, s:o}", "reference", text_json(pay[i].reference),
			      "amount", (json_int_t)pay[i].amount, "currency", text_json(pay[i].currency),
			      "state", text_json(pay[i].state), "created_at", time_json(pay[i].created_at),
			      "paid_at", time_json(pay[i].paid_at), "provider", text_json(pay[i].provider)));
	json_t *messages = json_array();
	for (size_t i = 0; i < n_msg; i++)
		json_array_append_new(
		    messages,
		    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "channel", text_json(msg[i].channel),
			      "recipient", text_json(msg[i].recipient), "subject", text_json(msg[i].subject),
			      "body", text_json(msg[i].body), "state", text_json(msg[i].state), "created_at",
			      time_json(msg[i].created_at), "sent_at", time_json(msg[i].sent_at)));
	json_t *reads_json = json_array();
	for (size_t i = 0; i < n_reads; i++)
		json_array_append_new(
		    reads_json, json_pack("{s:o, s:o, s:s?, s:o, s:o}", "at", time_json(reads[i].at),
					  "reader", text_json(reads[i].reader_name), "role",
					  mc_role_name((mc_role)reads[i].reader_role), "what",
					  text_json(reads[i].what), "route", text_json(reads[i].route)));
	const char *state = mc_state_name((mc_state)d.state);
	const char *channel = mc_channel_name((mc_channel)d.channel);
	j = json_pack("{s:o, s:o, s:s?, s:s?, s:{s:o, s:o, s:o, s:o, s:o}, s:o, s:o, s:o, s:o, s:o, s:o, "
		      "s:o, s:o, s:o, s:o, s:o, s:o}",
		      "code", text_json(d.code), "procedure_code", text_json(d.procedure_code), "state",
		      state, "channel", channel, "applicant", "name", text_json(d.applicant_name),
		      "id_number", text_json(d.applicant_id_number), "phone", text_json(d.applicant_phone),
		      "email", text_json(d.applicant_email), "address", text_json(d.applicant_address),
		      "submitted_at", time_json(d.submitted_at), "received_at", time_json(d.received_at),
		      "due_at", time_json(d.due_at), "finished_at", time_json(d.finished_at), "returned_at",
		      time_json(d.returned_at), "note", text_json(d.note), "documents", docs, "events",
		      events, "rating", rated ? rating_json(&rt) : json_null(), "payments", payments,
		      "messages", messages, "reads", reads_json);
	*out = j;
cleanup:
	mc_rating_clear(&rt);
	mc_personal_read_free_list(reads, n_reads);
	mc_message_free_list(msg, n_msg);
	for (size_t i = 0; i < n_pay; i++)
		mc_payment_clear(&pay[i]);
	free(pay);
	mc_event_free_list(ev, n_ev);
	mc_dossier_clear(&d);
	return rc;
}

int mc_app_personal_export(mc_store *st, const mc_user *subject, const char *id_number, int64_t now,
			   unsigned char **out, size_t *len)
{
	char **codes = NULL;
	size_t n = 0;
	file_set files = {0};
	mc_buf tar;
	json_t *manifest = NULL, *dossiers = json_array(), *files_json = json_array();
	char *text = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	mc_buf_init(&tar, MC_PERSONAL_EXPORT_MAX);
	rc = mc_store_personal_dossiers(st, &codes, &n, subject ? subject->id : 0, id_number,
					MC_PERSONAL_EXPORT_DOSSIERS + 1);
	if (rc)
		goto cleanup;
	if (n > MC_PERSONAL_EXPORT_DOSSIERS) {
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		json_t *d = NULL;
		rc = dossier_entry(st, codes[i], now, &tar, &files, files_json, &d);
		if (rc == 0)
			json_array_append_new(dossiers, d);
	}
	if (rc)
		goto cleanup;
	json_t *account = json_null();
	if (subject)
		account = json_pack(
		    "{s:o, s:o, s:o, s:o, s:o, s:s?, s:o}", "username", text_json(subject->username),
		    "full_name", text_json(subject->full_name), "email", text_json(subject->email), "phone",
		    text_json(subject->phone), "id_number", text_json(subject->id_number), "role",
		    mc_role_name((mc_role)subject->role), "created_at", time_json(subject->created_at));
	manifest = json_pack("{s:s, s:o, s:o, s:o, s:O, s:O}", "format", "motcua-personal-export-1",
			     "generated_at", time_json(now), "account", account, "id_number",
			     id_number && id_number[0] ? json_string(id_number) : json_null(), "dossiers",
			     dossiers, "files", files_json);
	if (!manifest) {
		rc = MC_ERROR;
		goto cleanup;
	}
	text = json_dumps(manifest, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text) {
		rc = MC_ERROR;
		goto cleanup;
	}
	/* The manifest after the files: the archive is written in one pass,
	 * and a reader finds it by name whatever its place. */
	rc = tar_add(&tar, "manifest.json", text, strlen(text), now);
	if (rc == 0)
		rc = tar_finish_gz(&tar, out, len);
cleanup:
	free(text);
	json_decref(manifest);
	json_decref(dossiers);
	json_decref(files_json);
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	free(files.sha);
	mc_buf_free(&tar);
	return rc;
}

/* ---- erasure and retention ------------------------------------------------ */

int mc_app_personal_erase(mc_store *st, int64_t user_id, int64_t now, mc_personal_counts *c)
{
	int64_t open = 0;
	char **codes = NULL;
	size_t n = 0;
	int rc;

	mc_err_clear();
	memset(c, 0, sizeof *c);
	rc = mc_store_personal_open_count(st, &open, user_id);
	if (rc)
		goto cleanup;
	/* Nghị định 13/2023 art. 16(3): no deletion while the data is needed
	 * for the procedure under way; the citizen may ask again once it ends. */
	if (open > 0) {
		rc = mc_err_set(
		    MC_ECONFLICT, MC_REASON_STATE,
		    "%lld of your dossiers are still being handled: personal data can be erased once "
		    "they are finished",
		    (long long)open);
		goto cleanup;
	}
	rc = mc_store_personal_dossiers(st, &codes, &n, user_id, NULL, INT32_MAX);
	for (size_t i = 0; i < n && rc == 0; i++) {
		mc_dossier d = {0};

		rc = mc_store_dossier_get(st, &d, codes[i], false);
		if (rc == 0)
			rc = mc_store_personal_pseudonymise(st, d.id, user_id, now, c);
		mc_dossier_clear(&d);
	}
	if (rc == 0)
		rc = mc_store_personal_erase_account(st, user_id, now);
cleanup:
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	return rc;
}

int mc_app_personal_purge(mc_store *st, const mc_retention *r, int64_t now, size_t max_dossiers,
			  mc_personal_purge_report *rep)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = 0;

	memset(rep, 0, sizeof *rep);
	if (r->dossier_years > 0) {
		/* Years of 365.25 days: a retention period is not a working time. */
		int64_t before = now - (int64_t)r->dossier_years * 36525 * 864;
		rc = mc_store_personal_finished_before(st, &ids, &n, before, max_dossiers);
		/* The citizen who acted on each is its owner, when it has one (0). */
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = mc_store_personal_pseudonymise(st, ids[i], 0, now, &rep->pseudonymised);
	}
	if (rc == 0 && r->message_days > 0)
		rc = mc_store_personal_outbox_purge(st, now - (int64_t)r->message_days * 86400,
						    &rep->messages_emptied);
	if (rc == 0 && r->read_log_days > 0)
		rc = mc_store_personal_read_purge(st, now - (int64_t)r->read_log_days * 86400,
						  &rep->reads_deleted);
	free(ids);
	return rc;
}

int mc_app_personal_erase_record(mc_store *st, const mc_user *actor, int64_t user_id,
				 const mc_personal_counts *c, int64_t now)
{
	char name[32], detail[96];
	mc_user self = {.id = user_id, .username = name};

	snprintf(name, sizeof name, "erased-%lld", (long long)user_id);
	snprintf(detail, sizeof detail, "{\"dossiers_pseudonymised\":%lld}", (long long)c->dossiers);
	return mc_app_account_action(st, actor && actor->id == user_id ? &self : actor, "erase", user_id,
				     name, detail, now);
}
