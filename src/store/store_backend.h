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

#include "core/rollup.h"
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
	X(procedure_create, (mc_procedure * p), (p))                                                         \
	X(procedure_update, (mc_procedure * p), (p))                                                         \
	X(procedure_get, (mc_procedure * out, const char *code, bool with_parts), (out, code, with_parts))   \
	X(procedure_get_id, (mc_procedure * out, int64_t id, bool with_parts), (out, id, with_parts))        \
	X(procedure_search, (mc_procedure * *out, size_t *n, int64_t *total, const mc_proc_query *q),        \
	  (out, n, total, q))                                                                                \
	X(procedure_fields, (mc_proc_field * *out, size_t *n, const char *level), (out, n, level))           \
	X(procedure_pub_counts, (mc_pub_counts * out, int32_t first_day, int32_t last_day),                  \
	  (out, first_day, last_day))                                                                        \
	X(procedure_pub_decisions, (mc_pub_decision * *out, size_t *n, int32_t first_day, int32_t last_day), \
	  (out, n, first_day, last_day))                                                                     \
	X(procedure_in_force, (int64_t by_level[5], int64_t *total, int32_t day), (by_level, total, day))    \
	X(dossier_next_seq, (int *out, int64_t unit_id, int32_t local_day, mc_code_space space),             \
	  (out, unit_id, local_day, space))                                                                  \
	X(dossier_get, (mc_dossier * out, const char *code, bool with_docs), (out, code, with_docs))         \
	X(dossier_version, (int64_t * out, const char *code), (out, code))                                   \
	X(data_changed, (bool *changed, bool *known), (changed, known))                                      \
	X(dossier_by_attachment, (mc_dossier * *out, size_t *n, const char *sha256), (out, n, sha256))       \
	X(dossier_list, (mc_dossier * *out, size_t *n, int64_t *total, const mc_dossier_query *q),           \
	  (out, n, total, q))                                                                                \
	X(filing_record, (int64_t dossier_id, int64_t user_id, const char *peer, int64_t at),                \
	  (dossier_id, user_id, peer, at))                                                                   \
	X(filing_lock, (int64_t user_id, const char *peer), (user_id, peer))                                 \
	X(filing_nth, (int64_t * out, int64_t user_id, const char *peer, int64_t since, int n),              \
	  (out, user_id, peer, since, n))                                                                    \
	X(submission_list,                                                                                   \
	  (mc_submission * *out, size_t *n, int64_t *total, const mc_submission_query *q),                   \
	  (out, n, total, q))                                                                                \
	X(submission_groups,                                                                                 \
	  (mc_submission_group * *out, size_t *n, const mc_submission_query *q, bool by_peer, int limit),   \
	  (out, n, q, by_peer, limit))                                                                       \
	X(event_scan, (int (*cb)(const mc_event *e, void *payload), void *payload), (cb, payload))           \
	X(event_list, (mc_event * *out, size_t *n, int64_t dossier_id), (out, n, dossier_id))                \
	X(dossier_public,                                                                                    \
	  (mc_dossier * out, char *procedure_name, size_t name_cap, mc_event **events, size_t *n,            \
	   const char *code),                                                                                \
	  (out, procedure_name, name_cap, events, n, code))                                                  \
	X(attachment_write, (char sha256_out[65], const void *data, size_t len), (sha256_out, data, len))    \
	X(attachment_record, (const char *sha256, int64_t size, const char *mime), (sha256, size, mime))     \
	X(attachment_put, (char sha256_out[65], const void *data, size_t len, const char *mime),             \
	  (sha256_out, data, len, mime))                                                                     \
	X(attachment_stat, (int64_t * size, char *mime, size_t mime_cap, const char *sha256),                \
	  (size, mime, mime_cap, sha256))                                                                    \
	X(attachment_get, (void **data, size_t *len, char *mime, size_t mime_cap, const char *sha256),       \
	  (data, len, mime, mime_cap, sha256))                                                               \
	X(attachment_open, (int *fd, int64_t *size, char *mime, size_t mime_cap, const char *sha256),        \
	  (fd, size, mime, mime_cap, sha256))                                                                \
	X(check_integrity, (bool *complete, char *problem, size_t cap, int64_t budget_ms),                   \
	  (complete, problem, cap, budget_ms))                                                               \
	X(writable, (bool *out), (out))                                                                      \
	X(stats_overdue,                                                                                     \
	  (mc_stats_overdue * *out, size_t *n, int64_t *total, int64_t unit_id, int64_t now, int limit,      \
	   int offset),                                                                                      \
	  (out, n, total, unit_id, now, limit, offset))                                                      \
	X(stats_months, (mc_stats_month * *out, size_t *n, int64_t unit_id, int year), (out, n, unit_id, year)) \
	X(apology_add, (mc_apology * a), (a))                                                                \
	X(apology_get, (mc_apology * out, int64_t dossier_id, int64_t id), (out, dossier_id, id))            \
	X(apology_list, (mc_apology * *out, size_t *n, int64_t dossier_id), (out, n, dossier_id))            \
	X(apology_register,                                                                                  \
	  (mc_apology_entry * *out, size_t *n, int64_t *total, int64_t unit_id, int64_t from, int64_t to,    \
	   int limit, int offset),                                                                           \
	  (out, n, total, unit_id, from, to, limit, offset))                                                 \
	X(calendar_set_year, (int year, const mc_day_entry *days, size_t n, const char *source),             \
	  (year, days, n, source))                                                                           \
	X(calendar_delete_year, (int year), (year))                                                          \
	X(calendar_each,                                                                                     \
	  (int (*cb)(int year, const mc_day_entry *days, size_t n, const char *source, void *payload),       \
	   void *payload),                                                                                   \
	  (cb, payload))                                                                                     \
	X(generation, (int64_t * out), (out))                                                                \
	X(rating_put, (const mc_rating *r), (r))                                                             \
	X(rating_get, (mc_rating * out, int64_t dossier_id), (out, dossier_id))                              \
	X(rating_summary, (mc_rating_summary * out, int64_t unit_id, int64_t from, int64_t to),              \
	  (out, unit_id, from, to))                                                                          \
	X(outbox_add, (mc_message * m), (m))                                                                 \
	X(outbox_due, (mc_message * *out, size_t *n, int64_t now, int limit), (out, n, now, limit))          \
	X(outbox_claim, (mc_message * *out, size_t *n, int64_t now, int limit, int64_t lease_seconds),       \
	  (out, n, now, limit, lease_seconds))                                                               \
	X(outbox_done, (int64_t id, bool ok, const char *error, int64_t at, int64_t next_at),                \
	  (id, ok, error, at, next_at))                                                                      \
	X(outbox_of_dossier, (mc_message * *out, size_t *n, int64_t dossier_id), (out, n, dossier_id))       \
	X(gauges, (int64_t by_state[11], int64_t *overdue, int64_t now), (by_state, overdue, now))           \
	X(outbox_depth, (int64_t * out), (out))                                                              \
	X(payment_create, (mc_payment * p), (p))                                                             \
	X(payment_by_reference, (mc_payment * out, const char *reference), (out, reference))                 \
	X(payment_latest, (mc_payment * out, int64_t dossier_id), (out, dossier_id))                         \
	X(payment_settle, (const mc_payment *p), (p))

