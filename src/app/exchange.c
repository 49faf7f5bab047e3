/*
 * app/exchange.c - edXML exchange with peers (see exchange.h).
 */
#include "app/exchange.h"

#include "core/err.h"
#include "core/limits.h"
#include "core/mc.h"
#include "core/task.h"
#include "core/text.h"
#include "sign/pades.h"
#include "sign/xmldsig.h"
#include "store/store_document_file.h"

#include <ctype.h>
#include <curl/curl.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *organs; /* "000.00.00.H26,*.H27" */
	char *url;
	X509 *cert;
} peer;

struct mc_exchange {
	EVP_PKEY *key;
	X509 *cert;
	peer *peers;
	size_t n_peers;
	int retry_seconds;
};

/* ---- configuration ---- */

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	X509 *c = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return c;
}

void mc_exchange_free(mc_exchange *x)
{
	if (!x)
		return;
	EVP_PKEY_free(x->key);
	X509_free(x->cert);
	for (size_t i = 0; i < x->n_peers; i++) {
		free(x->peers[i].organs);
		free(x->peers[i].url);
		X509_free(x->peers[i].cert);
	}
	free(x->peers);
	free(x);
}

int mc_exchange_load(mc_exchange **out, const mc_exchange_config *cfg)
{
	int rc = MC_EINVAL;
	FILE *f = NULL;
	char line[4096];
	int lineno = 0;
	mc_exchange *x = NULL;
	*out = NULL;
	if (!cfg->peers_file || !*cfg->peers_file)
		return 0;
	x = mc_xcalloc(1, sizeof *x);
	/* libxml2 and xmlsec start here, on the main thread, before the workers */
	if (mc_xmldsig_init() != 0) {
		fprintf(stderr, "motcua: xmlsec could not start\n");
		goto cleanup;
	}
	x->retry_seconds = cfg->retry_seconds > 0 ? cfg->retry_seconds : 30;
	if (!cfg->key_file || !*cfg->key_file || !cfg->cert_file || !*cfg->cert_file) {
		fprintf(stderr,
			"motcua: exchange_peers is set but exchange_key_file or exchange_cert_file is not: "
			"packages are signed with the organisation's key\n");
		goto cleanup;
	}
	f = fopen(cfg->key_file, "r");
	x->key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	f = NULL;
	if (!x->key) {
		fprintf(stderr, "motcua: could not read the exchange key %s (PEM, unencrypted)\n",
			cfg->key_file);
		goto cleanup;
	}
	x->cert = read_cert(cfg->cert_file);
	if (!x->cert || X509_check_private_key(x->cert, x->key) != 1) {
		fprintf(stderr,
			"motcua: could not read the exchange certificate %s, or it is not the key's\n",
			cfg->cert_file);
		goto cleanup;
	}
	f = fopen(cfg->peers_file, "r");
	if (!f) {
		fprintf(stderr, "motcua: could not open the exchange peers %s\n", cfg->peers_file);
		goto cleanup;
	}
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *save = NULL;
		char *organs = strtok_r(s, " \t", &save);
		char *url = strtok_r(NULL, " \t", &save);
		char *cert = strtok_r(NULL, " \t", &save);
		char *extra = strtok_r(NULL, " \t", &save);
		if (!organs || !url || !cert || extra) {
			fprintf(stderr, "motcua: %s:%d: a peer is ORGANISATIONS URL CERTIFICATE.pem\n",
				cfg->peers_file, lineno);
			goto cleanup;
		}
		if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
			fprintf(stderr, "motcua: %s:%d: the URL must be http:// or https://\n",
				cfg->peers_file, lineno);
			goto cleanup;
		}
		X509 *c = read_cert(cert);
		if (!c) {
			fprintf(stderr, "motcua: %s:%d: could not read the certificate %s\n", cfg->peers_file,
				lineno, cert);
			goto cleanup;
		}
		x->peers = realloc(x->peers, (x->n_peers + 1) * sizeof *x->peers);
		if (!x->peers)
			abort();
		x->peers[x->n_peers++] = (peer){mc_xstrdup(organs), mc_xstrdup(url), c};
	}
	rc = 0;
cleanup:
	if (f)
		fclose(f);
	if (rc)
		mc_exchange_free(x);
	else
		*out = x;
	return rc;
}

static bool organ_matches(const char *pattern, size_t plen, const char *organ_id)
{
	if (plen > 2 && pattern[0] == '*' && pattern[1] == '.') {
		size_t n = strlen(organ_id), tail = plen - 1; /* ".H26" */
		return n > tail && memcmp(organ_id + n - tail, pattern + 1, tail) == 0;
	}
	return strlen(organ_id) == plen && memcmp(pattern, organ_id, plen) == 0;
}

static const peer *peer_of(const mc_exchange *x, const char *organ_id)
{
	if (!x || !organ_id)
		return NULL;
	for (size_t i = 0; i < x->n_peers; i++) {
		const char *p = x->peers[i].organs;
		while (*p) {
			size_t n = strcspn(p, ",");
			if (organ_matches(p, n, organ_id))
				return &x->peers[i];
			p += n;
			if (*p == ',')
				p++;
		}
	}
	return NULL;
}

bool mc_exchange_is_peer(const mc_exchange *x, const char *organ_id)
{
	return peer_of(x, organ_id) != NULL;
}

size_t mc_exchange_peer_count(const mc_exchange *x)
{
	return x ? x->n_peers : 0;
}

void mc_exchange_peer_info(const mc_exchange *x, size_t i, const char **organs, const char **url)
{
	*organs = x->peers[i].organs;
	*url = x->peers[i].url;
}

void mc_exchange_message_id(char *out, size_t cap, const char *organ, int64_t id, const char *recipient,
			    int business)
{
	snprintf(out, cap, "%s,%lld,%s,%d", organ, (long long)id, recipient, business);
}

/* ---- receiving ---- */

/* Whether the receiver keeps a as a file of the copy: declared a PDF (as a
 * local upload's Content-Type is read) and not empty. */
static bool kept(const mc_edxml_attachment *a)
{
	return a->len && mc_doc_file_kind_of_mime(a->content_type) == MC_DOC_FILE_PDF;
}

/* Each attachment kept is what it claims to be, by the rule a local
 * upload's content is checked by (mc_doc_file_check): an HTML page
 * labelled application/pdf is refused, the attachment named. */
