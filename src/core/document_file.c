/*
 * document_file.c - the kinds of file a draft may be uploaded as, checked by
 * their structure (core/document.h).
 */
#include "core/document.h"

#include "core/err.h"

#include <string.h>
#include <strings.h>

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
