/*
 * test_document.c - the rules of official documents (core/document.h):
 * the 29 kinds of NĐ 30/2020 art. 7, the steps and who takes them, the
 * series of art. 16 and the number and notation of Phụ lục I; the files a
 * draft is uploaded as and the text taken from a DOCX (docs/documents.md §3b).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/document.h"
#include "core/err.h"
#include "core/limits.h"

static void test_types(void **state)
{
	(void)state;
	size_t n = 0;
	const mc_doc_type *t = mc_doc_types(&n);
	assert_int_equal(n, 29);
	assert_string_equal(t[0].key, "nghi_quyet");
	assert_string_equal(t[28].key, "thu_cong");
	assert_string_equal(mc_doc_type_find("quyet_dinh")->abbr, "QĐ");
	assert_string_equal(mc_doc_type_find("chuong_trinh")->abbr, "CTr");
	assert_string_equal(mc_doc_type_find("giay_uy_quyen")->abbr, "GUQ");
	assert_string_equal(mc_doc_type_find("cong_van")->abbr, "");
	assert_true(mc_doc_type_is_letter(mc_doc_type_find("cong_van")));
	assert_null(mc_doc_type_find("sac_lenh"));
	assert_null(mc_doc_type_find(NULL));
	/* Keys and abbreviations are each unique. */
	for (size_t i = 0; i < n; i++) {
		for (size_t k = i + 1; k < n; k++) {
			assert_string_not_equal(t[i].key, t[k].key);
			if (t[i].abbr[0])
				assert_string_not_equal(t[i].abbr, t[k].abbr);
		}
	}
}

static void test_marks(void **state)
{
	(void)state;
	mc_doc_urgency u;
	mc_doc_secrecy s;
	assert_int_equal(mc_doc_urgency_parse(&u, "hoa_toc"), 0);
	assert_int_equal(u, MC_DOC_URGENCY_HOA_TOC);
	assert_string_equal(mc_doc_urgency_title(u), "Hỏa tốc");
	assert_int_equal(mc_doc_urgency_parse(&u, "rat_khan"), MC_EINVAL);
	assert_int_equal(mc_doc_secrecy_parse(&s, "tuyet_mat"), 0);
	assert_string_equal(mc_doc_secrecy_title(s), "Tuyệt mật");
	assert_int_equal(mc_doc_secrecy_parse(&s, NULL), MC_EINVAL);
	assert_null(mc_doc_secrecy_name((mc_doc_secrecy)9));
}

static void test_steps(void **state)
{
	(void)state;
	mc_doc_state to;
	/* The outgoing path, with a return. */
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_DRAFT, MC_DOC_ACT_SUBMIT), 0);
	assert_int_equal(to, MC_DOC_SUBMITTED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_SUBMITTED, MC_DOC_ACT_RETURN), 0);
	assert_int_equal(to, MC_DOC_RETURNED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_RETURNED, MC_DOC_ACT_SUBMIT), 0);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_SUBMITTED, MC_DOC_ACT_APPROVE), 0);
	assert_int_equal(to, MC_DOC_APPROVED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_APPROVED, MC_DOC_ACT_SIGN), 0);
	assert_int_equal(to, MC_DOC_SIGNED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_SIGNED, MC_DOC_ACT_ISSUE), 0);
	assert_int_equal(to, MC_DOC_ISSUED);
	/* Steps out of order. */
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_DRAFT, MC_DOC_ACT_APPROVE), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_SUBMITTED, MC_DOC_ACT_SIGN), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_APPROVED, MC_DOC_ACT_ISSUE), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ISSUED, MC_DOC_ACT_ISSUE), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ISSUED, MC_DOC_ACT_RETURN), MC_ECONFLICT);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ARRIVED, MC_DOC_ACT_ASSIGN), MC_ECONFLICT);
	/* Incoming. */
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ARRIVED, MC_DOC_ACT_REGISTER), 0);
	assert_int_equal(to, MC_DOC_REGISTERED);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_REGISTERED, MC_DOC_ACT_ASSIGN), 0);
	assert_int_equal(mc_doc_next_state(&to, MC_DOC_ASSIGNED, MC_DOC_ACT_ASSIGN), 0);
	assert_int_equal(mc_doc_next_state(&to, (mc_doc_state)42, MC_DOC_ACT_ASSIGN), MC_EINVAL);
	/* A copy recalled or replaced (art. 18) takes no further step. */
	for (int a = MC_DOC_ACT_SUBMIT; a <= MC_DOC_ACT_ASSIGN; a++) {
		assert_int_equal(mc_doc_next_state(&to, MC_DOC_RECALLED, (mc_doc_action)a), MC_ECONFLICT);
		assert_int_equal(mc_doc_next_state(&to, MC_DOC_REPLACED, (mc_doc_action)a), MC_ECONFLICT);
	}
	mc_doc_state parsed;
	assert_string_equal(mc_doc_state_name(MC_DOC_REPLACED), "replaced");
	assert_string_equal(mc_doc_state_title(MC_DOC_REPLACED), "Đã được thay thế");
	assert_int_equal(mc_doc_state_parse(&parsed, "replaced"), 0);
	assert_int_equal(parsed, MC_DOC_REPLACED);
	assert_null(mc_doc_state_name((mc_doc_state)12));
	/* Who takes each step. */
	assert_true(mc_doc_role_may(MC_ROLE_SPECIALIST, MC_DOC_ACT_SUBMIT));
	assert_false(mc_doc_role_may(MC_ROLE_SPECIALIST, MC_DOC_ACT_ISSUE));
	assert_false(mc_doc_role_may(MC_ROLE_DESK, MC_DOC_ACT_APPROVE));
	assert_true(mc_doc_role_may(MC_ROLE_DESK, MC_DOC_ACT_ISSUE));
	assert_true(mc_doc_role_may(MC_ROLE_DESK, MC_DOC_ACT_REGISTER));
	assert_true(mc_doc_role_may(MC_ROLE_LEADER, MC_DOC_ACT_SIGN));
	assert_false(mc_doc_role_may(MC_ROLE_LEADER, MC_DOC_ACT_ISSUE));
	assert_false(mc_doc_role_may(MC_ROLE_SUPERVISOR, MC_DOC_ACT_APPROVE));
	assert_false(mc_doc_role_may(MC_ROLE_ADMIN, MC_DOC_ACT_SIGN));
	assert_false(mc_doc_role_may(MC_ROLE_CITIZEN, MC_DOC_ACT_SUBMIT));
}