static int attachments_check(const mc_edxml_message *msg, char *problem, size_t problem_size)
{
	for (size_t i = 0; i < msg->n_attachments; i++) {
		const mc_edxml_attachment *a = &msg->attachments[i];
		const char *why = "";
		if (!kept(a) || mc_doc_file_check(MC_DOC_FILE_PDF, a->data, a->len, &why) == 0)
			continue;
		char name[100];
		mc_text_cut(name, sizeof name, a->name ? a->name : "");
		snprintf(problem, problem_size,
			 "edXMLBody/AttachmentEncoded[%zu] (%s) is declared %s but is not a PDF file: %s",
			 i + 1, name, mc_doc_file_kind_mime(MC_DOC_FILE_PDF), why);
		return MC_EINVAL;
	}
	return 0;
}

int mc_exchange_check(const mc_exchange *x, const char *xml, size_t len, size_t max_bytes, int64_t now,
		      mc_edxml_message *msg, mc_xch_refusal *why, char *problem, size_t problem_size)
{
	char detail[240];
	int rc = mc_edxml_parse(msg, xml, len, max_bytes, detail, sizeof detail);
	if (rc) {
		*why = MC_XCH_BAD_PACKAGE;
		snprintf(problem, problem_size, "%s", detail);
		return rc;
	}
	const peer *p = peer_of(x, msg->from.organ_id);
	if (!p) {
		*why = MC_XCH_UNKNOWN_SENDER;
		snprintf(problem, problem_size, "%s is not an organisation of a peer of this server",
			 msg->from.organ_id);
		rc = MC_EFORBIDDEN;
		goto cleanup;
	}
	rc = mc_xmldsig_verify(xml, len, p->cert, (time_t)now, detail, sizeof detail);
	if (rc) {
		*why = MC_XCH_BAD_SIGNATURE; /* unsigned, or signed by another key */
		snprintf(problem, problem_size, "from %s: %s", msg->from.organ_id, detail);
		rc = MC_EFORBIDDEN;
		goto cleanup;
	}
	/* Signed, but the package as received is what is kept and served
	 * (GET /api/v1/documents/{id}/edxml): nothing in it unsigned. */
	rc = mc_xmldsig_covered(xml, len, detail, sizeof detail);
	if (rc) {
		*why = MC_XCH_BAD_PACKAGE;
		snprintf(problem, problem_size, "from %s: %s", msg->from.organ_id, detail);
		goto cleanup;
	}
	rc = attachments_check(msg, problem, problem_size);
	if (rc)
		*why = MC_XCH_BAD_PACKAGE;
cleanup:
	if (rc)
		mc_edxml_message_clear(msg);
	return rc;
}

static void local_date(char *buf, size_t cap, int64_t t)
{
	int y, m, d;
	mc_civil_from_days(mc_local_day(t), &y, &m, &d);
	snprintf(buf, cap, "%04d-%02d-%02d", y, m, d);
}

/* The kind of art. 7 whose name is type_name; công văn when none is. */
static const char *type_key(const char *type_name)
{
	size_t n = 0;
	const mc_doc_type *all = mc_doc_types(&n);
	for (size_t i = 0; type_name && i < n; i++)
		if (strcmp(all[i].name, type_name) == 0)
			return all[i].key;
	return "cong_van";
}

static int urgency_of(int priority)
{
	switch (priority) {
	case 1:
		return MC_DOC_URGENCY_KHAN;
	case 2:
		return MC_DOC_URGENCY_THUONG_KHAN;
	case 3:
	case 4:
		return MC_DOC_URGENCY_HOA_TOC;
	default:
		return MC_DOC_URGENCY_NONE;
	}
}

static int event(mc_store *st, const mc_actor *actor, const mc_document *d, const char *action,
		 const char *note, int64_t at)
{
	mc_document_event e = {
	    .document_id = d->id,
	    .at = at,
	    .user_id = actor ? actor->user_id : 0,
	    .user_name = (char *)(actor ? actor->name : ""),
	    .role = (char *)(actor && mc_role_name(actor->role) ? mc_role_name(actor->role) : ""),
	    .unit_id = actor ? actor->unit_id : 0,
	    .action = (char *)action,
	    .from_state = d->state,
	    .to_state = d->state,
	    .note = (char *)(note ? note : "")};
	return mc_app_document_event_append(st, &e);
}

/* Queues a status message from our unit `unit` about the package `in`
 * (received from its organ_id) whose copy is `copy`. */
static int queue_status(mc_store *st, const mc_unit *unit, const mc_xch_message *in, const mc_document *copy,
			int code, const char *description, int64_t at)
{
	char stamp[40], msgid[300], date[16];
	char *xml = NULL;
	size_t len = 0;
	char problem[200];
	mc_time_format(stamp, sizeof stamp, at);
	local_date(date, sizeof date, copy->issued_at);
	snprintf(msgid, sizeof msgid, "%s,%lld,s%02d,%lld", unit->code, (long long)copy->id, code,
		 (long long)at);
	/* The same status about the same copy within one second (a leader
	 * assigning again at once) is a new message: the id takes the next
	 * free suffix ("-2", "-3", ...), so that the peer keeps both. */
	size_t base = strlen(msgid);
	for (int n = 2; n <= 100; n++) {
		mc_xch_message prev = {0};
		int rc = mc_store_xch_find(st, &prev, MC_XCH_OUT, in->organ_id, unit->code, msgid);
		mc_xch_message_clear(&prev);
		if (rc == MC_ENOTFOUND)
			break;
		if (rc)
			return rc;
		snprintf(msgid + base, sizeof msgid - base, "-%d", n);
	}
	mc_edxml_organ to = {.organ_id = in->organ_id};
	mc_edxml_message m = {.kind = MC_EDXML_STATUS,
			      .document_id = msgid,
			      .from = {.organ_id = unit->code, .organ_name = unit->name},
			      .to = &to,
			      .n_to = 1,
			      .response_for = {.organ_id = in->organ_id,
					       .code = copy->notation,
					       .promulgation_date = copy->issued_at ? date : NULL,
					       .document_id = in->message_id},
			      .status_code = code,
			      .status_description = (char *)description,
			      .status_timestamp = stamp};
	int rc = mc_edxml_build(&xml, &len, &m, problem, sizeof problem);
	if (rc)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "the status message: %s", problem);
	mc_xch_message out = {.province_code = unit->province_code,
			      .direction = MC_XCH_OUT,
			      .kind = MC_EDXML_STATUS,
			      .organ_id = in->organ_id,
			      .local_organ_id = unit->code,
			      .message_id = msgid,
			      .document_id = copy->id,
			      .ref_message_id = in->message_id,
			      .status_code = code,
			      .description = (char *)description,
			      .package = xml,
			      .state = "pending",
			      .created_at = at};
	rc = mc_store_xch_add(st, &out);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE, "this status was sent already");
	free(xml);
	return rc;
}

