/*
 * xlsx_read.h - the first sheet of an Excel workbook (.xlsx, Office Open
 * XML) read from bytes in memory into a grid of texts: the forms provinces
 * circulate (a framework's criteria, a survey's results) are imported from
 * it (docs/par-index.md §1, §4). Writing workbooks is render/xlsx.h.
 *
 * A workbook is a zip file (libminizip) of XML parts (libxml2): the
 * workbook names its sheets, its relationships say which part holds the
 * first, the sheet holds the cells, sharedStrings the texts the cells point
 * to. Nothing of the file is trusted: the zip's entries and the bytes each
 * member inflates to are capped as they are read, not as the directory
 * claims (a zip bomb stops at the cap); XML with a DTD is refused (entity
 * expansion, external entities); the grid's rows and columns are capped.
 * Each refusal says what was wrong in lower case, without final period.
 */
#ifndef MC_CORE_XLSX_READ_H
#define MC_CORE_XLSX_READ_H

#include <stddef.h>

/* The most a workbook may hold, and the most any one member (the sheet,
 * the shared strings) inflates to; the most entries in its zip. */
#define MC_XLSX_READ_MAX_FILE (4u << 20)
#define MC_XLSX_READ_MAX_MEMBER (16u << 20)
#define MC_XLSX_READ_MAX_ENTRIES 200
/* The grid's bounds: rows and columns of the first sheet. */
#define MC_XLSX_READ_MAX_ROWS 20000
#define MC_XLSX_READ_MAX_COLS 32

typedef struct {
	size_t rows;  /* the last row holding a cell, 1-based count */
	size_t cols;  /* MC_XLSX_READ_MAX_COLS wide in memory; the last column holding a cell */
	char **cells; /* rows × MC_XLSX_READ_MAX_COLS, NULL for an empty cell; owned */
} mc_xlsx_grid;

/*
 * Reads the first sheet of the workbook data[0..len) into *out: each cell's
 * text as it is stored (a number as its digits, "18.5"; a shared or inline
 * string as its text; a boolean as "0" or "1"; a formula as its cached
 * value). 0, or MC_EINVAL (not a workbook, a part missing or malformed, a
 * DTD, a cell beyond the bounds) or MC_ETOOBIG (the file, a member or the
 * entries over their caps), with why filled. Clear *out with
 * mc_xlsx_grid_clear (also after a failure).
 */
int mc_xlsx_read(mc_xlsx_grid *out, const void *data, size_t len, char *why, size_t why_cap);
void mc_xlsx_grid_clear(mc_xlsx_grid *g);
/* The text of a cell (0-based row and column), NULL when empty or outside. */
const char *mc_xlsx_cell(const mc_xlsx_grid *g, size_t row, size_t col);

#endif
