/*
 * test_app_dossier.c - the life of a dossier (src/app/dossier.c) on a real
 * SQLite store: codes, due times at reception, the clock paused for a
 * supplement, restart, roles, ownership, stale versions and transfers.
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

#include "app/dossier.h"
#include "app/payment.h"
#include "core/err.h"

struct fixture {
	char dir[512];
	char path[600];
	mc_store *st;
	mc_time_ctx *tc;
	int64_t district, dept;
	mc_actor desk, specialist, leader, citizen, other_citizen;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int64_t add_unit(mc_store *st, int64_t parent, const char *code, const char *level)
{
	mc_unit u = {0};
	u.parent_id = parent;
	u.code = (char *)code;
	char u_name[256];
	snprintf(u_name, sizeof u_name, "Đơn vị %s", code);
	u.name = u_name;
	u.level = (char *)level;
	u.province_code = "H56";
	assert_int_equal(mc_store_unit_create(st, &u), 0);
	return u.id;
}

static void add_procedure(mc_store *st, const char *code, int hours, bool restart, int cutoff_min)
{
	mc_procedure p = {0};
	mc_proc_step steps[2] = {{1, "Tiếp nhận", "desk", "district", 8},
				 {2, "Thẩm định", "specialist", "district", 0}};
	steps[1].hours = hours - 8;
	p.code = (char *)code;
	char p_name[256];
	snprintf(p_name, sizeof p_name, "Thủ tục %s", code);
	p.name = p_name;
	p.field = "Xây dựng";
	p.levels = "district";
	p.status = "active";
	p.duration_hours = hours;
	p.cutoff_min = cutoff_min;
	p.restart_on_supplement = restart;
	p.online_level = 3;
	p.steps = steps;
	p.n_steps = 2;
	assert_int_equal(mc_store_procedure_create(st, &p), 0);
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
	snprintf(f->dir, sizeof f->dir, "%s/app-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/motcua.db", f->dir);
	if (mc_store_open(&f->st, f->path) != 0 || mc_store_migrate(f->st) != 0)
		return -1;
	int64_t root = add_unit(f->st, 0, "000.00.00.H56", "province");
	f->district = add_unit(f->st, root, "000.00.33.H56", "district");
	f->dept = add_unit(f->st, root, "000.00.10.H56", "department");
	add_procedure(f->st, "2.000001", 40, false, -1);
	add_procedure(f->st, "2.000002", 40, true, -1);
	add_procedure(f->st, "2.000003", 16, false, 15 * 60);
	add_procedure(f->st, "2.000004", 16, false, -1);
	{
		/* A level 2 service: information online, filing at the desk only. */
		mc_procedure p = {0};
		assert_int_equal(mc_store_procedure_get(f->st, &p, "2.000004", true), 0);
		p.online_level = 2;
		assert_int_equal(mc_store_procedure_update(f->st, &p), 0);
		mc_procedure_clear(&p);
	}
	if (mc_time_ctx_load(&f->tc, f->st) != 0)
		return -1;
	f->desk = (mc_actor){.user_id = 0, .role = MC_ROLE_DESK, .unit_id = f->district, .name = "Tiếp nhận"};
	f->specialist = (mc_actor){.role = MC_ROLE_SPECIALIST, .unit_id = f->district, .name = "Chuyên viên"};
	f->leader = (mc_actor){.role = MC_ROLE_LEADER, .unit_id = f->district, .name = "Lãnh đạo"};
	f->citizen = (mc_actor){.user_id = add_citizen(f->st, "congdan"), .role = MC_ROLE_CITIZEN};
	f->other_citizen = (mc_actor){.user_id = add_citizen(f->st, "khac"), .role = MC_ROLE_CITIZEN};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	mc_time_ctx_free(f->tc);
	mc_store_close(f->st);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static int64_t at(const char *local)
{
	int64_t t = 0;
	assert_int_equal(mc_time_parse(&t, local), 0);
	return t;
}

static void create(struct fixture *f, mc_dossier *out, const mc_actor *actor, const char *proc, mc_channel ch,
		   const char *when)
{
	mc_dossier_new in = {.procedure_code = proc,
			     .channel = ch,
			     .unit_id = f->district,
			     .applicant_name = "Nguyễn Văn An",
			     .applicant_id_number = "038090001234",
			     .at = at(when)};
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, actor, &in, out), 0);
}

static int act(struct fixture *f, mc_dossier *out, const mc_actor *actor, const char *code, mc_action a,
	       const char *note, const char *when)
{
	mc_action_req req = {.action = a, .note = note, .at = at(when)};
	return mc_app_dossier_act(f->st, f->tc, actor, code, &req, out);
}

/* The answer to a supplement request: with one document, what was asked for. */
static int supplement(struct fixture *f, mc_dossier *out, const mc_actor *actor, const char *code,
		      const char *when)
{
	mc_dossier_doc doc = {.name = "Bản sao giấy tờ còn thiếu", .originals = 1};
	mc_action_req req = {.action = MC_ACT_SUPPLEMENT, .docs = &doc, .n_docs = 1, .at = at(when)};
	return mc_app_dossier_act(f->st, f->tc, actor, code, &req, out);
}

