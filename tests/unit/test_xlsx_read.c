/*
 * test_xlsx_read.c - workbooks read back (core/xlsx_read.h): what
 * libxlsxwriter writes (shared strings, numbers, empty cells) comes back
 * cell for cell; broken files are refused with a reason and never read
 * out of bounds (ASan): every truncation, bytes flipped across the file,
 * a zip bomb, too many entries, a DTD, a shared string that is not there,
 * a part missing, a cell beyond the bounds.
 */
#include "core/err.h"
#include "core/xlsx_read.h"
#include "render/xlsx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <cmocka.h>

/* A workbook as the provinces' form: a header row and criteria. */
static unsigned char *sample(size_t *len)
{
	mc_xlsx x;
	unsigned char *out = NULL;
	assert_int_equal(mc_xlsx_new(&x), 0);
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "Tiêu chí");
	workbook_add_worksheet(x.wb, "Ghi chú");
	worksheet_write_string(ws, 0, 0, "Mã", NULL);
	worksheet_write_string(ws, 0, 1, "Tên tiêu chí", NULL);
	worksheet_write_string(ws, 0, 2, "Điểm tối đa", NULL);
	worksheet_write_string(ws, 1, 0, "1", NULL);
	worksheet_write_string(ws, 1, 1, "Công tác chỉ đạo, điều hành", NULL);
	worksheet_write_number(ws, 1, 2, 12, NULL);
	worksheet_write_string(ws, 2, 0, "1.1", NULL);
	worksheet_write_string(ws, 2, 1, "Kế hoạch", NULL);
	worksheet_write_number(ws, 2, 2, 4.5, NULL);
	/* row 4 empty, then one far cell */
	worksheet_write_string(ws, 4, 5, "Mã", NULL); /* the same shared string again */
	worksheet_write_boolean(ws, 5, 0, 1, NULL);
	assert_int_equal(mc_xlsx_finish(&x, 1 << 20, &out, len), 0);
	return out;
}

static void test_reads_what_was_written(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *data = sample(&len);
	mc_xlsx_grid g;
	char why[200];
	assert_int_equal(mc_xlsx_read(&g, data, len, why, sizeof why), 0);
	assert_int_equal(g.rows, 6);
	assert_int_equal(g.cols, 6);
	assert_string_equal(mc_xlsx_cell(&g, 0, 0), "Mã");
	assert_string_equal(mc_xlsx_cell(&g, 0, 2), "Điểm tối đa");
	assert_string_equal(mc_xlsx_cell(&g, 1, 1), "Công tác chỉ đạo, điều hành");
	assert_string_equal(mc_xlsx_cell(&g, 1, 2), "12");
	assert_string_equal(mc_xlsx_cell(&g, 2, 2), "4.5");
	assert_null(mc_xlsx_cell(&g, 3, 0));
	assert_null(mc_xlsx_cell(&g, 4, 0));
	assert_string_equal(mc_xlsx_cell(&g, 4, 5), "Mã");
	assert_string_equal(mc_xlsx_cell(&g, 5, 0), "1");
	assert_null(mc_xlsx_cell(&g, 99, 0));
	assert_null(mc_xlsx_cell(&g, 0, 99));
	mc_xlsx_grid_clear(&g);
	free(data);
}

/* Every prefix of a workbook is refused with a reason (a zip's directory is
 * at its end: a cut file has none), and never read past its end. */
static void test_truncations(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *data = sample(&len);
	char why[200];
	for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 37)) {
		unsigned char *copy = malloc(cut ? cut : 1);
		memcpy(copy, data, cut);
		mc_xlsx_grid g;
		int rc = mc_xlsx_read(&g, copy, cut, why, sizeof why);
		assert_int_not_equal(rc, 0);
		assert_true(why[0] != '\0');
		assert_int_equal(g.rows, 0);
		mc_xlsx_grid_clear(&g);
		free(copy);
	}
	free(data);
}

/* Bytes flipped across the file: read or refused with a reason, never a
 * crash (ASan, UBSan judge the rest). */
static void test_flipped_bytes(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *data = sample(&len);
	unsigned char *copy = malloc(len);
	char why[200];
	unsigned seed = 12345;
	size_t refused = 0, runs = 0;
	for (size_t pos = 0; pos < len; pos += 7) {
		memcpy(copy, data, len);
		seed = seed * 1103515245u + 12345u;
		copy[pos] ^= (unsigned char)(1u + (seed >> 16) % 255u);
		mc_xlsx_grid g;
		int rc = mc_xlsx_read(&g, copy, len, why, sizeof why);
		runs++;
		if (rc != 0) {
			refused++;
			assert_true(rc == MC_EINVAL || rc == MC_ETOOBIG);
			assert_true(why[0] != '\0');
		}
		mc_xlsx_grid_clear(&g);
	}
	assert_true(refused > 0);
	assert_true(runs > 100);
	free(copy);
	free(data);
}

