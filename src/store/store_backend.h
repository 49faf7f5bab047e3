/*
 * store_backend.h - how the public functions of store.h reach a backend.
 * Private to src/store.
 *
 * Each backend (store_sqlite*.c, store_pg*.c) has its own connection struct
 * whose first member is a struct mc_store naming the backend. Most
 * operations are written once, in store_<resource>.c on the driver (db.h);
 * those listed below are still written per engine, as mc_<backend>_<op>
 * taking that struct, and store.c defines their public mc_store_<op> as a
 * direct call into the backend the connection belongs to (one predictable
 * branch, no lookup).
 *
 * The operations are listed once below (an X-macro, as SQLite's opcodes and
 * the PostgreSQL error-code list are): X(name, (parameters after the store),
 * (arguments)). From the list come the backends' prototypes and the
 * dispatching functions, so that adding an operation to store.h means adding
 * one line here, and the compiler then asks each backend for it.
 */
#ifndef MC_STORE_BACKEND_H
#define MC_STORE_BACKEND_H

#include "store/store.h"

enum mc_store_backend {
	MC_BACKEND_SQLITE = 1,
	MC_BACKEND_PG = 2,
};

struct mc_store {
	enum mc_store_backend backend;
	struct mc_qcache *qs; /* the driver's statements (db.c) */
};

/* Frees the driver's statements of a connection, before the engine closes it. */
void mc_db_cache_free(mc_store *st);

#define MC_UNPAREN(...) __VA_ARGS__

/* The operations without parameters besides the store. */
#define MC_STORE_OPS0(X)                                                                                     \
	X(begin)                                                                                             \
	X(commit)                                                                                            \
	X(rollback)

/* Every other operation of store.h except open, close and path. All return int. */
#define MC_STORE_OPS(X)                                                                                      \
	X(schema_version, (int *out), (out))                                                                 \
	X(data_changed, (bool *changed, bool *known), (changed, known))                                      \
	X(check_integrity, (bool *complete, char *problem, size_t cap, int64_t budget_ms),                   \
	  (complete, problem, cap, budget_ms))                                                               \
	X(writable, (bool *out), (out))

/* Declares a backend's implementation of every operation: prefix mc_sqlite
 * with type struct mc_sqlite gives int mc_sqlite_unit_get(struct mc_sqlite
 * *st, mc_unit *out, int64_t id); and so on. */
#define MC_STORE_DECLARE0_(prefix, type, name) int prefix##_##name(type *st);
#define MC_STORE_DECLARE_(prefix, type, name, params) int prefix##_##name(type *st, MC_UNPAREN params);

#endif
