/*
 * lunar.h - the Vietnamese lunar calendar (âm lịch), computed from astronomy.
 *
 * Tết, Giỗ Tổ Hùng Vương (10/3) and so the official days off move with the
 * lunar calendar, which Vietnam has reckoned at UTC+7 (meridian 105°E) since
 * 1968. The rules, as Hồ Ngọc Đức describes them for the Vietnamese calendar:
 *  - a month starts on the local day (UTC+7) of a new moon (Meeus' formula);
 *  - month 11 is the month that contains the winter solstice;
 *  - a year from one month 11 to the next with 13 months has a leap month: the
 *    first month after month 11 that contains no major solar term (trung khí,
 *    the sun's longitude crossing a multiple of 30°); it repeats the number of
 *    the month before it.
 * The same rules at UTC+8 give the Chinese calendar; the two differ in some
 * years (Tết 1985, 2007, 2030). Before 1968 the North used UTC+8, so old dates
 * computed here are the UTC+7 reckoning, not always what was celebrated.
 *
 * Supported range: solar 1900-01-31 (Tết Canh Tý 1900) to 2100-12-31.
 * Pure functions, no I/O, no global state: safe from any thread.
 */
#ifndef MC_LUNAR_H
#define MC_LUNAR_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	int day;   /* 1..30 */
	int month; /* 1..12 */
	int year;  /* the Gregorian year in which this lunar year's Tết falls */
	bool leap; /* true in the leap month (tháng nhuận) */
} mc_lunar_date;

/* Lunar date of the solar (Gregorian) date y-m-d into *out.
 * Returns 0, or MC_EINVAL for a date that does not exist or lies outside
 * 1900-01-31..2100-12-31. */
int mc_lunar_from_solar(mc_lunar_date *out, int y, int m, int d);

/* Solar day of a lunar date into *out_days (days since 1970-01-01, as
 * mc_days_from_civil). Returns 0, or MC_EINVAL when that lunar date does not
 * exist (month outside 1..12, leap flag on a month that is not leap that
 * year, day 30 of a 29-day month) or falls outside the supported range. */
int mc_lunar_to_solar(int32_t *out_days, const mc_lunar_date *lunar);

/* Length (29 or 30 days) of lunar month `month` (leap: the leap month of that
 * number) of lunar year `year` (1900..2100) into *out. Returns 0 or MC_EINVAL
 * when the month does not exist. */
int mc_lunar_month_length(int *out, int year, int month, bool leap);

#endif
