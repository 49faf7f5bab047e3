/*
 * report.c - `motcua report reform`: the semi-annual administrative-reform
 * report of a unit (the province by default) from its database, as Markdown
 * or PDF (src/report/reform.h).
 */
#include "cli/cli.h"

#include "report/reform.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE                                                                                                \
	"usage: motcua report reform --db PATH --from YYYY-MM-DD --to YYYY-MM-DD --format pdf|md [--out "    \
	"FILE]\n"                                                                                            \
	"                            [--unit CODE] [--date YYYY-MM-DD]\n"

/* The options of `report reform`, each taking a value. */
typedef struct {
	const char *db, *from, *to, *format, *out, *unit, *date;
} reform_opts;

static int parse_opts(reform_opts *o, int argc, char **argv)
{
	struct {
		const char *flag;
		const char **value;
	} flags[] = {{"--db", &o->db},	 {"--from", &o->from}, {"--to", &o->to},    {"--format", &o->format},
		     {"--out", &o->out}, {"--unit", &o->unit}, {"--date", &o->date}};
	memset(o, 0, sizeof *o);
	for (int i = 0; i < argc; i++) {
		size_t f = 0;
		while (f < MC_ARRAY_LEN(flags) && strcmp(argv[i], flags[f].flag) != 0)
			f++;
		if (f == MC_ARRAY_LEN(flags)) {
			fprintf(stderr, "motcua report reform: unknown option %s\n", argv[i]);
			return 2;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "motcua report reform: %s needs a value\n", argv[i]);
			return 2;
		}
		*flags[f].value = argv[++i];
	}
	return 0;
}

/* "2017-06-30" -> local day number. */
static int parse_day(int32_t *out, const char *s)
{
	int y, m, d;
	char tail;
	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 2100 || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return MC_EINVAL;
	*out = mc_days_from_civil(y, m, d);
	/* 2017-02-30 is not a date. */
	int y2, m2, d2;
	mc_civil_from_days(*out, &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d ? 0 : MC_EINVAL;
}

static int write_all(const char *path, const void *data, size_t len)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	if (!f) {
		fprintf(stderr, "motcua report reform: could not open %s\n", path);
		return 1;
	}
	size_t n = fwrite(data, 1, len, f);
	int rc = n == len && fflush(f) == 0 ? 0 : 1;
	if (path && fclose(f) != 0)
		rc = 1;
	if (rc != 0)
		fprintf(stderr, "motcua report reform: could not write %s\n", path ? path : "the report");
	return rc;
}

static int report_reform(int argc, char **argv)
{
	reform_opts o;
	int32_t first = 0, last = 0, date_day = 0;
	mc_store *st = NULL;
	mc_reform r;
	mc_buf doc;
	bool collected = false;
	int status = 1;

	mc_buf_init(&doc, MC_REFORM_MAX);
	if (parse_opts(&o, argc, argv) != 0)
		return 2;
	if (!o.db || !o.from || !o.to || !o.format) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (parse_day(&first, o.from) != 0 || parse_day(&last, o.to) != 0) {
		fprintf(stderr, "motcua report reform: --from and --to must be dates YYYY-MM-DD\n");
		return 2;
	}
	/* The period of docs/statistics.md: not empty, not reversed, at most five years. */
	if (last < first || last - first > 5 * 366) {
		fprintf(stderr,
			"motcua report reform: --to must be on or after --from, at most five years later\n");
		return 2;
	}
	if (strcmp(o.format, "md") != 0 && strcmp(o.format, "pdf") != 0) {
		fprintf(stderr, "motcua report reform: --format must be md or pdf\n");
		return 2;
	}
	if (o.date && parse_day(&date_day, o.date) != 0) {
		fprintf(stderr, "motcua report reform: --date must be a date YYYY-MM-DD\n");
		return 2;
	}
	if (mc_store_open(&st, o.db) != 0 || mc_store_migrate(st) != 0) {
		fprintf(stderr, "motcua report reform: could not open the database %s\n", mc_cli_shown(o.db));
		goto cleanup;
	}
	/* Only the unit's id: the report reads the unit itself. */
	int64_t unit_id = 0;
	int rc;
	if (o.unit) {
		mc_unit unit;
		rc = mc_store_unit_by_code(st, &unit, o.unit);
		unit_id = unit.id;
		mc_unit_clear(&unit);
	} else {
		/* The root of the tree: the province. */
		mc_unit *units = NULL;
		size_t n = 0;
		rc = mc_store_unit_list(st, &units, &n);
		if (rc == 0 && n > 0)
			unit_id = units[0].id;
		else if (rc == 0)
			rc = MC_ENOTFOUND;
		mc_unit_free_list(units, n);
	}
	if (rc != 0) {
		fprintf(stderr, "motcua report reform: %s%s\n",
			o.unit ? "no unit has code " : "the database has no units", o.unit ? o.unit : "");
		goto cleanup;
	}
	int64_t now = mc_now();
	rc = mc_reform_collect(&r, st, unit_id, first, last, now);
	if (rc != 0) {
		fprintf(stderr, "motcua report reform: could not gather the figures (%d)\n", rc);
		goto cleanup;
	}
	collected = true;
	rc = mc_cli_reform_par(st, &r);
	if (rc != 0) {
		fprintf(stderr, "motcua report reform: could not gather the reform index (%d)\n", rc);
		goto cleanup;
	}
	/* The report is dated today unless told, at noon local time so the day is right in any zone. */
	int64_t date = o.date ? (int64_t)date_day * 86400 + 12 * 3600 - MC_TZ_OFFSET : now;
	bool md = strcmp(o.format, "md") == 0;
	rc = md ? mc_reform_markdown(&doc, &r, date) : mc_reform_pdf(&doc, &r, date);
	if (rc == MC_ETOOBIG) {
		fprintf(stderr, "motcua report reform: the report would be larger than %zu MiB\n",
			MC_REFORM_MAX / (1024 * 1024));
		goto cleanup;
	}
	if (rc != 0) {
		fprintf(stderr, "motcua report reform: could not %s\n",
			md ? "write the text" : "draw the PDF");
		goto cleanup;
	}
	status = write_all(o.out, doc.data, doc.len);
cleanup:
	mc_buf_free(&doc);
	if (collected)
		mc_reform_clear(&r);
	mc_store_close(st);
	return status;
}

int mc_cli_report(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "reform") == 0)
		return report_reform(argc - 1, argv + 1);
	if (argc >= 1 && strcmp(argv[0], "par") == 0)
		return mc_cli_report_par(argc - 1, argv + 1);
	fputs(USAGE, stderr);
	return 2;
}
