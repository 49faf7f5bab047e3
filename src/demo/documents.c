/*
 * documents.c - the official documents of the demo province in 2017: the
 * provincial People's Committee's outgoing and incoming registers, with
 * report 6366/BC-UBND of 24/05/2017 on administrative reform (the source
 * report) among its outgoing documents, and documents received from the
 * central bodies and a district, numbered in order of arrival (số đến).
 *
 * The outgoing numbers are those the documents bore (a register of 2017
 * holds thousands; the demo keeps a few), so they are written as they are,
 * not drawn from the counter: the counters start where a new year starts.
 *
 * Sở Tài nguyên và Môi trường and UBND huyện Quảng Xương have their own
 * registers of 2017 too, with a few outgoing documents each and what they
 * received, so that the reform index's criterion 7.3 (documents signed and
 * sent electronically, docs/par-index.md §3) has something to count there.
 * Most of theirs were signed and sent to the province: cli/demo_sign.c
 * signs them at init and sends them through the exchange inside the
 * deployment (mc_app_document_dispatch), except those marked unsigned here
 * or with no recipient unit (sent on paper).
 *
 * After that, mc_demo_year (`init --demo --documents N`) gives every other
 * department and district its registers and a year of unsigned documents
 * between the units, issued, delivered, registered and assigned as the
 * application would, numbered through the registers' counters.
 */
#include "demo/demo.h"

#include "app/document.h"
#include "core/document.h"
#include "store/store_document.h"

#include "app/dossier.h"
#include "core/text.h"
#include "core/workcal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROVINCE "000.00.00.H56"

typedef struct {
	int64_t number;
	const char *notation; /* after the "/" */
	const char *type;
	int y, m, d;
	const char *subject;
	const char *signer_position;
} outgoing;

/* Numbers and dates as such documents bear them; subjects as the report
 * names the work of the first half of 2017. */
static const outgoing out_docs[] = {
    {5120, "UBND-KSTTHC", "cong_van", 2017, 5, 5,
     "Về việc đẩy mạnh thực hiện cơ chế một cửa, một cửa liên thông tại UBND cấp xã", "KT. CHỦ TỊCH"},
    {1522, "QĐ-UBND", "quyet_dinh", 2017, 5, 8,
     "Về việc công bố danh mục thủ tục hành chính được chuẩn hóa thuộc thẩm quyền giải quyết của Sở Tài "
     "nguyên và Môi trường",
     "KT. CHỦ TỊCH"},
    {6366, "BC-UBND", "bao_cao", 2017, 5, 24,
     "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2017; nhiệm vụ trọng tâm 6 tháng cuối "
     "năm "
     "2017",
     "TM. ỦY BAN NHÂN DÂN"},
    {6890, "UBND-KSTTHC", "cong_van", 2017, 6, 2,
     "Về việc công khai xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ thủ tục hành chính quá hạn",
     "KT. CHỦ TỊCH"},
    {108, "KH-UBND", "ke_hoach", 2017, 6, 15, "Kế hoạch kiểm soát thủ tục hành chính 6 tháng cuối năm 2017",
     "KT. CHỦ TỊCH"},
};

typedef struct {
	const char *code;
	const char *organ_name;
	const char *type;
	int y, m, d;	/* its date */
	int ry, rm, rd; /* received */
	const char *subject;
} incoming;

/* In order of arrival: the số đến follow it. */
static const incoming in_docs[] = {
    {"2114/VPCP-KSTT", "Văn phòng Chính phủ", "cong_van", 2017, 3, 10, 2017, 3, 14,
     "Về việc đôn đốc thực hiện cơ chế một cửa, một cửa liên thông"},
    {"1278/BNV-CCHC", "Bộ Nội vụ", "cong_van", 2017, 3, 28, 2017, 3, 31,
     "Về việc báo cáo công tác cải cách hành chính định kỳ 6 tháng đầu năm 2017"},
    {"85/BC-UBND", "UBND huyện Quảng Xương", "bao_cao", 2017, 6, 5, 2017, 6, 6,
     "Kết quả thực hiện cơ chế một cửa, một cửa liên thông 6 tháng đầu năm 2017"},
};

/* A unit's outgoing document of 2017 as it was issued. */
typedef struct {
	const char *notation; /* the whole "number/notation" */
	int64_t number;
	const char *type;
	const char *drafting_abbr; /* công văn: the drafting office in the notation */
	int m, d;
	const char *subject;
	const char *recipients;
	const char *recipient_units; /* sent electronically to; NULL: on paper */
	bool unsigned_;		     /* issued without a digital signature */
} unit_outgoing;

typedef struct {
	const char *code;
	const char *organ_abbr;
	const char *place;
	const char *signer_position;
	const unit_outgoing *out;
	size_t n_out;
	const incoming *in;
	size_t n_in;
} unit_documents;

