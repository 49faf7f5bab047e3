/*
 * chart.h - bar charts of the statistics, drawn with cairo and pango.
 *
 * Pure rendering: the caller gives the data (labels, values, texts, already
 * in the reader's language); mc_chart_draw draws on any cairo context, so
 * that the same chart goes into the dashboard as SVG (mc_chart_svg) and
 * later into a PDF report (a cairo PDF surface). Text is shaped by pango with
 * "DejaVu Sans" (fonts-dejavu-core), which covers Vietnamese.
 *
 * Every bar carries its value in text and every colour has a legend entry or
 * a label beside it, so nothing is told by colour alone; the colours keep a
 * contrast of at least 4.5:1 with the text drawn on or next to them.
 */
#ifndef MC_RENDER_CHART_H
#define MC_RENDER_CHART_H

#include <cairo.h>
#include <stddef.h>

#define MC_CHART_SERIES_MAX 4
#define MC_CHART_ITEMS_MAX 60
/* The longest SVG document mc_chart_svg makes (the charts are a few hundred
 * KiB at most). */
#define MC_CHART_SVG_MAX ((size_t)8 * 1024 * 1024)

typedef enum {
	MC_CHART_COLUMNS = 1, /* one vertical bar per item, each in its own colour (received by channel) */
	MC_CHART_HSTACK, /* one horizontal bar per item, split into the series (resolved early/on time/late)
			  */
	MC_CHART_HBARS,	 /* one horizontal bar per item, first series only (on-time rate per unit) */
} mc_chart_kind;

typedef struct {
	const char *label;		    /* UTF-8; long labels are cut with "…" */
	double values[MC_CHART_SERIES_MAX]; /* >= 0 */
	const char *value_text;		    /* written after the bar; NULL = its total */
} mc_chart_item;

typedef struct {
	mc_chart_kind kind;
	const char *title;
	const char *subtitle;			 /* NULL = none */
	const char *series[MC_CHART_SERIES_MAX]; /* legend names (HSTACK, HBARS) */
	size_t n_series;			 /* 1..MC_CHART_SERIES_MAX */
	const mc_chart_item *items;
	size_t n_items;		/* 0..MC_CHART_ITEMS_MAX */
	double max;		/* scale maximum; 0 = the largest total */
	const char *empty_text; /* shown when there is nothing to draw */
} mc_chart;

/*
 * Draws c on cr in the rectangle (0, 0)–(width, height) of its user space.
 * *bars (may be NULL) receives the number of bar segments drawn (zero values
 * draw none). Leaves cr's state as it found it. MC_EINVAL for a bad chart
 * (unknown kind, too many items or series, a negative value).
 */
int mc_chart_draw(size_t *bars, cairo_t *cr, const mc_chart *c, double width, double height);

/*
 * The chart as an SVG document of width × height pixels with a viewBox (so it
 * scales), a <title> with the chart's title and a <desc> with desc (may be
 * NULL), both escaped. *out is NUL-terminated; caller frees it with free().
 * MC_ETOOBIG when the document would pass MC_CHART_SVG_MAX bytes: it is
 * refused whole, never cut; MC_EINVAL as mc_chart_draw.
 */
int mc_chart_svg(unsigned char **out, size_t *len, const mc_chart *c, const char *desc, double width,
		 double height);

#endif
