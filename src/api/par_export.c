/*
 * par_export.c - the results table of the reform index as a workbook
 * (render/xlsx.c) and printed (render/form.c), for the API and the command
 * alike (docs/par-index.md §6).
 */
#include "api/par_export.h"

#include "core/err.h"
#include "render/form.h"
#include "render/xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

/* A sheet's name: at most 31 characters, unique within the workbook. */
static const char *sheet_name(int group)
{
	switch (group) {
	case MC_PAR_GROUP_DEPARTMENT:
		return "Sở, ban, ngành";
	case MC_PAR_GROUP_DISTRICT:
		return "Huyện, thị xã, thành phố";
	case MC_PAR_GROUP_COMMUNE:
		return "Xã, phường, thị trấn";
	case MC_PAR_GROUP_SERVICE:
		return "Đơn vị sự nghiệp";
	default:
		return "Kết quả";
	}
}

static int sheet_write(lxw_workbook *wb, const mc_par_result *res, bool all, int64_t only_unit,
		       lxw_format *bold, lxw_format *num)
{
	char title[200];
	static const char *const heads[] = {
	    "Hạng", "Mã đơn vị", "Đơn vị", "Điểm", "Điểm tối đa áp dụng", "Chỉ số (%)", "Xếp loại"};
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet_name(res->framework.group));
	if (!ws)
		return MC_ERROR;
	snprintf(title, sizeof title, "Chỉ số cải cách hành chính năm %d — %s", res->framework.year,
		 mc_par_group_label(res->framework.group));
	worksheet_write_string(ws, 0, 0, title, bold);
	if (res->framework.decision[0])
		worksheet_write_string(ws, 1, 0, res->framework.decision, NULL);
	lxw_col_t col = 0;
	for (; col < MC_ARRAY_LEN(heads); col++)
		worksheet_write_string(ws, 3, col, heads[col], bold);
	for (size_t k = 0; k < res->n_criteria; k++) {
		if (res->criteria[k].parent[0])
			continue;
		char head[600];
		snprintf(head, sizeof head, "%s. %s", res->criteria[k].code, res->criteria[k].name);
		worksheet_write_string(ws, 3, col++, head, bold);
	}
	worksheet_set_column(ws, 2, 2, 45, NULL);
	lxw_row_t row = 4;
	for (size_t i = 0; i < res->n_units; i++) {
		const mc_par_result_unit *u = &res->results[i];
		if (!all && u->unit_id != only_unit)
			continue;
		if (u->rank)
			worksheet_write_number(ws, row, 0, u->rank, NULL);
		worksheet_write_string(ws, row, 1, u->unit_code, NULL);
		worksheet_write_string(ws, row, 2, u->unit_name, NULL);
		if (u->index >= 0) {
			worksheet_write_number(ws, row, 3, u->points_cp / 100.0, num);
			worksheet_write_number(ws, row, 4, u->max_cp / 100.0, num);
			worksheet_write_number(ws, row, 5, u->index / 100.0, num);
		}
		worksheet_write_string(ws, row, 6, mc_par_grade_label(u->grade), NULL);
		col = MC_ARRAY_LEN(heads);
		for (size_t k = 0; k < res->n_criteria; k++) {
			if (!res->criteria[k].parent[0])
				worksheet_write_number(ws, row, col++, u->nodes[k].points_cp / 100.0, num);
		}
		row++;
	}
	return 0;
}

