/* libFuzzer target: text cleaning, folding and masking take any bytes; what
 * they return is valid UTF-8, and cleaning is idempotent. A cut of any bytes
 * is a prefix of them, and valid UTF-8 when it is shorter than they are. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *out = NULL;
	if (mc_text_clean(&out, s, size, 200, (mc_text_kind)(size % 3)) == 0) {
		if (!mc_text_valid_utf8(out, strlen(out)))
			abort();
		char *twice = NULL;
		if (mc_text_clean(&twice, out, strlen(out), 200, (mc_text_kind)(size % 3)) != 0 ||
		    strcmp(twice, out) != 0)
			abort();
		free(twice);
		char *masked = NULL;
		if (mc_text_mask_name(&masked, out) == 0 && !mc_text_valid_utf8(masked, strlen(masked)))
			abort();
		free(masked);
	}
	free(out);
	out = NULL;
	if (mc_text_fold(&out, s, size) == 0 && !mc_text_valid_utf8(out, strlen(out)))
		abort();
	free(out);

	char *z = malloc(size + 1);
	memcpy(z, data, size);
	z[size] = '\0';
	size_t zlen = strlen(z), cap = size % 67 + 1;
	char *cut = malloc(cap);
	size_t n = mc_text_cut(cut, cap, z);
	if (n >= cap || n != strlen(cut) || memcmp(cut, z, n) != 0 ||
	    (n < zlen && !mc_text_valid_utf8(cut, n)) || (zlen < cap && n != zlen))
		abort();
	free(cut);
	free(z);
	return 0;
}
