/*
 * xlsx.h - a workbook made in memory for a download (the statistics report,
 * the documents' registers). libxlsxwriter (1.1.4 in Debian 12) writes only
 * to a file: the workbook is written to a private temporary file, read back
 * once closed, with a bound on its size, and the file removed.
 */
#ifndef MC_RENDER_XLSX_H
#define MC_RENDER_XLSX_H

#include <stddef.h>
#include <xlsxwriter.h>

typedef struct {
	lxw_workbook *wb; /* add sheets and formats to it */
	char path[40];
} mc_xlsx;

/* A new, empty workbook. Returns 0 or MC_ERROR (no temporary file). */
int mc_xlsx_new(mc_xlsx *x);

/*
 * Closes the workbook and hands its bytes in *out (caller frees). Returns 0,
 * MC_ETOOBIG when the file is larger than max bytes, or MC_ERROR. The
 * temporary file is gone either way.
 */
int mc_xlsx_finish(mc_xlsx *x, size_t max, unsigned char **out, size_t *len);

/* Closes and removes a workbook whose writing failed. */
void mc_xlsx_discard(mc_xlsx *x);

/* The formats of a register printed as a table (the documents' registers,
 * the work files' lists), in Times New Roman: the title bold, 14 points,
 * centred; the column heads bold, centred, wrapped, with thin borders; the
 * cells wrapped, with thin borders, at the top. */
typedef struct {
	lxw_format *title, *head, *cell;
} mc_xlsx_table;

/* Adds the table's formats to the workbook. */
void mc_xlsx_table_formats(mc_xlsx *x, mc_xlsx_table *t);

#endif
