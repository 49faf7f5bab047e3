/*
 * document.c - the rules of official documents that need no data
 * (Nghị định 30/2020/NĐ-CP; core/document.h).
 */
#include "core/document.h"

#include "core/limits.h"

#include <stdio.h>
#include <string.h>

/* Art. 7 lists the 29 kinds of administrative document; Phụ lục III gives
 * their abbreviations. Nghị quyết and quyết định are also the local legal
 * normative documents (Luật Ban hành văn bản quy phạm pháp luật). */
static const mc_doc_type types[] = {
    {"nghi_quyet", "Nghị quyết", "NQ", true},
    {"quyet_dinh", "Quyết định", "QĐ", true},
    {"chi_thi", "Chỉ thị", "CT", false},
    {"quy_che", "Quy chế", "QC", false},
    {"quy_dinh", "Quy định", "QYĐ", false},
    {"thong_cao", "Thông cáo", "TC", false},
    {"thong_bao", "Thông báo", "TB", false},
    {"huong_dan", "Hướng dẫn", "HD", false},
    {"chuong_trinh", "Chương trình", "CTr", false},
    {"ke_hoach", "Kế hoạch", "KH", false},
    {"phuong_an", "Phương án", "PA", false},
    {"de_an", "Đề án", "ĐA", false},
    {"du_an", "Dự án", "DA", false},
    {"bao_cao", "Báo cáo", "BC", false},
    {"bien_ban", "Biên bản", "BB", false},
    {"to_trinh", "Tờ trình", "TTr", false},
    {"hop_dong", "Hợp đồng", "HĐ", false},
    {"cong_van", "Công văn", "", false},
    {"cong_dien", "Công điện", "CĐ", false},
    {"ban_ghi_nho", "Bản ghi nhớ", "GN", false},
    {"ban_thoa_thuan", "Bản thỏa thuận", "TTh", false},
    {"giay_uy_quyen", "Giấy ủy quyền", "GUQ", false},
    {"giay_moi", "Giấy mời", "GM", false},
    {"giay_gioi_thieu", "Giấy giới thiệu", "GGT", false},
    {"giay_nghi_phep", "Giấy nghỉ phép", "GNP", false},
    {"phieu_gui", "Phiếu gửi", "PG", false},
    {"phieu_chuyen", "Phiếu chuyển", "PC", false},
    {"phieu_bao", "Phiếu báo", "PB", false},
    {"thu_cong", "Thư công", "", false},
};
_Static_assert(sizeof types / sizeof types[0] == 29, "art. 7 lists 29 kinds");

const mc_doc_type *mc_doc_types(size_t *n)
{
	*n = MC_ARRAY_LEN(types);
	return types;
}

/* Form 04 of the one-stop office issued as an outgoing document
 * (docs/forms.md, form 04): not a kind of art. 7, so no draft takes it. */
static const mc_doc_type apology_form = {MC_DOC_TYPE_APOLOGY, "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
					 "PXL", false};

const mc_doc_type *mc_doc_type_apology(void)
{
	return &apology_form;
}

const mc_doc_type *mc_doc_type_of(const char *key)
{
	if (key && strcmp(key, MC_DOC_TYPE_APOLOGY) == 0)
		return &apology_form;
	return mc_doc_type_find(key);
}

const mc_doc_type *mc_doc_type_find(const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < MC_ARRAY_LEN(types); i++) {
		if (strcmp(types[i].key, key) == 0)
			return &types[i];
	}
	return NULL;
}

bool mc_doc_type_is_letter(const mc_doc_type *t)
{
	return t && strcmp(t->key, "cong_van") == 0;
}

static const char *const urgency_names[] = {"none", "khan", "thuong_khan", "hoa_toc"};
static const char *const urgency_titles[] = {"", "Khẩn", "Thượng khẩn", "Hỏa tốc"};
static const char *const secrecy_names[] = {"none", "mat", "toi_mat", "tuyet_mat"};
static const char *const secrecy_titles[] = {"", "Mật", "Tối mật", "Tuyệt mật"};

