/*
 * /api/v1/stats/report.xlsx and /api/v1/stats/report.pdf - the dossier report
 * of a unit (with its subtree) and period, by unit, by field and by
 * procedure, with the figures of mc_store_stats (docs/statistics.md): an
 * Excel workbook made with libxlsxwriter, and a landscape A4 PDF with the
 * heading of Nghị định 30/2020 (render/form.h) and the dashboard's charts
 * (render/chart.h) drawn on the same cairo surface.
 */
#include "api/api.h"

#include "render/form.h"
#include "render/sink.h"
#include "render/xlsx.h"

#include <cairo-pdf.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* ---- the report's data -------------------------------------------------- */

typedef struct {
	char *label; /* owned: a unit's, a field's or a procedure's name, however long */
	mc_stats_counts c;
} report_row;

typedef struct {
	const char *sheet;    /* sheet and section name */
	const char *key_head; /* the heading of the label column */
	report_row *rows;
	size_t n;
	mc_stats_counts total;
} report_part;

typedef struct {
	mc_api_stats_params p;
	report_part parts[3];  /* by unit, by field, by procedure */
	mc_stats_row *by_unit; /* kept for the charts */
	size_t n_by_unit;
	char period[128];		      /* "từ ngày 01/01/2017 đến ngày 30/06/2017" */
	mc_rating_summary satisfaction;	      /* the unit with its subtree */
	mc_rating_summary *unit_satisfaction; /* per row of by_unit */
} report;

/* Share of very satisfied and satisfied answers, as the survey's index. */
static double satisfaction_index(const mc_rating_summary *s)
{
	return s->count ? (double)(s->very_satisfied + s->satisfied) / (double)s->count : 0;
}

/* The columns after STT and the label, in the order of the national forms. */
enum {
	COL_CARRIED,
	COL_ONLINE,
	COL_DIRECT,
	COL_POSTAL,
	COL_EARLY,
	COL_ON_TIME,
	COL_LATE,
	COL_WITHIN,
	COL_OVERDUE,
	COL_SUPPLEMENT,
	COL_WITHDRAWN,
	COL_STOPPED,
	COL_APOLOGIES,
	COL_RATE,
	N_COLS
};

static const char *const col_heads[N_COLS] = {
    "Kỳ trước chuyển sang",
    "Trực tuyến",
    "Trực tiếp",
    "Bưu chính công ích",
    "Trước hạn",
    "Đúng hạn",
    "Trễ hạn",
    "Trong hạn",
    "Quá hạn",
    "Yêu cầu bổ sung",
    "Rút hồ sơ",
    "Dừng xử lý",
    "Xin lỗi",
    "Tỷ lệ đúng hạn (%)",
};

/* The groups over the first columns; the others stand alone. */
static const struct {
	const char *title;
	int first, last;
} groups[] = {
    {"Số hồ sơ nhận giải quyết", COL_CARRIED, COL_POSTAL},
    {"Kết quả giải quyết", COL_EARLY, COL_LATE},
    {"Đang giải quyết", COL_WITHIN, COL_OVERDUE},
};

static int64_t col_value(const mc_stats_counts *c, int col)
{
	switch (col) {
	case COL_CARRIED:
		return c->carried_over;
	case COL_ONLINE:
		return c->received_online;
	case COL_DIRECT:
		return c->received_direct;
	case COL_POSTAL:
		return c->received_postal;
	case COL_EARLY:
		return c->resolved_early;
	case COL_ON_TIME:
		return c->resolved_on_time;
	case COL_LATE:
		return c->resolved_late;
	case COL_WITHIN:
		return c->in_progress_within;
	case COL_OVERDUE:
		return c->in_progress_overdue;
	case COL_SUPPLEMENT:
		return c->supplement_requested;
	case COL_WITHDRAWN:
		return c->withdrawn;
	case COL_STOPPED:
		return c->stopped;
	case COL_APOLOGIES:
		return c->apologies;
	default:
		return 0;
	}
}

/* A label or a title line: unit and procedure names (at most 512 bytes)
 * with a few words; refused, never cut, past this. */
#define TEXT_MAX 4096
/* The most bytes of a report the server sends: the workbook and the PDF of
 * a province's year take a few MiB. */
#define REPORT_MAX ((size_t)64 * 1024 * 1024)

static void report_free(report *rep)
{
	for (size_t i = 0; i < MC_ARRAY_LEN(rep->parts); i++) {
		for (size_t k = 0; rep->parts[i].rows && k < rep->parts[i].n; k++)
			free(rep->parts[i].rows[k].label);
		free(rep->parts[i].rows);
	}
	mc_stats_row_free_list(rep->by_unit, rep->n_by_unit);
	free(rep->unit_satisfaction);
}

