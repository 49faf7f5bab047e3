/*
 * generate.c - the lives of the demo's dossiers: which procedure at which
 * unit, who files it and how (at the desk, by post, online), what happens to
 * it after (reception, transfers, supplements, fees, decisions, returns,
 * refusals, withdrawals, stops), by whom and on which working days, and how
 * many run late. Each life is carried out by a sink (sink.h): through the
 * app layer action by action, or in bulk.
 */
#include "demo/demo.h"
#include "demo/sink.h"

#include "app/apology.h"
#include "app/dossier.h"

#include "core/deadline.h"
#include "core/dossier.h"
#include "core/mc.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64: small, fast, and the same on every platform. */
typedef struct {
	uint64_t s;
} rng;

static uint64_t rnd(rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in lo..hi inclusive. */
static int64_t rnd_range(rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(rnd(r) % (uint64_t)(hi - lo + 1));
}

static bool chance(rng *r, int percent)
{
	return rnd_range(r, 0, 99) < percent;
}

#define PICK(r, arr) ((arr)[rnd_range((r), 0, (int64_t)MC_ARRAY_LEN(arr) - 1)])

/* Family names weighted roughly as in Thanh Hóa (Nguyễn, Lê, Trần, Phạm,
 * Hoàng lead); Lò, Hà, Lương, Cầm, Phạm are common among the Thái and Mường
 * of the western districts. */
static const char *const family_names[] = {
    "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Lê",   "Lê",    "Lê",   "Lê",	"Trần",	 "Trần",
    "Phạm",   "Phạm",	"Hoàng",  "Hoàng",  "Vũ",     "Đỗ",   "Bùi",   "Đặng", "Ngô",	"Trịnh", "Mai",
    "Lương",  "Hà",	"Lò",	  "Cầm",    "Cao",    "Đinh", "Quách", "Hồ",   "Thiều", "Tống",	 "Văn"};
static const char *const male_middle[] = {"Văn", "Văn",	 "Văn",	  "Đình", "Xuân", "Hữu",   "Quang", "Minh",
					  "Đức", "Ngọc", "Trọng", "Bá",	  "Công", "Thanh", "Mạnh",  "Anh"};
static const char *const male_given[] = {"Hùng",  "Dũng", "Tuấn",  "Nam",   "Long", "Sơn",   "Thắng", "Cường",
					 "Hải",	  "Quân", "Hoàng", "Trung", "Tiến", "Thành", "Đạt",   "Khánh",
					 "Phong", "Hiếu", "Lâm",   "Tùng",  "Bình", "Chiến", "Toàn",  "Vinh"};
static const char *const female_middle[] = {"Thị",  "Thị", "Thị",   "Thị Thu", "Thị Hồng", "Thị Minh",
					    "Ngọc", "Thu", "Thanh", "Thị Kim", "Phương",   "Hải"};
static const char *const female_given[] = {
    "Lan",    "Hương", "Hoa", "Mai",  "Hằng", "Nga",  "Thảo", "Trang", "Linh", "Huyền", "Yến",	 "Nhung",
    "Phương", "Hà",    "Vân", "Ngọc", "Dung", "Loan", "Thủy", "Oanh",  "Tâm",  "Hạnh",	"Quỳnh", "Giang"};
static const char *const firm_kinds[] = {"Công ty TNHH", "Công ty TNHH", "Công ty cổ phần", "Hợp tác xã",
					 "Doanh nghiệp tư nhân"};
static const char *const firm_trades[] = {"Thương mại", "Xây dựng",  "Vận tải", "Dịch vụ",
					  "Đầu tư",	"Thực phẩm", "Du lịch", "Cơ khí"};
static const char *const firm_names[] = {"Hoàng Long", "Minh Phát", "Lam Sơn",	 "Hàm Rồng",
					 "Sông Mã",    "Nghi Sơn",  "Thành Đạt", "Hải Tiến",
					 "Bến En",     "Xứ Thanh",  "Phú Quý",	 "Đông Á"};
static const char *const hamlets[] = {"Thôn Đông",   "Thôn Tây", "Thôn Nam",  "Thôn Bắc",      "Thôn Trung",
				      "Thôn 1",	     "Thôn 2",	 "Thôn 3",    "Thôn 5",	       "Xóm Mới",
				      "Thôn Thượng", "Thôn Hạ",	 "Làng Chùa", "Thôn Yên Trung"};
static const char *const streets[] = {"Lê Lai",	     "Trần Phú",     "Hạc Thành",    "Lê Hoàn",
				      "Bà Triệu",    "Nguyễn Trãi",  "Tống Duy Tân", "Phan Chu Trinh",
				      "Quang Trung", "Đại lộ Lê Lợi"};

/* Reasons, in the words the desk and the leaders write. */
static const char *const refuse_notes[] = {
    "Thành phần hồ sơ không đúng quy định; hướng dẫn công dân hoàn thiện và nộp lại",
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan; hướng dẫn nộp tại cơ quan có thẩm quyền",
    "Thông tin trong tờ khai không khớp với giấy tờ tùy thân",
    "Bản sao không có chứng thực, không xuất trình được bản chính để đối chiếu"};
static const char *const stop_notes[] = {
    "Người nộp hồ sơ không bổ sung hồ sơ theo yêu cầu trong thời hạn quy định",
    "Có đơn tranh chấp liên quan đến nội dung hồ sơ; tạm dừng giải quyết theo quy định",
    "Cơ quan có thẩm quyền đề nghị dừng giải quyết để xác minh"};
static const char *const withdraw_notes[] = {"Công dân có đơn đề nghị rút hồ sơ",
					     "Người nộp hồ sơ đề nghị rút hồ sơ để điều chỉnh nội dung",
					     "Rút hồ sơ theo đề nghị của người nộp"};
/* Why a unit ran late, as its apologies (form 04) say. */
static const char *const apology_reasons[] = {
    "Hồ sơ phải xác minh thêm thông tin tại cơ quan khác, chưa nhận được văn bản trả lời",
    "Cán bộ thụ lý nghỉ ốm đột xuất, việc bàn giao hồ sơ chậm",
    "Lượng hồ sơ tiếp nhận tăng đột biến trong tháng, vượt khả năng giải quyết đúng hạn",
    "Phải lấy ý kiến của các phòng, ban chuyên môn liên quan, chưa nhận đủ ý kiến",
    "Kiểm tra thực địa bị hoãn do thời tiết xấu",
    "Hệ thống một cửa điện tử gián đoạn, chậm chuyển hồ sơ giữa các bộ phận",
};

static const char *const deny_notes[] = {"Không đủ điều kiện theo quy định của pháp luật",
					 "Kết quả thẩm định không đạt; trả lời bằng văn bản nêu rõ lý do",
					 "Thửa đất thuộc quy hoạch, không đủ điều kiện giải quyết"};

/* 1234567 -> "1.234.567", the Vietnamese way. Returns buf. */
static const char *format_vnd(char *buf, size_t cap, int64_t amount)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%lld", (long long)(amount < 0 ? 0 : amount));
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = '.';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

typedef struct {
	mc_procedure p;	  /* with parts */
	bool inter_level; /* received at a commune, decided at its district */
	bool land;	  /* district land work done with the provincial land registry */
	bool firm;	  /* mostly filed by organisations */
	int64_t fee_total;
} demo_proc;

typedef struct {
	mc_store *st;
	const mc_time_ctx *tc;
	rng r;
	int64_t now; /* the demo's present: nothing happens after it */
	mc_unit *units;
	size_t n_units;
	mc_user *users;
	size_t n_users;
	demo_proc *procs;
	size_t n_procs;
	const mc_user *citizen; /* "congdan", or NULL */
	char citizen_address[512];
	int64_t home_district; /* Quảng Xương: where the demo desk works */
	int64_t land_dept;     /* Sở Tài nguyên và Môi trường */
	int64_t by_state[11];
	int64_t late, transferred, events, apologies;
	mc_demo_sink *sink; /* where the lives go */
} generator;

/* One dossier's life. */
typedef struct {
	generator *g;
	const demo_proc *dp;
	mc_dossier d;	    /* as it stands after the last action */
	int64_t t;	    /* time of the last action */
	int64_t worked_min; /* working minutes spent since reception, pauses excluded */
	bool owned;	    /* filed online by the "congdan" account */
	bool late;	    /* meant to run over its statutory time, and apologised for (not one
			     * withdrawn or stopped: those end without a decision to apologise for) */
	bool apologised;    /* its apology issued */
	int supplements;    /* supplement requests made so far */
	char applicant[256];
} life;

static const mc_unit *unit_by_id(const generator *g, int64_t id)
{
	for (size_t i = 0; i < g->n_units; i++) {
		if (g->units[i].id == id)
			return &g->units[i];
	}
	return NULL;
}

static const mc_user *user_in(const generator *g, mc_role role, int64_t unit_id)
{
	for (size_t i = 0; i < g->n_users; i++) {
		if (g->users[i].role == (int)role && g->users[i].unit_id == unit_id && g->users[i].active)
			return &g->users[i];
	}
	return NULL;
}

/* The officer of this role in this unit: a demo account when there is one,
 * else the system acting in the role (the app layer checks role and state;
 * scope is the HTTP layer's). */
static mc_actor officer(const generator *g, mc_role role, int64_t unit_id)
{
	mc_actor a;
	const mc_user *u = user_in(g, role, unit_id);
	memset(&a, 0, sizeof a);
	a.role = role;
	a.unit_id = unit_id;
	if (u) {
		a.user_id = u->id;
		mc_strlcpy(a.name, u->full_name, sizeof a.name);
	} else {
		const char *title = role == MC_ROLE_DESK     ? "Bộ phận một cửa"
				    : role == MC_ROLE_LEADER ? "Lãnh đạo"
							     : "Chuyên viên";
		const mc_unit *unit = unit_by_id(g, unit_id);
		snprintf(a.name, sizeof a.name, "%s %.100s", title, unit ? unit->name : "");
	}
	return a;
}

/* The applicant acting for themself: the "congdan" account on its own
 * dossiers, else the desk on the applicant's behalf. */
static mc_actor applicant_or_desk(const life *l)
{
	mc_actor a;
	if (!l->owned)
		return officer(l->g, MC_ROLE_DESK, l->d.receiving_unit_id);
	memset(&a, 0, sizeof a);
	a.user_id = l->g->citizen->id;
	a.role = MC_ROLE_CITIZEN;
	mc_strlcpy(a.name, l->g->citizen->full_name, sizeof a.name);
	return a;
}

/* The first working instant at or after t, then `minutes` of working time
 * later, in the unit's office hours. */
static int64_t work_after(const generator *g, int64_t unit_id, int64_t t, int64_t minutes)
{
	const mc_workcal *wc = mc_time_ctx_calendar(g->tc);
	const mc_office_hours *oh = mc_time_ctx_hours(g->tc, unit_id);
	return mc_deadline_add(wc, oh, mc_deadline_start(wc, oh, t, -1), minutes);
}

enum { LIFE_GOES_ON = 0, LIFE_PAUSED_BY_NOW = 1 };

/*
 * QĐ 876/2017: a unit that runs past a dossier's due time apologises. Half a
 * working hour after the due time the specialist prepares the apology, an
 * hour later the leader issues it, the new appointment being the app layer's
 * default (two working days at least); it is done when that falls before
 * `next` (the next action, or the demo's present) and the clock still runs.
 * The reason is chosen by the dossier's code, so that the generator's random
 * sequence, and with it every other dossier, stays as it was.
 */
static int apologise_before(life *l, int64_t next)
{
	generator *g = l->g;
	int64_t unit = l->d.current_unit_id;
	unsigned hash = 0;
	if (l->apologised || !mc_app_apology_state_ok(&l->d) || next <= l->d.due_at)
		return 0;
	int64_t prepared = work_after(g, unit, l->d.due_at, 30);
	int64_t issued = work_after(g, unit, prepared, 60);
	if (issued >= next || issued > g->now)
		return 0;
	for (const char *c = l->d.code; c && *c; c++)
		hash = hash * 31u + (unsigned char)*c;
	mc_actor preparer = officer(g, MC_ROLE_SPECIALIST, unit);
	mc_actor leader = officer(g, MC_ROLE_LEADER, unit);
	mc_demo_apology a = {
	    .reason = apology_reasons[hash % MC_ARRAY_LEN(apology_reasons)],
	    .prepared_at = prepared,
	    .issued_at = issued,
	    .new_due = mc_app_apology_default_due(g->tc, &l->d, issued),
	};
	int rc = g->sink->apologise(g->sink, &l->d, &preparer, &leader, &a);
	if (rc != 0) {
		fprintf(stderr, "demo: %s: the apology failed (%d)\n", l->d.code, rc);
		return rc;
	}
	l->apologised = true;
	g->events++;
	g->apologies++;
	return 0;
}

/*
 * Performs req by actor `minutes` of working time (in unit_id's hours) after
 * the previous action. Returns LIFE_PAUSED_BY_NOW when that falls after the
 * demo's present (nothing is done; the dossier stays as it is), 0 when done,
 * or the app layer's error.
 */
static int act(life *l, const mc_actor *actor, mc_action_req *req, int64_t unit_id, int64_t minutes,
	       bool counts)
{
	generator *g = l->g;
	int64_t at = work_after(g, unit_id, l->t, minutes < 1 ? 1 : minutes);
	int rc;
	if (l->late) {
		rc = apologise_before(l, at);
		if (rc != 0)
			return rc;
	}
	if (at > g->now)
		return LIFE_PAUSED_BY_NOW;
	req->at = at;
	rc = g->sink->act(g->sink, &l->d, actor, req, &l->dp->p);
	if (rc != 0) {
		fprintf(stderr, "demo: %s: %s by %s failed (%d)\n", l->d.code, mc_action_name(req->action),
			mc_role_name(actor->role), rc);
		return rc;
	}
	l->t = at;
	g->events++;
	if (counts)
		l->worked_min += minutes;
	return 0;
}

static int act_simple(life *l, mc_action action, mc_role role, int64_t unit_id, const char *note,
		      int64_t minutes, bool counts)
{
	mc_actor a = officer(l->g, role, unit_id);
	mc_action_req req;
	memset(&req, 0, sizeof req);
	req.action = action;
	req.note = note;
	return act(l, &a, &req, unit_id, minutes, counts);
}

static int act_assign(life *l, mc_role by, mc_role to, int64_t minutes)
{
	int64_t unit = l->d.current_unit_id;
	const mc_user *h = user_in(l->g, to, unit);
	mc_actor a = officer(l->g, by, unit);
	mc_action_req req;
	memset(&req, 0, sizeof req);
	req.action = MC_ACT_ASSIGN;
	req.handler_id = h ? h->id : 0;
	return act(l, &a, &req, unit, minutes, true);
}

static int act_transfer(life *l, int64_t to_unit, int64_t minutes)
{
	int64_t unit = l->d.current_unit_id;
	const mc_unit *target = unit_by_id(l->g, to_unit);
	char note[384];
	mc_actor a = officer(l->g, MC_ROLE_SPECIALIST, unit);
	mc_action_req req;
	snprintf(note, sizeof note, "Chuyển hồ sơ liên thông đến %.300s",
		 target ? target->name : "đơn vị khác");
	memset(&req, 0, sizeof req);
	req.action = MC_ACT_TRANSFER;
	req.to_unit_id = to_unit;
	req.note = note;
	return act(l, &a, &req, unit, minutes, true);
}

/* The applicant brings what was asked for, some working days later. */
static int act_supplement(life *l, const char *doc_name)
{
	mc_actor a = applicant_or_desk(l);
	mc_dossier_doc doc;
	mc_action_req req;
	memset(&doc, 0, sizeof doc);
	doc.name = (char *)doc_name; /* borrowed: the dossier takes a copy */
	doc.originals = 1;
	memset(&req, 0, sizeof req);
	req.action = MC_ACT_SUPPLEMENT;
	req.docs = &doc;
	req.n_docs = 1;
	req.note = "Đã bổ sung hồ sơ theo yêu cầu";
	return act(l, &a, &req, l->d.receiving_unit_id, rnd_range(&l->g->r, 4 * 60, 5 * 8 * 60), false);
}

static int act_pay(life *l)
{
	/* The desk confirms the fee: the payer's own word does not settle it. */
	mc_actor a = officer(l->g, MC_ROLE_DESK, l->d.receiving_unit_id);
	mc_action_req req;
	memset(&req, 0, sizeof req);
	req.action = MC_ACT_PAY;
	req.note = l->owned ? "Đã nộp trực tuyến qua Cổng dịch vụ công" : "Đã nộp biên lai thu phí, lệ phí";
	return act(l, &a, &req, l->d.receiving_unit_id, rnd_range(&l->g->r, 2 * 60, 3 * 8 * 60), false);
}

static const char *supplement_note(life *l, char *buf, size_t cap)
{
	const mc_procedure *p = &l->dp->p;
	if (p->n_docs == 0)
		return "Đề nghị bổ sung giấy tờ còn thiếu theo quy định";
	snprintf(buf, cap, "Đề nghị bổ sung: %.400s",
		 p->docs[rnd_range(&l->g->r, 0, (int64_t)p->n_docs - 1)].name);
	return buf;
}

/* Requests a supplement in the current state; unless the life ends there,
 * the applicant brings it. *stop is set when the life ends. */
static int detour_supplement(life *l, mc_role by, bool ends_here, bool *stop)
{
	char buf[512];
	const char *note = supplement_note(l, buf, sizeof buf);
	/* The applicant is told everything missing at one time: a further
	 * request is the processing unit's leader's (app/dossier.c). */
	if (l->supplements > 0)
		by = MC_ROLE_LEADER;
	int64_t unit = by == MC_ROLE_DESK ? l->d.receiving_unit_id : l->d.current_unit_id;
	int rc =
	    act_simple(l, MC_ACT_REQUEST_SUPPLEMENT, by, unit, note, rnd_range(&l->g->r, 30, 6 * 60), true);
	if (rc == 0)
		l->supplements++;
	if (rc != 0 || ends_here) {
		*stop = true;
		return rc;
	}
	rc = act_supplement(l, note + (strncmp(note, "Đề nghị bổ sung: ", strlen("Đề nghị bổ sung: ")) == 0
					   ? strlen("Đề nghị bổ sung: ")
					   : 0));
	*stop = rc != 0;
	return rc;
}

static int detour_payment(life *l, bool ends_here, bool *stop)
{
	char note[512], amount[32];
	const mc_procedure *p = &l->dp->p;
	int rc;
	if (p->n_fees > 0 && l->dp->fee_total >= 50000)
		snprintf(note, sizeof note, "Đề nghị thực hiện nghĩa vụ tài chính: %.300s (%s đồng)",
			 p->fees[0].name, format_vnd(amount, sizeof amount, l->dp->fee_total));
	else
		snprintf(note, sizeof note,
			 "Đề nghị thực hiện nghĩa vụ tài chính theo thông báo của cơ quan thuế");
	rc = act_simple(l, MC_ACT_REQUEST_PAYMENT, MC_ROLE_SPECIALIST, l->d.current_unit_id, note,
			rnd_range(&l->g->r, 60, 8 * 60), true);
	if (rc != 0 || ends_here) {
		*stop = true;
		return rc;
	}
	rc = act_pay(l);
	*stop = rc != 0;
	return rc;
}

/* The work of the processing phase, as fractions of the time budget. */
static int64_t share(int64_t budget, int percent)
{
	int64_t m = budget * percent / 100;
	return m < 15 ? 15 : m;
}

/*
 * Takes a received dossier through processing towards target. budget is the
 * working time (minutes) the unit will use before the decision: below the
 * statutory time for most, above it for the late ones.
 */
static int live_processing(life *l, mc_state target, int64_t budget)
{
	generator *g = l->g;
	rng *r = &g->r;
	const demo_proc *dp = l->dp;
	bool stop = false;
	int rc;
	/* How far a dossier left in processing gets: 1 assigned, 2 moved on
	 * (transferred when its procedure is), 3 back or at the leader. */
	int stage_cap = target == MC_ST_PROCESSING ? (int)rnd_range(r, 1, 3) : 9;
	int stage = 0;

	rc = act_assign(l, MC_ROLE_DESK, MC_ROLE_SPECIALIST, share(budget, 5));
	if (rc != 0 || ++stage >= stage_cap)
		return rc;

	if (dp->inter_level) {
		/* The commune checks and posts, then sends it up to the district. */
		const mc_unit *u = unit_by_id(g, l->d.current_unit_id);
		if (u && u->parent_id) {
			rc = act_transfer(l, u->parent_id, share(budget, 25));
			if (rc != 0)
				return rc;
			g->transferred++;
			if (++stage >= stage_cap)
				return 0;
		}
	} else if (dp->land && g->land_dept && chance(r, 60)) {
		/* The land registry office (under the department) measures and
		 * records, then sends it back for the decision. */
		int64_t home = l->d.current_unit_id;
		rc = act_transfer(l, g->land_dept, share(budget, 15));
		if (rc != 0)
			return rc;
		g->transferred++;
		if (++stage >= stage_cap)
			return 0;
		rc = act_assign(l, MC_ROLE_SPECIALIST, MC_ROLE_SPECIALIST, share(budget, 5));
		if (rc == 0)
			rc = act_transfer(l, home, share(budget, 35));
		if (rc != 0 || ++stage >= stage_cap)
			return rc;
	}

	if (target == MC_ST_SUPPLEMENT_REQUESTED || (target != MC_ST_PROCESSING && chance(r, 12))) {
		rc = detour_supplement(l, MC_ROLE_SPECIALIST, target == MC_ST_SUPPLEMENT_REQUESTED, &stop);
		if (rc != 0 || stop)
			return rc;
	}
	if (target == MC_ST_AWAITING_PAYMENT ||
	    (target != MC_ST_PROCESSING && dp->fee_total > 0 && chance(r, dp->land ? 60 : 15))) {
		rc = detour_payment(l, target == MC_ST_AWAITING_PAYMENT, &stop);
		if (rc != 0 || stop)
			return rc;
	}
	if (target == MC_ST_STOPPED)
		return act_simple(l, MC_ACT_STOP, MC_ROLE_LEADER, l->d.current_unit_id, PICK(r, stop_notes),
				  share(budget, 30), true);
	if (target == MC_ST_WITHDRAWN) {
		mc_actor a = applicant_or_desk(l);
		mc_action_req req;
		memset(&req, 0, sizeof req);
		req.action = MC_ACT_WITHDRAW;
		req.note = PICK(r, withdraw_notes);
		return act(l, &a, &req, l->d.receiving_unit_id, share(budget, 30), true);
	}
	/* The specialist's report goes to the leader. */
	int64_t left = budget - l->worked_min;
	rc = act_assign(l, MC_ROLE_SPECIALIST, MC_ROLE_LEADER, left > 60 ? left * 8 / 10 : 30);
	if (rc != 0 || target == MC_ST_PROCESSING)
		return rc;
	left = budget - l->worked_min;
	{
		mc_actor a = officer(g, MC_ROLE_LEADER, l->d.current_unit_id);
		mc_action_req req;
		bool denied = chance(r, 6);
		memset(&req, 0, sizeof req);
		req.action = MC_ACT_RESOLVE;
		req.outcome = denied ? 2 : 1;
		req.note = denied ? PICK(r, deny_notes) : NULL;
		rc = act(l, &a, &req, l->d.current_unit_id, left > 15 ? left : 15, true);
		if (rc != 0 || target == MC_ST_RESOLVED)
			return rc;
	}
	/* The applicant collects the result at the desk that took the dossier. */
	return act_simple(l, MC_ACT_RETURN, MC_ROLE_DESK, l->d.receiving_unit_id,
			  "Đã trả kết quả cho người nộp hồ sơ", rnd_range(r, 30, 3 * 8 * 60), false);
}

/* The final state a dossier is meant to reach, in percent. A life that would
 * run past the demo's present stays where it is then. */
static mc_state pick_target(rng *r)
{
	static const struct {
		mc_state state;
		int weight;
	} table[] = {
	    {MC_ST_RETURNED, 38},
	    {MC_ST_RESOLVED, 10},
	    {MC_ST_PROCESSING, 14},
	    {MC_ST_RECEIVED, 5},
	    {MC_ST_SUBMITTED, 4},
	    {MC_ST_NOT_ACCEPTED, 5},
	    {MC_ST_SUPPLEMENT_REQUESTED, 7},
	    {MC_ST_AWAITING_PAYMENT, 6},
	    {MC_ST_WITHDRAWN, 6},
	    {MC_ST_STOPPED, 5},
	};
	int x = (int)rnd_range(r, 0, 99);
	for (size_t i = 0; i < MC_ARRAY_LEN(table); i++) {
		if (x < table[i].weight)
			return table[i].state;
		x -= table[i].weight;
	}
	return MC_ST_RETURNED;
}

static bool level_is(const char *levels, const char *level)
{
	size_t n = strlen(level);
	return strncmp(levels, level, n) == 0 && (levels[n] == ',' || levels[n] == '\0');
}

/* The unit that takes a dossier of dp: the owner, or a unit of the
 * procedure's lowest level that has a one-stop desk, Quảng Xương and its
 * communes more often. */
static const mc_unit *pick_unit(generator *g, const demo_proc *dp)
{
	const mc_unit *cand[1024];
	size_t n = 0, n_home = 0;
	const mc_unit *home[64];
	if (dp->p.unit_id)
		return unit_by_id(g, dp->p.unit_id);
	for (size_t i = 0; i < g->n_units && n < MC_ARRAY_LEN(cand); i++) {
		const mc_unit *u = &g->units[i];
		if (!level_is(dp->p.levels, u->level) || !u->one_stop_since)
			continue;
		cand[n++] = u;
		if ((u->id == g->home_district || u->parent_id == g->home_district) &&
		    n_home < MC_ARRAY_LEN(home))
			home[n_home++] = u;
	}
	if (n == 0)
		return NULL;
	if (n_home > 0 && chance(&g->r, 40))
		return home[rnd_range(&g->r, 0, (int64_t)n_home - 1)];
	return cand[rnd_range(&g->r, 0, (int64_t)n - 1)];
}

/* Strips "UBND " from a unit name for use in an address. */
static const char *place_name(const mc_unit *u)
{
	return strncmp(u->name, "UBND ", 5) == 0 ? u->name + 5 : u->name;
}

/* An address in the unit's area: a hamlet of one of its communes, a street of
 * the city, or a hamlet of the district. */
static void make_address(generator *g, char *out, size_t cap, const mc_unit *u)
{
	const mc_unit *commune = NULL, *district = NULL;
	rng *r = &g->r;
	if (!u || strcmp(u->level, "district") != 0) {
		if (u && strcmp(u->level, "commune") == 0) {
			commune = u;
			district = unit_by_id(g, u->parent_id);
		} else {
			/* A department's applicant lives anywhere in the province. */
			const mc_unit *ds[64];
			size_t n = 0;
			for (size_t i = 0; i < g->n_units && n < MC_ARRAY_LEN(ds); i++) {
				if (strcmp(g->units[i].level, "district") == 0)
					ds[n++] = &g->units[i];
			}
			if (n == 0) {
				mc_strlcpy(out, "Tỉnh Thanh Hóa", cap);
				return;
			}
			district = ds[rnd_range(r, 0, (int64_t)n - 1)];
		}
	} else {
		district = u;
	}
	if (!commune && district) {
		const mc_unit *cs[32];
		size_t n = 0;
		for (size_t i = 0; i < g->n_units && n < MC_ARRAY_LEN(cs); i++) {
			if (g->units[i].parent_id == district->id)
				cs[n++] = &g->units[i];
		}
		if (n > 0 && chance(r, 80))
			commune = cs[rnd_range(r, 0, (int64_t)n - 1)];
	}
	if (commune && strncmp(place_name(commune), "phường", strlen("phường")) == 0)
		snprintf(out, cap, "Số %d %s, %.150s, %.150s, tỉnh Thanh Hóa", (int)rnd_range(r, 1, 250),
			 PICK(r, streets), place_name(commune), district ? place_name(district) : "");
	else if (commune)
		snprintf(out, cap, "%s, %.150s, %.150s, tỉnh Thanh Hóa", PICK(r, hamlets),
			 place_name(commune), district ? place_name(district) : "");
	else
		snprintf(out, cap, "%s, %.150s, tỉnh Thanh Hóa", PICK(r, hamlets),
			 district ? place_name(district) : "");
}

/* A Vietnamese applicant: a person (family, middle, given name) with a
 * 12-digit CCCD (038 = Thanh Hóa, then the sex-and-century digit and the
 * year of birth), or an organisation. */
static void make_applicant(generator *g, life *l, mc_dossier_new *in, char *id_number, char *phone,
			   char *email)
{
	rng *r = &g->r;
	bool female = chance(r, 50);
	int born = (int)rnd_range(r, 1950, 1999);
	bool firm = l->dp->firm && chance(r, 80);
	if (firm) {
		snprintf(l->applicant, sizeof l->applicant, "%s %s %s", PICK(r, firm_kinds),
			 PICK(r, firm_trades), PICK(r, firm_names));
	} else {
		snprintf(l->applicant, sizeof l->applicant, "%s %s %s", PICK(r, family_names),
			 female ? PICK(r, female_middle) : PICK(r, male_middle),
			 female ? PICK(r, female_given) : PICK(r, male_given));
	}
	if (!firm)
		snprintf(id_number, 16, "038%d%02d%06d", female ? 1 : 0, born % 100,
			 (int)rnd_range(r, 0, 999999));
	else /* an organisation: its tax code (mã số doanh nghiệp; 28 = Thanh Hóa) */
		snprintf(id_number, 16, "28%08d", (int)rnd_range(r, 0, 99999999));
	snprintf(phone, 16, "09%08d", (int)rnd_range(r, 0, 99999999));
	email[0] = '\0';
	if (chance(r, 30))
		snprintf(email, 64, "hoso%06d@gmail.com", (int)rnd_range(r, 0, 999999));
	in->applicant_name = l->applicant;
	in->applicant_id_number = id_number;
	in->applicant_phone = phone;
	in->applicant_email = email;
}

static int live_one(generator *g, int64_t filed_at)
{
	rng *r = &g->r;
	life l;
	mc_dossier_new in;
	mc_dossier_doc docs[16];
	char id_number[16], phone[16], email[64], address[512];
	mc_actor filer;
	const mc_unit *unit = NULL;
	mc_state target = pick_target(r);
	int rc = 0;
	bool stop = false, filed = false;

	memset(&l, 0, sizeof l);
	memset(&in, 0, sizeof in);
	l.g = g;
	/* A dossier meant to wait for the desk was filed online, which only
	 * level 3 and 4 services take. */
	for (int tries = 0; tries < 64 && !unit; tries++) {
		l.dp = &g->procs[rnd_range(r, 0, (int64_t)g->n_procs - 1)];
		if (target == MC_ST_SUBMITTED && l.dp->p.online_level < 3)
			continue;
		unit = pick_unit(g, l.dp);
	}
	if (!unit)
		return MC_ENOTFOUND;

	/* Online filings are the ones of level 3 and 4 services; postal ones are rare. */
	in.channel = MC_CH_DIRECT;
	if (l.dp->p.online_level >= 3 && (target == MC_ST_SUBMITTED || chance(r, 45)))
		in.channel = MC_CH_ONLINE;
	else if (chance(r, 5))
		in.channel = MC_CH_POSTAL;
	in.procedure_code = l.dp->p.code;
	in.unit_id = unit->id;
	make_applicant(g, &l, &in, id_number, phone, email);
	make_address(g, address, sizeof address, unit);
	in.applicant_address = address;
	if (in.channel == MC_CH_ONLINE && g->citizen && chance(r, 25)) {
		const mc_user *c = g->citizen;
		l.owned = true;
		mc_strlcpy(l.applicant, c->full_name, sizeof l.applicant);
		in.applicant_id_number = c->id_number;
		in.applicant_phone = c->phone;
		in.applicant_email = c->email;
		if (g->citizen_address[0])
			in.applicant_address = g->citizen_address;
	}
	in.n_docs = l.dp->p.n_docs < MC_ARRAY_LEN(docs) ? l.dp->p.n_docs : MC_ARRAY_LEN(docs);
	memset(docs, 0, sizeof docs);
	for (size_t i = 0; i < in.n_docs; i++) {
		docs[i].seq = (int)i + 1;
		docs[i].name = (char *)l.dp->p.docs[i].name; /* borrowed from the procedure */
		docs[i].originals = l.dp->p.docs[i].originals;
		docs[i].copies = l.dp->p.docs[i].copies;
	}
	in.docs = docs;

	if (in.channel == MC_CH_ONLINE) {
		/* Citizens file at any hour, mostly in the day and evening. */
		int64_t local = filed_at + MC_TZ_OFFSET;
		int64_t sec = local % 86400;
		if (sec < 6 * 3600)
			filed_at += 6 * 3600 + rnd_range(r, 0, 3 * 3600);
		in.at = filed_at;
		if (l.owned) {
			memset(&filer, 0, sizeof filer);
			filer.user_id = g->citizen->id;
			filer.role = MC_ROLE_CITIZEN;
			mc_strlcpy(filer.name, g->citizen->full_name, sizeof filer.name);
		} else {
			/* Filed through the portal without an account in this demo: the
			 * record is the desk's, the applicant acts at the desk. */
			memset(&filer, 0, sizeof filer);
			filer.role = MC_ROLE_CITIZEN;
			mc_strlcpy(filer.name, l.applicant, sizeof filer.name);
		}
	} else {
		in.at = work_after(g, unit->id, filed_at, rnd_range(r, 0, 60));
		filer = officer(g, MC_ROLE_DESK, unit->id);
	}
	if (in.at > g->now)
		return 0;
	rc = g->sink->file(g->sink, &l.d, &filer, &in);
	if (rc != 0) {
		fprintf(stderr, "demo: could not file a dossier of %s at %s (%d)\n", l.dp->p.code, unit->code,
			rc);
		goto cleanup;
	}
	filed = true;
	g->events++;
	l.t = in.at;

	/* Lateness: most units decide well within time, some run over. */
	int64_t statutory = (int64_t)l.d.duration_hours * 60;
	bool late = chance(r, 14);
	l.late = late && target != MC_ST_WITHDRAWN && target != MC_ST_STOPPED;
	int64_t budget =
	    late ? statutory * rnd_range(r, 105, 180) / 100 : statutory * rnd_range(r, 30, 92) / 100;

	if (in.channel == MC_CH_ONLINE) {
		int64_t wait = rnd_range(r, 20, 6 * 60);
		if (target == MC_ST_SUBMITTED)
			goto cleanup;
		if (target == MC_ST_NOT_ACCEPTED) {
			rc = act_simple(&l, MC_ACT_REFUSE, MC_ROLE_DESK, unit->id, PICK(r, refuse_notes),
					wait, false);
			goto cleanup;
		}
		if (target == MC_ST_WITHDRAWN && chance(r, 30)) {
			mc_actor a = applicant_or_desk(&l);
			mc_action_req req;
			memset(&req, 0, sizeof req);
			req.action = MC_ACT_WITHDRAW;
			req.note = PICK(r, withdraw_notes);
			rc = act(&l, &a, &req, unit->id, wait, false);
			goto cleanup;
		}
		if (chance(r, 10) || (target == MC_ST_SUPPLEMENT_REQUESTED && chance(r, 30))) {
			/* Missing papers found before reception: the clock has not started. */
			rc = detour_supplement(&l, MC_ROLE_DESK, target == MC_ST_SUPPLEMENT_REQUESTED, &stop);
			if (rc != 0 || stop)
				goto cleanup;
		}
		rc = act_simple(&l, MC_ACT_RECEIVE, MC_ROLE_DESK, unit->id, NULL, wait, false);
		if (rc != 0)
			goto cleanup;
	} else if (target == MC_ST_NOT_ACCEPTED) {
		rc = act_simple(&l, MC_ACT_REFUSE, MC_ROLE_DESK, unit->id, PICK(r, refuse_notes),
				rnd_range(r, 5, 30), false);
		goto cleanup;
	}
	if (target == MC_ST_RECEIVED)
		goto cleanup;
	rc = live_processing(&l, target, budget);
cleanup:
	if (rc == LIFE_PAUSED_BY_NOW)
		rc = 0;
	/* Still open and past its due time at the demo's present: apologised for. */
	if (rc == 0 && filed && target != MC_ST_WITHDRAWN && target != MC_ST_STOPPED)
		rc = apologise_before(&l, g->now + 1);
	if (rc == 0 && filed)
		rc = g->sink->end(g->sink, &l.d, &l.dp->p);
	if (rc == 0 && l.d.id) {
		if (l.d.state >= 1 && l.d.state <= 10)
			g->by_state[l.d.state]++;
		mc_timing timing = mc_app_dossier_timing(&l.d);
		if (mc_stats_late(&timing, g->now))
			g->late++;
	}
	mc_dossier_clear(&l.d);
	return rc;
}

static int cmp_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool field_is(const char *field, const char *prefix)
{
	return strncmp(field, prefix, strlen(prefix)) == 0;
}

/* Loads what the generator draws from: units, accounts, active procedures. */
static int gen_setup(generator *g)
{
	mc_procedure *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	mc_proc_query q;
	int rc;

	rc = mc_store_unit_list(g->st, &g->units, &g->n_units);
	if (rc == 0)
		rc = mc_store_user_list(g->st, &g->users, &g->n_users, 0);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < g->n_users; i++) {
		if (strcmp(g->users[i].username, "congdan") == 0 && g->users[i].role == MC_ROLE_CITIZEN)
			g->citizen = &g->users[i];
	}
	if (g->citizen)
		mc_demo_account_address(g->citizen_address, sizeof g->citizen_address, g->citizen->username);
	for (size_t i = 0; i < g->n_units; i++) {
		if (strcmp(g->units[i].name, "UBND huyện Quảng Xương") == 0)
			g->home_district = g->units[i].id;
		if (strcmp(g->units[i].name, "Sở Tài nguyên và Môi trường") == 0)
			g->land_dept = g->units[i].id;
	}

	/* The detailed procedures, the ones with steps: the catalogue entries
	 * have none and take no demo dossiers. */
	memset(&q, 0, sizeof q);
	q.limit = 200;
	for (;;) {
		size_t cap = g->n_procs;
		rc = mc_store_procedure_search(g->st, &list, &n, &total, &q);
		if (rc != 0)
			return rc;
		g->procs = mc_xrealloc(g->procs, (cap + n + 1) * sizeof *g->procs);
		for (size_t i = 0; i < n && rc == 0; i++) {
			demo_proc *dp = &g->procs[g->n_procs];
			memset(dp, 0, sizeof *dp);
			if (strcmp(list[i].status, "active") != 0)
				continue;
			rc = mc_store_procedure_get(g->st, &dp->p, list[i].code, true);
			if (rc == 0 && dp->p.n_steps == 0) {
				mc_procedure_clear(&dp->p);
				continue;
			}
			if (rc == 0)
				g->n_procs++;
		}
		mc_procedure_free_list(list, n);
		q.offset += (int)n;
		if (rc != 0 || n == 0 || q.offset >= total)
			break;
	}
	for (size_t i = 0; i < g->n_procs && rc == 0; i++) {
		demo_proc *dp = &g->procs[i];
		dp->inter_level = level_is(dp->p.levels, "commune") && strchr(dp->p.levels, ',') != NULL;
		dp->land = !dp->inter_level && !dp->p.unit_id && field_is(dp->p.field, "Đất đai") &&
			   level_is(dp->p.levels, "district");
		dp->firm = strstr(dp->p.target, "Tổ chức") || strstr(dp->p.target, "Doanh nghiệp") ||
			   strstr(dp->p.target, "Thương nhân") || strstr(dp->p.target, "Cơ sở");
		for (size_t f = 0; f < dp->p.n_fees; f++)
			dp->fee_total += dp->p.fees[f].amount;
	}
	if (rc == 0 && g->n_procs == 0) {
		fprintf(stderr, "demo: no active procedures; load the demo province first\n");
		rc = MC_ENOTFOUND;
	}
	return rc;
}

