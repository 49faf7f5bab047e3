/*
 * embed.h - files built into the motcua binary: the numbered SQL migrations
 * (src/store/migrations/<backend>/NNN_name.sql) and the seed data under data/.
 * The table is generated at build time by cmake/embed.cmake.
 */
#ifndef MC_EMBED_H
#define MC_EMBED_H

#include <stddef.h>

struct mc_embedded {
	const char *path;	   /* relative to the source tree, e.g. "data/calendar/vn.tsv" */
	const unsigned char *data; /* NUL-terminated after len bytes */
	size_t len;
};

/* Terminated by an entry whose path is NULL. */
extern const struct mc_embedded mc_embedded_files[];

/* The embedded file at path, or NULL. Borrowed, static. */
const struct mc_embedded *mc_embed_find(const char *path);

#endif
