/*
 * test_filing.c - the filing limits (src/app/filing.c) on a real SQLite
 * store: sliding windows per account and per address, the Retry-After they
 * give, limits switched off, and the client address as a key.
 */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/filing.h"
#include "core/dossier.h"

struct fixture {
	char dir[512];
	char path[600];
	mc_store *st;
	int64_t unit, proc, a, b;
	int dossiers;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int64_t add_citizen(mc_store *st, const char *username)
{
	mc_user u = {0};
	u.username = (char *)username;
	char u_full_name[256];
	snprintf(u_full_name, sizeof u_full_name, "Công dân %s", username);
	u.full_name = u_full_name;
	u.role = MC_ROLE_CITIZEN;
	u.active = true;
	assert_int_equal(mc_store_user_create(st, &u, "$argon2id$not-a-real-hash"), 0);
	return u.id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *base = getenv("MC_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/filing-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/motcua.db", f->dir);
	if (mc_store_open(&f->st, f->path) != 0 || mc_store_migrate(f->st) != 0)
		return -1;
	mc_unit u = {0};
	u.code = "000.00.33.H56";
	u.name = "UBND huyện Quảng Xương";
	u.level = "district";
	u.province_code = "H56";
	assert_int_equal(mc_store_unit_create(f->st, &u), 0);
	f->unit = u.id;
	mc_procedure p = {0};
	p.code = "2.000001";
	p.name = "Thủ tục";
	p.levels = "district";
	p.status = "active";
	p.duration_hours = 40;
	p.online_level = 3;
	assert_int_equal(mc_store_procedure_create(f->st, &p), 0);
	f->proc = p.id;
	f->a = add_citizen(f->st, "congdan-a");
	f->b = add_citizen(f->st, "congdan-b");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	mc_store_close(f->st);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A submission of user from peer at t, recorded as the filing does. */
static void filed(struct fixture *f, int64_t user, const char *peer, int64_t t)
{
	mc_dossier d = {0};
	char code[48];
	snprintf(code, sizeof code, "000.00.33.H56-250701-%06d", ++f->dossiers);
	d.code = mc_xstrdup(code);
	d.procedure_id = f->proc;
	d.receiving_unit_id = f->unit;
	d.current_unit_id = f->unit;
	d.channel = MC_CH_ONLINE;
	d.state = MC_ST_SUBMITTED;
	d.owner_id = user;
	d.submitted_at = t;
	d.updated_at = t;
	d.applicant_name = mc_xstrdup("Nguyễn Văn An");
	assert_int_equal(mc_store_dossier_insert(f->st, &d), 0);
	assert_int_equal(mc_store_filing_record(f->st, d.id, user, peer, t), 0);
	mc_dossier_clear(&d);
}

static void test_account_windows(void **state)
{
	struct fixture *f = *state;
	const mc_filing_limits lim = {.account_per_hour = 3, .account_per_day = 5};
	const int64_t t = 1750000000;
	mc_filing_verdict v;

	/* Three in ten minutes: the fourth must wait until the first is an hour old. */
	filed(f, f->a, "10.0.0.1", t);
	filed(f, f->a, "10.0.0.1", t + 300);
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->a, "10.0.0.1", t + 400, &v), 0);
	assert_false(v.limited);
	filed(f, f->a, "10.0.0.1", t + 600);
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->a, "10.0.0.1", t + 600, &v), 0);
	assert_true(v.limited);
	assert_false(v.by_address);
	assert_false(v.per_day);
	assert_int_equal(v.limit, 3);
	assert_int_equal(v.retry_after, 3000);
	/* One second before the hour, still full; at the hour, free. */
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->a, "10.0.0.1", t + 3599, &v), 0);
	assert_int_equal(v.retry_after, 1);
	assert_int_equal(mc_app_filing_admit(f->st, &lim, f->a, "10.0.0.1", t + 3600, &v), 0);
	assert_false(v.limited);
	/* Another account is not concerned. */
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->b, "10.0.0.1", t + 600, &v), 0);
	assert_false(v.limited);

	/* Two more later: five in the day; the next waits for the first to be a day old. */
	filed(f, f->a, "10.0.0.1", t + 3600);
	filed(f, f->a, "10.0.0.1", t + 7200);
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->a, "10.0.0.1", t + 7300, &v), 0);
	assert_true(v.limited);
	assert_true(v.per_day);
	assert_int_equal(v.limit, 5);
	assert_int_equal(v.retry_after, 86400 - 7300);
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->a, "10.0.0.1", t + 86400, &v), 0);
	assert_false(v.limited);

	/* Both windows full: the longer wait decides. */
	const mc_filing_limits both = {.account_per_hour = 1, .account_per_day = 5};
	assert_int_equal(mc_app_filing_check(f->st, &both, f->a, "10.0.0.1", t + 7300, &v), 0);
	assert_true(v.limited);
	assert_true(v.per_day);
	assert_int_equal(v.retry_after, 86400 - 7300);

	/* 0 is no limit. */
	const mc_filing_limits none = {0};
	assert_int_equal(mc_app_filing_check(f->st, &none, f->a, "10.0.0.1", t + 7300, &v), 0);
	assert_false(v.limited);
	assert_int_equal(v.retry_after, 0);
}