#define TO_PROVINCE "UBND tỉnh Thanh Hóa (để báo cáo);\nLưu: VT, VP."

/* Sở Tài nguyên và Môi trường: 5 issued, 3 signed and sent (7.3: 3 ÷ 5). */
static const unit_outgoing stnmt_out[] = {
    {"15/QĐ-STNMT", 15, "quyet_dinh", "", 2, 14,
     "Về việc ban hành Quy chế hoạt động của Bộ phận tiếp nhận và trả kết quả Sở Tài nguyên và Môi trường",
     TO_PROVINCE, PROVINCE, false},
    {"412/STNMT-VP", 412, "cong_van", "VP", 3, 6,
     "Về việc rà soát, đề nghị chuẩn hóa thủ tục hành chính thuộc thẩm quyền giải quyết của Sở Tài nguyên "
     "và Môi trường",
     TO_PROVINCE, PROVINCE, false},
    {"33/BC-STNMT", 33, "bao_cao", "", 3, 27, "Kết quả thực hiện công tác cải cách hành chính quý I năm 2017",
     TO_PROVINCE, PROVINCE, false},
    /* sent as a scan, without a signature */
    {"1046/STNMT-BVMT", 1046, "cong_van", "BVMT", 4, 20,
     "Về việc hướng dẫn thực hiện thủ tục xác nhận đăng ký kế hoạch bảo vệ môi trường", TO_PROVINCE, PROVINCE,
     true},
    /* to a company, by post */
    {"58/TB-STNMT", 58, "thong_bao", "", 5, 10,
     "Thông báo kết quả thẩm định báo cáo đánh giá tác động môi trường dự án khai thác mỏ đá vôi tại xã "
     "Hà Tân, huyện Hà Trung",
     "Công ty TNHH Khoáng sản Hà Trung;\nLưu: VT, BVMT.", NULL, false},
};

static const incoming stnmt_in[] = {
    {"1522/QĐ-UBND", "UBND tỉnh Thanh Hóa", "quyet_dinh", 2017, 5, 8, 2017, 5, 9,
     "Về việc công bố danh mục thủ tục hành chính được chuẩn hóa thuộc thẩm quyền giải quyết của Sở Tài "
     "nguyên và Môi trường"},
};

/* UBND huyện Quảng Xương: 5 issued, 4 signed and sent (7.3: 4 ÷ 5). */
static const unit_outgoing qx_out[] = {
    {"21/KH-UBND", 21, "ke_hoach", "", 1, 20, "Kế hoạch cải cách hành chính năm 2017 của huyện Quảng Xương",
     TO_PROVINCE, PROVINCE, false},
    {"12/QĐ-UBND", 12, "quyet_dinh", "", 2, 10,
     "Về việc kiện toàn Bộ phận tiếp nhận và trả kết quả của UBND huyện Quảng Xương", TO_PROVINCE, PROVINCE,
     false},
    {"120/UBND-VP", 120, "cong_van", "VP", 3, 15,
     "Về việc đăng ký danh mục thủ tục hành chính tiếp nhận hồ sơ trực tuyến mức độ 3, 4", TO_PROVINCE,
     PROVINCE, false},
    {"47/BC-UBND", 47, "bao_cao", "", 3, 28, "Kết quả thực hiện công tác cải cách hành chính quý I năm 2017",
     TO_PROVINCE, PROVINCE, false},
    /* to a household, by post */
    {"215/UBND-TNMT", 215, "cong_van", "TNMT", 5, 17,
     "Về việc trả lời đơn đề nghị cấp giấy chứng nhận quyền sử dụng đất của hộ ông Lê Văn Hùng, xã Quảng "
     "Định",
     "Hộ ông Lê Văn Hùng, xã Quảng Định;\nLưu: VT, TNMT.", NULL, false},
};

static const incoming qx_in[] = {
    {"5120/UBND-KSTTHC", "UBND tỉnh Thanh Hóa", "cong_van", 2017, 5, 5, 2017, 5, 6,
     "Về việc đẩy mạnh thực hiện cơ chế một cửa, một cửa liên thông tại UBND cấp xã"},
    {"108/KH-UBND", "UBND tỉnh Thanh Hóa", "ke_hoach", 2017, 6, 15, 2017, 6, 16,
     "Kế hoạch kiểm soát thủ tục hành chính 6 tháng cuối năm 2017"},
};

static const unit_documents units_docs[] = {
    {"000.00.10.H56", "STNMT", "Thanh Hóa", "KT. GIÁM ĐỐC", stnmt_out, sizeof stnmt_out / sizeof *stnmt_out,
     stnmt_in, sizeof stnmt_in / sizeof *stnmt_in},
    {"000.00.33.H56", "UBND", "Quảng Xương", "TM. ỦY BAN NHÂN DÂN", qx_out, sizeof qx_out / sizeof *qx_out,
     qx_in, sizeof qx_in / sizeof *qx_in},
};

