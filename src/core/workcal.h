/*
 * workcal.h - the working calendar: which days an office works.
 *
 * A day is worked when it is Monday to Friday and not a day off, or when it is
 * a weekend day that a notice makes a working day (làm bù). Days off come, for
 * each year 1900..2100, either from the law alone (mc_workcal_rule_days) or,
 * when it has been loaded, from the year's official schedule: the Government's
 * notice on Tết, swapped days (hoán đổi) and make-up Saturdays, shipped in
 * data/calendar/vn-official.tsv and editable per year. Outside 1900..2100
 * every Monday to Friday is a working day.
 *
 * Day numbers are days since 1970-01-01 of the local (UTC+7) calendar, as
 * mc_days_from_civil. No I/O.
 */
#ifndef MC_WORKCAL_H
#define MC_WORKCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_WORKCAL_FIRST_YEAR 1900
#define MC_WORKCAL_LAST_YEAR 2100

typedef enum {
	MC_DAY_HOLIDAY = 1,	 /* day off by law or notice (ngày lễ, Tết) */
	MC_DAY_COMPENSATORY = 2, /* day off in lieu (nghỉ bù) or swapped day off (nghỉ hoán đổi) */
	MC_DAY_WORKDAY = 3,	 /* a weekend day that is worked (làm bù) */
} mc_day_kind;

typedef struct {
	int32_t day; /* days since 1970-01-01 */
	mc_day_kind kind;
	char *name; /* Vietnamese, UTF-8, e.g. "Tết Nguyên đán", "Nghỉ bù Quốc khánh"; at most
		     * MC_LIMIT_CALENDAR_DAY_NAME characters (core/limits.h) where people write it */
} mc_day_entry;

/* Entries made by this module (mc_workcal_rule_days, mc_workcal_year_days)
 * own their names: mc_day_entries_free frees the names of days[0..n), then
 * days (NULL-safe). Entries given to it (mc_workcal_set_year) are only read:
 * their names may be anyone's. */
void mc_day_entries_clear(mc_day_entry *days, size_t n);
void mc_day_entries_free(mc_day_entry *days, size_t n);

/* "holiday", "compensatory" or "workday"; NULL for a value outside the enum.
 * Static string. */
const char *mc_day_kind_name(mc_day_kind k);

/* Parses a name given by mc_day_kind_name into *out. Returns 0 or MC_EINVAL. */
int mc_day_kind_parse(mc_day_kind *out, const char *s);

/*
 * The days off that `year` (1900..2100) gets from the Labour Code alone:
 * Labour Code 2019 art. 112(1) (2012 code art. 115(1) before 2021):
 *  - Tết Dương lịch 1/1;
 *  - Tết Nguyên đán, 5 days: here the last day of the lunar year and 1..4/1
 *    lunar (the Prime Minister picks the actual days each year);
 *  - Giỗ Tổ Hùng Vương, 10/3 lunar;
 *  - Ngày Chiến thắng 30/4 and Ngày Quốc tế Lao động 1/5;
 *  - Quốc khánh 2/9; from 2021 two days, 2/9 and the day before or after it:
 *    here 1/9 (each year's notice says which).
 * A holiday on a Saturday or Sunday gives a compensatory day on the next
 * working day (2019 code art. 111(3), 2012 code art. 115(3)). Holidays on a
 * weekend are listed too, as holidays. The earlier codes (Tết of 4 days before
 * 2013, no Giỗ Tổ before 2007) are not modelled.
 *
 * Writes at most cap entries, sorted by day, to out and the number of rule
 * days to *n; the names written are owned by out (free them with
 * mc_day_entries_clear(out, min(*n, cap))). Returns 0, MC_ETOOBIG when there
 * are more than cap (out then holds the first cap; out may be NULL with cap 0
 * to ask for the count), or MC_EINVAL for a year outside 1900..2100.
 */
int mc_workcal_rule_days(mc_day_entry *out, size_t cap, size_t *n, int year);

/* A working calendar. Built and edited by one thread (mc_workcal_new,
 * mc_workcal_set_year), then immutable: the read functions are safe to call
 * from any number of threads at once. */
typedef struct mc_workcal mc_workcal;

/* A calendar with weekends on Saturday and Sunday and the rule days of every
 * year 1900..2100. Caller frees with mc_workcal_free. Aborts on out of memory. */
mc_workcal *mc_workcal_new(void);

/* Frees wc; NULL is accepted. */
void mc_workcal_free(mc_workcal *wc);

/*
 * Replaces the days of `year` with its official schedule: days[0..n) (copied
 * with their names; any order) replace the rule days of that year entirely.
 * Entries must lie in that year, have a valid kind and a non-empty name (of
 * any length: the limit is for what people write, and a calendar stored
 * before it must still load), and no two may share a day. n == 0 reverts the
 * year to the rule.
 * Returns 0 or MC_EINVAL (nothing changed).
 */
int mc_workcal_set_year(mc_workcal *wc, int year, const mc_day_entry *days, size_t n);

/* Whether `day` is worked. O(1). */
bool mc_workcal_is_working_day(const mc_workcal *wc, int32_t day);

/* Number of working days in [from, to) (0 when to <= from). Fast over long
 * ranges (counts bits a word at a time). */
int64_t mc_workcal_count_working(const mc_workcal *wc, int32_t from, int32_t to);

/* Whether `year` uses an official schedule (set by mc_workcal_set_year)
 * rather than the rule. */
bool mc_workcal_year_is_official(const mc_workcal *wc, int year);

/* The effective days of `year` (its official schedule, or else its rule days),
 * sorted by day, into a new array *out of *n entries with names of their own.
 * Caller frees *out with mc_day_entries_free(*out, *n). Returns 0 or
 * MC_EINVAL for a year outside 1900..2100. */
int mc_workcal_year_days(const mc_workcal *wc, int year, mc_day_entry **out, size_t *n);

/*
 * Parses a schedule file: UTF-8 text of lines
 *   YYYY-MM-DD<TAB>kind<TAB>name       one day (kind as mc_day_kind_name)
 *   # source YYYY<TAB>text             the notice that set year YYYY (a line
 *                                      starting "# source " must be one)
 *   # anything else                    a comment
 * and empty lines; "\r\n" line ends are accepted. Checks the whole text
 * first, then calls cb once per year that has days, in increasing year
 * order, with that year's entries sorted by day, the year's source text (NULL
 * when it has none) and payload; days and source are borrowed for the call.
 * Returns 0; MC_EINVAL on any malformed line, a date outside 1900..2100, a
 * name of more than MC_LIMIT_CALENDAR_DAY_NAME characters, the same day
 * twice, two sources for one year or a source for a year without days (no
 * callback is made then); or the first non-zero value a callback returns (the
 * remaining years are not passed).
 */
int mc_workcal_parse_tsv(const char *text, size_t len,
			 int (*cb)(int year, const mc_day_entry *days, size_t n, const char *source,
				   void *payload),
			 void *payload);

#endif
