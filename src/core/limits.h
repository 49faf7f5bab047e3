/*
 * limits.h - the one table of field limits: the most characters (Unicode
 * code points, not bytes: a Vietnamese letter takes up to 3 bytes of UTF-8)
 * a text field may hold. The API's field specs (http/fields.h) refuse a
 * longer value with 422 invalid-field naming the field, and the store and the
 * app layer check against the same numbers where text reaches them another
 * way (a file, the command line); nothing is ever cut or emptied to fit.
 * Named MC_LIMIT_<RESOURCE>_<FIELD>.
 */
#ifndef MC_CORE_LIMITS_H
#define MC_CORE_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

/* The characters (code points) of the UTF-8 text s: the bytes that start one. */
static inline size_t mc_limit_chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Whether s holds at most max characters. */
static inline bool mc_limit_fits(const char *s, size_t max)
{
	return mc_limit_chars(s) <= max;
}

/* ---- apologies, ratings, the calendar, payments --------------------------- */

/* Why a dossier is late (QĐ 876/2017, form 04). */
#define MC_LIMIT_APOLOGY_REASON 1000
/* The applicant's comment with a satisfaction rating. */
#define MC_LIMIT_RATING_COMMENT 1000
/* The name of an official day off or make-up working day ("Tết Nguyên đán"). */
#define MC_LIMIT_CALENDAR_DAY_NAME 200
/* The notice that set a year's calendar ("Thông báo 6150/TB-LĐTBXH ..."). */
#define MC_LIMIT_CALENDAR_SOURCE 500
/* The fields of a payment provider's confirmation (docs/payments.md). */
#define MC_LIMIT_PAYMENT_PARTNER_CODE 63
#define MC_LIMIT_PAYMENT_REFERENCE 47
#define MC_LIMIT_PAYMENT_TRANSACTION_NO 63
#define MC_LIMIT_PAYMENT_RESULT_CODE 8

#endif
