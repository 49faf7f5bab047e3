/* GET /metrics - Prometheus text format: requests by route, method and
 * status, latencies, server events, dossiers by state, overdue dossiers, the
 * outbox and its deliveries, the group committer's batches, the PostgreSQL
 * connections lost and made again, the read replica, which years have an
 * official calendar, and what this binary is. Only for the addresses in
 * metrics_allow or with the metrics_token. The alerts to set on them are in
 * docs/operations.md §8. */
#include "api/api.h"

#include "app/jobs.h"
#include "core/buf.h"
#include "core/version.h"
#include "http/metrics.h"

#include <stdlib.h>
#include <string.h>

/* Batch sizes of the group committer as a histogram: bucket i holds the
 * batches of at most 2^i jobs (store/group.h). */
static int group_text(mc_buf *out, const mc_group_stats *g)
{
	int rc = mc_buf_adds(out, "# HELP motcua_group_commit_batch_size Writes committed together in one "
				  "transaction (group commit).\n"
				  "# TYPE motcua_group_commit_batch_size histogram\n");
	uint64_t cum = 0;
	for (int i = 0; i < MC_GROUP_BATCH_BUCKETS; i++) {
		cum += g->batch_sizes[i];
		rc |= mc_buf_addf(out, "motcua_group_commit_batch_size_bucket{le=\"%llu\"} %llu\n", 1ULL << i,
				  (unsigned long long)cum);
	}
	rc |= mc_buf_addf(
	    out,
	    "motcua_group_commit_batch_size_bucket{le=\"+Inf\"} %llu\n"
	    "motcua_group_commit_batch_size_sum %llu\n"
	    "motcua_group_commit_batch_size_count %llu\n"
	    "# HELP motcua_group_commit_failed_total Batches whose commit failed (each of their "
	    "writes answered 503).\n"
	    "# TYPE motcua_group_commit_failed_total counter\nmotcua_group_commit_failed_total %llu\n"
	    "# HELP motcua_group_commit_set_aside_total Writes set aside from a batch for a row lock "
	    "held by another session.\n"
	    "# TYPE motcua_group_commit_set_aside_total counter\nmotcua_group_commit_set_aside_total "
	    "%llu\n"
	    "# HELP motcua_group_commit_lock_timeouts_total Writes that never got their row lock "
	    "(answered 503).\n"
	    "# TYPE motcua_group_commit_lock_timeouts_total counter\n"
	    "motcua_group_commit_lock_timeouts_total %llu\n"
	    "# HELP motcua_group_commit_reruns_total Batches run again, each write in a savepoint of "
	    "its own, after one of their writes failed.\n"
	    "# TYPE motcua_group_commit_reruns_total counter\nmotcua_group_commit_reruns_total %llu\n",
	    (unsigned long long)cum, (unsigned long long)g->jobs, (unsigned long long)g->batches,
	    (unsigned long long)g->failed_commits, (unsigned long long)g->set_aside,
	    (unsigned long long)g->lock_timeouts, (unsigned long long)g->reruns);
	return rc;
}

static int replica_text(mc_buf *out, const mc_replica_status *rs)
{
	if (!rs->configured)
		return 0;
	return mc_buf_addf(
	    out,
	    "# HELP motcua_replica_up 1 when the read replica (db_read) answered the server's last look.\n"
	    "# TYPE motcua_replica_up gauge\nmotcua_replica_up %d\n"
	    "# HELP motcua_replica_lag_seconds How far the read replica is behind the primary (-1 unknown).\n"
	    "# TYPE motcua_replica_lag_seconds gauge\nmotcua_replica_lag_seconds %.3f\n"
	    "# HELP motcua_replica_reads_from_primary 1 while reads go to the primary because the replica is "
	    "down or lags more than db_read_max_lag.\n"
	    "# TYPE motcua_replica_reads_from_primary gauge\nmotcua_replica_reads_from_primary %d\n"
	    "# HELP motcua_replica_fallbacks_total Times reads moved from the replica to the primary.\n"
	    "# TYPE motcua_replica_fallbacks_total counter\nmotcua_replica_fallbacks_total %llu\n",
	    rs->up ? 1 : 0, rs->lag_seconds, rs->reads_from_primary ? 1 : 0,
	    (unsigned long long)rs->fallbacks);
}