static void test_series_and_notation(void **state)
{
	(void)state;
	char s[MC_DOC_SERIES_MAX], n[MC_DOC_NOTATION_MAX];
	const mc_doc_type *qd = mc_doc_type_find("quyet_dinh"), *cv = mc_doc_type_find("cong_van"),
			  *bc = mc_doc_type_find("bao_cao");
	assert_int_equal(mc_doc_series(s, MC_DOC_OUT, qd, false, MC_DOC_SECRECY_NONE), 0);
	assert_string_equal(s, "general");
	assert_int_equal(mc_doc_series(s, MC_DOC_OUT, qd, true, MC_DOC_SECRECY_NONE), 0);
	assert_string_equal(s, "normative:quyet_dinh");
	assert_int_equal(mc_doc_series(s, MC_DOC_OUT, bc, false, MC_DOC_SECRECY_MAT), 0);
	assert_string_equal(s, "secret");
	assert_int_equal(mc_doc_series(s, MC_DOC_OUT, bc, true, MC_DOC_SECRECY_NONE), MC_EINVAL);
	assert_int_equal(mc_doc_series(s, MC_DOC_IN, NULL, false, MC_DOC_SECRECY_NONE), 0);
	assert_string_equal(s, "incoming");

	assert_int_equal(mc_doc_notation(n, 12, 2026, qd, false, "UBND", NULL), 0);
	assert_string_equal(n, "12/QĐ-UBND");
	assert_int_equal(mc_doc_notation(n, 5, 2026, qd, false, "UBND", ""), 0);
	assert_string_equal(n, "05/QĐ-UBND");
	assert_int_equal(mc_doc_notation(n, 6366, 2017, bc, false, "UBND", NULL), 0);
	assert_string_equal(n, "6366/BC-UBND");
	assert_int_equal(mc_doc_notation(n, 345, 2026, cv, false, "UBND", "VP"), 0);
	assert_string_equal(n, "345/UBND-VP");
	assert_int_equal(mc_doc_notation(n, 345, 2026, cv, false, "UBND", NULL), MC_EINVAL);
	assert_int_equal(mc_doc_notation(n, 3, 2026, qd, true, "UBND", NULL), 0);
	assert_string_equal(n, "03/2026/QĐ-UBND");
	assert_int_equal(mc_doc_notation(n, 7, 2026, bc, false, "UBND", "TCKH"), 0);
	assert_string_equal(n, "07/BC-UBND-TCKH");
	/* Phụ lục VI: the number at most 11 digits, the notation at most 30 characters. */
	assert_int_equal(mc_doc_notation(n, 99999999999LL, 2026, qd, false, "UBND", NULL), 0);
	assert_int_equal(mc_doc_notation(n, 100000000000LL, 2026, qd, false, "UBND", NULL), MC_ETOOBIG);
	assert_int_equal(mc_doc_notation(n, 1, 2026, bc, false, "ABCDEFGHIJKLMNOPQRST", "ABCDEFG"),
			 MC_ETOOBIG);
	assert_int_equal(mc_doc_notation(n, 1, 2026, bc, false, "ABCDEFGHIJKLMNOPQRST", "ABCDEF"), 0);
	assert_int_equal(mc_limit_chars(strchr(n, '/') + 1), 30);
	/* Abbreviations may not hold the notation's separators. */
	assert_int_equal(mc_doc_notation(n, 1, 2026, qd, false, "UB ND", NULL), MC_EINVAL);
	assert_int_equal(mc_doc_notation(n, 1, 2026, qd, false, "UB-ND", NULL), MC_EINVAL);
	assert_int_equal(mc_doc_notation(n, 1, 2026, qd, false, "UBND", "V/P"), MC_EINVAL);
	assert_int_equal(mc_doc_notation(n, 0, 2026, qd, false, "UBND", NULL), MC_EINVAL);
	assert_true(mc_doc_abbr_valid("ĐHQG"));
	assert_false(mc_doc_abbr_valid(""));
	assert_false(mc_doc_abbr_valid("ABCDEFGHIJKLMNOPQRSTU"));
}

