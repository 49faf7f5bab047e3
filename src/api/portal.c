/*
 * portal.c - the national public-service portal's sync seen by the root's
 * administrator (app/portal.h): the queue of dossiers' state changes with
 * their delivery (pending, sent, dead), and the retry of a dead one; and,
 * for any administrator whose scope holds the dossier, the portal's own
 * answer on whether it knows a dossier (TraCuuHoSo).
 */
#include "api/api.h"

#include "app/portal.h"

#include "app/dossier.h"
#include "core/limits.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static json_t *item_json(const mc_portal_item *x)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:i, s:s, s:o, s:s, s:i, s:o, s:o, s:s}", "id",
			 (json_int_t)x->id, "dossier", x->dossier_code, "event_id", (json_int_t)x->event_id,
			 "action", x->action, "state_code", x->state_code, "state",
			 mc_state_name((mc_state)x->state_code), "created_at", mc_api_time(x->created_at),
			 "status", x->status, "attempts", x->attempts, "next_at",
			 strcmp(x->status, "pending") == 0 ? mc_api_time(x->next_at) : json_null(), "sent_at",
			 x->sent_at ? mc_api_time(x->sent_at) : json_null(), "last_error", x->last_error);
}

void mc_api_portal_sync_list(mc_req *r)
{
	int64_t limit = 50, offset = 0;
	const char *status = mc_req_query(r, "status");
	mc_portal_item *items = NULL;
	size_t n = 0;
	int64_t total = 0;

	if (mc_api_root_admin_or_reply(r, "read the national portal's sync") != 0)
		return;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 500) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 10000000) != 0)
		return;
	if (status && strcmp(status, "pending") != 0 && strcmp(status, "sent") != 0 &&
	    strcmp(status, "dead") != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, "status", "choice",
				       "status must be pending, sent or dead");
		return;
	}
	int rc = mc_store_portal_list(mc_req_store(r), &items, &n, &total, status, (int)limit, (int)offset);
	if (rc != 0) {
		mc_reply_error(r, rc, "the national portal's sync");
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, item_json(&items[i]));
	mc_portal_item_free_list(items, n);
	mc_reply_json(r, 200,
		      json_pack("{s:o, s:I, s:I, s:I, s:b}", "items", list, "total", (json_int_t)total,
				"limit", (json_int_t)limit, "offset", (json_int_t)offset, "enabled",
				mc_portal_enabled()));
}

typedef struct {
	int64_t id;
} retry_job;

static int retry_write(mc_store *st, void *payload)
{
	retry_job *j = payload;
	return mc_store_portal_retry(st, j->id, mc_now());
}

static void retry_after(mc_req *r, int rc, void *payload)
{
	retry_job *j = payload;
	if (rc == MC_ENOTFOUND) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no change for the portal has id %lld",
				 (long long)j->id);
		return;
	}
	if (rc == MC_ECONFLICT) {
		mc_reply_problem(r, MC_PROB_NOT_RETRYABLE,
				 "change %lld is not dead: it is pending or was sent", (long long)j->id);
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the retry");
		return;
	}
	mc_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)j->id, "status", "pending"));
}

void mc_api_portal_sync_retry(mc_req *r)
{
	const char *id = mc_req_param(r, 0);
	char *end = NULL;

	if (mc_api_root_admin_or_reply(r, "retry the national portal's sync") != 0)
		return;
	long long v = strtoll(id, &end, 10);
	if (!*id || *end || v <= 0 || strlen(id) > 18) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no change for the portal has id %.40s", id);
		return;
	}
	retry_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->id = v;
	mc_req_write(r, retry_write, retry_after, j);
}

/* ---- GET /api/v1/portal-sync/dossiers/{code}: TraCuuHoSo ------------------ */

/* Longer than any code this server issues; a longer one is not looked up. */
#define LOOKUP_CODE_MAX 64
/* Look-ups under way at once: one per thread of the outbound pool, each
 * held up to twice portal_timeout; more would only wait behind them. */
#define LOOKUPS_MAX MC_OUTBOUND_THREADS

static atomic_int lookups;