/* Reads the three groupings; replies and returns -1 on failure. */
static int report_or_reply(mc_req *r, report *rep)
{
	static const mc_stats_group kinds[3] = {MC_STATS_BY_UNIT, MC_STATS_BY_FIELD, MC_STATS_BY_PROCEDURE};
	static const char *const sheets[3] = {"Theo đơn vị", "Theo lĩnh vực", "Theo thủ tục"};
	static const char *const heads[3] = {"Đơn vị", "Lĩnh vực", "Thủ tục hành chính"};
	const mc_time_ctx *tc = mc_req_time(r);

	memset(rep, 0, sizeof *rep);
	if (mc_api_stats_params_or_reply(r, &rep->p) != 0)
		return -1;
	int fy, fm, fd, ty, tm, td;
	mc_civil_from_days(rep->p.from_day, &fy, &fm, &fd);
	mc_civil_from_days(rep->p.to_day - 1, &ty, &tm, &td);
	snprintf(rep->period, sizeof rep->period, "từ ngày %02d/%02d/%04d đến ngày %02d/%02d/%04d", fd, fm,
		 fy, td, tm, ty);
	for (int g = 0; g < 3; g++) {
		mc_stats_query q = {.unit_id = rep->p.unit->id,
				    .from = rep->p.from,
				    .to = rep->p.to,
				    .at = rep->p.at,
				    .group = kinds[g]};
		mc_stats_row *rows = NULL;
		size_t n = 0;
		int rc = mc_store_stats(mc_req_store(r), &rows, &n, &q);
		if (rc != 0) {
			report_free(rep);
			mc_reply_error(r, rc, "the statistics");
			return -1;
		}
		/* Kept with the report from here: report_free frees them. */
		if (kinds[g] == MC_STATS_BY_UNIT) {
			rep->by_unit = rows;
			rep->n_by_unit = n;
		}
		report_part *part = &rep->parts[g];
		part->sheet = sheets[g];
		part->key_head = heads[g];
		part->rows = mc_xcalloc(n ? n : 1, sizeof *part->rows);
		part->n = n;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			const mc_stats_row *x = &rows[i];
			report_row *y = &part->rows[i];
			y->c = x->c;
			mc_stats_add(&part->total, &x->c);
			if (kinds[g] == MC_STATS_BY_UNIT) {
				const mc_unit *u = mc_time_ctx_unit(tc, x->unit_id);
				rc = mc_buf_format(&y->label, TEXT_MAX, "%s%s", u ? u->name : "?",
						   x->unit_id == rep->p.unit->id ? " (tại đơn vị)" : "");
			} else if (kinds[g] == MC_STATS_BY_FIELD) {
				rc = mc_buf_format(&y->label, TEXT_MAX, "%s",
						   x->field[0] ? x->field : "(không rõ lĩnh vực)");
			} else {
				rc = mc_buf_format(&y->label, TEXT_MAX, "%s – %s", x->procedure_code,
						   x->procedure_name);
			}
		}
		if (rc != 0) {
			if (kinds[g] != MC_STATS_BY_UNIT) /* else report_free frees them */
				mc_stats_row_free_list(rows, n);
			report_free(rep);
			mc_reply_problem(r, MC_PROB_INTERNAL, "a row's label would pass %d bytes", TEXT_MAX);
			return -1;
		}
		if (kinds[g] == MC_STATS_BY_UNIT) {
			/* Satisfaction per unit of the same rows (the own desk row counts its subtree too).
			 */
			rep->unit_satisfaction = mc_xcalloc(n ? n : 1, sizeof *rep->unit_satisfaction);
			for (size_t i = 0; i < n; i++) {
				int src = mc_store_rating_summary(mc_req_store(r), &rep->unit_satisfaction[i],
								  rows[i].unit_id, rep->p.from, rep->p.to);
				if (src != 0 && src != MC_ENOTFOUND) {
					report_free(rep);
					mc_reply_error(r, src, "the satisfaction figures");
					return -1;
				}
			}
		} else {
			mc_stats_row_free_list(rows, n);
		}
	}
	int src = mc_store_rating_summary(mc_req_store(r), &rep->satisfaction, rep->p.unit->id, rep->p.from,
					  rep->p.to);
	if (src != 0) {
		report_free(rep);
		mc_reply_error(r, src, "the satisfaction figures");
		return -1;
	}
	return 0;
}

