/* Tests for the bulk path of the demo generator (mc_demo_dossiers_bulk, used
 * by `motcua demo`): with the same seed it writes the same dossiers, documents,
 * events (with the same chained hashes) and payments as the generator that
 * takes every action through the app layer, so its statistics are the same;
 * only the versions (1: written once) and the random payment references
 * differ. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/auth.h"
#include "app/dossier.h"
#include "core/audit.h"
#include "core/mc.h"
#include "demo/demo.h"
#include "store/store.h"

#define COUNT 600
#define SEED 11

typedef struct {
	char dir[512];
	mc_store *app, *bulk;
	mc_time_ctx *tc_app, *tc_bulk;
} fixture;

static fixture fx;

static int open_demo(mc_store **st, mc_time_ctx **tc, const char *name)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", fx.dir, name);
	if (mc_store_open(st, path) != 0 || mc_store_migrate(*st) != 0)
		return -1;
	if (mc_demo_load(*st, "demo-bulk-password", NULL) != 0)
		return -1;
	return mc_time_ctx_load(tc, *st);
}

static int group_setup(void **state)
{
	(void)state;
	const char *tmp = getenv("MC_TEST_TMP");
	char cmd[600];
	int64_t from = 0, to = 0;
	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp);
	if (system(cmd) != 0)
		return -1;
	snprintf(fx.dir, sizeof fx.dir, "%s/test_demo_bulk.XXXXXX", tmp);
	if (!mkdtemp(fx.dir) || mc_auth_init() != 0)
		return -1;
	if (open_demo(&fx.app, &fx.tc_app, "app.db") != 0 || open_demo(&fx.bulk, &fx.tc_bulk, "bulk.db") != 0)
		return -1;
	mc_time_parse(&from, "2017-01-01T00:00");
	mc_time_parse(&to, "2017-12-31T17:00");
	if (mc_demo_dossiers(fx.app, fx.tc_app, COUNT, SEED, from, to, NULL) != 0)
		return -1;
	return mc_demo_dossiers_bulk(fx.bulk, fx.tc_bulk, COUNT, SEED, from, to, NULL) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	char cmd[600];
	mc_time_ctx_free(fx.tc_app);
	mc_time_ctx_free(fx.tc_bulk);
	mc_store_close(fx.app);
	mc_store_close(fx.bulk);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

typedef struct {
	mc_event *ev;
	size_t n, cap;
} event_list;

/* Keeps a copy of each event: the scan lends them for the call only. */
static int collect(const mc_event *e, void *payload)
{
	event_list *l = payload;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->ev = mc_xrealloc(l->ev, l->cap * sizeof *l->ev);
	}
	mc_event *c = &l->ev[l->n++];
	*c = *e;
	c->actor_name = mc_xstrdup(e->actor_name);
	c->action = mc_xstrdup(e->action);
	c->note = mc_xstrdup(e->note);
	return 0;
}

/* The same events, field by field, and both chains hold. */
static void test_same_events(void **state)
{
	(void)state;
	event_list a = {0}, b = {0};
	char prev[MC_AUDIT_HASH_LEN] = "", prev_x[MC_AUDIT_HASH_LEN] = "", h[MC_AUDIT_HASH_LEN];
	int64_t dossier = 0;
	assert_int_equal(mc_store_event_scan(fx.app, collect, &a), 0);
	assert_int_equal(mc_store_event_scan(fx.bulk, collect, &b), 0);
	assert_true(a.n > 3 * COUNT / 2);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		const mc_event *x = &a.ev[i], *y = &b.ev[i];
		assert_int_equal(x->id, y->id);
		assert_int_equal(x->dossier_id, y->dossier_id);
		assert_int_equal(x->at, y->at);
		assert_int_equal(x->actor_id, y->actor_id);
		assert_string_equal(x->actor_name, y->actor_name);
		assert_int_equal(x->unit_id, y->unit_id);
		assert_string_equal(x->action, y->action);
		assert_int_equal(x->from_state, y->from_state);
		assert_int_equal(x->to_state, y->to_state);
		assert_int_equal(x->step, y->step);
		assert_string_equal(x->note, y->note);
		assert_int_equal(x->hash_version, MC_AUDIT_V2);
		assert_int_equal(y->hash_version, MC_AUDIT_V2);
		/* Each event draws its own salt (core/audit.h), so the two logs'
		 * hashes differ: each chain is recomputed from its own salts. */
		if (y->dossier_id != dossier) {
			dossier = y->dossier_id;
			prev[0] = '\0';
			prev_x[0] = '\0';
		}
		char personal[MC_AUDIT_HASH_LEN];
		mc_audit_personal_hash(personal, y->personal_salt, y->actor_name, y->note);
		assert_string_equal(personal, y->personal_hash);
		mc_audit_event_hash_v2(h, prev, y->dossier_id, y->at, y->actor_id, y->unit_id, y->action,
				       y->from_state, y->to_state, y->step, personal);
		assert_string_equal(h, y->hash);
		memcpy(prev, h, sizeof prev);
		mc_audit_personal_hash(personal, x->personal_salt, x->actor_name, x->note);
		assert_string_equal(personal, x->personal_hash);
		mc_audit_event_hash_v2(h, prev_x, x->dossier_id, x->at, x->actor_id, x->unit_id, x->action,
				       x->from_state, x->to_state, x->step, personal);
		assert_string_equal(h, x->hash);
		memcpy(prev_x, h, sizeof prev_x);
	}
	mc_event_free_list(a.ev, a.n);
	mc_event_free_list(b.ev, b.n);
}

