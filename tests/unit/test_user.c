/*
 * test_user.c - app/user.c: who may hold an identity number, how the record
 * of account actions keeps one, and an official's links to the identity
 * provider, recorded and told to the owner.
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

#include "app/user.h"
#include "core/err.h"

#define ISSUER "https://dinhdanh.example.vn"

struct fixture {
	char dir[512];
	char path[600];
	mc_store *st;
	int64_t unit;
	mc_user admin;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int64_t add_user(struct fixture *f, const char *username, int role, const char *id_number,
			const char *email, const char *phone)
{
	mc_user u = {.username = (char *)username,
		     .full_name = "Hoàng Văn Minh",
		     .role = role,
		     .unit_id = role == MC_ROLE_CITIZEN ? 0 : f->unit,
		     .email = (char *)email,
		     .phone = (char *)phone,
		     .id_number = (char *)id_number,
		     .id_number_verified = true,
		     .active = true,
		     .created_at = 1700000000};
	assert_int_equal(mc_store_user_create(f->st, &u, "!"), 0);
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
	snprintf(f->dir, sizeof f->dir, "%s/user-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/motcua.db", f->dir);
	if (mc_store_open(&f->st, f->path) != 0 || mc_store_migrate(f->st) != 0)
		return -1;
	mc_unit u = {.code = "000.00.33.H56",
		     .name = "UBND huyện Quảng Xương",
		     .level = "district",
		     .province_code = "H56"};
	assert_int_equal(mc_store_unit_create(f->st, &u), 0);
	f->unit = u.id;
	f->admin.id = add_user(f, "admin.qx", MC_ROLE_ADMIN, "", "", "");
	f->admin.username = "admin.qx";
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

static void test_number_masked(void **state)
{
	(void)state;
	char out[32];
	mc_app_user_number_masked(out, sizeof out, "038090003579");
	assert_string_equal(out, "*********579");
	mc_app_user_number_masked(out, sizeof out, "123456789");
	assert_string_equal(out, "******789");
	mc_app_user_number_masked(out, sizeof out, "");
	assert_string_equal(out, "");
	mc_app_user_number_masked(out, sizeof out, NULL);
	assert_string_equal(out, "");
	/* never past the buffer */
	mc_app_user_number_masked(out, 5, "038090003579");
	assert_string_equal(out, "****");
}

/* One official per number; a citizen's vouched number is one citizen
 * account's, and may be an official's as well (the same person). */
static void test_number_free(void **state)
{
	struct fixture *f = *state;
	add_user(f, "lanhdao", MC_ROLE_LEADER, "038090003579", "", "");
	add_user(f, "cong.dan", MC_ROLE_CITIZEN, "038190001111", "", "");

	mc_user officer = {.id = 0, .role = MC_ROLE_DESK, .id_number = "038090003579"};
	assert_int_equal(mc_app_user_number_free(f->st, &officer), MC_ECONFLICT);
	mc_err e = {0};
	mc_err_take(&e, MC_ECONFLICT);
	assert_int_equal(e.reason, MC_REASON_DUPLICATE);
	assert_non_null(strstr(e.msg, "official"));
	officer.id_number = "038190001111";
	assert_int_equal(mc_app_user_number_free(f->st, &officer), 0);
	officer.id_number = "";
	assert_int_equal(mc_app_user_number_free(f->st, &officer), 0);

	mc_user citizen = {
	    .id = 0, .role = MC_ROLE_CITIZEN, .id_number = "038190001111", .id_number_verified = true};
	assert_int_equal(mc_app_user_number_free(f->st, &citizen), MC_ECONFLICT);
	citizen.id_number_verified = false; /* its owner's word only: no claim on the number */
	assert_int_equal(mc_app_user_number_free(f->st, &citizen), 0);
	citizen.id_number = "038090003579";
	citizen.id_number_verified = true;
	assert_int_equal(mc_app_user_number_free(f->st, &citizen), 0);
}

/* The actions on user_id, newest first, as "action detail" lines. */
static void actions_of(struct fixture *f, int64_t user_id, char *out, size_t cap)
{
	mc_account_action *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_account_action_query q = {.target_id = user_id, .limit = 50};
	assert_int_equal(mc_store_account_action_list(f->st, &list, &n, &total, &q), 0);
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(list[i].actor_username, "admin.qx");
		o += (size_t)snprintf(out + o, cap - o, "%s %s\n", list[i].action, list[i].detail);
		assert_true(o < cap);
	}
	mc_account_action_free_list(list, n);
}

