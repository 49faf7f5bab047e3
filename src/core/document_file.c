/*
 * document_file.c - the kinds of file a draft may be uploaded as, checked by
 * their structure (core/document.h).
 */
#include "core/document.h"

#include "core/edxml.h"
#include "core/err.h"
#include "core/text.h"
#include "core/mc.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define MIME_PDF "application/pdf"
#define MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

const char *mc_doc_file_kind_name(mc_doc_file_kind k)
{
	switch (k) {
	case MC_DOC_FILE_PDF:
		return "pdf";
	case MC_DOC_FILE_DOCX:
		return "docx";
	case MC_DOC_FILE_NONE:
		break;
	}
	return NULL;
}

const char *mc_doc_file_kind_mime(mc_doc_file_kind k)
{
	switch (k) {
	case MC_DOC_FILE_PDF:
		return MIME_PDF;
	case MC_DOC_FILE_DOCX:
		return MIME_DOCX;
	case MC_DOC_FILE_NONE:
		break;
	}
	return NULL;
}

mc_doc_file_kind mc_doc_file_kind_of_mime(const char *mime)
{
	size_t n;

	if (!mime)
		return MC_DOC_FILE_NONE;
	n = strcspn(mime, "; \t");
	if (n == strlen(MIME_PDF) && strncasecmp(mime, MIME_PDF, n) == 0)
		return MC_DOC_FILE_PDF;
	if (n == strlen(MIME_DOCX) && strncasecmp(mime, MIME_DOCX, n) == 0)
		return MC_DOC_FILE_DOCX;
	return MC_DOC_FILE_NONE;
}

