/*
 * xlsx.c - a workbook made in memory for a download, through a private
 * temporary file (see xlsx.h).
 */
#include "render/xlsx.h"
#include "core/mc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int mc_xlsx_new(mc_xlsx *x)
{
	int fd;

	snprintf(x->path, sizeof(x->path), "/tmp/motcua-xlsx-XXXXXX");
	fd = mkstemp(x->path);
	x->wb = NULL;
	if (fd < 0)
		return MC_ERROR;
	close(fd);
	x->wb = workbook_new(x->path);
	if (!x->wb) {
		unlink(x->path);
		return MC_ERROR;
	}
	return 0;
}

int mc_xlsx_finish(mc_xlsx *x, size_t max, unsigned char **out, size_t *len)
{
	int rc = MC_ERROR;
	FILE *f = NULL;
	unsigned char *data = NULL;
	long size;

	*out = NULL;
	*len = 0;
	if (workbook_close(x->wb) != LXW_NO_ERROR)
		goto cleanup;
	f = fopen(x->path, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0)
		goto cleanup;
	size = ftell(f);
	if (size <= 0 || fseek(f, 0, SEEK_SET) != 0)
		goto cleanup;
	if ((size_t)size > max) {
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	data = mc_xmalloc((size_t)size);
	if (fread(data, 1, (size_t)size, f) != (size_t)size)
		goto cleanup;
	*out = data;
	*len = (size_t)size;
	data = NULL;
	rc = 0;
cleanup:
	if (f)
		fclose(f);
	free(data);
	unlink(x->path);
	x->wb = NULL;
	return rc;
}

void mc_xlsx_discard(mc_xlsx *x)
{
	if (x->wb)
		workbook_close(x->wb);
	unlink(x->path);
	x->wb = NULL;
}

void mc_xlsx_table_formats(mc_xlsx *x, mc_xlsx_table *t)
{
	t->title = workbook_add_format(x->wb);
	t->head = workbook_add_format(x->wb);
	t->cell = workbook_add_format(x->wb);
	format_set_font_name(t->title, "Times New Roman");
	format_set_font_name(t->head, "Times New Roman");
	format_set_font_name(t->cell, "Times New Roman");
	format_set_bold(t->title);
	format_set_font_size(t->title, 14);
	format_set_align(t->title, LXW_ALIGN_CENTER);
	format_set_bold(t->head);
	format_set_text_wrap(t->head);
	format_set_border(t->head, LXW_BORDER_THIN);
	format_set_align(t->head, LXW_ALIGN_CENTER);
	format_set_text_wrap(t->cell);
	format_set_border(t->cell, LXW_BORDER_THIN);
	format_set_align(t->cell, LXW_ALIGN_VERTICAL_TOP);
}