static int receive_status(mc_store *st, const mc_edxml_message *msg, const char *xml, int64_t at,
			  mc_xch_receipt *out)
{
	mc_xch_message sent = {0};
	mc_document d = {0};
	int rc = mc_store_xch_find_sent(st, &sent, msg->response_for.document_id);
	if (rc == MC_ENOTFOUND || (rc == 0 && strcmp(sent.organ_id, msg->from.organ_id) != 0)) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"Status/ResponseFor/DocumentId %s names no document this server sent to %s",
				msg->response_for.document_id, msg->from.organ_id);
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	out->status_of = sent.document_id;
	mc_xch_message in = {.province_code = sent.province_code,
			     .direction = MC_XCH_IN,
			     .kind = MC_EDXML_STATUS,
			     .organ_id = msg->from.organ_id,
			     .local_organ_id = sent.local_organ_id,
			     .message_id = msg->document_id,
			     .document_id = sent.document_id,
			     .ref_message_id = sent.message_id,
			     .status_code = msg->status_code,
			     .description = msg->status_description,
			     .package = (char *)xml,
			     .state = "received",
			     .created_at = at};
	rc = mc_store_xch_add(st, &in);
	if (rc == MC_ECONFLICT) {
		out->replayed = true;
		rc = 0;
		goto cleanup;
	}
	if (rc == 0)
		rc = mc_store_document_get(st, &d, sent.document_id);
	if (rc == 0) {
		char note[700];
		snprintf(note, sizeof note, "%02d %s — %s%s%s", msg->status_code,
			 mc_edxml_status_title(msg->status_code), msg->from.organ_id,
			 msg->status_description ? ": " : "",
			 msg->status_description ? msg->status_description : "");
		rc = event(st, NULL, &d, "exchange_status", note, at);
	}
cleanup:
	mc_xch_message_clear(&sent);
	mc_document_clear(&d);
	return rc;
}

/* Marks every copy of the document the sender names in msg->replaces
 * (recall: recalled; replace: replaced), with an event. */
static int mark_copies(mc_store *st, const mc_time_ctx *tc, const mc_edxml_message *msg, const char *state,
		       const char *action, const char *note, int64_t at, int64_t *first_copy)
{
	int rc = 0;
	size_t marked = 0;
	for (size_t i = 0; i < msg->n_to && rc == 0; i++) {
		mc_xch_message old = {0};
		mc_document d = {0};
		if (!mc_time_ctx_unit_by_code(tc, msg->to[i].organ_id))
			continue;
		rc = mc_store_xch_find(st, &old, MC_XCH_IN, msg->from.organ_id, msg->to[i].organ_id,
				       msg->replaces.document_id);
		if (rc == MC_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = mc_store_xch_set_state(st, old.id, state, note);
		if (rc == 0)
			rc = mc_store_document_get(st, &d, old.document_id);
		/* The copy itself ends as well (art. 18): it takes no further step
		 * here, as a copy recalled or replaced inside the deployment. */
		if (rc == 0 && (d.state == MC_DOC_RECALLED || d.state == MC_DOC_REPLACED))
			rc = event(st, NULL, &d, action, note, at);
		else if (rc == 0)
			rc = mc_app_document_copy_end(
			    st, &d, strcmp(state, "recalled") == 0 ? MC_DOC_RECALLED : MC_DOC_REPLACED,
			    action, note, at);
		if (rc == 0 && !marked++)
			*first_copy = d.id;
		mc_document_clear(&d);
		mc_xch_message_clear(&old);
	}
	if (rc == 0 && !marked)
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"Bussiness/ReplacementInfo/DocumentId %s names no document received from %s",
				msg->replaces.document_id, msg->from.organ_id);
	return rc;
}

/* The package's PDF (the first attachment kept, of type application/pdf). */
static const mc_edxml_attachment *pdf_of(const mc_edxml_message *msg)
{
	for (size_t i = 0; i < msg->n_attachments; i++) {
		const mc_edxml_attachment *a = &msg->attachments[i];
		if (kept(a))
			return a;
	}
	return NULL;
}

