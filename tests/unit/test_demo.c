/* Tests for src/demo/demo.c: the demo province loads into a fresh database
 * with the units, procedures and accounts the report describes, and the
 * generated dossiers reach every state through the app layer's rules. */
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
#include "core/code.h"
#include "core/deadline.h"
#include "core/dossier.h"
#include "core/embed.h"
#include "core/mc.h"
#include "demo/demo.h"
#include "store/store.h"

#define PASSWORD "demo-Thanh-Hoa-2017"

typedef struct {
	char dir[512];
	char path[600];
	mc_store *st;
} fixture;

static fixture fx;

static int open_fresh(mc_store **out, const char *name)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", fx.dir, name);
	if (mc_store_open(out, path) != 0)
		return -1;
	return mc_store_migrate(*out);
}

static int group_setup(void **state)
{
	(void)state;
	const char *tmp = getenv("MC_TEST_TMP");
	char cmd[600];
	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmp);
	if (system(cmd) != 0)
		return -1;
	snprintf(fx.dir, sizeof fx.dir, "%s/test_demo.XXXXXX", tmp);
	if (!mkdtemp(fx.dir))
		return -1;
	if (mc_auth_init() != 0)
		return -1;
	if (open_fresh(&fx.st, "demo.db") != 0)
		return -1;
	return mc_demo_load(fx.st, PASSWORD, NULL) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	char cmd[600];
	mc_store_close(fx.st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_embedded(void **state)
{
	(void)state;
	const struct mc_embedded *e = mc_embed_find("data/demo/province.json");
	assert_non_null(e);
	assert_true(e->len > 10000);
	assert_int_equal(e->data[e->len], 0);
}

static void test_units(void **state)
{
	(void)state;
	mc_unit *units = NULL;
	size_t n = 0, province = 0, departments = 0, districts = 0, communes = 0;
	int64_t root = 0;
	assert_int_equal(mc_store_unit_list(fx.st, &units, &n), 0);
	for (size_t i = 0; i < n; i++) {
		const mc_unit *u = &units[i];
		assert_true(mc_unit_code_valid(u->code));
		assert_string_equal(u->province_code, "H56");
		assert_true(u->name[0] && u->address[0] && u->phone[0]);
		if (strcmp(u->level, "province") == 0) {
			province++;
			root = u->id;
			assert_string_equal(u->code, "000.00.00.H56");
			assert_string_equal(u->name, "UBND tỉnh Thanh Hóa");
			assert_int_equal(u->parent_id, 0);
		} else if (strcmp(u->level, "department") == 0) {
			departments++;
			assert_int_equal(u->parent_id, root);
		} else if (strcmp(u->level, "district") == 0) {
			districts++;
			assert_int_equal(u->parent_id, root);
		} else {
			assert_string_equal(u->level, "commune");
			communes++;
			assert_int_not_equal(u->parent_id, root);
		}
	}
	/* Report 6366/BC-UBND: one-stop desks at 29 departments and agencies and
	 * 27 districts, towns and the city. */
	assert_int_equal(province, 1);
	assert_int_equal(departments, 29);
	assert_int_equal(districts, 27);
	assert_int_equal(communes, 635);
	mc_unit_free_list(units, n);

	mc_unit u;
	assert_int_equal(mc_store_unit_by_code(fx.st, &u, "000.00.10.H56"), 0);
	assert_string_equal(u.name, "Sở Tài nguyên và Môi trường");
	mc_unit_clear(&u);
}

static void test_procedures(void **state)
{
	(void)state;
	mc_proc_query q;
	mc_procedure *list = NULL;
	size_t n = 0;
	int64_t total_all = 0, total_active = 0;

	size_t detailed = 0;
	memset(&q, 0, sizeof q);
	q.limit = 200;
	q.include_abolished = true;
	for (;;) {
		assert_int_equal(mc_store_procedure_search(fx.st, &list, &n, &total_all, &q), 0);
		for (size_t i = 0; i < n; i++) {
			mc_procedure p;
			int32_t sum = 0;
			memset(&p, 0, sizeof p);
			assert_int_equal(mc_store_procedure_get(fx.st, &p, list[i].code, true), 0);
			if (p.n_steps == 0) {
				/* A catalogue entry (data/demo/catalogue.json): no steps, but a
				 * statutory time, an online level and a publication history. */
				assert_true(p.duration_hours > 0 && p.duration_hours % 8 == 0);
				assert_true(p.online_level >= 2 && p.online_level <= 4);
				assert_true(p.n_pubs >= 1);
				assert_true(p.name[0] && p.field[0] && p.levels[0]);
				mc_procedure_clear(&p);
				continue;
			}
			detailed++;
			assert_true(p.n_steps >= 2 && p.n_steps <= 5);
			for (size_t s = 0; s < p.n_steps; s++)
				sum += p.steps[s].hours;
			assert_int_equal(sum, p.duration_hours);
			assert_true(p.duration_hours % 4 == 0);
			assert_true(p.n_docs >= 1);
			assert_true(p.n_pubs >= 1);
			assert_true(p.online_level >= 2 && p.online_level <= 4);
			assert_true(p.legal_basis[0] != '\0');
			if (strstr(p.levels, "department"))
				assert_true(p.unit_id != 0);
			mc_procedure_clear(&p);
		}
		mc_procedure_free_list(list, n);
		q.offset += (int)n;
		if (n == 0 || q.offset >= total_all)
			break;
	}
	/* 57 detailed procedures and the catalogue of 6366/BC-UBND's province. */
	assert_int_equal(detailed, 57);
	assert_int_equal(total_all, 57 + 1932);
	q.offset = 0;

	q.include_abolished = false;
	assert_int_equal(mc_store_procedure_search(fx.st, &list, &n, &total_active, &q), 0);
	mc_procedure_free_list(list, n);
	assert_int_equal(total_active, 1853);
	assert_int_equal(total_all - total_active, 136);

	mc_procedure p;
	memset(&p, 0, sizeof p);
	assert_int_equal(mc_store_procedure_get(fx.st, &p, "1.001193", true), 0);
	assert_string_equal(p.name, "Đăng ký khai sinh");
	assert_string_equal(p.field, "Hộ tịch");
	assert_string_equal(p.levels, "commune");
	assert_int_equal(p.duration_hours, 8);
	assert_int_equal(p.cutoff_min, 15 * 60);
	assert_string_equal(p.status, "active");
	mc_procedure_clear(&p);

	/* An inter-level one: received at the commune, decided at the district. */
	assert_int_equal(mc_store_procedure_get(fx.st, &p, "1.003003", true), 0);
	assert_string_equal(p.levels, "commune,district");
	assert_int_equal(p.duration_hours, 30 * 8);
	mc_procedure_clear(&p);
}

static void test_search(void **state)
{
	(void)state;
	mc_proc_query q;
	mc_procedure *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	bool found = false;
	memset(&q, 0, sizeof q);
	q.q = "dang ky khai sinh";
	q.limit = 20;
	assert_int_equal(mc_store_procedure_search(fx.st, &list, &n, &total, &q), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i].code, "1.001193") == 0)
			found = true;
	}
	mc_procedure_free_list(list, n);
	assert_true(found);
}

