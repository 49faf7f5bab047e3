/*
 * app/portal.h - pushing dossiers' state changes to the national
 * public-service portal (Cổng Dịch vụ công quốc gia).
 *
 * Every event that changes a dossier's state queues one item (store.h,
 * mc_store_portal_queue) in the event's own transaction, as the outbox of
 * messages does (app/notify.h), while the sync is on (portal_url set). The
 * delivery thread (app/jobs.h) posts each as JSON over HTTP with libcurl:
 * a service name (DongBoHoSoMC for the dossier's creation,
 * CapNhatTienDoHoSoMC for its progress), the receiving unit's code
 * (madonvi), isUpdating and data; an Idempotency-Key header of "<dossier
 * code>:<event id>" names the change, so that a portal that saw a change
 * before (its answer lost) can recognise it. A 2xx answer whose JSON, if
 * any, has error_code "00" (or 0, or none) is success; anything else fails and is
 * retried after portal_backoff seconds, doubled each time (at most an hour),
 * then after portal_max_attempts failures the item is dead until an
 * administrator retries it. A dossier's changes go in order: one waits while
 * an older one of the same dossier is not sent (pending or dead).
 */
#ifndef MC_APP_PORTAL_H
#define MC_APP_PORTAL_H

#include "store/group.h"
#include "store/store.h"

#include <jansson.h>

typedef struct {
	const char *url;   /* the portal's endpoint; NULL or "" = no sync */
	const char *token; /* sent as "Authorization: Bearer <token>"; NULL or "" = none */
	/* The portal's session sign-in ("LayToken"): with login_url set, a
	 * session token is asked for with username and password, sent in every
	 * request (its "session" field and as the bearer token) instead of token,
	 * and asked for again once when the portal says it expired. */
	const char *login_url;
	const char *username;
	const char *password;
	int max_attempts; /* failures before an item is dead */
	int backoff;	  /* seconds before the first retry, doubled each time */
	int timeout;	  /* seconds a request may take */
} mc_portal_config;

/* Whether state changes are queued (set once at start, before any request). */
void mc_portal_set_enabled(bool on);
bool mc_portal_enabled(void);

/* Queues the change event e made to its dossier, when the sync is on and e
 * changed the state (or created the dossier). In e's transaction. */
int mc_portal_queue_event(mc_store *st, const mc_event *e);

/* The delay before the next attempt after `attempts` failures: backoff,
 * doubled each time, at most an hour. */
int64_t mc_portal_backoff(const mc_portal_config *cfg, int attempts);

/*
 * One delivery pass: claims due items through the group committer, reads
 * each dossier on st (the thread's connection), posts it and records the
 * outcome through the group committer. *sent and *failed (may be NULL) count
 * this pass. Nothing is claimed when cfg->url is empty.
 */
int mc_portal_deliver(mc_store *st, mc_group *g, const mc_portal_config *cfg, int64_t now, int *sent,
		      int *failed);

/*
 * Asks the portal whether it knows the dossier of this code (its service
 * TraCuuHoSo, for the unit madonvi). On 0, *known says whether the portal's
 * answer listed it and *result (caller's, may be NULL) holds the portal's
 * "result" as it answered it. MC_EBUSY: the portal could not be reached (or
 * is not configured); MC_ERROR: it answered, but not with a usable answer;
 * why in err either way.
 */
int mc_portal_lookup(const mc_portal_config *cfg, const char *madonvi, const char *code, bool *known,
		     json_t **result, char *err, size_t cap);

#endif
