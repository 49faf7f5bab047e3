/*
 * form.c - the Thông tư 01/2018 forms as PDF (see form.h).
 *
 * A small flow layout: a cursor moves down an A4 page (landscape for the
 * register), paragraphs and table rows are measured with pango before they are
 * drawn, and a row that does not fit starts a new page (a table repeats its
 * header). Margins follow Nghị định 30/2020: top and bottom 20 mm, left 30 mm,
 * right 15 mm; body text 13 pt.
 */
#include "render/form.h"

#include "core/buf.h"
#include "core/mc.h"
#include "render/sink.h"

#include <cairo-pdf.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)
#define FONT "Liberation Serif"
/* A cell's text made here (two unit names and a number). */
#define CELL_MAX 4096

typedef struct {
	cairo_surface_t *surface;
	cairo_t *cr;
	double width, height; /* page, points */
	double left, right;   /* text box */
	double top, bottom;
	double y;
	int page;
} doc;

char *mc_form_date_words(char *buf, size_t cap, int64_t t)
{
	int y, m, d;
	int64_t local = t + MC_TZ_OFFSET;
	mc_civil_from_days((int32_t)(local >= 0 ? local / 86400 : (local - 86399) / 86400), &y, &m, &d);
	/* Nghị định 30/2020: days and months below 10 of the date line take a
	 * leading zero for days 1-9 and months 1-2. */
	snprintf(buf, cap, "ngày %02d tháng %s%d năm %d", d, m < 3 ? "0" : "", m, y);
	return buf;
}

/* The form sets by the first local day they apply (docs/forms.md §1). */
static const struct {
	int y, m, d;
	mc_form_set set;
} sets[] = {
    {2018, 6, 21, MC_FORMS_2018}, /* Nghị định 61/2018/NĐ-CP in force */
    {2025, 7, 1, MC_FORMS_2025},  /* Nghị định 118/2025/NĐ-CP in force */
    /* Thông tư 03/2025/TT-VPCP of 15 September 2025: its forms apply from
     * that day (docs/forms.md §1; the article on its entry into force was
     * not found). */
    {2025, 9, 15, MC_FORMS_2025_TT03},
};

mc_form_set mc_form_set_on(int64_t t)
{
	int64_t local = t + MC_TZ_OFFSET;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	mc_form_set set = MC_FORMS_2015;
	for (size_t i = 0; i < MC_ARRAY_LEN(sets); i++) {
		if (day >= mc_days_from_civil(sets[i].y, sets[i].m, sets[i].d))
			set = sets[i].set;
	}
	return set;
}

static mc_form_set set_of(const mc_form *f)
{
	return f->set ? f->set : mc_form_set_on(f->date);
}

bool mc_form_set_nd118(mc_form_set set)
{
	return set == MC_FORMS_2025 || set == MC_FORMS_2025_TT03;
}

int mc_form_model_no(mc_form_set set, mc_form_kind kind)
{
	/* Phụ lục I of each circular, by kind (docs/forms.md §3). */
	static const int tt01[] = {
	    [MC_FORM_RECEIPT] = 1, [MC_FORM_SUPPLEMENT] = 2, [MC_FORM_REFUSAL] = 3, [MC_FORM_APOLOGY] = 4,
	    [MC_FORM_CONTROL] = 5, [MC_FORM_REGISTER] = 6,   [MC_FORM_TABLE] = 0,   [MC_FORM_STOP] = 0};
	static const int tt03[] = {
	    [MC_FORM_RECEIPT] = 1, [MC_FORM_SUPPLEMENT] = 2, [MC_FORM_REFUSAL] = 3,  [MC_FORM_APOLOGY] = 4,
	    [MC_FORM_STOP] = 5,	   [MC_FORM_CONTROL] = 6,    [MC_FORM_REGISTER] = 7, [MC_FORM_TABLE] = 0};
	if (kind < MC_FORM_RECEIPT || kind > MC_FORM_STOP)
		return 0;
	if (set == MC_FORMS_2018)
		return tt01[kind];
	if (set == MC_FORMS_2025_TT03)
		return tt03[kind];
	return 0;
}

/* The place of a unit name without its kind of body: "UBND xã Quảng Đức" →
 * "xã Quảng Đức"; "Sở Tư pháp" stays. */
static const char *without_ubnd(const char *name)
{
	if (!name)
		return "";
	if (strncmp(name, "UBND ", 5) == 0)
		return name + 5;
	if (strncmp(name, "Ủy ban nhân dân ", strlen("Ủy ban nhân dân ")) == 0)
		return name + strlen("Ủy ban nhân dân ");
	return name;
}

