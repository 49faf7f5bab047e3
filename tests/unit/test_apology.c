/*
 * test_apology.c - apologies for late dossiers (src/app/apology.c and the
 * apology functions of the SQLite store): the default new date, what a new
 * date may be, who prepares and issues, the due time moved with the
 * statutory one kept, the event, and the public register.
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

#include "app/apology.h"

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
	/* A supplement carries what was asked for: one document. */
	mc_dossier_doc doc = {.name = "Bản vẽ còn thiếu", .originals = 1};
	mc_action_req req = {.action = a, .note = note, .at = at(when)};
	if (a == MC_ACT_SUPPLEMENT) {
		req.docs = &doc;
		req.n_docs = 1;
	}
	return mc_app_dossier_act(f->st, f->tc, actor, code, &req, out);
}

static const char REASON[] = "Chờ ý kiến thẩm định của Sở Xây dựng";

static void test_default_due(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	/* Filed Wednesday 1/3/2017 08:00, 40 hours: due Wednesday 8/3 08:00. */
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(d.due_at, at("2017-03-08T08:00"));
	/* On Monday 6/3 10:00, 14 working hours are left (5 + 8 + 1): less than
	 * two days, so two working days (16 h) are added after the due time. */
	assert_int_equal(mc_app_apology_default_due(f->tc, &d, at("2017-03-06T10:00")),
			 at("2017-03-10T08:00"));
	/* On Thursday 2/3 10:00, 30 hours are left (5 + 8 + 8 + 8 + 1): they are
	 * added again after the due time. */
	assert_int_equal(mc_app_apology_default_due(f->tc, &d, at("2017-03-02T10:00")),
			 at("2017-03-13T16:00"));
	/* Overdue on Thursday 9/3 10:00: two working days from now, over the weekend. */
	assert_int_equal(mc_app_apology_default_due(f->tc, &d, at("2017-03-09T10:00:20")),
			 at("2017-03-13T10:01"));
	mc_dossier_clear(&d);
}

static void test_check_due(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0};
	int64_t now = at("2017-03-09T10:00");
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-10T07:01"), now), MC_APOLOGY_DUE_OK);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-10T17:00"), now), MC_APOLOGY_DUE_OK);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-10T11:30"), now), MC_APOLOGY_DUE_OK);
	/* Before opening, at lunch, after closing, on a Saturday, not a whole minute. */
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-10T07:00"), now),
			 MC_APOLOGY_DUE_OFF_HOURS);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-10T12:00"), now),
			 MC_APOLOGY_DUE_OFF_HOURS);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-10T17:01"), now),
			 MC_APOLOGY_DUE_OFF_HOURS);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-11T09:00"), now),
			 MC_APOLOGY_DUE_OFF_HOURS);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-10T09:00:30"), now),
			 MC_APOLOGY_DUE_OFF_HOURS);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-09T09:00"), now),
			 MC_APOLOGY_DUE_PAST);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2017-03-07T09:00"), at("2017-03-06T09:00")),
			 MC_APOLOGY_DUE_NOT_LATER);
	assert_int_equal(mc_app_apology_check_due(f->tc, &d, at("2018-03-12T09:00"), now),
			 MC_APOLOGY_DUE_TOO_FAR);
	mc_dossier_clear(&d);
}

