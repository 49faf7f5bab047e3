/*
 * qr.h - a QR code as SVG, for pages that show one (the filing-success
 * screen and the printed receipt of the web application); the PDF forms
 * draw theirs with cairo (form.c). Made by libqrencode, error correction
 * level M, with a quiet zone of four modules.
 */
#ifndef MC_RENDER_QR_H
#define MC_RENDER_QR_H

#include <stddef.h>

/*
 * The QR code of text (one line, at most 512 bytes) as an SVG document of one
 * path, `title` as its <title> (XML-escaped; NULL for none), in *out (caller
 * frees). Returns 0, MC_EINVAL for empty or too long text, or MC_ERROR.
 */
int mc_qr_svg(char **out, size_t *len, const char *text, const char *title);

#endif
