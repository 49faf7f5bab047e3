/*
 * form.h - the official paperwork of a one-stop office as PDF: the form set of
 * Thông tư 01/2018/TT-VPCP (01 receipt and appointment slip, 02 supplement
 * request, 03 refusal, 04 apology with a new date, 05 process control sheet,
 * 06 dossier register), laid out as Nghị định 30/2020/NĐ-CP wants an
 * administrative document: issuing unit and national motto side by side,
 * place and date, title, body, signer.
 *
 * Pure rendering: the caller gathers the data; cairo draws, pango shapes the
 * Vietnamese text (Liberation Serif, metric-compatible with Times New Roman,
 * falling back through fontconfig), libqrencode makes the receipt's QR code.
 */
#ifndef MC_RENDER_FORM_H
#define MC_RENDER_FORM_H

#include "core/buf.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	MC_FORM_RECEIPT = 1,	/* 01 giấy tiếp nhận hồ sơ và hẹn trả kết quả */
	MC_FORM_SUPPLEMENT = 2, /* 02 phiếu yêu cầu bổ sung, hoàn thiện hồ sơ */
	MC_FORM_REFUSAL = 3,	/* 03 phiếu từ chối tiếp nhận giải quyết hồ sơ */
	MC_FORM_APOLOGY = 4,	/* 04 phiếu xin lỗi và hẹn lại ngày trả kết quả */
	MC_FORM_CONTROL = 5,	/* 05 phiếu kiểm soát quá trình giải quyết hồ sơ */
	MC_FORM_REGISTER = 6,	/* 06 sổ theo dõi hồ sơ */
	MC_FORM_TABLE = 7,	/* any register: a title and a table (the document
				 * registers of NĐ 30/2020 Phụ lục IV) */
} mc_form_kind;

typedef struct {
	const char *name;
	int originals;
	int copies;
} mc_form_doc;

/* One hand-over in the process control sheet (05). */
typedef struct {
	const char *from_unit; /* who handed it over */
	const char *to_unit;   /* who took it */
	int64_t at;	       /* when */
	const char *result;    /* "Trước hạn", "Đúng hạn", "Trễ hạn" or "" */
	const char *note;
} mc_form_step;

/* One line of the dossier register (06). Times 0 = blank. */
typedef struct {
	const char *code;
	const char *procedure;
	const char *applicant;
	const char *address;
	const char *unit; /* unit in charge */
	int64_t received_at;
	int64_t due_at;
	int64_t finished_at;
	int64_t returned_at;
	const char *note; /* state and lateness in words */
} mc_form_row;

/* Everything a form may show; strings are borrowed UTF-8, NULL = blank. */
typedef struct {
	mc_form_kind kind;
	const char *parent_unit;  /* "UBND TỈNH THANH HÓA" */
	const char *issuing_unit; /* "UBND HUYỆN QUẢNG XƯƠNG" */
	const char *desk;	  /* "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" */
	const char *place;	  /* "Quảng Xương" */
	int64_t date;		  /* the document's date */
	const char *number;	  /* number and notation under the issuer, "6366/BC-UBND"; NULL = none */
	const char *code;	  /* dossier code */
	const char *procedure;
	const char *applicant_name;
	const char *applicant_address;
	const char *applicant_phone;
	const char *applicant_email;
	const mc_form_doc *docs;
	size_t n_docs;
	double duration_days; /* statutory time */
	int64_t received_at;
	int64_t due_at;
	int64_t new_due_at;	/* 04 */
	const char *reason;	/* 02, 03, 04 */
	const char *officer;	/* the officer who signs */
	const char *contact;	/* where to ask (unit phone) */
	const char *lookup_url; /* 01: the QR code opens it */
	/* 01: received at another centre regardless of administrative boundary
	 * (issuing_unit), the unit that decides it; NULL = the same. */
	const char *competent_unit;
	const mc_form_step *steps; /* 05 */
	size_t n_steps;
	const mc_form_row *rows; /* 06 */
	size_t n_rows;
	int64_t from, to; /* 06: the period */
	/* MC_FORM_TABLE: the title (markup-free text), a line under it, and a
	 * table of n_cols columns (their shares of the width and heads) with
	 * n_rows rows of cells, row after row. */
	const char *title;
	const char *subtitle;
	size_t n_cols;
	const double *col_frac;
	const char *const *col_head;
	const char *const *cells;
} mc_form;

/* The most bytes of a form's PDF the server makes: a register of a year's
 * 5000 dossiers takes a few MiB. */
#define MC_FORM_PDF_MAX ((size_t)64 * 1024 * 1024)

/*
 * Renders f as a PDF appended to out, within the limit out was made with
 * (MC_FORM_PDF_MAX for the server). MC_EINVAL for an unknown kind;
 * MC_ETOOBIG when the document would pass out's limit: it is refused, never
 * cut. On failure out may hold part of a document: free or reset it.
 */
int mc_form_pdf(mc_buf *out, const mc_form *f);

/* ---- pieces for other documents drawn on their own cairo surface ------- */

/* Millimetres in cairo's PDF units (points). */
#define MC_FORM_MM (72.0 / 25.4)

/*
 * Draws the heading of Nghị định 30/2020 on cr across [left, right] from *y
 * and moves *y below it: f->parent_unit over f->desk (or f->issuing_unit) on
 * the left, the national motto on the right, each with its short rule, then
 * "<f->place>, ngày … tháng … năm …" of f->date. Only those fields are read.
 */
void mc_form_draw_heading(cairo_t *cr, double left, double right, double *y, const mc_form *f);

typedef enum {
	MC_FORM_LEFT = 0,
	MC_FORM_CENTER,
	MC_FORM_RIGHT,
} mc_form_align;

/*
 * Draws pango markup (the caller escapes data, e.g. g_markup_printf_escaped)
 * in the forms' font at size points, wrapped to width, with its top-left at
 * (x, y). Returns its height in points; with draw false only measures it.
 */
double mc_form_draw_text(cairo_t *cr, double x, double y, double width, const char *markup, double size,
			 mc_form_align align, bool draw);

/* "ngày 02 tháng 3 năm 2017" of a time, in Vietnam's time zone (buf ≥ 48). */
char *mc_form_date_words(char *buf, size_t cap, int64_t t);

#endif
