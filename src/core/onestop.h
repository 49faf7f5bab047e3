/*
 * onestop.h - the one-stop rules that changed in 2022 and 2025, and the day
 * each took effect, so that an act is judged by the rule of its own day
 * (docs/province-2026.md):
 *
 *  - where a dossier may be received. Until 30 June 2025 (Nghị định
 *    61/2018/NĐ-CP, the rule of the 2017 report) a desk receives for the units
 *    of its own scope only, by the procedure's levels or owner. From 1 July
 *    2025 (Nghị định 118/2025/NĐ-CP) the desks are the public administration
 *    service centres of the province and of the communes, and a procedure
 *    marked "tiếp nhận không phụ thuộc địa giới hành chính" is received at any
 *    centre of the province for its competent unit; one not so marked is
 *    received only at the competent unit's own centre;
 *
 *  - how an online service is classified. Nghị định 43/2011/NĐ-CP counted
 *    levels 1 to 4 (the 2017 report's "mức độ 2, 3, 4"); Nghị định
 *    42/2022/NĐ-CP, in force from 1 August 2022, classes a service "toàn
 *    trình" (full) or "một phần" (partial). A procedure keeps its level for
 *    the reports of the old periods and its class from the day it was given.
 *
 * Pure rules: no I/O.
 */
#ifndef MC_ONESTOP_H
#define MC_ONESTOP_H

#include <stdbool.h>
#include <stdint.h>

/* 1 July 2025 (local day, days since 1970-01-01): Nghị định 118/2025/NĐ-CP
 * and the two-level local government take effect. */
#define MC_ONESTOP_2025_DAY 20270
/* 1 August 2022: Nghị định 42/2022/NĐ-CP takes effect. */
#define MC_ONLINE_CLASS_DAY 19205

/* Where a desk may receive a dossier for a competent unit. */
typedef enum {
	MC_RECV_OWN = 0,       /* the competent unit lies in the desk's scope */
	MC_RECV_ANYWHERE,      /* another unit's, received regardless of boundary (NĐ 118/2025) */
	MC_RECV_BEFORE_2025,   /* another unit's, on a day before 1 July 2025: not here */
	MC_RECV_NOT_MARKED,    /* another unit's, and the procedure is not marked: not here */
	MC_RECV_OTHER_PROVINCE /* another province's unit: never here */
} mc_recv_rule;

/*
 * Which rule applies to a desk receiving, on local day `day`, a procedure
 * (marked receivable anywhere or not) for a competent unit that its scope
 * holds (in_scope) or not, in its own province (same_province) or not.
 */
mc_recv_rule mc_onestop_receive(bool in_scope, bool marked, bool same_province, int32_t day);

/* The online service in force on a day: a class, or the old level. */
typedef enum {
	MC_ONLINE_NONE = 0, /* a class in force that is not online ("") */
	MC_ONLINE_FULL,	    /* toàn trình */
	MC_ONLINE_PARTIAL,  /* một phần */
	MC_ONLINE_LEVEL,    /* no class yet on that day: the level (2, 3, 4) is in force */
} mc_online_kind;

/* "full" -> MC_ONLINE_FULL, "partial" -> MC_ONLINE_PARTIAL, "" or NULL ->
 * MC_ONLINE_NONE; -1 for anything else. */
int mc_online_class_parse(const char *s);
/* The inverse: "full", "partial" or "". */
const char *mc_online_class_name(mc_online_kind k);

/* The kind in force on `day` for a procedure of class `klass` ("full",
 * "partial", "" or NULL) given on local day `since` (0: none given). */
mc_online_kind mc_online_in_force(const char *klass, int32_t since, int32_t day);

/* Whether a dossier of such a procedure may be filed online on `day`: level
 * 3 or 4 while the level is in force, a class full or partial after. */
bool mc_online_filing_allowed(int level, const char *klass, int32_t since, int32_t day);

#endif