bool mc_demo_document_unsigned(const char *unit_code, const char *notation)
{
	for (size_t i = 0; i < sizeof units_docs / sizeof *units_docs; i++) {
		if (strcmp(units_docs[i].code, unit_code) != 0)
			continue;
		for (size_t j = 0; j < units_docs[i].n_out; j++)
			if (strcmp(units_docs[i].out[j].notation, notation) == 0)
				return units_docs[i].out[j].unsigned_;
	}
	return false;
}

static int64_t at(int y, int m, int d, int hour)
{
	return mc_local_day_start(mc_days_from_civil(y, m, d)) + (int64_t)hour * 3600;
}

/* A unit's two registers of 2017: regs[0] outgoing, regs[1] incoming. */
static int registers_add(mc_store *st, mc_doc_register regs[2], int64_t unit_id, const char *organ_abbr)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < 2; i++) {
		regs[i] =
		    (mc_doc_register){.unit_id = unit_id,
				      .box = i == 0 ? MC_DOC_OUT : MC_DOC_IN,
				      .name = i == 0 ? "Sổ đăng ký văn bản đi" : "Sổ đăng ký văn bản đến",
				      .organ_abbr = (char *)organ_abbr,
				      .created_at = at(2017, 1, 1, 7)};
		rc = mc_store_doc_register_add(st, &regs[i]);
	}
	return rc;
}

/* Files d, with its event, in the register reg at t: issued into an
 * outgoing register, registered on arrival in an incoming one. */
static int add(mc_store *st, const mc_doc_register *reg, mc_document *d, int64_t t)
{
	bool out = reg->box == MC_DOC_OUT;
	d->box = reg->box;
	d->register_id = reg->id;
	d->unit_id = reg->unit_id;
	d->state = out ? MC_DOC_ISSUED : MC_DOC_REGISTERED;
	d->series = out ? "general" : "incoming";
	d->updated_at = t;
	if (out) {
		d->drafting_unit_id = reg->unit_id;
		d->body = "";
		d->issued_at = t;
	} else {
		d->received_at = t;
		d->created_at = t;
	}
	int rc = mc_store_document_add(st, d);
	if (rc == 0) {
		mc_document_event e = {.document_id = d->id,
				       .at = t,
				       .user_name = "",
				       .role = "",
				       .action = out ? "issue" : "register",
				       .to_state = d->state,
				       .note = "dữ liệu mẫu"};
		rc = mc_app_document_event_append(st, &e);
	}
	return rc;
}

/* What a unit received, numbered in order of arrival (số đến). */
static int incoming_add(mc_store *st, const mc_doc_register *reg, const incoming *docs, size_t n)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const incoming *in = &docs[i];
		mc_document d = {.type = (char *)in->type,
				 .subject = (char *)in->subject,
				 .notation = (char *)in->code,
				 .organ_name = (char *)in->organ_name,
				 .year = in->ry,
				 .number = (int64_t)i + 1,
				 .issued_at = at(in->y, in->m, in->d, 9)};
		rc = add(st, reg, &d, at(in->ry, in->rm, in->rd, 8));
	}
	return rc;
}

/* A unit's registers of 2017 and its documents in them. */
static int unit_documents_add(mc_store *st, const unit_documents *ud)
{
	mc_unit u = {0};
	mc_doc_register regs[2];
	int rc = mc_store_unit_by_code(st, &u, ud->code);
	if (rc == 0)
		rc = registers_add(st, regs, u.id, ud->organ_abbr);
	for (size_t i = 0; rc == 0 && i < ud->n_out; i++) {
		const unit_outgoing *o = &ud->out[i];
		int64_t t = at(2017, o->m, o->d, 9);
		mc_document d = {.type = (char *)o->type,
				 .subject = (char *)o->subject,
				 .drafting_abbr = (char *)o->drafting_abbr,
				 .place = (char *)ud->place,
				 .signer_position = (char *)ud->signer_position,
				 .recipients = (char *)o->recipients,
				 .recipient_units = (char *)(o->recipient_units ? o->recipient_units : ""),
				 .year = 2017,
				 .number = o->number,
				 .notation = (char *)o->notation,
				 .created_at = t - 86400};
		rc = add(st, &regs[0], &d, t);
	}
	if (rc == 0)
		rc = incoming_add(st, &regs[1], ud->in, ud->n_in);
	mc_unit_clear(&u);
	return rc;
}

