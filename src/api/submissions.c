/*
 * /api/v1/dossiers/submissions and /api/v1/dossiers/refusals - the desk's
 * view of the online submissions waiting for it, by account, address and
 * time, and the refusal of many of them at once with one reason: how a unit
 * clears its queue of a flood of junk (docs/domain.md §4).
 */
#include "api/api.h"

#include "core/code.h"
#include "core/limits.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

/* How many accounts and addresses the listing counts the submissions of. */
#define GROUPS_TOP 10

static json_t *groups_json(const mc_submission_group *g, size_t n, const char *key_name)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    a, json_pack("{s:s?, s:I, s:o, s:o}", key_name, g[i].key[0] ? g[i].key : NULL, "count",
				 (json_int_t)g[i].count, "first_submitted_at", mc_api_time(g[i].first_at),
				 "last_submitted_at", mc_api_time(g[i].last_at)));
	return a;
}

/* A time of the query (?from=, ?to=), local unless it says otherwise; 0 when absent. */
static int query_time_or_reply(mc_req *r, const char *name, int64_t *out)
{
	const char *v = mc_req_query(r, name);
	*out = 0;
	if (!v)
		return 0;
	if (strlen(v) > 40 || mc_time_parse(out, v) != 0) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY,
				 "%s must be a date or a time (2025-07-01, 2025-07-01T08:00)", name);
		return -1;
	}
	return 0;
}

void mc_api_submissions_list(mc_req *r)
{
	const mc_user *me = mc_req_user(r);
	mc_store *st = mc_req_store(r);
	const mc_time_ctx *tc = mc_req_time(r);
	int64_t limit = 100;
	char peer[MC_FILING_PEER_MAX];
	mc_submission *items = NULL;
	mc_submission_group *accounts = NULL, *addresses = NULL;
	size_t n = 0, n_accounts = 0, n_addresses = 0;
	int64_t total = 0;
	int rc;

	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, MC_SUBMISSION_LIST_MAX) != 0)
		return;
	mc_submission_query q = {.unit_id = me->unit_id, .limit = (int)limit};
	const char *unit = mc_req_query(r, "unit");
	if (unit) {
		mc_unit u;
		rc = mc_store_unit_by_code(st, &u, unit);
		int64_t unit_id = u.id;
		mc_unit_clear(&u);
		if (rc == MC_ENOTFOUND || (rc == 0 && !mc_api_in_scope(r, unit_id))) {
			if (rc == 0)
				mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
						 "unit %s is outside your unit's scope", unit);
			else
				mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", unit);
			return;
		}
		if (rc != 0) {
			mc_reply_error(r, rc, "the unit");
			return;
		}
		q.unit_id = unit_id;
	}
	const char *account = mc_req_query(r, "account");
	bool nobody = false;
	if (account) {
		mc_user u;
		if (strlen(account) > 63 || !mc_text_valid_utf8(account, strlen(account))) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY,
					 "account must be a username (at most 63 bytes of UTF-8)");
			return;
		}
		rc = mc_store_user_by_username(st, &u, NULL, 0, account);
		mc_role role = (mc_role)u.role;
		int64_t user_id = u.id;
		mc_user_clear(&u);
		if (rc != 0 && rc != MC_ENOTFOUND) {
			mc_reply_error(r, rc, "the account");
			return;
		}
		/* An account that does not exist, or an officer's, filed nothing to list. */
		nobody = rc == MC_ENOTFOUND || role != MC_ROLE_CITIZEN;
		q.owner_id = nobody ? 0 : user_id;
	}
	const char *address = mc_req_query(r, "address");
	if (address) {
		mc_app_filing_peer(peer, address);
		if (strlen(address) > 100 || !peer[0]) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "address must be an IP address");
			return;
		}
		q.peer = peer;
	}
	if (query_time_or_reply(r, "from", &q.from) != 0 || query_time_or_reply(r, "to", &q.to) != 0)
		return;
	if (!nobody) {
		rc = mc_store_submission_list(st, &items, &n, &total, &q);
		if (rc == 0)
			rc = mc_store_submission_groups(st, &accounts, &n_accounts, &q, false, GROUPS_TOP);
		if (rc == 0)
			rc = mc_store_submission_groups(st, &addresses, &n_addresses, &q, true, GROUPS_TOP);
		if (rc != 0) {
			mc_reply_error(r, rc, "the submissions");
			goto cleanup;
		}
	}
	json_t *list = json_array();
	int64_t now = mc_now();
	for (size_t i = 0; i < n; i++) {
		const mc_submission *x = &items[i];
		/* Waiting since it was submitted; overdue past one working day
		 * of its unit (app/dossier.h). */
		json_array_append_new(
		    list, json_pack("{s:s, s:{s:s}, s:s, s:o, s:o, s:b, s:o, s:s?, s:s?, s:I}", "code",
				    x->code, "procedure", "code", x->procedure_code, "applicant_name",
				    x->applicant_name, "submitted_at", mc_api_time(x->submitted_at),
				    "waiting_since", mc_api_time(x->submitted_at), "reception_overdue",
				    mc_app_reception_overdue(tc, x->receiving_unit_id, x->submitted_at, now),
				    "receiving_unit", mc_api_unit_ref(tc, x->receiving_unit_id), "account",
				    x->account[0] ? x->account : NULL, "address", x->peer[0] ? x->peer : NULL,
				    "version", (json_int_t)x->version));
	}
	mc_api_log_list_read(r, q.unit_id, n, "submissions");
	mc_reply_json(r, 200,
		      json_pack("{s:o, s:I, s:I, s:o, s:o}", "items", list, "total", (json_int_t)total,
				"limit", (json_int_t)limit, "by_account",
				groups_json(accounts, n_accounts, "account"), "by_address",
				groups_json(addresses, n_addresses, "address")));
