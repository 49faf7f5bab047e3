/*
 * tasks.c - the demo province's tasks of 2017 (docs/tasks.md §8): the
 * directives of the provincial People's Committee and its Chairman to
 * departments and districts, each task taken through a life with the app
 * layer's own rules (app/task.h) at 2017 times, so that every state occurs:
 * not started, in progress, waiting for an extension, extended, completion
 * proposed, sent back, done on time, within the extension or late,
 * suspended and cancelled; Quảng Xương passes parts down to its communes.
 * The same database gives the same tasks.
 */
#include "demo/demo.h"

#include "app/task.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

/* The account of the Chairman of the provincial People's Committee. */
#define DEMO_CHAIR "chutich"

/* What happens to a task after it is assigned. */
typedef enum {
	LIFE_NONE,	/* not started */
	LIFE_WORKING,	/* started, a report or two */
	LIFE_DONE,	/* done before its deadline */
	LIFE_DONE_LATE, /* done after it */
	LIFE_EXTENDED,	/* more time granted, done within it */
	LIFE_ASKING,	/* more time asked, not answered */
	LIFE_PROPOSED,	/* completion proposed, not confirmed */
	LIFE_SENT_BACK, /* completion sent back */
	LIFE_SUSPENDED, /* suspended by the province */
	LIFE_CANCELLED, /* cancelled by the province */
	LIFE_DELEGATED, /* parts passed to communes (Quảng Xương) */
	LIFE_RECURRING, /* thường xuyên, reported each month */
} life;

typedef struct {
	const char *unit;	 /* in charge */
	const char *cooperating; /* one unit or NULL */
	const char *title;
	const char *product;
	int days; /* working days to its deadline */
	life life;
} task_seed;

typedef struct {
	const char *directive;
	int month, day; /* assigned on, 2017 */
	const task_seed *tasks;
	size_t n;
} directive_seed;

#define QX "000.00.33.H56" /* UBND huyện Quảng Xương */
#define NOIVU "000.00.02.H56"
#define TUPHAP "000.00.03.H56"
#define KHDT "000.00.04.H56"
#define TAICHINH "000.00.05.H56"
#define NNPTNT "000.00.07.H56"
#define XAYDUNG "000.00.09.H56"
#define TNMT "000.00.10.H56"
#define TTTT "000.00.11.H56"
#define YTE "000.00.16.H56"
#define TPTH "000.00.30.H56" /* UBND thành phố Thanh Hóa */
#define SAMSON "000.00.31.H56"
#define NGOCLAC "000.00.34.H56"

static const task_seed ct05[] = {
    {NOIVU, TTTT, "Xây dựng Kế hoạch cải cách hành chính năm 2017 của tỉnh", "Kế hoạch", 10, LIFE_DONE},
    {TUPHAP, NULL, "Rà soát, đề xuất đơn giản hóa thủ tục hành chính lĩnh vực hộ tịch", "Báo cáo", 20,
     LIFE_DONE_LATE},
    {TTTT, NOIVU, "Nâng cấp phần mềm một cửa điện tử cho cấp huyện", "Báo cáo", 30, LIFE_EXTENDED},
    {TNMT, NULL, "Công khai thủ tục đất đai tại Bộ phận một cửa các huyện", "Báo cáo", 15, LIFE_DONE},
    {QX, TUPHAP, "Triển khai một cửa liên thông tại 100% xã, thị trấn", "Báo cáo", 40, LIFE_DELEGATED},
    {TPTH, NULL, "Tiếp nhận hồ sơ trực tuyến mức độ 3 tại các phường", "Báo cáo", 25, LIFE_WORKING},
    {SAMSON, NULL, "Niêm yết công khai thủ tục hành chính tại trụ sở", "Báo cáo", 10, LIFE_PROPOSED},
    {NGOCLAC, NULL, "Kiện toàn Bộ phận tiếp nhận và trả kết quả", "Quyết định", 20, LIFE_SENT_BACK},
};

