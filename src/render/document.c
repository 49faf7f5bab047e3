/*
 * render/document.c - an official document as PDF (render/document.h).
 *
 * Margins and sizes of Nghị định 30/2020 Phụ lục I: A4 portrait, top and
 * bottom 20 mm, left 30 mm, right 15 mm; body 13 pt justified, the kind's
 * name 14 pt bold, the trích yếu 14 pt bold, nơi nhận 11 pt.
 */
#include "render/document.h"

#include "core/mc.h"
#include "render/form.h"
#include "render/sink.h"

#include <cairo-pdf.h>
#include <glib.h>
#include <string.h>

#define MM MC_FORM_MM
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define LEFT (30 * MM)
#define RIGHT (PAGE_W - 15 * MM)
#define TOP (20 * MM)
#define BOTTOM (PAGE_H - 20 * MM)
/* The room left between the signer's position and name (chữ ký, dấu). */
#define SIGN_SPACE (28 * MM)

typedef struct {
	cairo_t *cr;
	double y;
	int page;
} cursor;

static void next_page(cursor *c)
{
	cairo_show_page(c->cr);
	c->page++;
	c->y = TOP;
}

/* Markup across [x, x + w] at the cursor, on a new page when it does not fit. */
static void text(cursor *c, double x, double w, const char *markup, double size, mc_form_align al,
		 double after)
{
	double h = mc_form_draw_text(c->cr, x, c->y, w, markup, size, al, false);
	if (c->y + h > BOTTOM && c->y > TOP)
		next_page(c);
	mc_form_draw_text(c->cr, x, c->y, w, markup, size, al, true);
	c->y += h + after;
}

static void body(cursor *c, const char *s)
{
	char **paras = g_strsplit(s ? s : "", "\n", -1);
	for (char **p = paras; *p; p++) {
		if (!**p)
			continue;
		/* a first-line indent of 1 cm, as the decree's samples */
		char *m = g_markup_printf_escaped("\u2003\u2003%s", *p);
		text(c, LEFT, RIGHT - LEFT, m, 13, MC_FORM_LEFT, 6);
		g_free(m);
	}
	g_strfreev(paras);
}

int mc_render_document_pdf(mc_buf *out, const mc_doc_page *p, mc_doc_sign_box *box)
{
	mc_render_sink sink = {.out = out};
	cairo_surface_t *surface =
	    cairo_pdf_surface_create_for_stream(mc_render_sink_write, &sink, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "motcua");
	if (p->subject)
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, p->subject);
	cursor c = {.cr = cairo_create(surface), .y = TOP};
	double width = RIGHT - LEFT, half = width / 2;
	char *m;

	cairo_set_source_rgb(c.cr, 0, 0, 0);
	if (!p->date && !p->for_signing) {
		mc_form_draw_text(c.cr, LEFT - 20 * MM, 8 * MM, 40 * MM, "<b>DỰ THẢO</b>", 11, MC_FORM_CENTER,
				  true);
	}
	mc_form heading = {.parent_unit = p->parent_unit,
			   .issuing_unit = p->issuing_unit,
			   .place = p->place,
			   .date = p->date,
			   .number = p->number};
	mc_form_draw_heading(c.cr, LEFT, RIGHT, &c.y, &heading);
	/* the number and date line: 14 points above the heading's end (form.c) */
	double line_h = mc_form_draw_text(c.cr, 0, 0, width * 0.62, "<i>ngày</i>", 13, MC_FORM_CENTER, false);
	if (box) {
		box->number_x = LEFT;
		box->number_w = width * 0.38;
		box->date_x = LEFT + width * 0.38;
		box->date_w = width * 0.62;
		box->line_y = c.y - 14 - line_h;
		box->line_h = line_h;
	}
	/* Under the number: the công văn's trích yếu, then the marks. */
	double yl = c.y - 12;
	if (!p->type_title && p->subject) {
		m = g_markup_printf_escaped("V/v %s", p->subject);
		yl += mc_form_draw_text(c.cr, LEFT, yl, width * 0.38, m, 12, MC_FORM_CENTER, true) + 4;
		g_free(m);
	}
	if (p->secrecy || p->urgency) {
		m = g_markup_printf_escaped("<b>%s%s%s</b>", p->secrecy ? p->secrecy : "",
					    p->secrecy && p->urgency ? "\n" : "",
					    p->urgency ? p->urgency : "");
		yl += mc_form_draw_text(c.cr, LEFT, yl, width * 0.38, m, 13, MC_FORM_CENTER, true) + 4;
		g_free(m);
	}
	if (yl > c.y)
		c.y = yl;
	c.y += 6;
	if (p->type_title) {
		m = g_markup_printf_escaped("<b>%s</b>\n<b>%s</b>", p->type_title,
					    p->subject ? p->subject : "");
		text(&c, LEFT, width, m, 14, MC_FORM_CENTER, 2);
		g_free(m);
		cairo_set_line_width(c.cr, 0.6);
		cairo_move_to(c.cr, LEFT + width * 0.35, c.y + 2);
		cairo_line_to(c.cr, LEFT + width * 0.65, c.y + 2);
		cairo_stroke(c.cr);
		c.y += 12;
	}
	body(&c, p->body);

	/* The signer on the right, nơi nhận on the left, side by side. */
	char *pos =
	    g_markup_printf_escaped("<b>%s%s%s</b>", p->authority ? p->authority : "",
				    p->authority ? "\n" : "", p->signer_position ? p->signer_position : "");
	char *name = g_markup_printf_escaped("<b>%s</b>", p->signer_name ? p->signer_name : "");
	double hp = mc_form_draw_text(c.cr, LEFT + half, 0, half, pos, 13, MC_FORM_CENTER, false);
	double hn = mc_form_draw_text(c.cr, LEFT + half, 0, half, name, 13, MC_FORM_CENTER, false);
	if (c.y + 6 + hp + SIGN_SPACE + hn > BOTTOM)
		next_page(&c);
	double y0 = c.y + 6;
	mc_form_draw_text(c.cr, LEFT + half, y0, half, pos, 13, MC_FORM_CENTER, true);
	mc_form_draw_text(c.cr, LEFT + half, y0 + hp + SIGN_SPACE, half, name, 13, MC_FORM_CENTER, true);
	if (box) {
		box->page = c.page;
		box->x = LEFT + half;
		box->y = y0 + hp;
		box->w = half;
		box->h = SIGN_SPACE;
		box->page_h = PAGE_H;
	}
	GString *nn = g_string_new("<b><i>Nơi nhận:</i></b>");
	char **lines = g_strsplit(p->recipients ? p->recipients : "", "\n", -1);
	for (char **l = lines; *l; l++) {
		if (!**l)
			continue;
		char *e = g_markup_escape_text(*l, -1);
		g_string_append_printf(nn, "\n%s%s", **l == '-' ? "" : "- ", e);
		g_free(e);
	}
	g_strfreev(lines);
	mc_form_draw_text(c.cr, LEFT, y0, half - 6, nn->str, 11, MC_FORM_LEFT, true);
	g_string_free(nn, TRUE);
	g_free(pos);
	g_free(name);

	cairo_show_page(c.cr);
	cairo_destroy(c.cr);
	cairo_surface_finish(surface);
	cairo_status_t status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	return mc_render_sink_result(&sink, status);
}