static void file_name(char *buf, size_t cap, const report *rep, const char *ext)
{
	int fy, fm, fd, ty, tm, td;
	mc_civil_from_days(rep->p.from_day, &fy, &fm, &fd);
	mc_civil_from_days(rep->p.to_day - 1, &ty, &tm, &td);
	snprintf(buf, cap, "attachment; filename=\"bao-cao-%s-%04d%02d%02d-%04d%02d%02d.%s\"",
		 rep->p.unit->code, fy, fm, fd, ty, tm, td, ext);
}

/* ---- XLSX --------------------------------------------------------------- */

#define FIRST_DATA_ROW 6 /* rows 0-2 title, 3 blank, 4-5 headers */

typedef struct {
	lxw_format *title, *subtitle, *head, *label, *number, *rate, *total_label, *total_number, *total_rate;
} sheet_formats;

static int write_part(lxw_worksheet *ws, const sheet_formats *fm, const report *rep, const report_part *part)
{
	char *line = NULL;
	const int last_col = 2 + N_COLS - 1;

	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_set_column(ws, 0, 0, 5, NULL);
	worksheet_set_column(ws, 1, 1, 42, NULL);
	worksheet_set_column(ws, 2, last_col - 1, 11, NULL);
	worksheet_set_column(ws, last_col, last_col, 13, NULL);

	worksheet_merge_range(ws, 0, 0, 0, last_col,
			      "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", fm->title);
	if (mc_buf_format(&line, TEXT_MAX, "Đơn vị: %s (%s)", rep->p.unit->name, rep->p.unit->code) != 0)
		return MC_ETOOBIG;
	worksheet_merge_range(ws, 1, 0, 1, last_col, line, fm->subtitle);
	free(line);
	if (mc_buf_format(&line, TEXT_MAX, "Kỳ báo cáo: %s", rep->period) != 0)
		return MC_ETOOBIG;
	worksheet_merge_range(ws, 2, 0, 2, last_col, line, fm->subtitle);
	free(line);

	/* Two header rows: the groups merged across their columns, the single
	 * columns merged down both rows. */
	worksheet_set_row(ws, 4, 30, NULL);
	worksheet_set_row(ws, 5, 45, NULL);
	worksheet_merge_range(ws, 4, 0, 5, 0, "STT", fm->head);
	worksheet_merge_range(ws, 4, 1, 5, 1, part->key_head, fm->head);
	for (size_t g = 0; g < MC_ARRAY_LEN(groups); g++)
		worksheet_merge_range(ws, 4, (lxw_col_t)(2 + groups[g].first), 4,
				      (lxw_col_t)(2 + groups[g].last), groups[g].title, fm->head);
	for (int c = 0; c < N_COLS; c++) {
		if (c <= COL_OVERDUE)
			worksheet_write_string(ws, 5, (lxw_col_t)(2 + c), col_heads[c], fm->head);
		else
			worksheet_merge_range(ws, 4, (lxw_col_t)(2 + c), 5, (lxw_col_t)(2 + c), col_heads[c],
					      fm->head);
	}
	worksheet_freeze_panes(ws, FIRST_DATA_ROW, 2);

	lxw_row_t row = FIRST_DATA_ROW;
	for (size_t i = 0; i < part->n; i++, row++) {
		const report_row *x = &part->rows[i];
		worksheet_write_number(ws, row, 0, (double)(i + 1), fm->number);
		worksheet_write_string(ws, row, 1, x->label, fm->label);
		for (int c = 0; c < COL_RATE; c++)
			worksheet_write_number(ws, row, (lxw_col_t)(2 + c), (double)col_value(&x->c, c),
					       fm->number);
		double rate;
		if (mc_stats_on_time_rate(&rate, &x->c))
			worksheet_write_number(ws, row, 2 + COL_RATE, rate, fm->rate);
		else
			worksheet_write_blank(ws, row, 2 + COL_RATE, fm->rate);
	}
	/* The totals: a formula over the rows above, with its value cached so
	 * that a reader that does not compute (or a test) sees the number. */
	worksheet_merge_range(ws, row, 0, row, 1, "Tổng cộng", fm->total_label);
	for (int c = 0; c < COL_RATE; c++) {
		char formula[64], col[4];
		lxw_col_to_name(col, (lxw_col_t)(2 + c), LXW_FALSE);
		if (part->n)
			snprintf(formula, sizeof formula, "=SUM(%s%d:%s%d)", col, FIRST_DATA_ROW + 1, col,
				 (int)(FIRST_DATA_ROW + part->n));
		else
			snprintf(formula, sizeof formula, "=0");
		worksheet_write_formula_num(ws, row, (lxw_col_t)(2 + c), formula, fm->total_number,
					    (double)col_value(&part->total, c));
	}
	double rate;
	if (mc_stats_on_time_rate(&rate, &part->total)) {
		char e[4], g[4], l[4], formula[128];
		lxw_col_to_name(e, 2 + COL_EARLY, LXW_FALSE);
		lxw_col_to_name(g, 2 + COL_ON_TIME, LXW_FALSE);
		lxw_col_to_name(l, 2 + COL_LATE, LXW_FALSE);
		snprintf(formula, sizeof formula, "=(%s%d+%s%d)/(%s%d+%s%d+%s%d)", e, (int)row + 1, g,
			 (int)row + 1, e, (int)row + 1, g, (int)row + 1, l, (int)row + 1);
		worksheet_write_formula_num(ws, row, 2 + COL_RATE, formula, fm->total_rate, rate);
	} else {
		worksheet_write_blank(ws, row, 2 + COL_RATE, fm->total_rate);
	}
	return 0;
}

