#include "core/limits.h"

size_t mc_limit_chars(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	/* Every byte but a continuation byte (10xxxxxx) starts a code point. */
	for (; *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

bool mc_limit_fits(const char *s, size_t max)
{
	return mc_limit_chars(s) <= max;
}
