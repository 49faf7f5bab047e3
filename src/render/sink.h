/*
 * render/sink.h - cairo's output streams (PDF and SVG surfaces made with
 * cairo_*_surface_create_for_stream) written into an mc_buf, within the
 * limit the buffer was made with.
 *
 * cairo (1.16) does not carry a failed write of its stream into the
 * surface's status in every case (a PDF surface finishes with
 * CAIRO_STATUS_SUCCESS after its stream refused bytes), so the sink keeps
 * the refusal itself: a document that would pass the limit is reported as
 * MC_ETOOBIG, never handed out cut.
 */
#ifndef MC_RENDER_SINK_H
#define MC_RENDER_SINK_H

#include "core/buf.h"

#include <cairo.h>

typedef struct {
	mc_buf *out; /* borrowed */
	int rc;	     /* MC_ETOOBIG once an append was refused */
} mc_render_sink;

/* The write function of the stream; closure is an mc_render_sink. */
cairo_status_t mc_render_sink_write(void *closure, const unsigned char *data, unsigned int length);

/*
 * The outcome of a document written through s, once its surface is
 * finished: 0; MC_ETOOBIG when an append was refused; MC_ERROR when cairo
 * reports another failure in status (cairo_surface_status of the surface).
 */
int mc_render_sink_result(const mc_render_sink *s, cairo_status_t status);

#endif
