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
 * Only the province has registers, so that the tests that open the
 * registers of a district or a department find none there.
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

static int64_t at(int y, int m, int d, int hour)
{
	return mc_local_day_start(mc_days_from_civil(y, m, d)) + (int64_t)hour * 3600;
}

static int add(mc_store *st, mc_document *d, const char *action)
{
	int rc = mc_store_document_add(st, d);
	if (rc == 0) {
		mc_document_event e = {.document_id = d->id,
				       .at = d->box == MC_DOC_OUT ? d->issued_at : d->received_at,
				       .user_name = "",
				       .role = "",
				       .action = (char *)action,
				       .to_state = d->state,
				       .note = "dữ liệu mẫu"};
		rc = mc_app_document_event_append(st, &e);
	}
	return rc;
}

int mc_demo_documents(mc_store *st, FILE *log)
{
	mc_unit u = {0};
	mc_doc_register out = {0}, in = {0};
	char notation[MC_DOC_NOTATION_MAX];
	int rc = mc_store_unit_by_code(st, &u, PROVINCE);
	if (rc)
		goto cleanup;
	out = (mc_doc_register){.unit_id = u.id,
				.box = MC_DOC_OUT,
				.name = "Sổ đăng ký văn bản đi",
				.organ_abbr = "UBND",
				.created_at = at(2017, 1, 1, 7)};
	in = (mc_doc_register){.unit_id = u.id,
			       .box = MC_DOC_IN,
			       .name = "Sổ đăng ký văn bản đến",
			       .organ_abbr = "UBND",
			       .created_at = at(2017, 1, 1, 7)};
	rc = mc_store_doc_register_add(st, &out);
	if (rc == 0)
		rc = mc_store_doc_register_add(st, &in);
	for (size_t i = 0; rc == 0 && i < sizeof out_docs / sizeof *out_docs; i++) {
		const outgoing *o = &out_docs[i];
		int64_t t = at(o->y, o->m, o->d, 9);
		snprintf(notation, sizeof notation, "%lld/%s", (long long)o->number, o->notation);
		mc_document d = {.box = MC_DOC_OUT,
				 .register_id = out.id,
				 .unit_id = u.id,
				 .drafting_unit_id = u.id,
				 .state = MC_DOC_ISSUED,
				 .type = (char *)o->type,
				 .subject = (char *)o->subject,
				 .body = "",
				 .drafting_abbr = strcmp(o->type, "cong_van") == 0 ? "KSTTHC" : "",
				 .place = "Thanh Hóa",
				 .signer_position = (char *)o->signer_position,
				 .recipients =
				     "Bộ Nội vụ (để báo cáo);\nCác sở, ban, ngành cấp tỉnh;\nUBND các huyện, "
				     "thị xã, thành phố;\nLưu: VT, KSTTHC.",
				 .year = o->y,
				 .series = "general",
				 .number = o->number,
				 .notation = notation,
				 .issued_at = t,
				 .created_at = t - 2 * 86400,
				 .updated_at = t};
		rc = add(st, &d, "issue");
	}
	for (size_t i = 0; rc == 0 && i < sizeof in_docs / sizeof *in_docs; i++) {
		const incoming *n = &in_docs[i];
		int64_t t = at(n->ry, n->rm, n->rd, 8);
		mc_document d = {.box = MC_DOC_IN,
				 .register_id = in.id,
				 .unit_id = u.id,
				 .state = MC_DOC_REGISTERED,
				 .type = (char *)n->type,
				 .subject = (char *)n->subject,
				 .notation = (char *)n->code,
				 .organ_name = (char *)n->organ_name,
				 .year = n->ry,
				 .series = "incoming",
				 .number = (int64_t)i + 1,
				 .issued_at = at(n->y, n->m, n->d, 9),
				 .received_at = t,
				 .created_at = t,
				 .updated_at = t};
		rc = add(st, &d, "register");
	}
	if (rc == 0 && log)
		fprintf(log, "demo documents: %zu outgoing (6366/BC-UBND among them), %zu incoming of 2017\n",
			sizeof out_docs / sizeof *out_docs, sizeof in_docs / sizeof *in_docs);
cleanup:
	mc_unit_clear(&u);
	return rc;
}
