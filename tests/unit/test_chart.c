/*
 * test_chart.c - the bar charts of src/render/chart.c: the SVG is a
 * well-formed document with a viewBox and a text alternative, draws one
 * filled shape per bar, survives zero data and long Vietnamese names, and the
 * same drawing goes onto another surface (PDF).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mc.h"
#include "render/chart.h"

/*
 * A small well-formedness check, enough for what cairo writes: every element
 * closes in order, attribute values are quoted, '<' and '&' appear in text
 * only as the start of a tag or an entity. Returns 0 when well formed.
 */
static int xml_check(const char *s)
{
	const char *stack[256];
	size_t stack_len[256];
	size_t depth = 0;
	bool root_seen = false;

	while (*s) {
		if (*s == '&') {
			const char *semi = strchr(s, ';');
			if (!semi || semi - s > 10)
				return -1;
			s = semi + 1;
			continue;
		}
		if (*s != '<') {
			s++;
			continue;
		}
		if (strncmp(s, "<?", 2) == 0) {
			const char *end = strstr(s, "?>");
			if (!end)
				return -2;
			s = end + 2;
			continue;
		}
		if (strncmp(s, "<!--", 4) == 0) {
			const char *end = strstr(s, "-->");
			if (!end)
				return -3;
			s = end + 3;
			continue;
		}
		bool closing = s[1] == '/';
		const char *name = s + (closing ? 2 : 1);
		size_t n = strcspn(name, " \t\n/>");
		if (n == 0)
			return -4;
		const char *p = name + n;
		/* Attributes: name="value" pairs. */
		while (*p && *p != '>' && !(*p == '/' && p[1] == '>')) {
			if (*p == ' ' || *p == '\t' || *p == '\n') {
				p++;
				continue;
			}
			if (closing)
				return -5;
			size_t an = strcspn(p, "= \t\n>");
			if (an == 0 || p[an] != '=' || (p[an + 1] != '"' && p[an + 1] != '\''))
				return -6;
			char q = p[an + 1];
			const char *v = p + an + 2;
			const char *ve = strchr(v, q);
			if (!ve || memchr(v, '<', (size_t)(ve - v)))
				return -7;
			p = ve + 1;
		}
		if (!*p)
			return -8;
		if (closing) {
			if (depth == 0 || stack_len[depth - 1] != n ||
			    strncmp(stack[depth - 1], name, n) != 0)
				return -9;
			depth--;
			s = p + 1;
		} else if (*p == '/') {
			if (depth == 0 && root_seen)
				return -10;
			root_seen = true;
			s = p + 2;
		} else {
			if (depth == 0 && root_seen)
				return -11; /* a second root */
			if (depth == MC_ARRAY_LEN(stack))
				return -12;
			root_seen = true;
			stack[depth] = name;
			stack_len[depth++] = n;
			s = p + 1;
		}
	}
	return depth == 0 && root_seen ? 0 : -13;
}

/* Filled paths: bars and legend swatches (cairo writes the background that
 * covers the page as a <rect>; glyphs carry no fill of their own and grid
 * lines are strokes). */
static size_t filled_paths(const char *svg)
{
	size_t n = 0;
	for (const char *p = strstr(svg, "<path"); p; p = strstr(p + 1, "<path")) {
		const char *end = strchr(p, '>');
		const char *fill = strstr(p, "fill:rgb(");
		if (end && fill && fill < end)
			n++;
	}
	return n;
}

static char *render(const mc_chart *c, size_t *len)
{
	unsigned char *svg = NULL;
	assert_int_equal(mc_chart_svg(&svg, len, c, "Mô tả <b>&</b>", 640, 360), 0);
	assert_non_null(svg);
	assert_int_equal(strlen((char *)svg), *len);
	return (char *)svg;
}

static void check_document(const char *svg, const char *title)
{
	assert_true(strncmp(svg, "<?xml", 5) == 0 || strncmp(svg, "<svg", 4) == 0);
	assert_non_null(strstr(svg, "<svg"));
	assert_non_null(strstr(svg, "viewBox=\"0 0 640 360\""));
	assert_int_equal(xml_check(svg), 0);
	char want[512];
	snprintf(want, sizeof want, "<title>%s</title>", title);
	assert_non_null(strstr(svg, want));
	/* The description is escaped. */
	assert_non_null(strstr(svg, "<desc>Mô tả &lt;b&gt;&amp;&lt;/b&gt;</desc>"));
}

