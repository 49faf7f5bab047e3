#include "core/mc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(void)
{
	fputs("motcua: out of memory\n", stderr);
	abort();
}

void *mc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *mc_xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *mc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *mc_xstrdup(const char *s)
{
	return mc_xstrndup(s, strlen(s));
}

char *mc_xstrndup(const char *s, size_t n)
{
	char *p = mc_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int mc_strlcpy(char *dst, const char *src, size_t cap)
{
	size_t n = strlen(src);
	if (n >= cap) {
		if (cap)
			dst[0] = '\0';
		return MC_ETOOBIG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int64_t mc_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/* Howard Hinnant's days_from_civil algorithm (public domain description). */
int32_t mc_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void mc_civil_from_days(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	if (y)
		*y = yy + (mm <= 2);
	if (m)
		*m = (int)mm;
	if (d)
		*d = (int)dd;
}

int mc_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((days + 4) % 7);
	return w < 0 ? w + 7 : w;
}

int32_t mc_local_day(int64_t t)
{
	int64_t local = t + MC_TZ_OFFSET;
	int64_t day = local / MC_DAY_SECONDS;

	if (local % MC_DAY_SECONDS < 0)
		day--;
	return (int32_t)day;
}

int64_t mc_local_day_start(int32_t day)
{
	return (int64_t)day * MC_DAY_SECONDS - MC_TZ_OFFSET;
}

char *mc_time_format(char *buf, size_t cap, int64_t t)
{
	int64_t local = t + MC_TZ_OFFSET;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t sec = local - days * 86400;
	int y, m, d;
	mc_civil_from_days((int32_t)days, &y, &m, &d);
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", y, m, d, (int)(sec / 3600),
		 (int)(sec / 60 % 60), (int)(sec % 60));
	return buf;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return MC_EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int mc_time_parse(int64_t *out, const char *s)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	int64_t offset = MC_TZ_OFFSET;
	size_t n = strlen(s);
	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return MC_EINVAL;
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (strlen(p) < 6 || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			return MC_EINVAL;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &se))
				return MC_EINVAL;
			p += 3;
		}
		if (*p == 'Z') {
			offset = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			if (strlen(p) < 6 || digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
				return MC_EINVAL;
			offset = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
			p += 6;
		}
	}
	if (*p != '\0')
		return MC_EINVAL;
	if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return MC_EINVAL;
	int32_t days = mc_days_from_civil(y, mo, d);
	int cy, cm, cd;
	mc_civil_from_days(days, &cy, &cm, &cd);
	if (cd != d || cm != mo)
		return MC_EINVAL; /* 31 April and the like */
	*out = (int64_t)days * 86400 + h * 3600 + mi * 60 + se - offset;
	return 0;
}
