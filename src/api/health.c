/*
 * GET /healthz and /readyz - liveness and readiness, kept apart
 * (docs/operations.md §8): a process that answers is alive whatever its
 * database does; it is ready when it can serve: the primary takes a write
 * transaction and is not read-only, the schema is this binary's or newer,
 * and, when ready_max_replica_lag is set, the read replica answers within
 * that lag.
 */
#include "api/api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Liveness: the process answers. The store's state is told, not judged:
 * a database that does not answer is a reason to stop sending requests
 * (/readyz), not to restart the process. */
void mc_api_healthz(mc_req *r)
{
	int version = 0;
	bool store_ok = mc_store_schema_version(mc_req_store(r), &version) == 0;
	/* How fees are paid online, so that monitoring sees a server left on
	 * the test provider, which takes no money (docs/payments.md §4). */
	const mc_payment_config *pc = &mc_req_config(r)->payment;
	const char *payment = pc->test_provider	      ? "test-provider"
			      : pc->url && pc->url[0] ? "provider"
						      : "off";
	json_t *body = json_pack("{s:s, s:s, s:s}", "status", "ok", "store", store_ok ? "ok" : "unavailable",
				 "payment", payment);
	if (store_ok)
		json_object_set_new(body, "schema_version", json_integer(version));
	mc_reply_json(r, 200, body);
}

static void not_ready(mc_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void not_ready(mc_req *r, const char *fmt, ...)
{
	char detail[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	mc_reply_header(r, "Retry-After", "5");
	mc_reply_problem(r, MC_PROB_NOT_READY, "%s", detail);
}

typedef struct {
	int version, latest;
	bool writable;
} ready_job;

/* On the primary, in a write transaction of the group committer: what every
 * write goes through. A database locked by another process, a standby, or a
 * primary made read-only fails here as a write would. */
static int ready_write(mc_store *st, void *payload)
{
	ready_job *j = payload;
	int rc = mc_store_writable(st, &j->writable);
	if (rc == 0)
		rc = mc_store_schema_version(st, &j->version);
	return rc;
}

/* {"state": "streaming" | "lagging" | "down", "lag_seconds", "reads": "replica" | "primary"} */
static json_t *replica_json(const mc_replica_status *rs)
{
	const char *state = !rs->up ? "down" : rs->reads_from_primary ? "lagging" : "streaming";
	json_t *j = json_pack("{s:s, s:s, s:b}", "state", state, "reads",
			      rs->reads_from_primary ? "primary" : "replica", "standby", rs->standby);
	if (rs->lag_seconds >= 0)
		json_object_set_new(j, "lag_seconds", json_real(rs->lag_seconds));
	return j;
}

static void ready_after(mc_req *r, int rc, void *payload)
{
	ready_job *j = payload;
	const mc_server_config *cfg = mc_req_config(r);
	mc_replica_status rs;
	if (rc != 0) {
		not_ready(r, "the database does not take writes (%s)",
			  rc == MC_EBUSY ? "busy, or locked by another process"
					 : "an error, see the server log");
		return;
	}
	if (!j->writable) {
		not_ready(
		    r,
		    "the database is read-only (a standby, a primary made read-only, or a read-only file)");
		return;
	}
	/* A newer schema is the next release's, migrated by its first server in
	 * a rolling upgrade: its migrations are additive (the version-skew
	 * policy, docs/operations.md §9), so this server keeps serving. */
	if (j->version < j->latest) {
		not_ready(r, "the primary database has schema %d, this motcua needs %d", j->version,
			  j->latest);
		return;
	}
	/* Reads go to the primary while the replica is down or lags
	 * (db_read_max_lag), so the node serves; the replica makes it unready
	 * only when the operator asked for it (ready_max_replica_lag). */
	mc_req_replica_status(r, &rs);
	if (rs.configured && cfg->ready_max_replica_lag > 0) {
		if (!rs.up) {
			not_ready(r, "the read replica does not answer (ready_max_replica_lag is set)");
			return;
		}
		if (rs.lag_seconds > cfg->ready_max_replica_lag) {
			not_ready(
			    r, "the read replica lags %.1f s behind the primary (ready_max_replica_lag %d s)",
			    rs.lag_seconds, cfg->ready_max_replica_lag);
			return;
		}
	}
	json_t *body = json_pack("{s:s, s:i, s:s}", "status", "ready", "schema_version", j->version,
				 "primary", "writable");
	if (rs.configured)
		json_object_set_new(body, "replica", replica_json(&rs));
	mc_reply_json(r, 200, body);
}

/* Readiness: a read on this worker's connection, and a write transaction on
 * the primary, with the migrations this binary needs applied. */
void mc_api_readyz(mc_req *r)
{
	ready_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	int version = 0;
	mc_store_schema_latest(mc_req_store(r), &j->latest);
	if (mc_store_schema_version(mc_req_store(r), &version) != 0) {
		not_ready(r, "the database does not answer a read (see the server log)");
		return;
	}
	if (version < j->latest) {
		not_ready(r, "the database has schema %d, this motcua needs %d", version, j->latest);
		return;
	}
	mc_req_write(r, ready_write, ready_after, j);
}
