/*
 * store_rollup.h - the statistics roll-up's operations inside the store
 * (core/rollup.h says what the table holds, store/rollup.c keeps it).
 * Private to src/store and its tests.
 */
#ifndef MC_STORE_ROLLUP_H
#define MC_STORE_ROLLUP_H

#include "store/store_backend.h"

/* The roll-up's operations (store_backend.h), dispatched to the backend. */
#define MC_STORE_ROLLUP_PUBLIC0(name) int mc_store_##name(mc_store *st);
#define MC_STORE_ROLLUP_PUBLIC(name, params, args) int mc_store_##name(mc_store *st, MC_UNPAREN params);
MC_STORE_OPS0_ROLLUP(MC_STORE_ROLLUP_PUBLIC0)
MC_STORE_OPS_ROLLUP(MC_STORE_ROLLUP_PUBLIC)

/* The backend's own implementation of a wrapped operation. */
#define MC_STORE_BACKEND_OP(name, params, args) int mc_store_backend_##name(mc_store *st, MC_UNPAREN params);
MC_STORE_OPS_WRAPPED(MC_STORE_BACKEND_OP)
/* The migrations without the roll-up (store_migrate.c). */
int mc_store_backend_migrate(mc_store *st);

/* Empties the table and counts every dossier, supplement request and issued
 * apology into it again, inside the caller's write transaction. */
int mc_store_rollup_rebuild(mc_store *st);

#endif
