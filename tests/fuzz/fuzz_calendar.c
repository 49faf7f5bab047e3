/* libFuzzer target: the calendar functions on any dates and durations.
 * Lunar conversion round-trips; due times never come before the reception,
 * and the working time between a start and start + m minutes is m. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/deadline.h"
#include "core/lunar.h"
#include "core/mc.h"
#include "core/workcal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mc_workcal *wc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 12)
		return 0;
	if (!wc)
		wc = mc_workcal_new();
	uint32_t a, b, c;
	memcpy(&a, data, 4);
	memcpy(&b, data + 4, 4);
	memcpy(&c, data + 8, 4);
	/* A day within 1900..2100 and a time of day. */
	int32_t first = mc_days_from_civil(1900, 2, 1), last = mc_days_from_civil(2100, 12, 1);
	int32_t day = first + (int32_t)(a % (uint32_t)(last - first));
	int y, m, d;
	mc_civil_from_days(day, &y, &m, &d);
	mc_lunar_date ld;
	if (mc_lunar_from_solar(&ld, y, m, d) == 0) {
		int32_t back = 0;
		if (mc_lunar_to_solar(&back, &ld) != 0 || back != day)
			abort();
	}
	int64_t t = (int64_t)day * 86400 + (int64_t)(b % 86400) - 7 * 3600;
	int64_t minutes = (int64_t)(c % (8 * 60 * 400));
	int cutoff = (size > 12 && data[12] & 1) ? (int)(data[12] % 24) * 60 : -1;
	const mc_office_hours *oh = &MC_OFFICE_HOURS_DEFAULT;
	int64_t start = mc_deadline_start(wc, oh, t, cutoff);
	if (start < t)
		abort();
	int64_t due = mc_deadline_add(wc, oh, start, minutes);
	if (due < start || mc_deadline_worked(wc, oh, start, due) != minutes)
		abort();
	return 0;
}