static void test_year(void **state)
{
	(void)state;
	/* 31/12/2025 17:00 UTC is 1 January 2026 00:00 in Vietnam: numbers start again. */
	assert_int_equal(mc_doc_year(1767200400 - 1), 2025);
	assert_int_equal(mc_doc_year(1767200400), 2026);
}

/* A ZIP archive of stored entries into buf (as a DOCX is one); its length. */
static size_t zip(unsigned char *buf, size_t cap, const char *const *names, const char *const *texts,
		  size_t n, const char *comment)
{
	size_t at = 0, offsets[8], cd;
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(names[i]), tl = strlen(texts[i]);
		assert_true(at + 30 + nl + tl < cap);
		offsets[i] = at;
		memset(buf + at, 0, 30);
		memcpy(buf + at, "PK\x03\x04", 4);
		buf[at + 18] = (unsigned char)tl, buf[at + 19] = (unsigned char)(tl >> 8),
			 buf[at + 20] = (unsigned char)(tl >> 16);
		buf[at + 22] = buf[at + 18], buf[at + 23] = buf[at + 19], buf[at + 24] = buf[at + 20];
		buf[at + 26] = (unsigned char)nl;
		memcpy(buf + at + 30, names[i], nl);
		memcpy(buf + at + 30 + nl, texts[i], tl);
		at += 30 + nl + tl;
	}
	cd = at;
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(names[i]), tl = strlen(texts[i]);
		memset(buf + at, 0, 46);
		memcpy(buf + at, "PK\x01\x02", 4);
		buf[at + 20] = (unsigned char)tl, buf[at + 21] = (unsigned char)(tl >> 8),
			 buf[at + 22] = (unsigned char)(tl >> 16);
		buf[at + 24] = buf[at + 20], buf[at + 25] = buf[at + 21], buf[at + 26] = buf[at + 22];
		buf[at + 28] = (unsigned char)nl;
		buf[at + 42] = (unsigned char)offsets[i], buf[at + 43] = (unsigned char)(offsets[i] >> 8),
			 buf[at + 44] = (unsigned char)(offsets[i] >> 16);
		memcpy(buf + at + 46, names[i], nl);
		at += 46 + nl;
	}
	size_t cl = comment ? strlen(comment) : 0;
	memset(buf + at, 0, 22);
	memcpy(buf + at, "PK\x05\x06", 4);
	buf[at + 8] = buf[at + 10] = (unsigned char)n;
	buf[at + 12] = (unsigned char)(at - cd), buf[at + 13] = (unsigned char)((at - cd) >> 8);
	buf[at + 16] = (unsigned char)cd, buf[at + 17] = (unsigned char)(cd >> 8),
		 buf[at + 18] = (unsigned char)(cd >> 16);
	buf[at + 20] = (unsigned char)cl;
	memcpy(buf + at + 22, comment ? comment : "", cl);
	return at + 22 + cl;
}

