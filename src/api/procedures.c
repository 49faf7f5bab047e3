/* /api/v1/procedures - the catalogue of administrative procedures. */
#include "api/api.h"

#include <string.h>

void mc_api_procedures_list(mc_req *r)
{
	int64_t limit = 20, offset = 0, online_level = 0;
	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 200) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 1000000) != 0 ||
	    mc_api_query_int_or_reply(r, "online_level", &online_level, 0, 4) != 0)
		return;
	mc_proc_query q = {0};
	q.q = mc_req_query(r, "q");
	q.field = mc_req_query(r, "field");
	q.level = mc_req_query(r, "level");
	q.online_level = (int)online_level;
	q.limit = (int)limit;
	q.offset = (int)offset;
	if (q.q && strlen(q.q) > 200) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "q is limited to 200 bytes");
		return;
	}
	const char *unit = mc_req_query(r, "unit");
	if (unit) {
		mc_unit u;
		int rc = mc_store_unit_by_code(mc_req_store(r), &u, unit);
		if (rc != 0) {
			mc_reply_problem(r, MC_PROB_INVALID_QUERY, "no unit has code %s", unit);
			return;
		}
		q.unit_id = u.id;
	}
	mc_procedure *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	int rc = mc_store_procedure_search(mc_req_store(r), &list, &n, &total, &q);
	if (rc == MC_EINVAL) {
		mc_reply_problem(r, MC_PROB_INVALID_QUERY, "q must be valid UTF-8 text");
		return;
	}
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure search");
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, mc_api_procedure_json(&list[i], false));
	mc_procedure_free_list(list, n);
	mc_reply_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "limit",
					(json_int_t)limit, "offset", (json_int_t)offset));
}

void mc_api_procedure_get(mc_req *r)
{
	mc_procedure p = {0};
	int rc = mc_store_procedure_get(mc_req_store(r), &p, mc_req_param(r, 0), true);
	if (rc != 0) {
		mc_reply_error(r, rc, "the procedure");
		return;
	}
	json_t *j = mc_api_procedure_json(&p, true);
	if (p.unit_id)
		json_object_set_new(j, "unit", mc_api_unit_ref(mc_req_time(r), p.unit_id));
	mc_procedure_clear(&p);
	mc_reply_json(r, 200, j);
}