static void test_desk_filing_sets_code_and_due(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, e = {0};
	/* Wednesday 1 March 2017, 08:00: 40 working hours end Wednesday 8 March, 08:00. */
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_string_equal(d.code, "000.00.33.H56-170301-0001");
	assert_int_equal(d.state, MC_ST_RECEIVED);
	assert_int_equal(d.received_at, at("2017-03-01T08:00"));
	assert_int_equal(d.due_at, at("2017-03-08T08:00"));
	assert_int_equal(d.version, 1);
	/* The sequence runs per unit and day. */
	create(f, &e, &f->desk, "2.000001", MC_CH_POSTAL, "2017-03-01T09:00");
	assert_string_equal(e.code, "000.00.33.H56-170301-0002");
	mc_dossier_clear(&e);
	create(f, &e, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-02T09:00");
	assert_string_equal(e.code, "000.00.33.H56-170302-0001");
	mc_dossier_clear(&e);
	mc_event *ev = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_event_list(f->st, &ev, &n, d.id), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].action, "create");
	assert_int_equal(ev[0].to_state, MC_ST_RECEIVED);
	mc_event_free_list(ev, n);
	mc_dossier_clear(&d);
}

static void test_cutoff_hour(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	/* After the 15:00 cut-off the day does not count: 16 hours from Thursday
	 * morning end with Friday's office hours. */
	create(f, &d, &f->desk, "2.000003", MC_CH_DIRECT, "2017-03-01T15:30");
	assert_int_equal(d.due_at, at("2017-03-03T17:00"));
	mc_dossier_clear(&d);
}

static void test_online_filing_waits_for_the_desk(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0};
	create(f, &d, &f->citizen, "2.000001", MC_CH_ONLINE, "2017-03-04T21:00");
	assert_int_equal(d.state, MC_ST_SUBMITTED);
	assert_int_equal(d.due_at, 0);
	assert_int_equal(d.owner_id, f->citizen.user_id);
	/* A citizen cannot take a paper dossier to the desk for someone else. */
	mc_dossier_new paper = {.procedure_code = "2.000001",
				.channel = MC_CH_DIRECT,
				.unit_id = f->district,
				.applicant_name = "X",
				.at = at("2017-03-06T08:00")};
	assert_int_not_equal(mc_app_dossier_create(f->st, f->tc, &f->citizen, &paper, &r), 0);
	/* The desk receives it on Monday at 08:00; the clock starts then. */
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_RECEIVE, NULL, "2017-03-06T08:00"), 0);
	assert_int_equal(r.state, MC_ST_RECEIVED);
	assert_int_equal(r.due_at, at("2017-03-13T08:00"));
	assert_int_equal(r.version, 2);
	mc_dossier_clear(&r);
	mc_dossier_clear(&d);
}

static void test_supplement_pauses_the_clock(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"), 0);
	mc_dossier_clear(&r);
	/* Reasons are required. */
	assert_int_equal(
	    act(f, &r, &f->specialist, d.code, MC_ACT_REQUEST_SUPPLEMENT, " ", "2017-03-02T08:00"),
	    MC_EINVAL);
	assert_int_equal(
	    act(f, &r, &f->specialist, d.code, MC_ACT_REQUEST_SUPPLEMENT, "Thiếu bản vẽ", "2017-03-02T08:00"),
	    0);
	assert_int_equal(r.state, MC_ST_SUPPLEMENT_REQUESTED);
	assert_int_equal(r.paused_at, at("2017-03-02T08:00"));
	mc_dossier_clear(&r);
	/* An answer without what was asked for would only move the due time. */
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_SUPPLEMENT, "Đã bổ sung", "2017-03-06T08:00"),
			 MC_EINVAL);
	assert_int_equal(mc_err_last()->reason, MC_REASON_MISSING_FIELD);
	/* Paused from Thursday 08:00 to Monday 08:00: two working days, 16 hours. */
	assert_int_equal(supplement(f, &r, &f->desk, d.code, "2017-03-06T08:00"), 0);
	assert_int_equal(r.state, MC_ST_PROCESSING);
	assert_int_equal(r.paused_at, 0);
	assert_int_equal(r.due_at, at("2017-03-10T08:00"));
	mc_dossier_clear(&r);
	/* Everything missing is asked for at one time: asking again is the leader's. */
	assert_int_equal(
	    act(f, &r, &f->specialist, d.code, MC_ACT_REQUEST_SUPPLEMENT, "Thiếu bản vẽ", "2017-03-06T09:00"),
	    MC_ECONFLICT);
	assert_int_equal(mc_err_last()->reason, MC_REASON_SUPPLEMENT_AGAIN);
	assert_int_equal(
	    act(f, &r, &f->desk, d.code, MC_ACT_REQUEST_SUPPLEMENT, "Thiếu bản vẽ", "2017-03-06T09:00"),
	    MC_ECONFLICT);
	assert_int_equal(
	    act(f, &r, &f->leader, d.code, MC_ACT_REQUEST_SUPPLEMENT, "Bản vẽ sai tỷ lệ", "2017-03-06T09:00"),
	    0);
	assert_int_equal(r.state, MC_ST_SUPPLEMENT_REQUESTED);
	mc_dossier_clear(&r);
	mc_dossier_clear(&d);
}

