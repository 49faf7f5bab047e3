/*
 * par_export.h - the results table of the reform index as a workbook and as a
 * printed PDF (docs/par-index.md §6): one code path for the API's
 * results.xlsx / results.pdf of a framework and `motcua report par --format
 * xlsx|pdf` of a year (its frameworks one after another).
 */
#ifndef MC_API_PAR_EXPORT_H
#define MC_API_PAR_EXPORT_H

#include "app/par.h"
#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The workbook's largest size kept in memory. */
#define MC_PAR_XLSX_MAX ((size_t)16 * 1024 * 1024)

/*
 * The results of n frameworks as a workbook, a sheet per framework named by
 * its group: rank, unit, points, applicable maximum, index and rating, then
 * the areas' points, figures as numbers. Rows of every unit when all, else
 * only_unit's. Caller frees *out. 0, MC_ETOOBIG or MC_ERROR.
 */
int mc_par_export_xlsx(unsigned char **out, size_t *len, const mc_par_result *res, size_t n, bool all,
		       int64_t only_unit);

/* Where and when the printed table is dated (NĐ 30/2020's heading). */
typedef struct {
	const char *issuing_unit; /* the province's name */
	const char *place;	  /* "Thanh Hóa" */
	int64_t date;
} mc_par_pdf_head;

/*
 * The results of n frameworks printed (render/form.c's MC_FORM_TABLE, A4):
 * rank, unit code and name, points, applicable maximum, index and rating
 * written the Vietnamese way; with several frameworks each group's rows
 * follow a line naming the group. Appended to out; codes of mc_form_pdf.
 */
int mc_par_export_pdf(mc_buf *out, const mc_par_result *res, size_t n, bool all, int64_t only_unit,
		      const mc_par_pdf_head *head);

#endif