int mc_par_export_xlsx(unsigned char **out, size_t *len, const mc_par_result *res, size_t n, bool all,
		       int64_t only_unit)
{
	mc_xlsx x;
	int rc = mc_xlsx_new(&x);

	if (rc)
		return rc;
	lxw_format *bold = workbook_add_format(x.wb), *num = workbook_add_format(x.wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	format_set_num_format(num, "0.00");
	for (size_t f = 0; rc == 0 && f < n; f++)
		rc = sheet_write(x.wb, &res[f], all, only_unit, bold, num);
	if (rc == 0 && n == 0)
		rc = workbook_add_worksheet(x.wb, sheet_name(0)) ? 0 : MC_ERROR;
	if (rc) {
		mc_xlsx_discard(&x);
		return rc;
	}
	return mc_xlsx_finish(&x, MC_PAR_XLSX_MAX, out, len);
}

/* The printed table's columns; the areas' points, too many columns for a
 * page, are in the workbook and the JSON. */
#define PAR_PDF_COLS 7
static const double par_pdf_frac[PAR_PDF_COLS] = {0.07, 0.17, 0.34, 0.1, 0.1, 0.1, 0.12};
static const char *const par_pdf_heads[PAR_PDF_COLS] = {
    "Hạng", "Mã đơn vị", "Đơn vị", "Điểm", "Điểm tối đa áp dụng", "Chỉ số", "Xếp loại"};

int mc_par_export_pdf(mc_buf *out, const mc_par_result *res, size_t n, bool all, int64_t only_unit,
		      const mc_par_pdf_head *head)
{
	size_t cap = n; /* a group's line each when several */
	for (size_t f = 0; f < n; f++)
		cap += res[f].n_units;
	/* Each cell's text; those left NULL are blank. */
	char **owned = mc_xcalloc(cap * PAR_PDF_COLS + 1, sizeof *owned);
	size_t n_rows = 0;
	char title[200], subtitle[600];
	int rc;

	for (size_t f = 0; f < n; f++) {
		const mc_par_result *r = &res[f];
		if (n > 1) {
			char **row = owned + n_rows++ * PAR_PDF_COLS;
			row[2] = mc_xstrdup(mc_par_group_label(r->framework.group));
		}
		for (size_t i = 0; i < r->n_units; i++) {
			const mc_par_result_unit *u = &r->results[i];
			char buf[32];
			if (!all && u->unit_id != only_unit)
				continue;
			char **row = owned + n_rows++ * PAR_PDF_COLS;
			snprintf(buf, sizeof buf, "%d", u->rank);
			row[0] = mc_xstrdup(u->rank ? buf : "");
			row[1] = mc_xstrdup(u->unit_code);
			row[2] = mc_xstrdup(u->unit_name);
			row[3] = mc_xstrdup(u->index >= 0 ? mc_par_fmt(buf, sizeof buf, u->points_cp) : "");
			row[4] = mc_xstrdup(u->index >= 0 ? mc_par_fmt(buf, sizeof buf, u->max_cp) : "");
			row[5] =
			    mc_xstrdup(u->index >= 0 ? mc_par_fmt_percent(buf, sizeof buf, u->index) : "");
			row[6] = mc_xstrdup(mc_par_grade_label(u->grade) ? mc_par_grade_label(u->grade) : "");
		}
	}
	const char **cells = mc_xcalloc(n_rows * PAR_PDF_COLS + 1, sizeof *cells);
	for (size_t k = 0; k < n_rows * PAR_PDF_COLS; k++)
		cells[k] = owned[k] ? owned[k] : "";
	snprintf(title, sizeof title, "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %d",
		 n ? res[0].framework.year : 0);
	if (n == 1) {
		snprintf(subtitle, sizeof subtitle, "%s%s%s", mc_par_group_label(res[0].framework.group),
			 res[0].framework.decision[0] ? " — " : " — chưa công bố",
			 res[0].framework.decision[0] ? res[0].framework.decision : "");
	} else {
		/* The decisions of the year, each once. */
		size_t used = 0;
		subtitle[0] = '\0';
		for (size_t f = 0; f < n; f++) {
			const char *d = res[f].framework.decision;
			bool seen = !d[0];
			for (size_t g = 0; !seen && g < f; g++)
				seen = strcmp(res[g].framework.decision, d) == 0;
			if (!seen && used < sizeof subtitle) {
				int k = snprintf(subtitle + used, sizeof subtitle - used, "%s%s",
						 used ? "; " : "", d);
				used += k > 0 ? (size_t)k : 0;
			}
		}
		if (!subtitle[0])
			snprintf(subtitle, sizeof subtitle, "chưa công bố");
	}
	mc_form form = {.kind = MC_FORM_TABLE,
			.issuing_unit = head->issuing_unit,
			.place = head->place,
			.date = head->date,
			.title = title,
			.subtitle = subtitle,
			.n_cols = PAR_PDF_COLS,
			.col_frac = par_pdf_frac,
			.col_head = par_pdf_heads,
			.cells = cells,
			.n_rows = n_rows};
	rc = mc_form_pdf(out, &form);
	for (size_t k = 0; k < n_rows * PAR_PDF_COLS; k++)
		free(owned[k]);
	free(owned);
	free(cells);
	return rc;
}
