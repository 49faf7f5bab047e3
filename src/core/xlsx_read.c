/*
 * xlsx_read.c - the first sheet of a workbook from bytes (xlsx_read.h).
 */
#include "core/xlsx_read.h"

#include "core/edxml.h"
#include "core/err.h"
#include "core/mc.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unzip.h>

static void say(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;
	if (!why || !cap)
		return;
	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
}

/* ---- the zip, read from memory (minizip's I/O callbacks) --------------- */

typedef struct {
	const unsigned char *data;
	size_t len;
	size_t pos;
} mem_file;

static voidpf ZCALLBACK mem_open(voidpf opaque, const char *name, int mode)
{
	(void)name;
	(void)mode;
	((mem_file *)opaque)->pos = 0;
	return opaque;
}

static uLong ZCALLBACK mem_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	mem_file *m = stream;
	(void)opaque;
	size_t left = m->len - m->pos;
	size_t n = size < left ? size : left;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (uLong)n;
}

static uLong ZCALLBACK mem_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	(void)opaque;
	(void)stream;
	(void)buf;
	(void)size;
	return 0; /* read only */
}

static long ZCALLBACK mem_tell(voidpf opaque, voidpf stream)
{
	(void)opaque;
	return (long)((mem_file *)stream)->pos;
}

static long ZCALLBACK mem_seek(voidpf opaque, voidpf stream, uLong offset, int origin)
{
	mem_file *m = stream;
	size_t base;
	(void)opaque;
	switch (origin) {
	case ZLIB_FILEFUNC_SEEK_SET:
		base = 0;
		break;
	case ZLIB_FILEFUNC_SEEK_CUR:
		base = m->pos;
		break;
	case ZLIB_FILEFUNC_SEEK_END:
		base = m->len;
		break;
	default:
		return -1;
	}
	if (offset > m->len - base)
		return -1;
	m->pos = base + offset;
	return 0;
}

static int ZCALLBACK mem_close(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

static int ZCALLBACK mem_error(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

/* The member `name` inflated into *out (NUL-terminated), at most
 * MC_XLSX_READ_MAX_MEMBER bytes counted as they come. MC_ENOTFOUND when the
 * zip has no such member. */
static int member(unzFile uf, const char *name, char **out, size_t *out_len, char *why, size_t cap)
{
	unz_file_info info;
	char *buf = NULL;
	size_t len = 0, room = 0;
	int rc = MC_EINVAL;
	bool open = false;

	*out = NULL;
	if (unzLocateFile(uf, name, 1) != UNZ_OK) {
		say(why, cap, "the workbook has no %s", name);
		return MC_ENOTFOUND;
	}
	if (unzGetCurrentFileInfo(uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK) {
		say(why, cap, "the workbook's entry %s cannot be read", name);
		goto cleanup;
	}
	if (info.flag & 1) {
		say(why, cap, "the workbook is encrypted (%s)", name);
		goto cleanup;
	}
	if (info.uncompressed_size > MC_XLSX_READ_MAX_MEMBER) {
		say(why, cap, "%s would inflate to more than %u bytes", name, MC_XLSX_READ_MAX_MEMBER);
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	if (unzOpenCurrentFile(uf) != UNZ_OK) {
		say(why, cap,
		    "%s cannot be opened: its headers disagree, or it is neither stored nor deflated", name);
		goto cleanup;
	}
	open = true;
	for (;;) {
		if (room - len < 65536) {
			room = room ? room * 2 : 65536;
			if (room > MC_XLSX_READ_MAX_MEMBER + 65536u)
				room = MC_XLSX_READ_MAX_MEMBER + 65536u;
			buf = mc_xrealloc(buf, room + 1);
		}
		int n = unzReadCurrentFile(uf, buf + len, (unsigned)(room - len));
		if (n < 0) {
			say(why, cap, "%s is not a valid compressed stream", name);
			goto cleanup;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		/* Counted as inflated, whatever the directory said: a zip bomb stops here. */
		if (len > MC_XLSX_READ_MAX_MEMBER) {
			say(why, cap, "%s inflates to more than %u bytes", name, MC_XLSX_READ_MAX_MEMBER);
			rc = MC_ETOOBIG;
			goto cleanup;
		}
	}
	open = false;
	if (unzCloseCurrentFile(uf) != UNZ_OK) {
		say(why, cap, "%s fails its checksum", name);
		goto cleanup;
	}
	buf = mc_xrealloc(buf, len + 1);
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	buf = NULL;
	rc = 0;
cleanup:
	if (open)
		unzCloseCurrentFile(uf);
	free(buf);
	return rc;
}

static bool has(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0)
			return true;
	return false;
}

/* The member `name` parsed as XML without a DTD. */
static int xml_member(unzFile uf, const char *name, xmlDocPtr *out, char *why, size_t cap)
{
	char *text = NULL;
	size_t len = 0;
	int rc = member(uf, name, &text, &len, why, cap);

	*out = NULL;
	if (rc)
		return rc;
	rc = MC_EINVAL;
	/* No DTD at all: nothing to expand, nothing to load (billion laughs, XXE). */
	if (has(text, len, "<!DOCTYPE") || has(text, len, "<!ENTITY")) {
		say(why, cap, "%s has a DTD, which a workbook does not", name);
		goto cleanup;
	}
	if (len > INT32_MAX)
		goto cleanup;
	mc_edxml_init();
	*out = xmlReadMemory(text, (int)len, name, NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!*out) {
		say(why, cap, "%s is not well-formed XML", name);
		goto cleanup;
	}
	if ((*out)->intSubset || (*out)->extSubset || !xmlDocGetRootElement(*out)) {
		say(why, cap, "%s has a DTD or no element", name);
		xmlFreeDoc(*out);
		*out = NULL;
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(text);
	return rc;
}

static bool is(xmlNodePtr n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

static xmlNodePtr child(xmlNodePtr n, const char *local)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is(c, local))
			return c;
	return NULL;
}

/* An attribute by its local name, whatever its namespace (r:id of the
 * transitional and the strict schemas alike). Caller frees. */
static char *attr(xmlNodePtr n, const char *local, bool with_ns)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		if (strcmp((const char *)a->name, local) == 0 && (a->ns != NULL) == with_ns)
			return (char *)xmlNodeGetContent((xmlNodePtr)a);
	}
	return NULL;
}

/* The text of a string item (<si>, <is>): its <t>, or its runs' <t>
 * joined; phonetic runs (<rPh>) are not the text. */
static void item_text(xmlNodePtr n, char **buf, size_t *len)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (is(c, "t")) {
			xmlChar *t = xmlNodeGetContent(c);
			size_t tl = t ? strlen((const char *)t) : 0;
			*buf = mc_xrealloc(*buf, *len + tl + 1);
			memcpy(*buf + *len, t ? (const char *)t : "", tl);
			*len += tl;
			(*buf)[*len] = '\0';
			xmlFree(t);
		} else if (is(c, "r")) {
			item_text(c, buf, len);
		}
	}
}

