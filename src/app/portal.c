#include "app/portal.h"

#include "core/buf.h"
#include "core/dossier.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
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

/*
 * Posts body (JSON text) to url with the bearer token (if any) and the
 * Idempotency-Key (if any). 0 when the portal answered (*status, and *answer
 * its JSON or NULL); MC_EBUSY when it could not be reached, why in err.
 */
static int exchange(const mc_portal_config *cfg, const char *url, const char *bearer, const char *key,
		    const char *body, long *status, json_t **answer, char *err, size_t cap)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	mc_buf got, line;
	long timeout = cfg->timeout > 0 ? cfg->timeout : 30;
	int rc = MC_EBUSY;

	*status = 0;
	*answer = NULL;
	mc_buf_init(&got, ANSWER_MAX);
	mc_buf_init(&line, 8192);
	if (!c) {
		snprintf(err, cap, "could not start curl");
		goto cleanup;
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	if (key && mc_buf_addf(&line, "Idempotency-Key: %s", key) == 0)
		h = curl_slist_append(h, line.data);
	if (bearer && *bearer) {
		line.len = 0;
		if (mc_buf_addf(&line, "Authorization: Bearer %s", bearer) == 0)
			h = curl_slist_append(h, line.data);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		snprintf(err, cap, "portal: %s", curl_easy_strerror(cc));
		goto cleanup;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	*answer = got.len ? json_loadb(got.data, got.len, 0, NULL) : NULL;
	rc = 0;
cleanup:
	curl_slist_free_all(h);
	if (c)
		curl_easy_cleanup(c);
	mc_buf_free(&got);
	mc_buf_free(&line);
	return rc;
}

/* Whether an error_code (a string "00", or a number 0) says success. */
static bool code_ok(const json_t *code)
{
	if (json_is_string(code))
		return strcmp(json_string_value(code), "00") == 0 ||
		       strcmp(json_string_value(code), "0") == 0;
	return json_is_integer(code) && json_integer_value(code) == 0;
}

/* Whether the portal refused the session token: 401, or error_code "401". */
static bool session_refused(long status, const json_t *answer)
{
	const json_t *code = json_object_get(answer, "error_code");

	return status == 401 || (json_is_string(code) && strcmp(json_string_value(code), "401") == 0) ||
	       (json_is_integer(code) && json_integer_value(code) == 401);
}

/*
 * The session token, shared by the delivery thread and the administrators'
 * look-ups: asked for once, kept until the portal refuses it. The lock is held
 * over the sign-in so that one sign-in serves everyone waiting.
 */
static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static char session[1024];

/* Signs in ("LayToken"); the token into session. Called with session_lock held. */
static int sign_in(const mc_portal_config *cfg, char *err, size_t cap)
{
	json_t *req = json_pack("{s:s, s:s}", "username", cfg->username ? cfg->username : "", "password",
				cfg->password ? cfg->password : "");
	char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_t *answer = NULL;
	long status = 0;
	int rc = MC_ERROR;

	json_decref(req);
	if (!text) {
		snprintf(err, cap, "portal login: out of memory");
		goto cleanup;
	}
	rc = exchange(cfg, cfg->login_url, NULL, NULL, text, &status, &answer, err, cap);
	if (rc != 0) {
		char why[256];
		/* err says "portal: <why>" */
		snprintf(why, sizeof why, "%s", strncmp(err, "portal: ", 8) == 0 ? err + 8 : err);
		snprintf(err, cap, "portal login: %s", why);
		goto cleanup;
	}
	rc = MC_ERROR;
	const json_t *token = json_object_get(answer, "session");
	const json_t *code = json_object_get(answer, "error_code");
	if (status < 200 || status >= 300) {
		snprintf(err, cap, "portal login answered %ld", status);
		goto cleanup;
	}
	if ((code && !code_ok(code)) || !json_is_string(token) || !*json_string_value(token) ||
	    strlen(json_string_value(token)) >= sizeof session) {
		snprintf(err, cap, "portal login refused (error_code %.16s, %s)",
			 json_is_string(code)	 ? json_string_value(code)
			 : json_is_integer(code) ? "number"
						 : "none",
			 json_is_string(token) && *json_string_value(token) ? "a session too long"
									    : "no session");
		goto cleanup;
	}
	snprintf(session, sizeof session, "%s", json_string_value(token));
	rc = 0;
cleanup:
	json_decref(answer);
	free(text);
	return rc;
}

/* The token to send into out: the session (signing in if there is none), or
 * the static token; refused (or NULL) = a session the portal refused, to replace. */
static int token_for(const mc_portal_config *cfg, const char *refused, char *out, size_t cap, char *err,
		     size_t errcap)
{
	int rc = 0;

	if (!cfg->login_url || !*cfg->login_url) {
		snprintf(out, cap, "%s", cfg->token ? cfg->token : "");
		return 0;
	}
	pthread_mutex_lock(&session_lock);
	/* Another thread may have replaced the refused token meanwhile. */
	if (refused && strcmp(session, refused) == 0)
		session[0] = '\0';
	if (!session[0])
		rc = sign_in(cfg, err, errcap);
	if (rc == 0)
		snprintf(out, cap, "%s", session);
	pthread_mutex_unlock(&session_lock);
	return rc;
}

/*
 * Posts request (the service's JSON, without the session) to portal_url with
 * the token, signing in again once if the portal refuses the session. 0 when
 * the portal took it (2xx, error_code "00" or none), *answer its JSON; MC_EBUSY
 * when it could not be reached; MC_ERROR otherwise; why in err.
 */
static int call(const mc_portal_config *cfg, const char *key, json_t *request, json_t **answer, char *err,
		size_t cap)
{
	char token[sizeof session];
	char *text = NULL;
	long status = 0;
	int rc = 0;
	bool sessions = cfg->login_url && *cfg->login_url;

	*answer = NULL;
	for (int round = 0; round < 2; round++) {
		rc = token_for(cfg, round ? token : NULL, token, sizeof token, err, cap);
		if (rc != 0)
			goto cleanup;
		if (sessions && json_object_set_new(request, "session", json_string(token)) != 0) {
			rc = MC_ERROR;
			snprintf(err, cap, "could not make the request");
			goto cleanup;
		}
		free(text);
		text = json_dumps(request, JSON_COMPACT);
		if (!text) {
			rc = MC_ERROR;
			snprintf(err, cap, "could not make the request");
			goto cleanup;
		}
		json_decref(*answer);
		rc = exchange(cfg, cfg->url, token, key, text, &status, answer, err, cap);
		if (rc != 0)
			goto cleanup;
		if (!sessions || !session_refused(status, *answer))
			break;
		snprintf(err, cap, "portal refused the session token%s", round ? " of a new login" : "");
	}
	rc = MC_ERROR;
	const json_t *code = json_object_get(*answer, "error_code");
	if (sessions && session_refused(status, *answer)) {
		/* err says so */
	} else if (status < 200 || status >= 300) {
		snprintf(err, cap, "portal answered %ld", status);
	} else if (code && !code_ok(code)) {
		const json_t *msg = json_object_get(*answer, "message");
		snprintf(err, cap, "portal answered error_code %.16s%s%.160s",
			 json_is_string(code) ? json_string_value(code) : "?",
			 json_is_string(msg) ? ": " : "", json_is_string(msg) ? json_string_value(msg) : "");
	} else {
		rc = 0;
	}
cleanup:
	free(text);
	return rc;
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

/* The request for item x of dossier d, or NULL (out of memory). */
static json_t *body_of(mc_store *st, const mc_portal_item *x, const mc_dossier *d)
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

	mc_unit_clear(&receiving);
	mc_unit_clear(&current);
	return j;
}

/* Posts the change; 0 when the portal took it, else why in err. */
static int post(const mc_portal_config *cfg, const char *key, json_t *request, char *err, size_t cap)
{
	json_t *answer = NULL;
	int rc = call(cfg, key, request, &answer, err, cap);

	json_decref(answer);
	return rc;
}

int mc_portal_lookup(const mc_portal_config *cfg, const char *madonvi, const char *code, bool *known,
		     json_t **result, char *err, size_t cap)
{
	json_t *answer = NULL;
	json_t *request = json_pack("{s:s, s:s, s:s}", "service", "TraCuuHoSo", "madonvi",
				    madonvi ? madonvi : "", "MaHoSo", code);
	int rc = MC_EBUSY;

	*known = false;
	if (result)
		*result = NULL;
	if (!cfg->url || !*cfg->url) {
		snprintf(err, cap, "the portal sync is off (portal_url is empty)");
		goto cleanup;
	}
	rc = MC_ERROR;
	if (!request) {
		snprintf(err, cap, "could not make the request");
		goto cleanup;
	}
	rc = call(cfg, NULL, request, &answer, err, cap);
	if (rc != 0)
		goto cleanup;
	json_t *found = json_object_get(answer, "result");
	if (!json_is_object(answer)) {
		rc = MC_ERROR;
		snprintf(err, cap, "portal answered no JSON object");
		goto cleanup;
	}
	if (!json_is_array(found) && !json_is_null(found) && found) {
		rc = MC_ERROR;
		snprintf(err, cap, "portal answered a result that is not a list");
		goto cleanup;
	}
	*known = json_is_array(found) && json_array_size(found) > 0;
	if (result)
		*result = found ? json_incref(found) : json_array();
cleanup:
	json_decref(answer);
	json_decref(request);
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
			json_t *body = NULL;
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
			json_decref(body);
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