int mc_app_exchange_receive(mc_store *st, const mc_time_ctx *tc, const mc_edxml_message *msg, const char *xml,
			    size_t len, int64_t at, mc_xch_receipt *out)
{
	mc_xch_message seen = {0}, answered = {0};
	char code[80], note[700];
	int rc;
	(void)len;
	mc_err_clear();
	memset(out, 0, sizeof *out);
	if (msg->kind == MC_EDXML_STATUS)
		return receive_status(st, msg, xml, at, out);
	/* The same package again (a retry whose answer was lost): one document. */
	rc = mc_store_xch_find(st, &seen, MC_XCH_IN, msg->from.organ_id, NULL, msg->document_id);
	if (rc == 0) {
		out->replayed = true;
		out->documents[out->n_documents++] = seen.document_id;
		goto cleanup;
	}
	if (rc != MC_ENOTFOUND)
		goto cleanup;
	rc = 0;
	int64_t response_for = 0;
	if (msg->response_for.document_id &&
	    mc_store_xch_find_sent(st, &answered, msg->response_for.document_id) == 0 &&
	    strcmp(answered.organ_id, msg->from.organ_id) == 0)
		response_for = answered.document_id;
	const char *from_name = msg->from.organ_name ? msg->from.organ_name : msg->from.organ_id;
	if (msg->business == MC_EDXML_BUSINESS_RECALL) {
		snprintf(note, sizeof note, "Thu hồi bởi %s%s%s", from_name, msg->business_reason ? ": " : "",
			 msg->business_reason ? msg->business_reason : "");
		int64_t copy = 0;
		rc = mark_copies(st, tc, msg, "recalled", "recall", note, at, &copy);
		if (rc)
			goto cleanup;
		mc_xch_message in = {.direction = MC_XCH_IN,
				     .kind = MC_EDXML_DOCUMENT,
				     .organ_id = msg->from.organ_id,
				     .local_organ_id = "",
				     .message_id = msg->document_id,
				     .document_id = copy,
				     .business = msg->business,
				     .ref_message_id = msg->replaces.document_id,
				     .description = msg->business_reason,
				     .package = (char *)xml,
				     .state = "received",
				     .created_at = at};
		rc = mc_store_xch_add(st, &in);
		if (rc == 0)
			out->documents[out->n_documents++] = copy;
		goto cleanup;
	}
	snprintf(code, sizeof code, "%s/%s", msg->code_number, msg->code_notation);
	/* The sender's signed PDF, kept as it came so that the copy's file is
	 * byte for byte the one its signatures cover. */
	const mc_edxml_attachment *pdf = pdf_of(msg);
	int pdf_signatures = 0;
	if (pdf) {
		mc_sign_result *sr = NULL;
		size_t nsr = 0;
		if (mc_sign_verify(pdf->data, pdf->len, NULL, &sr, &nsr) == 0)
			pdf_signatures = (int)nsr;
		mc_sign_results_free(sr, nsr);
	}
	int64_t issued_at = 0;
	if (msg->promulgation_date)
		mc_time_parse(&issued_at, msg->promulgation_date);
	for (size_t i = 0; i < msg->n_to && rc == 0; i++) {
		const mc_unit *u = mc_time_ctx_unit_by_code(tc, msg->to[i].organ_id);
		mc_doc_register g = {0};
		if (!u || out->n_documents == MC_ARRAY_LEN(out->documents))
			continue;
		rc = mc_store_doc_register_of(st, &g, u->id, MC_DOC_IN);
		if (rc == MC_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc)
			break;
		mc_document d = {.province_code = u->province_code,
				 .box = MC_DOC_IN,
				 .register_id = g.id,
				 .unit_id = u->id,
				 .state = MC_DOC_ARRIVED,
				 .type = (char *)type_key(msg->type_name),
				 .urgency = urgency_of(msg->priority),
				 .subject = msg->subject,
				 .body = msg->content,
				 .place = msg->place,
				 .signer_position = msg->signer_position,
				 .signer_name = msg->signer_name,
				 .notation = code,
				 .organ_name = (char *)from_name,
				 .issued_at = issued_at,
				 .created_at = at,
				 .updated_at = at};
		rc = mc_store_document_add(st, &d);
		mc_doc_register_clear(&g);
		if (rc)
			break;
		snprintf(note, sizeof note, "edXML từ %s (%s)", from_name, msg->from.organ_id);
		rc = event(st, NULL, &d, "arrive", note, at);
		if (rc == 0 && pdf)
			rc = mc_store_document_file_put(st, d.id, pdf->data, pdf->len, pdf_signatures, at);
		/* the other PDFs: its attachments, kept as they came (§3c) */
		for (size_t k = 0; rc == 0 && pdf && k < msg->n_attachments; k++) {
			const mc_edxml_attachment *a = &msg->attachments[k];
			if (a == pdf || !kept(a))
				continue;
			mc_document_attachment row = {.document_id = d.id,
						      .filename = a->name ? a->name : "",
						      .size = (int64_t)a->len,
						      .created_at = at};
			rc = mc_store_attachment_write(st, row.sha256, a->data, a->len);
			if (rc == 0)
				rc = mc_store_document_attachment_add(st, &row);
		}
		mc_xch_message in = {.province_code = u->province_code,
				     .direction = MC_XCH_IN,
				     .kind = MC_EDXML_DOCUMENT,
				     .organ_id = msg->from.organ_id,
				     .local_organ_id = u->code,
				     .message_id = msg->document_id,
				     .document_id = d.id,
				     .business = msg->business,
				     .ref_message_id = msg->replaces.document_id,
				     .response_for_id = response_for,
				     .description = msg->business_reason,
				     .package = (char *)xml,
				     .state = "received",
				     .created_at = at};
		if (rc == 0)
			rc = mc_store_xch_add(st, &in);
		if (rc == 0)
			rc = queue_status(st, u, &in, &d, MC_EDXML_STATUS_ARRIVED, "Đã đến", at);
		if (rc == 0)
			out->documents[out->n_documents++] = d.id;
	}
	if (rc == 0 && !out->n_documents)
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"MessageHeader/To names no unit of this server with an incoming register");
	if (rc == 0 && msg->business == MC_EDXML_BUSINESS_REPLACE) {
		int64_t old = 0;
		snprintf(note, sizeof note, "Thay thế bởi văn bản %s của %s%s%s", code, from_name,
			 msg->business_reason ? ": " : "", msg->business_reason ? msg->business_reason : "");
		rc = mark_copies(st, tc, msg, "replaced", "replace", note, at, &old);
	}
cleanup:
	mc_xch_message_clear(&seen);
	mc_xch_message_clear(&answered);
	return rc;
}

/* ---- sending ---- */

/* The document id, outgoing and issued, of a body in the clerk's scope. */
static int load_own(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id, mc_document *d,
		    int box)
{
	int rc = mc_store_document_get(st, d, id);
	if (rc == MC_ENOTFOUND)
		return mc_err_set(MC_ENOTFOUND, MC_REASON_NOT_FOUND, "no document has id %lld",
				  (long long)id);
	if (rc)
		return rc;
	if (!actor->unit_id || !mc_time_ctx_within(tc, d->unit_id, actor->unit_id))
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_SCOPE,
				  "the document is outside your unit's scope");
	if (d->box != box)
		return mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "the document is %s",
				  d->box == MC_DOC_OUT ? "outgoing" : "incoming");
	return 0;
}

/* The signed PDF of issued document d (the file GET …/file serves) as the
 * package's attachment; none (a->data NULL) when signing is not configured
 * and the document has no stored file. */
static int load_pdf(mc_store *st, const mc_document *d, mc_edxml_attachment *a, char *name, size_t cap)
{
	mc_document_file f;
	char mime[64];
	void *data = NULL;
	size_t len = 0;
	int rc = mc_store_document_file_get(st, d->id, &f);
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc == 0)
		rc = mc_store_attachment_get(st, &data, &len, mime, sizeof mime, f.sha256);
	if (rc)
		return rc;
	/* "6366-BC-UBND.pdf": the number and notation, '/' being no file name's */
	snprintf(name, cap, "%s.pdf", d->notation ? d->notation : "van-ban");
	for (char *c = name; *c; c++)
		if (*c == '/')
			*c = '-';
	*a = (mc_edxml_attachment){.name = name, .content_type = "application/pdf", .data = data, .len = len};
	return 0;
}

