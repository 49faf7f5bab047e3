/*
 * store_backend.h - how the public functions of store.h reach a backend.
 * Private to src/store.
 *
 * Each backend (store_sqlite*.c, store_pg*.c) has its own connection struct
 * whose first member is a struct mc_store naming the backend, and implements
 * every operation of store.h as mc_<backend>_<op> taking that struct. store.c
 * defines the public mc_store_<op> once for all, as a direct call into the
 * backend the connection belongs to (one predictable branch, no lookup).
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
	X(rollback)                                                                                          \
	X(savepoint)                                                                                         \
	X(savepoint_release)                                                                                 \
	X(savepoint_rollback)

/* Every other operation of store.h except open, close and path. All return int. */
#define MC_STORE_OPS(X)                                                                                      \
	X(schema_version, (int *out), (out))                                                                 \
	X(backup, (const char *dest), (dest))                                                                \
	X(restore, (const char *src), (src))                                                                 \
	X(set_limits, (const mc_store_limits *limits), (limits))                                             \
	X(lock_wait, (int ms), (ms))                                                                         \
	X(data_changed, (bool *changed, bool *known), (changed, known))                                      \
	X(upload_usage, (mc_upload_usage * out, int64_t user_id, int64_t since), (out, user_id, since))      \
	X(upload_record, (int64_t user_id, const char *sha256, int64_t size, const char *mime, int64_t at),  \
	  (user_id, sha256, size, mime, at))                                                                 \
	X(upload_owned, (bool *out, int64_t user_id, const char *sha256), (out, user_id, sha256))            \
	X(upload_discard, (const char *sha256, int64_t at), (sha256, at))                                    \
	X(upload_expire, (int64_t * expired, int64_t before, int limit), (expired, before, limit))           \
	X(files_sweep, (int64_t * removed, int limit), (removed, limit))                                     \
	X(files_clean_tmp, (int64_t * removed, int64_t before), (removed, before))                           \
	X(check_integrity, (bool *complete, char *problem, size_t cap, int64_t budget_ms),                   \
	  (complete, problem, cap, budget_ms))                                                               \
	X(writable, (bool *out), (out))                                                                      \
	X(schema_latest, (int *out), (out))                                                                  \
	X(audit_head, (mc_audit_anchor * out), (out))                                                        \
	X(audit_pending, (mc_audit_entry * *out, size_t * n, int limit), (out, n, limit))                    \
	X(audit_anchor_add, (const mc_audit_anchor *a, const mc_audit_entry *e, size_t n), (a, e, n))        \
	X(audit_bounds, (int64_t * max_anchor, int64_t * max_dossier), (max_anchor, max_dossier))            \
	X(audit_anchors, (mc_audit_anchor * *out, size_t * n, int64_t lo, int64_t hi), (out, n, lo, hi))     \
	X(audit_entries, (mc_audit_entry * *out, size_t * n, bool by_anchor, int64_t lo, int64_t hi),        \
	  (out, n, by_anchor, lo, hi))                                                                       \
	X(audit_dossiers, (mc_audit_entry * *out, size_t * n, int64_t lo, int64_t hi), (out, n, lo, hi))     \
	X(event_scan_range,                                                                                  \
	  (int64_t lo, int64_t hi, int (*cb)(const mc_event *e, void *payload), void *payload),              \
	  (lo, hi, cb, payload))                                                                             \

/* Operations whose public function does more than call the backend: the
 * statistics roll-up is kept in the transaction of every write that changes
 * it, and migrating builds it (store/store_rollup.c). The backends implement
 * them like the others; store_rollup.c reaches them through
 * mc_store_backend_<op> (store/store_rollup.h). */
#define MC_STORE_OPS0_WRAPPED(X) X(migrate)
#define MC_STORE_OPS_WRAPPED(X)                                                                              \

/* Declares a backend's implementation of every operation: prefix mc_sqlite
 * with type struct mc_sqlite gives int mc_sqlite_unit_get(struct mc_sqlite
 * *st, mc_unit *out, int64_t id); and so on. */
#define MC_STORE_DECLARE0_(prefix, type, name) int prefix##_##name(type *st);
#define MC_STORE_DECLARE_(prefix, type, name, params) int prefix##_##name(type *st, MC_UNPAREN params);

#endif