/* The figures report 6366/BC-UBND states for the first half of 2017, as the
 * store counts them from the demo data (the reform report's sources). */
static void test_reform_figures(void **state)
{
	(void)state;
	int32_t first = mc_days_from_civil(2017, 1, 1), last = mc_days_from_civil(2017, 6, 30);
	mc_pub_counts pc;
	mc_one_stop_count os[4];
	int64_t online[5], in_force = 0;
	mc_unit root, qx;

	assert_int_equal(mc_store_procedure_pub_counts(fx.st, &pc, first, last), 0);
	assert_int_equal(pc.standardised, 26);
	assert_int_equal(pc.published_new, 8);
	assert_int_equal(pc.modified, 54);
	assert_int_equal(pc.abolished, 129);

	assert_int_equal(mc_store_unit_by_code(fx.st, &root, "000.00.00.H56"), 0);
	assert_int_equal(mc_store_unit_one_stop(fx.st, os, root.id, last), 0);
	assert_int_equal(os[1].units, 29);
	assert_int_equal(os[1].one_stop, 29);
	assert_int_equal(os[2].units, 27);
	assert_int_equal(os[2].one_stop, 27);
	assert_int_equal(os[2].electronic, 20);
	assert_int_equal(os[3].units, 635);
	assert_int_equal(os[3].one_stop, 633);
	assert_int_equal(os[3].electronic, 132);
	/* Như Xuân's electronic desk opened in September 2017: 21 by the end of the year. */
	assert_int_equal(mc_store_unit_one_stop(fx.st, os, root.id, mc_days_from_civil(2017, 12, 31)), 0);
	assert_int_equal(os[2].electronic, 21);
	/* A district's subtree: itself and its communes. */
	assert_int_equal(mc_store_unit_by_code(fx.st, &qx, "000.00.33.H56"), 0);
	assert_int_equal(mc_store_unit_one_stop(fx.st, os, qx.id, last), 0);
	assert_int_equal(os[1].units, 0);
	assert_int_equal(os[2].units, 1);
	assert_int_equal(os[3].units, 30);
	mc_unit_clear(&root);
	mc_unit_clear(&qx);

	assert_int_equal(mc_store_procedure_in_force(fx.st, online, &in_force, last), 0);
	assert_int_equal(online[2], 1816);
	assert_int_equal(online[3], 39);
	assert_int_equal(online[4], 3);
	assert_int_equal(in_force, 1858);
	/* Before the period's publications, the abolished ones were in force and
	 * the new ones not yet. */
	assert_int_equal(mc_store_procedure_in_force(fx.st, online, &in_force, first - 1), 0);
	assert_int_equal(in_force, 1858 + 129 - 8 - 26);
}

