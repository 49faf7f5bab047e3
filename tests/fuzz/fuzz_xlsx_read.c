/* libFuzzer target: the workbook reader (core/xlsx_read.c) must take any
 * bytes without crashing, reading past them or leaking; a refusal always
 * says why, and a grid it returns stays within its bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_xlsx_grid g;
	char why[256];
	int rc = mc_xlsx_read(&g, data, size, why, sizeof why);
	if (rc != 0 && why[0] == '\0')
		abort();
	if (rc == 0) {
		if (g.rows > MC_XLSX_READ_MAX_ROWS || g.cols > MC_XLSX_READ_MAX_COLS)
			abort();
		for (size_t r = 0; r < g.rows; r++)
			for (size_t c = 0; c < g.cols; c++) {
				const char *s = mc_xlsx_cell(&g, r, c);
				if (s && strlen(s) > MC_XLSX_READ_MAX_MEMBER)
					abort();
			}
	}
	mc_xlsx_grid_clear(&g);
	return 0;
}