static void test_address_windows(void **state)
{
	struct fixture *f = *state;
	const mc_filing_limits lim = {.account_per_hour = 10, .address_per_hour = 3, .address_per_day = 4};
	const int64_t t = 1750000000;
	mc_filing_verdict v;

	/* Accounts do not matter to the address's count. */
	filed(f, f->a, "10.0.0.1", t);
	filed(f, f->b, "10.0.0.1", t + 60);
	filed(f, f->b, "10.0.0.2", t + 90);
	filed(f, f->a, "10.0.0.1", t + 120);
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->b, "10.0.0.1", t + 180, &v), 0);
	assert_true(v.limited);
	assert_true(v.by_address);
	assert_false(v.per_day);
	assert_int_equal(v.limit, 3);
	assert_int_equal(v.retry_after, 3600 - 180);
	/* The other address has one. */
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->b, "10.0.0.2", t + 180, &v), 0);
	assert_false(v.limited);
	/* An address that could not be told is not counted. */
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->b, "", t + 180, &v), 0);
	assert_false(v.limited);
	/* The fourth of the day, two hours later: the daily limit. */
	filed(f, f->a, "10.0.0.1", t + 7200);
	assert_int_equal(mc_app_filing_check(f->st, &lim, f->b, "10.0.0.1", t + 7300, &v), 0);
	assert_true(v.limited);
	assert_true(v.per_day);
	assert_int_equal(v.retry_after, 86400 - 7300);
}

static void test_peer_key(void **state)
{
	(void)state;
	char k[MC_FILING_PEER_MAX];

	mc_app_filing_peer(k, "127.0.0.1");
	assert_string_equal(k, "127.0.0.1");
	mc_app_filing_peer(k, NULL);
	assert_string_equal(k, "");
	/* Not an address's characters: dropped, never stored as text. */
	mc_app_filing_peer(k, "1.2.3.4'; DROP TABLE x; --\n");
	assert_string_equal(k, "1.2.3.4DROPTABLEx--");
	/* IPv6: a subscriber's /64, whatever address of it is used. */
	mc_app_filing_peer(k, "2001:db8:1:2:aaaa:bbbb:cccc:dddd");
	assert_string_equal(k, "2001:db8:1:2::/64");
	mc_app_filing_peer(k, "2001:db8:1:2::1");
	assert_string_equal(k, "2001:db8:1:2::/64");
	mc_app_filing_peer(k, "2001:DB8:1:2::FFFF");
	assert_string_equal(k, "2001:db8:1:2::/64");
	/* IPv4 mapped into IPv6 is the IPv4 address's own. */
	mc_app_filing_peer(k, "::ffff:10.0.0.1");
	assert_string_equal(k, "::ffff:10.0.0.1");
	/* Bounded. */
	char longest[200];
	memset(longest, 'a', sizeof longest - 1);
	longest[sizeof longest - 1] = '\0';
	mc_app_filing_peer(k, longest);
	assert_int_equal(strlen(k), MC_FILING_PEER_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_account_windows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_address_windows, setup, teardown),
	    cmocka_unit_test(test_peer_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