static void test_prepare_and_issue(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, out = {0};
	mc_apology a = {0}, b = {0}, got = {0};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	int64_t now = at("2017-03-09T10:00");

	/* Who prepares: officers of the dossier's units, not citizens or others. */
	mc_actor dept_desk = {.role = MC_ROLE_DESK, .unit_id = f->dept, .name = "Sở"};
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->citizen, d.code, REASON, 0, now, &a),
			 MC_EFORBIDDEN);
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &dept_desk, d.code, REASON, 0, now, &a),
			 MC_EFORBIDDEN);
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->specialist, d.code, "  ", 0, now, &a),
			 MC_EINVAL);
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->specialist, d.code, REASON,
						at("2017-03-11T09:00"), now, &a),
			 MC_EINVAL);
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->specialist, "NO-SUCH", REASON, 0, now, &a),
			 MC_ENOTFOUND);

	/* Prepared by the specialist with the default date: nothing moves yet. */
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->specialist, d.code, REASON, 0, now, &a), 0);
	assert_true(a.id > 0);
	assert_int_equal(a.unit_id, f->district);
	assert_int_equal(a.old_due, at("2017-03-08T08:00"));
	assert_int_equal(a.new_due, at("2017-03-13T10:00"));
	assert_int_equal(a.issued_at, 0);
	assert_string_equal(a.province_code, "H56");
	assert_int_equal(mc_store_dossier_get(f->st, &out, d.code, false), 0);
	assert_int_equal(out.version, d.version);
	assert_int_equal(out.due_at, d.due_at);
	mc_dossier_clear(&out);

	/* Only a leader issues. */
	int64_t later = at("2017-03-09T11:00");
	assert_int_equal(
	    mc_app_apology_issue(f->st, f->tc, &f->specialist, d.code, a.id, "deputy", later, &out, &got),
	    MC_EFORBIDDEN);
	assert_int_equal(
	    mc_app_apology_issue(f->st, f->tc, &f->leader, d.code, a.id + 100, "deputy", later, &out, &got),
	    MC_ENOTFOUND);
	assert_int_equal(
	    mc_app_apology_issue(f->st, f->tc, &f->leader, d.code, a.id, "deputy", later, &out, &got), 0);
	assert_int_equal(out.due_at, at("2017-03-13T10:00"));
	assert_int_equal(out.statutory_due_at, at("2017-03-08T08:00"));
	assert_int_equal(out.version, d.version + 1);
	assert_int_equal(out.state, MC_ST_RECEIVED);
	assert_string_equal(out.note, REASON);
	assert_int_equal(got.issued_at, later);
	assert_int_equal(got.old_due, at("2017-03-08T08:00"));
	mc_dossier_clear(&out);
	/* The event log has it. */
	mc_event *ev = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_event_list(f->st, &ev, &n, d.id), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].action, "apology");
	assert_string_equal(ev[1].note, REASON);
	assert_int_equal(ev[1].from_state, MC_ST_RECEIVED);
	assert_int_equal(ev[1].to_state, MC_ST_RECEIVED);
	mc_event_free_list(ev, n);
	/* Once only. */
	assert_int_equal(
	    mc_app_apology_issue(f->st, f->tc, &f->leader, d.code, a.id, "deputy", later, &out, &got),
	    MC_ECONFLICT);

	/* A second apology moves the appointment again; the law's due time stays. */
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->desk, d.code, REASON,
						at("2017-03-15T17:00"), at("2017-03-13T08:00"), &b),
			 0);
	assert_int_equal(b.old_due, at("2017-03-13T10:00"));
	assert_int_equal(mc_app_apology_issue(f->st, f->tc, &f->leader, d.code, b.id, "deputy",
					      at("2017-03-13T09:00"), &out, &got),
			 0);
	assert_int_equal(out.due_at, at("2017-03-15T17:00"));
	assert_int_equal(out.statutory_due_at, at("2017-03-08T08:00"));
	mc_dossier_clear(&out);

	/* A pause moves both by the working time it took (Tuesday 8:00-17:00 = 7 h). */
	assert_int_equal(
	    act(f, &out, &f->desk, d.code, MC_ACT_REQUEST_SUPPLEMENT, "Thiếu bản vẽ", "2017-03-14T08:00"), 0);
	mc_dossier_clear(&out);
	assert_int_equal(act(f, &out, &f->desk, d.code, MC_ACT_SUPPLEMENT, NULL, "2017-03-14T17:00"), 0);
	assert_int_equal(out.due_at, at("2017-03-16T16:00"));
	assert_int_equal(out.statutory_due_at, at("2017-03-08T17:00"));
	mc_dossier_clear(&out);

	mc_apology *list = NULL;
	assert_int_equal(mc_store_apology_list(f->st, &list, &n, d.id), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, a.id);
	assert_true(list[1].issued_at > 0);
	mc_apology_free_list(list, n);
	mc_apology_clear(&got);
	assert_int_equal(mc_store_apology_get(f->st, &got, d.id + 1, a.id), MC_ENOTFOUND);
	mc_apology_clear(&a);
	mc_apology_clear(&b);
	mc_dossier_clear(&d);
}