/* The strings of a dossier, and the rest of its fields but its documents
 * (their pointers set aside), equal in x and y. */
static void assert_dossier_equal(const mc_dossier *x, const mc_dossier *y)
{
	mc_dossier a, b;
	memcpy(&a, x, sizeof a); /* padding included, as read (zeroed) */
	memcpy(&b, y, sizeof b);
	char **sa[] = {&a.code,
		       &a.province_code,
		       &a.procedure_code,
		       &a.applicant_name,
		       &a.applicant_id_number,
		       &a.applicant_phone,
		       &a.applicant_email,
		       &a.applicant_address,
		       &a.note};
	char **sb[] = {&b.code,
		       &b.province_code,
		       &b.procedure_code,
		       &b.applicant_name,
		       &b.applicant_id_number,
		       &b.applicant_phone,
		       &b.applicant_email,
		       &b.applicant_address,
		       &b.note};
	for (size_t i = 0; i < sizeof sa / sizeof sa[0]; i++) {
		assert_string_equal(*sa[i], *sb[i]);
		*sa[i] = *sb[i] = NULL;
	}
	assert_memory_equal(&a, &b, offsetof(mc_dossier, docs));
}

/* The same dossiers in the same final states, with the same documents. */
static void test_same_dossiers(void **state)
{
	(void)state;
	mc_dossier_query q;
	mc_dossier *list = NULL;
	size_t n = 0, seen = 0;
	int64_t total = 0, by_state[11] = {0};
	memset(&q, 0, sizeof q);
	q.limit = 200;
	for (;;) {
		assert_int_equal(mc_store_dossier_list(fx.app, &list, &n, &total, &q), 0);
		for (size_t i = 0; i < n; i++) {
			mc_dossier x, y;
			assert_int_equal(mc_store_dossier_get(fx.app, &x, list[i].code, true), 0);
			assert_int_equal(mc_store_dossier_get(fx.bulk, &y, list[i].code, true), 0);
			assert_int_equal(y.version, 1);
			assert_true(x.version >= 1);
			x.version = y.version;
			/* every other field, documents included */
			assert_dossier_equal(&x, &y);
			assert_int_equal(x.n_docs, y.n_docs);
			for (size_t k = 0; k < x.n_docs; k++) {
				assert_string_equal(x.docs[k].name, y.docs[k].name);
				assert_string_equal(x.docs[k].kind, y.docs[k].kind);
				assert_int_equal(x.docs[k].seq, y.docs[k].seq);
				assert_int_equal(x.docs[k].originals, y.docs[k].originals);
				assert_int_equal(x.docs[k].copies, y.docs[k].copies);
			}
			by_state[y.state >= 1 && y.state <= 10 ? y.state : 0]++;
			mc_dossier_clear(&x);
			mc_dossier_clear(&y);
		}
		seen += n;
		mc_dossier_free_list(list, n);
		list = NULL;
		q.offset += (int)n;
		if (n == 0 || q.offset >= total)
			break;
	}
	assert_true(seen > COUNT * 9 / 10);
	/* every state occurs */
	for (int s = 1; s <= 10; s++)
		assert_true(by_state[s] > 0);
}

/* The statistics of the year agree row by row. */
static void test_same_stats(void **state)
{
	(void)state;
	mc_stats_query q;
	mc_stats_row *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	const mc_unit *root = mc_time_ctx_root(fx.tc_bulk);
	memset(&q, 0, sizeof q);
	assert_non_null(root);
	q.unit_id = root->id;
	mc_time_parse(&q.from, "2017-01-01T00:00");
	mc_time_parse(&q.to, "2018-01-01T00:00");
	q.at = q.to;
	q.group = MC_STATS_BY_UNIT;
	assert_int_equal(mc_store_stats(fx.app, &a, &na, &q), 0);
	assert_int_equal(mc_store_stats(fx.bulk, &b, &nb, &q), 0);
	assert_int_equal(na, nb);
	assert_true(na > 10);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].unit_id, b[i].unit_id);
		assert_memory_equal(&a[i].c, &b[i].c, sizeof a[i].c);
	}
	mc_stats_row_free_list(a, na);
	mc_stats_row_free_list(b, nb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_events),
	    cmocka_unit_test(test_same_dossiers),
	    cmocka_unit_test(test_same_stats),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
