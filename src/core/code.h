/*
 * code.h - dossier codes (mã hồ sơ): "<unit code>-<yymmdd>-<NNNN>", e.g.
 * "000.00.15.H56-170302-0001". The unit code is the receiving unit's
 * organisation code (QCVN 102 style, "000.00.15.H56" or "H56.15"), the date is
 * the local date of reception and NNNN the unit's sequence for that day, from
 * 0001. The code is printed on the receipt and is the key of the public lookup.
 *
 * Pure rules, no I/O; the sequence itself is kept by the store.
 */
#ifndef MC_CODE_H
#define MC_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Buffer size that holds any dossier code with its terminating NUL. */
#define MC_CODE_MAX 48

/* Longest unit code, in bytes. */
#define MC_UNIT_CODE_MAX 24

/*
 * Writes the dossier code of unit_code, local date local_day (days since
 * 1970-01-01, a date in 2000..2099 so that yy is unambiguous) and sequence seq
 * (1..9999) into out of size cap (MC_CODE_MAX is always enough).
 * Returns 0; MC_EINVAL for a bad unit code, date or sequence; MC_ETOOBIG when
 * cap is too small (out is then "" if cap > 0).
 */
int mc_code_format(char *out, size_t cap, const char *unit_code, int32_t local_day, int seq);

typedef struct {
	char unit_code[32];   /* NUL-terminated, at most MC_UNIT_CODE_MAX bytes */
	int year, month, day; /* local date of reception; year is 2000 + yy */
	int seq;	      /* 1..9999 */
} mc_code_parts;

/*
 * Parses a dossier code, strictly: exactly two '-', a valid unit code, six
 * digits that make a real date, four digits from 0001. Returns 0 and fills
 * *out, or MC_EINVAL for anything malformed (*out is then untouched).
 */
int mc_code_parse(mc_code_parts *out, const char *code);

/* Whether unit_code is 1..MC_UNIT_CODE_MAX characters of [A-Za-z0-9.]. */
bool mc_unit_code_valid(const char *unit_code);

#endif