/* The package's files: the signed PDF first (*pdf, which the receiver
 * takes as the document's), then each attachment of d by number (its
 * sealed copy when it has one, docs/documents.md §3c) as QCVN 102
 * Attachment elements; *rows holds their records (their names). */
static int load_attachments(mc_store *st, const mc_document *d, const mc_edxml_attachment *pdf,
			    mc_edxml_attachment **files, size_t *n_files, mc_document_attachment **rows,
			    size_t *n_rows)
{
	char mime[64];
	int rc = mc_store_document_attachments(st, rows, n_rows, d->id);
	*files = mc_xcalloc(1 + *n_rows, sizeof **files);
	(*files)[0] = *pdf;
	*n_files = 0;
	for (size_t i = 0; rc == 0 && i < *n_rows; i++) {
		const mc_document_attachment *a = &(*rows)[i];
		void *data = NULL;
		size_t len = 0;
		if (i + 1 < *n_rows && (*rows)[i + 1].number == a->number)
			continue; /* its sealed copy follows */
		rc = mc_store_attachment_get(st, &data, &len, mime, sizeof mime, a->sha256);
		if (rc == 0)
			(*files)[1 + (*n_files)++] = (mc_edxml_attachment){
			    .name = a->filename, .content_type = "application/pdf", .data = data, .len = len};
	}
	return rc;
}

/* The package of outgoing document d from its issuing body, to organ. */
static int build_document(char **xml, size_t *len, const mc_time_ctx *tc, const mc_document *d,
			  const char *to_organ, const char *msgid, int business, const mc_edxml_ref *ref,
			  const char *reason, const mc_edxml_ref *response_for,
			  const mc_edxml_attachment *files, size_t n_files, int64_t at)
{
	const mc_unit *u = mc_time_ctx_unit(tc, d->unit_id);
	const mc_doc_type *t = mc_doc_type_find(d->type);
	char number[32] = "", date[16], stamp[40], problem[200];
	const char *notation = d->notation ? strchr(d->notation, '/') : NULL;
	if (!u || !notation)
		return mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "the document has no number yet");
	snprintf(number, sizeof number, "%.*s", (int)(notation - d->notation), d->notation);
	local_date(date, sizeof date, d->issued_at);
	mc_time_format(stamp, sizeof stamp, at);
	mc_edxml_organ to = {.organ_id = (char *)to_organ};
	mc_edxml_trace trace = {.organ_id = u->code, .timestamp = stamp};
	mc_edxml_message m = {
	    .kind = MC_EDXML_DOCUMENT,
	    .document_id = (char *)msgid,
	    .from = {.organ_id = u->code, .organ_name = u->name},
	    .to = &to,
	    .n_to = 1,
	    .code_number = number,
	    .code_notation = (char *)notation + 1,
	    .place = d->place && *d->place ? d->place : NULL,
	    .promulgation_date = date,
	    .type = d->normative ? 1 : 2,
	    .type_name = t ? (char *)t->name : NULL,
	    .subject = d->subject,
	    .content = d->body && *d->body ? d->body : NULL,
	    .signer_position = d->signer_position && *d->signer_position ? d->signer_position : NULL,
	    .signer_name = d->signer_name && *d->signer_name ? d->signer_name : NULL,
	    .priority = d->urgency,
	    .traces = &trace,
	    .n_traces = 1,
	    .business = business,
	    .business_reason = (char *)reason,
	};
	if (files && n_files) {
		m.attachments = (mc_edxml_attachment *)files;
		m.n_attachments = n_files;
	}
	if (ref)
		m.replaces = *ref;
	if (response_for)
		m.response_for = *response_for;
	if (mc_edxml_build(xml, len, &m, problem, sizeof problem) != 0)
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "the package: %s", problem);
	return 0;
}