static void check_user(const char *username, mc_role role, const char *unit_code)
{
	mc_user u;
	char hash[MC_PASSWORD_HASH_MAX];
	assert_int_equal(mc_store_user_by_username(fx.st, &u, hash, sizeof hash, username), 0);
	assert_int_equal(u.role, role);
	assert_true(u.active);
	assert_true(strchr(u.full_name, ' ') != NULL);
	assert_int_equal(mc_auth_verify_password(hash, PASSWORD), 0);
	if (unit_code) {
		mc_unit unit;
		assert_int_equal(mc_store_unit_get(fx.st, &unit, u.unit_id), 0);
		assert_string_equal(unit.code, unit_code);
		mc_unit_clear(&unit);
	} else {
		assert_int_equal(u.unit_id, 0);
	}
	mc_user_clear(&u);
}

static void test_accounts(void **state)
{
	(void)state;
	mc_unit qx;
	assert_int_equal(mc_store_unit_by_code(fx.st, &qx, "000.00.33.H56"), 0);
	assert_string_equal(qx.name, "UBND huyện Quảng Xương");
	check_user("admin", MC_ROLE_ADMIN, "000.00.00.H56");
	check_user("giamsat", MC_ROLE_SUPERVISOR, "000.00.00.H56");
	check_user("tiepnhan", MC_ROLE_DESK, qx.code);
	check_user("chuyenvien", MC_ROLE_SPECIALIST, qx.code);
	check_user("lanhdao", MC_ROLE_LEADER, qx.code);
	check_user("tiepnhan.stnmt", MC_ROLE_DESK, "000.00.10.H56");
	check_user("chuyenvien.stnmt", MC_ROLE_SPECIALIST, "000.00.10.H56");
	check_user("lanhdao.stnmt", MC_ROLE_LEADER, "000.00.10.H56");
	check_user("chutich", MC_ROLE_LEADER,
		   "000.00.00.H56"); /* the Chairman: assigns the directives of 2017 */
	check_user("congdan", MC_ROLE_CITIZEN, NULL);

	mc_user c;
	assert_int_equal(mc_store_user_by_username(fx.st, &c, NULL, 0, "congdan"), 0);
	assert_int_equal(strlen(c.id_number), 12);
	assert_true(c.phone[0] == '0' && c.email[0]);
	mc_user_clear(&c);
	mc_unit_clear(&qx);
}