static void test_supplement_may_restart_the_period(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0};
	create(f, &d, &f->desk, "2.000002", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(
	    act(f, &r, &f->desk, d.code, MC_ACT_REQUEST_SUPPLEMENT, "Thiếu tờ khai", "2017-03-01T10:00"), 0);
	mc_dossier_clear(&r);
	assert_int_equal(supplement(f, &r, &f->desk, d.code, "2017-03-07T14:00"), 0);
	assert_int_equal(r.state, MC_ST_RECEIVED);
	/* The whole 40 hours start again from Tuesday 14:00. */
	assert_int_equal(r.due_at, at("2017-03-14T14:00"));
	mc_dossier_clear(&r);
	mc_dossier_clear(&d);
}

static void test_roles_owners_and_states(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0}, before = {0}, after = {0};
	create(f, &d, &f->citizen, "2.000001", MC_CH_ONLINE, "2017-03-01T08:00");
	/* Only the desk receives; another citizen may not withdraw it. */
	assert_int_equal(act(f, &r, &f->specialist, d.code, MC_ACT_RECEIVE, NULL, "2017-03-01T09:00"),
			 MC_EFORBIDDEN);
	assert_int_equal(act(f, &r, &f->other_citizen, d.code, MC_ACT_WITHDRAW, NULL, "2017-03-01T09:00"),
			 MC_EFORBIDDEN);
	/* Not processing yet: cannot be resolved. Nothing changes. */
	assert_int_equal(mc_store_dossier_get(f->st, &before, d.code, false), 0);
	assert_int_equal(act(f, &r, &f->leader, d.code, MC_ACT_RESOLVE, NULL, "2017-03-01T09:00"),
			 MC_ECONFLICT);
	assert_int_equal(mc_store_dossier_get(f->st, &after, d.code, false), 0);
	assert_int_equal(after.version, before.version);
	assert_int_equal(after.state, MC_ST_SUBMITTED);
	/* The owner withdraws it. */
	assert_int_equal(act(f, &r, &f->citizen, d.code, MC_ACT_WITHDRAW, NULL, "2017-03-01T10:00"), 0);
	assert_int_equal(r.state, MC_ST_WITHDRAWN);
	assert_int_equal(r.finished_at, at("2017-03-01T10:00"));
	mc_dossier_clear(&r);
	mc_dossier_clear(&before);
	mc_dossier_clear(&after);
	mc_dossier_clear(&d);
}

static void test_stale_version_changes_nothing(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	mc_action_req req = {
	    .action = MC_ACT_ASSIGN, .if_version = d.version + 1, .at = at("2017-03-01T09:00")};
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &f->desk, d.code, &req, &r), MC_ESTALE);
	req.if_version = d.version;
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &f->desk, d.code, &req, &r), 0);
	assert_int_equal(r.version, d.version + 1);
	mc_dossier_clear(&r);
	mc_dossier_clear(&d);
}

/* What is owed and how a payment may be closed by hand are the app's rules
 * (app/payment.c); the store records what it is given. */
static void test_payment_rules(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	mc_payment p = {0};
	int64_t t = at("2017-03-01T09:00");

	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(mc_app_payment_owe(f->st, d.id, 0, t), MC_EINVAL);
	assert_int_equal(mc_app_payment_owe(f->st, d.id, -5, t), MC_EINVAL);
	assert_int_equal(mc_store_payment_latest(f->st, &p, d.id), MC_ENOTFOUND);
	assert_int_equal(mc_app_payment_owe(f->st, d.id, 50000, t), 0);
	/* Failing is the provider's word: by hand a payment is paid or cancelled. */
	assert_int_equal(mc_app_payment_close(f->st, &f->desk, d.id, "failed", NULL, t), MC_EINVAL);
	assert_int_equal(mc_app_payment_close(f->st, &f->desk, d.id, "pending", NULL, t), MC_EINVAL);
	assert_int_equal(mc_store_payment_latest(f->st, &p, d.id), 0);
	assert_string_equal(p.state, "pending");
	mc_payment_clear(&p);
	assert_int_equal(mc_app_payment_close(f->st, &f->desk, d.id, "cancelled", NULL, t), 0);
	assert_int_equal(mc_store_payment_latest(f->st, &p, d.id), 0);
	assert_string_equal(p.state, "cancelled");
	mc_payment_clear(&p);
	mc_dossier_clear(&d);
}

/* The reason a failure records (core/err.h) with its code: what the HTTP
 * layer answers with, instead of guessing from the code. */
