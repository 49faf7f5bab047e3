/*
 * test_xlsx.c - the workbook writer's shared formats (render/xlsx.h): the
 * table formats are those the documents' registers and the work files'
 * lists print with, and a workbook that uses them is written.
 */
#include "core/mc.h"
#include "render/xlsx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

static void test_table_formats(void **state)
{
	(void)state;
	mc_xlsx x;
	mc_xlsx_table t;
	unsigned char *out = NULL;
	size_t len = 0;

	assert_int_equal(mc_xlsx_new(&x), 0);
	mc_xlsx_table_formats(&x, &t);
	assert_string_equal(t.title->font_name, "Times New Roman");
	assert_string_equal(t.head->font_name, "Times New Roman");
	assert_string_equal(t.cell->font_name, "Times New Roman");
	assert_true(t.title->bold && t.head->bold && !t.cell->bold);
	assert_true(t.title->font_size == 14);
	assert_int_equal(t.title->text_h_align, LXW_ALIGN_CENTER);
	assert_int_equal(t.head->text_h_align, LXW_ALIGN_CENTER);
	assert_int_equal(t.cell->text_v_align, LXW_ALIGN_VERTICAL_TOP);
	assert_true(t.head->text_wrap && t.cell->text_wrap && !t.title->text_wrap);
	assert_int_equal(t.head->top, LXW_BORDER_THIN);
	assert_int_equal(t.cell->bottom, LXW_BORDER_THIN);
	assert_int_equal(t.title->top, LXW_BORDER_NONE);
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "Sổ");
	assert_non_null(ws);
	worksheet_merge_range(ws, 0, 0, 0, 1, "SỔ ĐĂNG KÝ", t.title);
	worksheet_write_string(ws, 1, 0, "Số", t.head);
	worksheet_write_string(ws, 2, 0, "1", t.cell);
	assert_int_equal(mc_xlsx_finish(&x, 1 << 20, &out, &len), 0);
	assert_true(len > 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