static void test_issue_refused_when_outdated_or_finished(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, out = {0};
	mc_apology a = {0}, got = {0};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->desk, d.code, REASON,
						at("2017-03-10T09:00"), at("2017-03-09T10:00"), &a),
			 0);
	/* Issued after its new date: it no longer fits. */
	assert_int_equal(mc_app_apology_issue(f->st, f->tc, &f->leader, d.code, a.id, "deputy",
					      at("2017-03-10T10:00"), &out, &got),
			 MC_EINVAL);
	/* A resolved dossier needs no apology. */
	assert_int_equal(act(f, &out, &f->desk, d.code, MC_ACT_ASSIGN, NULL, "2017-03-09T10:10"), 0);
	mc_dossier_clear(&out);
	mc_action_req req = {.action = MC_ACT_RESOLVE, .outcome = 1, .at = at("2017-03-09T10:20")};
	assert_int_equal(mc_app_dossier_act(f->st, f->tc, &f->leader, d.code, &req, &out), 0);
	mc_dossier_clear(&out);
	assert_int_equal(mc_app_apology_issue(f->st, f->tc, &f->leader, d.code, a.id, "deputy",
					      at("2017-03-09T10:30"), &out, &got),
			 MC_ECONFLICT);
	assert_int_equal(
	    mc_app_apology_prepare(f->st, f->tc, &f->desk, d.code, REASON, 0, at("2017-03-09T10:30"), &a),
	    MC_ECONFLICT);
	/* An online dossier not yet received has no clock to apologise for. */
	mc_dossier s = {0};
	create(f, &s, &f->citizen, "2.000001", MC_CH_ONLINE, "2017-03-01T08:00");
	assert_int_equal(
	    mc_app_apology_prepare(f->st, f->tc, &f->desk, s.code, REASON, 0, at("2017-03-09T10:30"), &a),
	    MC_ECONFLICT);
	mc_dossier_clear(&s);
	mc_dossier_clear(&d);
	mc_apology_clear(&a);
	mc_apology_clear(&got);
}

static void test_register(void **state)
{
	struct fixture *f = *state;
	mc_dossier d = {0}, e = {0}, out = {0};
	mc_apology a = {0}, b = {0}, c = {0}, got = {0};
	create(f, &d, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	create(f, &e, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T09:00");
	assert_int_equal(
	    mc_app_apology_prepare(f->st, f->tc, &f->desk, d.code, REASON, 0, at("2017-03-09T10:00"), &a), 0);
	assert_int_equal(mc_app_apology_issue(f->st, f->tc, &f->leader, d.code, a.id, "deputy",
					      at("2017-03-09T11:00"), &out, &got),
			 0);
	mc_dossier_clear(&out);
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->desk, e.code, "Hồ sơ phức tạp", 0,
						at("2017-03-10T10:00"), &b),
			 0);
	assert_int_equal(mc_app_apology_issue(f->st, f->tc, &f->leader, e.code, b.id, "deputy",
					      at("2017-03-10T11:00"), &out, &got),
			 0);
	mc_dossier_clear(&out);
	/* Prepared only: not public. */
	assert_int_equal(
	    mc_app_apology_prepare(f->st, f->tc, &f->desk, e.code, REASON, 0, at("2017-03-10T12:00"), &c), 0);

	mc_apology_entry *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	assert_int_equal(mc_store_apology_register(f->st, &list, &n, &total, f->district, at("2017-03-01"),
						   at("2017-04-01"), 50, 0),
			 0);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	/* Newest first, with what the register shows. */
	assert_string_equal(list[0].dossier_code, e.code);
	assert_string_equal(list[0].a.reason, "Hồ sơ phức tạp");
	assert_string_equal(list[0].applicant_name, "Nguyễn Văn An");
	assert_string_equal(list[0].procedure_code, "2.000001");
	assert_string_equal(list[0].procedure_name, "Thủ tục 2.000001");
	assert_int_equal(list[0].a.issued_at, at("2017-03-10T11:00"));
	assert_string_equal(list[1].dossier_code, d.code);
	mc_apology_entry_free_list(list, n);
	/* The period, paging and the subtree. */
	assert_int_equal(mc_store_apology_register(f->st, &list, &n, &total, f->district, at("2017-03-10"),
						   at("2017-04-01"), 50, 0),
			 0);
	assert_int_equal(total, 1);
	mc_apology_entry_free_list(list, n);
	assert_int_equal(mc_store_apology_register(f->st, &list, &n, &total, f->district, at("2017-03-01"),
						   at("2017-04-01"), 1, 1),
			 0);
	assert_int_equal(total, 2);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].dossier_code, d.code);
	mc_apology_entry_free_list(list, n);
	assert_int_equal(mc_store_apology_register(f->st, &list, &n, &total, f->dept, at("2017-03-01"),
						   at("2017-04-01"), 50, 0),
			 0);
	assert_int_equal(total, 0);
	mc_apology_entry_free_list(list, n);
	assert_int_equal(mc_store_apology_register(f->st, &list, &n, &total, f->district, at("2017-03-01"),
						   at("2017-04-01"), 0, 0),
			 MC_EINVAL);
	assert_int_equal(mc_store_apology_register(f->st, &list, &n, &total, 9999, at("2017-03-01"),
						   at("2017-04-01"), 10, 0),
			 MC_ENOTFOUND);
	mc_dossier_clear(&d);
	mc_dossier_clear(&e);
	mc_apology_clear(&a);
	mc_apology_clear(&b);
	mc_apology_clear(&c);
	mc_apology_clear(&got);
}