static void assert_reason(int rc, int code, mc_reason reason, const char *msg)
{
	mc_err e;
	assert_int_equal(rc, code);
	mc_err_take(&e, rc);
	assert_int_equal(e.code, code);
	assert_int_equal(e.reason, reason);
	assert_string_equal(e.msg, msg);
}

static void test_failures_carry_their_reason(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0};
	char msg[200];
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");

	/* The state: named as it is in the transaction. */
	assert_reason(act(f, &r, &f->desk, d.code, MC_ACT_RECEIVE, NULL, "2017-03-01T09:00"), MC_ECONFLICT,
		      MC_REASON_STATE, "cannot receive a dossier that is received");
	/* The reasons an action must carry. */
	assert_reason(act(f, &r, &f->desk, d.code, MC_ACT_REFUSE, "  ", "2017-03-01T09:00"), MC_EINVAL,
		      MC_REASON_MISSING_FIELD, "refuse needs a note giving the reasons");
	assert_reason(act(f, &r, &f->desk, d.code, MC_ACT_WITHDRAW, " ", "2017-03-01T09:00"), MC_EINVAL,
		      MC_REASON_MISSING_FIELD,
		      "an officer's withdrawal needs a note: the applicant's request");
	/* Past its due time (Wednesday 8 March, 08:00) a received dossier is decided, not refused. */
	snprintf(msg, sizeof msg,
		 "dossier %s was received and is past its due time: it is not refused at reception but "
		 "resolved with outcome refused, which counts as late",
		 d.code);
	assert_reason(act(f, &r, &f->desk, d.code, MC_ACT_REFUSE, "Không hợp lệ", "2017-03-08T09:00"),
		      MC_ECONFLICT, MC_REASON_REFUSE_OVERDUE, msg);
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"), 0);
	mc_dossier_clear(&r);
	mc_action_req tr = {.action = MC_ACT_TRANSFER, .at = at("2017-03-01T09:00")};
	assert_reason(mc_app_dossier_act(f->st, f->tc, &f->specialist, d.code, &tr, &r), MC_EINVAL,
		      MC_REASON_INVALID_FIELD, "transfer needs to_unit, another unit than the current one");
	/* Scope and role apart: the department's officers, the district's desk. */
	mc_actor dept_desk = {.role = MC_ROLE_DESK, .unit_id = f->dept, .name = "Tiếp nhận Sở"};
	mc_actor dept_leader = {.role = MC_ROLE_LEADER, .unit_id = f->dept, .name = "Lãnh đạo Sở"};
	snprintf(msg, sizeof msg, "dossier %s was filed at a unit outside your scope", d.code);
	assert_reason(act(f, &r, &dept_desk, d.code, MC_ACT_WITHDRAW, NULL, "2017-03-01T09:00"),
		      MC_EFORBIDDEN, MC_REASON_SCOPE, msg);
	snprintf(msg, sizeof msg, "dossier %s is at a unit outside your scope", d.code);
	assert_reason(act(f, &r, &dept_leader, d.code, MC_ACT_STOP, "Dừng", "2017-03-01T09:00"),
		      MC_EFORBIDDEN, MC_REASON_SCOPE, msg);
	assert_reason(act(f, &r, &f->desk, d.code, MC_ACT_RESOLVE, NULL, "2017-03-01T09:00"), MC_EFORBIDDEN,
		      MC_REASON_ROLE, "your role may not resolve this dossier now");
	/* The version the caller read. */
	mc_action_req req = {.action = MC_ACT_ASSIGN, .if_version = d.version, .at = at("2017-03-01T09:00")};
	assert_reason(mc_app_dossier_act(f->st, f->tc, &f->specialist, d.code, &req, &r), MC_ESTALE,
		      MC_REASON_STALE, "the dossier has changed; reload it");
	assert_reason(
	    act(f, &r, &f->desk, "000.00.33.H56-170301-9999", MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"),
	    MC_ENOTFOUND, MC_REASON_NOT_FOUND, "no dossier has code 000.00.33.H56-170301-9999");

	/* Filing: what exactly the procedure, the unit or the channel lacks. */
	mc_dossier_new in = {.procedure_code = "9.999999",
			     .channel = MC_CH_DIRECT,
			     .unit_id = f->district,
			     .applicant_name = "Nguyễn Văn An",
			     .at = at("2017-03-01T08:00")};
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &r), MC_ENOTFOUND,
		      MC_REASON_UNKNOWN_PROCEDURE, "no procedure has code 9.999999");
	in.procedure_code = "2.000001";
	in.unit_id = f->dept;
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &r), MC_EINVAL,
		      MC_REASON_INVALID_FIELD, "unit 000.00.10.H56 does not receive procedure 2.000001");
	in.procedure_code = "2.000004";
	in.unit_id = f->district;
	in.channel = MC_CH_ONLINE;
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->citizen, &in, &r), MC_EINVAL,
		      MC_REASON_INVALID_FIELD,
		      "procedure 2.000004 is not offered online (service level 2); it is filed at the desk");
	in.channel = MC_CH_DIRECT;
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->citizen, &in, &r), MC_EINVAL,
		      MC_REASON_INVALID_FIELD, "citizens file online: channel must be online");

	/* A failure is taken once; a success after one leaves none behind. */
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_RECEIVE, NULL, "2017-03-01T09:00"),
			 MC_ECONFLICT);
	assert_int_equal(act(f, &r, &f->specialist, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"), 0);
	assert_int_equal(mc_err_last()->code, 0);
	mc_dossier_clear(&r);
	mc_dossier_clear(&d);
}

static void test_transfer_and_resolution(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"), 0);
	mc_dossier_clear(&r);
	mc_action_req tr = {.action = MC_ACT_TRANSFER, .to_unit_id = 999999, .at = at("2017-03-02T09:00")};
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &f->specialist, d.code, &tr, &r), MC_EINVAL);
	tr.to_unit_id = f->dept;
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &f->specialist, d.code, &tr, &r), 0);
	assert_int_equal(r.current_unit_id, f->dept);
	assert_int_equal(r.receiving_unit_id, f->district);
	assert_int_equal(r.state, MC_ST_PROCESSING);
	mc_dossier_clear(&r);
	/* The transfer took it out of the district leader's scope: the
	 * department's leader resolves it. */
	mc_actor dept_leader = {.role = MC_ROLE_LEADER, .unit_id = f->dept, .name = "Lãnh đạo Sở"};
	mc_action_req res = {.action = MC_ACT_RESOLVE, .outcome = 1, .at = at("2017-03-03T09:00")};
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &f->leader, d.code, &res, &r), MC_EFORBIDDEN);
	/* A refusal as the result needs its reasons. */
	res.outcome = 2;
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &dept_leader, d.code, &res, &r), MC_EINVAL);
	res.outcome = 1;
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &dept_leader, d.code, &res, &r), 0);
	assert_int_equal(r.state, MC_ST_RESOLVED);
	assert_int_equal(r.outcome, 1);
	assert_true(r.finished_at < r.due_at);
	mc_dossier_clear(&r);
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_RETURN, NULL, "2017-03-03T10:00"), 0);
	assert_int_equal(r.state, MC_ST_RETURNED);
	mc_dossier_clear(&r);
	mc_event *ev = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_event_list(f->st, &ev, &n, d.id), 0);
	assert_int_equal(n, 5);
	assert_string_equal(ev[2].action, "transfer");
	assert_int_equal(ev[2].unit_id, f->dept);
	mc_event_free_list(ev, n);
	mc_dossier_clear(&d);
}

