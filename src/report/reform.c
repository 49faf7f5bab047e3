/*
 * reform.c - the semi-annual administrative-reform report (see reform.h).
 *
 * The text is written once, as a list of blocks (headings, paragraphs,
 * tables) of plain UTF-8, and the two writers lay the same blocks out: as
 * Markdown, and as an A4 PDF with the heading of Nghị định 30/2020 and the
 * text and table flow of the forms (render/form.h). So the PDF and the
 * Markdown cannot say different things.
 */
#include "report/reform.h"

#include "core/mc.h"
#include "core/par_index.h"
#include "render/form.h"
#include "render/sink.h"

#include <cairo-pdf.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers and dates in words ---------------------------------------- */

char *mc_reform_count(char *buf, size_t cap, int64_t n)
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
	size_t o = 0;
	if (n < 0 && o + 1 < cap)
		buf[o++] = '-';
	if (n > 0 && n < 10 && o + 1 < cap)
		buf[o++] = '0';
	for (int i = 0; i < len && o + 2 < cap; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = '.';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

char *mc_reform_percent(char *buf, size_t cap, int64_t part, int64_t whole)
{
	if (whole <= 0) {
		snprintf(buf, cap, "-");
		return buf;
	}
	/* Tenths, rounded half up, so that 633/635 reads 99,7% and only a full
	 * count reads 100%. */
	int64_t tenths = (part * 2000 + whole) / (2 * whole);
	if (tenths == 1000 && part < whole)
		tenths = 999;
	if (tenths % 10 == 0)
		snprintf(buf, cap, "%lld%%", (long long)(tenths / 10));
	else
		snprintf(buf, cap, "%lld,%lld%%", (long long)(tenths / 10), (long long)(tenths % 10));
	return buf;
}

/* "30/6/2017": the day with two digits, the month without a leading zero,
 * as the report writes its dates. */
static char *day_short(char *buf, size_t cap, int32_t day)
{
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	snprintf(buf, cap, "%02d/%d/%d", d, m, y);
	return buf;
}

char *mc_reform_period_words(char *buf, size_t cap, int32_t first_day, int32_t last_day)
{
	static const char *const quarters[] = {"I", "II", "III", "IV"};
	int y1, m1, d1, y2, m2, d2;
	int32_t next = last_day + 1;
	int yn, mn, dn;
	mc_civil_from_days(first_day, &y1, &m1, &d1);
	mc_civil_from_days(last_day, &y2, &m2, &d2);
	mc_civil_from_days(next, &yn, &mn, &dn);
	if (y1 == y2 && d1 == 1 && dn == 1) {
		/* Whole months of one year. */
		if (m1 == 1 && m2 == 12)
			snprintf(buf, cap, "năm %d", y1);
		else if (m1 == 1 && m2 == 6)
			snprintf(buf, cap, "6 tháng đầu năm %d", y1);
		else if (m1 == 7 && m2 == 12)
			snprintf(buf, cap, "6 tháng cuối năm %d", y1);
		else if ((m1 - 1) % 3 == 0 && m2 == m1 + 2)
			snprintf(buf, cap, "quý %s năm %d", quarters[(m1 - 1) / 3], y1);
		else if (m1 == m2)
			snprintf(buf, cap, "tháng %d năm %d", m1, y1);
		else
			snprintf(buf, cap, "từ tháng %d đến tháng %d năm %d", m1, m2, y1);
		return buf;
	}
	char a[16], b[16];
	snprintf(buf, cap, "từ ngày %s đến ngày %s", day_short(a, sizeof a, first_day),
		 day_short(b, sizeof b, last_day));
	return buf;
}

/* ---- gathering --------------------------------------------------------- */

static int level_bucket(const char *level)
{
	if (strcmp(level, "commune") == 0)
		return MC_REFORM_COMMUNE;
	if (strcmp(level, "district") == 0)
		return MC_REFORM_DISTRICT;
	return MC_REFORM_PROVINCE;
}

/* Adds the figures of q's unit to out->by_level: its own desk to its level,
 * each child with its subtree to the child's level, a district split into its
 * own desk and its communes. */
static int collect_levels(mc_reform *out, mc_store *st, mc_stats_query q, int depth)
{
	mc_stats_row *rows = NULL;
	size_t n = 0;
	int rc;
	q.group = MC_STATS_BY_UNIT;
	rc = mc_store_stats(st, &rows, &n, &q);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		mc_unit u;
		if (mc_stats_is_zero(&rows[i].c))
			continue;
		rc = mc_store_unit_get(st, &u, rows[i].unit_id);
		if (rc != 0)
			break;
		if (rows[i].unit_id == q.unit_id || depth > 2 || strcmp(u.level, "district") != 0) {
			mc_stats_add(&out->by_level[level_bucket(u.level)], &rows[i].c);
		} else {
			mc_stats_query sub = q;
			sub.unit_id = u.id;
			rc = collect_levels(out, st, sub, depth + 1);
		}
		mc_unit_clear(&u);
	}
	mc_stats_row_free_list(rows, n);
	return rc;
}

