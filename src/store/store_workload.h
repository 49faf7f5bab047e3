/*
 * store_workload.h - how many open dossiers each officer of a unit has in
 * hand, for choosing whom to hand a dossier to (GET
 * /api/v1/units/{code}/officers). Written once on the driver
 * (store_workload.c).
 */
#ifndef MC_STORE_WORKLOAD_H
#define MC_STORE_WORKLOAD_H

#include "store/store.h"

typedef struct {
	int64_t user_id;
	int64_t open; /* dossiers it handles that are received and not yet resolved or finished */
} mc_workload;

/*
 * The officers of unit_id (accounts whose role is held in that unit, not in
 * its subtree) that handle one or more dossiers in hand (received,
 * processing, waiting for a supplement or a payment), with how many; those
 * that handle none are not listed. Caller frees *out with free.
 */
int mc_store_unit_workload(mc_store *st, mc_workload **out, size_t *n, int64_t unit_id);

#endif