/* A zip made here, member by member: name, text, how many times repeated. */
typedef struct {
	const char *name;
	const char *text;
	size_t repeat;
} part;

static unsigned char *make_zip(const part *parts, size_t n, size_t *len)
{
	char path[256];
	const char *tmp = getenv("MC_TEST_TMP");
	if (tmp)
		mkdir(tmp, 0700); /* a fresh build has none yet */
	snprintf(path, sizeof path, "%s/xlsx_read_%d.zip", tmp ? tmp : "/tmp", (int)getpid());
	zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		zip_fileinfo zi = {0};
		assert_int_equal(
		    zipOpenNewFileInZip(z, parts[i].name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 9),
		    ZIP_OK);
		size_t tl = strlen(parts[i].text);
		for (size_t k = 0; k < (parts[i].repeat ? parts[i].repeat : 1); k++)
			assert_int_equal(zipWriteInFileInZip(z, parts[i].text, (unsigned)tl), ZIP_OK);
		assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
	}
	assert_int_equal(zipClose(z, NULL), ZIP_OK);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *out = malloc(*len);
	assert_int_equal(fread(out, 1, *len, f), *len);
	fclose(f);
	unlink(path);
	return out;
}

#define WB                                                                                                   \
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "                     \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"                   \
	"<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define RELS                                                                                                 \
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"             \
	"<Relationship Id=\"rId1\" Type=\"x\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
#define SHEET(cells) "<worksheet><sheetData>" cells "</sheetData></worksheet>"

static int read_parts(const part *parts, size_t n, char *why, size_t cap, mc_xlsx_grid *g)
{
	size_t len = 0;
	unsigned char *data = make_zip(parts, n, &len);
	int rc = mc_xlsx_read(g, data, len, why, cap);
	free(data);
	return rc;
}

static void expect(const part *parts, size_t n, int want, const char *reason)
{
	mc_xlsx_grid g;
	char why[300];
	int rc = read_parts(parts, n, why, sizeof why, &g);
	if (rc != want || (reason && !strstr(why, reason)))
		fail_msg("got %d \"%s\", wanted %d with \"%s\"", rc, why, want, reason ? reason : "");
	mc_xlsx_grid_clear(&g);
}