/* Operations whose public function does more than call the backend: the
 * statistics roll-up is kept in the transaction of every write that changes
 * it, and the statistics read it (store/rollup.c; migrating builds it too,
 * after store_migrate.c's mc_store_backend_migrate). The
 * backends implement them like the others; rollup.c reaches them through
 * mc_store_backend_<op> (store/store_rollup.h). */
#define MC_STORE_OPS_WRAPPED(X)                                                                              \
	X(dossier_insert, (mc_dossier * d), (d))                                                             \
	X(dossier_update, (mc_dossier * d, int64_t expected_version), (d, expected_version))                 \
	X(event_append, (mc_event * e), (e))                                                                 \
	X(apology_issue,                                                                                     \
	  (int64_t id, int64_t old_due, int64_t issued_by, const char *issued_by_name, int64_t at),          \
	  (id, old_due, issued_by, issued_by_name, at))                                                      \
	X(stats, (mc_stats_row * *out, size_t *n, const mc_stats_query *q), (out, n, q))

/* The days asked of the roll-up for one period (store/rollup.c): month cells
 * before month_end, day cells in [day_lo[i], day_hi[i]), and the cells of
 * later supplement requests made in [rep_lo, rep_hi) whose previous request
 * was on a day before rep_lo. */
typedef struct {
	int32_t month_end;
	int32_t day_lo[2], day_hi[2];
	int32_t rep_lo, rep_hi;
} mc_rollup_span;