static void test_online_only_for_online_services(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	mc_dossier_new in = {.procedure_code = "2.000004",
			     .channel = MC_CH_ONLINE,
			     .unit_id = f->district,
			     .applicant_name = "Lê Thị Hoa",
			     .at = at("2017-03-01T08:00")};
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->citizen, &in, &d), MC_EINVAL);
	in.channel = MC_CH_DIRECT;
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), 0);
	mc_dossier_clear(&d);
}

static void test_who_assigns_when(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	/* A received dossier is handed on by the desk, not taken by a specialist. */
	assert_int_equal(act(f, &r, &f->specialist, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"),
			 MC_EFORBIDDEN);
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"), 0);
	mc_dossier_clear(&r);
	/* In processing, the desk no longer assigns; the leader does. */
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T10:00"),
			 MC_EFORBIDDEN);
	assert_int_equal(act(f, &r, &f->leader, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T10:00"), 0);
	assert_int_equal(r.step, 3);
	mc_dossier_clear(&r);
	mc_dossier_clear(&d);
}

static void test_daily_codes_run_out(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	int32_t day = (int32_t)((at("2017-03-01T08:00") + MC_TZ_OFFSET) / 86400);
	int seq = 0;
	for (int i = 0; i < 9999; i++)
		assert_int_equal(mc_store_dossier_next_seq(f->st, &seq, f->district, day, MC_CODE_DESK), 0);
	assert_int_equal(seq, 9999);
	mc_dossier_new in = {.procedure_code = "2.000001",
			     .channel = MC_CH_DIRECT,
			     .unit_id = f->district,
			     .applicant_name = "X",
			     .at = at("2017-03-01T08:00")};
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), MC_EFULL);
	/* The next day starts again at 0001. */
	in.at = at("2017-03-02T08:00");
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), 0);
	assert_string_equal(d.code, "000.00.33.H56-170302-0001");
	mc_dossier_clear(&d);
}

/* The defect of the hardening issue: a citizen filed 9,999 online dossiers
 * into one unit and the desk's walk-ins of the day were refused "codes
 * exhausted". Online submissions now number in a space of their own, wider
 * than any flood; the desk's four digits stay for the people at the desk. */