/* Who signs: a leader of the apologising unit itself, not one above it
 * (the province's) nor beside it (a department's); and the lead an apology
 * needs: one working day before the due time it replaces. */
static void test_signer_and_lead(void **state)
{
	struct fixture *f = *state;
	mc_apology a = {.unit_id = f->district};
	mc_actor above = f->leader, beside = f->leader;
	above.unit_id = mc_time_ctx_unit(f->tc, f->district)->parent_id;
	beside.unit_id = f->dept;
	assert_true(mc_app_apology_may_issue(f->tc, &f->leader, &a));
	assert_false(mc_app_apology_may_issue(f->tc, &above, &a));
	assert_false(mc_app_apology_may_issue(f->tc, &beside, &a));
	assert_false(mc_app_apology_may_issue(f->tc, &f->specialist, &a));
	assert_true(mc_app_apology_signing_ok("head"));
	assert_true(mc_app_apology_signing_ok("deputy"));
	assert_false(mc_app_apology_signing_ok("chairman"));
	assert_false(mc_app_apology_signing_ok(NULL));

	/* Due Friday 10 March 2017 at 17:00: Thursday 17:00 is one working day
	 * before (in time); Friday 08:00 is not; after the due time, late. */
	a.old_due = at("2017-03-10T17:00");
	a.prepared_at = at("2017-03-09T17:00");
	assert_false(mc_app_apology_late(f->tc, &a));
	a.prepared_at = at("2017-03-08T09:00");
	assert_false(mc_app_apology_late(f->tc, &a));
	a.prepared_at = at("2017-03-10T08:00");
	assert_true(mc_app_apology_late(f->tc, &a));
	a.prepared_at = at("2017-03-13T08:00");
	assert_true(mc_app_apology_late(f->tc, &a));
}

static void add_officer(mc_store *st, const char *username, mc_role role, int64_t unit, const char *email)
{
	mc_user u = {.username = (char *)username,
		     .full_name = "Cán bộ",
		     .email = (char *)email,
		     .role = role,
		     .unit_id = unit,
		     .active = true};
	assert_int_equal(mc_store_user_create(st, &u, "$argon2id$not-a-real-hash"), 0);
}

static int warn(struct fixture *f, const char *when)
{
	int queued = -1;
	assert_int_equal(mc_store_begin(f->st), 0);
	assert_int_equal(mc_app_apology_warn(f->st, f->tc, at(when), 100, &queued), 0);
	assert_int_equal(mc_store_commit(f->st), 0);
	return queued;
}

/* The messages queued so far to `to` whose body names `code`. */
static size_t warnings(struct fixture *f, const char *to, const char *code)
{
	mc_message *list = NULL;
	size_t n = 0, count = 0;
	assert_int_equal(mc_store_outbox_due(f->st, &list, &n, at("2017-12-31T00:00"), 1000), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i].recipient, to) == 0 && strstr(list[i].body, code) &&
		    strstr(list[i].subject, "chưa có phiếu xin lỗi"))
			count++;
	}
	mc_message_free_list(list, n);
	return count;
}

