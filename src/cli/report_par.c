/*
 * report_par.c - `motcua report par`: the reform index and the rating of a
 * year (docs/par-index.md §6) from the database, as JSON for other systems
 * and scripts, or for people as Markdown, a workbook or a PDF (the API's
 * renderers, api/par_export.c).
 */
#include "cli/cli.h"

#include "api/api.h"
#include "api/par_export.h"
#include "app/par.h"
#include "render/form.h"
#include "report/reform.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE                                                                                                \
	"usage: motcua report par --db PATH --year YYYY (--json | --format json|md|xlsx|pdf) [--out FILE]\n"

static json_t *figure(int32_t cp)
{
	return json_real((double)cp / 100.0);
}

/* The units of every framework of the year, as JSON. */
static json_t *year_json(const mc_par_result *res, size_t n, int year)
{
	json_t *units = json_array(), *frameworks = json_array();
	for (size_t f = 0; f < n; f++) {
		const mc_par_result *r = &res[f];
		json_t *ratings = json_object();
		for (int g = MC_PAR_GRADE_EXCELLENT; g <= MC_PAR_GRADE_NOT_DONE; g++)
			json_object_set_new(ratings, mc_par_grade_name(g), json_integer(0));
		for (size_t i = 0; i < r->n_units; i++) {
			const mc_par_result_unit *u = &r->results[i];
			const char *grade = mc_par_grade_name(u->grade);
			if (grade)
				json_object_set_new(
				    ratings, grade,
				    json_integer(json_integer_value(json_object_get(ratings, grade)) + 1));
			json_array_append_new(
			    units,
			    json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "code", u->unit_code,
				      "name", u->unit_name, "group", mc_par_group_name(r->framework.group),
				      "points", figure(u->points_cp), "max_points", figure(u->max_cp),
				      "index", u->index >= 0 ? figure(u->index) : json_null(), "rank",
				      u->rank ? json_integer(u->rank) : json_null(), "rating",
				      grade ? json_string(grade) : json_null()));
		}
		json_array_append_new(
		    frameworks, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)r->framework.id,
					  "group", mc_par_group_name(r->framework.group), "state",
					  r->framework.state == MC_PAR_PUBLISHED ? "published" : "open",
					  "decision", r->framework.decision, "ratings", ratings));
	}
	return json_pack("{s:i, s:o, s:o}", "year", year, "frameworks", frameworks, "units", units);
}

/* The same as Markdown tables, in Vietnamese. */
static void year_md(FILE *out, const mc_par_result *res, size_t n, int year)
{
	char a[24], b[24], c[24];
	int total[MC_PAR_GRADE_NOT_DONE + 1] = {0};
	fprintf(out, "# Chỉ số cải cách hành chính và xếp loại đơn vị năm %d\n\n", year);
	for (size_t f = 0; f < n; f++) {
		const mc_par_result *r = &res[f];
		int count[MC_PAR_GRADE_NOT_DONE + 1] = {0};
		fprintf(out, "## %s\n\n", mc_par_group_label(r->framework.group));
		if (r->framework.decision[0])
			fprintf(out, "Công bố theo %s.\n\n", r->framework.decision);
		fprintf(out, "| Hạng | Đơn vị | Điểm | Chỉ số | Xếp loại |\n|---:|---|---:|---:|---|\n");
		for (int rank = 0; rank <= (int)r->n_units; rank++) {
			for (size_t i = 0; i < r->n_units; i++) {
				const mc_par_result_unit *u = &r->results[i];
				if (u->rank != rank)
					continue;
				count[u->grade]++;
				if (u->index >= 0)
					fprintf(out, "| %d | %s | %s/%s | %s | %s |\n", u->rank, u->unit_name,
						mc_par_fmt(a, sizeof a, u->points_cp),
						mc_par_fmt(b, sizeof b, u->max_cp),
						mc_par_fmt_percent(c, sizeof c, u->index),
						mc_par_grade_label(u->grade));
				else
					fprintf(out, "| — | %s | — | — | %s |\n", u->unit_name,
						mc_par_grade_label(u->grade));
			}
		}
		fprintf(out,
			"\nHoàn thành xuất sắc: %d; hoàn thành tốt: %d; hoàn thành: %d; không hoàn thành: "
			"%d.\n\n",
			count[1], count[2], count[3], count[4]);
		for (int g = 0; g <= MC_PAR_GRADE_NOT_DONE; g++)
			total[g] += count[g];
	}
	fprintf(out,
		"Tổng cộng: %d hoàn thành xuất sắc, %d hoàn thành tốt, %d hoàn thành, %d không hoàn thành "
		"nhiệm vụ.\n",
		total[1], total[2], total[3], total[4]);
}

/* The workbook or the PDF of the year, every unit's row, written to out. */
static int year_file(mc_store *st, FILE *out, const char *format, const mc_par_result *res, size_t n)
{
	mc_time_ctx *tc = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	mc_buf pdf;
	int rc;

	mc_buf_init(&pdf, MC_FORM_PDF_MAX);
	if (strcmp(format, "xlsx") == 0) {
		rc = mc_par_export_xlsx(&data, &len, res, n, true, 0);
	} else {
		rc = mc_time_ctx_load(&tc, st);
		const mc_unit *root = rc == 0 ? mc_time_ctx_root(tc) : NULL;
		mc_par_pdf_head head = {.issuing_unit = root ? root->name : "",
					.place = root ? mc_api_unit_place(tc, root) : "",
					.date = mc_now()};
		if (rc == 0)
			rc = mc_par_export_pdf(&pdf, res, n, true, 0, &head);
		data = (unsigned char *)pdf.data;
		len = pdf.len;
	}
	if (rc)
		fprintf(stderr, "motcua report par: could not write the %s (%d)\n", format, rc);
	else if (fwrite(data, 1, len, out) != len || fflush(out) != 0) {
		fprintf(stderr, "motcua report par: could not write the %s out\n", format);
		rc = MC_ERROR;
	}
	if (data != (unsigned char *)pdf.data)
		free(data);
	mc_buf_free(&pdf);
	mc_time_ctx_free(tc);
	return rc ? 1 : 0;
}