static lxw_format *cell_format(lxw_workbook *wb, bool bold, bool centre)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_font_name(f, "Times New Roman");
	format_set_font_size(f, 12);
	format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (bold)
		format_set_bold(f);
	if (centre)
		format_set_align(f, LXW_ALIGN_CENTER);
	return f;
}

/* The survey sheet: per unit, the number of answers, the average of each
 * criterion (0..2), the overall answers and the satisfaction index. */
static int write_satisfaction(lxw_worksheet *ws, const sheet_formats *fm, const report *rep)
{
	static const char *const heads[] = {"TT",
					    "Đơn vị",
					    "Số phiếu",
					    "Thời gian giải quyết",
					    "Thời gian từng cơ quan",
					    "Số lần liên hệ",
					    "Số cơ quan phải đến",
					    "Tiếp nhận, trả kết quả",
					    "Công khai, minh bạch",
					    "Thái độ cán bộ",
					    "Rất hài lòng",
					    "Hài lòng",
					    "Không hài lòng",
					    "Chỉ số hài lòng"};
	const int ncols = (int)MC_ARRAY_LEN(heads);
	worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)(ncols - 1), "KẾT QUẢ KHẢO SÁT MỨC ĐỘ HÀI LÒNG",
			      fm->title);
	char *sub = NULL;
	if (mc_buf_format(&sub, TEXT_MAX, "%s — %s", rep->p.unit->name, rep->period) != 0)
		return MC_ETOOBIG;
	worksheet_merge_range(ws, 1, 0, 1, (lxw_col_t)(ncols - 1), sub, fm->subtitle);
	free(sub);
	for (int c = 0; c < ncols; c++)
		worksheet_write_string(ws, 3, (lxw_col_t)c, heads[c], fm->head);
	worksheet_set_column(ws, 0, 0, 5, NULL);
	worksheet_set_column(ws, 1, 1, 38, NULL);
	worksheet_set_column(ws, 2, (lxw_col_t)(ncols - 1), 12, NULL);
	lxw_row_t row = 4;
	for (size_t i = 0; i <= rep->n_by_unit; i++) {
		bool total = i == rep->n_by_unit;
		const mc_rating_summary *s = total ? &rep->satisfaction : &rep->unit_satisfaction[i];
		lxw_format *num = total ? fm->total_number : fm->number;
		if (total) {
			worksheet_write_string(ws, row, 0, "", fm->total_label);
			worksheet_write_string(ws, row, 1, "Tổng cộng", fm->total_label);
		} else {
			/* by_unit and the first part hold the same rows in the same order. */
			worksheet_write_number(ws, row, 0, (double)(i + 1), fm->number);
			worksheet_write_string(ws, row, 1, rep->parts[0].rows[i].label, fm->label);
		}
		worksheet_write_number(ws, row, 2, (double)s->count, num);
		for (int c = 0; c < MC_RATE_COUNT_; c++)
			worksheet_write_number(ws, row, (lxw_col_t)(3 + c), s->count ? s->criteria[c] : 0,
					       num);
		worksheet_write_number(ws, row, 10, (double)s->very_satisfied, num);
		worksheet_write_number(ws, row, 11, (double)s->satisfied, num);
		worksheet_write_number(ws, row, 12, (double)s->not_satisfied, num);
		if (s->count)
			worksheet_write_number(ws, row, 13, satisfaction_index(s),
					       total ? fm->total_rate : fm->rate);
		else
			worksheet_write_string(ws, row, 13, "", num);
		row++;
	}
	return 0;
}