static void test_load_twice_conflicts(void **state)
{
	(void)state;
	mc_unit *units = NULL;
	size_t before = 0, after = 0;
	assert_int_equal(mc_store_unit_list(fx.st, &units, &before), 0);
	mc_unit_free_list(units, before);
	assert_int_not_equal(mc_demo_load(fx.st, PASSWORD, NULL), 0);
	assert_int_equal(mc_store_unit_list(fx.st, &units, &after), 0);
	mc_unit_free_list(units, after);
	assert_int_equal(before, after);
}

/* Counts of dossiers in each state, and checks every event of every dossier. */
static void survey(mc_store *st, const mc_time_ctx *tc, int64_t counts[11], int64_t *transferred,
		   int64_t *owned, int64_t owner_id, int64_t now)
{
	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	mc_dossier_query q;
	memset(counts, 0, 11 * sizeof counts[0]);
	*transferred = 0;
	*owned = 0;
	memset(&q, 0, sizeof q);
	q.limit = 200;
	for (;;) {
		mc_dossier *list = NULL;
		size_t n = 0;
		int64_t total = 0;
		assert_int_equal(mc_store_dossier_list(st, &list, &n, &total, &q), 0);
		for (size_t i = 0; i < n; i++) {
			const mc_dossier *d = &list[i];
			mc_event *ev = NULL;
			size_t ne = 0;
			bool moved = false;
			assert_true(d->state >= 1 && d->state <= 10);
			counts[d->state]++;
			if (d->owner_id == owner_id)
				(*owned)++;
			assert_int_equal(mc_store_event_list(st, &ev, &ne, d->id), 0);
			assert_true(ne >= 1);
			assert_string_equal(ev[0].action, "create");
			assert_int_equal(ev[ne - 1].to_state, d->state);
			for (size_t k = 0; k < ne; k++) {
				assert_true(ev[k].at <= now);
				if (k > 0) {
					int64_t local = ev[k].at + MC_TZ_OFFSET;
					int minute = (int)(local % 86400 / 60);
					assert_true(ev[k].at > ev[k - 1].at);
					assert_int_equal(ev[k].from_state, ev[k - 1].to_state);
					/* After filing, everything happens in office hours. */
					assert_true(mc_workcal_is_working_day(wc, (int32_t)(local / 86400)));
					assert_true((minute >= 7 * 60 && minute <= 11 * 60 + 30) ||
						    (minute >= 13 * 60 + 30 && minute <= 17 * 60));
				}
				if (strcmp(ev[k].action, "transfer") == 0)
					moved = true;
			}
			if (moved)
				(*transferred)++;
			mc_event_free_list(ev, ne);
		}
		mc_dossier_free_list(list, n);
		q.offset += (int)n;
		if (n == 0 || q.offset >= total)
			break;
	}
}