int mc_demo_documents(mc_store *st, FILE *log)
{
	mc_unit u = {0};
	mc_doc_register regs[2];
	char notation[MC_DOC_NOTATION_MAX];
	int rc = mc_store_unit_by_code(st, &u, PROVINCE);
	if (rc == 0)
		rc = registers_add(st, regs, u.id, "UBND");
	for (size_t i = 0; rc == 0 && i < sizeof out_docs / sizeof *out_docs; i++) {
		const outgoing *o = &out_docs[i];
		int64_t t = at(o->y, o->m, o->d, 9);
		snprintf(notation, sizeof notation, "%lld/%s", (long long)o->number, o->notation);
		mc_document d = {.type = (char *)o->type,
				 .subject = (char *)o->subject,
				 .drafting_abbr = strcmp(o->type, "cong_van") == 0 ? "KSTTHC" : "",
				 .place = "Thanh Hóa",
				 .signer_position = (char *)o->signer_position,
				 .recipients =
				     "Bộ Nội vụ (để báo cáo);\nCác sở, ban, ngành cấp tỉnh;\nUBND các huyện, "
				     "thị xã, thành phố;\nLưu: VT, KSTTHC.",
				 .year = o->y,
				 .number = o->number,
				 .notation = notation,
				 .created_at = t - 2 * 86400};
		rc = add(st, &regs[0], &d, t);
	}
	if (rc == 0)
		rc = incoming_add(st, &regs[1], in_docs, sizeof in_docs / sizeof *in_docs);
	if (rc == 0 && log)
		fprintf(log, "demo documents: %zu outgoing (6366/BC-UBND among them), %zu incoming of 2017\n",
			sizeof out_docs / sizeof *out_docs, sizeof in_docs / sizeof *in_docs);
	mc_unit_clear(&u);
	return rc;
}

int mc_demo_unit_documents(mc_store *st, FILE *log)
{
	size_t n_out = 0, n_in = 0;
	int rc = mc_store_begin(st);
	for (size_t i = 0; rc == 0 && i < sizeof units_docs / sizeof *units_docs; i++) {
		rc = unit_documents_add(st, &units_docs[i]);
		n_out += units_docs[i].n_out;
		n_in += units_docs[i].n_in;
	}
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
	if (rc == 0 && log)
		fprintf(log,
			"demo documents: %zu outgoing and %zu incoming of 2017 of %zu departments and "
			"districts\n",
			n_out, n_in, sizeof units_docs / sizeof *units_docs);
	return rc;
}

/* ---- a year of documents between the demo's units (mc_demo_year) -------- */

typedef enum { FROM_ANY, FROM_DEPT, FROM_DISTRICT } year_from;
typedef enum { TO_PROV, TO_DISTRICTS, TO_DEPT } year_to;

/* What departments and districts write to each other and to the province in
 * a year; "%s" is the quarter (I-IV) of the day it is issued. */
static const struct {
	const char *type;
	year_from from;
	year_to to;
	const char *subject;
} year_templates[] = {
    {"bao_cao", FROM_ANY, TO_PROV, "Kết quả thực hiện công tác cải cách hành chính quý %s năm 2017"},
    {"bao_cao", FROM_ANY, TO_PROV,
     "Kết quả giải quyết thủ tục hành chính theo cơ chế một cửa, một cửa liên thông quý %s năm 2017"},
    {"bao_cao", FROM_DISTRICT, TO_PROV,
     "Tình hình cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở quý %s năm 2017"},
    {"to_trinh", FROM_DISTRICT, TO_PROV, "Về việc đề nghị phê duyệt kế hoạch sử dụng đất năm 2018"},
    {"to_trinh", FROM_DEPT, TO_PROV,
     "Về việc đề nghị công bố danh mục thủ tục hành chính mới ban hành, sửa đổi, bổ sung"},
    {"cong_van", FROM_DISTRICT, TO_DEPT,
     "Về việc đề nghị hướng dẫn thực hiện thủ tục giao đất, cho thuê đất"},
    {"cong_van", FROM_ANY, TO_DEPT,
     "Về việc góp ý dự thảo quy chế phối hợp giải quyết thủ tục hành chính theo cơ chế một cửa liên thông"},
    {"cong_van", FROM_DEPT, TO_DISTRICTS,
     "Về việc rà soát, niêm yết công khai thủ tục hành chính tại Bộ phận tiếp nhận và trả kết quả"},
    {"cong_van", FROM_DEPT, TO_DISTRICTS, "Về việc chuẩn bị các điều kiện cho năm học mới 2017-2018"},
    {"cong_van", FROM_DEPT, TO_DISTRICTS,
     "Về việc tăng cường công tác phòng, chống dịch bệnh sốt xuất huyết"},
    {"cong_van", FROM_DEPT, TO_DISTRICTS,
     "Về việc triển khai dịch vụ công trực tuyến mức độ 3, 4 và tiếp nhận hồ sơ qua dịch vụ bưu chính"},
    {"ke_hoach", FROM_DEPT, TO_DISTRICTS, "Kế hoạch kiểm tra công tác cải cách hành chính năm 2017"},
    {"giay_moi", FROM_DEPT, TO_DISTRICTS, "Mời dự hội nghị tập huấn nghiệp vụ kiểm soát thủ tục hành chính"},
    {"giay_moi", FROM_DEPT, TO_DEPT, "Mời dự họp bàn phương án thực hiện cơ chế một cửa liên thông"},
    {"thong_bao", FROM_DEPT, TO_DISTRICTS,
     "Thông báo kết quả kiểm tra công tác y tế trường học năm học 2016-2017"},
    {"quyet_dinh", FROM_DEPT, TO_DISTRICTS,
     "Về việc phê duyệt kế hoạch đào tạo, bồi dưỡng cán bộ, công chức cấp xã năm 2017"},
    {"bao_cao", FROM_DISTRICT, TO_DEPT,
     "Tình hình thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới quý %s năm 2017"},
    {"ke_hoach", FROM_DISTRICT, TO_PROV, "Kế hoạch cải cách hành chính năm 2018"},
};

