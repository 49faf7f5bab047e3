#include "app/portal.h"

#include "core/buf.h"
#include "core/dossier.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLAIM_BATCH 10
#define BATCHES 5
/* Longer than a batch can take: CLAIM_BATCH requests of at most portal_timeout. */
#define LEASE_MIN 600
#define ANSWER_MAX 65536

static atomic_bool enabled;

void mc_portal_set_enabled(bool on)
{
	atomic_store(&enabled, on);
}

bool mc_portal_enabled(void)
{
	return atomic_load(&enabled);
}

int mc_portal_queue_event(mc_store *st, const mc_event *e)
{
	bool creates = e->action && strcmp(e->action, "create") == 0;

	if (!mc_portal_enabled() || (!creates && e->from_state == e->to_state))
		return 0;
	return mc_store_portal_queue(st, e->dossier_id, e->hash, e->action, e->to_state, e->at);
}

int64_t mc_portal_backoff(const mc_portal_config *cfg, int attempts)
{
	int64_t delay = cfg->backoff > 0 ? cfg->backoff : 60;

	for (int i = 1; i < attempts && delay < 3600; i++)
		delay *= 2;
	return delay > 3600 ? 3600 : delay;
}

/* ---- one request ------------------------------------------------------ */

static size_t keep_cb(char *buf, size_t size, size_t nmemb, void *arg)
{
	mc_buf *b = arg;
	size_t n = size * nmemb;

	/* Past ANSWER_MAX the rest is dropped (then no JSON: judged by the status). */
	if (b->len + n < ANSWER_MAX && mc_buf_add(b, buf, n) != 0)
		return 0;
	return n;
}

static json_t *time_or_null(int64_t t)
{
	char iso[40];

	if (!t)
		return json_null();
	mc_time_format(iso, sizeof iso, t);
	return json_string(iso);
}

static const char *unit_code(mc_store *st, int64_t id, mc_unit *u)
{
	memset(u, 0, sizeof *u);
	if (!id || mc_store_unit_get(st, u, id) != 0)
		return "";
	return u->code ? u->code : "";
}

/* The request's body for item x of dossier d, or NULL (out of memory). */
static char *body_of(mc_store *st, const mc_portal_item *x, const mc_dossier *d)
{
	mc_unit receiving, current;
	bool creates = strcmp(x->action, "create") == 0;
	const char *madonvi =
	    unit_code(st, d->receiving_unit_id ? d->receiving_unit_id : d->current_unit_id, &receiving);
	json_t *data = json_pack(
	    "{s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:{s:s, s:s}}", "MaHoSo",
	    x->dossier_code, "event_id", (json_int_t)x->event_id, "action", x->action, "MaTTHC",
	    d->procedure_code ? d->procedure_code : "", "MaDonViTiepNhan", madonvi, "MaDonViXuLy",
	    unit_code(st, d->current_unit_id, &current), "TrangThaiHoSo", x->state_code, "TenTrangThai",
	    mc_state_name((mc_state)x->state_code), "KenhThucHien", mc_channel_name((mc_channel)d->channel),
	    "NgayTiepNhan", time_or_null(d->received_at), "NgayHenTra", time_or_null(d->due_at),
	    "NgayKetThucXuLy", time_or_null(d->finished_at), "NgayCapNhat", time_or_null(x->created_at),
	    "ChuHoSo", "HoTen", d->applicant_name ? d->applicant_name : "", "SoGiayTo",
	    d->applicant_id_number ? d->applicant_id_number : "");
	json_t *j =
	    json_pack("{s:s, s:s, s:b, s:o}", "service", creates ? "DongBoHoSoMC" : "CapNhatTienDoHoSoMC",
		      "madonvi", madonvi, "isUpdating", !creates, "data", data);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	mc_unit_clear(&receiving);
	mc_unit_clear(&current);
	return text;
}