static void test_columns(void **state)
{
	(void)state;
	mc_chart_item items[] = {
	    {.label = "Trực tuyến", .values = {12}},
	    {.label = "Trực tiếp", .values = {84}},
	    {.label = "Bưu chính công ích", .values = {4}},
	};
	mc_chart c = {.kind = MC_CHART_COLUMNS,
		      .title = "Hồ sơ tiếp nhận theo hình thức",
		      .subtitle = "Quý I",
		      .series = {"Hồ sơ"},
		      .n_series = 1,
		      .items = items,
		      .n_items = 3,
		      .empty_text = "Không có"};
	size_t len = 0;
	char *svg = render(&c, &len);

	check_document(svg, "Hồ sơ tiếp nhận theo hình thức");
	/* 3 legend swatches + 3 columns */
	assert_int_equal(filled_paths(svg), 3 + 3);
	free(svg);

	/* A zero column draws no bar (its value 0 is still written). */
	items[2].values[0] = 0;
	svg = render(&c, &len);
	assert_int_equal(filled_paths(svg), 3 + 2);
	free(svg);
}

static void test_stacked_and_bars(void **state)
{
	(void)state;
	mc_chart_item items[5] = {
	    {.label = "UBND xã Quảng Bình", .values = {4, 0, 2}},
	    {.label = "UBND xã Quảng Văn", .values = {4, 1, 2}},
	    {.label = "UBND thị trấn Quảng Xương", .values = {3, 1, 0}},
	    {.label = "UBND xã Quảng Nhân", .values = {0, 0, 0}},
	    {.label = "UBND xã Quảng Hòa", .values = {1, 1, 1}},
	};
	mc_chart c = {.kind = MC_CHART_HSTACK,
		      .title = "Kết quả giải quyết",
		      .series = {"Trước hạn", "Đúng hạn", "Trễ hạn"},
		      .n_series = 3,
		      .items = items,
		      .n_items = 5};
	size_t len = 0, bars = 0;
	char *svg = render(&c, &len);

	check_document(svg, "Kết quả giải quyết");
	/* Non-zero segments: 2 + 3 + 2 + 0 + 3 = 10. */
	assert_int_equal(filled_paths(svg), 3 + 10);
	free(svg);

	/* The same drawing on a PDF surface, counted by the drawing itself. */
	cairo_surface_t *pdf = cairo_pdf_surface_create(NULL, 640, 360);
	cairo_t *cr = cairo_create(pdf);
	assert_int_equal(mc_chart_draw(&bars, cr, &c, 640, 360), 0);
	assert_int_equal(bars, 10);
	assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_destroy(pdf);

	/* Horizontal bars: the first series only, values written as given. */
	c.kind = MC_CHART_HBARS;
	c.n_series = 1;
	c.max = 100;
	items[0].value_text = "66,7 % (4/6)";
	svg = render(&c, &len);
	assert_int_equal(xml_check(svg), 0);
	assert_int_equal(filled_paths(svg), 1 + 4);
	free(svg);
}

/* Fifteen units with very long Vietnamese names: cut with an ellipsis, the
 * document stays well formed and every bar is drawn. */
static void test_long_names_and_many(void **state)
{
	(void)state;
	mc_chart_item items[15];
	char names[15][200];
	for (int i = 0; i < 15; i++) {
		snprintf(names[i], sizeof names[i],
			 "Trung tâm Phục vụ hành chính công và Kiểm soát thủ tục hành chính huyện Quảng "
			 "Xương số %d",
			 i + 1);
		items[i] = (mc_chart_item){.label = names[i], .values = {100.0 - i * 5}};
	}
	mc_chart c = {.kind = MC_CHART_HBARS,
		      .title =
			  "Tỷ lệ giải quyết đúng hạn theo đơn vị — Ủy ban nhân dân tỉnh Thanh Hóa, năm 2017, "
			  "các sở, ban, ngành và huyện, thị xã, thành phố",
		      .series = {"Tỷ lệ trước hạn và đúng hạn"},
		      .n_series = 1,
		      .items = items,
		      .n_items = 15,
		      .max = 100};
	size_t len = 0;
	char *svg = render(&c, &len);
	assert_int_equal(xml_check(svg), 0);
	assert_int_equal(filled_paths(svg), 1 + 15);
	free(svg);
}

