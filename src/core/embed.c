#include "core/embed.h"

#include <string.h>

const struct mc_embedded *mc_embed_find(const char *path)
{
	for (const struct mc_embedded *e = mc_embedded_files; e->path; e++) {
		if (strcmp(e->path, path) == 0)
			return e;
	}
	return NULL;
}