typedef struct {
	const mc_portal_config *config; /* the server's, borrowed */
	char code[LOOKUP_CODE_MAX + 1];
	char madonvi[MC_LIMIT_UNIT_CODE + 1];
	bool known;
	json_t *result;
	char why[300];
	mc_dossier read; /* its ids only: the read recorded once the portal answered */
} lookup;

/* On the outbound pool: the portal may take portal_timeout to answer (twice, with a sign-in). */
static int lookup_run(void *payload)
{
	lookup *l = payload;
	return mc_portal_lookup(l->config, l->madonvi, l->code, &l->known, &l->result, l->why, sizeof l->why);
}

static void lookup_after(mc_req *r, int rc, void *payload)
{
	lookup *l = payload;
	json_t *result = l->result;

	atomic_fetch_sub(&lookups, 1);
	l->result = NULL;
	if (rc == MC_EBUSY) {
		json_decref(result);
		mc_reply_header(r, "Retry-After", "60");
		mc_reply_problem(r, MC_PROB_PORTAL_UNAVAILABLE, "the national portal could not be asked: %s",
				 l->why);
		return;
	}
	if (rc != 0) {
		json_decref(result);
		mc_reply_problem(r, MC_PROB_PORTAL_ERROR, "the national portal's answer was refused: %s",
				 l->why);
		return;
	}
	/* The portal's record holds the applicant's name and identity number:
	 * a read of personal data, as the dossier's detail. */
	mc_api_log_read(r, &l->read, 0, "portal");
	mc_reply_json(r, 200,
		      json_pack("{s:s, s:s, s:b, s:o}", "dossier", l->code, "madonvi", l->madonvi, "known",
				l->known, "result", result ? result : json_array()));
}

static bool code_shape(const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n > LOOKUP_CODE_MAX)
		return false;
	for (const char *p = code; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      *p == '.' || *p == '-' || *p == '_'))
			return false;
	}
	return true;
}

void mc_api_portal_lookup(mc_req *r)
{
	const char *code = mc_req_param(r, 0);
	const mc_portal_config *config = &mc_req_config(r)->portal;
	mc_dossier d = {0};

	if (!code_shape(code)) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no dossier has code %.40s%s", code,
				 strlen(code) > 40 ? "..." : "");
		return;
	}
	int rc = mc_store_dossier_get(mc_req_store(r), &d, code, false);
	if (rc != 0) {
		mc_reply_error(r, rc, "the dossier");
		return;
	}
	if (!mc_api_may_see(r, &d)) {
		mc_dossier_clear(&d);
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "the dossier is outside your unit's scope");
		return;
	}
	if (!config->url || !*config->url) {
		mc_dossier_clear(&d);
		mc_reply_problem(r, MC_PROB_PORTAL_OFF,
				 "this server does not sync with the national portal (portal_url is empty)");
		return;
	}
	if (atomic_fetch_add(&lookups, 1) >= LOOKUPS_MAX) {
		atomic_fetch_sub(&lookups, 1);
		mc_dossier_clear(&d);
		mc_reply_header(r, "Retry-After", "1");
		mc_reply_problem(r, MC_PROB_OVERLOADED,
				 "%d look-ups at the national portal are under way; try again shortly",
				 LOOKUPS_MAX);
		return;
	}
	lookup *l = mc_req_own(r, mc_xcalloc(1, sizeof *l));
	const mc_unit *u =
	    mc_time_ctx_unit(mc_req_time(r), d.receiving_unit_id ? d.receiving_unit_id : d.current_unit_id);
	l->config = config;
	snprintf(l->code, sizeof l->code, "%s", d.code);
	snprintf(l->madonvi, sizeof l->madonvi, "%s", u && u->code ? u->code : "");
	l->read = (mc_dossier){.id = d.id,
			       .owner_id = d.owner_id,
			       .current_unit_id = d.current_unit_id,
			       .receiving_unit_id = d.receiving_unit_id};
	mc_dossier_clear(&d);
	if (mc_req_outbound(r, lookup_run, lookup_after, l) != 0) {
		atomic_fetch_sub(&lookups, 1);
		mc_reply_header(r, "Retry-After", "1");
		mc_reply_problem(r, MC_PROB_OVERLOADED,
				 "too many requests are under way; try again in a second");
	}
}
