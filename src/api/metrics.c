/* GET /metrics - Prometheus text format: requests by route and status,
 * latencies, dossiers by state, overdue dossiers, the outbox depth. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

void mc_api_metrics(mc_req *r)
{
	int64_t by_state[11], overdue = 0, depth = 0;
	mc_store *st = mc_req_store(r);
	int rc = mc_store_gauges(st, by_state, &overdue, mc_now());
	if (rc == 0)
		rc = mc_store_outbox_depth(st, &depth);
	if (rc != 0) {
		mc_reply_error(r, rc, "the metrics");
		return;
	}
	char *requests = mc_server_metrics();
	size_t cap = strlen(requests) + 4096;
	char *out = mc_xmalloc(cap);
	size_t len = (size_t)snprintf(out, cap, "%s", requests);
	free(requests);
	len += (size_t)snprintf(out + len, cap - len,
				"# HELP motcua_dossiers Dossiers by state (national status code).\n"
				"# TYPE motcua_dossiers gauge\n");
	for (int s = 1; s <= 10 && len < cap; s++)
		len += (size_t)snprintf(out + len, cap - len, "motcua_dossiers{state=\"%s\",code=\"%d\"} %lld\n",
					mc_state_name((mc_state)s), s, (long long)by_state[s]);
	if (len < cap)
		len += (size_t)snprintf(
		    out + len, cap - len,
		    "# HELP motcua_dossiers_overdue Open dossiers past their due time, clock running.\n"
		    "# TYPE motcua_dossiers_overdue gauge\nmotcua_dossiers_overdue %lld\n"
		    "# HELP motcua_outbox_pending Messages to applicants waiting for delivery.\n"
		    "# TYPE motcua_outbox_pending gauge\nmotcua_outbox_pending %lld\n"
		    "# HELP motcua_payment_test_provider 1 when fees are paid to the in-process "
		    "test provider, which takes no money (payment_test_provider).\n"
		    "# TYPE motcua_payment_test_provider gauge\nmotcua_payment_test_provider %d\n",
		    (long long)overdue, (long long)depth, mc_req_config(r)->payment.test_provider ? 1 : 0);
	mc_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", out, len < cap ? len : cap - 1);
	free(out);
}