cleanup:
	mc_submission_free_list(items, n);
	mc_submission_group_free_list(accounts, n_accounts);
	mc_submission_group_free_list(addresses, n_addresses);
}

typedef struct {
	mc_actor actor;
	const mc_time_ctx *tc;
	const char **codes;
	size_t n;
	const char *note;
	int *found_in; /* per code: 0 refused now, else the state it was found in and left */
	size_t failed; /* the code a failing job stopped at */
	mc_err err;    /* why (core/err.h) */
} refusal_job;

/*
 * One job, so one transaction: every dossier still waiting is refused with
 * the app layer's own action (its rules, its event, its roll-up), one that
 * has left the state submitted since it was listed (received, withdrawn,
 * refused already) is left as it is and reported. Any other failure undoes
 * them all.
 */
static int refuse_write(mc_store *st, void *payload)
{
	refusal_job *j = payload;
	int64_t at = mc_now();
	int rc = 0;

	for (size_t i = 0; i < j->n; i++) {
		mc_dossier d = {0};
		j->failed = i;
		rc = mc_store_dossier_get(st, &d, j->codes[i], false);
		int state = d.state;
		mc_dossier_clear(&d);
		if (rc == MC_ENOTFOUND)
			rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "no dossier has code %s", j->codes[i]);
		if (rc != 0)
			goto cleanup;
		if (state != MC_ST_SUBMITTED) {
			j->found_in[i] = state;
			continue;
		}
		mc_action_req req = {.action = MC_ACT_REFUSE, .note = j->note, .at = at};
		rc = mc_app_dossier_act(st, j->tc, &j->actor, j->codes[i], &req, &d);
		mc_dossier_clear(&d);
		if (rc != 0)
			goto cleanup;
	}
cleanup:
	mc_err_take(&j->err, rc);
	return rc;
}

static void refuse_after(mc_req *r, int rc, void *payload)
{
	refusal_job *j = payload;
	if (rc != 0) {
		/* Which dossier stopped them all, then why (app/dossier.h). */
		mc_err_prefix(mc_err_for(&j->err, rc), "codes[%zu]: ", j->failed);
		mc_reply_err(r, &j->err, "the refusals");
		return;
	}
	json_t *refused = json_array(), *left = json_array();
	for (size_t i = 0; i < j->n; i++) {
		if (!j->found_in[i])
			json_array_append_new(refused, json_string(j->codes[i]));
		else
			json_array_append_new(left, json_pack("{s:s, s:s}", "code", j->codes[i], "state",
							      mc_state_name((mc_state)j->found_in[i])));
	}
	mc_reply_json(r, 200, json_pack("{s:o, s:o}", "refused", refused, "skipped", left));
}

void mc_api_submissions_refuse(mc_req *r)
{
	refusal_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	json_t *codes = NULL;
	mc_field spec[] = {
	    {"codes", MC_F_ARRAY, true, 0, MC_SUBMISSION_LIST_MAX, &codes, 0},
	    {"note", MC_F_TEXT, true, 1, MC_LIMIT_DOSSIER_NOTE, &j->note, 0},
	};
	if (mc_fields_or_reply(r, mc_req_body(r), NULL, spec, MC_ARRAY_LEN(spec)) != 0)
		return;
	j->n = json_array_size(codes);
	if (j->n == 0) {
		mc_reply_problem(r, MC_PROB_INVALID_FIELD, "codes must name 1 to %d dossiers",
				 MC_SUBMISSION_LIST_MAX);
		return;
	}
	j->codes = mc_req_own(r, mc_xcalloc(j->n, sizeof *j->codes));
	j->found_in = mc_req_own(r, mc_xcalloc(j->n, sizeof *j->found_in));
	for (size_t i = 0; i < j->n; i++) {
		const char *code = json_string_value(json_array_get(codes, i));
		mc_code_parts parts;
		if (!code || mc_code_parse(&parts, code) != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_FIELD, "codes[%zu] is not a dossier code", i);
			return;
		}
		for (size_t k = 0; k < i; k++) {
			if (strcmp(j->codes[k], code) == 0) {
				mc_reply_problem(r, MC_PROB_INVALID_FIELD, "codes[%zu] repeats codes[%zu]", i,
						 k);
				return;
			}
		}
		j->codes[i] = code;
	}
	/* Every dossier must exist and have been filed at a unit of the desk's
	 * scope, or nothing is done: a refusal outside the scope is an error of
	 * the request, not one dossier's fate. The write checks the same again
	 * (mc_app_dossier_may) on what it refuses. */
	mc_req_actor(r, &j->actor);
	j->tc = mc_req_time(r);
	for (size_t i = 0; i < j->n; i++) {
		mc_dossier d = {0};
		int rc = mc_store_dossier_get(mc_req_store(r), &d, j->codes[i], false);
		if (rc == MC_ENOTFOUND) {
			mc_reply_problem(r, MC_PROB_NOT_FOUND, "codes[%zu]: no dossier has code %s", i,
					 j->codes[i]);
			return;
		}
		if (rc != 0) {
			mc_reply_error(r, rc, "the dossiers");
			return;
		}
		mc_may may = mc_app_dossier_may(j->tc, &j->actor, &d, MC_ACT_REFUSE);
		mc_dossier_clear(&d);
		if (may == MC_MAY_NOT_SCOPE) {
			mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE,
					 "codes[%zu]: dossier %s was filed at a unit outside your scope", i,
					 j->codes[i]);
			return;
		}
	}
	mc_req_write(r, refuse_write, refuse_after, j);
}
