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
	MC_FORM_STOP = 8, /* thông báo về việc dừng giải quyết hồ sơ (the `stop` action) */
} mc_form_kind;

/*
 * The set of forms of the rules in force on a date (docs/forms.md §1): the
 * 2015 rules (QĐ 09/2015/QĐ-TTg) before 21 June 2018, Nghị định 61/2018 with
 * the forms of Thông tư 01/2018/TT-VPCP until 30 June 2025, Nghị định
 * 118/2025/NĐ-CP from 1 July 2025 (the 2018 layouts under the new desks until
 * its circular's forms), and the forms of Thông tư 03/2025/TT-VPCP (Phụ lục
 * I, Mẫu số 01-07, numbered differently) from 15 September 2025.
 */
typedef enum {
	MC_FORMS_BY_DATE = 0, /* chosen by the form's date */
	MC_FORMS_2015 = 2015,
	MC_FORMS_2018 = 2018,
	MC_FORMS_2025 = 2025,	     /* NĐ 118/2025, 1 July - 14 September 2025 */
	MC_FORMS_2025_TT03 = 202509, /* NĐ 118/2025 with TT 03/2025's forms */
} mc_form_set;

/* The set in force at t (UTC seconds, judged on the local day). */
mc_form_set mc_form_set_on(int64_t t);

/* Whether set is one of Nghị định 118/2025's (the centres, no district). */
bool mc_form_set_nd118(mc_form_set set);

/*
 * The number ("Mẫu số NN") a kind of form has in set, or 0 when the set has
 * no numbered form of that kind (the 2015 and the NĐ 118 transition sets
 * print no number, the 2018 set has no notice of stopping). The API's URLs
 * keep motcua's numbers (docs/forms.md §3): TT 03/2025 numbers the notice of
 * stopping 05, the control sheet 06 and the register 07.
 */
int mc_form_model_no(mc_form_set set, mc_form_kind kind);

/*
 * The desk that acts for a unit in a set, upper case as the letterhead
 * writes it, into buf (cap ≥ 256): "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" before
 * 2025; from 1 July 2025 "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG " and the
 * province's or commune's name taken from unit_name ("UBND xã Quảng Đức" →
 * "… XÃ QUẢNG ĐỨC"). level is the unit record's (province, department,
 * district, commune); a department's dossiers go through the province's
 * centre (province_name). Returns buf.
 */
char *mc_form_desk_name(char *buf, size_t cap, mc_form_set set, const char *level, const char *unit_name,
			const char *province_name);

/* "2,5" for 2.5: a number of days written the Vietnamese way (decimal comma),
 * into buf (cap ≥ 32). Returns buf. */
char *mc_form_days_vi(char *buf, size_t cap, double days);

typedef struct {
	const char *name;
	int originals;
	int copies;
} mc_form_doc;

/* One hand-over in the process control sheet (05). */
typedef struct {
	const char *from_unit;	 /* who handed it over */
	const char *to_unit;	 /* who took it */
	const char *from_person; /* the officer who handed it over, NULL = blank */
	const char *to_person;	 /* the officer who took it, NULL = blank */
	int64_t at;		 /* when */
	const char *result;	 /* "Trước hạn", "Đúng hạn", "Trễ hạn" or "" (not judged) */
	const char *step_result; /* the step against its own hours, as result; NULL not judged */
	const char *note;
} mc_form_step;

/* One line of the dossier register (06). Times 0 = blank. */
typedef struct {
	const char *code;
	const char *procedure;
	const char *applicant;
	const char *address;
	const char *phone;
	int sets;	  /* số lượng hồ sơ (bộ) */
	const char *unit; /* unit in charge */
	int64_t sent_at;  /* handed to the deciding unit, 0 = blank */
	int64_t received_at;
	int64_t due_at;
	int64_t finished_at;
	int64_t returned_at;
	const char *note; /* state and lateness in words */
} mc_form_row;

/* Where a form drew its signer's block (title, space, name): page (0-based)
 * and rectangle in points from the page's top left, and the page's height. */
typedef struct {
	int page;
	double x, y, w, h;
	double page_h;
} mc_form_box;

/* Everything a form may show; strings are borrowed UTF-8, NULL = blank. */
typedef struct {
	mc_form_kind kind;
	mc_form_set set;	  /* MC_FORMS_BY_DATE: mc_form_set_on(date) */
	const char *parent_unit;  /* "UBND TỈNH THANH HÓA" */
	const char *issuing_unit; /* "UBND HUYỆN QUẢNG XƯƠNG" */
	const char *desk;	  /* "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ" */
	const char *desk_text; /* the desk in a sentence: "Bộ phận tiếp nhận và trả kết quả UBND
				* huyện …", "Trung tâm Phục vụ hành chính công tỉnh …"; NULL =
				* the 2018 name and issuing_unit */
	const char *place;     /* "Quảng Xương" */
	int64_t date;	       /* the document's date */
	const char *number;    /* number and notation under the issuer, "6366/BC-UBND"; NULL = none */
	const char *code;      /* dossier code */
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
	int64_t new_due_at;	  /* 04 */
	const char *reason;	  /* 02, 03, 04, 07 */
	const char *request;	  /* 02: the contents to add (reason: why) */
	const char *collect_at;	  /* 01: where the result is collected */
	int book;		  /* 01: Quyển số (the register's year), 0 = dots */
	long long book_seq;	  /* 01: Số thứ tự in that book, 0 = dots */
	bool draft;		  /* 04: prepared, not issued: marked DỰ THẢO */
	const char *signer_title; /* 04, 07: "CHỦ TỊCH" or "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" */
	const char *addressee;	  /* 04: Kính gửi */
	const char *recipients;	  /* 04, 07: Nơi nhận, one per line */
	const char *officer;	  /* the officer who signs */
	const char *contact;	  /* where to ask (unit phone) */
	const char *lookup_url;	  /* 01: the QR code opens it */
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
	/* 04: filled with where the signer's block went (may be NULL), for
	 * the seal's picture over it. */
	mc_form_box *sign_box;
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
 * "<f->place>, ngày … tháng … năm …" of f->date (blanks when 0). Only those
 * fields are read.
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