int mc_demo_generate(mc_demo_sink *sink, mc_store *st, const mc_time_ctx *tc, int count, uint32_t seed,
		     int64_t from, int64_t to, FILE *log)
{
	generator g;
	int64_t *filed = NULL;
	int rc;
	int done = 0;
	bool in_tx = false;

	memset(&g, 0, sizeof g);
	if (count < 0 || to <= from)
		return MC_EINVAL;
	g.st = st;
	g.tc = tc;
	g.r.s = seed;
	g.now = to;
	g.sink = sink;
	rc = gen_setup(&g);
	if (rc != 0)
		goto cleanup;

	/* Filing times first, in order, so each unit's daily numbers follow the clock. */
	filed = mc_xcalloc(count ? (size_t)count : 1, sizeof *filed);
	for (int i = 0; i < count; i++)
		filed[i] = rnd_range(&g.r, from, to - 1);
	qsort(filed, (size_t)count, sizeof *filed, cmp_time);

	for (int i = 0; i < count; i++) {
		if (!in_tx) {
			rc = mc_store_begin(st);
			if (rc != 0)
				goto cleanup;
			in_tx = true;
		}
		rc = live_one(&g, filed[i]);
		if (rc != 0)
			goto cleanup;
		if ((i + 1) % sink->batch == 0 || i + 1 == count) {
			rc = mc_store_commit(st);
			if (rc != 0)
				goto cleanup;
			in_tx = false;
			done = i + 1;
			if (sink->progress_every && log && done % sink->progress_every == 0) {
				fprintf(log, "demo dossiers: %d of %d\n", done, count);
				fflush(log);
			}
		}
	}
	if (log) {
		int64_t filed_n = 0;
		for (int s = 1; s <= 10; s++)
			filed_n += g.by_state[s];
		fprintf(log,
			"demo dossiers: %lld filed, %lld events, %lld transferred, %lld late or overdue, "
			"%lld apologised for;",
			(long long)filed_n, (long long)g.events, (long long)g.transferred, (long long)g.late,
			(long long)g.apologies);
		for (int s = 1; s <= 10; s++)
			fprintf(log, " %s %lld%s", mc_state_name((mc_state)s), (long long)g.by_state[s],
				s < 10 ? "," : "\n");
	}
cleanup:
	if (in_tx)
		mc_store_rollback(st);
	if (rc != 0 && log)
		fprintf(log, "demo dossiers: stopped after %d committed dossiers (%d)\n", done, rc);
	free(filed);
	for (size_t i = 0; i < g.n_procs; i++)
		mc_procedure_clear(&g.procs[i].p);
	free(g.procs);
	mc_unit_free_list(g.units, g.n_units);
	mc_user_free_list(g.users, g.n_users);
	return rc;
}

int mc_demo_dossiers(mc_store *st, const mc_time_ctx *tc, int count, uint32_t seed, int64_t from, int64_t to,
		     FILE *log)
{
	mc_demo_sink *sink = mc_demo_sink_live(st, tc);
	int rc = mc_demo_generate(sink, st, tc, count, seed, from, to, log);
	mc_demo_sink_free(sink);
	return rc;
}

int mc_demo_dossiers_bulk(mc_store *st, const mc_time_ctx *tc, int count, uint32_t seed, int64_t from,
			  int64_t to, FILE *log)
{
	mc_demo_sink *sink = mc_demo_sink_bulk(st, tc);
	int rc = mc_demo_generate(sink, st, tc, count, seed, from, to, log);
	mc_demo_sink_free(sink);
	return rc;
}

void mc_demo_sink_free(mc_demo_sink *sink)
{
	if (sink)
		sink->free(sink);
}