static void test_zero_and_invalid(void **state)
{
	(void)state;
	mc_chart_item items[] = {{.label = "Trực tuyến"}, {.label = "Trực tiếp"}};
	mc_chart c = {.kind = MC_CHART_COLUMNS,
		      .title = "Không có dữ liệu",
		      .n_series = 1,
		      .items = items,
		      .n_items = 2,
		      .empty_text = "Không có hồ sơ trong kỳ"};
	size_t len = 0, bars = 99;
	char *svg = render(&c, &len);

	check_document(svg, "Không có dữ liệu");
	/* 2 swatches, no bar */
	assert_int_equal(filled_paths(svg), 2);
	free(svg);

	/* No items at all. */
	c.kind = MC_CHART_HSTACK;
	c.n_items = 0;
	c.items = NULL;
	svg = render(&c, &len);
	assert_int_equal(xml_check(svg), 0);
	free(svg);

	/* Bad charts are refused before anything is drawn. */
	cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cairo_t *cr = cairo_create(rec);
	c.kind = 0;
	assert_int_equal(mc_chart_draw(&bars, cr, &c, 640, 360), MC_EINVAL);
	assert_int_equal(bars, 0);
	c.kind = MC_CHART_HBARS;
	c.items = items;
	c.n_items = 2;
	items[1].values[0] = -1;
	assert_int_equal(mc_chart_draw(&bars, cr, &c, 640, 360), MC_EINVAL);
	c.n_series = 0;
	assert_int_equal(mc_chart_draw(&bars, cr, &c, 640, 360), MC_EINVAL);
	cairo_destroy(cr);
	cairo_surface_destroy(rec);

	unsigned char *out = (unsigned char *)"x";
	assert_int_equal(mc_chart_svg(&out, &len, &c, NULL, 640, 360), MC_EINVAL);
	assert_null(out);
}

/* A document that would pass MC_CHART_SVG_MAX is refused whole: no cut
 * SVG comes back. The limit counts what is written (escaped), not what was
 * given: a description of '&' grows five times as "&amp;". */
static void test_svg_limit(void **state)
{
	(void)state;
	mc_chart_item items[] = {{.label = "Trực tuyến", .values = {12}}};
	mc_chart c = {.kind = MC_CHART_COLUMNS,
		      .title = "Hồ sơ tiếp nhận",
		      .n_series = 1,
		      .items = items,
		      .n_items = 1};
	size_t n = MC_CHART_SVG_MAX / 4;
	char *desc = malloc(n + 1);
	unsigned char *out = NULL;
	size_t len = 0;

	/* Within the limit as given, over it once escaped. */
	memset(desc, '&', n);
	desc[n] = '\0';
	out = (unsigned char *)"x";
	assert_int_equal(mc_chart_svg(&out, &len, &c, desc, 640, 360), MC_ETOOBIG);
	assert_null(out);
	assert_int_equal(len, 0);
	/* The same length of plain text fits, and comes back whole. */
	memset(desc, 'a', n);
	assert_int_equal(mc_chart_svg(&out, &len, &c, desc, 640, 360), 0);
	assert_non_null(out);
	assert_int_equal(strlen((char *)out), len);
	assert_true(len > n);
	assert_non_null(strstr((char *)out, "</desc>"));
	free(out);
	free(desc);
}

static void test_xml_checker(void **state)
{
	(void)state;
	/* The checker itself tells good from bad. */
	assert_int_equal(xml_check("<?xml version=\"1.0\"?><a x=\"1\"><b/>t &amp; u</a>"), 0);
	assert_int_not_equal(xml_check("<a><b></a></b>"), 0);
	assert_int_not_equal(xml_check("<a x=1></a>"), 0);
	assert_int_not_equal(xml_check("<a>&</a>"), 0);
	assert_int_not_equal(xml_check("<a></a><b></b>"), 0);
	assert_int_not_equal(xml_check("<a>"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xml_checker),	     cmocka_unit_test(test_columns),
	    cmocka_unit_test(test_stacked_and_bars), cmocka_unit_test(test_long_names_and_many),
	    cmocka_unit_test(test_zero_and_invalid), cmocka_unit_test(test_svg_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
