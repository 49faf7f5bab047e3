/*
 * code.h - dossier codes (mã hồ sơ): "<unit code>-<yymmdd>-<sequence>", e.g.
 * "000.00.15.H56-170302-0001". The unit code is the receiving unit's
 * organisation code (QCVN 102 style, "000.00.15.H56" or "H56.15"), the date is
 * the local date of filing and the sequence the unit's number for that day in
 * one of two spaces (docs/domain.md §5):
 *
 * - the desk's: four digits, 0001..9999, for dossiers received at the desk
 *   when filed (walk-in, postal);
 * - the online one: six digits or more, 000001..999999999, for dossiers
 *   submitted online, which wait for the desk. A flood of online submissions
 *   cannot use up the desk's numbers, and the online space is wider than any
 *   day's filings can reach.
 *
 * A code is printed on the receipt, is the key of the public lookup and never
 * changes. Pure rules, no I/O; the sequences themselves are kept by the store.
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

/* The two numbering spaces of a unit's day. */
typedef enum {
	MC_CODE_DESK = 0,   /* received when filed: 4 digits, 1..MC_CODE_DESK_MAX */
	MC_CODE_ONLINE = 1, /* submitted online: at least 6 digits, 1..MC_CODE_ONLINE_MAX */
} mc_code_space;

#define MC_CODE_DESK_MAX 9999
#define MC_CODE_ONLINE_MAX 999999999

/*
 * Writes the dossier code of unit_code, local date local_day (days since
 * 1970-01-01, a date in 2000..2099 so that yy is unambiguous) and sequence seq
 * of space into out of size cap (MC_CODE_MAX is always enough): four digits in
 * the desk's space, six (more when seq needs them) in the online one.
 * Returns 0; MC_EINVAL for a bad unit code, date, space or a sequence out of
 * its space; MC_ETOOBIG when cap is too small (out is then "" if cap > 0).
 */
int mc_code_format(char *out, size_t cap, const char *unit_code, int32_t local_day, mc_code_space space,
		   int seq);

typedef struct {
	char unit_code[32];   /* NUL-terminated, at most MC_UNIT_CODE_MAX bytes */
	int year, month, day; /* local date of filing; year is 2000 + yy */
	mc_code_space space;  /* which of the unit's day sequences */
	int seq;	      /* 1..9999 (desk) or 1..999999999 (online) */
} mc_code_parts;

/*
 * Parses a dossier code, strictly: exactly two '-', a valid unit code, six
 * digits that make a real date, then either four digits from 0001 (desk) or
 * six to nine digits from 000001 without a leading zero beyond the sixth
 * digit (online), so that every accepted code is the one mc_code_format
 * writes. Returns 0 and fills *out, or MC_EINVAL for anything malformed
 * (*out is then untouched).
 */
int mc_code_parse(mc_code_parts *out, const char *code);

/* Whether unit_code is 1..MC_UNIT_CODE_MAX characters of [A-Za-z0-9.]. */
bool mc_unit_code_valid(const char *unit_code);

/*
 * The shape of the unit tree: a province is the root and has no parent; a
 * department and a district sit under a province; a commune under a district
 * or, for a provincial city's wards, the province. parent_level is NULL for a
 * unit without a parent. Returns NULL when a unit of level may sit there,
 * else the levels its parent must have ("" when it must have none), for the
 * message; an unknown level gives "province".
 */
const char *mc_unit_parent_needed(const char *level, const char *parent_level);

#endif
