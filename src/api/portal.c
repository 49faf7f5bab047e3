/*
 * portal.c - the national public-service portal's sync seen by the root's
 * administrator (app/portal.h): the queue of dossiers' state changes with
 * their delivery (pending, sent, dead), and the retry of a dead one.
 */
#include "api/api.h"

#include "app/portal.h"

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