static void test_online_flood_leaves_desk_codes(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	mc_dossier_new online = {.procedure_code = "2.000001",
				 .channel = MC_CH_ONLINE,
				 .unit_id = f->district,
				 .applicant_name = "X",
				 .at = at("2017-03-01T08:00")};

	assert_int_equal(mc_store_begin(f->st), 0);
	for (int i = 0; i < MC_CODE_DESK_MAX + 1; i++) {
		mc_dossier_clear(&d); /* the previous one; the last stays */
		assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->citizen, &online, &d), 0);
	}
	assert_int_equal(mc_store_commit(f->st), 0);
	assert_string_equal(d.code, "000.00.33.H56-170301-010000");
	mc_dossier_clear(&d);

	/* The desk's first walk-in of the day has the desk's first number. */
	mc_dossier_new walkin = {.procedure_code = "2.000001",
				 .channel = MC_CH_DIRECT,
				 .unit_id = f->district,
				 .applicant_name = "Y",
				 .at = at("2017-03-01T09:00")};
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->desk, &walkin, &d), 0);
	assert_string_equal(d.code, "000.00.33.H56-170301-0001");
	assert_int_equal(d.state, MC_ST_RECEIVED);
	mc_dossier_clear(&d);

	/* A submission received later keeps the code the citizen was given. */
	mc_action_req receive = {.action = MC_ACT_RECEIVE, .at = at("2017-03-01T10:00")};
	assert_int_equal(
	    mc_app_dossier_act(f->st, f->tc, &f->desk, "000.00.33.H56-170301-000001", &receive, &d), 0);
	assert_string_equal(d.code, "000.00.33.H56-170301-000001");
	assert_int_equal(d.state, MC_ST_RECEIVED);
	mc_dossier_clear(&d);
}

static void test_text_too_long_for_its_field(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	char name[600];
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	mc_dossier_new in = {.procedure_code = "2.000001",
			     .channel = MC_CH_DIRECT,
			     .unit_id = f->district,
			     .applicant_name = name,
			     .at = at("2017-03-01T08:00")};
	/* Refused whole rather than stored cut. */
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), MC_ETOOBIG);
}

/* The one rule behind the actions a dossier shows and the actions taken. */
static void test_may(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, o = {0}, r = {0};
	mc_actor dept_leader = {.role = MC_ROLE_LEADER, .unit_id = f->dept, .name = "Lãnh đạo Sở"};
	mc_actor supervisor = {.role = MC_ROLE_SUPERVISOR, .unit_id = f->district, .name = "Giám sát"};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(mc_app_dossier_may(f->tc, &f->desk, &d, MC_ACT_ASSIGN), MC_MAY);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->desk, &d, MC_ACT_RECEIVE), MC_MAY_NOT_STATE);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->desk, &d, MC_ACT_RESOLVE), MC_MAY_NOT_ROLE);
	/* received: the desk hands it on, not a specialist */
	assert_int_equal(mc_app_dossier_may(f->tc, &f->specialist, &d, MC_ACT_ASSIGN), MC_MAY_NOT_ROLE);
	assert_int_equal(mc_app_dossier_may(f->tc, &dept_leader, &d, MC_ACT_STOP), MC_MAY_NOT_SCOPE);
	assert_int_equal(mc_app_dossier_may(f->tc, &supervisor, &d, MC_ACT_STOP), MC_MAY_NOT_ROLE);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->citizen, &d, MC_ACT_WITHDRAW), MC_MAY_NOT_OWNER);
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"), 0);
	/* processing: specialists and leaders assign, the desk no more */
	assert_int_equal(mc_app_dossier_may(f->tc, &f->desk, &r, MC_ACT_ASSIGN), MC_MAY_NOT_ROLE);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->specialist, &r, MC_ACT_ASSIGN), MC_MAY);
	mc_dossier_clear(&r);
	mc_action_req tr = {.action = MC_ACT_TRANSFER, .to_unit_id = f->dept, .at = at("2017-03-02T09:00")};
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &f->specialist, d.code, &tr, &r), 0);
	/* after a transfer: the current unit's officers act; the receiving desk keeps its side */
	assert_int_equal(mc_app_dossier_may(f->tc, &f->leader, &r, MC_ACT_RESOLVE), MC_MAY_NOT_SCOPE);
	assert_int_equal(mc_app_dossier_may(f->tc, &dept_leader, &r, MC_ACT_RESOLVE), MC_MAY);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->desk, &r, MC_ACT_WITHDRAW), MC_MAY);
	/* and the write applies the same rule */
	assert_int_equal(act(f, &o, &f->specialist, d.code, MC_ACT_REQUEST_PAYMENT, NULL, "2017-03-02T10:00"),
			 MC_EFORBIDDEN);
	mc_dossier_clear(&r);
	/* a citizen on their own online dossier */
	create(f, &o, &f->citizen, "2.000001", MC_CH_ONLINE, "2017-03-01T08:00");
	assert_int_equal(mc_app_dossier_may(f->tc, &f->citizen, &o, MC_ACT_WITHDRAW), MC_MAY);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->citizen, &o, MC_ACT_SUPPLEMENT), MC_MAY_NOT_STATE);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->other_citizen, &o, MC_ACT_WITHDRAW), MC_MAY_NOT_OWNER);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->desk, &o, MC_ACT_RECEIVE), MC_MAY);
	mc_dossier_clear(&o);
	mc_dossier_clear(&d);
}