/* The leader warned in time (NĐ 61/2018 art. 19, docs/forms.md form 04): a
 * dossier that comes within one working day of its due time with no apology
 * gets one message to its unit's leaders, on the injected clock. */
static void test_warn_leaders(void **state)
{
	struct fixture *f = *state;
	mc_dossier a = {0}, b = {0}, past = {0};
	mc_apology ap = {0};
	int64_t below = add_unit(f->st, f->district, "000.01.33.H56", "commune");
	add_officer(f->st, "lanhdao", MC_ROLE_LEADER, f->district, "lanhdao@example.vn");
	add_officer(f->st, "khongthu", MC_ROLE_LEADER, f->district, ""); /* no address */
	add_officer(f->st, "chuyenvien", MC_ROLE_SPECIALIST, f->district, "chuyenvien@example.vn");
	add_officer(f->st, "lanhdao.so", MC_ROLE_LEADER, f->dept, "so@example.vn");
	add_officer(f->st, "lanhdao.xa", MC_ROLE_LEADER, below, "xa@example.vn");
	mc_time_ctx_free(f->tc);
	f->tc = NULL;
	assert_int_equal(mc_time_ctx_load(&f->tc, f->st), 0);

	/* Both due Wednesday 8/3/2017 08:00; b has an apology prepared. One
	 * already overdue (due Monday 6/3 08:00) is past warning. */
	create(f, &a, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	create(f, &b, &f->desk, "2.000001", MC_CH_DIRECT, "2017-03-01T08:00");
	create(f, &past, &f->desk, "2.000001", MC_CH_DIRECT, "2017-02-27T08:00");
	assert_int_equal(a.due_at, at("2017-03-08T08:00"));
	assert_int_equal(past.due_at, at("2017-03-06T08:00"));
	assert_int_equal(mc_app_apology_prepare(f->st, f->tc, &f->specialist, b.code, REASON, 0,
						at("2017-03-06T10:00"), &ap),
			 0);

	/* More than a working day left: Monday 6/3 10:00, Tuesday 7/3 07:59. */
	assert_int_equal(warn(f, "2017-03-06T10:00"), 0);
	assert_int_equal(warn(f, "2017-03-07T07:59"), 0);
	/* Tuesday 08:00: one working day left (3.5 + 3.5 + 1 h). Only the
	 * district's leader with an address, not its specialist nor the leaders
	 * of other units. */
	assert_int_equal(warn(f, "2017-03-07T08:00"), 1);
	assert_int_equal(warnings(f, "lanhdao@example.vn", a.code), 1);
	assert_int_equal(warnings(f, "chuyenvien@example.vn", a.code), 0);
	assert_int_equal(warnings(f, "so@example.vn", a.code), 0);
	assert_int_equal(warnings(f, "xa@example.vn", a.code), 0);
	assert_int_equal(warnings(f, "lanhdao@example.vn", b.code), 0);
	assert_int_equal(warnings(f, "lanhdao@example.vn", past.code), 0);
	{
		mc_message *list = NULL;
		size_t n = 0;
		assert_int_equal(mc_store_outbox_due(f->st, &list, &n, at("2017-12-31T00:00"), 10), 0);
		assert_int_equal(n, 1);
		assert_non_null(strstr(list[0].body, "08 giờ 00 phút ngày 08/03/2017"));
		assert_non_null(strstr(list[0].body, "Thủ tục 2.000001"));
		assert_string_equal(list[0].channel, "email");
		assert_string_equal(list[0].province_code, "H56");
		assert_int_equal(list[0].dossier_id, a.id);
		mc_message_free_list(list, n);
	}
	/* Once per dossier. */
	assert_int_equal(warn(f, "2017-03-07T09:00"), 0);
	assert_int_equal(warn(f, "2017-03-07T16:00"), 0);
	assert_int_equal(warnings(f, "lanhdao@example.vn", a.code), 1);
	mc_apology_clear(&ap);
	mc_dossier_clear(&a);
	mc_dossier_clear(&b);
	mc_dossier_clear(&past);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_default_due, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_signer_and_lead, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_due, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prepare_and_issue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_issue_refused_when_outdated_or_finished, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_register, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_warn_leaders, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