static int pdf_check(const unsigned char *p, size_t len, const char **why)
{
	size_t tail = len < 1024 ? len : 1024;

	if (len < 16 || (memcmp(p, "%PDF-1.", 7) != 0 && memcmp(p, "%PDF-2.", 7) != 0)) {
		*why = "it does not start with a PDF header (%PDF-1.x or %PDF-2.x)";
		return MC_EINVAL;
	}
	/* A file cut short has no end-of-file marker after its last update. */
	for (size_t i = len - tail; i + 5 <= len; i++) {
		if (memcmp(p + i, "%%EOF", 5) == 0)
			return 0;
	}
	*why = "it has no %%EOF marker at its end (cut short?)";
	return MC_EINVAL;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A ZIP archive's central directory, walked within the file's bounds. */
static int docx_check(const unsigned char *p, size_t len, const char **why)
{
	/* The end-of-central-directory record: 22 bytes and a comment of up
	 * to 65535, so within the last 65557 bytes. */
	size_t lo = len > 65557 ? len - 65557 : 0;
	size_t eocd = (size_t)-1;
	bool types = false, document = false;

	if (len < 22 + 30 || memcmp(p, "PK\x03\x04", 4) != 0) {
		*why = "it is not a ZIP archive (a DOCX is one)";
		return MC_EINVAL;
	}
	for (size_t i = len - 22 + 1; i-- > lo;) {
		if (memcmp(p + i, "PK\x05\x06", 4) == 0) {
			eocd = i;
			break;
		}
	}
	if (eocd == (size_t)-1) {
		*why = "its ZIP archive has no central directory";
		return MC_EINVAL;
	}
	unsigned entries = le16(p + eocd + 10);
	size_t cd_size = le32(p + eocd + 12), cd_off = le32(p + eocd + 16);
	if (cd_off > eocd || cd_size > eocd - cd_off) {
		*why = "its ZIP archive's central directory lies outside the file";
		return MC_EINVAL;
	}
	size_t at = cd_off, end = cd_off + cd_size;
	for (unsigned i = 0; i < entries; i++) {
		if (end - at < 46 || memcmp(p + at, "PK\x01\x02", 4) != 0) {
			*why = "its ZIP archive's central directory is damaged";
			return MC_EINVAL;
		}
		size_t name_len = le16(p + at + 28), extra = le16(p + at + 30), comment = le16(p + at + 32);
		if (end - at - 46 < name_len + extra + comment) {
			*why = "its ZIP archive's central directory is damaged";
			return MC_EINVAL;
		}
		const unsigned char *name = p + at + 46;
		if (name_len == 19 && memcmp(name, "[Content_Types].xml", 19) == 0)
			types = true;
		if (name_len == 17 && memcmp(name, "word/document.xml", 17) == 0)
			document = true;
		at += 46 + name_len + extra + comment;
	}
	if (!types || !document) {
		*why =
		    "its ZIP archive holds no word/document.xml and [Content_Types].xml: not a Word document";
		return MC_EINVAL;
	}
	return 0;
}

int mc_doc_file_check(mc_doc_file_kind kind, const unsigned char *data, size_t len, const char **why)
{
	*why = "";
	switch (kind) {
	case MC_DOC_FILE_PDF:
		return pdf_check(data, len, why);
	case MC_DOC_FILE_DOCX:
		return docx_check(data, len, why);
	case MC_DOC_FILE_NONE:
		break;
	}
	*why = "only PDF and DOCX are accepted";
	return MC_EINVAL;
}

/* ---- the text of a DOCX, for search ------------------------------------- */

/* word/document.xml's bytes as stored in the archive: *method (0 stored, 8
 * deflated), its compressed data and sizes. MC_ENOTFOUND without it. */
static int docx_part(const unsigned char *p, size_t len, int *method, const unsigned char **part,
		     size_t *part_len, size_t *plain_len)
{
	size_t lo = len > 65557 ? len - 65557 : 0, eocd = (size_t)-1;

	if (len < 22 + 30)
		return MC_ENOTFOUND;
	for (size_t i = len - 22 + 1; i-- > lo;) {
		if (memcmp(p + i, "PK\x05\x06", 4) == 0) {
			eocd = i;
			break;
		}
	}
	if (eocd == (size_t)-1)
		return MC_ENOTFOUND;
	unsigned entries = le16(p + eocd + 10);
	size_t cd_size = le32(p + eocd + 12), at = le32(p + eocd + 16);
	if (at > eocd || cd_size > eocd - at)
		return MC_ENOTFOUND;
	size_t end = at + cd_size;
	for (unsigned i = 0; i < entries && end - at >= 46 && memcmp(p + at, "PK\x01\x02", 4) == 0; i++) {
		size_t name_len = le16(p + at + 28), extra = le16(p + at + 30), comment = le16(p + at + 32);
		if (end - at - 46 < name_len + extra + comment)
			return MC_ENOTFOUND;
		if (name_len == 17 && memcmp(p + at + 46, "word/document.xml", 17) == 0) {
			size_t comp = le32(p + at + 20), local = le32(p + at + 42);
			*method = (int)le16(p + at + 10);
			*plain_len = le32(p + at + 24);
			/* the local header: its own name and extra field lengths */
			if (local > len || len - local < 30 || memcmp(p + local, "PK\x03\x04", 4) != 0)
				return MC_ENOTFOUND;
			size_t data = local + 30 + le16(p + local + 26) + le16(p + local + 28);
			if (data > len || comp > len - data)
				return MC_ENOTFOUND;
			*part = p + data;
			*part_len = comp;
			return 0;
		}
		at += 46 + name_len + extra + comment;
	}
	return MC_ENOTFOUND;
}

/* The part inflated into a new NUL-terminated buffer of at most
 * MC_DOC_DOCX_XML_MAX bytes; NULL when it is damaged or larger. */
static char *docx_inflate(int method, const unsigned char *part, size_t part_len, size_t *out_len)
{
	char *buf = NULL;

	if (method == 0) {
		if (part_len > MC_DOC_DOCX_XML_MAX)
			return NULL;
		buf = mc_xmalloc(part_len + 1);
		memcpy(buf, part, part_len);
		buf[part_len] = '\0';
		*out_len = part_len;
		return buf;
	}
	if (method != 8)
		return NULL;
	z_stream z = {0};
	size_t cap = 64 * 1024, used = 0;
	int zrc = Z_OK;
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return NULL;
	buf = mc_xmalloc(cap + 1);
	z.next_in = (Bytef *)part;
	z.avail_in = (uInt)(part_len > UINT32_MAX ? UINT32_MAX : part_len);
	while (zrc == Z_OK) {
		if (used == cap) {
			if (cap >= MC_DOC_DOCX_XML_MAX)
				break; /* larger than we read: not searched */
			cap *= 2;
			buf = mc_xrealloc(buf, cap + 1);
		}
		z.next_out = (Bytef *)buf + used;
		z.avail_out = (uInt)(cap - used);
		zrc = inflate(&z, Z_NO_FLUSH);
		used = cap - z.avail_out;
	}
	inflateEnd(&z);
	if (zrc != Z_STREAM_END) {
		free(buf);
		return NULL;
	}
	buf[used] = '\0';
	*out_len = used;
	return buf;
}

struct text_acc {
	char *s;
	size_t len, cap;
};

static void acc_add(struct text_acc *a, const char *s, size_t n)
{
	if (a->len >= MC_DOC_FILE_TEXT_MAX)
		return;
	if (n > MC_DOC_FILE_TEXT_MAX - a->len)
		n = MC_DOC_FILE_TEXT_MAX - a->len;
	if (a->len + n + 1 > a->cap) {
		a->cap = (a->len + n + 1) * 2;
		a->s = mc_xrealloc(a->s, a->cap);
	}
	memcpy(a->s + a->len, s, n);
	a->len += n;
	a->s[a->len] = '\0';
}

/* The runs in document order; iterative over siblings, recursive in depth
 * (libxml2 refuses documents nested deeper than 256 by default). */
static void walk(xmlNodePtr n, struct text_acc *a)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		if (strcmp(name, "t") == 0) {
			xmlChar *c = xmlNodeGetContent(n);
			if (c)
				acc_add(a, (const char *)c, strlen((const char *)c));
			xmlFree(c);
			continue;
		}
		if (strcmp(name, "tab") == 0 || strcmp(name, "br") == 0)
			acc_add(a, " ", 1);
		walk(n->children, a);
		if (strcmp(name, "p") == 0)
			acc_add(a, "\n", 1);
	}
}

