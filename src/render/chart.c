/*
 * chart.c - bar charts with cairo (shapes) and pango (text). The drawing
 * functions take a cairo_t and know nothing of the surface, so that SVG for
 * the dashboard and PDF for the reports come from the same code.
 */
#include "render/chart.h"

#include "core/buf.h"
#include "core/mc.h"
#include "render/sink.h"

#include <cairo-svg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"
#define MARGIN 16.0
#define TITLE_PX 15.0
#define TEXT_PX 11.0
#define SWATCH 11.0

typedef struct {
	double r, g, b;
} rgb;

/* Colours with a contrast of at least 4.5:1 against white, so that white
 * text on a bar and the bar against the page are both readable; told apart
 * by hue and lightness and always named in the legend or a label. */
static const rgb series_colours[MC_CHART_SERIES_MAX] = {
    {0x1a / 255.0, 0x7f / 255.0, 0x37 / 255.0}, /* green: early */
    {0x0b / 255.0, 0x5c / 255.0, 0xad / 255.0}, /* blue: on time */
    {0xb3 / 255.0, 0x26 / 255.0, 0x1e / 255.0}, /* red: late */
    {0x6f / 255.0, 0x42 / 255.0, 0xc1 / 255.0}, /* purple */
};
/* Columns: each its own colour (online, direct, postal, ...). */
static const rgb column_colours[] = {
    {0x0b / 255.0, 0x5c / 255.0, 0xad / 255.0},
    {0x6f / 255.0, 0x42 / 255.0, 0xc1 / 255.0},
    {0x8a / 255.0, 0x5a / 255.0, 0x00 / 255.0},
    {0x1a / 255.0, 0x7f / 255.0, 0x37 / 255.0},
};
/* A single series of horizontal bars (rates). */
static const rgb bar_colour = {0x0b / 255.0, 0x5c / 255.0, 0xad / 255.0};
static const rgb ink = {0x1a / 255.0, 0x1a / 255.0, 0x1a / 255.0};
static const rgb ink_soft = {0x44 / 255.0, 0x44 / 255.0, 0x44 / 255.0};
static const rgb grid = {0xd0 / 255.0, 0xd0 / 255.0, 0xd0 / 255.0};