int mc_app_exchange_send(mc_store *st, const mc_time_ctx *tc, const mc_exchange *x, const mc_actor *actor,
			 int64_t id, const mc_xch_send *in, int64_t at)
{
	mc_document d = {0}, answered = {0}, replaced = {0};
	mc_xch_message received = {0};
	mc_edxml_ref response_for = {0};
	mc_edxml_attachment pdf = {0}, *files = NULL;
	mc_document_attachment *extra = NULL;
	size_t n_extra = 0, n_extra_rows = 0;
	char *xml = NULL, note[1200] = "", pdf_name[64];
	size_t len = 0;
	int rc;
	mc_err_clear();
	if (actor->role != MC_ROLE_DESK)
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "documents are sent by the clerk");
	rc = load_own(st, tc, actor, id, &d, MC_DOC_OUT);
	if (rc)
		goto cleanup;
	if (d.state != MC_DOC_ISSUED) {
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"only an issued document is sent; this one is %s",
				mc_doc_state_name((mc_doc_state)d.state));
		goto cleanup;
	}
	const mc_unit *u = mc_time_ctx_unit(tc, d.unit_id);
	rc = load_pdf(st, &d, &pdf, pdf_name, sizeof pdf_name);
	if (rc == 0 && pdf.data)
		rc = load_attachments(st, &d, &pdf, &files, &n_extra, &extra, &n_extra_rows);
	if (rc)
		goto cleanup;
	if (!in->n_to) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_MISSING_FIELD, "to names no organisation");
		goto cleanup;
	}
	if (in->response_for_id) {
		rc = mc_store_xch_received_as(st, &received, in->response_for_id);
		if (rc == 0)
			rc = mc_store_document_get(st, &answered, in->response_for_id);
		if (rc == 0 && !mc_time_ctx_within(tc, answered.unit_id, actor->unit_id))
			rc = MC_ENOTFOUND;
		if (rc == MC_ENOTFOUND) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"response_for names no document your unit received by exchange");
			goto cleanup;
		}
		if (rc)
			goto cleanup;
		response_for = (mc_edxml_ref){.organ_id = received.organ_id,
					      .code = answered.notation,
					      .document_id = received.message_id};
	}
	if (in->replaces_id) {
		rc = load_own(st, tc, actor, in->replaces_id, &replaced, MC_DOC_OUT);
		if (rc == 0 && in->replaces_id == id)
			rc = MC_EINVAL;
		if (rc) {
			mc_err_clear();
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"replaces names no other outgoing document of your unit");
			goto cleanup;
		}
	}
	for (size_t i = 0; i < in->n_to && rc == 0; i++) {
		const char *to = in->to[i];
		char msgid[300], ref_id[300];
		if (!mc_edxml_organ_id_valid(to) || !mc_exchange_is_peer(x, to)) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"to: %s is not an organisation of a peer of this server", to);
			break;
		}
		if (mc_time_ctx_unit_by_code(tc, to)) {
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"to: %s is a unit of this server; name it in recipient_units", to);
			break;
		}
		mc_edxml_ref ref = {0};
		int business = MC_EDXML_BUSINESS_NEW;
		if (in->replaces_id) {
			mc_xch_message prev = {0};
			mc_exchange_message_id(ref_id, sizeof ref_id, u->code, replaced.id, to, 0);
			rc = mc_store_xch_find(st, &prev, MC_XCH_OUT, to, NULL, ref_id);
			mc_xch_message_clear(&prev);
			if (rc == MC_ENOTFOUND) {
				rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
						"replaces: document %lld was not sent to %s",
						(long long)replaced.id, to);
				break;
			}
			if (rc)
				break;
			business = MC_EDXML_BUSINESS_REPLACE;
			ref = (mc_edxml_ref){
			    .organ_id = u->code, .code = replaced.notation, .document_id = ref_id};
		}
		mc_exchange_message_id(msgid, sizeof msgid, u->code, d.id, to, 0);
		free(xml);
		xml = NULL;
		rc = build_document(&xml, &len, tc, &d, to, msgid, business, in->replaces_id ? &ref : NULL,
				    in->reason, in->response_for_id ? &response_for : NULL, files,
				    pdf.data ? 1 + n_extra : 0, at);
		if (rc)
			break;
		mc_xch_message m = {.province_code = d.province_code,
				    .direction = MC_XCH_OUT,
				    .kind = MC_EDXML_DOCUMENT,
				    .organ_id = (char *)to,
				    .local_organ_id = u->code,
				    .message_id = msgid,
				    .document_id = d.id,
				    .business = business,
				    .ref_message_id = in->replaces_id ? ref_id : NULL,
				    .response_for_id = in->response_for_id,
				    .description = (char *)in->reason,
				    .package = xml,
				    .state = "pending",
				    .created_at = at};
		rc = mc_store_xch_add(st, &m);
		if (rc == MC_ECONFLICT) {
			/* given up before (the peer refused it): sent again; otherwise once is enough */
			mc_xch_message prev = {0};
			rc = mc_store_xch_find(st, &prev, MC_XCH_OUT, to, u->code, msgid);
			if (rc == 0 && strcmp(prev.state, "failed") == 0)
				rc = mc_store_xch_requeue(st, prev.id, xml, at);
			else if (rc == 0)
				rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE,
						"the document was sent to %s already", to);
			mc_xch_message_clear(&prev);
		}
		size_t used = strlen(note);
		snprintf(note + used, sizeof note - used, "%s%s", used ? ", " : "edXML gửi ", to);
	}
	/* Its copies inside the deployment end as replaced too (art. 18), once:
	 * one replaced already (this document sent to another organisation),
	 * recalled or another body's keeps its copies as they are, and the
	 * packages carry the replacement to the peers all the same. */
	if (rc == 0 && in->replaces_id) {
		rc = mc_app_document_replace(st, tc, actor, &d, in->replaces_id, true, at);
		if (rc == 0)
			rc = mc_app_document_replace(st, tc, actor, &d, in->replaces_id, false, at);
		else if (rc == MC_ECONFLICT || rc == MC_EINVAL) {
			mc_err_clear();
			rc = 0;
		}
	}
	if (rc == 0)
		rc = event(st, actor, &d, "send", note, at);
cleanup:
	for (size_t i = 1; files && i <= n_extra; i++)
		free(files[i].data);
	free(files);
	mc_document_attachment_free_list(extra, n_extra_rows);
	free(xml);
	free(pdf.data);
	mc_document_clear(&d);
	mc_document_clear(&answered);
	mc_document_clear(&replaced);
	mc_xch_message_clear(&received);
	return rc;
}

/* Cancels the copies of d delivered inside the deployment (art. 18): each
 * copy not ended yet goes to "recalled" with a recall event naming the
 * sender and the reason; *n counts them, *before those ended already. */
static int recall_copies(mc_store *st, const mc_time_ctx *tc, const mc_document *d, const char *reason,
			 int64_t at, size_t *n, size_t *before)
{
	const mc_unit *from = mc_time_ctx_unit(tc, d->unit_id);
	char note[700];
	snprintf(note, sizeof note, "Thu hồi bởi %s: %s", from ? from->name : d->organ_name, reason);
	return mc_app_document_copies_end(st, d, MC_DOC_RECALLED, "recall", note, at, n, before);
}