static void test_files(void **state)
{
	(void)state;
	const char *why = NULL;
	static const char pdf[] = "%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

	assert_int_equal(mc_doc_file_kind_of_mime("application/pdf"), MC_DOC_FILE_PDF);
	assert_int_equal(mc_doc_file_kind_of_mime("Application/PDF; charset=binary"), MC_DOC_FILE_PDF);
	assert_int_equal(mc_doc_file_kind_of_mime("application/pdfx"), MC_DOC_FILE_NONE);
	assert_int_equal(mc_doc_file_kind_of_mime(NULL), MC_DOC_FILE_NONE);
	assert_int_equal(mc_doc_file_kind_of_mime(
			     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
			 MC_DOC_FILE_DOCX);
	assert_int_equal(mc_doc_file_check(MC_DOC_FILE_PDF, (const unsigned char *)pdf, sizeof pdf - 1, &why),
			 0);
	assert_int_equal(mc_doc_file_check(MC_DOC_FILE_PDF, (const unsigned char *)pdf, sizeof pdf - 8, &why),
			 MC_EINVAL); /* cut short: no %%EOF */
	assert_int_equal(
	    mc_doc_file_check(MC_DOC_FILE_PDF, (const unsigned char *)"%PDF-9.0 %%EOF xxxxxxxx", 23, &why),
	    MC_EINVAL);
	assert_int_equal(
	    mc_doc_file_check(MC_DOC_FILE_NONE, (const unsigned char *)pdf, sizeof pdf - 1, &why), MC_EINVAL);

	unsigned char z[4096];
	const char *names[] = {"[Content_Types].xml", "word/document.xml"};
	const char *texts[] = {"<Types/>",
			       "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Kế hoạch </w:t></w:r>"
			       "<w:r><w:t>năm</w:t></w:r></w:p><w:p><w:r><w:t>Điều 1</w:t></w:r></w:p>"
			       "</w:body></w:document>"};
	size_t n = zip(z, sizeof z, names, texts, 2, "a comment after the record");
	assert_int_equal(mc_doc_file_check(MC_DOC_FILE_DOCX, z, n, &why), 0);
	char *text = NULL;
	assert_int_equal(mc_doc_docx_text(z, n, &text), 0);
	assert_string_equal(text, "Kế hoạch năm\nĐiều 1\n");
	free(text);
	/* cut short, or the directory pointing past the file: refused, no text */
	assert_int_equal(mc_doc_file_check(MC_DOC_FILE_DOCX, z, n - 40, &why), MC_EINVAL);
	z[n - 22 - 26 + 16] = 0xff;
	assert_int_equal(mc_doc_file_check(MC_DOC_FILE_DOCX, z, n, &why), MC_EINVAL);
	assert_int_equal(mc_doc_docx_text(z, n, &text), 0);
	assert_string_equal(text, "");
	free(text);
	/* a ZIP without the Word part */
	n = zip(z, sizeof z, names, texts, 1, NULL);
	assert_int_equal(mc_doc_file_check(MC_DOC_FILE_DOCX, z, n, &why), MC_EINVAL);
	assert_non_null(strstr(why, "word/document.xml"));
	/* a DTD: the part is not read */
	const char *dtd[] = {"<Types/>",
			     "<!DOCTYPE d [<!ENTITY a \"x\">]><w:document><w:t>&a;</w:t></w:document>"};
	n = zip(z, sizeof z, names, dtd, 2, NULL);
	assert_int_equal(mc_doc_file_check(MC_DOC_FILE_DOCX, z, n, &why), 0);
	assert_int_equal(mc_doc_docx_text(z, n, &text), 0);
	assert_string_equal(text, "");
	free(text);
}

/* The text taken is cut at MC_DOC_FILE_TEXT_MAX bytes on a whole character. */
static void test_docx_text_cut(void **state)
{
	(void)state;
	size_t runs = MC_DOC_FILE_TEXT_MAX / 3 + 10, cap = runs * 3 + 200;
	char *xml = malloc(cap);
	size_t at = (size_t)snprintf(xml, cap, "<w:document xmlns:w=\"w\"><w:t>ab");
	for (size_t i = 0; i < runs; i++)
		at += (size_t)snprintf(xml + at, cap - at, "ệ"); /* 3 bytes: the cut falls inside one */
	snprintf(xml + at, cap - at, "</w:t></w:document>");
	const char *names[] = {"[Content_Types].xml", "word/document.xml"};
	const char *texts[] = {"<Types/>", xml};
	size_t zcap = cap + 400, n;
	unsigned char *z = malloc(zcap);
	n = zip(z, zcap, names, texts, 2, NULL);
	char *text = NULL;
	assert_int_equal(mc_doc_docx_text(z, n, &text), 0);
	assert_true(strlen(text) <= MC_DOC_FILE_TEXT_MAX);
	assert_int_equal(strlen(text), MC_DOC_FILE_TEXT_MAX - 2); /* "ab", then only whole "ệ" */
	assert_int_equal((strlen(text) - 2) % 3, 0);
	free(text);
	free(z);
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),	  cmocka_unit_test(test_marks),
	    cmocka_unit_test(test_steps),	  cmocka_unit_test(test_series_and_notation),
	    cmocka_unit_test(test_year),	  cmocka_unit_test(test_files),
	    cmocka_unit_test(test_docx_text_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