static int parse_name(int *out, const char *const *names, int n, const char *s)
{
	if (!s)
		return MC_EINVAL;
	for (int i = 0; i < n; i++) {
		if (names[i] && strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
	}
	return MC_EINVAL;
}

const char *mc_doc_urgency_name(mc_doc_urgency u)
{
	return (unsigned)u < MC_ARRAY_LEN(urgency_names) ? urgency_names[u] : NULL;
}

const char *mc_doc_urgency_title(mc_doc_urgency u)
{
	return (unsigned)u < MC_ARRAY_LEN(urgency_titles) ? urgency_titles[u] : "";
}

int mc_doc_urgency_parse(mc_doc_urgency *out, const char *s)
{
	int v = 0;
	int rc = parse_name(&v, urgency_names, (int)MC_ARRAY_LEN(urgency_names), s);
	if (rc == 0)
		*out = (mc_doc_urgency)v;
	return rc;
}

const char *mc_doc_secrecy_name(mc_doc_secrecy s)
{
	return (unsigned)s < MC_ARRAY_LEN(secrecy_names) ? secrecy_names[s] : NULL;
}

const char *mc_doc_secrecy_title(mc_doc_secrecy s)
{
	return (unsigned)s < MC_ARRAY_LEN(secrecy_titles) ? secrecy_titles[s] : "";
}

int mc_doc_secrecy_parse(mc_doc_secrecy *out, const char *s)
{
	int v = 0;
	int rc = parse_name(&v, secrecy_names, (int)MC_ARRAY_LEN(secrecy_names), s);
	if (rc == 0)
		*out = (mc_doc_secrecy)v;
	return rc;
}

static const char *const state_names[] = {NULL,		"draft",    "submitted", "returned",
					  "approved",	"signed",   "issued",	 "arrived",
					  "registered", "assigned", "recalled",	 "replaced"};
static const char *const state_titles[] = {NULL,	"Dự thảo",	 "Chờ duyệt",	"Trả lại",
					   "Đã duyệt",	"Đã ký",	 "Đã ban hành", "Chờ vào sổ",
					   "Đã vào sổ", "Đã giao xử lý", "Đã thu hồi",	"Đã được thay thế"};
static const char *const action_names[] = {NULL,   "submit", "approve",	 "return",
					   "sign", "issue",  "register", "assign"};

const char *mc_doc_state_name(mc_doc_state s)
{
	return (unsigned)s < MC_ARRAY_LEN(state_names) ? state_names[s] : NULL;
}

const char *mc_doc_state_title(mc_doc_state s)
{
	return (unsigned)s < MC_ARRAY_LEN(state_titles) ? state_titles[s] : NULL;
}

int mc_doc_state_parse(mc_doc_state *out, const char *s)
{
	int v = 0;
	int rc = parse_name(&v, state_names, (int)MC_ARRAY_LEN(state_names), s);
	if (rc == 0)
		*out = (mc_doc_state)v;
	return rc;
}

const char *mc_doc_action_name(mc_doc_action a)
{
	return (unsigned)a < MC_ARRAY_LEN(action_names) ? action_names[a] : NULL;
}

int mc_doc_action_parse(mc_doc_action *out, const char *s)
{
	int v = 0;
	int rc = parse_name(&v, action_names, (int)MC_ARRAY_LEN(action_names), s);
	if (rc == 0)
		*out = (mc_doc_action)v;
	return rc;
}

int mc_doc_next_state(mc_doc_state *out, mc_doc_state from, mc_doc_action action)
{
	mc_doc_state to = 0;
	if (!mc_doc_state_name(from) || !mc_doc_action_name(action))
		return MC_EINVAL;
	switch (action) {
	case MC_DOC_ACT_SUBMIT:
		if (from == MC_DOC_DRAFT || from == MC_DOC_RETURNED)
			to = MC_DOC_SUBMITTED;
		break;
	case MC_DOC_ACT_APPROVE:
		if (from == MC_DOC_SUBMITTED)
			to = MC_DOC_APPROVED;
		break;
	case MC_DOC_ACT_RETURN:
		/* The head sends a draft back; so may the signer one approved. */
		if (from == MC_DOC_SUBMITTED || from == MC_DOC_APPROVED)
			to = MC_DOC_RETURNED;
		break;
	case MC_DOC_ACT_SIGN:
		if (from == MC_DOC_APPROVED)
			to = MC_DOC_SIGNED;
		break;
	case MC_DOC_ACT_ISSUE:
		if (from == MC_DOC_SIGNED)
			to = MC_DOC_ISSUED;
		break;
	case MC_DOC_ACT_REGISTER:
		if (from == MC_DOC_ARRIVED)
			to = MC_DOC_REGISTERED;
		break;
	case MC_DOC_ACT_ASSIGN:
		if (from == MC_DOC_REGISTERED || from == MC_DOC_ASSIGNED)
			to = MC_DOC_ASSIGNED;
		break;
	}
	if (!to)
		return MC_ECONFLICT;
	*out = to;
	return 0;
}

bool mc_doc_role_may(mc_role role, mc_doc_action action)
{
	switch (action) {
	case MC_DOC_ACT_SUBMIT:
		return role == MC_ROLE_SPECIALIST;
	case MC_DOC_ACT_APPROVE:
	case MC_DOC_ACT_RETURN:
	case MC_DOC_ACT_SIGN:
	case MC_DOC_ACT_ASSIGN:
		return role == MC_ROLE_LEADER;
	case MC_DOC_ACT_ISSUE:
	case MC_DOC_ACT_REGISTER:
		return role == MC_ROLE_DESK;
	}
	return false;
}

bool mc_doc_state_editable(mc_doc_state s)
{
	return s == MC_DOC_DRAFT || s == MC_DOC_RETURNED;
}

int mc_doc_series(char buf[MC_DOC_SERIES_MAX], mc_doc_box box, const mc_doc_type *t, bool normative,
		  mc_doc_secrecy secrecy)
{
	if (box == MC_DOC_IN)
		return mc_strlcpy(buf, "incoming", MC_DOC_SERIES_MAX);
	if (box != MC_DOC_OUT || !t)
		return MC_EINVAL;
	if (normative && !t->normative)
		return MC_EINVAL;
	/* Art. 16.2: secret documents have their own series, whatever their kind. */
	if (secrecy != MC_DOC_SECRECY_NONE)
		return mc_strlcpy(buf, "secret", MC_DOC_SERIES_MAX);
	/* Art. 16.1.a: each kind of legal normative document its own series. */
	if (normative) {
		int n = snprintf(buf, MC_DOC_SERIES_MAX, "normative:%s", t->key);
		return n < 0 || n >= MC_DOC_SERIES_MAX ? MC_ETOOBIG : 0;
	}
	return mc_strlcpy(buf, "general", MC_DOC_SERIES_MAX);
}

bool mc_doc_abbr_valid(const char *s)
{
	if (!s || !*s || !mc_limit_fits(s, MC_LIMIT_DOCUMENT_ABBR))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* Bytes of multi-byte letters (Đ) pass; ASCII must be a letter, a digit or "&". */
		if (*p >= 0x80)
			continue;
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '&'))
			return false;
	}
	return true;
}

