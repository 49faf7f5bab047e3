/* libFuzzer target: text cleaning, folding and masking take any bytes; what
 * they return is valid UTF-8, and cleaning is idempotent. */
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
	return 0;
}
