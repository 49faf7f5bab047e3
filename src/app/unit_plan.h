/*
 * app/unit_plan.h - reorganisation plans of the units (docs/units.md): an
 * administrator of the root describes a change (merge A, B, C into D; split
 * one unit into several; rename; move under another parent; end every unit
 * of a level), previews it and applies it on its day.
 *
 * A plan's body is JSON:
 *
 *   {"name": "…", "effective": "2025-07-01", "users": "move" | "deactivate",
 *    "operations": [
 *      {"kind": "merge",  "from": ["A", "B"], "into": "C" | {new unit}},
 *      {"kind": "split",  "from": "A", "into": [{new unit}, …]},
 *      {"kind": "rename", "from": "A", "into": {"code": "A2", "name": "…"}},
 *      {"kind": "move",   "from": "A", "into": {"code": "A2", "parent": "P"}},
 *      {"kind": "end_level", "level": "district"}]}
 *
 * where a new unit is {"code", "name", "level", "parent"} (rename and move
 * take the old unit's name, level and parent for what they leave out). A
 * unit that ends gets valid_to = the effective day and its successors'
 * links; its open dossiers go to its first successor (the merged unit, the
 * first part of a split, the renamed or moved unit, the parent of an ended
 * level) with a "reorganise" event, their codes and due times unchanged; its
 * users are moved there or deactivated, as "users" says.
 *
 * Refused (MC_EINVAL, with the field and the rule in *problem): a unit merged
 * into itself ("self"), a successor or parent that ends in the same plan
 * ("cycle"), a unit ending twice ("twice"), a unit that ends leaving a child
 * in force ("orphan"), unknown or ended units ("unknown", "ended"), a code
 * taken ("duplicate"), a parent unknown or created later in the plan ("unknown"),
 * a new unit placed where the tree's shape forbids (core/code.h
 * mc_unit_parent_needed, as POST /api/v1/units: "level"), an effective day
 * before 2000 ("range"), and, on "effective", a day that is not after the
 * day a unit it ends came into force, or a unit it ends that has a dossier
 * filed or received on that day or later ("too-early"; the dossiers of the
 * day of the check do not count: the plan takes them with it).
 */
#ifndef MC_APP_UNIT_PLAN_H
#define MC_APP_UNIT_PLAN_H

#include "app/dossier.h"

#include <jansson.h>

/* Where a plan is wrong: the field's path in the body and the rule broken. */
typedef struct {
	char field[96];
	char rule[16];
} mc_plan_problem;

/* A plan checked against the store, ready to preview or apply. */
typedef struct mc_plan mc_plan;

/*
 * Parses body (the JSON above) and checks it against the units in st as
 * they stand. On success *out is the plan (mc_plan_free). MC_EINVAL (or
 * MC_ENOTFOUND for an unknown unit) with mc_err's message and *problem
 * filled when it is refused.
 */
int mc_app_unit_plan_check(mc_plan **out, mc_plan_problem *problem, mc_store *st, const char *body);
void mc_plan_free(mc_plan *p);
/* The plan's name (borrowed) and effective day. */
const char *mc_plan_name(const mc_plan *p);
int32_t mc_plan_day(const mc_plan *p);

/* What the plan will do, as the preview shows it (docs/openapi.yaml
 * UnitPlanPreview): the units it creates, those it ends with where their
 * open dossiers and users go and how many, and the totals. New reference. */
int mc_app_unit_plan_preview(json_t **out, mc_store *st, const mc_plan *p);

/*
 * Applies stored plan plan_id inside the caller's write transaction at `at`
 * by actor: checks its body again against the store as it is now, then
 * creates, ends, links and moves. A plan whose day is after at's local day
 * is only marked scheduled (*applied false), for mc_app_unit_plan_apply_due.
 * MC_ECONFLICT with reason MC_REASON_STATE when it was applied already.
 * Fills *out (mc_unit_plan_clear) as stored after.
 */
int mc_app_unit_plan_apply(mc_store *st, const mc_actor *actor, int64_t plan_id, int64_t at, bool *applied,
			   mc_unit_plan *out);
/* Applies, in the caller's transaction, every scheduled plan whose day has
 * come by `now`, as the system; *n counts them. */
int mc_app_unit_plan_apply_due(mc_store *st, int64_t now, int *n);

/* The effective date "YYYY-MM-DD" of day into out (11 bytes). */
void mc_plan_day_format(char out[11], int32_t day);

#endif