/* The report as a workbook (render/xlsx.c). Caller frees *out. */
static int xlsx_bytes(unsigned char **out, size_t *len, const report *rep)
{
	mc_xlsx x;
	int rc = mc_xlsx_new(&x);

	if (rc)
		return rc;
	lxw_workbook *wb = x.wb;
	sheet_formats fm;
	fm.title = workbook_add_format(wb);
	format_set_font_name(fm.title, "Times New Roman");
	format_set_bold(fm.title);
	format_set_font_size(fm.title, 14);
	format_set_align(fm.title, LXW_ALIGN_CENTER);
	fm.subtitle = workbook_add_format(wb);
	format_set_font_name(fm.subtitle, "Times New Roman");
	format_set_italic(fm.subtitle);
	format_set_font_size(fm.subtitle, 12);
	format_set_align(fm.subtitle, LXW_ALIGN_CENTER);
	fm.head = cell_format(wb, true, true);
	format_set_text_wrap(fm.head);
	format_set_bg_color(fm.head, 0xDDEBF7);
	fm.label = cell_format(wb, false, false);
	format_set_text_wrap(fm.label);
	fm.number = cell_format(wb, false, true);
	fm.rate = cell_format(wb, false, true);
	format_set_num_format(fm.rate, "0.0%");
	fm.total_label = cell_format(wb, true, true);
	fm.total_number = cell_format(wb, true, true);
	fm.total_rate = cell_format(wb, true, true);
	format_set_num_format(fm.total_rate, "0.0%");
	for (size_t i = 0; i < MC_ARRAY_LEN(rep->parts); i++) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, rep->parts[i].sheet);

		rc = ws ? write_part(ws, &fm, rep, &rep->parts[i]) : MC_ERROR;
		if (rc) {
			mc_xlsx_discard(&x);
			return ws ? MC_ETOOBIG : MC_ERROR;
		}
	}
	lxw_worksheet *sat = workbook_add_worksheet(wb, "Mức độ hài lòng");

	rc = sat ? write_satisfaction(sat, &fm, rep) : MC_ERROR;
	if (rc) {
		mc_xlsx_discard(&x);
		return sat ? MC_ETOOBIG : MC_ERROR;
	}
	return mc_xlsx_finish(&x, REPORT_MAX, out, len);
}

void mc_api_stats_report_xlsx(mc_req *r)
{
	report rep;
	unsigned char *data = NULL;
	size_t len = 0;
	char disposition[160];

	if (report_or_reply(r, &rep) != 0)
		return;
	int rc = xlsx_bytes(&data, &len, &rep);
	file_name(disposition, sizeof disposition, &rep, "xlsx");
	report_free(&rep);
	if (rc == MC_ETOOBIG) {
		mc_reply_problem(r, MC_PROB_INTERNAL,
				 "the workbook would pass the limits of its texts or %zu MiB",
				 REPORT_MAX / (1024 * 1024));
		return;
	}
	if (rc != 0) {
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not write the workbook");
		return;
	}
	mc_reply_header(r, "Content-Disposition", disposition);
	mc_reply_raw(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data, len);
	free(data);
}

/* ---- PDF ---------------------------------------------------------------- */

#define MM MC_FORM_MM
#define PAGE_W (297 * MM)
#define PAGE_H (210 * MM)
#define LEFT (20 * MM)
#define RIGHT (PAGE_W - 15 * MM)
#define TOP (20 * MM)
#define BOTTOM (PAGE_H - 15 * MM)
#define PAD 2.5

typedef struct {
	cairo_t *cr;
	double y;
	double x[2 + N_COLS + 1]; /* left edge of each column, and the right edge */
} pdf;

/* A cell's text, escaped, in a box; returns the text's height. */
static double cell(pdf *d, double x0, double x1, double y, double h, const char *text, bool bold,
		   mc_form_align al, bool draw)
{
	char *m = bold ? g_markup_printf_escaped("<b>%s</b>", text) : g_markup_escape_text(text, -1);
	double th = mc_form_draw_text(d->cr, x0 + PAD, y + PAD, x1 - x0 - 2 * PAD, m, 8.5, al, false);
	if (draw) {
		cairo_rectangle(d->cr, x0, y, x1 - x0, h);
		cairo_stroke(d->cr);
		/* Centred vertically in the box. */
		mc_form_draw_text(d->cr, x0 + PAD, y + (h - th) / 2, x1 - x0 - 2 * PAD, m, 8.5, al, true);
	}
	g_free(m);
	return th + 2 * PAD;
}