void mc_api_metrics(mc_req *r)
{
	if (!mc_req_may_read_metrics(r)) {
		mc_reply_problem(
		    r, MC_PROB_FORBIDDEN,
		    "/metrics is open to the addresses in metrics_allow or with the metrics_token");
		return;
	}
	int64_t by_state[11], overdue = 0, depth = 0;
	int latest = 0;
	mc_store *st = mc_req_store(r);
	/* The figures read from the database are left out while it does not
	 * answer: the rest (connections lost and made again, the replica, the
	 * requests) is what an operator looks at during the outage. */
	bool db_up =
	    mc_store_gauges(st, by_state, &overdue, mc_now()) == 0 && mc_store_outbox_depth(st, &depth) == 0;
	mc_store_schema_latest(st, &latest);
	uint64_t sent = 0, failed = 0;
	mc_jobs_delivery_counts(&sent, &failed);
	mc_group_stats group;
	mc_req_group_stats(r, &group);
	mc_store_conn_stats conns;
	mc_store_conn_stats_get(&conns);
	mc_replica_status rs;
	mc_req_replica_status(r, &rs);
	int year = 0;
	mc_civil_from_days(mc_local_day(mc_now()), &year, NULL, NULL);
	const mc_workcal *wc = mc_time_ctx_calendar(mc_req_time(r));

	mc_buf out;
	mc_buf_init(&out, 4u << 20);
	int rc = mc_metrics_text(&out, mc_routes, mc_routes_count);
	rc |= mc_buf_addf(&out,
			  "# HELP motcua_build_info This binary: its version, git commit and newest schema.\n"
			  "# TYPE motcua_build_info gauge\n"
			  "motcua_build_info{version=\"%s\",commit=\"%s\",schema=\"%d\"} 1\n",
			  mc_version, mc_commit, latest);
	rc |= mc_buf_addf(
	    &out,
	    "# HELP motcua_personal_reads_lost_total Officers' reads of personal data whose record "
	    "could not be written (the database locked, full or gone); each is said on stderr.\n"
	    "# TYPE motcua_personal_reads_lost_total counter\nmotcua_personal_reads_lost_total %llu\n",
	    (unsigned long long)mc_api_reads_lost());
	rc |= mc_buf_addf(&out,
			  "# HELP motcua_db_up 1 when the database answered the figures below; 0: they are "
			  "left out until it does.\n"
			  "# TYPE motcua_db_up gauge\nmotcua_db_up %d\n",
			  db_up ? 1 : 0);
	if (db_up) {
		rc |= mc_buf_adds(&out, "# HELP motcua_dossiers Dossiers by state (national status code).\n"
					"# TYPE motcua_dossiers gauge\n");
		for (int s = 1; s <= 10; s++)
			rc |= mc_buf_addf(&out, "motcua_dossiers{state=\"%s\",code=\"%d\"} %lld\n",
					  mc_state_name((mc_state)s), s, (long long)by_state[s]);
		rc |=
		    mc_buf_addf(&out,
				"# HELP motcua_dossiers_overdue Open dossiers past their due time by law, "
				"clock running.\n"
				"# TYPE motcua_dossiers_overdue gauge\nmotcua_dossiers_overdue %lld\n"
				"# HELP motcua_outbox_pending Messages to applicants waiting for delivery.\n"
				"# TYPE motcua_outbox_pending gauge\nmotcua_outbox_pending %lld\n",
				(long long)overdue, (long long)depth);
	}
	rc |= mc_buf_addf(
	    &out,
	    "# HELP motcua_outbox_delivered_total Messages to applicants delivered by this server.\n"
	    "# TYPE motcua_outbox_delivered_total counter\nmotcua_outbox_delivered_total %llu\n"
	    "# HELP motcua_outbox_delivery_failures_total Delivery attempts that failed (retried "
	    "later, given up after 8).\n"
	    "# TYPE motcua_outbox_delivery_failures_total counter\n"
	    "motcua_outbox_delivery_failures_total %llu\n"
	    "# HELP motcua_payment_test_provider 1 when fees are paid to the in-process "
	    "test provider, which takes no money (payment_test_provider).\n"
	    "# TYPE motcua_payment_test_provider gauge\nmotcua_payment_test_provider %d\n",
	    (unsigned long long)sent, (unsigned long long)failed,
	    mc_req_config(r)->payment.test_provider ? 1 : 0);
	rc |= group_text(&out, &group);
	/* The national portal's sync (app/portal.h): what this server sent and
	 * failed, and the changes given up, which wait for an administrator. */
	uint64_t portal_sent = 0, portal_failed = 0;
	int64_t portal_dead = 0;
	mc_portal_item *dead = NULL;
	size_t n_dead = 0;
	mc_jobs_portal_counts(&portal_sent, &portal_failed);
	if (mc_store_portal_list(st, &dead, &n_dead, &portal_dead, "dead", 1, 0) != 0)
		portal_dead = -1;
	mc_portal_item_free_list(dead, n_dead);
	rc |= mc_buf_addf(
	    &out,
	    "# HELP motcua_portal_sent_total Dossier changes the national portal took from this server.\n"
	    "# TYPE motcua_portal_sent_total counter\nmotcua_portal_sent_total %llu\n"
	    "# HELP motcua_portal_failures_total Attempts to send a change to the national portal that "
	    "failed.\n"
	    "# TYPE motcua_portal_failures_total counter\nmotcua_portal_failures_total %llu\n"
	    "# HELP motcua_portal_dead Changes for the national portal given up, waiting for an "
	    "administrator's retry (-1: could not be counted).\n"
	    "# TYPE motcua_portal_dead gauge\nmotcua_portal_dead %lld\n",
	    (unsigned long long)portal_sent, (unsigned long long)portal_failed, (long long)portal_dead);
	rc |= mc_buf_addf(
	    &out,
	    "# HELP motcua_db_connections_lost_total PostgreSQL connections found closed or broken.\n"
	    "# TYPE motcua_db_connections_lost_total counter\nmotcua_db_connections_lost_total %llu\n"
	    "# HELP motcua_db_reconnects_total PostgreSQL connections made again after a loss.\n"
	    "# TYPE motcua_db_reconnects_total counter\nmotcua_db_reconnects_total %llu\n"
	    "# HELP motcua_db_reconnect_failures_total Attempts to connect to PostgreSQL again that "
	    "failed.\n"
	    "# TYPE motcua_db_reconnect_failures_total counter\nmotcua_db_reconnect_failures_total "
	    "%llu\n",
	    (unsigned long long)conns.lost, (unsigned long long)conns.reconnected,
	    (unsigned long long)conns.failed);
	rc |= replica_text(&out, &rs);
	/* This year and the next: due times in a year without its official
	 * schedule follow the Labour Code rule until the notice is entered. */
	rc |= mc_buf_addf(
	    &out,
	    "# HELP motcua_calendar_official_schedule 1 when the year's official schedule of days "
	    "off is stored; 0: due times in it follow the Labour Code rule.\n"
	    "# TYPE motcua_calendar_official_schedule gauge\n"
	    "motcua_calendar_official_schedule{year=\"%d\"} %d\n"
	    "motcua_calendar_official_schedule{year=\"%d\"} %d\n",
	    year, mc_workcal_year_is_official(wc, year) ? 1 : 0, year + 1,
	    mc_workcal_year_is_official(wc, year + 1) ? 1 : 0);
	if (rc != 0) {
		mc_buf_free(&out);
		mc_reply_problem(r, MC_PROB_INTERNAL, "the metrics do not fit their buffer");
		return;
	}
	mc_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
	mc_buf_free(&out);
}
