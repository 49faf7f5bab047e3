#include "core/code.h"

#include "core/mc.h"

#include <stdio.h>
#include <string.h>

/* Whether the n bytes at s are a unit code; the '-' is excluded because it
 * separates the parts of a dossier code. */
static bool unit_code_valid_n(const char *s, size_t n)
{
	bool ok = n >= 1 && n <= MC_UNIT_CODE_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		char c = s[i];
		ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.';
	}
	return ok;
}

bool mc_unit_code_valid(const char *unit_code)
{
	return unit_code && unit_code_valid_n(unit_code, strnlen(unit_code, MC_UNIT_CODE_MAX + 1));
}

const char *mc_unit_parent_needed(const char *level, const char *parent_level)
{
	bool under_province = parent_level && strcmp(parent_level, "province") == 0;
	bool under_district = parent_level && strcmp(parent_level, "district") == 0;

	if (level && strcmp(level, "province") == 0)
		return parent_level ? "" : NULL;
	if (level && (strcmp(level, "department") == 0 || strcmp(level, "district") == 0))
		return under_province ? NULL : "province";
	if (level && strcmp(level, "commune") == 0)
		return under_province || under_district ? NULL : "district or province";
	return "province";
}

int mc_code_format(char *out, size_t cap, const char *unit_code, int32_t local_day, mc_code_space space,
		   int seq)
{
	int rc = 0;
	int y, m, d, n;
	int max = space == MC_CODE_DESK ? MC_CODE_DESK_MAX : MC_CODE_ONLINE_MAX;

	if (cap > 0)
		out[0] = '\0';
	if (!mc_unit_code_valid(unit_code) || (space != MC_CODE_DESK && space != MC_CODE_ONLINE) || seq < 1 ||
	    seq > max) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	mc_civil_from_days(local_day, &y, &m, &d);
	/* Two-digit years only name this century without doubt. */
	if (y < 2000 || y > 2099) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	/* The width tells the spaces apart: four digits at the desk, six or more online. */
	n = snprintf(out, cap, "%s-%02d%02d%02d-%0*d", unit_code, y % 100, m, d,
		     space == MC_CODE_DESK ? 4 : 6, seq);
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			out[0] = '\0';
		rc = MC_ETOOBIG;
	}
cleanup:
	return rc;
}

/* The value of the n decimal digits at s, or -1 if any is not a digit (n <= 9,
 * so that the value fits an int). */
static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; v >= 0 && i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (s[i] - '0');
		else
			v = -1;
	}
	return v;
}

int mc_code_parse(mc_code_parts *out, const char *code)
{
	int rc = MC_EINVAL;
	mc_code_parts parts;
	size_t len, tail;
	const char *dash1, *dash2;
	int yy, mm, dd, seq, cy, cm, cd;
	mc_code_space space;

	if (!code)
		goto cleanup;
	len = strnlen(code, MC_CODE_MAX);
	if (len >= MC_CODE_MAX)
		goto cleanup;
	/* "<unit>-yymmdd-<seq>": the unit code has no '-', so the first and the
	 * last dash frame the date, and there are exactly two. */
	dash1 = strchr(code, '-');
	dash2 = strrchr(code, '-');
	if (!dash1 || dash2 - dash1 != 7)
		goto cleanup;
	if (!unit_code_valid_n(code, (size_t)(dash1 - code)))
		goto cleanup;
	tail = len - (size_t)(dash2 + 1 - code);
	if (tail == 4) {
		space = MC_CODE_DESK;
	} else if (tail >= 6 && tail <= 9 && (tail == 6 || dash2[1] != '0')) {
		/* Zero-padded to six digits only: "0001234567" is not how 1234567 is written. */
		space = MC_CODE_ONLINE;
	} else {
		goto cleanup;
	}
	yy = digits(dash1 + 1, 2);
	mm = digits(dash1 + 3, 2);
	dd = digits(dash1 + 5, 2);
	seq = digits(dash2 + 1, tail);
	if (yy < 0 || mm < 1 || mm > 12 || dd < 1 || dd > 31 || seq < 1)
		goto cleanup;
	mc_civil_from_days(mc_days_from_civil(2000 + yy, mm, dd), &cy, &cm, &cd);
	if (cm != mm || cd != dd)
		goto cleanup; /* 30 February and the like */
	memset(&parts, 0, sizeof(parts));
	memcpy(parts.unit_code, code, (size_t)(dash1 - code));
	parts.year = 2000 + yy;
	parts.month = mm;
	parts.day = dd;
	parts.space = space;
	parts.seq = seq;
	*out = parts;
	rc = 0;
cleanup:
	return rc;
}