/* Posts body; 0 when the portal took it, else MC_ERROR with why in err. */
static int post(const mc_portal_config *cfg, const char *key, const char *body, char *err, size_t cap)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	mc_buf answer, line;
	long status = 0;
	int rc = MC_ERROR;

	mc_buf_init(&answer, ANSWER_MAX);
	mc_buf_init(&line, 8192);
	if (!c) {
		snprintf(err, cap, "could not start curl");
		goto cleanup;
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	if (mc_buf_addf(&line, "Idempotency-Key: %s", key) == 0)
		h = curl_slist_append(h, line.data);
	if (cfg->token && *cfg->token) {
		line.len = 0;
		if (mc_buf_addf(&line, "Authorization: Bearer %s", cfg->token) == 0)
			h = curl_slist_append(h, line.data);
	}
	curl_easy_setopt(c, CURLOPT_URL, cfg->url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(cfg->timeout > 0 ? cfg->timeout : 30));
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(cfg->timeout > 0 ? cfg->timeout : 30));
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK) {
		snprintf(err, cap, "portal: %s", curl_easy_strerror(cc));
		goto cleanup;
	}
	if (status < 200 || status >= 300) {
		snprintf(err, cap, "portal answered %ld", status);
		goto cleanup;
	}
	json_t *j = answer.len ? json_loadb(answer.data, answer.len, 0, NULL) : NULL;
	json_t *code = json_object_get(j, "error_code");
	if (code && !(json_is_string(code) && strcmp(json_string_value(code), "00") == 0)) {
		json_t *msg = json_object_get(j, "message");
		snprintf(err, cap, "portal answered error_code %.16s%s%.160s",
			 json_is_string(code) ? json_string_value(code) : "?",
			 json_is_string(msg) ? ": " : "", json_is_string(msg) ? json_string_value(msg) : "");
	} else {
		rc = 0;
	}
	json_decref(j);
cleanup:
	curl_slist_free_all(h);
	if (c)
		curl_easy_cleanup(c);
	mc_buf_free(&answer);
	mc_buf_free(&line);
	return rc;
}

/* ---- the pass ------------------------------------------------------------ */

typedef struct {
	mc_portal_item *due;
	size_t n;
	int64_t now, lease;
} claim;

static int take(mc_store *st, void *arg)
{
	claim *c = arg;

	/* The group committer may run a job again after a failed batch. */
	mc_portal_item_free_list(c->due, c->n);
	c->due = NULL;
	c->n = 0;
	return mc_store_portal_claim(st, &c->due, &c->n, c->now, CLAIM_BATCH, c->lease);
}

typedef struct {
	int64_t id;
	bool ok, dead;
	char error[256];
	int64_t at, next_at;
} outcome;

static int record(mc_store *st, void *arg)
{
	outcome *o = arg;
	return mc_store_portal_done(st, o->id, o->ok, o->dead, o->error, o->at, o->next_at);
}

int mc_portal_deliver(mc_store *st, mc_group *g, const mc_portal_config *cfg, int64_t now, int *sent,
		      int *failed)
{
	int ok_count = 0, fail_count = 0, rc = 0;
	int max = cfg->max_attempts > 0 ? cfg->max_attempts : 8;
	int64_t lease = (int64_t)CLAIM_BATCH * (cfg->timeout > 0 ? cfg->timeout : 30) * 2;

	if (!cfg->url || !*cfg->url)
		goto done;
	for (int batch = 0; rc == 0 && batch < BATCHES; batch++) {
		claim c = {.now = now, .lease = lease > LEASE_MIN ? lease : LEASE_MIN};
		rc = mc_group_run(g, take, &c);
		if (rc != 0) {
			mc_portal_item_free_list(c.due, c.n);
			break;
		}
		for (size_t i = 0; i < c.n; i++) {
			const mc_portal_item *x = &c.due[i];
			outcome o = {.id = x->id};
			mc_dossier d = {0};
			char key[160];
			char *body = NULL;
			int gr = mc_store_dossier_get(st, &d, x->dossier_code, false);

			if (gr == 0)
				body = body_of(st, x, &d);
			snprintf(key, sizeof key, "%s:%lld", x->dossier_code, (long long)x->event_id);
			if (gr != 0)
				snprintf(o.error, sizeof o.error, "could not read the dossier (%d)", gr);
			else if (!body)
				snprintf(o.error, sizeof o.error, "could not make the request");
			o.ok = body && post(cfg, key, body, o.error, sizeof o.error) == 0;
			o.at = mc_now();
			if (!o.ok) {
				o.dead = x->attempts + 1 >= max;
				o.next_at = o.at + mc_portal_backoff(cfg, x->attempts + 1);
				fprintf(stderr,
					"motcua: change %s of dossier %s not taken by the portal (attempt "
					"%d%s): %s\n",
					key + strlen(x->dossier_code) + 1, x->dossier_code, x->attempts + 1,
					o.dead ? ", given up until an administrator retries it" : "",
					o.error);
			}
			free(body);
			mc_dossier_clear(&d);
			int wr = mc_group_run(g, record, &o);
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
		mc_portal_item_free_list(c.due, c.n);
		/* Items that waited behind one sent in this batch are due now. */
		if (got == 0)
			break;
	}
done:
	if (sent)
		*sent = ok_count;
	if (failed)
		*failed = fail_count;
	return rc;
}