int mc_reform_collect(mc_reform *out, mc_store *st, int64_t unit_id, int32_t first_day, int32_t last_day,
		      int64_t now)
{
	mc_stats_query q;
	mc_stats_row *rows = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (last_day < first_day)
		return MC_EINVAL;
	out->first_day = first_day;
	out->last_day = last_day;
	rc = mc_store_unit_get(st, &out->unit, unit_id);
	if (rc == 0)
		rc = mc_store_procedure_pub_counts(st, &out->pubs, first_day, last_day);
	if (rc == 0)
		rc = mc_store_procedure_pub_decisions(st, &out->decisions, &out->n_decisions, first_day,
						      last_day);
	if (rc == 0)
		rc = mc_store_unit_one_stop(st, out->one_stop, unit_id, last_day);
	if (rc == 0)
		rc = mc_store_procedure_in_force(st, out->online, &out->in_force, last_day);
	if (rc != 0)
		goto cleanup;

	/* The period [from, to) runs between local midnights (docs/statistics.md §1). */
	memset(&q, 0, sizeof q);
	q.unit_id = unit_id;
	q.from = (int64_t)first_day * 86400 - MC_TZ_OFFSET;
	q.to = ((int64_t)last_day + 1) * 86400 - MC_TZ_OFFSET;
	q.at = now < q.to ? now : q.to;
	q.group = MC_STATS_TOTAL;
	rc = mc_store_stats(st, &rows, &n, &q);
	if (rc == 0 && n > 0)
		out->dossiers = rows[0].c;
	mc_stats_row_free_list(rows, n);
	if (rc == 0)
		rc = collect_levels(out, st, q, 0);
	if (rc == 0)
		rc = mc_store_rating_summary(st, &out->ratings, unit_id, q.from, q.to);
cleanup:
	if (rc != 0)
		mc_reform_clear(out);
	return rc;
}

void mc_reform_clear(mc_reform *r)
{
	if (!r)
		return;
	mc_pub_decision_free_list(r->decisions, r->n_decisions);
	r->decisions = NULL;
	r->n_decisions = 0;
	mc_unit_clear(&r->unit);
	free(r->par.decision);
	for (size_t g = 0; g < MC_REFORM_PAR_GROUPS; g++) {
		for (size_t i = 0; i < MC_REFORM_PAR_TOP; i++)
			free(r->par.top_name[g][i]);
	}
	memset(&r->par, 0, sizeof r->par);
}

/* ---- the text, as blocks ----------------------------------------------- */

typedef enum {
	B_SECTION,    /* "II. KẾT QUẢ …" */
	B_HEADING,    /* "1. …" */
	B_SUBHEADING, /* "1.1. …" */
	B_PARA,
	B_TABLE,
	B_NOTE, /* small italic text after a table or at the end */
} block_kind;

typedef struct {
	block_kind kind;
	char *text;
	/* B_TABLE: ncols columns of which the first is text and the others figures;
	 * cells row by row, the first row being the header. */
	size_t ncols, nrows;
	size_t text_cols; /* the first columns hold text (left), the others figures (right) */
	char **cells;
	const double *widths; /* fractions of the text width */
} block;

typedef struct {
	block *b;
	size_t n, cap;
	const char *issuer_parent; /* "ỦY BAN NHÂN DÂN", or "" */
	char *issuer;		   /* "TỈNH THANH HÓA" */
	const char *place;	   /* "Thanh Hóa", borrowed from the unit's name */
	char *title; /* "Tình hình thực hiện cải cách hành chính 6 tháng đầu năm 2017" */
} report;