static void table_head(pdf *d, const char *key_head)
{
	double h1 = 0, h2 = 0;
	/* Measure: the group row, then the column row. */
	for (size_t g = 0; g < MC_ARRAY_LEN(groups); g++) {
		double h = cell(d, d->x[2 + groups[g].first], d->x[2 + groups[g].last + 1], d->y, 0,
				groups[g].title, true, MC_FORM_CENTER, false);
		h1 = h > h1 ? h : h1;
	}
	for (int c = 0; c <= COL_OVERDUE; c++) {
		double h =
		    cell(d, d->x[2 + c], d->x[3 + c], d->y, 0, col_heads[c], true, MC_FORM_CENTER, false);
		h2 = h > h2 ? h : h2;
	}
	for (int c = COL_SUPPLEMENT; c < N_COLS; c++) {
		double h =
		    cell(d, d->x[2 + c], d->x[3 + c], d->y, 0, col_heads[c], true, MC_FORM_CENTER, false);
		if (h > h1 + h2)
			h2 = h - h1;
	}
	double y = d->y;
	cell(d, d->x[0], d->x[1], y, h1 + h2, "STT", true, MC_FORM_CENTER, true);
	cell(d, d->x[1], d->x[2], y, h1 + h2, key_head, true, MC_FORM_CENTER, true);
	for (size_t g = 0; g < MC_ARRAY_LEN(groups); g++)
		cell(d, d->x[2 + groups[g].first], d->x[2 + groups[g].last + 1], y, h1, groups[g].title, true,
		     MC_FORM_CENTER, true);
	for (int c = 0; c < N_COLS; c++) {
		if (c <= COL_OVERDUE)
			cell(d, d->x[2 + c], d->x[3 + c], y + h1, h2, col_heads[c], true, MC_FORM_CENTER,
			     true);
		else
			cell(d, d->x[2 + c], d->x[3 + c], y, h1 + h2, col_heads[c], true, MC_FORM_CENTER,
			     true);
	}
	d->y = y + h1 + h2;
}

/* "87,5" */
static void rate_cell(char *buf, size_t cap, const mc_stats_counts *c)
{
	double rate;
	if (!mc_stats_on_time_rate(&rate, c)) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, cap, "%.1f", rate * 100.0);
	char *dot = strchr(buf, '.');
	if (dot)
		*dot = ',';
}

static void table_row(pdf *d, const char *num, const char *label, const mc_stats_counts *c, bool bold,
		      const char *key_head)
{
	char values[N_COLS][32];
	for (int k = 0; k < COL_RATE; k++)
		snprintf(values[k], sizeof values[k], "%lld", (long long)col_value(c, k));
	rate_cell(values[COL_RATE], sizeof values[COL_RATE], c);
	double h = cell(d, d->x[1], d->x[2], d->y, 0, label, bold, MC_FORM_LEFT, false);
	if (h < 16)
		h = 16;
	if (d->y + h > BOTTOM) {
		cairo_show_page(d->cr);
		d->y = TOP;
		table_head(d, key_head);
	}
	if (num)
		cell(d, d->x[0], d->x[1], d->y, h, num, bold, MC_FORM_CENTER, true);
	else
		cell(d, d->x[0], d->x[1], d->y, h, "", bold, MC_FORM_CENTER, true);
	cell(d, d->x[1], d->x[2], d->y, h, label, bold, MC_FORM_LEFT, true);
	for (int k = 0; k < N_COLS; k++)
		cell(d, d->x[2 + k], d->x[3 + k], d->y, h, values[k], bold, MC_FORM_RIGHT, true);
	d->y += h;
}

static void section(pdf *d, const report_part *part, bool first)
{
	if (!first) {
		d->y += 14;
		if (d->y + 120 > BOTTOM) {
			cairo_show_page(d->cr);
			d->y = TOP;
		}
	}
	char *m = g_markup_printf_escaped("<b>%s</b>", part->sheet);
	d->y += mc_form_draw_text(d->cr, LEFT, d->y, RIGHT - LEFT, m, 12, MC_FORM_LEFT, true) + 4;
	g_free(m);
	table_head(d, part->key_head);
	for (size_t i = 0; i < part->n; i++) {
		char num[24];
		snprintf(num, sizeof num, "%zu", i + 1);
		table_row(d, num, part->rows[i].label, &part->rows[i].c, false, part->key_head);
	}
	table_row(d, NULL, "Tổng cộng", &part->total, true, part->key_head);
}

