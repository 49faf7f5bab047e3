/* Tests for src/render/form.c: a form is written into the buffer it is
 * given, within that buffer's limit; one that would pass it is refused, not
 * cut. The forms' text is checked end to end in tests/api/forms.test.mjs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mc.h"
#include "render/form.h"

static void test_receipt_whole(void **state)
{
	(void)state;
	mc_form_doc docs[] = {{"Tờ khai đăng ký khai sinh", 1, 0}};
	mc_form f = {.kind = MC_FORM_RECEIPT,
		     .parent_unit = "UBND TỈNH THANH HÓA",
		     .issuing_unit = "UBND huyện Quảng Xương",
		     .place = "Quảng Xương",
		     .date = 1488420000,
		     .code = "000.00.33.H56-170302-0001",
		     .procedure = "Đăng ký khai sinh",
		     .applicant_name = "Nguyễn Văn An",
		     .docs = docs,
		     .n_docs = 1,
		     .duration_days = 1,
		     .received_at = 1488420000,
		     .due_at = 1488506400,
		     .lookup_url = "https://dichvucong.example.vn/tra-cuu/000.00.33.H56-170302-0001"};
	mc_buf pdf;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	assert_int_equal(mc_form_pdf(&pdf, &f), 0);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	assert_non_null(strstr(pdf.data + pdf.len - 8, "%%EOF"));
	mc_buf_free(&pdf);
	f.kind = 0;
	assert_int_equal(mc_form_pdf(&pdf, &f), MC_EINVAL);
	mc_buf_free(&pdf);
}

/* A register of many rows is larger than a small limit: refused whole. */
static void test_register_over_limit(void **state)
{
	(void)state;
	enum { N = 300 };
	mc_form_row *rows = calloc(N, sizeof *rows);
	for (size_t i = 0; i < N; i++)
		rows[i] = (mc_form_row){.code = "000.00.33.H56-170302-0001",
					.procedure = "Đăng ký khai sinh",
					.applicant = "Nguyễn Văn An",
					.address = "Thôn 1, xã Quảng Thịnh",
					.unit = "UBND huyện Quảng Xương",
					.received_at = 1488420000,
					.due_at = 1488506400,
					.note = "Đã tiếp nhận"};
	mc_form f = {.kind = MC_FORM_REGISTER,
		     .issuing_unit = "UBND HUYỆN QUẢNG XƯƠNG",
		     .place = "Quảng Xương",
		     .date = 1488420000,
		     .rows = rows,
		     .n_rows = N,
		     .from = 1483203600,
		     .to = 1488420000};
	mc_buf pdf;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	assert_int_equal(mc_form_pdf(&pdf, &f), 0);
	size_t whole = pdf.len;
	mc_buf_free(&pdf);
	assert_true(whole > 64 * 1024);
	mc_buf_init(&pdf, 64 * 1024);
	assert_int_equal(mc_form_pdf(&pdf, &f), MC_ETOOBIG);
	mc_buf_free(&pdf);
	free(rows);
}

/* The process control sheet names both units of each hand-over in full,
 * however long (the cell was a 600-byte array). */
static void test_control_long_units(void **state)
{
	(void)state;
	char from[1100], to[1100];
	memset(from, 0, sizeof from);
	for (size_t i = 0; i + 3 < sizeof from; i += 3)
		memcpy(from + i, "ữ", 3);
	memcpy(to, from, sizeof to);
	mc_form_step steps[] = {{.from_unit = from,
				 .to_unit = to,
				 .at = 1488420000,
				 .result = "Đúng hạn",
				 .note = "Lê Văn Bình"}};
	mc_form f = {.kind = MC_FORM_CONTROL,
		     .issuing_unit = "UBND huyện Quảng Xương",
		     .place = "Quảng Xương",
		     .date = 1488420000,
		     .code = "000.00.33.H56-170302-0001",
		     .steps = steps,
		     .n_steps = 1};
	mc_buf pdf;
	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	assert_int_equal(mc_form_pdf(&pdf, &f), 0);
	mc_buf_free(&pdf);
}

/* The set in force on a local day (docs/forms.md §1): the boundaries at
 * 00:00 UTC+7 of 21 June 2018 and 1 July 2025. */
