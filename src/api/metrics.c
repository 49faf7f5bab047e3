/* GET /metrics - Prometheus text format: requests by route, method and
 * status, latencies, server events, dossiers by state, overdue dossiers, the
 * outbox depth, the group committer. Only for the addresses in metrics_allow
 * or with the metrics_token. */
#include "api/api.h"

#include "core/buf.h"
#include "http/metrics.h"

#include <stdlib.h>
#include <string.h>

void mc_api_metrics(mc_req *r)
{
	if (!mc_req_may_read_metrics(r)) {
		mc_reply_problem(r, MC_PROB_FORBIDDEN,
				 "/metrics is open to the addresses in metrics_allow or with the metrics_token");
		return;
	}
	int64_t by_state[11], overdue = 0, depth = 0;
	mc_store *st = mc_req_store(r);
	int rc = mc_store_gauges(st, by_state, &overdue, mc_now());
	if (rc == 0)
		rc = mc_store_outbox_depth(st, &depth);
	if (rc != 0) {
		mc_reply_error(r, rc, "the metrics");
		return;
	}
	mc_buf out;
	mc_buf_init(&out, 4u << 20);
	rc = mc_metrics_text(&out, mc_routes, mc_routes_count);
	rc |= mc_buf_adds(&out, "# HELP motcua_dossiers Dossiers by state (national status code).\n"
				"# TYPE motcua_dossiers gauge\n");
	for (int s = 1; s <= 10; s++)
		rc |= mc_buf_addf(&out, "motcua_dossiers{state=\"%s\",code=\"%d\"} %lld\n", mc_state_name((mc_state)s), s,
				  (long long)by_state[s]);
	rc |= mc_buf_addf(&out,
			  "# HELP motcua_dossiers_overdue Open dossiers past their due time by law, clock running.\n"
			  "# TYPE motcua_dossiers_overdue gauge\nmotcua_dossiers_overdue %lld\n"
			  "# HELP motcua_outbox_pending Messages to applicants waiting for delivery.\n"
			  "# TYPE motcua_outbox_pending gauge\nmotcua_outbox_pending %lld\n"
			  "# HELP motcua_payment_test_provider 1 when fees are paid to the in-process "
			  "test provider, which takes no money (payment_test_provider).\n"
			  "# TYPE motcua_payment_test_provider gauge\nmotcua_payment_test_provider %d\n",
			  (long long)overdue, (long long)depth, mc_req_config(r)->payment.test_provider ? 1 : 0);
	if (rc != 0) {
		mc_buf_free(&out);
		mc_reply_problem(r, MC_PROB_INTERNAL, "the metrics do not fit their buffer");
		return;
	}
	mc_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
	mc_buf_free(&out);
}
