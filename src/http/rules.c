/* The time rules in force (calendar and units, app/time_ctx) and their reload,
 * shared by the workers without locks on the read path. */
#include "http/server_int.h"

#include <stdio.h>
#include <stdlib.h>

void mc_rules_unpin_(tc_slot *s)
{
	if (s)
		atomic_fetch_sub(&s->pins, 1);
}

/* Pins the time rules in force. Lock-free: a reload may replace them between
 * the read and the pin, which is why sweep frees nothing while a request
 * is between the two (tc_entering). */
tc_slot *mc_rules_pin_(mc_server *srv)
{
	atomic_fetch_add(&srv->tc_entering, 1);
	tc_slot *s = atomic_load(&srv->tc);
	atomic_fetch_add(&s->pins, 1);
	atomic_fetch_sub(&srv->tc_entering, 1);
	return s;
}

/* Frees the replaced time rules that no request pins any more; under tc_lock.
 * A request that read srv->tc before it was replaced has pinned what it read
 * once tc_entering is back to 0 (every step is sequentially consistent), so
 * a set seen then with no pin will never get one. */
static void sweep(mc_server *srv)
{
	if (atomic_load(&srv->tc_entering) != 0)
		return; /* the next sweep tries again */
	for (tc_slot **p = &srv->retired; *p;) {
		tc_slot *s = *p;
		if (atomic_load(&s->pins) != 0) {
			p = &s->next;
			continue;
		}
		*p = s->next;
		mc_time_ctx_free(s->tc);
		free(s);
	}
}

int mc_rules_init_(mc_server *srv)
{
	mc_store *st = NULL;
	mc_time_ctx *tc = NULL;
	pthread_mutex_init(&srv->tc_lock, NULL);
	int rc = mc_server_open_store_(&st, srv->cfg.db_url, &srv->cfg);
	if (rc == 0)
		rc = mc_time_ctx_load(&tc, st);
	mc_store_close(st);
	if (rc != 0) {
		fprintf(stderr, "motcua: could not load the calendar and units\n");
		return rc;
	}
	tc_slot *slot = mc_xcalloc(1, sizeof *slot);
	slot->tc = tc;
	atomic_store(&srv->tc, slot);
	atomic_store(&srv->tc_generation, mc_time_ctx_generation(tc));
	return 0;
}

void mc_rules_free_(mc_server *srv)
{
	/* Every thread has stopped: no pin matters any more. */
	tc_slot *current = atomic_load(&srv->tc);
	if (current) {
		current->next = srv->retired;
		srv->retired = current;
		atomic_store(&srv->tc, NULL);
	}
	while (srv->retired) {
		tc_slot *next = srv->retired->next;
		mc_time_ctx_free(srv->retired->tc);
		free(srv->retired);
		srv->retired = next;
	}
	pthread_mutex_destroy(&srv->tc_lock);
}

/* Loads the time rules from st and puts them in force; when only_if_moved,
 * only if the store's generation differs from theirs. Under the lock, so that
 * two reloads at once cannot leave the older load in force. */
int mc_rules_reload_(mc_server *srv, mc_store *st, bool only_if_moved)
{
	int rc = 0;
	mc_time_ctx *fresh = NULL;
	pthread_mutex_lock(&srv->tc_lock);
	if (only_if_moved) {
		int64_t g = 0;
		rc = mc_store_generation(st, &g);
		if (rc != 0 || g == atomic_load(&srv->tc_generation))
			goto done;
	}
	rc = mc_time_ctx_load(&fresh, st);
	if (rc != 0)
		goto done;
	tc_slot *slot = mc_xcalloc(1, sizeof *slot);
	slot->tc = fresh;
	tc_slot *old = atomic_exchange(&srv->tc, slot);
	atomic_store(&srv->tc_generation, mc_time_ctx_generation(fresh));
	old->next = srv->retired;
	srv->retired = old;
done:
	sweep(srv);
	pthread_mutex_unlock(&srv->tc_lock);
	return rc;
}

int mc_server_rules_check(mc_server *srv, mc_store *st)
{
	return mc_rules_reload_(srv, st, true);
}

const mc_time_ctx *mc_req_time(const mc_req *r)
{
	/* Pinning on first use changes nothing a caller can see of the request,
	 * which is never itself const: the cast is sound. */
	mc_req *m = (mc_req *)r;
	if (!m->tc)
		m->tc = mc_rules_pin_(r->w->srv);
	return m->tc->tc;
}

void mc_req_reload_time(mc_req *r)
{
	/* From the primary: the edit has just committed there, a replica may not have it yet. */
	if (mc_rules_reload_(r->w->srv, r->w->primary ? r->w->primary : r->w->store, false) != 0) {
		fprintf(stderr,
			"motcua: could not reload the calendar and units; the previous ones stay in force\n");
		return;
	}
	/* The request reads the new rules from here on; the old ones stay pinned
	 * until it is freed, for what it handed out while it held them. */
	if (r->tc) {
		mc_rules_unpin_(r->tc_before);
		r->tc_before = r->tc;
		r->tc = NULL;
	}
}
