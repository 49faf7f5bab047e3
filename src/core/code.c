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

int mc_code_format(char *out, size_t cap, const char *unit_code, int32_t local_day, int seq)
{
	int rc = 0;
	int y, m, d, n;

	if (cap > 0)
		out[0] = '\0';
	if (!mc_unit_code_valid(unit_code) || seq < 1 || seq > 9999) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	mc_civil_from_days(local_day, &y, &m, &d);
	/* Two-digit years only name this century without doubt. */
	if (y < 2000 || y > 2099) {
		rc = MC_EINVAL;
		goto cleanup;
	}
	n = snprintf(out, cap, "%s-%02d%02d%02d-%04d", unit_code, y % 100, m, d, seq);
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0)
			out[0] = '\0';
		rc = MC_ETOOBIG;
	}
cleanup:
	return rc;
}

/* The value of the n decimal digits at s, or -1 if any is not a digit. */
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
	size_t len;
	const char *dash1, *dash2;
	int yy, mm, dd, seq, cy, cm, cd;

	if (!code)
		goto cleanup;
	len = strnlen(code, MC_CODE_MAX);
	if (len >= MC_CODE_MAX)
		goto cleanup;
	dash1 = strchr(code, '-');
	/* Fixed tail: "-yymmdd-NNNN" is 12 bytes, so the unit code is everything before it. */
	if (!dash1 || len < 13 || (size_t)(dash1 - code) != len - 12 || code[len - 5] != '-')
		goto cleanup;
	dash2 = code + len - 5;
	if (!unit_code_valid_n(code, (size_t)(dash1 - code)))
		goto cleanup;
	yy = digits(dash1 + 1, 2);
	mm = digits(dash1 + 3, 2);
	dd = digits(dash1 + 5, 2);
	seq = digits(dash2 + 1, 4);
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
	parts.seq = seq;
	*out = parts;
	rc = 0;
cleanup:
	return rc;
}