static void test_set_by_date(void **state)
{
	(void)state;
	int64_t day_2018 = (int64_t)mc_days_from_civil(2018, 6, 21) * 86400 - MC_TZ_OFFSET;
	int64_t day_2025 = (int64_t)mc_days_from_civil(2025, 7, 1) * 86400 - MC_TZ_OFFSET;
	assert_int_equal(mc_form_set_on(1488420000), MC_FORMS_2015); /* March 2017 */
	assert_int_equal(mc_form_set_on(day_2018 - 1), MC_FORMS_2015);
	assert_int_equal(mc_form_set_on(day_2018), MC_FORMS_2018);
	assert_int_equal(mc_form_set_on(day_2025 - 1), MC_FORMS_2018);
	assert_int_equal(mc_form_set_on(day_2025), MC_FORMS_2025);
	/* Thông tư 03/2025/TT-VPCP's forms from 15 September 2025. */
	int64_t day_tt03 = (int64_t)mc_days_from_civil(2025, 9, 15) * 86400 - MC_TZ_OFFSET;
	assert_int_equal(mc_form_set_on(day_tt03 - 1), MC_FORMS_2025);
	assert_int_equal(mc_form_set_on(day_tt03), MC_FORMS_2025_TT03);
	assert_int_equal(mc_form_set_on(day_tt03 + 400 * 86400), MC_FORMS_2025_TT03);
}

/* "Mẫu số NN" of each kind in each set (docs/forms.md §3): Thông tư 01/2018
 * numbers 01-06 with no notice of stopping; Thông tư 03/2025 puts the notice
 * at 05, the control sheet at 06, the register at 07. */
static void test_model_no(void **state)
{
	(void)state;
	static const struct {
		mc_form_kind kind;
		int tt01, tt03;
	} want[] = {{MC_FORM_RECEIPT, 1, 1}, {MC_FORM_SUPPLEMENT, 2, 2}, {MC_FORM_REFUSAL, 3, 3},
		    {MC_FORM_APOLOGY, 4, 4}, {MC_FORM_CONTROL, 5, 6},	 {MC_FORM_REGISTER, 6, 7},
		    {MC_FORM_STOP, 0, 5},    {MC_FORM_TABLE, 0, 0}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_int_equal(mc_form_model_no(MC_FORMS_2018, want[i].kind), want[i].tt01);
		assert_int_equal(mc_form_model_no(MC_FORMS_2025_TT03, want[i].kind), want[i].tt03);
		assert_int_equal(mc_form_model_no(MC_FORMS_2015, want[i].kind), 0);
		assert_int_equal(mc_form_model_no(MC_FORMS_2025, want[i].kind), 0);
	}
	assert_int_equal(mc_form_model_no(MC_FORMS_2025_TT03, (mc_form_kind)9), 0);
}

/* The desk on the letterhead: the 2015 and 2018 name, then the centre of
 * the province or of the commune; a department receives through the
 * province's centre. */
static void test_desk_name(void **state)
{
	(void)state;
	char b[256];
	assert_string_equal(mc_form_desk_name(b, sizeof b, MC_FORMS_2018, "district",
					      "UBND huyện Quảng Xương", "UBND tỉnh Thanh Hóa"),
			    "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ");
	assert_string_equal(mc_form_desk_name(b, sizeof b, MC_FORMS_2025, "commune", "UBND xã Quảng Đức",
					      "UBND tỉnh Thanh Hóa"),
			    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ QUẢNG ĐỨC");
	assert_string_equal(
	    mc_form_desk_name(b, sizeof b, MC_FORMS_2025, "department", "Sở Tư pháp", "UBND tỉnh Thanh Hóa"),
	    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH THANH HÓA");
	/* The circular's forms keep the decree's centres. */
	assert_string_equal(mc_form_desk_name(b, sizeof b, MC_FORMS_2025_TT03, "commune", "UBND xã Quảng Đức",
					      "UBND tỉnh Thanh Hóa"),
			    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ QUẢNG ĐỨC");
}

/* Durations with the decimal comma, no trailing zeros. */
static void test_days_vi(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(mc_form_days_vi(b, sizeof b, 2.5), "2,5");
	assert_string_equal(mc_form_days_vi(b, sizeof b, 3), "3");
	assert_string_equal(mc_form_days_vi(b, sizeof b, 1.75), "1,75");
	assert_string_equal(mc_form_days_vi(b, sizeof b, 15.25), "15,25");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_receipt_whole),
	    cmocka_unit_test(test_register_over_limit),
	    cmocka_unit_test(test_control_long_units),
	    cmocka_unit_test(test_set_by_date),
	    cmocka_unit_test(test_model_no),
	    cmocka_unit_test(test_desk_name),
	    cmocka_unit_test(test_days_vi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