static char *text_of(xmlNodePtr n)
{
	char *buf = mc_xstrdup("");
	size_t len = 0;
	item_text(n, &buf, &len);
	return buf;
}

/* "B12" → column 1, row 11 (0-based); false when it is not a reference. */
static bool cell_ref(const char *ref, size_t *row, size_t *col)
{
	size_t c = 0, r = 0, i = 0;
	for (; ref[i] >= 'A' && ref[i] <= 'Z' && i < 3; i++)
		c = c * 26 + (size_t)(ref[i] - 'A' + 1);
	if (i == 0 || !(ref[i] >= '1' && ref[i] <= '9'))
		return false;
	for (size_t k = 0; ref[i] >= '0' && ref[i] <= '9'; i++, k++) {
		if (k >= 7)
			return false;
		r = r * 10 + (size_t)(ref[i] - '0');
	}
	if (ref[i] != '\0')
		return false;
	*row = r - 1;
	*col = c - 1;
	return true;
}

static void col_name(char out[4], size_t col)
{
	char tmp[4];
	int n = 0;
	col++;
	while (col && n < 3) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

void mc_xlsx_grid_clear(mc_xlsx_grid *g)
{
	if (g->cells) {
		for (size_t i = 0; i < g->rows * MC_XLSX_READ_MAX_COLS; i++)
			free(g->cells[i]);
	}
	free(g->cells);
	memset(g, 0, sizeof *g);
}

const char *mc_xlsx_cell(const mc_xlsx_grid *g, size_t row, size_t col)
{
	if (row >= g->rows || col >= MC_XLSX_READ_MAX_COLS)
		return NULL;
	return g->cells[row * MC_XLSX_READ_MAX_COLS + col];
}

/* The part holding the first sheet: the workbook's first <sheet>, through
 * the workbook's relationships. */
static int first_sheet(unzFile uf, char *path, size_t path_cap, char *why, size_t cap)
{
	xmlDocPtr wb = NULL, rels = NULL;
	char *rid = NULL, *target = NULL;
	int rc = xml_member(uf, "xl/workbook.xml", &wb, why, cap);

	if (rc)
		goto cleanup;
	rc = MC_EINVAL;
	xmlNodePtr sheets = child(xmlDocGetRootElement(wb), "sheets");
	xmlNodePtr sheet = child(sheets, "sheet");
	rid = sheet ? attr(sheet, "id", true) : NULL;
	if (!rid) {
		say(why, cap, "the workbook names no sheet");
		goto cleanup;
	}
	rc = xml_member(uf, "xl/_rels/workbook.xml.rels", &rels, why, cap);
	if (rc)
		goto cleanup;
	rc = MC_EINVAL;
	for (xmlNodePtr r = xmlDocGetRootElement(rels)->children; r && !target; r = r->next) {
		char *id = is(r, "Relationship") ? attr(r, "Id", false) : NULL;
		if (id && strcmp(id, rid) == 0)
			target = attr(r, "Target", false);
		xmlFree(id);
	}
	if (!target || !target[0] || strstr(target, "..")) {
		say(why, cap, "the workbook's first sheet has no part");
		goto cleanup;
	}
	if (target[0] == '/')
		snprintf(path, path_cap, "%s", target + 1);
	else
		snprintf(path, path_cap, "xl/%s", target);
	rc = 0;
cleanup:
	xmlFree(rid);
	xmlFree(target);
	xmlFreeDoc(wb);
	xmlFreeDoc(rels);
	return rc;
}

/* The shared strings (none when the workbook has no such part). */
static int shared_strings(unzFile uf, char ***out, size_t *n, char *why, size_t cap)
{
	xmlDocPtr doc = NULL;
	int rc = xml_member(uf, "xl/sharedStrings.xml", &doc, why, cap);

	*out = NULL;
	*n = 0;
	if (rc == MC_ENOTFOUND) {
		say(why, cap, "%s", "");
		return 0;
	}
	if (rc)
		return rc;
	size_t room = 0;
	for (xmlNodePtr si = xmlDocGetRootElement(doc)->children; si; si = si->next) {
		if (!is(si, "si"))
			continue;
		if (*n == room) {
			room = room ? room * 2 : 64;
			*out = mc_xrealloc(*out, room * sizeof **out);
		}
		(*out)[(*n)++] = text_of(si);
	}
	xmlFreeDoc(doc);
	return 0;
}

static int sheet_cells(mc_xlsx_grid *g, xmlDocPtr doc, char **strings, size_t n_strings, char *why,
		       size_t cap)
{
	xmlNodePtr data = child(xmlDocGetRootElement(doc), "sheetData");
	size_t row = 0, room = 0;
	bool first_row = true;
	int rc = MC_EINVAL;

	if (!data) {
		say(why, cap, "the sheet has no sheetData");
		return MC_EINVAL;
	}
	for (xmlNodePtr r = data->children; r; r = r->next) {
		if (!is(r, "row"))
			continue;
		char *rr = attr(r, "r", false);
		if (rr) {
			char *end = NULL;
			long v = strtol(rr, &end, 10);
			bool ok = end != rr && *end == '\0' && v >= 1 && v <= 1048576;
			xmlFree(rr);
			if (!ok || (!first_row && (size_t)v - 1 < row)) {
				say(why, cap, "the sheet has a row out of order or misnumbered");
				return MC_EINVAL;
			}
			row = (size_t)v - 1;
		} else if (!first_row) {
			row++;
		}
		first_row = false;
		size_t col = 0;
		bool first_cell = true;
		for (xmlNodePtr c = r->children; c; c = c->next) {
			if (!is(c, "c"))
				continue;
			char *ref = attr(c, "r", false);
			size_t cr = row, cc = first_cell ? 0 : col + 1;
			if (ref && !cell_ref(ref, &cr, &cc)) {
				say(why, cap, "the sheet has a cell reference that is not one (\"%.12s\")",
				    ref);
				xmlFree(ref);
				return MC_EINVAL;
			}
			xmlFree(ref);
			if (cr != row) {
				say(why, cap, "a cell of row %zu says it is in row %zu", row + 1, cr + 1);
				return MC_EINVAL;
			}
			if (!first_cell && cc <= col) {
				say(why, cap, "the cells of row %zu are out of order", row + 1);
				return MC_EINVAL;
			}
			col = cc;
			first_cell = false;
			/* The value, as stored. */
			char *t = attr(c, "t", false), *value = NULL;
			xmlNodePtr v = child(c, "v");
			if (t && strcmp(t, "inlineStr") == 0) {
				xmlNodePtr is_ = child(c, "is");
				value = is_ ? text_of(is_) : NULL;
			} else if (v) {
				xmlChar *vt = xmlNodeGetContent(v);
				if (t && strcmp(t, "s") == 0) {
					char *end = NULL;
					unsigned long k = strtoul(vt ? (const char *)vt : "", &end, 10);
					if (!vt || end == (char *)vt || *end || k >= n_strings) {
						char cn[4];
						col_name(cn, col);
						say(why, cap, "cell %s%zu points to no shared string", cn,
						    row + 1);
						xmlFree(vt);
						xmlFree(t);
						return MC_EINVAL;
					}
					value = mc_xstrdup(strings[k]);
				} else {
					value = mc_xstrdup(vt ? (const char *)vt : "");
				}
				xmlFree(vt);
			}
			xmlFree(t);
			if (!value)
				continue; /* a cell with a style and no value */
			if (row >= MC_XLSX_READ_MAX_ROWS || col >= MC_XLSX_READ_MAX_COLS) {
				char cn[4];
				col_name(cn, col);
				say(why, cap, "cell %s%zu is beyond the %d rows and %d columns read", cn,
				    row + 1, MC_XLSX_READ_MAX_ROWS, MC_XLSX_READ_MAX_COLS);
				free(value);
				return MC_EINVAL;
			}
			if (row >= g->rows) {
				size_t want = row + 1;
				if (want > room) {
					size_t nr = room ? room * 2 : 64;
					while (nr < want)
						nr *= 2;
					if (nr > MC_XLSX_READ_MAX_ROWS)
						nr = MC_XLSX_READ_MAX_ROWS;
					g->cells = mc_xrealloc(g->cells,
							       nr * MC_XLSX_READ_MAX_COLS * sizeof *g->cells);
					memset(g->cells + room * MC_XLSX_READ_MAX_COLS, 0,
					       (nr - room) * MC_XLSX_READ_MAX_COLS * sizeof *g->cells);
					room = nr;
				}
				g->rows = want;
			}
			g->cells[row * MC_XLSX_READ_MAX_COLS + col] = value;
			if (col + 1 > g->cols)
				g->cols = col + 1;
		}
	}
	rc = 0;
	return rc;
}

int mc_xlsx_read(mc_xlsx_grid *out, const void *data, size_t len, char *why, size_t why_cap)
{
	mem_file m = {data, len, 0};
	zlib_filefunc_def io = {mem_open, mem_read, mem_write, mem_tell, mem_seek, mem_close, mem_error, &m};
	unzFile uf = NULL;
	unz_global_info gi;
	xmlDocPtr sheet = NULL;
	char **strings = NULL;
	size_t n_strings = 0;
	char path[300];
	int rc = MC_EINVAL;

	memset(out, 0, sizeof *out);
	say(why, why_cap, "%s", "");
	if (len > MC_XLSX_READ_MAX_FILE) {
		say(why, why_cap, "the workbook is larger than %u bytes", MC_XLSX_READ_MAX_FILE);
		return MC_ETOOBIG;
	}
	if (len < 4 || memcmp(data, "PK\x03\x04", 4) != 0) {
		say(why, why_cap, "the file is not a workbook (.xlsx): it is not a zip file");
		return MC_EINVAL;
	}
	uf = unzOpen2("workbook.xlsx", &io);
	if (!uf) {
		say(why, why_cap, "the file is not a workbook (.xlsx): its zip directory cannot be read");
		goto cleanup;
	}
	if (unzGetGlobalInfo(uf, &gi) != UNZ_OK) {
		say(why, why_cap, "the file is not a workbook (.xlsx): its zip directory cannot be read");
		goto cleanup;
	}
	if (gi.number_entry > MC_XLSX_READ_MAX_ENTRIES) {
		say(why, why_cap, "the workbook holds more than %d entries", MC_XLSX_READ_MAX_ENTRIES);
		rc = MC_ETOOBIG;
		goto cleanup;
	}
	rc = first_sheet(uf, path, sizeof path, why, why_cap);
	if (rc == MC_ENOTFOUND)
		rc = MC_EINVAL;
	if (rc)
		goto cleanup;
	rc = shared_strings(uf, &strings, &n_strings, why, why_cap);
	if (rc == 0)
		rc = xml_member(uf, path, &sheet, why, why_cap);
	if (rc == MC_ENOTFOUND)
		rc = MC_EINVAL;
	if (rc == 0)
		rc = sheet_cells(out, sheet, strings, n_strings, why, why_cap);
cleanup:
	if (rc)
		mc_xlsx_grid_clear(out);
	for (size_t i = 0; i < n_strings; i++)
		free(strings[i]);
	free(strings);
	xmlFreeDoc(sheet);
	if (uf)
		unzClose(uf);
	return rc;
}