char *mc_form_desk_name(char *buf, size_t cap, mc_form_set set, const char *level, const char *unit_name,
			const char *province_name)
{
	if (!mc_form_set_nd118(set) || !level) {
		snprintf(buf, cap, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ");
		return buf;
	}
	/* Nghị định 118/2025: the centres of the province and of the commune;
	 * no district level, a department receives through the province's. */
	const char *of =
	    strcmp(level, "department") == 0 || strcmp(level, "district") == 0 ? province_name : unit_name;
	char *up = g_utf8_strup(without_ubnd(of), -1);
	snprintf(buf, cap, "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG %s", up);
	g_free(up);
	return buf;
}

char *mc_form_days_vi(char *buf, size_t cap, double days)
{
	/* At most two decimals (hours of a day of eight), the decimal comma. */
	snprintf(buf, cap, "%.2f", days);
	char *dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + strlen(buf);
		while (end > dot + 1 && end[-1] == '0')
			*--end = '\0';
		if (end == dot + 1)
			*dot = '\0';
		else
			*dot = ',';
	}
	return buf;
}

/* "08 giờ 30 phút, ngày 02/3/2017" */
static char *time_words(char *buf, size_t cap, int64_t t)
{
	if (!t) {
		snprintf(buf, cap, "....... giờ ....... phút, ngày ....../....../..........");
		return buf;
	}
	int y, m, d;
	int64_t local = t + MC_TZ_OFFSET;
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t sec = local - days * 86400;
	mc_civil_from_days((int32_t)days, &y, &m, &d);
	snprintf(buf, cap, "%02d giờ %02d phút, ngày %02d/%02d/%d", (int)(sec / 3600), (int)(sec / 60 % 60),
		 d, m, y);
	return buf;
}

/* "02/03/2017 08:30" for table cells. */
static char *short_time(char *buf, size_t cap, int64_t t)
{
	if (!t) {
		buf[0] = '\0';
		return buf;
	}
	char full[40];
	mc_time_format(full, sizeof full, t);
	snprintf(buf, cap, "%.2s/%.2s/%.4s %.5s", full + 8, full + 5, full, full + 11);
	return buf;
}