static const task_seed tb42[] = {
    {KHDT, TAICHINH, "Tháo gỡ vướng mắc cấp giấy chứng nhận đầu tư cho dự án Nghi Sơn", "Báo cáo", 15,
     LIFE_ASKING},
    {XAYDUNG, NULL, "Rút ngắn thời gian cấp giấy phép xây dựng xuống 10 ngày", "Quyết định", 20, LIFE_DONE},
    {NNPTNT, NULL, "Tổng kết mô hình cánh đồng mẫu lớn vụ Đông Xuân", "Báo cáo", 10, LIFE_DONE_LATE},
    {YTE, NULL, "Kiểm tra an toàn thực phẩm dịp Tết Thanh minh", "Báo cáo", 5, LIFE_CANCELLED},
    {TAICHINH, KHDT, "Thẩm định phương án tự chủ tài chính của các đơn vị sự nghiệp", "Báo cáo", 30,
     LIFE_SUSPENDED},
    {QX, NULL, "Giải quyết dứt điểm hồ sơ đất đai quá hạn", "Báo cáo", 15, LIFE_NONE},
};

static const task_seed qd1234[] = {
    {NOIVU, NULL, "Báo cáo tình hình kiểm soát thủ tục hành chính hằng tháng", "Báo cáo", 0, LIFE_RECURRING},
    {QX, NULL, "Báo cáo kết quả giải quyết hồ sơ một cửa hằng tháng", "Báo cáo", 0, LIFE_RECURRING},
    {TNMT, QX, "Đo đạc, cấp giấy chứng nhận quyền sử dụng đất lần đầu", "Báo cáo", 45, LIFE_WORKING},
    {TUPHAP, NULL, "Tập huấn nghiệp vụ hộ tịch cho công chức cấp xã", "Báo cáo", 25, LIFE_DONE},
};

static const directive_seed directives[] = {
    {"Chỉ thị số 05/CT-UBND ngày 15/3/2017 của Chủ tịch UBND tỉnh về đẩy mạnh cải cách hành chính", 3, 16,
     ct05, MC_ARRAY_LEN(ct05)},
    {"Thông báo số 42/TB-UBND ngày 20/4/2017 kết luận phiên họp thường kỳ tháng 4 của UBND tỉnh", 4, 21, tb42,
     MC_ARRAY_LEN(tb42)},
    {"Quyết định số 1234/QĐ-UBND ngày 10/5/2017 ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2017", 5,
     11, qd1234, MC_ARRAY_LEN(qd1234)},
};

/* 9:00 on a working day `n` working days after local day `day`. */
static int64_t work_at(const mc_time_ctx *tc, int32_t day, int n, int hour)
{
	return mc_local_day_start(mc_task_add_working_days(mc_time_ctx_calendar(tc), day, n)) + hour * 3600;
}

static mc_actor officer(const mc_time_ctx *tc, int64_t unit_id, mc_role role)
{
	mc_actor a = {.role = role, .unit_id = unit_id};
	const mc_unit *u = mc_time_ctx_unit(tc, unit_id);
	snprintf(a.name, sizeof a.name, "%s %s", role == MC_ROLE_LEADER ? "Lãnh đạo" : "Chuyên viên",
		 u ? u->name : "");
	return a;
}

static int step(mc_store *st, const mc_time_ctx *tc, const mc_actor *a, int64_t id, mc_task_action action,
		const char *note, int percent, int32_t due, int64_t at)
{
	mc_task out = {0};
	mc_task_act act = {.action = action, .note = note, .percent = percent, .due = due, .at = at};
	int rc = mc_app_task_act(st, tc, a, id, &act, &out);
	mc_task_clear(&out);
	return rc;
}

/* The communes of Quảng Xương get two parts of t. */
static int delegate(mc_store *st, const mc_time_ctx *tc, const mc_task *t, int32_t day)
{
	size_t n = 0, made = 0;
	const mc_unit *units = mc_time_ctx_units(tc, &n);
	mc_actor lead = officer(tc, t->unit_id, MC_ROLE_LEADER);
	int rc = 0;
	for (size_t i = 0; i < n && made < 3 && rc == 0; i++) {
		if (units[i].parent_id != t->unit_id)
			continue;
		mc_task child = {0};
		mc_task_new in = {.title = "Bố trí công chức một cửa và niêm yết thủ tục tại xã",
				  .product = "Báo cáo",
				  .unit_id = units[i].id,
				  .due_kind = MC_TASK_DUE_DATE,
				  .due = t->due - 7};
		rc = mc_app_task_delegate(st, tc, &lead, t->id, 0, &in, work_at(tc, day, 2, 9), &child);
		if (rc == 0) {
			mc_actor xa = officer(tc, units[i].id, MC_ROLE_SPECIALIST);
			mc_actor qx = lead;
			int64_t at = work_at(tc, day, 8, 10);
			rc =
			    step(st, tc, &xa, child.id, MC_TASK_ACT_REPORT, "Đã bố trí công chức", 60, 0, at);
			/* The first commune finishes, the second half-way, the third late. */
			if (rc == 0 && made != 1)
				rc = step(st, tc, &xa, child.id, MC_TASK_ACT_PROPOSE_DONE, "Đã hoàn thành",
					  -1, 0, work_at(tc, day, made == 0 ? 12 : 40, 9));
			if (rc == 0 && made != 1)
				rc = step(st, tc, &qx, child.id, MC_TASK_ACT_CONFIRM, NULL, -1, 0,
					  work_at(tc, day, made == 0 ? 13 : 41, 9));
		}
		mc_task_clear(&child);
		made++;
	}
	return rc;
}