/* splitmix64, as the dossiers' generator (generate.c). */
static uint64_t year_rnd(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static size_t year_pick(uint64_t *s, size_t n)
{
	return n ? (size_t)(year_rnd(s) % n) : 0;
}

typedef struct {
	const mc_unit *u;
	bool district;
	bool issues;		/* its 2017 outgoing numbers are a series from 1 */
	char abbr[24];		/* organ abbreviation in notations */
	mc_doc_register reg[2]; /* outgoing, incoming */
} year_unit;

typedef struct {
	int64_t t;	 /* when it reached the recipient's clerk */
	size_t unit;	 /* the recipient (year_unit index) */
	size_t doc;	 /* the outgoing document (index), or SIZE_MAX for one of the registers' own */
	int state;	 /* arrived, registered or assigned */
	mc_document own; /* a document already registered there (the hand-made ones) */
} year_copy;

typedef struct {
	int64_t t;
	size_t unit, tmpl;
	size_t to[4], n_to;
	int64_t id;
	char notation[MC_DOC_NOTATION_MAX];
} year_doc;

static int year_doc_cmp(const void *a, const void *b)
{
	const year_doc *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

static int year_copy_cmp(const void *a, const void *b)
{
	const year_copy *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* A department's abbreviation from its name: the initials of its words
 * but "và"/"các" ("Sở Nội vụ": SNV), the Văn phòng's "VP"; a district's
 * body is UBND. */
static void year_abbr(year_unit *yu)
{
	char *f = NULL;
	size_t k = 0;
	if (yu->district || mc_text_fold(&f, yu->u->name, strlen(yu->u->name)) != 0) {
		snprintf(yu->abbr, sizeof yu->abbr, "UBND");
		free(f);
		return;
	}
	for (char *w = strtok(f, " "); w && k + 1 < 12; w = strtok(NULL, " ")) {
		if (strcmp(w, "ubnd") == 0)
			break;
		if (strcmp(w, "va") == 0 || strcmp(w, "cac") == 0)
			continue;
		yu->abbr[k++] = (char)(w[0] >= 'a' && w[0] <= 'z' ? w[0] - 'a' + 'A' : w[0]);
	}
	yu->abbr[k] = '\0';
	free(f);
}

/* When a document sent at t reaches the recipient's clerk: later the same
 * working day, or the next working day's morning. */
static int64_t year_arrival(const mc_workcal *wc, int64_t t, uint64_t *s)
{
	int32_t day = (int32_t)((t - mc_local_day_start(0)) / 86400);
	int64_t minute = (t - mc_local_day_start(day)) / 60;
	if (minute + 60 < 16 * 60)
		return t + (int64_t)(30 + year_pick(s, 90)) * 60;
	do
		day++;
	while (!mc_workcal_is_working_day(wc, day));
	return mc_local_day_start(day) + (int64_t)(7 * 60 + 30 + year_pick(s, 150)) * 60;
}

static int year_event(mc_store *st, int64_t id, int64_t at, const char *action, int to_state,
		      const char *note)
{
	mc_document_event e = {.document_id = id,
			       .at = at,
			       .user_name = "",
			       .role = "",
			       .action = (char *)action,
			       .to_state = to_state,
			       .note = (char *)note};
	return mc_app_document_event_append(st, &e);
}

/* The units' registers: those the demo already gave (the province, Sở Tài
 * nguyên và Môi trường, Quảng Xương), made for the others. */
static int year_registers(mc_store *st, year_unit *yu)
{
	int rc = 0;
	for (int b = 0; rc == 0 && b < 2; b++)
		rc = mc_store_doc_register_of(st, &yu->reg[b], yu->u->id, b == 0 ? MC_DOC_OUT : MC_DOC_IN);
	if (rc == MC_ENOTFOUND) {
		mc_doc_register_clear(&yu->reg[0]);
		mc_doc_register_clear(&yu->reg[1]);
		rc = registers_add(st, yu->reg, yu->u->id, yu->abbr);
		/* borrowed by registers_add: not the registers' to free */
		for (int b = 0; b < 2; b++)
			yu->reg[b].name = yu->reg[b].organ_abbr = yu->reg[b].province_code = NULL;
		yu->issues = rc == 0;
	}
	return rc;
}

/* Issues d of unit yu, numbered in its register, and sets its id. */
static int year_issue(mc_store *st, year_unit *units, year_doc *d, int64_t *number)
{
	year_unit *yu = &units[d->unit];
	const char *type = year_templates[d->tmpl].type;
	const mc_doc_type *kind = mc_doc_type_of(type);
	char subject[512], recipients[1024] = "", codes[256] = "", place[128];
	static const char *const quarter[] = {"I", "II", "III", "IV"};
	int y, m, day;
	mc_civil_from_days((int32_t)((d->t - mc_local_day_start(0)) / 86400), &y, &m, &day);
	snprintf(subject, sizeof subject, year_templates[d->tmpl].subject, quarter[(m - 1) / 3]);
	for (size_t i = 0; i < d->n_to; i++) {
		size_t l = strlen(recipients), c = strlen(codes);
		snprintf(recipients + l, sizeof recipients - l, "%s;\n", units[d->to[i]].u->name);
		snprintf(codes + c, sizeof codes - c, "%s%s", c ? "," : "", units[d->to[i]].u->code);
	}
	size_t l = strlen(recipients);
	snprintf(recipients + l, sizeof recipients - l, "Lưu: VT, VP.");
	const char *name = yu->u->name;
	if (yu->district) {
		/* "UBND huyện Hà Trung": Hà Trung */
		static const char *const prefixes[] = {"UBND huyện ", "UBND thị xã ", "UBND thành phố "};
		for (size_t i = 0; i < MC_ARRAY_LEN(prefixes); i++)
			if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
				name += strlen(prefixes[i]);
	} else {
		name = "Thanh Hóa";
	}
	snprintf(place, sizeof place, "%s", name);
	int rc = mc_store_doc_number_next(st, number, yu->reg[0].id, 2017, "general");
	bool cv = strcmp(type, "cong_van") == 0;
	if (rc == 0)
		rc = mc_doc_notation(d->notation, *number, 2017, kind, false, yu->abbr, cv ? "VP" : "");
	mc_document doc = {.type = (char *)type,
			   .subject = subject,
			   .drafting_abbr = cv ? "VP" : "",
			   .place = place,
			   .signer_position = yu->district
						  ? (strcmp(type, "quyet_dinh") == 0 ? "TM. ỦY BAN NHÂN DÂN"
										     : "KT. CHỦ TỊCH")
						  : "KT. GIÁM ĐỐC",
			   .recipients = recipients,
			   .recipient_units = codes,
			   .year = 2017,
			   .number = *number,
			   .notation = d->notation,
			   .created_at = d->t - 86400};
	if (rc == 0)
		rc = add(st, &yu->reg[0], &doc, d->t);
	d->id = doc.id;
	return rc;
}

/* The registered documents of 2017 already in yu's incoming register (the
 * hand-made ones), their numbers freed so that the year's arrivals number
 * them again in order of arrival with the rest. */
static int year_own_copies(mc_store *st, year_unit *yu, size_t unit, year_copy **copies, size_t *n,
			   size_t *cap)
{
	mc_document *docs = NULL;
	size_t k = 0;
	int64_t total = 0;
	mc_document_query q = {.scope_unit_id = yu->u->id,
			       .register_id = yu->reg[1].id,
			       .box = MC_DOC_IN,
			       .year = 2017,
			       .limit = 1000};
	int rc = mc_store_document_list(st, &docs, &k, &total, &q);
	for (size_t i = 0; rc == 0 && i < k; i++) {
		if (!docs[i].number)
			continue;
		docs[i].number = 0;
		rc = mc_store_document_update(st, &docs[i], docs[i].version);
		docs[i].version++;
		if (rc)
			break;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 256;
			*copies = realloc(*copies, *cap * sizeof **copies);
			if (!*copies)
				abort();
		}
		(*copies)[(*n)++] = (year_copy){.t = docs[i].received_at,
						.unit = unit,
						.doc = SIZE_MAX,
						.state = docs[i].state,
						.own = docs[i]};
		memset(&docs[i], 0, sizeof docs[i]);
	}
	mc_document_free_list(docs, k);
	return rc;
}

static int year_receive(mc_store *st, const mc_workcal *wc, year_unit *units, year_doc *docs, year_copy *c,
			uint64_t *s)
{
	year_unit *yu = &units[c->unit];
	int64_t number = 0;
	int rc = 0;
	if (c->state != MC_DOC_ARRIVED)
		rc = mc_store_doc_number_next(st, &number, yu->reg[1].id, 2017, "incoming");
	if (rc == 0 && c->doc == SIZE_MAX) {
		c->own.number = number;
		rc = mc_store_document_update(st, &c->own, c->own.version);
		return rc;
	}
	year_doc *d = &docs[c->doc];
	year_unit *from = &units[d->unit];
	char subject[512];
	static const char *const quarter[] = {"I", "II", "III", "IV"};
	int y, m, day;
	mc_civil_from_days((int32_t)((d->t - mc_local_day_start(0)) / 86400), &y, &m, &day);
	snprintf(subject, sizeof subject, year_templates[d->tmpl].subject, quarter[(m - 1) / 3]);
	/* the unit in charge answers within ten working days */
	int32_t due = (int32_t)((c->t - mc_local_day_start(0)) / 86400);
	for (int k = 0; k < 10;)
		if (mc_workcal_is_working_day(wc, ++due))
			k++;
	bool assigned = c->state == MC_DOC_ASSIGNED;
	int64_t assigned_at = c->t + (int64_t)(60 + year_pick(s, 120)) * 60;
	mc_document in = {.box = MC_DOC_IN,
			  .register_id = yu->reg[1].id,
			  .unit_id = yu->u->id,
			  .state = c->state,
			  .type = (char *)year_templates[d->tmpl].type,
			  .subject = subject,
			  .notation = d->notation,
			  .organ_name = from->u->name,
			  .series = c->state == MC_DOC_ARRIVED ? "" : "incoming",
			  .year = c->state == MC_DOC_ARRIVED ? 0 : 2017,
			  .number = number,
			  .issued_at = d->t,
			  .received_at = c->state == MC_DOC_ARRIVED ? 0 : c->t,
			  .source_id = d->id,
			  .assigned_unit_id = assigned ? yu->u->id : 0,
			  .deadline = assigned ? mc_local_day_start(due + 1) : 0,
			  .direction =
			      assigned ? "Giao văn phòng chủ trì, phối hợp các phòng liên quan tham mưu xử lý"
				       : "",
			  .created_at = d->t,
			  .updated_at = assigned ? assigned_at : c->t};
	rc = mc_store_document_add(st, &in);
	if (rc == 0)
		rc = year_event(st, in.id, d->t, "arrive", MC_DOC_ARRIVED, "dữ liệu mẫu");
	if (rc == 0 && c->state != MC_DOC_ARRIVED)
		rc = year_event(st, in.id, c->t, "register", MC_DOC_REGISTERED, "dữ liệu mẫu");
	if (rc == 0 && assigned)
		rc = year_event(st, in.id, assigned_at, "assign", MC_DOC_ASSIGNED, in.direction);
	return rc;
}

int mc_demo_year(mc_store *st, const mc_time_ctx *tc, int count, uint64_t seed, FILE *log)
{
	const mc_workcal *wc = mc_time_ctx_calendar(tc);
	size_t n_all = 0, n_units = 0, n_copies = 0, cap = 0, n_delivered = 0, n_registered = 0,
	       n_assigned = 0;
	const mc_unit *all = mc_time_ctx_units(tc, &n_all);
	year_unit *units = mc_xcalloc(n_all, sizeof *units);
	year_doc *docs = mc_xcalloc(count > 0 ? (size_t)count : 1, sizeof *docs);
	year_copy *copies = NULL;
	int32_t days[366];
	size_t n_days = 0, issuers[128], n_issuers = 0, districts[128], n_districts = 0, depts[128],
	       n_depts = 0;
	size_t province = SIZE_MAX;
	int rc = mc_store_begin(st);

	/* the units of 2017: the province, its departments and districts */
	int32_t first = mc_days_from_civil(2017, 1, 1), last = mc_days_from_civil(2017, 12, 31);
	for (size_t i = 0; i < n_all && n_units < 128; i++) {
		const mc_unit *u = &all[i];
		bool dept = strcmp(u->level, "department") == 0, dist = strcmp(u->level, "district") == 0;
		if ((!dept && !dist && strcmp(u->level, "province") != 0) ||
		    (u->valid_from && u->valid_from > first) || (u->valid_to && u->valid_to <= last))
			continue;
		year_unit *yu = &units[n_units];
		yu->u = u;
		yu->district = dist;
		year_abbr(yu);
		if (rc == 0)
			rc = year_registers(st, yu);
		if (dept)
			depts[n_depts++] = n_units;
		else if (dist)
			districts[n_districts++] = n_units;
		else
			province = n_units;
		if (yu->issues && (dept || dist))
			issuers[n_issuers++] = n_units;
		n_units++;
	}
	for (int32_t d = mc_days_from_civil(2017, 1, 3); d <= mc_days_from_civil(2017, 12, 28); d++)
		if (mc_workcal_is_working_day(wc, d))
			days[n_days++] = d;
	if (rc == 0 && (province == SIZE_MAX || !n_issuers || !n_depts || !n_districts || !n_days))
		rc = MC_EINVAL;

	/* what each issues, when and to whom */
	for (int i = 0; rc == 0 && i < count; i++) {
		year_doc *d = &docs[i];
		/* each issues at least one, then as chance has it */
		d->unit = (size_t)i < n_issuers ? issuers[i] : issuers[year_pick(&seed, n_issuers)];
		bool dist = units[d->unit].district;
		do
			d->tmpl = year_pick(&seed, MC_ARRAY_LEN(year_templates));
		while (year_templates[d->tmpl].from == (dist ? FROM_DEPT : FROM_DISTRICT));
		int64_t minute = (int64_t)(year_pick(&seed, 2) ? 13 * 60 + 30 + year_pick(&seed, 180)
							       : 7 * 60 + 30 + year_pick(&seed, 240));
		d->t = mc_local_day_start(days[year_pick(&seed, n_days)]) + minute * 60;
		year_to to = year_templates[d->tmpl].to;
		size_t want = to == TO_DISTRICTS ? 2 + year_pick(&seed, 3) : 1;
		while (d->n_to < want) {
			size_t r = to == TO_PROV   ? province
				   : to == TO_DEPT ? depts[year_pick(&seed, n_depts)]
						   : districts[year_pick(&seed, n_districts)];
			bool dup = r == d->unit;
			for (size_t k = 0; k < d->n_to; k++)
				dup = dup || d->to[k] == r;
			if (!dup)
				d->to[d->n_to++] = r;
		}
	}
	if (rc == 0)
		qsort(docs, (size_t)count, sizeof *docs, year_doc_cmp);

	/* issued in order of their dates, numbered so in their registers */
	for (int i = 0; rc == 0 && i < count; i++) {
		int64_t number = 0;
		rc = year_issue(st, units, &docs[i], &number);
		for (size_t k = 0; rc == 0 && k < docs[i].n_to; k++) {
			if (n_copies == cap) {
				cap = cap ? 2 * cap : 256;
				copies = realloc(copies, cap * sizeof *copies);
				if (!copies)
					abort();
			}
			/* most registered, more than half of those assigned,
			 * a few still waiting for the clerk */
			uint64_t p = year_rnd(&seed) % 100;
			copies[n_copies++] = (year_copy){.t = year_arrival(wc, docs[i].t, &seed),
							 .unit = docs[i].to[k],
							 .doc = (size_t)i,
							 .state = p < 4	   ? MC_DOC_ARRIVED
								  : p < 40 ? MC_DOC_REGISTERED
									   : MC_DOC_ASSIGNED};
		}
	}
	for (size_t i = 0; rc == 0 && i < n_units; i++)
		if (!units[i].issues)
			rc = year_own_copies(st, &units[i], i, &copies, &n_copies, &cap);

	/* received and numbered in order of arrival (số đến) */
	if (rc == 0 && n_copies)
		qsort(copies, n_copies, sizeof *copies, year_copy_cmp);
	for (size_t i = 0; rc == 0 && i < n_copies; i++) {
		rc = year_receive(st, wc, units, docs, &copies[i], &seed);
		if (copies[i].doc != SIZE_MAX) {
			n_delivered++;
			n_registered += copies[i].state != MC_DOC_ARRIVED;
			n_assigned += copies[i].state == MC_DOC_ASSIGNED;
		}
	}
	if (rc == 0)
		rc = mc_store_commit(st);
	else
		mc_store_rollback(st);
	if (rc == 0 && log)
		fprintf(log,
			"demo documents: %d issued over 2017 by %zu departments and districts to the "
			"province's units, %zu copies delivered, %zu of them registered (%zu of those "
			"assigned)\n",
			count, n_issuers, n_delivered, n_registered, n_assigned);
	for (size_t i = 0; i < n_copies; i++)
		mc_document_clear(&copies[i].own);
	for (size_t i = 0; i < n_units; i++) {
		mc_doc_register_clear(&units[i].reg[0]);
		mc_doc_register_clear(&units[i].reg[1]);
	}
	free(copies);
	free(docs);
	free(units);
	return rc;
}