static block *push(report *r, block_kind kind)
{
	MC_GROW(r->b, r->n, r->cap);
	block *b = &r->b[r->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

static void add(report *r, block_kind kind, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void add(report *r, block_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	push(r, kind)->text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

/* A table of nrows rows (the header included) of ncols cells, filled by cell(). */
static block *table(report *r, size_t ncols, size_t text_cols, size_t nrows, const double *widths)
{
	block *b = push(r, B_TABLE);
	b->ncols = ncols;
	b->text_cols = text_cols;
	b->nrows = nrows;
	b->widths = widths;
	b->cells = g_new0(char *, ncols *nrows);
	return b;
}

static void cell(block *b, size_t row, size_t col, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void cell(block *b, size_t row, size_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_free(b->cells[row * b->ncols + col]);
	b->cells[row * b->ncols + col] = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

static void report_free(report *r)
{
	g_free(r->issuer);
	g_free(r->title);
	for (size_t i = 0; i < r->n; i++) {
		g_free(r->b[i].text);
		for (size_t c = 0; c < r->b[i].ncols * r->b[i].nrows; c++)
			g_free(r->b[i].cells[c]);
		g_free(r->b[i].cells);
	}
	free(r->b);
}

/* Short names for the counts in sentences. */
#define N(buf, x) mc_reform_count((buf), sizeof(buf), (x))
#define P(buf, a, b) mc_reform_percent((buf), sizeof(buf), (a), (b))

/* "UBND tỉnh Thanh Hóa" -> "ỦY BAN NHÂN DÂN" over "TỈNH THANH HÓA", place "Thanh Hóa". */
static void issuer_names(report *r, const mc_unit *u)
{
	const char *rest = u->name;
	r->issuer_parent = "";
	if (strncmp(rest, "UBND ", 5) == 0) {
		r->issuer_parent = "ỦY BAN NHÂN DÂN";
		rest += 5;
	}
	r->issuer = g_utf8_strup(rest, -1);
	static const char *const kinds[] = {"tỉnh ", "thành phố ", "huyện ",  "thị xã ",
					    "quận ", "xã ",	   "phường ", "thị trấn "};
	r->place = rest;
	for (size_t i = 0; i < MC_ARRAY_LEN(kinds); i++) {
		if (strncmp(rest, kinds[i], strlen(kinds[i])) == 0) {
			r->place = rest + strlen(kinds[i]);
			break;
		}
	}
}

static const char *const level_unit_words[4] = {NULL, "sở, ban, ngành cấp tỉnh", "UBND cấp huyện",
						"UBND cấp xã"};

static void write_pubs(report *r, const mc_reform *f, const char *period, const char *end)
{
	char a[32], b[32], c[32], d[32], t[32], n[32];
	const mc_pub_counts *p = &f->pubs;
	int64_t total = p->standardised + p->published_new + p->modified + p->abolished;
	add(r, B_SUBHEADING, "1.1. Kiểm soát, công bố thủ tục hành chính");
	if (total == 0) {
		add(r, B_PARA, "Trong %s, không có thủ tục hành chính nào được công bố.", period);
	} else {
		add(r, B_PARA,
		    "Trong %s, Chủ tịch %s đã công bố %s thủ tục hành chính, gồm: %s thủ tục công bố chuẩn "
		    "hóa; "
		    "%s thủ tục công bố mới; %s thủ tục công bố sửa đổi, bổ sung; %s thủ tục công bố bãi bỏ; "
		    "tại %s quyết định công bố.",
		    period, f->unit.name, N(t, total), N(a, p->standardised), N(b, p->published_new),
		    N(c, p->modified), N(d, p->abolished), N(n, (int64_t)f->n_decisions));
		static const double widths[] = {0.06, 0.30, 0.16, 0.12, 0.10, 0.14, 0.12};
		block *tb = table(r, 7, 2, f->n_decisions + 2, widths);
		static const char *const head[] = {"TT",  "Quyết định công bố", "Ngày",	 "Chuẩn hóa",
						   "Mới", "Sửa đổi, bổ sung",	"Bãi bỏ"};
		for (size_t i = 0; i < 7; i++)
			cell(tb, 0, i, "%s", head[i]);
		for (size_t i = 0; i < f->n_decisions; i++) {
			const mc_pub_decision *x = &f->decisions[i];
			char day[16];
			cell(tb, i + 1, 0, "%zu", i + 1);
			cell(tb, i + 1, 1, "%s", x->decision);
			cell(tb, i + 1, 2, "%s", day_short(day, sizeof day, x->day));
			cell(tb, i + 1, 3, "%s", N(a, x->c.standardised));
			cell(tb, i + 1, 4, "%s", N(a, x->c.published_new));
			cell(tb, i + 1, 5, "%s", N(a, x->c.modified));
			cell(tb, i + 1, 6, "%s", N(a, x->c.abolished));
		}
		size_t last = f->n_decisions + 1;
		cell(tb, last, 0, "%s", "");
		cell(tb, last, 1, "%s", "Tổng cộng");
		cell(tb, last, 2, "%s", "");
		cell(tb, last, 3, "%s", N(a, p->standardised));
		cell(tb, last, 4, "%s", N(a, p->published_new));
		cell(tb, last, 5, "%s", N(a, p->modified));
		cell(tb, last, 6, "%s", N(a, p->abolished));
	}
	add(r, B_PARA,
	    "Đến ngày %s, tổng số thủ tục hành chính đang có hiệu lực thi hành trên địa bàn là %s thủ tục.",
	    end, N(t, f->in_force));
}

static void write_dossiers(report *r, const mc_reform *f, const char *period)
{
	char a[32], b[32], c[32], d[32], e[32], g[32], h[32], k[32], p[16];
	const mc_stats_counts *x = &f->dossiers;
	add(r, B_SUBHEADING, "1.2. Kết quả giải quyết thủ tục hành chính");
	add(r, B_PARA,
	    "Trong %s, các cơ quan, đơn vị đã tiếp nhận %s hồ sơ (trực tuyến %s; trực tiếp %s; qua dịch vụ "
	    "bưu "
	    "chính công ích %s); %s hồ sơ từ kỳ trước chuyển sang.",
	    period, N(a, x->received), N(b, x->received_online), N(c, x->received_direct),
	    N(d, x->received_postal), N(e, x->carried_over));
	add(r, B_PARA,
	    "Đã giải quyết %s hồ sơ, trong đó: trước hạn %s, đúng hạn %s, trễ hạn %s; tỷ lệ hồ sơ giải quyết "
	    "đúng "
	    "hạn (trước hạn và đúng hạn) đạt %s. Đang giải quyết %s hồ sơ (trong hạn %s, quá hạn %s).",
	    N(a, x->resolved), N(b, x->resolved_early), N(c, x->resolved_on_time), N(d, x->resolved_late),
	    P(p, x->resolved_early + x->resolved_on_time, x->resolved), N(e, x->in_progress),
	    N(g, x->in_progress_within), N(h, x->in_progress_overdue));
	add(r, B_PARA,
	    "Có %s hồ sơ phải yêu cầu bổ sung, hoàn thiện; %s hồ sơ từ chối tiếp nhận; %s hồ sơ người nộp "
	    "rút; "
	    "%s hồ sơ dừng giải quyết.",
	    N(a, x->supplement_requested), N(b, x->not_accepted), N(c, x->withdrawn), N(k, x->stopped));

	static const double widths[] = {0.16, 0.13, 0.13, 0.13, 0.11, 0.12, 0.10, 0.12};
	static const char *const head[] = {
	    "Cấp",     "Tiếp nhận trong kỳ", "Kỳ trước chuyển sang", "Đã giải quyết", "Đúng hạn, trước hạn",
	    "Trễ hạn", "Tỷ lệ đúng hạn",     "Đang giải quyết"};
	static const char *const levels[] = {"Cấp tỉnh", "Cấp huyện", "Cấp xã"};
	block *tb = table(r, 8, 1, MC_REFORM_LEVELS_ + 2, widths);
	for (size_t i = 0; i < 8; i++)
		cell(tb, 0, i, "%s", head[i]);
	for (int l = 0; l <= MC_REFORM_LEVELS_; l++) {
		const mc_stats_counts *y = l < MC_REFORM_LEVELS_ ? &f->by_level[l] : x;
		size_t row = (size_t)l + 1;
		cell(tb, row, 0, "%s", l < MC_REFORM_LEVELS_ ? levels[l] : "Tổng cộng");
		cell(tb, row, 1, "%s", N(a, y->received));
		cell(tb, row, 2, "%s", N(a, y->carried_over));
		cell(tb, row, 3, "%s", N(a, y->resolved));
		cell(tb, row, 4, "%s", N(a, y->resolved_early + y->resolved_on_time));
		cell(tb, row, 5, "%s", N(a, y->resolved_late));
		cell(tb, row, 6, "%s", P(p, y->resolved_early + y->resolved_on_time, y->resolved));
		cell(tb, row, 7, "%s", N(a, y->in_progress));
	}
	add(r, B_NOTE,
	    "Hồ sơ được tính tại đơn vị tiếp nhận; đúng hạn, trước hạn, trễ hạn so với thời hạn giải quyết "
	    "theo "
	    "quy định.");
}

static void write_apologies(report *r, const mc_reform *f, const char *period)
{
	char a[32], b[32];
	add(r, B_SUBHEADING, "1.3. Công khai xin lỗi tổ chức, cá nhân");
	if (f->dossiers.apologies == 0)
		add(r, B_PARA,
		    "Trong %s, không có phiếu xin lỗi và hẹn lại ngày trả kết quả nào được ban hành; %s hồ "
		    "sơ giải "
		    "quyết trễ hạn.",
		    period, N(b, f->dossiers.resolved_late));
	else
		add(r, B_PARA,
		    "Trong %s, các cơ quan, đơn vị đã ban hành %s phiếu xin lỗi và hẹn lại ngày trả kết quả "
		    "đối với "
		    "hồ sơ chậm giải quyết, công khai trên Cổng dịch vụ công của tỉnh; %s hồ sơ giải quyết "
		    "trễ hạn.",
		    period, N(a, f->dossiers.apologies), N(b, f->dossiers.resolved_late));
}

static void write_one_stop(report *r, const mc_reform *f, const char *end)
{
	GString *s = g_string_new(NULL);
	bool first = true;
	add(r, B_HEADING, "2. Thực hiện cơ chế một cửa, cơ chế một cửa liên thông");
	for (int l = 1; l <= 3; l++) {
		const mc_one_stop_count *c = &f->one_stop[l];
		char x[32], y[32], p[16];
		if (c->units == 0)
			continue;
		if (!first)
			g_string_append(s, l == 3 || (l == 2 && f->one_stop[3].units == 0) ? " và " : "; ");
		first = false;
		g_string_append_printf(s, "%s %s (%s/%s)", P(p, c->one_stop, c->units), level_unit_words[l],
				       N(x, c->one_stop), N(y, c->units));
	}
	if (!first)
		add(r, B_PARA,
		    "Đến ngày %s, cơ chế một cửa, cơ chế một cửa liên thông được thực hiện tại %s.", end,
		    s->str);
	g_string_truncate(s, 0);
	first = true;
	/* The electronic system is counted where it matters most first: the districts. */
	static const int order[] = {2, 1, 3};
	for (size_t i = 0; i < MC_ARRAY_LEN(order); i++) {
		const mc_one_stop_count *c = &f->one_stop[order[i]];
		char x[32], y[32], p[16];
		if (c->units == 0)
			continue;
		if (!first)
			g_string_append(s, "; ");
		first = false;
		g_string_append_printf(s, "%s/%s %s (%s)", N(x, c->electronic), N(y, c->units),
				       level_unit_words[order[i]], P(p, c->electronic, c->units));
	}
	if (!first)
		add(r, B_PARA,
		    "Hệ thống một cửa điện tử hỗ trợ giải quyết thủ tục hành chính đã được triển khai, đưa "
		    "vào sử dụng tại %s.",
		    s->str);
	g_string_free(s, TRUE);
}

static void write_online(report *r, const mc_reform *f, const char *end)
{
	char a[32], b[32], c[32], t[32], z[32];
	add(r, B_HEADING, "3. Hiện đại hóa nền hành chính: dịch vụ công trực tuyến");
	add(r, B_PARA,
	    "Đến ngày %s, trong %s thủ tục hành chính đang có hiệu lực, toàn tỉnh cung cấp %s dịch vụ công "
	    "mức độ "
	    "2; %s dịch vụ công trực tuyến mức độ 3; %s dịch vụ công trực tuyến mức độ 4.",
	    end, N(t, f->in_force), N(a, f->online[2]), N(b, f->online[3]), N(c, f->online[4]));
	if (f->online[0] > 0)
		add(r, B_PARA, "Còn %s thủ tục hành chính chưa cung cấp dịch vụ công trực tuyến.",
		    N(z, f->online[0]));
}

static void write_satisfaction(report *r, const mc_reform *f, const char *period)
{
	static const char *const criteria[MC_RATE_COUNT_] = {
	    "Thời gian giải quyết so với quy định",
	    "Thời gian của từng cơ quan",
	    "Số lần phải liên hệ",
	    "Số cơ quan phải liên hệ",
	    "Tiếp nhận và trả kết quả",
	    "Công khai, minh bạch",
	    "Thái độ của cán bộ, công chức",
	};
	const mc_rating_summary *x = &f->ratings;
	char a[32], b[32], c[32], n[32], p1[16], p2[16], p3[16], ps[16];
	add(r, B_HEADING, "4. Mức độ hài lòng của tổ chức, cá nhân");
	if (x->count == 0) {
		add(r, B_PARA, "Trong %s, chưa có lượt đánh giá mức độ hài lòng nào của tổ chức, cá nhân.",
		    period);
		return;
	}
	add(r, B_PARA,
	    "Trong %s, có %s lượt tổ chức, cá nhân đánh giá mức độ hài lòng sau khi nhận kết quả: rất hài "
	    "lòng %s "
	    "(%s), hài lòng %s (%s), không hài lòng %s (%s); tỷ lệ hài lòng (rất hài lòng và hài lòng) đạt "
	    "%s.",
	    period, N(n, x->count), N(a, x->very_satisfied), P(p1, x->very_satisfied, x->count),
	    N(b, x->satisfied), P(p2, x->satisfied, x->count), N(c, x->not_satisfied),
	    P(p3, x->not_satisfied, x->count), P(ps, x->very_satisfied + x->satisfied, x->count));
	static const double widths[] = {0.08, 0.62, 0.30};
	block *tb = table(r, 3, 2, MC_RATE_COUNT_ + 1, widths);
	cell(tb, 0, 0, "TT");
	cell(tb, 0, 1, "Tiêu chí");
	cell(tb, 0, 2, "Điểm bình quân (tối đa 2)");
	for (int i = 0; i < MC_RATE_COUNT_; i++) {
		char score[16];
		snprintf(score, sizeof score, "%.2f", x->criteria[i]);
		*strchr(score, '.') = ',';
		cell(tb, (size_t)i + 1, 0, "%d", i + 1);
		cell(tb, (size_t)i + 1, 1, "%s", criteria[i]);
		cell(tb, (size_t)i + 1, 2, "%s", score);
	}
}

/* The groups in the report's words, in its order. */
static const char *const par_groups[MC_REFORM_PAR_GROUPS] = {
    "sở, ban, ngành cấp tỉnh",
    "UBND các huyện, thị xã, thành phố",
    "UBND các xã, phường, thị trấn",
    "đơn vị sự nghiệp trực thuộc UBND tỉnh",
};

/* "18 đơn vị (09 sở, ban, ngành cấp tỉnh; 06 UBND các huyện, thị xã, thành
 * phố và 03 đơn vị sự nghiệp trực thuộc UBND tỉnh)": the groups that have
 * any, into a GString. */
static void par_split(GString *s, const mc_reform_par *x, int grade)
{
	char n[32];
	int total = 0, parts = 0, done = 0;
	for (int g = 0; g < MC_REFORM_PAR_GROUPS; g++) {
		total += x->grades[g][grade];
		parts += x->grades[g][grade] > 0;
	}
	g_string_append_printf(s, "%s đơn vị (", N(n, total));
	for (int g = 0; g < MC_REFORM_PAR_GROUPS; g++) {
		if (!x->grades[g][grade])
			continue;
		done++;
		g_string_append_printf(s, "%s%s %s",
				       done == 1       ? ""
				       : done == parts ? " và "
						       : "; ",
				       N(n, x->grades[g][grade]), par_groups[g]);
	}
	g_string_append(s, ")");
}

static void write_par(report *r, const mc_reform *f)
{
	static const char *const grade_words[] = {"", "hoàn thành xuất sắc nhiệm vụ",
						  "hoàn thành tốt nhiệm vụ", "hoàn thành nhiệm vụ",
						  "không hoàn thành nhiệm vụ"};
	const mc_reform_par *x = &f->par;
	char n[32], a[24], b[24];
	int groups = 0, done = 0, with_top = 0;
	if (!x->year)
		return;
	add(r, B_HEADING, "5. Chỉ số cải cách hành chính; đánh giá, xếp loại đơn vị");
	GString *s = g_string_new(NULL);
	g_string_append_printf(s, "Đánh giá, xếp loại mức độ hoàn thành nhiệm vụ năm %d của ", x->year);
	for (int g = 0; g < MC_REFORM_PAR_GROUPS; g++)
		groups += x->units[g] > 0;
	for (int g = 0; g < MC_REFORM_PAR_GROUPS; g++) {
		if (!x->units[g])
			continue;
		done++;
		g_string_append_printf(s, "%s%s %s",
				       done == 1	? ""
				       : done == groups ? " và "
							: ", ",
				       N(n, x->units[g]), par_groups[g]);
	}
	g_string_append_printf(s, " (%s). Theo đó, xếp loại ", x->decision ? x->decision : "");
	done = 0;
	for (int grade = MC_PAR_GRADE_EXCELLENT; grade <= MC_PAR_GRADE_NOT_DONE; grade++) {
		int total = 0;
		for (int g = 0; g < MC_REFORM_PAR_GROUPS; g++)
			total += x->grades[g][grade];
		if (!total)
			continue;
		g_string_append_printf(s, "%s%s đối với ", done++ ? "; " : "", grade_words[grade]);
		par_split(s, x, grade);
	}
	g_string_append(s, ".");
	add(r, B_PARA, "%s", s->str);
	g_string_truncate(s, 0);
	for (int g = 0; g < MC_REFORM_PAR_GROUPS; g++)
		with_top += x->n_top[g] > 0;
	if (with_top) {
		g_string_append_printf(
		    s,
		    "Công bố Chỉ số cải cách hành chính năm %d; những đơn vị đạt kết quả cao như: ", x->year);
		done = 0;
		for (int g = 0; g < MC_REFORM_PAR_GROUPS; g++) {
			for (size_t i = 0; i < x->n_top[g]; i++)
				g_string_append_printf(s, "%s%s (%s/%s điểm)", done++ ? ", " : "",
						       x->top_name[g][i],
						       mc_par_fmt(a, sizeof a, x->top_points[g][i]),
						       mc_par_fmt(b, sizeof b, x->top_max[g][i]));
		}
		g_string_append(s, ".");
		add(r, B_PARA, "%s", s->str);
	}
	g_string_free(s, TRUE);
}

static void build(report *r, const mc_reform *f)
{
	char period[96], end[16], from[16];
	memset(r, 0, sizeof *r);
	issuer_names(r, &f->unit);
	mc_reform_period_words(period, sizeof period, f->first_day, f->last_day);
	day_short(end, sizeof end, f->last_day);
	day_short(from, sizeof from, f->first_day);
	r->title = g_strdup_printf("Tình hình thực hiện cải cách hành chính %s", period);

	add(r, B_SECTION, "II. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH");
	add(r, B_HEADING, "1. Cải cách thủ tục hành chính");
	write_pubs(r, f, period, end);
	write_dossiers(r, f, period);
	write_apologies(r, f, period);
	write_one_stop(r, f, end);
	write_online(r, f, end);
	write_satisfaction(r, f, period);
	write_par(r, f);
	add(r, B_NOTE,
	    "Số liệu tổng hợp từ hệ thống một cửa điện tử motcua cho kỳ báo cáo từ ngày %s đến ngày %s.",
	    from, end);
}

/* ---- Markdown ----------------------------------------------------------- */

/* Table cells must not break the row: a '|' is escaped, a newline becomes a space. */
static int md_cell(mc_buf *out, const char *text)
{
	int rc = 0;
	for (const char *c = text ? text : ""; rc == 0 && *c; c++) {
		if (*c == '|')
			rc = mc_buf_adds(out, "\\|");
		else if (*c == '\n')
			rc = mc_buf_adds(out, " ");
		else
			rc = mc_buf_add(out, c, 1);
	}
	return rc;
}

static int md_table(mc_buf *out, const block *b)
{
	int rc = 0;
	for (size_t row = 0; rc == 0 && row < b->nrows; row++) {
		rc = mc_buf_adds(out, "|");
		for (size_t c = 0; rc == 0 && c < b->ncols; c++) {
			rc = mc_buf_adds(out, " ");
			if (rc == 0)
				rc = md_cell(out, b->cells[row * b->ncols + c]);
			if (rc == 0)
				rc = mc_buf_adds(out, " |");
		}
		if (rc == 0)
			rc = mc_buf_adds(out, "\n");
		if (rc == 0 && row == 0) {
			rc = mc_buf_adds(out, "|");
			for (size_t c = 0; rc == 0 && c < b->ncols; c++)
				rc = mc_buf_adds(out, c < b->text_cols ? "---|" : "---:|");
			if (rc == 0)
				rc = mc_buf_adds(out, "\n");
		}
	}
	if (rc == 0)
		rc = mc_buf_adds(out, "\n");
	return rc;
}

int mc_reform_markdown(mc_buf *out, const mc_reform *f, int64_t date)
{
	report r;
	char day[64];
	int rc;

	build(&r, f);
	rc = mc_buf_addf(out, "**%s**  \n**%s**  \nSố: ……/BC-UBND\n\n", r.issuer_parent, r.issuer);
	if (rc == 0)
		rc = mc_buf_adds(
		    out, "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**  \n**Độc lập - Tự do - Hạnh phúc**\n\n");
	if (rc == 0)
		rc = mc_buf_addf(out, "*%s, %s*\n\n", r.place, mc_form_date_words(day, sizeof day, date));
	if (rc == 0)
		rc = mc_buf_addf(out, "# BÁO CÁO\n\n**%s** (phần số liệu)\n\n", r.title);
	for (size_t i = 0; rc == 0 && i < r.n; i++) {
		const block *b = &r.b[i];
		switch (b->kind) {
		case B_SECTION:
			rc = mc_buf_addf(out, "## %s\n\n", b->text);
			break;
		case B_HEADING:
			rc = mc_buf_addf(out, "### %s\n\n", b->text);
			break;
		case B_SUBHEADING:
			rc = mc_buf_addf(out, "#### %s\n\n", b->text);
			break;
		case B_PARA:
			rc = mc_buf_addf(out, "%s\n\n", b->text);
			break;
		case B_NOTE:
			rc = mc_buf_addf(out, "*%s*\n\n", b->text);
			break;
		case B_TABLE:
			rc = md_table(out, b);
			break;
		}
	}
	if (rc == 0)
		rc = mc_buf_addf(
		    out,
		    "**TM. %s**  \n**CHỦ TỊCH**\n\n*Nơi nhận:*  \n- Bộ Nội vụ;  \n- Văn phòng Chính "
		    "phủ;  \n- Lưu: VT.\n",
		    r.issuer_parent[0] ? r.issuer_parent : r.issuer);
	report_free(&r);
	return rc;
}

/* ---- PDF ---------------------------------------------------------------- */

/* A4 portrait with the margins of Nghị định 30/2020 (top and bottom 20 mm,
 * left 30 mm, right 15 mm). */
#define PAGE_W (210 * MC_FORM_MM)
#define PAGE_H (297 * MC_FORM_MM)
#define LEFT (30 * MC_FORM_MM)
#define RIGHT (PAGE_W - 15 * MC_FORM_MM)
#define TOP (20 * MC_FORM_MM)
#define BOTTOM (PAGE_H - 20 * MC_FORM_MM)
#define PAD 3.0

typedef struct {
	cairo_t *cr;
	double y;
} page;

/* Draws markup across the text width, starting a new page when it does not fit. */
static void pdf_text(page *p, const char *markup, double size, mc_form_align align, double space_after)
{
	double h = mc_form_draw_text(p->cr, LEFT, p->y, RIGHT - LEFT, markup, size, align, false);
	if (p->y + h > BOTTOM) {
		cairo_show_page(p->cr);
		p->y = TOP;
	}
	mc_form_draw_text(p->cr, LEFT, p->y, RIGHT - LEFT, markup, size, align, true);
	p->y += h + space_after;
}

static bool total_row(const block *b, size_t row)
{
	for (size_t c = 0; c < b->ncols && c < 2; c++) {
		const char *text = b->cells[row * b->ncols + c];
		if (text && strcmp(text, "Tổng cộng") == 0)
			return true;
	}
	return false;
}

static double pdf_row(page *p, const block *b, size_t row, bool draw)
{
	double x = LEFT, h = 0, width = RIGHT - LEFT;
	for (int pass = 0; pass < (draw ? 2 : 1); pass++) {
		x = LEFT;
		for (size_t c = 0; c < b->ncols; c++) {
			double w = width * b->widths[c];
			const char *text = b->cells[row * b->ncols + c];
			char *m = row == 0 || total_row(b, row)
				      ? g_markup_printf_escaped("<b>%s</b>", text ? text : "")
				      : g_markup_escape_text(text ? text : "", -1);
			mc_form_align al = row == 0 || (c == 0 && b->text_cols > 1) ? MC_FORM_CENTER
					   : c < b->text_cols			    ? MC_FORM_LEFT
										    : MC_FORM_RIGHT;
			if (pass == 0) {
				double th = mc_form_draw_text(p->cr, x + PAD, p->y + PAD, w - 2 * PAD, m, 11,
							      al, false);
				if (th + 2 * PAD > h)
					h = th + 2 * PAD;
			} else {
				cairo_rectangle(p->cr, x, p->y, w, h);
				cairo_stroke(p->cr);
				mc_form_draw_text(p->cr, x + PAD, p->y + PAD, w - 2 * PAD, m, 11, al, true);
			}
			g_free(m);
			x += w;
		}
	}
	return h;
}

static void pdf_table(page *p, const block *b)
{
	cairo_set_line_width(p->cr, 0.5);
	for (size_t row = 0; row < b->nrows; row++) {
		double h = pdf_row(p, b, row, false);
		if (p->y + h > BOTTOM) {
			cairo_show_page(p->cr);
			p->y = TOP;
			if (row > 0)
				p->y += pdf_row(p, b, 0, true); /* the header again on the new page */
		}
		p->y += pdf_row(p, b, row, true);
	}
	p->y += 8;
}

int mc_reform_pdf(mc_buf *out, const mc_reform *f, int64_t date)
{
	report r;
	page p;
	mc_render_sink sink = {.out = out};
	build(&r, f);
	cairo_surface_t *surface =
	    cairo_pdf_surface_create_for_stream(mc_render_sink_write, &sink, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "motcua");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, r.title);
	p.cr = cairo_create(surface);
	p.y = TOP;
	cairo_set_source_rgb(p.cr, 0, 0, 0);

	mc_form heading = {.parent_unit = r.issuer_parent[0] ? r.issuer_parent : NULL,
			   .issuing_unit = r.issuer,
			   .place = r.place,
			   .date = date,
			   .number = "……/BC-UBND"};
	mc_form_draw_heading(p.cr, LEFT, RIGHT, &p.y, &heading);
	char *m = g_markup_printf_escaped("<b>BÁO CÁO</b>\n<b>%s</b>\n<i>(phần số liệu)</i>", r.title);
	pdf_text(&p, m, 14, MC_FORM_CENTER, 14);
	g_free(m);
	for (size_t i = 0; i < r.n; i++) {
		const block *b = &r.b[i];
		switch (b->kind) {
		case B_SECTION:
			m = g_markup_printf_escaped("<b>%s</b>", b->text);
			pdf_text(&p, m, 13, MC_FORM_LEFT, 6);
			break;
		case B_HEADING:
			m = g_markup_printf_escaped("<b>%s</b>", b->text);
			pdf_text(&p, m, 13, MC_FORM_LEFT, 4);
			break;
		case B_SUBHEADING:
			m = g_markup_printf_escaped("<b><i>%s</i></b>", b->text);
			pdf_text(&p, m, 13, MC_FORM_LEFT, 4);
			break;
		case B_PARA:
			m = g_markup_escape_text(b->text, -1);
			pdf_text(&p, m, 13, MC_FORM_LEFT, 6);
			break;
		case B_NOTE:
			m = g_markup_printf_escaped("<i>%s</i>", b->text);
			pdf_text(&p, m, 11, MC_FORM_LEFT, 8);
			break;
		case B_TABLE:
			m = NULL;
			pdf_table(&p, b);
			break;
		}
		g_free(m);
	}
	/* The signer on the right, the recipients on the left (Nghị định 30/2020). */
	if (p.y + 110 > BOTTOM) {
		cairo_show_page(p.cr);
		p.y = TOP;
	}
	double half = (RIGHT - LEFT) / 2;
	m = g_markup_printf_escaped("<b>TM. %s\nCHỦ TỊCH</b>",
				    r.issuer_parent[0] ? r.issuer_parent : r.issuer);
	mc_form_draw_text(p.cr, LEFT + half, p.y + 6, half, m, 13, MC_FORM_CENTER, true);
	g_free(m);
	mc_form_draw_text(p.cr, LEFT, p.y + 6, half,
			  "<b><i>Nơi nhận:</i></b>\n- Bộ Nội vụ;\n- Văn phòng Chính phủ;\n- Lưu: VT.", 11,
			  MC_FORM_LEFT, true);
	cairo_show_page(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	cairo_status_t status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	report_free(&r);
	return mc_render_sink_result(&sink, status);
}