/* Takes task t, assigned on day, through its life. */
static int live(mc_store *st, const mc_time_ctx *tc, const mc_actor *province, const mc_task *t, life l,
		int32_t day, int days)
{
	mc_actor lead = officer(tc, t->unit_id, MC_ROLE_LEADER);
	mc_actor spec = officer(tc, t->unit_id, MC_ROLE_SPECIALIST);
	int rc = 0;
	int when_done = l == LIFE_DONE_LATE ? days + 6 : days > 3 ? days - 2 : days;
	if (l == LIFE_NONE)
		return 0;
	rc = step(st, tc, &spec, t->id, MC_TASK_ACT_START, NULL, -1, 0, work_at(tc, day, 1, 8));
	if (rc == 0 && l != LIFE_RECURRING)
		rc = step(st, tc, &spec, t->id, MC_TASK_ACT_REPORT, "Đang triển khai", 30, 0,
			  work_at(tc, day, 3, 15));
	switch (l) {
	case LIFE_DONE:
	case LIFE_DONE_LATE:
	case LIFE_PROPOSED:
		if (rc == 0)
			rc = step(st, tc, &lead, t->id, MC_TASK_ACT_PROPOSE_DONE,
				  "Đã hoàn thành, gửi kèm báo cáo", -1, 0, work_at(tc, day, when_done, 9));
		if (rc == 0 && l != LIFE_PROPOSED)
			rc = step(st, tc, province, t->id, MC_TASK_ACT_CONFIRM, NULL, -1, 0,
				  work_at(tc, day, when_done + 1, 10));
		break;
	case LIFE_EXTENDED:
		if (rc == 0)
			rc = step(st, tc, &lead, t->id, MC_TASK_ACT_REQUEST_EXTENSION,
				  "Nhà thầu chậm bàn giao hạ tầng máy chủ", -1, t->due + 21,
				  work_at(tc, day, days - 3, 9));
		if (rc == 0)
			rc = step(st, tc, province, t->id, MC_TASK_ACT_GRANT_EXTENSION, NULL, -1, 0,
				  work_at(tc, day, days - 2, 14));
		if (rc == 0)
			rc = step(st, tc, &lead, t->id, MC_TASK_ACT_PROPOSE_DONE, "Đã nâng cấp xong", -1, 0,
				  work_at(tc, day, days + 8, 9));
		if (rc == 0)
			rc = step(st, tc, province, t->id, MC_TASK_ACT_CONFIRM, NULL, -1, 0,
				  work_at(tc, day, days + 9, 9));
		break;
	case LIFE_ASKING:
		if (rc == 0)
			rc = step(st, tc, &lead, t->id, MC_TASK_ACT_REQUEST_EXTENSION,
				  "Chờ ý kiến của Bộ Kế hoạch và Đầu tư", -1, t->due + 30,
				  work_at(tc, day, days - 2, 9));
		break;
	case LIFE_SENT_BACK:
		if (rc == 0)
			rc = step(st, tc, &lead, t->id, MC_TASK_ACT_PROPOSE_DONE, "Đã kiện toàn", -1, 0,
				  work_at(tc, day, days - 4, 9));
		if (rc == 0)
			rc = step(st, tc, province, t->id, MC_TASK_ACT_SEND_BACK,
				  "Quyết định chưa phân công công chức thường trực", -1, 0,
				  work_at(tc, day, days - 3, 9));
		break;
	case LIFE_SUSPENDED:
		if (rc == 0)
			rc = step(st, tc, province, t->id, MC_TASK_ACT_SUSPEND,
				  "Chờ hướng dẫn của Bộ Tài chính", -1, 0, work_at(tc, day, 6, 9));
		break;
	case LIFE_CANCELLED:
		if (rc == 0)
			rc = step(st, tc, province, t->id, MC_TASK_ACT_CANCEL,
				  "Đã giao Ban Chỉ đạo liên ngành", -1, 0, work_at(tc, day, 2, 9));
		break;
	case LIFE_DELEGATED:
		if (rc == 0)
			rc = delegate(st, tc, t, day);
		break;
	case LIFE_RECURRING:
		/* May and June reported, on the last working days. */
		if (rc == 0)
			rc = step(st, tc, &spec, t->id, MC_TASK_ACT_REPORT, "Báo cáo tháng 5/2017", -1, 0,
				  work_at(tc, mc_days_from_civil(2017, 5, 29), 0, 9));
		if (rc == 0)
			rc = step(st, tc, &spec, t->id, MC_TASK_ACT_REPORT, "Báo cáo tháng 6/2017", -1, 0,
				  work_at(tc, mc_days_from_civil(2017, 6, 28), 0, 9));
		break;
	default:
		break;
	}
	return rc;
}