static void test_dossiers(void **state)
{
	(void)state;
	mc_time_ctx *tc = NULL;
	int64_t from = 0, to = 0, counts[11], transferred = 0, owned = 0, total = 0;
	int64_t late = 0;
	mc_user citizen;

	assert_int_equal(mc_time_parse(&from, "2017-01-03T07:00:00+07:00"), 0);
	assert_int_equal(mc_time_parse(&to, "2017-06-30T17:00:00+07:00"), 0);
	assert_int_equal(mc_time_ctx_load(&tc, fx.st), 0);
	assert_int_equal(mc_store_user_by_username(fx.st, &citizen, NULL, 0, "congdan"), 0);
	assert_int_equal(mc_demo_dossiers(fx.st, tc, 300, 42, from, to, NULL), 0);
	survey(fx.st, tc, counts, &transferred, &owned, citizen.id, to);
	mc_user_clear(&citizen);
	for (int s = 1; s <= 10; s++) {
		if (counts[s] == 0)
			fail_msg("no dossier in state %s", mc_state_name((mc_state)s));
		total += counts[s];
	}
	assert_true(total >= 290 && total <= 300);
	assert_true(transferred > 0);
	assert_true(owned > 0);

	/* Some open dossiers still sit in another unit after a transfer. */
	{
		mc_dossier_query q;
		mc_dossier *list = NULL;
		size_t n = 0;
		int64_t t = 0;
		bool away = false;
		memset(&q, 0, sizeof q);
		q.state = MC_ST_PROCESSING;
		q.limit = 200;
		assert_int_equal(mc_store_dossier_list(fx.st, &list, &n, &t, &q), 0);
		for (size_t i = 0; i < n; i++) {
			if (list[i].current_unit_id != list[i].receiving_unit_id)
				away = true;
		}
		mc_dossier_free_list(list, n);
		assert_true(away);
	}
	/* A share is late: finished after the due time, or open and overdue. */
	{
		mc_dossier_query q;
		memset(&q, 0, sizeof q);
		q.limit = 200;
		for (;;) {
			mc_dossier *list = NULL;
			size_t n = 0;
			int64_t t = 0;
			assert_int_equal(mc_store_dossier_list(fx.st, &list, &n, &t, &q), 0);
			for (size_t i = 0; i < n; i++) {
				const mc_dossier *d = &list[i];
				if (d->due_at && d->finished_at && d->finished_at > d->due_at)
					late++;
			}
			mc_dossier_free_list(list, n);
			q.offset += (int)n;
			if (n == 0 || q.offset >= t)
				break;
		}
		assert_true(late > 0);
	}
	mc_time_ctx_free(tc);
}

/* The same seed on a fresh database gives the same dossiers. */
static void test_dossiers_reproducible(void **state)
{
	(void)state;
	mc_store *a = NULL, *b = NULL;
	mc_time_ctx *ta = NULL, *tb = NULL;
	int64_t from = 0, to = 0, ca[11], cb[11], xa, xb, oa, ob;
	assert_int_equal(mc_time_parse(&from, "2017-03-01T00:00:00+07:00"), 0);
	assert_int_equal(mc_time_parse(&to, "2017-05-31T17:00:00+07:00"), 0);
	assert_int_equal(open_fresh(&a, "a.db"), 0);
	assert_int_equal(open_fresh(&b, "b.db"), 0);
	assert_int_equal(mc_demo_load(a, PASSWORD, NULL), 0);
	assert_int_equal(mc_demo_load(b, PASSWORD, NULL), 0);
	assert_int_equal(mc_time_ctx_load(&ta, a), 0);
	assert_int_equal(mc_time_ctx_load(&tb, b), 0);
	assert_int_equal(mc_demo_dossiers(a, ta, 80, 7, from, to, NULL), 0);
	assert_int_equal(mc_demo_dossiers(b, tb, 80, 7, from, to, NULL), 0);
	survey(a, ta, ca, &xa, &oa, 0, to);
	survey(b, tb, cb, &xb, &ob, 0, to);
	assert_memory_equal(ca, cb, sizeof ca);
	assert_int_equal(xa, xb);

	mc_dossier_query q;
	mc_dossier *la = NULL, *lb = NULL;
	size_t na = 0, nb = 0;
	int64_t t = 0;
	memset(&q, 0, sizeof q);
	q.limit = 200;
	assert_int_equal(mc_store_dossier_list(a, &la, &na, &t, &q), 0);
	assert_int_equal(mc_store_dossier_list(b, &lb, &nb, &t, &q), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(la[i].code, lb[i].code);
		assert_string_equal(la[i].applicant_name, lb[i].applicant_name);
		assert_int_equal(la[i].state, lb[i].state);
		assert_int_equal(la[i].updated_at, lb[i].updated_at);
	}
	mc_dossier_free_list(la, na);
	mc_dossier_free_list(lb, nb);
	mc_time_ctx_free(ta);
	mc_time_ctx_free(tb);
	mc_store_close(a);
	mc_store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_embedded),
	    cmocka_unit_test(test_units),
	    cmocka_unit_test(test_procedures),
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_accounts),
	    cmocka_unit_test(test_reform_figures),
	    cmocka_unit_test(test_load_twice_conflicts),
	    cmocka_unit_test(test_dossiers),
	    cmocka_unit_test(test_dossiers_reproducible),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