/* The roll-up's own operations, private to src/store (store/store_rollup.h):
 *  rollup_dossier     the columns the figures read, and the dossier's latest
 *                     supplement request; MC_ENOTFOUND when none
 *  rollup_apology_dossier  the dossier an apology belongs to
 *  rollup_add         adds the cells' counters to the table (one upsert each)
 *  rollup_read        the cells of a unit's subtree for a span, each with
 *                     unit_id set to the direct child of unit_id that holds
 *                     its unit (0: the unit itself), as the statistics group
 *  rollup_open_overdue  the same keys, with v[MC_RU_OVERDUE] the open
 *                     dossiers overdue when judged at `at` (the current period)
 *  rollup_scan        every dossier (kind 0), supplement request (1, ordered
 *                     by dossier then time, at = its time) and issued apology
 *                     (2, at = issued) for rebuilding the table
 *  rollup_built / rollup_set_built / rollup_clear  the table's state; in a
 *                     write transaction rollup_built locks it, so that one
 *                     server only builds it
 *  rollup_atomic_begin / _end  a write and its roll-up cells all or nothing,
 *                     inside the caller's transaction or without one: end
 *                     releases on rc 0, else undoes, and returns rc */
#define MC_STORE_OPS0_ROLLUP(X) X(rollup_clear)
#define MC_STORE_OPS_ROLLUP(X)                                                                               \
	X(rollup_dossier, (mc_rollup_in * out, int64_t dossier_id), (out, dossier_id))                       \
	X(rollup_apology_dossier, (int64_t * dossier_id, int64_t apology_id), (dossier_id, apology_id))      \
	X(rollup_add, (const mc_rollup_cell *cells, size_t n), (cells, n))                                   \
	X(rollup_read, (mc_rollup_cell * *out, size_t *n, int64_t unit_id, const mc_rollup_span *span),      \
	  (out, n, unit_id, span))                                                                           \
	X(rollup_open_overdue, (mc_rollup_cell * *out, size_t *n, int64_t unit_id, int64_t at),              \
	  (out, n, unit_id, at))                                                                             \
	X(rollup_scan, (int (*cb)(int kind, const mc_rollup_in *d, int64_t at, void *payload), void *payload), \
	  (cb, payload))                                                                                     \
	X(rollup_built, (bool *out), (out))                                                                  \
	X(rollup_set_built, (bool built), (built))                                                           \
	X(rollup_atomic_begin, (int *kind), (kind))                                                          \
	X(rollup_atomic_end, (int kind, int rc), (kind, rc))

/* Declares a backend's implementation of every operation: prefix mc_sqlite
 * with type struct mc_sqlite gives int mc_sqlite_unit_get(struct mc_sqlite
 * *st, mc_unit *out, int64_t id); and so on. */
#define MC_STORE_DECLARE0_(prefix, type, name) int prefix##_##name(type *st);
#define MC_STORE_DECLARE_(prefix, type, name, params) int prefix##_##name(type *st, MC_UNPAREN params);

#endif