int mc_demo_tasks(mc_store *st, const mc_time_ctx *tc, FILE *log)
{
	const mc_unit *root = mc_time_ctx_root(tc);
	size_t made = 0;
	int rc = root ? mc_store_begin(st) : MC_EINVAL;
	if (rc)
		return rc;
	/* The directives are the provincial People's Committee's: its
	 * Chairman's account (province.json) assigns and confirms; a province
	 * without one signs its steps with the office's title. */
	mc_actor province = officer(tc, root->id, MC_ROLE_LEADER);
	mc_user chair = {0};
	if (mc_store_user_by_username(st, &chair, NULL, 0, DEMO_CHAIR) == 0 && chair.unit_id == root->id &&
	    chair.role == MC_ROLE_LEADER) {
		province.user_id = chair.id;
		snprintf(province.name, sizeof province.name, "%s", chair.full_name);
	} else {
		snprintf(province.name, sizeof province.name, "Chủ tịch UBND tỉnh");
	}
	mc_user_clear(&chair);
	for (size_t d = 0; rc == 0 && d < MC_ARRAY_LEN(directives); d++) {
		const directive_seed *ds = &directives[d];
		int32_t day = mc_days_from_civil(2017, ds->month, ds->day);
		for (size_t i = 0; rc == 0 && i < ds->n; i++) {
			const task_seed *s = &ds->tasks[i];
			const mc_unit *u = mc_time_ctx_unit_by_code(tc, s->unit);
			const mc_unit *c =
			    s->cooperating ? mc_time_ctx_unit_by_code(tc, s->cooperating) : NULL;
			int64_t coop = c ? c->id : 0;
			mc_task t = {0};
			if (!u) {
				rc = MC_EINVAL;
				break;
			}
			bool recurring = s->life == LIFE_RECURRING;
			mc_task_new in = {.directive = ds->directive,
					  .title = s->title,
					  .product = s->product,
					  .unit_id = u->id,
					  .cooperating = coop ? &coop : NULL,
					  .n_cooperating = coop ? 1 : 0,
					  .due_kind = recurring ? MC_TASK_DUE_RECURRING : MC_TASK_DUE_DATE,
					  .due_in_days = recurring ? 0 : s->days,
					  .period = recurring ? MC_TASK_PERIOD_MONTH : MC_TASK_PERIOD_NONE};
			rc = mc_app_task_create(st, tc, &province, &in, work_at(tc, day, 0, 8), &t);
			if (rc == 0)
				rc = live(st, tc, &province, &t, s->life, day, s->days);
			if (rc != 0)
				fprintf(stderr, "demo: task %s: %s\n", s->title, mc_err_last()->msg);
			mc_task_clear(&t);
			made++;
		}
	}
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
	if (rc == 0 && log)
		fprintf(log, "motcua: %zu tasks of %zu directives of 2017 followed\n", made,
			MC_ARRAY_LEN(directives));
	return rc;
}
