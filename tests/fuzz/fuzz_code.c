/* libFuzzer target: the dossier-code parser must take any bytes without
 * crashing, and every code it accepts must format back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/code.h"
#include "core/mc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	mc_code_parts p;
	if (mc_code_parse(&p, s) == 0) {
		char again[MC_CODE_MAX];
		int32_t day = mc_days_from_civil(p.year, p.month, p.day);
		if (mc_code_format(again, sizeof again, p.unit_code, day, p.space, p.seq) != 0 ||
		    strcmp(again, s) != 0)
			abort();
	}
	free(s);
	return 0;
}
