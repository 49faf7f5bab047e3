/*
 * lunar.c - the Vietnamese lunar calendar from new moons and solar terms.
 *
 * Days are counted as in mc.h (days since 1970-01-01, local calendar days);
 * the astronomy works in Julian Dates (JD, days since noon of 4713 BC-01-01),
 * converted at the edges. The formulas are the short ones from Jean Meeus'
 * "Astronomical Formulae for Calculators" that Hồ Ngọc Đức's published
 * calendar uses, so that the days computed here are the days printed in
 * Vietnamese calendars.
 */
#include "core/lunar.h"

#include "core/mc.h"

#include <assert.h>
#include <math.h>

/* Vietnam's calendar has been reckoned at UTC+7 since 1968. */
#define TZ_DAYS (7.0 / 24.0)
/* Julian Day Number of 1970-01-01, the origin of mc day numbers. */
#define JDN_UNIX_EPOCH 2440588
/* Mean length of a lunation in days. */
#define SYNODIC_MONTH 29.530588853
/* JD of the mean new moon number 0 (1900-01-01 at about 06:14 UT) plus half a
 * day and the zone offset, so that (jdn - this) / SYNODIC_MONTH estimates
 * the number of the lunation in progress on local day jdn. */
#define LUNATION0_JDN 2415021.076998695

#define FIRST_DAY_Y 1900 /* 1900-01-31: Tết Canh Tý */
#define FIRST_DAY_M 1
#define FIRST_DAY_D 31
#define LAST_DAY_Y 2100
#define LAST_DAY_M 12
#define LAST_DAY_D 31

static const double DEG = 3.14159265358979323846 / 180.0;

/* The months from the start of month 11 of Gregorian year `year` to the start
 * of month 11 of the next year: 12 months, or 13 with a leap month. */
struct lunar_span {
	int year;	   /* Gregorian year of the first month 11 */
	int count;	   /* 12 or 13 */
	int leap;	   /* index of the leap month (1..12), 0 when none */
	int32_t start[14]; /* first day of each month; start[count] is the next month 11 */
};

/* JD (UT) of new moon number k, k = 0 being the one of 1900-01-01. */
static double new_moon_jd(int k)
{
	double t = k / 1236.85; /* Julian centuries from 1900.0 */
	double t2 = t * t;
	double t3 = t2 * t;
	double jde = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3 +
		     0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * DEG);
	/* Mean anomalies of the sun (m) and moon (mp), moon's argument of latitude (f). */
	double m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * DEG;
	double mp = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * DEG;
	double f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * DEG;
	double corr = (0.1734 - 0.000393 * t) * sin(m) + 0.0021 * sin(2 * m) - 0.4068 * sin(mp) +
		      0.0161 * sin(2 * mp) - 0.0004 * sin(3 * mp) + 0.0104 * sin(2 * f) -
		      0.0051 * sin(m + mp) - 0.0074 * sin(m - mp) + 0.0004 * sin(2 * f + m) -
		      0.0004 * sin(2 * f - m) - 0.0006 * sin(2 * f + mp) + 0.0010 * sin(2 * f - mp) +
		      0.0005 * sin(m + 2 * mp);
	/* ΔT (dynamical minus universal time), in days. */
	double delta_t;
	if (t < -11)
		delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3;
	else
		delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2;
	return jde + corr - delta_t;
}

/* Local day (mc day number) on which new moon k falls. */
static int32_t new_moon_day(int k)
{
	double jdn = floor(new_moon_jd(k) + 0.5 + TZ_DAYS);
	return (int32_t)jdn - JDN_UNIX_EPOCH;
}

/* Which 30° sector (0..11) of ecliptic longitude the sun is in at the local
 * midnight that starts `day`. A month whose first day and the first day of
 * the next month are in the same sector contains no major term. */
