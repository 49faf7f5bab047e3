/*
 * workcal.c - the working calendar: one bit per day over 1900..2100 (about
 * 9 KB), rebuilt for a year whenever its schedule changes, so that asking
 * whether a day is worked costs one shift and one mask.
 */
#include "core/workcal.h"

#include "core/buf.h"
#include "core/limits.h"
#include "core/lunar.h"
#include "core/mc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NYEARS (MC_WORKCAL_LAST_YEAR - MC_WORKCAL_FIRST_YEAR + 1)
/* Days from 1900-01-01 to 2100-12-31 inclusive: 201 years, 49 of them leap
 * (2000 is, 1900 and 2100 are not). */
#define NDAYS (NYEARS * 365 + 49)
#define NWORDS ((NDAYS + 63) / 64)
/* More than any year's rule can produce (11 holidays and their compensatory days). */
#define RULE_MAX 32
/* A year has at most 366 days, and no two entries may share one. */
#define YEAR_MAX_ENTRIES 366

struct year_schedule {
	mc_day_entry *days; /* official schedule, sorted by day; NULL: the rule applies */
	size_t n;
};

struct mc_workcal {
	int32_t first_day; /* 1900-01-01 */
	int32_t last_day;  /* 2100-12-31 */
	struct year_schedule years[NYEARS];
	uint64_t working[NWORDS]; /* bit (day - first_day): 1 when the day is worked */
};

static const char *const KIND_NAMES[] = {
    [MC_DAY_HOLIDAY] = "holiday",
    [MC_DAY_COMPENSATORY] = "compensatory",
    [MC_DAY_WORKDAY] = "workday",
};

const char *mc_day_kind_name(mc_day_kind k)
{
	const char *name = NULL;
	if (k >= MC_DAY_HOLIDAY && k <= MC_DAY_WORKDAY)
		name = KIND_NAMES[k];
	return name;
}

int mc_day_kind_parse(mc_day_kind *out, const char *s)
{
	int ret = MC_EINVAL;
	for (int k = MC_DAY_HOLIDAY; k <= MC_DAY_WORKDAY && ret != 0; k++) {
		if (strcmp(s, KIND_NAMES[k]) == 0) {
			*out = (mc_day_kind)k;
			ret = 0;
		}
	}
	return ret;
}

static bool is_weekend(int32_t day)
{
	int wd = mc_weekday(day);
	return wd == 0 || wd == 6;
}

static bool year_in_range(int y)
{
	return y >= MC_WORKCAL_FIRST_YEAR && y <= MC_WORKCAL_LAST_YEAR;
}