/* The length of s[0, n) without a character cut short at its end. */
static size_t whole_chars(const char *s, size_t n)
{
	size_t i = n, k = 0;

	while (i > 0 && k < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		k++;
	}
	if (i == 0)
		return n;
	unsigned char c = (unsigned char)s[i - 1];
	size_t need = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
	return need > 1 && k + 1 < need ? i - 1 : n;
}

int mc_doc_docx_text(const unsigned char *data, size_t len, char **out)
{
	const unsigned char *part = NULL;
	size_t part_len = 0, plain_len = 0, xml_len = 0;
	int method = 0;
	char *xml = NULL;
	xmlDocPtr doc = NULL;
	struct text_acc a = {0};

	*out = NULL;
	if (docx_part(data, len, &method, &part, &part_len, &plain_len) != 0)
		goto cleanup;
	xml = docx_inflate(method, part, part_len, &xml_len);
	/* No DTD at all: nothing to expand, nothing to load (billion laughs, XXE). */
	if (!xml || xml_len > INT32_MAX || strstr(xml, "<!DOCTYPE") || strstr(xml, "<!ENTITY"))
		goto cleanup;
	mc_edxml_init();
	doc = xmlReadMemory(xml, (int)xml_len, "document.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || doc->intSubset || doc->extSubset)
		goto cleanup;
	walk(xmlDocGetRootElement(doc), &a);
cleanup:
	if (doc)
		xmlFreeDoc(doc);
	free(xml);
	/* cut at MC_DOC_FILE_TEXT_MAX bytes: it ends on a whole character */
	if (a.s)
		a.s[whole_chars(a.s, a.len)] = '\0';
	*out = a.s ? a.s : mc_xstrdup("");
	return 0;
}
