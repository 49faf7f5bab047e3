/*
 * demo.h - the demo province that `motcua init --demo` loads: Thanh Hóa (H56)
 * as the 2017 administrative-reform report 6366/BC-UBND describes it, with its
 * provincial departments, its 27 districts and 635 communes with the dates
 * they took up the one-stop mechanism and the electronic one-stop system, a
 * catalogue of procedures with their national record fields and publication
 * history (57 in detail, the rest as catalogue entries), demo accounts, and
 * generated dossiers that have lived through the real rules of the app layer.
 * Its first half of 2017 holds the figures the report states (docs/statistics.md §8).
 *
 * The data is data/demo/{province,communes,catalogue}.json, embedded in the
 * binary (province.c loads it). Applicants are invented (generated names,
 * identity numbers and phones); the generator (generate.c) is reproducible
 * from its seed, and hands each life to a sink (sink.h) that carries it out
 * through the app layer action by action or in bulk.
 */
#ifndef MC_DEMO_H
#define MC_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app/dossier.h"
#include "store/store.h"

/*
 * Loads the demo province (units, procedures, users) from
 * data/demo/province.json. Every demo account gets password (hashed once).
 * Writes a short summary to log (may be NULL); errors go to stderr. Runs its
 * own transaction: on failure nothing is left behind. Returns 0, MC_ECONFLICT
 * when the units or accounts already exist, MC_EINVAL for malformed data, or
 * the store's error.
 */
int mc_demo_load(mc_store *st, const char *password, FILE *log);

/* The provincial People's Committee's registers and documents of 2017
 * (documents.c), report 6366/BC-UBND among them; inside mc_demo_load's
 * transaction. */
int mc_demo_documents(mc_store *st, FILE *log);

/*
 * The registers of 2017 of Sở Tài nguyên và Môi trường and UBND huyện Quảng
 * Xương with a few documents each (documents.c), issued but not yet signed
 * nor sent: cli/demo_sign.c does that. Its own transaction. Run after the
 * dossiers, so that the demo's apologies of 2017 keep the numbers of form
 * 04's own series (docs/forms.md) rather than taking numbers of these
 * registers' series, whose 2017 numbers are written as the documents bore
 * them.
 */
int mc_demo_unit_documents(mc_store *st, FILE *log);

/* Whether the demo's outgoing document notation of unit unit_code was issued
 * without a digital signature (documents.c): cli/demo_sign.c leaves it so. */
bool mc_demo_document_unsigned(const char *unit_code, const char *notation);

/*
 * A year (2017) of documents between the demo's units (documents.c): count
 * documents issued by the departments and districts whose registers start
 * empty (not Sở Tài nguyên và Môi trường nor Quảng Xương, whose numbers are
 * those their documents bore), on working days at office hours, numbered in
 * order in their outgoing registers (the counter), sent to the province,
 * departments or districts, where the copies arrive and most are registered
 * in order of arrival (số đến, renumbering the hand-made ones among them)
 * and assigned without a task. Unsigned. Gives every department and district
 * its two registers of 2017. The same seed gives the same documents. Run
 * after cli/demo_sign.c. Its own transaction.
 */
int mc_demo_year(mc_store *st, const mc_time_ctx *tc, int count, uint64_t seed, FILE *log);

/* The home address of the demo account username, which the store does not
 * keep, from its "address" in the demo data; "" when it has none. */
void mc_demo_account_address(char *out, size_t cap, const char *username);

/*
 * Generates count dossiers filed between from and to (UTC seconds; to is the
 * demo's "now": no action happens after it) across the demo procedures and
 * units. Each is taken through a realistic life with the app layer, so that
 * every state occurs (submitted, received, not_accepted, processing, some of
 * them transferred to another unit, supplement_requested, awaiting_payment,
 * withdrawn, stopped, resolved, returned) and a share are late. Times of each
 * action fall in office hours after the previous one. Only the detailed
 * procedures (those with steps) and units with a one-stop desk take dossiers. The same seed on the
 * same database gives the same dossiers. Runs in transactions of a few
 * hundred dossiers; a failure rolls back only the current batch. Writes a
 * summary to log (may be NULL). Requires mc_demo_load to have run. This is
 * mc_demo_generate with the live sink (sink.h).
 */
int mc_demo_dossiers(mc_store *st, const mc_time_ctx *tc, int count, uint32_t seed, int64_t from, int64_t to,
		     FILE *log);

/*
 * The same generator for large volumes (`motcua demo`): each dossier's life is
 * decided in memory by the app layer's own rules (mc_app_dossier_build and
 * mc_app_dossier_apply: due times, codes per unit and day, states, reasons)
 * and written at once when it ends: the dossier as it stands, its events
 * chained in order, its payments. Transactions of a few thousand dossiers.
 * With the same seed on the same database the rows equal mc_demo_dossiers'
 * except each dossier's version (1: written once) and the payment references
 * (random). This is mc_demo_generate with the bulk sink (sink.h).
 */
int mc_demo_dossiers_bulk(mc_store *st, const mc_time_ctx *tc, int count, uint32_t seed, int64_t from,
			  int64_t to, FILE *log);

/*
 * The 2017 directives of the provincial People's Committee and its Chairman
 * with their tasks to departments, districts and (delegated by Quảng Xương)
 * communes, each taken through a life with app/task.h at 2017 times so that
 * every state occurs, some late (tasks.c, docs/tasks.md §8). Its own
 * transaction. Requires mc_demo_load; tc as loaded after it.
 */
int mc_demo_tasks(mc_store *st, const mc_time_ctx *tc, FILE *log);

/*
 * The same province after the reorganisation of 1 July 2025 (reorg.c,
 * docs/units.md): count dossiers filed from April to June 2025 (seed as
 * mc_demo_dossiers), many left open, then a plan applied at 2025-07-01 that
 * merges each district's communes four by four into new communes under the
 * province and ends the district level; open dossiers and users move to the
 * successors. The 2017 units stay, ended, with their figures. Requires
 * mc_demo_load; tc as loaded after it.
 */
int mc_demo_reorganise(mc_store *st, const mc_time_ctx *tc, int count, uint32_t seed, FILE *log);

/*
 * The demo's administrative-reform index (data/demo/par.json, demo/par.c):
 * the public service units the 2016 rating counts, the appraisal council,
 * the 2016 cycle published as report 6366/BC-UBND gives it and the open 2017
 * cycle with its criteria computed from the dossiers. Run after the dossiers;
 * its own transaction.
 */
int mc_demo_par(mc_store *st, FILE *log);

#endif
