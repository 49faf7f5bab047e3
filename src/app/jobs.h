/*
 * jobs.h - the server's background work, each on a thread of its own with
 * its own store connection, so that neither requests nor the handling of
 * signals wait on the database or the network:
 *  - delivery of the outbox (e-mail and SMS to applicants) and of the
 *    exchange's (edXML packages to peers, app/exchange.h) every
 *    notify_interval seconds;
 *  - housekeeping: every reload_interval_ms the rules check (units and
 *    calendars edited on another server, see mc_server_rules_check); every
 *    purge_interval seconds the purge of expired sessions; every
 *    personal_purge_interval seconds the retention of personal data
 *    (app/personal.h); and the upkeep of
 *    app/upkeep.h (anchors of the event log, expired uploads, files no row
 *    names). Writes go through the group committer.
 * The CLI starts them beside the server and stops them after it.
 */
#ifndef MC_APP_JOBS_H
#define MC_APP_JOBS_H

#include "app/audit.h"
#include "app/exchange.h"
#include "app/notify.h"
#include "app/personal.h"
#include "app/portal.h"
#include "store/group.h"
#include "store/store.h"

typedef struct mc_jobs mc_jobs;

typedef struct {
	const char *db_url;
	const mc_store_limits *db_limits; /* bounds on waiting of the jobs' connections, or NULL */
	mc_group *group;		  /* writes go through it (borrowed) */
	const mc_notify_config *notify;	  /* borrowed */
	const mc_exchange *exchange;	  /* edXML packages to deliver with the messages; NULL = none */
	mc_portal_config portal;	  /* the national portal's sync; its strings borrowed */
	int notify_interval;		  /* seconds */
	int reload_interval_ms;		  /* 0 = no rules check */
	int purge_interval;		  /* seconds between session purges */
	const mc_audit_config *audit;	  /* anchors of the event log (borrowed) */
	mc_retention retention;		  /* personal data past retention (app/personal.h) ... */
	int personal_purge_interval;	  /* ... purged every this many seconds, 0 = never */
	/* Called on the housekeeping thread's connection every reload_interval_ms. */
	int (*rules_check)(mc_store *st, void *arg);
	void *rules_arg;
} mc_jobs_config;

/* Starts the threads. cfg and what it points to must outlive the jobs.
 * Caller stops with mc_jobs_stop. */
int mc_jobs_start(mc_jobs **out, const mc_jobs_config *cfg);
/* Stops the threads (a delivery under way finishes first) and anchors what
 * changed since the last anchor; call before the group committer stops.
 * NULL-safe. */
void mc_jobs_stop(mc_jobs *j);
/* Frees the jobs, after the group committer has stopped. NULL-safe. */
void mc_jobs_free(mc_jobs *j);

/* Messages to applicants delivered, and delivery attempts that failed (each
 * retried later, or given up after MC_NOTIFY_MAX_ATTEMPTS), by the jobs of
 * this process since it started; for /metrics. */
void mc_jobs_delivery_counts(uint64_t *sent, uint64_t *failed);
/* The same for changes pushed to the national portal (app/portal.h). */
void mc_jobs_portal_counts(uint64_t *sent, uint64_t *failed);

/* One application of the retention r at now, through the group committer
 * (at most 1000 dossiers a call); *rep says what it did. */
int mc_jobs_purge_personal(mc_group *g, const mc_retention *r, int64_t now, mc_personal_purge_report *rep);

/* One purge of expired sessions at now, through the group committer. */
int mc_jobs_purge_sessions(mc_group *g, int64_t now);

#endif