static void set_rgb(cairo_t *cr, rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* A layout for text of px pixels (user-space units), at most max_w wide
 * (0 = unbounded), cut with an ellipsis when longer. Caller unrefs. */
static PangoLayout *text_layout(cairo_t *cr, const char *text, double px, bool bold, double max_w)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(FONT);

	pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (max_w > 0) {
		pango_layout_set_width(l, (int)(max_w * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_set_text(l, text ? text : "", -1);
	return l;
}

static void text_size(PangoLayout *l, double *w, double *h)
{
	int iw, ih;
	pango_layout_get_pixel_size(l, &iw, &ih);
	*w = iw;
	*h = ih;
}

/* Draws text with its top-left corner at (x, y), or aligned by ax (0 left,
 * 0.5 centre, 1 right) and ay likewise. Returns its width. */
static double draw_text(cairo_t *cr, const char *text, double x, double y, double ax, double ay, double px,
			bool bold, double max_w, rgb colour)
{
	PangoLayout *l = text_layout(cr, text, px, bold, max_w);
	double w, h;

	text_size(l, &w, &h);
	set_rgb(cr, colour);
	cairo_move_to(cr, x - ax * w, y - ay * h);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	return w;
}

static double text_width(cairo_t *cr, const char *text, double px, bool bold)
{
	PangoLayout *l = text_layout(cr, text, px, bold, 0);
	double w, h;
	text_size(l, &w, &h);
	g_object_unref(l);
	return w;
}

static void fill_rect(cairo_t *cr, double x, double y, double w, double h, rgb c)
{
	set_rgb(cr, c);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

static double item_total(const mc_chart *c, const mc_chart_item *it)
{
	double t = 0;
	size_t n = c->kind == MC_CHART_HSTACK ? c->n_series : 1;
	for (size_t s = 0; s < n; s++)
		t += it->values[s];
	return t;
}

/* "1234" or "12.5" for values written on bars. */
static void format_value(char *buf, size_t cap, double v)
{
	if (fabs(v - round(v)) < 1e-9)
		snprintf(buf, cap, "%.0f", v);
	else
		snprintf(buf, cap, "%.1f", v);
}

/* The legend on one line (wrapping when needed) from (x, y); returns the
 * height used. */
static double draw_legend(cairo_t *cr, const char *const *names, const rgb *colours, size_t n, double x0,
			  double y, double width)
{
	double x = x0;
	double line = TEXT_PX * 1.5;
	double used = line;

	for (size_t i = 0; i < n; i++) {
		double w = SWATCH + 5 + text_width(cr, names[i], TEXT_PX, false) + 14;
		if (x > x0 && x + w > x0 + width) {
			x = x0;
			y += line;
			used += line;
		}
		fill_rect(cr, x, y + (line - SWATCH) / 2 - 1, SWATCH, SWATCH, colours[i]);
		draw_text(cr, names[i], x + SWATCH + 5, y + line / 2 - 1, 0, 0.5, TEXT_PX, false, 0, ink);
		x += w;
	}
	return used;
}

static void draw_empty(cairo_t *cr, const mc_chart *c, double x, double y, double w, double h)
{
	draw_text(cr, c->empty_text ? c->empty_text : "—", x + w / 2, y + h / 2, 0.5, 0.5, TEXT_PX * 1.2,
		  false, w, ink_soft);
}

static size_t draw_columns(cairo_t *cr, const mc_chart *c, double max, double x, double y, double w, double h)
{
	size_t bars = 0;
	double label_h = TEXT_PX * 3; /* up to two lines under each column */
	double value_h = TEXT_PX * 1.6;
	double plot_h = h - label_h - value_h;
	double slot = w / (double)c->n_items;
	double bar_w = fmin(slot * 0.6, 90);
	double base = y + value_h + plot_h;

	set_rgb(cr, grid);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, x, base + 0.5);
	cairo_line_to(cr, x + w, base + 0.5);
	cairo_stroke(cr);
	for (size_t i = 0; i < c->n_items; i++) {
		const mc_chart_item *it = &c->items[i];
		double cx = x + slot * ((double)i + 0.5);
		double bh = max > 0 ? plot_h * it->values[0] / max : 0;
		char value[64];

		if (bh > 0) {
			fill_rect(cr, cx - bar_w / 2, base - bh, bar_w, bh,
				  column_colours[i % MC_ARRAY_LEN(column_colours)]);
			bars++;
		}
		format_value(value, sizeof value, it->values[0]);
		draw_text(cr, it->value_text ? it->value_text : value, cx, base - bh - 3, 0.5, 1, TEXT_PX,
			  true, slot, ink);
		/* The label under the column, wrapped on two lines at most. */
		PangoLayout *l = text_layout(cr, it->label, TEXT_PX, false, 0);
		pango_layout_set_width(l, (int)(slot * 0.95 * PANGO_SCALE));
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_height(l, -2);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		set_rgb(cr, ink);
		cairo_move_to(cr, cx - slot * 0.475, base + 4);
		pango_cairo_show_layout(cr, l);
		g_object_unref(l);
	}
	return bars;
}

static size_t draw_rows(cairo_t *cr, const mc_chart *c, double max, double x, double y, double w, double h)
{
	size_t bars = 0;
	size_t n_series = c->kind == MC_CHART_HSTACK ? c->n_series : 1;
	double label_w = fmin(w * 0.36, 230);
	double value_w = 0;
	double row_h = fmin(h / (double)c->n_items, 30);
	double bar_h = fmax(row_h * 0.62, 4);

	/* Room for the longest value after the bars. */
	for (size_t i = 0; i < c->n_items; i++) {
		char value[64];
		format_value(value, sizeof value, item_total(c, &c->items[i]));
		double vw =
		    text_width(cr, c->items[i].value_text ? c->items[i].value_text : value, TEXT_PX, true);
		if (vw > value_w)
			value_w = vw;
	}
	double bx = x + label_w + 8;
	double bw = fmax(w - label_w - 8 - value_w - 8, 20);

	set_rgb(cr, grid);
	cairo_set_line_width(cr, 1);
	for (int g = 0; g <= 4; g++) {
		double gx = floor(bx + bw * g / 4.0) + 0.5;
		cairo_move_to(cr, gx, y);
		cairo_line_to(cr, gx, y + row_h * (double)c->n_items);
	}
	cairo_stroke(cr);
	for (size_t i = 0; i < c->n_items; i++) {
		const mc_chart_item *it = &c->items[i];
		double ry = y + row_h * (double)i;
		double by = ry + (row_h - bar_h) / 2;
		double cx = bx;
		char value[64];

		draw_text(cr, it->label, bx - 8, ry + row_h / 2, 1, 0.5, TEXT_PX, false, label_w, ink);
		for (size_t s = 0; s < n_series; s++) {
			double sw = max > 0 ? bw * it->values[s] / max : 0;
			if (sw <= 0)
				continue;
			fill_rect(cr, cx, by, sw, bar_h, n_series > 1 ? series_colours[s] : bar_colour);
			bars++;
			/* The segment's value inside it, in white, when it fits. */
			if (n_series > 1) {
				format_value(value, sizeof value, it->values[s]);
				if (text_width(cr, value, TEXT_PX, true) + 6 <= sw)
					draw_text(cr, value, cx + sw / 2, by + bar_h / 2, 0.5, 0.5, TEXT_PX,
						  true, 0, (rgb){1, 1, 1});
			}
			cx += sw;
		}
		format_value(value, sizeof value, item_total(c, it));
		draw_text(cr, it->value_text ? it->value_text : value, cx + 5, ry + row_h / 2, 0, 0.5,
			  TEXT_PX, true, 0, ink);
	}
	return bars;
}

int mc_chart_draw(size_t *bars, cairo_t *cr, const mc_chart *c, double width, double height)
{
	size_t drawn = 0;
	double max = c->max;
	double y = MARGIN;
	double inner_w = width - 2 * MARGIN;
	const char *legend[MC_CHART_ITEMS_MAX];
	rgb colours[MC_CHART_ITEMS_MAX];
	size_t n_legend = 0;
	bool empty = true;

	if (bars)
		*bars = 0;
	if (c->kind < MC_CHART_COLUMNS || c->kind > MC_CHART_HBARS || c->n_items > MC_CHART_ITEMS_MAX ||
	    c->n_series < 1 || c->n_series > MC_CHART_SERIES_MAX || (c->n_items && !c->items))
		return MC_EINVAL;
	for (size_t i = 0; i < c->n_items; i++) {
		for (size_t s = 0; s < c->n_series; s++) {
			if (!(c->items[i].values[s] >= 0))
				return MC_EINVAL;
		}
		double t = item_total(c, &c->items[i]);
		if (t > 0)
			empty = false;
		if (c->max <= 0 && t > max)
			max = t;
	}

	cairo_save(cr);
	fill_rect(cr, 0, 0, width, height, (rgb){1, 1, 1});
	draw_text(cr, c->title, MARGIN, y, 0, 0, TITLE_PX, true, inner_w, ink);
	y += TITLE_PX * 1.5;
	if (c->subtitle) {
		draw_text(cr, c->subtitle, MARGIN, y, 0, 0, TEXT_PX, false, inner_w, ink_soft);
		y += TEXT_PX * 1.6;
	}
	if (c->kind == MC_CHART_COLUMNS) {
		for (size_t i = 0; i < c->n_items; i++) {
			legend[n_legend] = c->items[i].label ? c->items[i].label : "";
			colours[n_legend++] = column_colours[i % MC_ARRAY_LEN(column_colours)];
		}
	} else {
		size_t n = c->kind == MC_CHART_HSTACK ? c->n_series : 1;
		for (size_t s = 0; s < n; s++) {
			legend[n_legend] = c->series[s] ? c->series[s] : "";
			colours[n_legend++] = n > 1 ? series_colours[s] : bar_colour;
		}
	}
	y += 4;
	y += draw_legend(cr, legend, colours, n_legend, MARGIN, y, inner_w) + 6;

	double plot_h = height - y - MARGIN;
	if (empty || plot_h < 20)
		draw_empty(cr, c, MARGIN, y, inner_w, plot_h);
	else if (c->kind == MC_CHART_COLUMNS)
		drawn = draw_columns(cr, c, max, MARGIN, y, inner_w, plot_h);
	else
		drawn = draw_rows(cr, c, max, MARGIN, y, inner_w, plot_h);
	cairo_restore(cr);
	if (bars)
		*bars = drawn;
	return 0;
}

/* ---- SVG ---------------------------------------------------------------- */

/* Appends s to b with the XML special characters escaped. */
static int add_escaped(mc_buf *b, const char *s)
{
	int rc = 0;
	while (rc == 0 && s && *s) {
		size_t plain = strcspn(s, "<>&\"");
		rc = mc_buf_add(b, s, plain);
		s += plain;
		if (rc != 0 || !*s)
			break;
		switch (*s) {
		case '<':
			rc = mc_buf_adds(b, "&lt;");
			break;
		case '>':
			rc = mc_buf_adds(b, "&gt;");
			break;
		case '&':
			rc = mc_buf_adds(b, "&amp;");
			break;
		default:
			rc = mc_buf_adds(b, "&quot;");
			break;
		}
		s++;
	}
	return rc;
}

int mc_chart_svg(unsigned char **out, size_t *len, const mc_chart *c, const char *desc, double width,
		 double height)
{
	mc_buf raw, doc;
	mc_render_sink sink = {.out = &raw};
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	int rc = 0;

	*out = NULL;
	*len = 0;
	mc_buf_init(&raw, MC_CHART_SVG_MAX);
	mc_buf_init(&doc, MC_CHART_SVG_MAX);
	surface = cairo_svg_surface_create_for_stream(mc_render_sink_write, &sink, width, height);
	cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
	cr = cairo_create(surface);
	rc = mc_chart_draw(NULL, cr, c, width, height);
	if (rc)
		goto cleanup;
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		rc = MC_ERROR;
		goto cleanup;
	}
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surface);
	rc = mc_render_sink_result(&sink, cairo_surface_status(surface));
	if (rc == 0 && !raw.data)
		rc = MC_ERROR;
	if (rc != 0)
		goto cleanup;
	/* A text alternative right after the opening <svg ...> tag: screen
	 * readers and search read the title and description, not the glyphs. */
	char *open = strstr(raw.data, "<svg");
	char *open_end = open ? strchr(open, '>') : NULL;
	if (!open_end) {
		rc = MC_ERROR;
		goto cleanup;
	}
	size_t head = (size_t)(open_end + 1 - raw.data);
	rc = mc_buf_add(&doc, raw.data, head);
	if (rc == 0)
		rc = mc_buf_adds(&doc, "\n<title>");
	if (rc == 0)
		rc = add_escaped(&doc, c->title);
	if (rc == 0)
		rc = mc_buf_adds(&doc, "</title>\n<desc>");
	if (rc == 0)
		rc = add_escaped(&doc, desc ? desc : c->subtitle);
	if (rc == 0)
		rc = mc_buf_adds(&doc, "</desc>");
	if (rc == 0)
		rc = mc_buf_add(&doc, raw.data + head, raw.len - head);
	if (rc != 0)
		goto cleanup;
	*len = doc.len;
	*out = (unsigned char *)mc_buf_steal(&doc);
cleanup:
	if (cr)
		cairo_destroy(cr);
	if (surface)
		cairo_surface_destroy(surface);
	mc_buf_free(&raw);
	mc_buf_free(&doc);
	return rc;
}
