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
 */
#include "demo/demo.h"

#include "app/document.h"
#include "core/document.h"
#include "store/store_document.h"

#include <stdio.h>
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