int mc_app_exchange_recall(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			   const char *reason, int64_t at)
{
	mc_document d = {0};
	mc_xch_message *list = NULL;
	size_t n = 0, queued = 0, recalled = 0;
	char *xml = NULL;
	size_t len = 0;
	int rc;
	mc_err_clear();
	if (actor->role != MC_ROLE_DESK)
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "documents are recalled by the clerk");
	rc = load_own(st, tc, actor, id, &d, MC_DOC_OUT);
	if (rc == 0)
		rc = mc_store_xch_of_document(st, &list, &n, id);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const mc_xch_message *s = &list[i];
		if (s->direction != MC_XCH_OUT || s->kind != MC_EDXML_DOCUMENT || s->document_id != id ||
		    s->business == MC_EDXML_BUSINESS_RECALL)
			continue;
		char msgid[300];
		mc_exchange_message_id(msgid, sizeof msgid, s->local_organ_id, id, s->organ_id,
				       MC_EDXML_BUSINESS_RECALL);
		mc_edxml_ref ref = {
		    .organ_id = s->local_organ_id, .code = d.notation, .document_id = s->message_id};
		free(xml);
		xml = NULL;
		rc = build_document(&xml, &len, tc, &d, s->organ_id, msgid, MC_EDXML_BUSINESS_RECALL, &ref,
				    reason, NULL, NULL, 0, at);
		if (rc)
			break;
		mc_xch_message m = {.province_code = d.province_code,
				    .direction = MC_XCH_OUT,
				    .kind = MC_EDXML_DOCUMENT,
				    .organ_id = s->organ_id,
				    .local_organ_id = s->local_organ_id,
				    .message_id = msgid,
				    .document_id = id,
				    .business = MC_EDXML_BUSINESS_RECALL,
				    .ref_message_id = s->message_id,
				    .description = (char *)reason,
				    .package = xml,
				    .state = "pending",
				    .created_at = at};
		rc = mc_store_xch_add(st, &m);
		if (rc == MC_ECONFLICT) {
			/* a recall given up before (the peer refused it) is asked again;
			 * one pending or delivered is enough */
			mc_xch_message prev = {0};
			rc = mc_store_xch_find(st, &prev, MC_XCH_OUT, s->organ_id, s->local_organ_id, msgid);
			if (rc == 0 && strcmp(prev.state, "failed") == 0)
				rc = mc_store_xch_requeue(st, prev.id, xml, at);
			else if (rc == 0) {
				mc_xch_message_clear(&prev);
				recalled++;
				continue;
			}
			mc_xch_message_clear(&prev);
		}
		queued++;
	}
	if (rc == 0 && !queued && recalled)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE, "the document was recalled already");
	/* Its copies inside the deployment are cancelled at once, each with
	 * its event; the sender's recall event says so. */
	size_t copies = 0, recalled_before = 0;
	if (rc == 0)
		rc = recall_copies(st, tc, &d, reason, at, &copies, &recalled_before);
	if (rc == 0 && !queued && !copies && recalled_before)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE,
				"the document's copies were recalled or replaced already");
	else if (rc == 0 && !queued && !copies)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"the document was sent to no unit or peer organisation");
	if (rc == 0)
		rc = event(st, actor, &d, "recall", reason, at);
	free(xml);
	mc_xch_message_free_list(list, n);
	mc_document_clear(&d);
	return rc;
}

/* The final status (02 refused or 06 done) sent already about our copy id,
 * by hand or by its task, into *code; 0 when none was. Nothing is told
 * after it: the sender's record of the copy is closed. */
static int final_sent(mc_store *st, int64_t id, int *code)
{
	mc_xch_message *list = NULL;
	size_t n = 0;
	int rc = mc_store_xch_of_document(st, &list, &n, id);
	*code = 0;
	for (size_t i = 0; rc == 0 && i < n && !*code; i++) {
		if (list[i].direction == MC_XCH_OUT && list[i].kind == MC_EDXML_STATUS &&
		    (list[i].status_code == MC_EDXML_STATUS_REFUSED ||
		     list[i].status_code == MC_EDXML_STATUS_DONE))
			*code = list[i].status_code;
	}
	mc_xch_message_free_list(list, n);
	return rc;
}

int mc_app_exchange_status(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id, int code,
			   const char *description, int64_t at)
{
	mc_document d = {0};
	mc_xch_message in = {0};
	int final = 0;
	int rc;
	mc_err_clear();
	if (actor->role != MC_ROLE_DESK && actor->role != MC_ROLE_LEADER)
		return mc_err_set(MC_EFORBIDDEN, MC_REASON_ROLE, "a status is told by the clerk or a leader");
	if (!mc_edxml_status_name(code))
		return mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "status must be one of 01 to 06");
	rc = load_own(st, tc, actor, id, &d, MC_DOC_IN);
	if (rc == 0) {
		rc = mc_store_xch_received_as(st, &in, id);
		if (rc == MC_ENOTFOUND)
			rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
					"the document did not come by exchange: there is no one to tell");
	}
	if (rc == 0)
		rc = final_sent(st, id, &final);
	if (rc == 0 && final)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_STATE,
				"status %02d %s was told already: nothing is told after it", final,
				mc_edxml_status_title(final));
	const mc_unit *u = rc == 0 ? mc_time_ctx_unit(tc, d.unit_id) : NULL;
	if (rc == 0 && u)
		rc = queue_status(st, u, &in, &d, code,
				  description ? description : mc_edxml_status_title(code), at);
	if (rc == 0) {
		char note[700];
		snprintf(note, sizeof note, "%02d %s%s%s", code, mc_edxml_status_title(code),
			 description ? ": " : "", description ? description : "");
		rc = event(st, actor, &d, "exchange_status", note, at);
	}
	mc_xch_message_clear(&in);
	mc_document_clear(&d);
	return rc;
}

int mc_app_exchange_on_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			   mc_doc_action action, int64_t at)
{
	mc_xch_message in = {0};
	char description[120];
	int code = action == MC_DOC_ACT_REGISTER ? MC_EDXML_STATUS_ACCEPTED
		   : action == MC_DOC_ACT_ASSIGN ? MC_EDXML_STATUS_ASSIGNED
						 : 0;
	(void)actor;
	if (!code || d->box != MC_DOC_IN)
		return 0;
	int rc = mc_store_xch_received_as(st, &in, d->id);
	if (rc == MC_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	const mc_unit *u = mc_time_ctx_unit(tc, d->unit_id);
	if (code == MC_EDXML_STATUS_ACCEPTED)
		snprintf(description, sizeof description, "Đã vào sổ văn bản đến, số đến %lld",
			 (long long)d->number);
	else
		snprintf(description, sizeof description, "Đã phân công xử lý");
	if (u)
		rc = queue_status(st, u, &in, d, code, description, at);
	mc_xch_message_clear(&in);
	return rc;
}

/* Whether status code was sent already about our copy id (by hand or by
 * itself): each of 05 and 06 is told once. */
static int status_sent(mc_store *st, int64_t id, int code, bool *sent)
{
	mc_xch_message *list = NULL;
	size_t n = 0;
	int rc = mc_store_xch_of_document(st, &list, &n, id);
	*sent = false;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (list[i].direction == MC_XCH_OUT && list[i].kind == MC_EDXML_STATUS &&
		    list[i].status_code == code)
			*sent = true;
	}
	mc_xch_message_free_list(list, n);
	return rc;
}