static int sun_sector(int32_t day)
{
	double jd = (double)day + JDN_UNIX_EPOCH - 0.5 - TZ_DAYS;
	double t = (jd - 2451545.0) / 36525; /* Julian centuries from J2000.0 */
	double t2 = t * t;
	double m = (357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * DEG;
	double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
	double c = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(m) +
		   (0.019993 - 0.000101 * t) * sin(2 * m) + 0.000290 * sin(3 * m);
	double l = fmod(l0 + c, 360.0);
	if (l < 0)
		l += 360.0;
	return (int)(l / 30.0);
}

/* Number of the lunation in progress on `day`: new_moon_day(k) <= day <
 * new_moon_day(k + 1). The mean estimate is off by at most one. */
static int lunation_of_day(int32_t day)
{
	int k = (int)floor(((double)day + JDN_UNIX_EPOCH - LUNATION0_JDN) / SYNODIC_MONTH);
	while (new_moon_day(k + 1) <= day)
		k++;
	while (new_moon_day(k) > day)
		k--;
	return k;
}

/* Lunation that is month 11 of Gregorian year `year`: the one containing the
 * December solstice (sun entering sector 9, 270°). */
static int month11_lunation(int year)
{
	int k = lunation_of_day(mc_days_from_civil(year, 12, 31));
	/* The lunation in progress on 31 December began after the solstice when
	 * the sun was already past 270° at its first midnight; month 11 is then
	 * the one before it. */
	if (sun_sector(new_moon_day(k)) >= 9)
		k--;
	return k;
}

static void span_build(struct lunar_span *out, int year)
{
	int k0 = month11_lunation(year);
	int k1 = month11_lunation(year + 1);
	out->year = year;
	out->count = k1 - k0;
	assert(out->count == 12 || out->count == 13);
	for (int i = 0; i <= out->count; i++)
		out->start[i] = new_moon_day(k0 + i);
	out->leap = 0;
	if (out->count == 13) {
		/* The leap month is the first after month 11 without a major term. */
		for (int i = 1; i < 13; i++) {
			if (sun_sector(out->start[i]) == sun_sector(out->start[i + 1])) {
				out->leap = i;
				break;
			}
		}
		assert(out->leap != 0);
	}
}

/* Month number, leap flag and lunar year of month index i of a span. */
static void span_month(const struct lunar_span *s, int i, int *month, bool *leap, int *year)
{
	int ordinal = i - (s->leap != 0 && i >= s->leap ? 1 : 0); /* 0 = month 11, 1 = month 12 */
	*month = (10 + ordinal) % 12 + 1;
	*leap = s->leap != 0 && i == s->leap;
	*year = ordinal <= 1 ? s->year : s->year + 1;
}

/* Index in the span of the given lunar month, or -1 when it does not exist. */
static int span_find(const struct lunar_span *s, int month, bool leap)
{
	int found = -1;
	for (int i = 0; i < s->count && found < 0; i++) {
		int mo, y;
		bool lp;
		span_month(s, i, &mo, &lp, &y);
		if (mo == month && lp == leap)
			found = i;
	}
	return found;
}

static bool civil_date_valid(int y, int m, int d)
{
	int cy, cm, cd;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	mc_civil_from_days(mc_days_from_civil(y, m, d), &cy, &cm, &cd);
	return cy == y && cm == m && cd == d;
}

static bool day_in_range(int32_t day)
{
	return day >= mc_days_from_civil(FIRST_DAY_Y, FIRST_DAY_M, FIRST_DAY_D) &&
	       day <= mc_days_from_civil(LAST_DAY_Y, LAST_DAY_M, LAST_DAY_D);
}

int mc_lunar_from_solar(mc_lunar_date *out, int y, int m, int d)
{
	struct lunar_span s;
	int32_t day;
	int i;
	int ret = MC_EINVAL;

	if (y < FIRST_DAY_Y || y > LAST_DAY_Y || !civil_date_valid(y, m, d))
		goto cleanup;
	day = mc_days_from_civil(y, m, d);
	if (!day_in_range(day))
		goto cleanup;
	span_build(&s, y);
	if (day < s.start[0])
		span_build(&s, y - 1);
	for (i = 0; i < s.count && s.start[i + 1] <= day; i++)
		;
	assert(i < s.count && s.start[i] <= day);
	span_month(&s, i, &out->month, &out->leap, &out->year);
	out->day = day - s.start[i] + 1;
	ret = 0;
cleanup:
	return ret;
}

/* Finds lunar month (year, month, leap): its first day and length. Months 11
 * and 12 open the span that starts in their own year, the others close the
 * span that starts the year before. */
static int lunar_month_find(int32_t *first, int *length, int year, int month, bool leap)
{
	struct lunar_span s;
	int i;
	int ret = MC_EINVAL;

	if (year < FIRST_DAY_Y || year > LAST_DAY_Y || month < 1 || month > 12)
		goto cleanup;
	span_build(&s, month >= 11 ? year : year - 1);
	i = span_find(&s, month, leap);
	if (i < 0)
		goto cleanup;
	*first = s.start[i];
	*length = s.start[i + 1] - s.start[i];
	ret = 0;
cleanup:
	return ret;
}

int mc_lunar_to_solar(int32_t *out_days, const mc_lunar_date *lunar)
{
	int32_t first, day;
	int length;
	int ret;

	ret = lunar_month_find(&first, &length, lunar->year, lunar->month, lunar->leap);
	if (ret < 0)
		goto cleanup;
	ret = MC_EINVAL;
	if (lunar->day < 1 || lunar->day > length)
		goto cleanup;
	day = first + lunar->day - 1;
	if (!day_in_range(day))
		goto cleanup;
	*out_days = day;
	ret = 0;
cleanup:
	return ret;
}

int mc_lunar_month_length(int *out, int year, int month, bool leap)
{
	int32_t first;
	int length;
	int ret = lunar_month_find(&first, &length, year, month, leap);
	if (ret == 0)
		*out = length;
	return ret;
}
