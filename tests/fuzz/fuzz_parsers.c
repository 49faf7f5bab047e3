/* libFuzzer target: the small parsers of request input: times and dates,
 * office hours, JSON bodies (jansson with the server's flags). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/deadline.h"
#include "core/mc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t t;
	if (mc_time_parse(&t, s) == 0) {
		char buf[40];
		mc_time_format(buf, sizeof buf, t);
		int64_t again;
		if (mc_time_parse(&again, buf) != 0 || again != t)
			abort();
	}
	mc_office_hours oh;
	if (mc_office_hours_parse(&oh, s) == 0) {
		char buf[128];
		mc_office_hours_format(buf, sizeof buf, &oh);
		mc_office_hours again;
		if (mc_office_hours_parse(&again, buf) != 0 || again.n != oh.n)
			abort();
	}
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	json_decref(j);
	free(s);
	return 0;
}