static PangoLayout *make_layout(doc *d, const char *markup, double size, double width, PangoAlignment align)
{
	PangoLayout *l = pango_cairo_create_layout(d->cr);
	/* Points are points: pango assumes a 96 dpi screen unless told. */
	pango_cairo_context_set_resolution(pango_layout_get_context(l), 72);
	pango_layout_context_changed(l);
	char font[64];
	snprintf(font, sizeof font, FONT " %.1f", size);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_markup(l, markup, -1);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void new_page(doc *d)
{
	cairo_show_page(d->cr);
	d->page++;
	d->y = d->top;
}

/* Draws markup in [x, x + width] at the cursor; moves the cursor below it. */
static void para_at(doc *d, double x, double width, const char *markup, double size, PangoAlignment align,
		    double space_after)
{
	PangoLayout *l = make_layout(d, markup, size, width, align);
	double h = layout_height(l);
	if (d->y + h > d->bottom)
		new_page(d);
	cairo_move_to(d->cr, x, d->y);
	pango_cairo_show_layout(d->cr, l);
	g_object_unref(l);
	d->y += h + space_after;
}

static void para(doc *d, const char *markup, double size, PangoAlignment align, double space_after)
{
	para_at(d, d->left, d->right - d->left, markup, size, align, space_after);
}

/* A paragraph of body text from a printf-style markup template whose
 * arguments are escaped (data never becomes markup). */
static void body(doc *d, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void body(doc *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = g_markup_vprintf_escaped(fmt, ap);
	va_end(ap);
	para(d, m, 13, PANGO_ALIGN_LEFT, 4);
	g_free(m);
}

static const char *or_dots(const char *s)
{
	return s && *s ? s : "................................................";
}

/* The heading of Nghị định 30/2020: issuing unit left, national motto right,
 * each with its short rule, then the place and date on the right. */
static void heading(doc *d, const mc_form *f)
{
	double width = d->right - d->left;
	double lw = width * 0.38, rx = d->left + width * 0.38, rw = width * 0.62;
	double y0 = d->y;
	/* The body above the issuer (cơ quan chủ quản), then the issuer in bold. */
	char *left = g_markup_printf_escaped("%s\n<b>%s</b>", f->parent_unit ? f->parent_unit : "",
					     f->desk ? f->desk : (f->issuing_unit ? f->issuing_unit : ""));
	PangoLayout *l = make_layout(d, left, 12, lw, PANGO_ALIGN_CENTER);
	double lh = layout_height(l);
	cairo_move_to(d->cr, d->left, y0);
	pango_cairo_show_layout(d->cr, l);
	g_object_unref(l);
	g_free(left);
	/* Nghị định 30/2020: the motto in 12-13 pt bold capitals, the subtitle in 13-14 pt bold. */
	PangoLayout *r = make_layout(d,
				     "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>\n"
				     "<b><span size='13312'>Độc lập - Tự do - Hạnh phúc</span></b>",
				     12, rw, PANGO_ALIGN_CENTER);
	double rh = layout_height(r);
	cairo_move_to(d->cr, rx, y0);
	pango_cairo_show_layout(d->cr, r);
	g_object_unref(r);
	cairo_set_line_width(d->cr, 0.6);
	cairo_move_to(d->cr, d->left + lw * 0.3, y0 + lh + 2);
	cairo_line_to(d->cr, d->left + lw * 0.7, y0 + lh + 2);
	cairo_move_to(d->cr, rx + rw * 0.22, y0 + rh + 2);
	cairo_line_to(d->cr, rx + rw * 0.78, y0 + rh + 2);
	cairo_stroke(d->cr);
	d->y = y0 + (lh > rh ? lh : rh) + 10;
	char date[64];
	if (f->date)
		mc_form_date_words(date, sizeof date, f->date);
	else /* not dated yet (a draft): the date is written when it is issued */
		snprintf(date, sizeof date, "ngày      tháng      năm       ");
	if (f->number) {
		/* Nghị định 30/2020: "Số: …" under the issuer, level with the date line. */
		double y_date = d->y;
		char *number = g_markup_printf_escaped("Số: %s", f->number);
		para_at(d, d->left, lw, number, 13, PANGO_ALIGN_CENTER, 0);
		g_free(number);
		d->y = y_date;
	}
	char *line = g_markup_printf_escaped("<i>%s, %s</i>", f->place ? f->place : "", date);
	para_at(d, rx, rw, line, 13, PANGO_ALIGN_CENTER, 14);
	g_free(line);
}

/* The title, centred in the text width less `reserve` points on the right. */
static void title_in(doc *d, const char *text, const char *code, double reserve)
{
	double width = d->right - d->left - reserve;
	char *m = g_markup_printf_escaped("<b>%s</b>", text);
	para_at(d, d->left, width, m, 14, PANGO_ALIGN_CENTER, 2);
	g_free(m);
	if (code) {
		m = g_markup_printf_escaped("Mã hồ sơ: <b>%s</b>", code);
		para_at(d, d->left, width, m, 13, PANGO_ALIGN_CENTER, 10);
		g_free(m);
	} else {
		d->y += 8;
	}
}

static void title(doc *d, const char *text, const char *code)
{
	title_in(d, text, code, 0);
}

/* Two signature blocks side by side (left may be NULL). */
static void signatures(doc *d, const char *left, const char *right, const char *right_name)
{
	double width = d->right - d->left;
	if (d->y + 90 > d->bottom)
		new_page(d);
	double y0 = d->y + 8;
	if (left) {
		char *m = g_markup_printf_escaped("<b>%s</b>\n<i>(Ký và ghi rõ họ tên)</i>", left);
		PangoLayout *l = make_layout(d, m, 13, width / 2, PANGO_ALIGN_CENTER);
		cairo_move_to(d->cr, d->left, y0);
		pango_cairo_show_layout(d->cr, l);
		g_object_unref(l);
		g_free(m);
	}
	char *m = g_markup_printf_escaped("<b>%s</b>\n<i>(Ký và ghi rõ họ tên)</i>\n\n\n\n<b>%s</b>", right,
					  right_name ? right_name : "");
	PangoLayout *l = make_layout(d, m, 13, width / 2, PANGO_ALIGN_CENTER);
	double h = layout_height(l);
	cairo_move_to(d->cr, d->left + width / 2, y0);
	pango_cairo_show_layout(d->cr, l);
	g_object_unref(l);
	g_free(m);
	d->y = y0 + h + 6;
}

/* A table with a header row; cells are plain text (escaped here). */
static void table(doc *d, size_t ncols, const double *frac, const char *const *head, const char *const *cells,
		  size_t nrows, double size)
{
	double width = d->right - d->left;
	double pad = 3;
	cairo_set_line_width(d->cr, 0.5);
	for (size_t r = 0; r <= nrows; r++) {
		const char *const *row = r == 0 ? head : cells + (r - 1) * ncols;
		PangoLayout *ls[16];
		double h = 0;
		for (size_t c = 0; c < ncols && c < 16; c++) {
			char *m = r == 0 ? g_markup_printf_escaped("<b>%s</b>", row[c] ? row[c] : "")
					 : g_markup_escape_text(row[c] ? row[c] : "", -1);
			ls[c] = make_layout(d, m, size, width * frac[c] - 2 * pad,
					    r == 0 ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
			g_free(m);
			double lh = layout_height(ls[c]);
			if (lh > h)
				h = lh;
		}
		h += 2 * pad;
		if (d->y + h > d->bottom) {
			new_page(d);
			if (r > 0) {
				/* Repeat the header on the new page. */
				for (size_t c = 0; c < ncols; c++)
					g_object_unref(ls[c]);
				table(d, ncols, frac, head, NULL, 0, size);
				r--;
				continue;
			}
		}
		double x = d->left;
		for (size_t c = 0; c < ncols; c++) {
			double w = width * frac[c];
			cairo_rectangle(d->cr, x, d->y, w, h);
			cairo_stroke(d->cr);
			cairo_move_to(d->cr, x + pad, d->y + pad);
			pango_cairo_show_layout(d->cr, ls[c]);
			g_object_unref(ls[c]);
			x += w;
		}
		d->y += h;
	}
	d->y += 8;
}

static void qr(doc *d, const char *url, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	double m = size / (q->width + 8); /* a quiet zone of four modules each side */
	cairo_save(d->cr);
	cairo_set_source_rgb(d->cr, 1, 1, 1);
	cairo_rectangle(d->cr, x, y, size, size);
	cairo_fill(d->cr);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++) {
		for (int c = 0; c < q->width; c++) {
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(d->cr, x + (c + 4) * m, y + (r + 4) * m, m, m);
		}
	}
	cairo_fill(d->cr);
	cairo_restore(d->cr);
	QRcode_free(q);
}

static const char *doc_form(const mc_form_doc *item, char *buf, size_t cap)
{
	if (item->originals && item->copies)
		snprintf(buf, cap, "%d bản chính, %d bản sao", item->originals, item->copies);
	else if (item->originals)
		snprintf(buf, cap, "%d bản chính", item->originals);
	else if (item->copies)
		snprintf(buf, cap, "%d bản sao", item->copies);
	else
		snprintf(buf, cap, "Bản điện tử");
	return buf;
}

static void docs_table(doc *d, const mc_form *f)
{
	static const double frac[] = {0.08, 0.62, 0.30};
	static const char *const head[] = {"TT", "Tên giấy tờ", "Hình thức (bản chính, bản sao)"};
	size_t n = f->n_docs;
	char(*num)[24] = mc_xcalloc(n ? n : 1, sizeof *num);
	char(*form)[64] = mc_xcalloc(n ? n : 1, sizeof *form);
	const char **cells = mc_xcalloc(n ? n * 3 : 1, sizeof *cells);
	for (size_t i = 0; i < n; i++) {
		snprintf(num[i], sizeof num[i], "%zu", i + 1);
		cells[i * 3] = num[i];
		cells[i * 3 + 1] = f->docs[i].name;
		cells[i * 3 + 2] = doc_form(&f->docs[i], form[i], sizeof form[i]);
	}
	table(d, 3, frac, head, cells, n, 12);
	free(cells);
	free(form);
	free(num);
}

/* The last line of a form: which form of which text it is (docs/forms.md). */
static void basis(doc *d, const mc_form *f)
{
	char line[160];
	int number = mc_form_model_no(set_of(f), f->kind);
	switch (set_of(f)) {
	case MC_FORMS_2015:
		snprintf(line, sizeof line, "Theo Quyết định số 09/2015/QĐ-TTg");
		break;
	case MC_FORMS_2018:
		if (number)
			snprintf(line, sizeof line, "Mẫu số %02d, Thông tư số 01/2018/TT-VPCP", number);
		else
			snprintf(line, sizeof line, "Theo Nghị định số 61/2018/NĐ-CP");
		break;
	case MC_FORMS_2025_TT03:
		snprintf(line, sizeof line, "Mẫu số %02d, Thông tư số 03/2025/TT-VPCP", number);
		break;
	default:
		snprintf(line, sizeof line, "Theo Nghị định số 118/2025/NĐ-CP");
		break;
	}
	char *m = g_markup_printf_escaped("<i>%s</i>", line);
	para(d, m, 10, PANGO_ALIGN_RIGHT, 0);
	g_free(m);
}

/* Nơi nhận on the left and the signer on the right, as Nghị định 30/2020
 * ends a document: the signer's title (lines, the first "KT. …" when a
 * deputy signs for the head), the hint in italics, the name. */
static void signed_block(doc *d, const char *recipients, const char *title, const char *hint,
			 const char *name, mc_form_box *box)
{
	double width = d->right - d->left;
	if (d->y + 110 > d->bottom)
		new_page(d);
	double y0 = d->y + 8, lh = 0;
	if (recipients) {
		char *m = g_markup_printf_escaped("<b><i>Nơi nhận:</i></b>\n%s", recipients);
		PangoLayout *l = make_layout(d, m, 11, width * 0.45, PANGO_ALIGN_LEFT);
		lh = layout_height(l);
		cairo_move_to(d->cr, d->left, y0);
		pango_cairo_show_layout(d->cr, l);
		g_object_unref(l);
		g_free(m);
	}
	char *m =
	    g_markup_printf_escaped("<b>%s</b>\n<i>%s</i>\n\n\n\n<b>%s</b>", title, hint, name ? name : "");
	PangoLayout *l = make_layout(d, m, 13, width / 2, PANGO_ALIGN_CENTER);
	double h = layout_height(l);
	cairo_move_to(d->cr, d->left + width / 2, y0);
	pango_cairo_show_layout(d->cr, l);
	g_object_unref(l);
	g_free(m);
	if (box)
		*box = (mc_form_box){.page = d->page,
				     .x = d->left + width / 2,
				     .y = y0,
				     .w = width / 2,
				     .h = h,
				     .page_h = d->height};
	d->y = y0 + (h > lh ? h : lh) + 6;
}

static void receipt_copy(doc *d, const mc_form *f, const char *copy)
{
	char t1[64], t2[64], days[32];
	/* The QR code beside the title opens the public lookup of this dossier. */
	double qr_bottom = d->y + 60;
	if (f->lookup_url)
		qr(d, f->lookup_url, d->right - 64, d->y - 4, 64);
	title_in(d, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f->code, f->lookup_url ? 70 : 0);
	if (copy) {
		char *m = g_markup_printf_escaped("<i>(%s)</i>", copy);
		para_at(d, d->left, d->right - d->left - (f->lookup_url ? 70 : 0), m, 12, PANGO_ALIGN_CENTER,
			4);
		g_free(m);
	}
	if (f->lookup_url && d->y < qr_bottom + 6)
		d->y = qr_bottom + 6;
	body(d, "%s%s%s tiếp nhận hồ sơ của: <b>%s</b>",
	     f->desk_text ? f->desk_text : "Bộ phận tiếp nhận và trả kết quả", f->desk_text ? "" : " ",
	     f->desk_text ? "" : (f->issuing_unit ? f->issuing_unit : ""), or_dots(f->applicant_name));
	body(d, "Địa chỉ: %s", or_dots(f->applicant_address));
	body(d, "Số điện thoại: %s        Email: %s", or_dots(f->applicant_phone),
	     f->applicant_email ? f->applicant_email : "");
	body(d, "Nội dung yêu cầu giải quyết: <b>%s</b>", or_dots(f->procedure));
	/* Nghị định 118/2025/NĐ-CP: received here for another unit. */
	if (f->competent_unit)
		body(d,
		     "Hồ sơ tiếp nhận không phụ thuộc địa giới hành chính; cơ quan có thẩm quyền giải quyết: "
		     "<b>%s</b>",
		     f->competent_unit);
	body(d, "1. Thành phần hồ sơ nộp gồm:");
	docs_table(d, f);
	body(d, "2. Số lượng hồ sơ: 01 (bộ)");
	body(d, "3. Thời gian giải quyết hồ sơ theo quy định là: %s ngày làm việc",
	     mc_form_days_vi(days, sizeof days, f->duration_days));
	body(d, "4. Thời gian nhận hồ sơ: %s", time_words(t1, sizeof t1, f->received_at));
	body(d, "5. Thời gian trả kết quả giải quyết hồ sơ: <b>%s</b>", time_words(t2, sizeof t2, f->due_at));
	int n = 6;
	if (set_of(f) != MC_FORMS_2015) {
		body(d, "%d. Đăng ký nhận kết quả tại: %s", n++, or_dots(f->collect_at));
		char book[16] = "", seq[24] = "";
		if (f->book)
			snprintf(book, sizeof book, "%d", f->book);
		if (f->book_seq)
			snprintf(seq, sizeof seq, "%lld", f->book_seq);
		body(d, "%d. Vào Sổ theo dõi hồ sơ, Quyển số: %s, Số thứ tự: %s", n++,
		     book[0] ? book : "..........", seq[0] ? seq : "..........");
	}
	if (f->lookup_url)
		body(d, "%d. Tra cứu tình trạng hồ sơ: quét mã QR hoặc mở %s", n, f->lookup_url);
	signatures(d, "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", f->officer);
	basis(d, f);
}

static void receipt(doc *d, const mc_form *f)
{
	if (set_of(f) == MC_FORMS_2015) {
		receipt_copy(d, f, NULL);
		return;
	}
	/* Thông tư 01/2018 Mẫu số 01: two copies, one kept, one for the
	 * applicant. The copy is kept by the desk on the letterhead: from 1 July
	 * 2025 the centre that received it (docs/forms.md, form 01), no longer
	 * a "Bộ phận tiếp nhận và trả kết quả". */
	char *kept = NULL;
	if (mc_form_set_nd118(set_of(f)) && f->desk_text)
		kept = g_strdup_printf("Liên 1: Lưu tại %s", f->desk_text);
	receipt_copy(d, f, kept ? kept : "Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả");
	g_free(kept);
	new_page(d);
	heading(d, f);
	receipt_copy(d, f, "Liên 2: Giao người nộp hồ sơ");
}

static void supplement(doc *d, const mc_form *f)
{
	char t[64];
	title(d, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", f->code);
	body(d, "Hồ sơ của: <b>%s</b>", or_dots(f->applicant_name));
	body(d, "Địa chỉ: %s", or_dots(f->applicant_address));
	body(d, "Số điện thoại: %s        Email: %s", or_dots(f->applicant_phone),
	     f->applicant_email ? f->applicant_email : "");
	body(d, "Nội dung yêu cầu giải quyết: %s", or_dots(f->procedure));
	body(d, "Ngày tiếp nhận: %s", time_words(t, sizeof t, f->received_at));
	body(d, "Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:");
	body(d, "%s", or_dots(f->request ? f->request : f->reason));
	body(d, "Lý do: %s", or_dots(f->request ? f->reason : NULL));
	body(d,
	     "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ với %s%s%s để được hướng "
	     "dẫn.",
	     f->officer ? f->officer : "bộ phận tiếp nhận", f->contact ? ", số điện thoại " : "",
	     f->contact ? f->contact : "");
	signatures(d, NULL, "NGƯỜI HƯỚNG DẪN", f->officer);
	basis(d, f);
}

static void refusal(doc *d, const mc_form *f)
{
	title(d, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", f->code);
	body(d, "%s%s%s tiếp nhận hồ sơ đề nghị: %s",
	     f->desk_text ? f->desk_text : "Bộ phận tiếp nhận và trả kết quả", f->desk_text ? "" : " ",
	     f->desk_text ? "" : (f->issuing_unit ? f->issuing_unit : ""), or_dots(f->procedure));
	body(d, "của: <b>%s</b>", or_dots(f->applicant_name));
	body(d,
	     "Qua nghiên cứu, đối chiếu với các quy định hiện hành, bộ phận tiếp nhận và trả kết quả từ chối "
	     "tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:");
	body(d, "%s", or_dots(f->reason));
	body(d, "Xin thông báo cho ông/bà được biết và thực hiện./.");
	signatures(d, NULL, "NGƯỜI TIẾP NHẬN", f->officer);
	basis(d, f);
}

/* "DỰ THẢO" in a box at the top right of the page: not yet a document. */
static void draft_mark(doc *d)
{
	PangoLayout *l = make_layout(d, "<b>DỰ THẢO</b>", 14, 90, PANGO_ALIGN_CENTER);
	double h = layout_height(l);
	double x = d->right - 90, y = d->top - 14 * MM / 2 - h;
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
	g_object_unref(l);
	cairo_set_line_width(d->cr, 0.8);
	cairo_rectangle(d->cr, x - 2, y - 2, 94, h + 4);
	cairo_stroke(d->cr);
}

static void apology(doc *d, const mc_form *f)
{
	char t1[64], t2[64], t3[64];
	mc_form_set set = set_of(f);
	const char *unit = f->issuing_unit ? f->issuing_unit : "Cơ quan";
	if (f->draft)
		draft_mark(d);
	/* Thông tư 03/2025 Mẫu số 04 is a văn bản asking the applicant to
	 * extend the time to resolve (docs/forms.md, form 04); the transition
	 * from 1 July 2025 already words it so; before, the 2018 phiếu sets a
	 * new date. */
	if (set == MC_FORMS_2025_TT03)
		title(d, "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", f->code);
	else if (set == MC_FORMS_2025)
		title(d, "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ", f->code);
	else
		title(d, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", f->code);
	body(d, "Kính gửi: ông/bà <b>%s</b>", or_dots(f->addressee ? f->addressee : f->applicant_name));
	body(d, "%s tiếp nhận hồ sơ của ông/bà <b>%s</b>, đề nghị giải quyết thủ tục %s; mã hồ sơ %s.", unit,
	     or_dots(f->applicant_name), or_dots(f->procedure), f->code ? f->code : "");
	body(d, "Thời gian tiếp nhận: %s.", time_words(t1, sizeof t1, f->received_at));
	body(d, "Thời gian hẹn trả kết quả giải quyết hồ sơ: %s.", time_words(t2, sizeof t2, f->due_at));
	body(d, "Tuy nhiên đến nay, %s chưa trả kết quả giải quyết hồ sơ cho ông/bà. Lý do: %s", unit,
	     or_dots(f->reason));
	if (set == MC_FORMS_2025_TT03) {
		body(d, "%s xin lỗi ông/bà vì sự chậm trễ này.", unit);
		body(d,
		     "%s đề nghị ông/bà đồng ý gia hạn thời gian giải quyết hồ sơ; thời gian hẹn trả kết quả "
		     "mới: <b>%s</b>.",
		     unit, time_words(t3, sizeof t3, f->new_due_at));
	} else if (set == MC_FORMS_2025) {
		body(d,
		     "%s xin lỗi ông/bà vì sự chậm trễ này và đề nghị gia hạn thời gian trả kết quả giải "
		     "quyết "
		     "hồ sơ đến: <b>%s</b>.",
		     unit, time_words(t3, sizeof t3, f->new_due_at));
	} else {
		body(d,
		     "Sự chậm trễ này đã gây phiền hà cho ông/bà. %s xin lỗi ông/bà và sẽ trả kết quả giải "
		     "quyết "
		     "hồ sơ cho ông/bà vào: <b>%s</b>.",
		     unit, time_words(t3, sizeof t3, f->new_due_at));
	}
	body(d, "Xin trân trọng cảm ơn sự hợp tác của ông/bà./.");
	signed_block(d, f->recipients, f->signer_title ? f->signer_title : "THỦ TRƯỞNG CƠ QUAN",
		     "(Ký, ghi rõ họ tên và đóng dấu)", f->officer, f->sign_box);
	basis(d, f);
}

static void stop_notice(doc *d, const mc_form *f)
{
	char t1[64], t2[64];
	/* Thông tư 03/2025 Mẫu số 05 names it "Thông báo dừng giải quyết hồ
	 * sơ"; before, motcua's own notice. */
	title(d,
	      set_of(f) == MC_FORMS_2025_TT03 ? "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"
					      : "THÔNG BÁO\nVề việc dừng giải quyết hồ sơ",
	      f->code);
	body(d, "Kính gửi: ông/bà <b>%s</b>", or_dots(f->applicant_name));
	body(d, "Địa chỉ: %s", or_dots(f->applicant_address));
	body(d, "%s tiếp nhận hồ sơ đề nghị giải quyết thủ tục %s; mã hồ sơ %s, lúc %s.",
	     f->issuing_unit ? f->issuing_unit : "Cơ quan", or_dots(f->procedure), f->code ? f->code : "",
	     time_words(t1, sizeof t1, f->received_at));
	body(d, "Việc giải quyết hồ sơ được dừng từ %s. Lý do: %s", time_words(t2, sizeof t2, f->date),
	     or_dots(f->reason));
	body(d, "Xin thông báo để ông/bà được biết./.");
	signed_block(d, f->recipients, f->signer_title ? f->signer_title : "THỦ TRƯỞNG CƠ QUAN",
		     "(Ký, ghi rõ họ tên và đóng dấu)", f->officer, NULL);
	basis(d, f);
}

static int control(doc *d, const mc_form *f)
{
	char t1[64], t2[64];
	title(d, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", f->code);
	body(d, "Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả mã hồ sơ: <b>%s</b>",
	     f->code ? f->code : "");
	body(d, "Hồ sơ của: <b>%s</b>        Nội dung: %s", or_dots(f->applicant_name),
	     or_dots(f->procedure));
	body(d, "Thời gian nhận hồ sơ: %s", time_words(t1, sizeof t1, f->received_at));
	body(d, "Thời gian trả kết quả theo quy định: %s", time_words(t2, sizeof t2, f->due_at));
	static const double frac[] = {0.30, 0.15, 0.15, 0.14, 0.13, 0.13};
	static const char *const head[] = {"Tên cơ quan, đơn vị, người giao và người nhận",
					   "Thời gian giao, nhận hồ sơ",
					   "Kết quả giải quyết (trước, đúng, trễ hạn)",
					   "Ghi chú",
					   "Người giao (ký)",
					   "Người nhận (ký)"};
	size_t n = f->n_steps;
	char **who = mc_xcalloc(n ? n : 1, sizeof *who);
	char **res = mc_xcalloc(n ? n : 1, sizeof *res);
	char(*when)[32] = mc_xcalloc(n ? n : 1, sizeof *when);
	const char **cells = mc_xcalloc(n ? n * 6 : 1, sizeof *cells);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const mc_form_step *st = &f->steps[i];
		rc = mc_buf_format(&who[i], CELL_MAX, "%zu. Giao: %s%s%s%s\nNhận: %s%s%s%s", i + 1,
				   st->from_person ? st->from_person : "", st->from_person ? " (" : "",
				   st->from_unit ? st->from_unit : "", st->from_person ? ")" : "",
				   st->to_person ? st->to_person : "", st->to_person ? " (" : "",
				   st->to_unit ? st->to_unit : "", st->to_person ? ")" : "");
		short_time(when[i], sizeof when[i], st->at);
		cells[i * 6] = who[i];
		cells[i * 6 + 1] = when[i];
		/* The step against its allotted hours, then the dossier against the
		 * statutory due time. */
		if (rc == 0 && st->step_result && st->result && st->result[0])
			rc = mc_buf_format(&res[i], CELL_MAX, "Bước: %s\nHồ sơ: %s", st->step_result,
					   st->result);
		cells[i * 6 + 2] = res[i] ? res[i] : st->result;
		cells[i * 6 + 3] = st->note;
		cells[i * 6 + 4] = "";
		cells[i * 6 + 5] = "";
	}
	if (rc == 0)
		table(d, 6, frac, head, cells, n, 10.5);
	for (size_t i = 0; i < n; i++) {
		free(who[i]);
		free(res[i]);
	}
	free(cells);
	free(when);
	free(who);
	free(res);
	basis(d, f);
	return rc;
}

static void reg(doc *d, const mc_form *f)
{
	char from[64], to[64];
	char *m = g_markup_printf_escaped("<b>SỔ THEO DÕI HỒ SƠ</b>\n<i>Từ %s đến %s</i>",
					  mc_form_date_words(from, sizeof from, f->from),
					  mc_form_date_words(to, sizeof to, f->to));
	para(d, m, 14, PANGO_ALIGN_CENTER, 10);
	g_free(m);
#define REG_COLS 14
	static const double frac[REG_COLS] = {0.03, 0.10, 0.11, 0.04, 0.08, 0.09, 0.07,
					      0.08, 0.06, 0.06, 0.06, 0.06, 0.08, 0.08};
	static const char *const head[REG_COLS] = {"TT",
						   "Mã hồ sơ",
						   "Tên thủ tục hành chính",
						   "Số lượng hồ sơ (bộ)",
						   "Tên cá nhân, tổ chức",
						   "Địa chỉ",
						   "Số điện thoại",
						   "Cơ quan chủ trì giải quyết",
						   "Ngày, tháng, năm nhận hồ sơ",
						   "Ngày hẹn trả kết quả",
						   "Ngày chuyển hồ sơ đến cơ quan giải quyết",
						   "Ngày có kết quả",
						   "Ngày trả kết quả; ký nhận",
						   "Ghi chú"};
	size_t n = f->n_rows;
	char(*num)[2][24] = mc_xcalloc(n ? n : 1, sizeof *num);
	char(*times)[5][32] = mc_xcalloc(n ? n : 1, sizeof *times);
	const char **cells = mc_xcalloc(n ? n * REG_COLS : 1, sizeof *cells);
	for (size_t i = 0; i < n; i++) {
		const mc_form_row *r = &f->rows[i];
		snprintf(num[i][0], sizeof num[i][0], "%zu", i + 1);
		snprintf(num[i][1], sizeof num[i][1], "%02d", r->sets ? r->sets : 1);
		const char **c = cells + i * REG_COLS;
		c[0] = num[i][0];
		c[1] = r->code;
		c[2] = r->procedure;
		c[3] = num[i][1];
		c[4] = r->applicant;
		c[5] = r->address;
		c[6] = r->phone ? r->phone : "";
		c[7] = r->unit;
		c[8] = short_time(times[i][0], sizeof times[i][0], r->received_at);
		c[9] = short_time(times[i][1], sizeof times[i][1], r->due_at);
		c[10] = short_time(times[i][2], sizeof times[i][2], r->sent_at);
		c[11] = short_time(times[i][3], sizeof times[i][3], r->finished_at);
		c[12] = short_time(times[i][4], sizeof times[i][4], r->returned_at);
		c[13] = r->note;
	}
	table(d, REG_COLS, frac, head, cells, n, 8);
	free(cells);
	free(times);
	free(num);
	basis(d, f);
}

/* A register of any kind: its title, the line under it, its table. */
static void table_form(doc *d, const mc_form *f)
{
	char *m = g_markup_printf_escaped("<b>%s</b>\n<i>%s</i>", f->title ? f->title : "",
					  f->subtitle ? f->subtitle : "");
	para(d, m, 14, PANGO_ALIGN_CENTER, 10);
	g_free(m);
	table(d, f->n_cols, f->col_frac, f->col_head, f->cells, f->n_rows, 9);
}

void mc_form_draw_heading(cairo_t *cr, double left, double right, double *y, const mc_form *f)
{
	/* A page without a bottom: the caller lays out the rest. */
	doc d = {.cr = cr, .left = left, .right = right, .top = *y, .bottom = 1e9, .y = *y};
	heading(&d, f);
	*y = d.y;
}

double mc_form_draw_text(cairo_t *cr, double x, double y, double width, const char *markup, double size,
			 mc_form_align align, bool draw)
{
	static const PangoAlignment aligns[] = {PANGO_ALIGN_LEFT, PANGO_ALIGN_CENTER, PANGO_ALIGN_RIGHT};
	doc d = {.cr = cr};
	PangoLayout *l = make_layout(&d, markup, size, width, aligns[align <= MC_FORM_RIGHT ? align : 0]);
	double h = layout_height(l);
	if (draw) {
		cairo_move_to(cr, x, y);
		pango_cairo_show_layout(cr, l);
	}
	g_object_unref(l);
	return h;
}

int mc_form_pdf(mc_buf *out, const mc_form *f)
{
	if (f->kind < MC_FORM_RECEIPT || f->kind > MC_FORM_STOP)
		return MC_EINVAL;
	if (f->kind == MC_FORM_TABLE &&
	    (!f->n_cols || !f->col_frac || !f->col_head || (f->n_rows && !f->cells)))
		return MC_EINVAL;
	doc d = {0};
	mc_render_sink sink = {.out = out};
	int rc = 0;
	bool landscape = f->kind == MC_FORM_REGISTER || f->kind == MC_FORM_TABLE;
	d.width = landscape ? 297 * MM : 210 * MM;
	d.height = landscape ? 210 * MM : 297 * MM;
	d.left = (landscape ? 20 : 30) * MM;
	d.right = d.width - 15 * MM;
	d.top = 20 * MM;
	d.bottom = d.height - 20 * MM;
	d.y = d.top;
	d.surface = cairo_pdf_surface_create_for_stream(mc_render_sink_write, &sink, d.width, d.height);
	cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_CREATOR, "motcua");
	d.cr = cairo_create(d.surface);
	cairo_set_source_rgb(d.cr, 0, 0, 0);
	heading(&d, f);
	switch (f->kind) {
	case MC_FORM_RECEIPT:
		receipt(&d, f);
		break;
	case MC_FORM_SUPPLEMENT:
		supplement(&d, f);
		break;
	case MC_FORM_REFUSAL:
		refusal(&d, f);
		break;
	case MC_FORM_APOLOGY:
		apology(&d, f);
		break;
	case MC_FORM_CONTROL:
		rc = control(&d, f);
		break;
	case MC_FORM_REGISTER:
		reg(&d, f);
		break;
	case MC_FORM_TABLE:
		table_form(&d, f);
		break;
	case MC_FORM_STOP:
		stop_notice(&d, f);
		break;
	}
	cairo_show_page(d.cr);
	cairo_destroy(d.cr);
	cairo_surface_finish(d.surface);
	cairo_status_t status = cairo_surface_status(d.surface);
	cairo_surface_destroy(d.surface);
	if (rc == 0)
		rc = mc_render_sink_result(&sink, status);
	return rc;
}
