/*
 * mc.h - what every motcua module shares: error codes, allocation helpers and
 * the time conventions.
 *
 * Functions that can fail return int: 0 on success, a negative MC_E... code on
 * failure. Times are int64_t seconds since the Unix epoch, in UTC; they are shown
 * in Asia/Ho_Chi_Minh, which has been UTC+7 without daylight saving since 1975.
 */
#ifndef MC_H
#define MC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	MC_OK = 0,
	MC_ERROR = -1,	    /* anything not listed below (I/O, library failure) */
	MC_ENOTFOUND = -2,  /* the thing asked for does not exist */
	MC_ECONFLICT = -3,  /* stale version, duplicate key, forbidden transition */
	MC_EINVAL = -4,	    /* input out of range or malformed */
	MC_EFORBIDDEN = -5, /* the caller may not do this */
	MC_EBUSY = -6,	    /* storage busy or unavailable; try again later */
	MC_ETOOBIG = -7,    /* a size limit was exceeded */
	MC_ESTALE = -8,	    /* the caller's version of the record is out of date */
	MC_EFULL = -9,	    /* a numbering range is used up (a unit's dossier codes of a day) */
	MC_ELIMIT = -10,    /* a rate limit is reached (filings of an account); try again later */
	MC_EGONE = -11,	    /* it existed and was destroyed on purpose (a disposed work file's content) */
};

/* Offset of Vietnam's civil time from UTC, in seconds (UTC+7, meridian 105°E). */
#define MC_TZ_OFFSET (7 * 3600)
/* Seconds in a day: UTC seconds since the epoch have no leap seconds. */
#define MC_DAY_SECONDS 86400

/* A macro's value as a string literal, for SQL text put together from the
 * constants of the rules: MC_STR(MC_TZ_OFFSET) is "(7 * 3600)". */
#define MC_STR_(x) #x
#define MC_STR(x) MC_STR_(x)

#define MC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts on out-of-memory; sizes a client controls are checked
 * against their limit before they get here. */
void *mc_xmalloc(size_t n);
void *mc_xcalloc(size_t count, size_t n);
void *mc_xrealloc(void *p, size_t n);
char *mc_xstrdup(const char *s);
char *mc_xstrndup(const char *s, size_t n);

/* Copies src into dst of size cap, always terminating; returns MC_ETOOBIG (and
 * copies nothing) when src does not fit. */
int mc_strlcpy(char *dst, const char *src, size_t cap);

/* Current time, UTC seconds. */
int64_t mc_now(void);

/* Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian). */
int32_t mc_days_from_civil(int y, int m, int d);
/* Civil date of a day number; any out pointer may be NULL. */
void mc_civil_from_days(int32_t days, int *y, int *m, int *d);
/* Day of week of a day number: 0 = Sunday ... 6 = Saturday. */
int mc_weekday(int32_t days);

/* The local calendar day of a UTC instant (days since 1970-01-01 at UTC+7),
 * rounded down; for |t| up to about 5.8 million years. */
int32_t mc_local_day(int64_t t);
/* The same as SQL, for an SQL expression t of UTC seconds after 1970 (SQL's
 * integer division truncates, which rounds down there): the store's
 * statements that count dossiers by their local day. */
#define MC_SQL_LOCAL_DAY(t) "((" t ") + " MC_STR(MC_TZ_OFFSET) ") / " MC_STR(MC_DAY_SECONDS)
/* The UTC instant of the local midnight that begins day. */
int64_t mc_local_day_start(int32_t day);

/* Formats t (UTC seconds) as local time "YYYY-MM-DDTHH:MM:SS+07:00" into buf
 * (at least 26 bytes). Returns buf. */
char *mc_time_format(char *buf, size_t cap, int64_t t);
/* Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (local time) or the same with
 * "Z" or a "+HH:MM" offset. Returns 0 or MC_EINVAL. */
int mc_time_parse(int64_t *out, const char *s);

#endif