int mc_cli_report_par(int argc, char **argv)
{
	const char *db = NULL, *year_s = NULL, *format = NULL, *out_path = NULL;
	mc_store *st = NULL;
	mc_par_framework *list = NULL;
	mc_par_result *res = NULL;
	size_t n = 0, done = 0;
	FILE *out = stdout;
	int status = 1;

	for (int i = 0; i < argc; i++) {
		const char **v = strcmp(argv[i], "--db") == 0	    ? &db
				 : strcmp(argv[i], "--year") == 0   ? &year_s
				 : strcmp(argv[i], "--format") == 0 ? &format
				 : strcmp(argv[i], "--out") == 0    ? &out_path
								    : NULL;
		if (strcmp(argv[i], "--json") == 0) {
			format = "json";
			continue;
		}
		if (!v || i + 1 >= argc) {
			fprintf(stderr, "motcua report par: %s %s\n", argv[i],
				v ? "needs a value" : "is not an option");
			return 2;
		}
		*v = argv[++i];
	}
	char *end = NULL;
	long year = year_s ? strtol(year_s, &end, 10) : 0;
	if (!db || !year_s || !format || *end || year < 2000 || year > 2200) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "md") != 0 && strcmp(format, "xlsx") != 0 &&
	    strcmp(format, "pdf") != 0) {
		fprintf(stderr, "motcua report par: --format must be json, md, xlsx or pdf\n");
		return 2;
	}
	if (mc_store_open(&st, db) != 0 || mc_store_migrate(st) != 0) {
		fprintf(stderr, "motcua report par: could not open the database %s\n", mc_cli_shown(db));
		goto cleanup;
	}
	if (mc_store_par_framework_list(st, &list, &n, (int)year) != 0) {
		fprintf(stderr, "motcua report par: could not read the frameworks\n");
		goto cleanup;
	}
	res = calloc(n ? n : 1, sizeof *res);
	for (done = 0; done < n; done++) {
		if (mc_app_par_results(st, &res[done], list[done].id) != 0) {
			fprintf(stderr,
				"motcua report par: could not compute the results of framework %lld\n",
				(long long)list[done].id);
			goto cleanup;
		}
	}
	if (out_path && !(out = fopen(out_path, "wb"))) {
		fprintf(stderr, "motcua report par: could not open %s\n", out_path);
		out = stdout;
		goto cleanup;
	}
	if (strcmp(format, "json") == 0) {
		json_t *j = year_json(res, n, (int)year);
		status = json_dumpf(j, out, JSON_INDENT(1)) == 0 && fputc('\n', out) != EOF ? 0 : 1;
		json_decref(j);
	} else if (strcmp(format, "md") == 0) {
		year_md(out, res, n, (int)year);
		status = ferror(out) ? 1 : 0;
	} else {
		status = year_file(st, out, format, res, n);
	}
cleanup:
	if (out != stdout && fclose(out) != 0)
		status = 1;
	for (size_t i = 0; i < done; i++)
		mc_par_result_clear(&res[i]);
	free(res);
	mc_par_framework_free_list(list, n);
	mc_store_close(st);
	return status;
}

int mc_cli_reform_par(mc_store *st, mc_reform *r)
{
	mc_par_framework *list = NULL;
	size_t n = 0;
	int64_t from = mc_local_day_start(r->first_day), to = mc_local_day_start(r->last_day + 1);
	int year = 0, rc = mc_store_par_framework_list(st, &list, &n, 0);
	mc_reform_par *x = &r->par;

	/* The latest year whose results were published in the period. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (list[i].state == MC_PAR_PUBLISHED && list[i].published_at >= from &&
		    list[i].published_at < to && list[i].year > year)
			year = list[i].year;
	}
	for (size_t i = 0; rc == 0 && year && i < n; i++) {
		mc_par_result res;
		int g = list[i].group - 1;
		if (list[i].year != year || list[i].state != MC_PAR_PUBLISHED || g < 0 ||
		    g >= MC_REFORM_PAR_GROUPS)
			continue;
		rc = mc_app_par_results(st, &res, list[i].id);
		if (rc)
			break;
		x->year = year;
		if (!x->decision)
			x->decision = strdup(res.framework.decision);
		x->units[g] += (int)res.n_units;
		for (size_t k = 0; k < res.n_units; k++)
			x->grades[g][res.results[k].grade]++;
		/* The best ranks, in rank then code order. */
		for (int rank = 1; rank <= (int)res.n_units && x->n_top[g] < MC_REFORM_PAR_TOP; rank++) {
			for (size_t k = 0; k < res.n_units && x->n_top[g] < MC_REFORM_PAR_TOP; k++) {
				const mc_par_result_unit *u = &res.results[k];
				if (u->rank != rank)
					continue;
				x->top_name[g][x->n_top[g]] = strdup(u->unit_name);
				x->top_points[g][x->n_top[g]] = u->points_cp;
				x->top_max[g][x->n_top[g]] = u->max_cp;
				x->n_top[g]++;
			}
		}
		mc_par_result_clear(&res);
	}
	mc_par_framework_free_list(list, n);
	return rc;
}
