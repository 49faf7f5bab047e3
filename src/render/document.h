/*
 * render/document.h - an official document's own PDF laid out as Nghị định
 * 30/2020/NĐ-CP Phụ lục I wants it: quốc hiệu and tiêu ngữ beside the
 * issuing body's name, số and ký hiệu, địa danh and date, the kind's name
 * and the trích yếu (or "V/v …" under the number for a công văn), the body,
 * the signer's authority, position and name, and nơi nhận.
 *
 * Pure rendering: the caller gathers the strings (borrowed UTF-8).
 */
#ifndef MC_RENDER_DOCUMENT_H
#define MC_RENDER_DOCUMENT_H

#include "core/buf.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	const char *parent_unit;     /* cơ quan chủ quản, capitals; NULL = none */
	const char *issuing_unit;    /* the issuing body, capitals */
	const char *number;	     /* "12/QĐ-UBND"; a draft's "     /QĐ-UBND" */
	const char *place;	     /* địa danh */
	int64_t date;		     /* issued; 0 = a draft (the date line left blank) */
	const char *type_title;	     /* "QUYẾT ĐỊNH"; NULL for a công văn */
	const char *subject;	     /* trích yếu */
	const char *body;	     /* paragraphs separated by new lines */
	const char *authority;	     /* "TM. ỦY BAN NHÂN DÂN"; NULL = none */
	const char *signer_position; /* "CHỦ TỊCH" */
	const char *signer_name;
	const char *recipients; /* nơi nhận: one per line */
	const char *urgency;	/* "HỎA TỐC"; NULL = none */
	const char *secrecy;	/* "MẬT"; NULL = none */
	bool for_signing;	/* a draft prepared for the signer's device: not marked DỰ THẢO */
} mc_doc_page;

/* Where the signer's block ends up on the last page (points from the top
 * left), for a visible signature: the space between position and name. */
typedef struct {
	int page; /* 0-based */
	double x, y, w, h;
	double page_h;
	/* on the first page: the line of "Số: …" and of the place and date,
	 * for what is written there at issue */
	double number_x, number_w, date_x, date_w, line_y, line_h;
} mc_doc_sign_box;

/* The most bytes of a document's PDF (the body is at most 20,000 characters). */
#define MC_DOC_PDF_MAX ((size_t)16 * 1024 * 1024)

/* Renders p as a PDF appended to out; box (may be NULL) gets where the
 * signature goes. MC_ETOOBIG past out's limit, MC_ERROR when cairo fails. */
int mc_render_document_pdf(mc_buf *out, const mc_doc_page *p, mc_doc_sign_box *box);

#endif