/* Documents given to resolve are the result; a supplement's are inputs. */
static void test_result_documents(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, r = {0};
	mc_dossier_doc result = {.name = "Giấy phép xây dựng", .originals = 1};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(act(f, &r, &f->desk, d.code, MC_ACT_ASSIGN, NULL, "2017-03-01T09:00"), 0);
	mc_dossier_clear(&r);
	mc_action_req res = {.action = MC_ACT_RESOLVE,
			     .outcome = 1,
			     .docs = &result,
			     .n_docs = 1,
			     .at = at("2017-03-02T09:00")};
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &f->leader, d.code, &res, &r), 0);
	assert_int_equal(r.n_docs, 1);
	assert_string_equal(r.docs[0].name, "Giấy phép xây dựng");
	assert_string_equal(r.docs[0].kind, "result");
	assert_int_equal(r.docs[0].seq, 1);
	mc_dossier_clear(&r);
	mc_dossier_clear(&d);
}

/* Nghị định 118/2025/NĐ-CP (core/onestop.h): from 1 July 2025 a desk receives
 * a marked procedure for a unit outside its scope, recording itself as the
 * centre that received it; the day before, and for an unmarked procedure,
 * it is refused with its reason. */
static void test_receive_regardless_of_boundary(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	mc_procedure p = {0};
	int64_t other = add_unit(f->st, 1, "000.00.34.H56", "district");
	mc_time_ctx_free(f->tc);
	assert_int_equal(mc_time_ctx_load(&f->tc, f->st), 0);
	assert_int_equal(mc_store_procedure_get(f->st, &p, "2.000001", true), 0);
	p.anywhere = true;
	assert_int_equal(mc_store_procedure_update(f->st, &p), 0);
	mc_procedure_clear(&p);

	mc_dossier_new in = {.procedure_code = "2.000001",
			     .channel = MC_CH_DIRECT,
			     .unit_id = other,
			     .applicant_name = "Nguyễn Văn An",
			     .at = at("2025-06-30T09:00")};
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), MC_EFORBIDDEN, MC_REASON_SCOPE,
		      "unit 000.00.34.H56 is outside your unit's scope: before 2025-07-01 a desk receives "
		      "only for the units of its scope");
	in.at = at("2025-07-01T09:00");
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), 0);
	assert_string_equal(d.code, "000.00.34.H56-250701-0001");
	assert_int_equal(d.receiving_unit_id, other);
	assert_int_equal(d.current_unit_id, other);
	assert_int_equal(d.reception_unit_id, f->district);
	mc_dossier stored = {0};
	assert_int_equal(mc_store_dossier_get(f->st, &stored, d.code, false), 0);
	assert_int_equal(stored.reception_unit_id, f->district);
	mc_dossier_clear(&stored);
	mc_dossier_clear(&d);
	/* At its own desk nothing is recorded apart. */
	in.unit_id = f->district;
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), 0);
	assert_int_equal(d.reception_unit_id, 0);
	mc_dossier_clear(&d);
	/* Not marked: refused after the day too. */
	in.procedure_code = "2.000002";
	in.unit_id = other;
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), MC_EINVAL, MC_REASON_BOUNDARY,
		      "procedure 2.000002 is not received regardless of administrative boundary (Nghị "
		      "định 118/2025/NĐ-CP): it is received at the centre of 000.00.34.H56 (Đơn vị "
		      "000.00.34.H56), not at 000.00.33.H56");
}

/* The centre an applicant chooses to receive an online filing, and the one
 * chosen to hand back the result, follow the desk's rule of the day. */