static void test_link_recorded_and_told(void **state)
{
	struct fixture *f = *state;
	int64_t leader =
	    add_user(f, "lanhdao", MC_ROLE_LEADER, "", "lanhdao.quangxuong@thanhhoa.gov.vn", "0912345605");
	int64_t quiet = add_user(f, "chuyenvien", MC_ROLE_SPECIALIST, "", "", "");
	char got[2048];
	mc_message *m = NULL;
	size_t n = 0;

	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_identity_link(f->st, &f->admin, leader, ISSUER, "ke.tan.cong", 1700000000),
			 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	actions_of(f, leader, got, sizeof got);
	assert_string_equal(got, "identity_link {\"issuer\":\"" ISSUER "\",\"subject\":\"ke.tan.cong\"}\n");
	assert_int_equal(mc_store_outbox_due(f->st, &m, &n, 1700000000, 50), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].channel, "email");
	assert_string_equal(m[0].recipient, "lanhdao.quangxuong@thanhhoa.gov.vn");
	assert_string_equal(m[0].subject,
			    "[motcua] Tài khoản lanhdao đã được liên kết với tài khoản định danh điện tử");
	assert_non_null(strstr(m[0].body, "Hoàng Văn Minh"));
	assert_non_null(strstr(m[0].body, "quản trị viên admin.qx"));
	assert_non_null(strstr(m[0].body, "05 giờ 13 phút ngày 15/11/2023")); /* 1700000000 at UTC+7 */
	assert_string_equal(m[1].channel, "sms");
	assert_string_equal(m[1].recipient, "0912345605");
	assert_non_null(strstr(m[1].body, "admin.qx lien ket voi"));
	assert_non_null(strstr(m[1].body, "05:13 15/11/2023"));
	mc_message_free_list(m, n);

	/* linked elsewhere already: nothing more */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_identity_link(f->st, &f->admin, quiet, ISSUER, "ke.tan.cong", 1700000001),
			 MC_ECONFLICT);
	assert_int_equal(mc_store_rollback(f->st), 0);
	assert_int_equal(mc_app_identity_link(f->st, &f->admin, 999999, ISSUER, "khac", 1700000001),
			 MC_ENOTFOUND);

	/* two links, both removed and recorded, told once */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_identity_link(f->st, &f->admin, leader, ISSUER, "thu.hai", 1700000002), 0);
	assert_int_equal(mc_app_identity_unlink(f->st, &f->admin, leader, ISSUER, 1700000003), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	actions_of(f, leader, got, sizeof got);
	assert_non_null(
	    strstr(got, "identity_unlink {\"issuer\":\"" ISSUER "\",\"subject\":\"ke.tan.cong\"}\n"));
	assert_non_null(strstr(got, "identity_unlink {\"issuer\":\"" ISSUER "\",\"subject\":\"thu.hai\"}\n"));
	assert_int_equal(mc_store_outbox_due(f->st, &m, &n, 1700000003, 50), 0);
	assert_int_equal(n, 6);
	assert_string_equal(m[4].subject,
			    "[motcua] Tài khoản lanhdao đã được gỡ liên kết với tài khoản định danh điện tử");
	assert_non_null(strstr(m[5].body, "go lien ket voi"));
	mc_message_free_list(m, n);
	assert_int_equal(mc_app_identity_unlink(f->st, &f->admin, leader, ISSUER, 1700000004), MC_ENOTFOUND);

	/* an account without e-mail or phone: recorded, no message */
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_identity_link(f->st, &f->admin, quiet, ISSUER, "cv", 1700000005), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	actions_of(f, quiet, got, sizeof got);
	assert_string_equal(got, "identity_link {\"issuer\":\"" ISSUER "\",\"subject\":\"cv\"}\n");
	assert_int_equal(mc_store_outbox_due(f->st, &m, &n, 1700000005, 50), 0);
	assert_int_equal(n, 6);
	mc_message_free_list(m, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_number_masked),
	    cmocka_unit_test_setup_teardown(test_number_free, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_link_recorded_and_told, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