static int entry_cmp(const void *a, const void *b)
{
	const mc_day_entry *x = a;
	const mc_day_entry *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

void mc_day_entries_clear(mc_day_entry *days, size_t n)
{
	for (size_t i = 0; days != NULL && i < n; i++) {
		free(days[i].name);
		days[i].name = NULL;
	}
}

void mc_day_entries_free(mc_day_entry *days, size_t n)
{
	mc_day_entries_clear(days, n);
	free(days);
}

/* days[0..n) with names of their own. */
static mc_day_entry *entries_copy(const mc_day_entry *days, size_t n)
{
	mc_day_entry *copy = mc_xmalloc((n ? n : 1) * sizeof(*copy));
	for (size_t i = 0; i < n; i++) {
		copy[i] = days[i];
		copy[i].name = mc_xstrdup(days[i].name);
	}
	return copy;
}

/* "a; b", "Nghỉ bù a": a new string. */
static char *join(const char *a, const char *sep, const char *b)
{
	size_t len = strlen(a) + strlen(sep) + strlen(b) + 1;
	char *s = mc_xmalloc(len);
	snprintf(s, len, "%s%s%s", a, sep, b);
	return s;
}

/* ---- the rule ---- */

struct rule_list {
	mc_day_entry e[RULE_MAX];
	size_t n;
};

static bool rule_has(const struct rule_list *r, int32_t day)
{
	bool found = false;
	for (size_t i = 0; i < r->n && !found; i++)
		found = r->e[i].day == day;
	return found;
}

/* Adds a holiday; two holidays on one day (Giỗ Tổ can fall on 30/4 or 1/5 in
 * a year with an early leap month) are one day off, named after both: the
 * Code gives no extra day for that case. */
static void rule_add_holiday(struct rule_list *r, int32_t day, const char *name)
{
	size_t i = 0;
	while (i < r->n && r->e[i].day != day)
		i++;
	if (i < r->n) {
		char *both = join(r->e[i].name, "; ", name);
		free(r->e[i].name);
		r->e[i].name = both;
	} else {
		assert(r->n < RULE_MAX);
		r->e[i].day = day;
		r->e[i].kind = MC_DAY_HOLIDAY;
		r->e[i].name = mc_xstrdup(name);
		r->n++;
	}
}

int mc_workcal_rule_days(mc_day_entry *out, size_t cap, size_t *n, int year)
{
	struct rule_list r = {.n = 0};
	mc_lunar_date tet = {.day = 1, .month = 1, .year = year, .leap = false};
	mc_lunar_date gio_to = {.day = 10, .month = 3, .year = year, .leap = false};
	int32_t tet_day, gio_to_day;
	size_t holidays;
	int ret = MC_EINVAL;

	if (year < MC_WORKCAL_FIRST_YEAR || year > MC_WORKCAL_LAST_YEAR)
		goto cleanup;
	ret = mc_lunar_to_solar(&tet_day, &tet);
	if (ret < 0)
		goto cleanup;
	ret = mc_lunar_to_solar(&gio_to_day, &gio_to);
	if (ret < 0)
		goto cleanup;

	rule_add_holiday(&r, mc_days_from_civil(year, 1, 1), "Tết Dương lịch");
	/* Tết: the last day of the old lunar year and the first four of the new. */
	for (int32_t d = tet_day - 1; d <= tet_day + 3; d++)
		rule_add_holiday(&r, d, "Tết Nguyên đán");
	rule_add_holiday(&r, gio_to_day, "Giỗ Tổ Hùng Vương");
	rule_add_holiday(&r, mc_days_from_civil(year, 4, 30), "Ngày Chiến thắng");
	rule_add_holiday(&r, mc_days_from_civil(year, 5, 1), "Ngày Quốc tế Lao động");
	/* Labour Code 2019 art. 112(1)(đ): 2/9 and one adjacent day from 2021;
	 * the adjacent day is chosen each year, 1/9 stands in for it here. */
	if (year >= 2021)
		rule_add_holiday(&r, mc_days_from_civil(year, 9, 1), "Quốc khánh");
	rule_add_holiday(&r, mc_days_from_civil(year, 9, 2), "Quốc khánh");
	qsort(r.e, r.n, sizeof(r.e[0]), entry_cmp);

	/* Each holiday on a weekend gives the next working day that is not
	 * already off, taken in order of the holidays. */
	holidays = r.n;
	for (size_t i = 0; i < holidays; i++) {
		int32_t d = r.e[i].day;
		if (!is_weekend(d))
			continue;
		d++;
		while (is_weekend(d) || rule_has(&r, d))
			d++;
		assert(r.n < RULE_MAX);
		r.e[r.n].day = d;
		r.e[r.n].kind = MC_DAY_COMPENSATORY;
		r.e[r.n].name = join("Nghỉ bù ", "", r.e[i].name);
		r.n++;
	}
	qsort(r.e, r.n, sizeof(r.e[0]), entry_cmp);

	*n = r.n;
	/* The names written to out are out's; the rest are freed below. */
	for (size_t i = 0; out != NULL && i < r.n && i < cap; i++) {
		out[i] = r.e[i];
		r.e[i].name = NULL;
	}
	ret = r.n <= cap ? 0 : MC_ETOOBIG;
cleanup:
	mc_day_entries_clear(r.e, r.n);
	return ret;
}

/* ---- the calendar ---- */

static void bit_set(mc_workcal *wc, int32_t day, bool working)
{
	uint32_t i = (uint32_t)(day - wc->first_day);
	uint64_t mask = (uint64_t)1 << (i % 64);
	if (working)
		wc->working[i / 64] |= mask;
	else
		wc->working[i / 64] &= ~mask;
}

static bool bit_get(const mc_workcal *wc, int32_t day)
{
	uint32_t i = (uint32_t)(day - wc->first_day);
	return (wc->working[i / 64] >> (i % 64)) & 1;
}

/* Rewrites the bits of `year` from Monday-to-Friday and the year's days. */
static void year_apply(mc_workcal *wc, int year, const mc_day_entry *days, size_t n)
{
	int32_t first = mc_days_from_civil(year, 1, 1);
	int32_t next = mc_days_from_civil(year + 1, 1, 1);
	for (int32_t d = first; d < next; d++)
		bit_set(wc, d, !is_weekend(d));
	for (size_t i = 0; i < n; i++)
		bit_set(wc, days[i].day, days[i].kind == MC_DAY_WORKDAY);
}

static void year_apply_rule(mc_workcal *wc, int year)
{
	mc_day_entry days[RULE_MAX];
	size_t n;
	int ret = mc_workcal_rule_days(days, RULE_MAX, &n, year);
	assert(ret == 0);
	(void)ret;
	year_apply(wc, year, days, n);
	mc_day_entries_clear(days, n);
}

mc_workcal *mc_workcal_new(void)
{
	mc_workcal *wc = mc_xcalloc(1, sizeof(*wc));
	wc->first_day = mc_days_from_civil(MC_WORKCAL_FIRST_YEAR, 1, 1);
	wc->last_day = mc_days_from_civil(MC_WORKCAL_LAST_YEAR, 12, 31);
	assert(wc->last_day - wc->first_day + 1 == NDAYS);
	for (int y = MC_WORKCAL_FIRST_YEAR; y <= MC_WORKCAL_LAST_YEAR; y++)
		year_apply_rule(wc, y);
	return wc;
}

void mc_workcal_free(mc_workcal *wc)
{
	if (wc != NULL) {
		for (int i = 0; i < NYEARS; i++)
			mc_day_entries_free(wc->years[i].days, wc->years[i].n);
	}
	free(wc);
}

static bool entry_valid(const mc_day_entry *e, int year)
{
	int y;
	mc_civil_from_days(e->day, &y, NULL, NULL);
	return e->kind >= MC_DAY_HOLIDAY && e->kind <= MC_DAY_WORKDAY && y == year && e->name != NULL &&
	       e->name[0] != '\0';
}

int mc_workcal_set_year(mc_workcal *wc, int year, const mc_day_entry *days, size_t n)
{
	mc_day_entry *copy = NULL;
	struct year_schedule *ys;
	int ret = MC_EINVAL;

	if (year < MC_WORKCAL_FIRST_YEAR || year > MC_WORKCAL_LAST_YEAR || n > YEAR_MAX_ENTRIES ||
	    (n > 0 && days == NULL))
		goto cleanup;
	ys = &wc->years[year - MC_WORKCAL_FIRST_YEAR];
	if (n == 0) {
		mc_day_entries_free(ys->days, ys->n);
		ys->days = NULL;
		ys->n = 0;
		year_apply_rule(wc, year);
		ret = 0;
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		if (!entry_valid(&days[i], year))
			goto cleanup;
	}
	copy = entries_copy(days, n);
	qsort(copy, n, sizeof(*copy), entry_cmp);
	for (size_t i = 1; i < n; i++) {
		if (copy[i].day == copy[i - 1].day)
			goto cleanup;
	}
	mc_day_entries_free(ys->days, ys->n);
	ys->days = copy;
	ys->n = n;
	copy = NULL;
	year_apply(wc, year, ys->days, ys->n);
	ret = 0;
cleanup:
	mc_day_entries_free(copy, copy ? n : 0);
	return ret;
}

bool mc_workcal_is_working_day(const mc_workcal *wc, int32_t day)
{
	/* Outside the table only weekends are off. */
	return day >= wc->first_day && day <= wc->last_day ? bit_get(wc, day) : !is_weekend(day);
}

/* Mondays to Fridays in [from, to), from <= to. */
static int64_t weekdays_between(int64_t from, int64_t to)
{
	int64_t n = to - from;
	int64_t count = n / 7 * 5;
	for (int64_t d = from + n / 7 * 7; d < to; d++) {
		int wd = (int)(((d + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		if (wd != 0 && wd != 6)
			count++;
	}
	return count;
}

int64_t mc_workcal_count_working(const mc_workcal *wc, int32_t from, int32_t to)
{
	int64_t lo = from;
	int64_t hi = to;
	int64_t count = 0;

	/* Outside the table only weekends are off. */
	if (lo < hi && lo < wc->first_day) {
		int64_t end = hi < wc->first_day ? hi : wc->first_day;
		count += weekdays_between(lo, end);
		lo = end;
	}
	if (lo < hi && hi > (int64_t)wc->last_day + 1) {
		int64_t start = lo > (int64_t)wc->last_day + 1 ? lo : (int64_t)wc->last_day + 1;
		count += weekdays_between(start, hi);
		hi = start;
	}
	if (lo < hi) {
		uint32_t i = (uint32_t)(lo - wc->first_day);
		uint32_t j = (uint32_t)(hi - wc->first_day);
		for (; i < j && i % 64 != 0; i++)
			count += (wc->working[i / 64] >> (i % 64)) & 1;
		for (; j - i >= 64; i += 64)
			count += __builtin_popcountll(wc->working[i / 64]);
		for (; i < j; i++)
			count += (wc->working[i / 64] >> (i % 64)) & 1;
	}
	return count;
}

bool mc_workcal_year_is_official(const mc_workcal *wc, int year)
{
	return year_in_range(year) && wc->years[year - MC_WORKCAL_FIRST_YEAR].days != NULL;
}

int mc_workcal_year_days(const mc_workcal *wc, int year, mc_day_entry **out, size_t *n)
{
	const struct year_schedule *ys;
	mc_day_entry *days = NULL;
	size_t count;
	int ret = MC_EINVAL;

	if (year < MC_WORKCAL_FIRST_YEAR || year > MC_WORKCAL_LAST_YEAR)
		goto cleanup;
	ys = &wc->years[year - MC_WORKCAL_FIRST_YEAR];
	if (ys->days != NULL) {
		count = ys->n;
		days = entries_copy(ys->days, count);
	} else {
		days = mc_xcalloc(RULE_MAX, sizeof(*days));
		ret = mc_workcal_rule_days(days, RULE_MAX, &count, year);
		if (ret < 0)
			goto cleanup;
	}
	*out = days;
	*n = count;
	days = NULL;
	ret = 0;
cleanup:
	free(days); /* only after a failure of the rule, which wrote no name */
	return ret;
}

/* ---- the schedule file ---- */

struct tsv_state {
	mc_day_entry *days;
	size_t n, cap;
	char *sources[NYEARS];
};

static bool parse_digits(const char *s, size_t count, int *out)
{
	bool ok = true;
	int v = 0;
	for (size_t i = 0; i < count && ok; i++) {
		ok = s[i] >= '0' && s[i] <= '9';
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return ok;
}

/* Code points of the len bytes at s (UTF-8: the bytes that start one). */
static size_t char_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* Printable text: not empty, no control characters (tabs included). */
static bool text_valid(const char *s, size_t len)
{
	bool ok = len > 0;
	for (size_t i = 0; i < len && ok; i++) {
		unsigned char c = (unsigned char)s[i];
		ok = c >= 0x20 && c != 0x7f;
	}
	return ok;
}

#define SOURCE_PREFIX "# source "
#define SOURCE_PREFIX_LEN (sizeof(SOURCE_PREFIX) - 1)

/* "# source YYYY<TAB>text" */
static int tsv_source_line(struct tsv_state *st, const char *p, size_t len)
{
	const char *text = p + SOURCE_PREFIX_LEN + 5;
	int year;
	int ret = MC_EINVAL;

	if (len < SOURCE_PREFIX_LEN + 6 || !parse_digits(p + SOURCE_PREFIX_LEN, 4, &year) ||
	    p[SOURCE_PREFIX_LEN + 4] != '\t' || !year_in_range(year))
		goto cleanup;
	if (!text_valid(text, len - SOURCE_PREFIX_LEN - 5) ||
	    st->sources[year - MC_WORKCAL_FIRST_YEAR] != NULL)
		goto cleanup;
	st->sources[year - MC_WORKCAL_FIRST_YEAR] = mc_xstrndup(text, len - SOURCE_PREFIX_LEN - 5);
	ret = 0;
cleanup:
	return ret;
}

/* "YYYY-MM-DD<TAB>kind<TAB>name" */
static int tsv_day_line(struct tsv_state *st, const char *p, size_t len)
{
	mc_day_entry e;
	int y, m, d, cy, cm, cd;
	const char *kind, *name, *tab;
	char kind_buf[16];
	size_t kind_len, name_len;
	int ret = MC_EINVAL;

	memset(&e, 0, sizeof(e));
	if (len < 11 || !parse_digits(p, 4, &y) || p[4] != '-' || !parse_digits(p + 5, 2, &m) ||
	    p[7] != '-' || !parse_digits(p + 8, 2, &d) || p[10] != '\t')
		goto cleanup;
	if (!year_in_range(y) || m < 1 || m > 12 || d < 1 || d > 31)
		goto cleanup;
	e.day = mc_days_from_civil(y, m, d);
	mc_civil_from_days(e.day, &cy, &cm, &cd);
	if (cm != m || cd != d)
		goto cleanup; /* 31 April and the like */
	kind = p + 11;
	tab = memchr(kind, '\t', len - 11);
	if (tab == NULL)
		goto cleanup;
	kind_len = (size_t)(tab - kind);
	name = tab + 1;
	name_len = len - (size_t)(name - p);
	if (kind_len == 0 || kind_len >= sizeof(kind_buf) ||
	    char_count(name, name_len) > MC_LIMIT_CALENDAR_DAY_NAME || !text_valid(name, name_len))
		goto cleanup;
	memcpy(kind_buf, kind, kind_len);
	kind_buf[kind_len] = '\0';
	if (mc_day_kind_parse(&e.kind, kind_buf) < 0)
		goto cleanup;
	e.name = mc_xstrndup(name, name_len);
	MC_GROW(st->days, st->n, st->cap);
	st->days[st->n++] = e;
	ret = 0;
cleanup:
	return ret;
}

static int tsv_line(struct tsv_state *st, const char *p, size_t len)
{
	size_t blank = 0;
	int ret = 0;

	while (blank < len && (p[blank] == ' ' || p[blank] == '\t'))
		blank++;
	if (blank == len)
		ret = 0; /* empty line */
	else if (len >= SOURCE_PREFIX_LEN && memcmp(p, SOURCE_PREFIX, SOURCE_PREFIX_LEN) == 0)
		ret = tsv_source_line(st, p, len);
	else if (p[0] == '#')
		ret = 0; /* comment */
	else
		ret = tsv_day_line(st, p, len);
	return ret;
}

static int year_of(int32_t day)
{
	int y;
	mc_civil_from_days(day, &y, NULL, NULL);
	return y;
}

int mc_workcal_parse_tsv(const char *text, size_t len,
			 int (*cb)(int year, const mc_day_entry *days, size_t n, const char *source,
				   void *payload),
			 void *payload)
{
	struct tsv_state st;
	const char *p = text;
	const char *end = text + len;
	bool has_days[NYEARS] = {false};
	int ret = 0;

	memset(&st, 0, sizeof(st));
	while (p < end && ret == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		size_t line_len = (size_t)(line_end - p);
		if (line_len > 0 && p[line_len - 1] == '\r')
			line_len--;
		ret = tsv_line(&st, p, line_len);
		p = nl ? nl + 1 : end;
	}
	if (ret < 0)
		goto cleanup;

	if (st.n > 0)
		qsort(st.days, st.n, sizeof(*st.days), entry_cmp);
	for (size_t i = 0; i < st.n; i++) {
		if (i > 0 && st.days[i].day == st.days[i - 1].day) {
			ret = MC_EINVAL;
			goto cleanup;
		}
		has_days[year_of(st.days[i].day) - MC_WORKCAL_FIRST_YEAR] = true;
	}
	for (int i = 0; i < NYEARS; i++) {
		if (st.sources[i] != NULL && !has_days[i]) {
			ret = MC_EINVAL;
			goto cleanup;
		}
	}

	for (size_t i = 0; i < st.n && ret == 0;) {
		int year = year_of(st.days[i].day);
		size_t j = i;
		while (j < st.n && year_of(st.days[j].day) == year)
			j++;
		ret = cb(year, st.days + i, j - i, st.sources[year - MC_WORKCAL_FIRST_YEAR], payload);
		i = j;
	}
cleanup:
	mc_day_entries_free(st.days, st.n);
	for (int i = 0; i < NYEARS; i++)
		free(st.sources[i]);
	return ret;
}