int mc_doc_notation(char buf[MC_DOC_NOTATION_MAX], int64_t number, int year, const mc_doc_type *t,
		    bool normative, const char *organ_abbr, const char *drafting_abbr)
{
	char digits[32];
	char code[MC_DOC_NOTATION_MAX];
	int n;
	bool with_unit = drafting_abbr && *drafting_abbr;

	if (!t || number <= 0 || !mc_doc_abbr_valid(organ_abbr) ||
	    (with_unit && !mc_doc_abbr_valid(drafting_abbr)))
		return MC_EINVAL;
	if (normative && !t->normative)
		return MC_EINVAL;
	/* Phụ lục I, II.4: a number below 10 is written with a leading 0. */
	n = snprintf(digits, sizeof digits, "%02lld", (long long)number);
	if (n < 0 || n > MC_LIMIT_DOCUMENT_NUMBER)
		return MC_ETOOBIG;
	if (!t->abbr[0]) {
		/* Công văn (and thư công): body and drafting unit, no kind. */
		if (!with_unit)
			return MC_EINVAL;
		n = snprintf(code, sizeof code, "%s-%s", organ_abbr, drafting_abbr);
	} else if (normative) {
		n = snprintf(code, sizeof code, "%04d/%s-%s", year, t->abbr, organ_abbr);
	} else if (with_unit) {
		n = snprintf(code, sizeof code, "%s-%s-%s", t->abbr, organ_abbr, drafting_abbr);
	} else {
		n = snprintf(code, sizeof code, "%s-%s", t->abbr, organ_abbr);
	}
	if (n < 0 || (size_t)n >= sizeof code || !mc_limit_fits(code, MC_LIMIT_DOCUMENT_NOTATION))
		return MC_ETOOBIG;
	n = snprintf(buf, MC_DOC_NOTATION_MAX, "%s/%s", digits, code);
	return n < 0 || n >= MC_DOC_NOTATION_MAX ? MC_ETOOBIG : 0;
}

int mc_doc_year(int64_t t)
{
	int y = 0;
	int64_t days = (t + MC_TZ_OFFSET) / 86400;
	if ((t + MC_TZ_OFFSET) % 86400 < 0)
		days--;
	mc_civil_from_days((int32_t)days, &y, NULL, NULL);
	return y;
}