/* The three dashboard charts on a page of their own. */
static int charts(pdf *d, mc_req *r, const report *rep)
{
	static const char *const kinds[] = {"received", "resolved", "units"};
	double w = RIGHT - LEFT, h = (BOTTOM - TOP - 30) / 2;
	const double at[3][4] = {
	    {LEFT, TOP + 24, w * 0.42, h},
	    {LEFT + w * 0.44, TOP + 24, w * 0.56, h},
	    {LEFT, TOP + 30 + h, w, h},
	};
	mc_api_chart *c = mc_xmalloc(sizeof *c);
	int rc = 0;

	cairo_show_page(d->cr);
	mc_form_draw_text(d->cr, LEFT, TOP, w, "<b>BIỂU ĐỒ</b>", 13, MC_FORM_CENTER, true);
	for (size_t i = 0; i < MC_ARRAY_LEN(kinds) && rc == 0; i++) {
		rc = mc_api_stats_chart_fill(c, mc_req_time(r), kinds[i], false, &rep->p, rep->by_unit,
					     rep->n_by_unit);
		if (rc != 0)
			break;
		cairo_save(d->cr);
		cairo_translate(d->cr, at[i][0], at[i][1]);
		rc = mc_chart_draw(NULL, d->cr, &c->chart, at[i][2], at[i][3]);
		cairo_restore(d->cr);
		mc_api_chart_clear(c);
	}
	free(c);
	return rc;
}