static void test_handmade(void **state)
{
	(void)state;
	/* The smallest workbook: inline strings, no shared strings. */
	part ok[] = {
	    {"xl/workbook.xml", WB, 0},
	    {"xl/_rels/workbook.xml.rels", RELS, 0},
	    {"xl/worksheets/sheet1.xml",
	     SHEET("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><r><t>Cải </t></r><r><t>cách</t></r>"
		   "</is></c><c r=\"C2\"><v>7</v></c></row>"),
	     0}};
	mc_xlsx_grid g;
	char why[300];
	assert_int_equal(read_parts(ok, 3, why, sizeof why, &g), 0);
	assert_int_equal(g.rows, 2);
	assert_string_equal(mc_xlsx_cell(&g, 1, 1), "Cải cách");
	assert_string_equal(mc_xlsx_cell(&g, 1, 2), "7");
	mc_xlsx_grid_clear(&g);

	/* A zip bomb: 32 MiB of one character, a few KiB compressed. */
	part bomb[] = {{"xl/workbook.xml", WB, 0},
		       {"xl/_rels/workbook.xml.rels", RELS, 0},
		       {"xl/worksheets/sheet1.xml", "                                ", 1u << 20}};
	expect(bomb, 3, MC_ETOOBIG, "more than");

	/* Too many entries. */
	static char names[MC_XLSX_READ_MAX_ENTRIES + 1][24];
	part many[MC_XLSX_READ_MAX_ENTRIES + 1];
	for (size_t i = 0; i <= MC_XLSX_READ_MAX_ENTRIES; i++) {
		snprintf(names[i], sizeof names[i], "x/%zu.xml", i);
		many[i] = (part){names[i], "<x/>", 0};
	}
	many[0] = ok[0];
	many[1] = ok[1];
	many[2] = ok[2];
	expect(many, MC_XLSX_READ_MAX_ENTRIES + 1, MC_ETOOBIG, "entries");

	/* A DTD (the billion laughs start so). */
	part dtd[] = {{"xl/workbook.xml", WB, 0},
		      {"xl/_rels/workbook.xml.rels", RELS, 0},
		      {"xl/worksheets/sheet1.xml",
		       "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>" SHEET("<row><c><v>&a;</v></c></row>"), 0}};
	expect(dtd, 3, MC_EINVAL, "DTD");

	/* A shared string that is not there. */
	part sst[] = {
	    {"xl/workbook.xml", WB, 0},
	    {"xl/_rels/workbook.xml.rels", RELS, 0},
	    {"xl/sharedStrings.xml", "<sst><si><t>a</t></si></sst>", 0},
	    {"xl/worksheets/sheet1.xml", SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>"), 0}};
	expect(sst, 4, MC_EINVAL, "cell A1 points to no shared string");

	/* No sheet part, no workbook, no relationships. */
	part nosheet[] = {{"xl/workbook.xml", WB, 0}, {"xl/_rels/workbook.xml.rels", RELS, 0}};
	expect(nosheet, 2, MC_EINVAL, "xl/worksheets/sheet1.xml");
	part nowb[] = {{"xl/worksheets/sheet1.xml", SHEET(""), 0}};
	expect(nowb, 1, MC_EINVAL, "xl/workbook.xml");
	part norels[] = {{"xl/workbook.xml", WB, 0}, {"xl/worksheets/sheet1.xml", SHEET(""), 0}};
	expect(norels, 2, MC_EINVAL, "workbook.xml.rels");

	/* Malformed XML; a cell beyond the columns read; a bad reference;
	 * cells out of order; a row's cell in another row. */
	part bad_xml[] = {{"xl/workbook.xml", WB, 0},
			  {"xl/_rels/workbook.xml.rels", RELS, 0},
			  {"xl/worksheets/sheet1.xml", "<worksheet><sheetData>", 0}};
	expect(bad_xml, 3, MC_EINVAL, "not well-formed");
	part far[] = {{"xl/workbook.xml", WB, 0},
		      {"xl/_rels/workbook.xml.rels", RELS, 0},
		      {"xl/worksheets/sheet1.xml", SHEET("<row r=\"1\"><c r=\"AG1\"><v>1</v></c></row>"), 0}};
	expect(far, 3, MC_EINVAL, "cell AG1 is beyond");
	part badref[] = {
	    {"xl/workbook.xml", WB, 0},
	    {"xl/_rels/workbook.xml.rels", RELS, 0},
	    {"xl/worksheets/sheet1.xml", SHEET("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>"), 0}};
	expect(badref, 3, MC_EINVAL, "not one");
	part order[] = {{"xl/workbook.xml", WB, 0},
			{"xl/_rels/workbook.xml.rels", RELS, 0},
			{"xl/worksheets/sheet1.xml",
			 SHEET("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>"), 0}};
	expect(order, 3, MC_EINVAL, "out of order");
	part other_row[] = {
	    {"xl/workbook.xml", WB, 0},
	    {"xl/_rels/workbook.xml.rels", RELS, 0},
	    {"xl/worksheets/sheet1.xml", SHEET("<row r=\"1\"><c r=\"A2\"><v>1</v></c></row>"), 0}};
	expect(other_row, 3, MC_EINVAL, "says it is in row 2");
	/* A target climbing out of the package. */
	part climb[] = {
	    {"xl/workbook.xml", WB, 0},
	    {"xl/_rels/workbook.xml.rels",
	     "<Relationships><Relationship Id=\"rId1\" Target=\"../../etc/passwd\"/></Relationships>", 0}};
	expect(climb, 2, MC_EINVAL, "no part");
}

static void test_not_a_zip(void **state)
{
	(void)state;
	mc_xlsx_grid g;
	char why[200];
	assert_int_equal(mc_xlsx_read(&g, "unit_code,criterion_code,points\n", 32, why, sizeof why),
			 MC_EINVAL);
	assert_non_null(strstr(why, "not a zip"));
	assert_int_equal(mc_xlsx_read(&g, "", 0, why, sizeof why), MC_EINVAL);
	assert_int_equal(mc_xlsx_read(&g, "PK\x03\x04", MC_XLSX_READ_MAX_FILE + 1, why, sizeof why),
			 MC_ETOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_what_was_written),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_flipped_bytes),
	    cmocka_unit_test(test_handmade),
	    cmocka_unit_test(test_not_a_zip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
