/*
 * seq_marks.h - the highest dossier sequence number a store connection has
 * handed out per (unit, day), shared by both store backends.
 *
 * The dossier_seq row only grows, but a ROLLBACK TO of the savepoint that
 * took a number puts it back, and a later request in the same transaction
 * would get the same number again: a code already printed on a receipt. So a
 * connection remembers what it handed out and never goes below it. When a
 * whole transaction is gone, its numbers were never stored: the marks are
 * forgotten (mc_seq_marks_forget) so the next numbers follow the stored ones.
 * Each of a unit's day sequences (the desk's and the online one, core/code.h)
 * has its own mark.
 */
#ifndef MC_STORE_SEQ_MARKS_H
#define MC_STORE_SEQ_MARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_seq_mark {
	int64_t unit_id;
	int32_t day;
	int space; /* mc_code_space */
	int last;
	/* PostgreSQL in a group commit's first run (db.h: mc_db_defers): the
	 * row is locked by the transaction, which numbers on from last in
	 * memory and writes last back before its commit (stored: written). */
	bool held;
	int stored;
};

typedef struct {
	struct mc_seq_mark *marks;
	size_t n, cap;
	/* PostgreSQL in a group commit's first run: dossier ids drawn from the
	 * sequence ahead of their inserts, so that an insert need not wait for
	 * its id (store_dossier.c: take_id). The ids id_next .. id_end - 1 are
	 * this transaction's own, consecutive, and above every id another
	 * session had drawn when this one last took a day row's lock; none
	 * outlives the transaction. */
	int64_t id_next, id_end;
} mc_seq_marks;

/* The mark of (unit, day, space), created at 0 when new. Borrowed until the next call. */
struct mc_seq_mark *mc_seq_marks_get(mc_seq_marks *m, int64_t unit_id, int32_t day, int space);
/* A new transaction holds no row and no drawn id. */
void mc_seq_marks_release(mc_seq_marks *m);
/* Forgets every mark and drawn id (after a rollback of the whole transaction). */
void mc_seq_marks_forget(mc_seq_marks *m);
/* Frees the marks; the struct can be reused. */
void mc_seq_marks_free(mc_seq_marks *m);

#endif