int mc_app_exchange_on_task(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_task *t,
			    int from_state, int64_t at)
{
	mc_document d = {0};
	mc_xch_message in = {0};
	bool sent = false;
	int code = 0;
	int rc = 0;

	if (t->state == MC_TASK_DONE && from_state != MC_TASK_DONE)
		code = MC_EDXML_STATUS_DONE;
	else if (from_state == MC_TASK_ASSIGNED &&
		 (t->state == MC_TASK_IN_PROGRESS || t->state == MC_TASK_PROPOSED_DONE ||
		  t->state == MC_TASK_EXTENSION_REQUESTED))
		code = MC_EDXML_STATUS_PROCESSING;
	if (!code || !t->source_document_id)
		return 0;
	rc = mc_store_document_get(st, &d, t->source_document_id);
	/* Only the task the assignment made speaks for the document: not a
	 * part delegated from it, nor another task naming it as its source. */
	if (rc || d.box != MC_DOC_IN || d.task_id != t->id)
		goto cleanup;
	rc = mc_store_xch_received_as(st, &in, d.id);
	if (rc == MC_ENOTFOUND) {
		rc = 0;
		goto cleanup;
	}
	if (rc == 0)
		rc = status_sent(st, d.id, code, &sent);
	/* nor after a final status told by hand (02 refused, say) */
	if (rc == 0 && !sent) {
		int final = 0;
		rc = final_sent(st, d.id, &final);
		sent = final != 0;
	}
	if (rc || sent)
		goto cleanup;
	const mc_unit *u = mc_time_ctx_unit(tc, d.unit_id);
	const char *description = code == MC_EDXML_STATUS_DONE ? "Đã hoàn thành xử lý" : "Đang xử lý";
	if (u)
		rc = queue_status(st, u, &in, &d, code, description, at);
	if (rc == 0) {
		char note[200];
		snprintf(note, sizeof note, "%02d %s (task %lld)", code, mc_edxml_status_title(code),
			 (long long)t->id);
		rc = event(st, actor, &d, "exchange_status", note, at);
	}
cleanup:
	mc_xch_message_clear(&in);
	mc_document_clear(&d);
	return rc;
}

/* ---- delivery ---- */

typedef struct {
	int64_t now;
	mc_xch_message *due;
	size_t n;
} claim;

static int take(mc_store *st, void *payload)
{
	claim *c = payload;
	mc_xch_message_free_list(c->due, c->n);
	c->due = NULL;
	c->n = 0;
	return mc_store_xch_claim(st, &c->due, &c->n, c->now, 10, 600);
}

typedef struct {
	int64_t id;
	bool ok;
	int64_t at;
	int64_t next_at;
	char error[400];
	const char *signed_package;
} outcome;

static int record(mc_store *st, void *payload)
{
	outcome *o = payload;
	return mc_store_xch_done(st, o->id, o->ok, o->error, o->at, o->next_at, o->signed_package);
}

typedef struct {
	char text[300];
	size_t len;
} answer;

static size_t keep_answer(char *data, size_t size, size_t n, void *arg)
{
	answer *a = arg;
	size_t bytes = size * n, room = sizeof a->text - 1 - a->len;
	size_t take_n = bytes < room ? bytes : room;
	memcpy(a->text + a->len, data, take_n);
	a->len += take_n;
	a->text[a->len] = '\0';
	return bytes;
}

/* Posts xml to url: 0 on 2xx; else *status (0 when no answer) and err. */
static int post(const char *url, const char *xml, size_t len, long *status, char *err, size_t cap)
{
	int rc = MC_ERROR;
	answer a = {.len = 0};
	CURL *c = curl_easy_init();
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/xml; charset=utf-8");
	*status = 0;
	if (!c || !headers) {
		snprintf(err, cap, "could not start curl");
		goto cleanup;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, xml);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (cc != CURLE_OK)
		snprintf(err, cap, "%s: %s", url, curl_easy_strerror(cc));
	else if (*status < 200 || *status >= 300)
		snprintf(err, cap, "%s answered %ld: %s", url, *status, a.text);
	else
		rc = 0;
cleanup:
	curl_slist_free_all(headers);
	if (c)
		curl_easy_cleanup(c);
	return rc;
}

int mc_exchange_deliver(mc_group *g, const mc_exchange *x, int64_t now, int *sent, int *failed)
{
	int ok_count = 0, fail_count = 0, rc = 0;
	if (!x)
		goto done;
	for (int batch = 0; rc == 0 && batch < 5; batch++) {
		claim c = {.now = now};
		rc = mc_group_run(g, take, &c);
		if (rc) {
			mc_xch_message_free_list(c.due, c.n);
			break;
		}
		for (size_t i = 0; i < c.n; i++) {
			const mc_xch_message *m = &c.due[i];
			const peer *p = peer_of(x, m->organ_id);
			char *signed_xml = NULL;
			size_t signed_len = 0;
			long status = 0;
			outcome o = {.id = m->id, .at = mc_now()};
			bool give_up = false;
			if (!p) {
				snprintf(o.error, sizeof o.error, "no peer serves %s any more", m->organ_id);
				give_up = true;
			} else if (mc_xmldsig_sign(&signed_xml, &signed_len, m->package, strlen(m->package),
						   x->key, x->cert) != 0) {
				snprintf(o.error, sizeof o.error, "could not sign the package");
				give_up = true;
			} else {
				o.ok = post(p->url, signed_xml, signed_len, &status, o.error,
					    sizeof o.error) == 0;
				/* the peer read it and refused it: sending it again changes nothing */
				give_up =
				    !o.ok && status >= 400 && status < 500 && status != 408 && status != 429;
			}
			if (o.ok) {
				o.signed_package = signed_xml;
				o.error[0] = '\0';
			} else if (!give_up && m->attempts + 1 < MC_XCH_MAX_ATTEMPTS) {
				int64_t delay = (int64_t)x->retry_seconds
						<< (m->attempts < 7 ? m->attempts : 7);
				o.next_at = o.at + (delay < 3600 ? delay : 3600);
			}
			if (!o.ok)
				fprintf(stderr,
					"motcua: edXML package %lld to %s not delivered (attempt %d): %s\n",
					(long long)m->id, m->organ_id, m->attempts + 1, o.error);
			int wr = mc_group_run(g, record, &o);
			free(signed_xml);
			if (wr != 0 && wr != MC_ENOTFOUND) {
				rc = wr;
				break;
			}
			if (o.ok)
				ok_count++;
			else
				fail_count++;
		}
		size_t got = c.n;
		mc_xch_message_free_list(c.due, c.n);
		if (got < 10)
			break;
	}
done:
	if (sent)
		*sent = ok_count;
	if (failed)
		*failed = fail_count;
	return rc;
}