static int pdf_bytes(mc_buf *out, mc_req *r, const report *rep)
{
	const mc_time_ctx *tc = mc_req_time(r);
	const mc_unit *unit = rep->p.unit;
	const mc_unit *parent = unit->parent_id ? mc_time_ctx_unit(tc, unit->parent_id) : NULL;
	char *unit_upper = g_utf8_strup(unit->name, -1);
	char *parent_upper = parent ? g_utf8_strup(parent->name, -1) : NULL;
	mc_render_sink sink = {.out = out};
	cairo_surface_t *surface =
	    cairo_pdf_surface_create_for_stream(mc_render_sink_write, &sink, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "motcua");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Báo cáo kết quả giải quyết TTHC");
	pdf d = {.cr = cairo_create(surface), .y = TOP};
	cairo_set_source_rgb(d.cr, 0, 0, 0);
	cairo_set_line_width(d.cr, 0.5);

	/* STT, the label, then the figures share what is left. */
	double w = RIGHT - LEFT, stt = 22, label = w * 0.22, each = (w - stt - label) / N_COLS;
	d.x[0] = LEFT;
	d.x[1] = LEFT + stt;
	d.x[2] = d.x[1] + label;
	for (int c = 0; c < N_COLS; c++)
		d.x[3 + c] = d.x[2 + c] + each;

	/* Số: left blank for the văn thư, who numbers the report when it is issued. */
	mc_form heading = {.parent_unit = parent_upper,
			   .issuing_unit = unit_upper,
			   .number = "        /BC-UBND",
			   .place = mc_api_unit_place(tc, unit),
			   .date = mc_now()};
	mc_form_draw_heading(d.cr, LEFT, RIGHT, &d.y, &heading);
	char *title = g_markup_printf_escaped(
	    "<b>BÁO CÁO</b>\n<b>Tình hình, kết quả giải quyết thủ tục hành chính</b>\n<i>Kỳ báo cáo: %s</i>\n"
	    "Đơn vị: %s (%s)",
	    rep->period, unit->name, unit->code);
	d.y += mc_form_draw_text(d.cr, LEFT, d.y, w, title, 13, MC_FORM_CENTER, true) + 10;
	g_free(title);
	cairo_set_line_width(d.cr, 0.5);
	for (size_t i = 0; i < MC_ARRAY_LEN(rep->parts); i++)
		section(&d, &rep->parts[i], i == 0);
	/* The survey in one paragraph, as reports to the province give it. */
	char *sat;
	if (rep->satisfaction.count)
		sat = g_markup_printf_escaped(
		    "<b>Mức độ hài lòng:</b> %lld phiếu đánh giá; rất hài lòng %lld, hài lòng %lld, "
		    "không hài lòng %lld; chỉ số hài lòng %.1f%%.",
		    (long long)rep->satisfaction.count, (long long)rep->satisfaction.very_satisfied,
		    (long long)rep->satisfaction.satisfied, (long long)rep->satisfaction.not_satisfied,
		    100 * satisfaction_index(&rep->satisfaction));
	else
		sat = g_markup_printf_escaped("<b>Mức độ hài lòng:</b> chưa có phiếu đánh giá trong kỳ.");
	d.y += mc_form_draw_text(d.cr, LEFT, d.y, w, sat, 11, MC_FORM_LEFT, true) + 8;
	g_free(sat);
	/* What came in against what became of it (docs/forms.md §4): the
	 * figures of the totals, summed as the reporting form balances them. */
	const mc_stats_counts *t = &rep->parts[0].total;
	int64_t in = 0, out_sum = 0, unreceived = 0;
	int64_t waiting = 0;
	int rc = mc_store_stats_unreceived(mc_req_store(r), &unreceived, unit->id, rep->p.from, rep->p.to);
	/* Chờ bổ sung: those waiting at the end of the period (or now, for a
	 * period still running), beside the requests made in it. */
	if (rc == 0)
		rc = mc_store_stats_waiting_supplement(mc_req_store(r), &waiting, unit->id, rep->p.at);
	bool agree = mc_stats_reconcile(t, unreceived, &in, &out_sum);
	char *rec = g_markup_printf_escaped(
	    "<b>Đối chiếu:</b> kỳ trước chuyển sang %lld + tiếp nhận trong kỳ %lld = %lld; đã giải quyết "
	    "%lld + "
	    "đang giải quyết %lld + rút hồ sơ %lld + dừng xử lý %lld + từ chối %lld − rút, từ chối trước khi "
	    "tiếp "
	    "nhận %lld = %lld: %s. Hồ sơ chờ bổ sung cuối kỳ: %lld (yêu cầu bổ sung trong kỳ: %lld).",
	    (long long)t->carried_over, (long long)t->received, (long long)in, (long long)t->resolved,
	    (long long)t->in_progress, (long long)t->withdrawn, (long long)t->stopped,
	    (long long)t->not_accepted, (long long)unreceived, (long long)out_sum,
	    agree ? "khớp" : "không khớp", (long long)waiting, (long long)t->supplement_requested);
	d.y += mc_form_draw_text(d.cr, LEFT, d.y, w, rec, 11, MC_FORM_LEFT, true) + 6;
	g_free(rec);
	d.y += mc_form_draw_text(
		   d.cr, LEFT, d.y, w,
		   "<i>Căn cứ: Thông tư số 01/2020/TT-VPCP ngày 21/10/2020 của Văn phòng Chính phủ "
		   "quy định chế độ báo cáo định kỳ; Nghị định số 61/2018/NĐ-CP và Nghị định số "
		   "118/2025/NĐ-CP về cơ chế một cửa, một cửa liên thông.</i>",
		   10, MC_FORM_LEFT, true) +
	       8;
	/* Nơi nhận on the left, the signer on the right (Nghị định 30/2020). */
	if (d.y + 110 > BOTTOM) {
		cairo_show_page(d.cr);
		d.y = TOP;
	}
	char *to =
	    g_markup_printf_escaped("<b><i>Nơi nhận:</i></b>\n- %s;\n- Văn phòng %s;\n- Lưu: VT.",
				    parent ? parent->name : unit->name, parent ? parent->name : unit->name);
	mc_form_draw_text(d.cr, LEFT, d.y, w * 0.45, to, 10, MC_FORM_LEFT, true);
	g_free(to);
	char *signer = g_markup_printf_escaped("<b>%s</b>\n<i>(Ký, ghi rõ họ tên và đóng dấu)</i>",
					       mc_api_signer_title(unit, true));
	d.y += mc_form_draw_text(d.cr, LEFT + w / 2, d.y, w / 2, signer, 12, MC_FORM_CENTER, true) + 8;
	g_free(signer);
	if (rc == 0)
		rc = charts(&d, r, rep);
	cairo_show_page(d.cr);
	cairo_destroy(d.cr);
	cairo_surface_finish(surface);
	if (rc == 0)
		rc = mc_render_sink_result(&sink, cairo_surface_status(surface));
	cairo_surface_destroy(surface);
	g_free(unit_upper);
	g_free(parent_upper);
	return rc;
}

void mc_api_stats_report_pdf(mc_req *r)
{
	report rep;
	char disposition[160];

	if (report_or_reply(r, &rep) != 0)
		return;
	mc_buf doc;
	mc_buf_init(&doc, REPORT_MAX);
	int rc = pdf_bytes(&doc, r, &rep);
	file_name(disposition, sizeof disposition, &rep, "pdf");
	report_free(&rep);
	if (rc == MC_ETOOBIG)
		mc_reply_problem(r, MC_PROB_INTERNAL, "the report would be larger than %zu MiB",
				 REPORT_MAX / (1024 * 1024));
	else if (rc != 0)
		mc_reply_problem(r, MC_PROB_INTERNAL, "could not render the report");
	else {
		mc_reply_header(r, "Content-Disposition", disposition);
		mc_reply_raw(r, 200, "application/pdf", doc.data, doc.len);
	}
	mc_buf_free(&doc);
}
