/*
 * reform.h - the data-driven parts of the semi-annual administrative-reform
 * report (báo cáo tình hình thực hiện cải cách hành chính), section II of a
 * report like Thanh Hóa's 6366/BC-UBND of 24/05/2017: the procedures
 * published in the period by kind, the units running the one-stop mechanism
 * and the electronic one-stop system per level, the online services by level,
 * the dossier figures and on-time rates, the apologies and the satisfaction
 * of applicants.
 *
 * mc_reform_collect gathers the figures from the store with the rules of
 * docs/statistics.md (§8 for the figures beside the dossiers); the writers
 * turn them into the report's Vietnamese text, the same sentences in
 * Markdown and in a PDF laid out as Nghị định 30/2020 wants (the heading and
 * text pieces of render/form.h).
 */
#ifndef MC_REPORT_REFORM_H
#define MC_REPORT_REFORM_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

/* The levels of the tables, in the report's order. */
enum {
	MC_REFORM_PROVINCE = 0, /* the province's own desk and its departments: cấp tỉnh */
	MC_REFORM_DISTRICT,	/* the districts' own desks: cấp huyện */
	MC_REFORM_COMMUNE,	/* the communes: cấp xã */
	MC_REFORM_LEVELS_
};

/*
 * The reform index and the rating of units published in the period
 * (docs/par-index.md): the latest year whose results were published then.
 * The report layer does not reach the app layer that computes them: the
 * command fills this (cli/report_par.c) after mc_reform_collect; left zero,
 * the report has no such paragraphs. Groups as core/par_index.h mc_par_group
 * less one, grades as its mc_par_grade.
 */
#define MC_REFORM_PAR_GROUPS 4
#define MC_REFORM_PAR_TOP 3
typedef struct {
	int year;	/* 0: nothing published in the period */
	char *decision; /* owned */
	int units[MC_REFORM_PAR_GROUPS];
	int grades[MC_REFORM_PAR_GROUPS][5];
	/* The highest indices of each group: names (owned), points and maxima in hundredths. */
	char *top_name[MC_REFORM_PAR_GROUPS][MC_REFORM_PAR_TOP];
	int32_t top_points[MC_REFORM_PAR_GROUPS][MC_REFORM_PAR_TOP];
	int32_t top_max[MC_REFORM_PAR_GROUPS][MC_REFORM_PAR_TOP];
	size_t n_top[MC_REFORM_PAR_GROUPS];
} mc_reform_par;

typedef struct {
	mc_unit unit;		     /* the unit reported on (with its subtree), normally the province */
	int32_t first_day, last_day; /* the period, local days (since 1970-01-01), both included */
	mc_pub_counts pubs;	     /* procedures published in the period, by kind */
	mc_pub_decision *decisions;  /* the decisions that published them */
	size_t n_decisions;
	mc_one_stop_count
	    one_stop[4];   /* on the last day, by unit level (province, department, district, commune) */
	int64_t online[5]; /* procedures in force on the last day by online level (2..4; 0 none) */
	int64_t in_force;
	mc_stats_counts dossiers; /* the unit's subtree over the period */
	mc_stats_counts by_level[MC_REFORM_LEVELS_];
	mc_rating_summary ratings;
	mc_reform_par par; /* filled by the caller; freed by mc_reform_clear */
} mc_reform;

/*
 * Gathers the figures of unit_id's subtree for [first_day, last_day] (local
 * days, both included); open dossiers are judged at the end of the period or
 * at now, whichever comes first. Free with mc_reform_clear. MC_EINVAL for an
 * empty period, MC_ENOTFOUND for an unknown unit, or the store's error.
 */
int mc_reform_collect(mc_reform *out, mc_store *st, int64_t unit_id, int32_t first_day, int32_t last_day,
		      int64_t now);
void mc_reform_clear(mc_reform *r);

/* The most bytes of the report the command writes, in either format: the
 * text is a few pages, its PDF a few hundred KiB. */
#define MC_REFORM_MAX ((size_t)64 * 1024 * 1024)

/*
 * The report as Markdown, dated `date` (UTC seconds), appended to out within
 * the limit out was made with. MC_ETOOBIG when it would pass it: the report
 * is refused, never cut. On failure out may hold part of it.
 */
int mc_reform_markdown(mc_buf *out, const mc_reform *r, int64_t date);

/* The report as an A4 PDF, dated `date`, appended to out; MC_ETOOBIG as
 * mc_reform_markdown, MC_ERROR when cairo fails. */
int mc_reform_pdf(mc_buf *out, const mc_reform *r, int64_t date);

/* 1816 -> "1.816", 8 -> "08" (counts below ten take a leading zero, as in
 * administrative writing), 0 -> "0". Returns buf. */
char *mc_reform_count(char *buf, size_t cap, int64_t n);

/* part/whole as a percentage with a decimal comma: "99,7%", "100%"; "-"
 * when whole is 0. Returns buf. */
char *mc_reform_percent(char *buf, size_t cap, int64_t part, int64_t whole);

/* The period in words: "6 tháng đầu năm 2017", "6 tháng cuối năm 2017",
 * "năm 2017", "quý II năm 2017", else "từ ngày 01/01/2017 đến ngày
 * 15/3/2017". Returns buf (cap >= 64). */
char *mc_reform_period_words(char *buf, size_t cap, int32_t first_day, int32_t last_day);

#endif
