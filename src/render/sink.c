#include "render/sink.h"

#include "core/mc.h"

cairo_status_t mc_render_sink_write(void *closure, const unsigned char *data, unsigned int length)
{
	mc_render_sink *s = closure;
	if (s->rc == 0)
		s->rc = mc_buf_add(s->out, data, length);
	return s->rc == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int mc_render_sink_result(const mc_render_sink *s, cairo_status_t status)
{
	if (s->rc != 0)
		return s->rc;
	return status == CAIRO_STATUS_SUCCESS ? 0 : MC_ERROR;
}
