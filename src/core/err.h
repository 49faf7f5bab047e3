/*
 * err.h - why an operation failed, carried to the layer that answers for it.
 *
 * A function that fails returns its MC_E... code (mc.h), as everywhere. The
 * app layer also records why, for the calling thread: a reason from the list
 * below and a message saying what exactly was wrong ("cannot receive a
 * dossier that is processing"). The caller that answers for the failure
 * takes both right after the call, on the same thread, with mc_err_take; the
 * HTTP layer maps each reason to one problem type and status
 * (http/problem.c), so a handler does not guess from the code alone why an
 * action failed. libgit2's git_error_set and git_error_last work the same
 * way; callers that need no reason (the CLI, the demo generator) ignore it.
 *
 * Reasons name what went wrong in the domain's words, not in HTTP's: core
 * knows nothing of statuses.
 */
#ifndef MC_CORE_ERR_H
#define MC_CORE_ERR_H

#include "core/mc.h"

typedef enum {
	MC_REASON_NONE = 0,	     /* only the code is known: a store or system failure */
	MC_REASON_NOT_FOUND,	     /* the thing named does not exist (or is not the caller's to know) */
	MC_REASON_UNKNOWN_PROCEDURE, /* a procedure named by a request does not exist */
	MC_REASON_UNKNOWN_UNIT,	     /* a unit named by a request does not exist */
	MC_REASON_INVALID_FIELD,     /* a value of the request cannot be used (or stored) */
	MC_REASON_MISSING_FIELD,     /* a value the action needs was not given (a reason, a note) */
	MC_REASON_ROLE,		     /* the caller's role, or ownership, does not allow it */
	MC_REASON_SCOPE,	     /* the unit concerned lies outside the caller's scope */
	MC_REASON_STATE,	     /* the dossier's state does not allow it now */
	MC_REASON_STALE,	     /* the record changed since the caller read it */
	MC_REASON_DUPLICATE,	     /* it exists already (a username) */
	MC_REASON_CODES_EXHAUSTED,   /* a unit has used every dossier code of the day */
	MC_REASON_FILING_LIMIT,	     /* the account or address has filed as many dossiers as it may */
	MC_REASON_UPLOAD_QUOTA,	     /* the account holds or sent as many uploads as it may */
	MC_REASON_APOLOGY_ISSUED,    /* the apology has been issued already */
	MC_REASON_APOLOGY_OUTDATED,  /* the apology's new date no longer fits the dossier */
	MC_REASON_UNKNOWN_PAYMENT,   /* no payment has the reference a confirmation names */
	MC_REASON_AMOUNT_MISMATCH,   /* a confirmation's amount is not the amount owed */
	MC_REASON_PAYMENT_CLOSED,    /* the payment was settled or closed otherwise */
	MC_REASON_NOTHING_OWED,	     /* no amount is owed online */
	MC_REASON_UNIT_ENDED,	     /* the unit named has ended (docs/units.md): its successor serves */
	MC_REASON_BOUNDARY, /* a desk receiving for a unit whose procedure it may not receive (core/onestop.h)
			     */
	MC_REASON_RETURN_BOUNDARY,   /* a centre chosen to hand back a result that may not (core/onestop.h) */
	MC_REASON_CONTENT_DESTROYED, /* a stored file destroyed with a disposed work file (docs/documents.md
					§12) */
	MC_REASON_OWN_UNIT,	     /* a council member judging their own unit (docs/par-index.md §4) */
	MC_REASON_SUPPLEMENT_AGAIN,  /* a further supplement request, by other than a leader */
	MC_REASON_REFUSE_OVERDUE,    /* refusing at reception a dossier received and past its due time */
	MC_REASON_RETURN_NO_DESK,    /* a centre chosen to hand back a result where no desk officer can */
	MC_REASON_COUNT_
} mc_reason;

/* The longest message kept, with its NUL. */
#define MC_ERR_MSG_MAX 400

typedef struct {
	int code;		  /* MC_E..., 0 = no error */
	mc_reason reason;	  /* MC_REASON_NONE when only the code is known */
	int64_t retry_after;	  /* seconds after which trying again may succeed, 0 = not said */
	char msg[MC_ERR_MSG_MAX]; /* what was wrong, lower case, no final period; "" = not said */
} mc_err;

/*
 * Records for the calling thread that the current operation fails with code
 * (negative) for reason, with a message, and returns code:
 *   return mc_err_set(MC_ECONFLICT, MC_REASON_STATE, "cannot %s a dossier that is %s", ...);
 * A message too long for MC_ERR_MSG_MAX is cut (it is only ever shown).
 */
int mc_err_set(int code, mc_reason reason, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds to the calling thread's error after how many seconds trying again may succeed. */
void mc_err_retry_after(int64_t seconds);
/* An account's hourly limit on a kind of write, counted in the store in the
 * write itself: 0 while count is below limit, else MC_ELIMIT, "you have
 * <done> <limit> <what> in the last hour, the most one may; try again
 * later", and a retry after an hour. */
int mc_err_hourly(int64_t count, int limit, const char *done, const char *what);
/* Forgets the calling thread's error. Each public function of the app layer
 * that records reasons starts with it, so none is left from an earlier call. */
void mc_err_clear(void);
/*
 * Fills *out with why the operation that returned rc failed: the calling
 * thread's error when it was recorded for rc, else rc alone (no reason, no
 * message); all zero when rc is 0. Forgets the thread's error. Call it
 * right after the operation, on its thread.
 */
void mc_err_take(mc_err *out, int rc);
/* The calling thread's error as recorded (borrowed; code 0 when none). */
const mc_err *mc_err_last(void);
/* e when it is the error of rc; else e made rc alone (no reason): a write
 * whose job succeeded but whose commit failed is answered by the commit's
 * code. Returns e. */
mc_err *mc_err_for(mc_err *e, int rc);

/* Fills *out for a failure found without an operation (a handler's own check). */
void mc_err_make(mc_err *out, int code, mc_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Puts text before e's message ("codes[3]: "), when it has one. */
void mc_err_prefix(mc_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