static void test_centres_chosen_by_day(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, stored = {0};
	mc_procedure p = {0};
	int64_t other = add_unit(f->st, 1, "000.00.34.H56", "district");
	mc_time_ctx_free(f->tc);
	assert_int_equal(mc_time_ctx_load(&f->tc, f->st), 0);
	assert_int_equal(mc_store_procedure_get(f->st, &p, "2.000001", true), 0);
	p.anywhere = true;
	assert_int_equal(mc_store_procedure_update(f->st, &p), 0);
	mc_procedure_clear(&p);
	mc_actor centre = {.user_id = f->desk.user_id, .role = MC_ROLE_DESK, .unit_id = other};

	mc_dossier_new in = {.procedure_code = "2.000001",
			     .channel = MC_CH_ONLINE,
			     .unit_id = f->district,
			     .centre_id = other,
			     .applicant_name = "Nguyễn Văn An",
			     .at = at("2025-06-30T09:00")};
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->citizen, &in, &d), MC_EINVAL,
		      MC_REASON_BOUNDARY,
		      "centre: before 2025-07-01 a dossier is received by the competent unit's desk only: "
		      "000.00.33.H56 (Đơn vị 000.00.33.H56), not 000.00.34.H56");
	in.at = at("2025-07-01T09:00");
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->citizen, &in, &d), 0);
	assert_int_equal(d.receiving_unit_id, f->district);
	assert_int_equal(d.reception_unit_id, other);
	/* The chosen centre receives the submission; the competent unit's desk may too. */
	assert_int_equal(mc_app_dossier_may(f->tc, &centre, &d, MC_ACT_RECEIVE), MC_MAY);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->desk, &d, MC_ACT_RECEIVE), MC_MAY);
	mc_dossier_clear(&d);

	/* The result returned at the other district's centre. */
	in = (mc_dossier_new){.procedure_code = "2.000001",
			      .channel = MC_CH_DIRECT,
			      .return_id = other,
			      .applicant_name = "Nguyễn Văn An",
			      .at = at("2025-06-30T09:00")};
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), MC_EINVAL,
		      MC_REASON_RETURN_BOUNDARY,
		      "return_centre: before 2025-07-01 the result is returned by the competent unit's "
		      "desk: 000.00.33.H56 (Đơn vị 000.00.33.H56), not 000.00.34.H56");
	in.at = at("2025-07-01T09:00");
	/* No desk officer of the other district to hand it back: refused. */
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), MC_EINVAL,
		      MC_REASON_RETURN_NO_DESK,
		      "return_centre 000.00.34.H56 (Đơn vị 000.00.34.H56) has no desk officer to hand "
		      "back results; choose another centre");
	mc_user officer = {.username = "desk.other",
			   .full_name = "Cán bộ một cửa",
			   .role = MC_ROLE_DESK,
			   .unit_id = other,
			   .active = true};
	assert_int_equal(mc_store_user_create(f->st, &officer, "$argon2id$not-a-real-hash"), 0);
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->desk, &in, &d), 0);
	assert_int_equal(d.return_unit_id, other);
	assert_int_equal(mc_store_dossier_get(f->st, &stored, d.code, false), 0);
	assert_int_equal(stored.return_unit_id, other);
	stored.state = MC_ST_RESOLVED;
	assert_int_equal(mc_app_dossier_may(f->tc, &centre, &stored, MC_ACT_RETURN), MC_MAY);
	assert_int_equal(mc_app_dossier_may(f->tc, &f->desk, &stored, MC_ACT_RETURN), MC_MAY_NOT_SCOPE);
	mc_dossier_clear(&stored);
	mc_dossier_clear(&d);
}

/* Nghị định 42/2022/NĐ-CP: the class replaces the level from its day. */
static void test_online_class_from_its_day(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	mc_procedure p = {0};
	assert_int_equal(mc_store_procedure_get(f->st, &p, "2.000004", true), 0);
	free(p.online_class);
	p.online_class = strdup("full");
	p.online_class_since = mc_days_from_civil(2022, 8, 1);
	assert_int_equal(mc_store_procedure_update(f->st, &p), 0);
	mc_procedure_clear(&p);
	assert_int_equal(mc_store_procedure_get(f->st, &p, "2.000004", false), 0);
	assert_string_equal(p.online_class, "full");
	assert_int_equal(p.online_class_since, mc_days_from_civil(2022, 8, 1));

	mc_dossier_new in = {.procedure_code = "2.000004",
			     .channel = MC_CH_ONLINE,
			     .unit_id = f->district,
			     .applicant_name = "Nguyễn Văn An",
			     .at = at("2022-07-31T09:00")};
	/* Level 2 the day before: not online. */
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->citizen, &in, &d), MC_EINVAL,
		      MC_REASON_INVALID_FIELD,
		      "procedure 2.000004 is not offered online (service level 2); it is filed at the desk");
	in.at = at("2022-08-01T09:00");
	assert_int_equal(mc_app_dossier_create(f->st, f->tc, &f->citizen, &in, &d), 0);
	assert_int_equal(d.state, MC_ST_SUBMITTED);
	mc_dossier_clear(&d);
	/* A class that is not online, from its day. */
	free(p.online_class);
	p.online_class = strdup("");
	p.online_class_since = mc_days_from_civil(2024, 1, 1);
	assert_int_equal(mc_store_procedure_update(f->st, &p), 0);
	mc_procedure_clear(&p);
	in.at = at("2024-01-02T09:00");
	assert_reason(mc_app_dossier_create(f->st, f->tc, &f->citizen, &in, &d), MC_EINVAL,
		      MC_REASON_INVALID_FIELD,
		      "procedure 2.000004 is not offered online (neither full nor partial online service); "
		      "it is filed at the desk");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_desk_filing_sets_code_and_due, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cutoff_hour, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_online_filing_waits_for_the_desk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_supplement_pauses_the_clock, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_supplement_may_restart_the_period, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roles_owners_and_states, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale_version_changes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failures_carry_their_reason, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transfer_and_resolution, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_payment_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_online_only_for_online_services, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_who_assigns_when, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_daily_codes_run_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_online_flood_leaves_desk_codes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_text_too_long_for_its_field, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_may, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_result_documents, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_receive_regardless_of_boundary, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_online_class_from_its_day, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_centres_chosen_by_day, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
