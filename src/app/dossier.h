/*
 * app/dossier.h - the life of a dossier: filing, reception and every action
 * after it, applied to the store with the rules of core/.
 *
 * These functions run inside a write transaction that the caller opened (the
 * HTTP layer through the group committer, the CLI and the demo generator with
 * mc_store_begin). They decide, write the dossier and append the event; they
 * never commit. Every action is checked with mc_app_dossier_may (scope,
 * ownership, role, state) on the dossier as it is in the transaction. A
 * failure returns its MC_E... code and records its reason and a message for
 * the caller that answers for it (core/err.h: "cannot receive a dossier that
 * is processing").
 */
#ifndef MC_APP_DOSSIER_H
#define MC_APP_DOSSIER_H

#include "core/deadline.h"
#include "core/dossier.h"
#include "core/stats.h"
#include "store/store.h"

/* Who acts. user_id 0 = the system. */
typedef struct {
	int64_t user_id;
	mc_role role;
	int64_t unit_id; /* the unit the role is held in; 0 for citizens */
	char name[256];
	bool system; /* the system itself, on a verified outside confirmation (a paid fee) */
} mc_actor;

/* What the world looks like to the rules: the working calendar, the units and
 * their office hours, loaded once and shared read-only between threads. */
typedef struct mc_time_ctx mc_time_ctx;
const mc_workcal *mc_time_ctx_calendar(const mc_time_ctx *tc);

/* A new dossier. Strings and documents are borrowed (the dossier made of it
 * owns copies) and already clean (NFC, trimmed, within core/limits.h). */
typedef struct {
	const char *procedure_code;
	/* The procedure of that code as the caller read it (status included),
	 * or NULL: read in the filing's transaction. */
	const mc_procedure *procedure;
	mc_channel channel;
	int64_t unit_id; /* receiving unit; 0 = the actor's unit, or the procedure's owner */
	/* Online, by the applicant: the centre chosen to receive it (Nghị định
	 * 118/2025/NĐ-CP); 0 = the competent unit's own desk. */
	int64_t centre_id;
	/* The centre chosen to hand back the result (Nghị định 118/2025/NĐ-CP);
	 * 0 = the receiving unit's desk. */
	int64_t return_id;
	const char *applicant_name;
	const char *applicant_id_number;
	const char *applicant_phone;
	const char *applicant_email;
	const char *applicant_address;
	const mc_dossier_doc *docs;
	size_t n_docs;
	int64_t at; /* when it happens: now for live requests, past times for the demo */
} mc_dossier_new;

/*
 * Files a dossier. At the desk (direct, postal) it is received at once: code,
 * received_at and due_at are set. Online (a citizen) it is submitted and gets its
 * code; the due time is set when the desk receives it. Fills *out (caller clears
 * with mc_dossier_clear). MC_ENOTFOUND unknown procedure or unit, MC_EINVAL
 * abolished procedure or bad channel for the role, MC_EFORBIDDEN role.
 */
int mc_app_dossier_create(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor,
			  const mc_dossier_new *in, mc_dossier *out);

/*
 * Whether a dossier of procedure p may be filed by actor for unit u at `at`:
 * u takes p (it owns it, or its level is one of p's), and a desk receives
 * for u by the rule of that day (core/onestop.h): a unit of its scope, or,
 * from 1 July 2025, a marked procedure of a unit of its province, when
 * *reception is set to the desk's unit (0 otherwise). Else the reason is
 * recorded (core/err.h): MC_REASON_INVALID_FIELD, MC_REASON_SCOPE (before
 * 1 July 2025), MC_REASON_BOUNDARY. Filing applies it; the handler asks it
 * first, so that a desk's scope is answered before the rest of the body.
 */
int mc_app_dossier_receivable(const mc_time_ctx *tc, const mc_actor *actor, const mc_unit *u,
			      const mc_procedure *p, int64_t at, int64_t *reception);

typedef struct {
	mc_action action;
	const char *note;   /* reasons (required for refuse, request_supplement, stop, resolve refused) */
	int64_t to_unit_id; /* transfer: the unit that takes it over */
	int64_t handler_id; /* assign: the officer who will handle it; 0 = keep */
	int outcome;	    /* resolve: 1 approved, 2 refused */
	const mc_dossier_doc *docs; /* supplement: documents added; resolve: the result documents; borrowed:
				     * the dossier takes copies */
	size_t n_docs;
	int64_t amount;	    /* request_payment: VND owed; 0 = the sum of the procedure's fees */
	int64_t if_version; /* 0 = any; else MC_ECONFLICT unless the dossier is at this version */
	int64_t at;	    /* when it happens */
} mc_action_req;

/* Why an actor may not take an action now (mc_app_dossier_may). */
typedef enum {
	MC_MAY = 0,
	MC_MAY_NOT_SCOPE, /* an officer whose scope does not hold the unit concerned */
	MC_MAY_NOT_OWNER, /* a citizen on a dossier they do not own */
	MC_MAY_NOT_ROLE,  /* the role never takes it, or not from this state (assign) */
	MC_MAY_NOT_STATE, /* the dossier's state does not allow it */
} mc_may;

/*
 * Whether actor may take action on d now: the one rule that both the list of
 * actions shown with a dossier and the action itself apply, so that they
 * cannot disagree. In this order:
 * - the system (actor->system) takes only `pay`, when the payment platform
 *   has confirmed the fee (app/payment.h), with no scope or role;
 * - scope: a citizen must own the dossier; an officer's unit subtree must
 *   hold the receiving unit for the desk-side actions (receive, refuse,
 *   return, supplement, pay, withdraw: the one-stop desk that took it) and
 *   the current unit for the others (the unit holding it now);
 * - role: mc_dossier_role_may;
 * - state: mc_dossier_next_state from d's state (and resume_state);
 * - assign: the desk hands on a received dossier; inside processing only
 *   specialists and leaders assign.
 * The reasons an action must carry (notes, outcome, target unit) are checked
 * when it is taken.
 */
mc_may mc_app_dossier_may(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d,
			  mc_action action);

/* Whether an action concerns the receiving unit (desk side) rather than the
 * current one. */
bool mc_app_action_desk_side(mc_action action);

/* Whether refusing d at reception is too late at `at`: it was received and
 * its due time has passed (it is then resolved with outcome refused, which
 * counts as late). */
bool mc_app_refuse_past_due(const mc_dossier *d, int64_t at);
/* How many supplement requests the events (a dossier's, all of them, in
 * order) hold since the dossier was received: the desk's requests to an
 * online submission before its reception are the reception's own guidance
 * and do not count against the once-only rule. */
int mc_app_supplements_asked(const mc_event *ev, size_t n);
/* Whether actor may ask for a supplement once `asked` were asked: the
 * applicant is told everything missing at one time, so a further request is
 * a leader's (Nghị định 61/2018/NĐ-CP). */
bool mc_app_supplement_again_ok(const mc_actor *actor, int asked);

/*
 * Applies an action to the dossier with this code and appends its event.
 * Fills *out with the dossier after the action. MC_ENOTFOUND, MC_ECONFLICT (the
 * state does not allow it), MC_ESTALE (the version moved), MC_EFORBIDDEN
 * (mc_app_dossier_may refuses it for scope, ownership or role), MC_EINVAL
 * (missing reason, unknown unit, negative amount). Documents are added by
 * supplement (as inputs) and resolve (as results); other actions ignore them.
 * Payments (app/payment.h): request_payment records the amount owed (the
 * request's, else the procedure's fees; none when both are 0); a `pay` by a
 * person records the pending payment as paid by hand; withdraw and stop
 * cancel it.
 */
int mc_app_dossier_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
		       const mc_action_req *req, mc_dossier *out);

/*
 * Appends the event `action` (a name of core/dossier.h, or "apology") of d as
 * just written, from state from_state, by actor at `at`, with note (may be
 * NULL). For the app layer's own modules (apology.c); actions go through
 * mc_app_dossier_act.
 */
int mc_app_dossier_event(mc_store *st, const mc_dossier *d, const mc_actor *actor, const char *action,
			 int from_state, const char *note, int64_t at);

/*
 * Appends e to its dossier's log, chained (core/audit.h): its hash covers its
 * fields and the hash of the dossier's newest event before it. Sets e->hash
 * and e->id; e's strings are only read (NULL reads as ""). Every event is
 * appended this way; the store records the hash it is given. MC_ENOTFOUND for
 * an unknown dossier.
 */
int mc_app_dossier_event_append(mc_store *st, mc_event *e);

/*
 * The deciding halves of mc_app_dossier_create and mc_app_dossier_act, which
 * write nothing but the code's sequence number: for the bulk generator
 * (`motcua demo`), which keeps a dossier's life in memory and writes it at
 * once with mc_store_dossier_import, under exactly the same rules.
 *
 * mc_app_dossier_build checks and fills *out as create would insert it (no
 * id yet, no documents: in->docs are the caller's) and takes the unit's next
 * number of the day; *out owns copies of its strings (mc_dossier_clear; on
 * failure it is left cleared). mc_app_dossier_apply checks req against d
 * (mc_app_dossier_may, state, reasons, handler, target unit) and changes d as
 * act would before writing it, with copies of req's note and documents, by
 * the procedure's rules d was filed under (mc_dossier.cutoff_min).
 * mc_app_dossier_event_make fills the event act or create would
 * append, borrowing actor->name, action and note (which must outlive *e until
 * it is appended); mc_app_dossier_follow_payment writes what the action does
 * to the fee owed (d must be stored).
 */
int mc_app_dossier_build(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier_new *in,
			 mc_dossier *out);
int mc_app_dossier_apply(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, mc_dossier *d,
			 const mc_action_req *req);
void mc_app_dossier_event_make(mc_event *e, const mc_dossier *d, const mc_actor *actor, const char *action,
			       int from, const char *note, int64_t at);
int mc_app_dossier_follow_payment(mc_store *st, const mc_actor *actor, const mc_dossier *d,
				  const mc_action_req *req, const mc_procedure *proc, int from, int64_t at);

/* The columns of d its timeliness is judged on (core/stats.h: early, on time,
 * late, within time, overdue). */
mc_timing mc_app_dossier_timing(const mc_dossier *d);

/* ---- the time context ------------------------------------------------- */

/* Builds the calendar from the Labour Code rule and every official year stored
 * in st, and reads each unit's office hours. Caller frees with mc_time_ctx_free. */
int mc_time_ctx_load(mc_time_ctx **out, mc_store *st);
void mc_time_ctx_free(mc_time_ctx *tc);
/* The generation of the units and calendar it was loaded from
 * (mc_store_generation, read before them): when the store's has moved since,
 * an edit - on this server or another - is not in it yet. */
int64_t mc_time_ctx_generation(const mc_time_ctx *tc);
/* The unit with this id as it was when the context was loaded, or NULL.
 * Borrowed. Units change rarely; their edits reload the context. */
const mc_unit *mc_time_ctx_unit(const mc_time_ctx *tc, int64_t unit_id);
/* The unit with this code as it was when the context was loaded, or NULL
 * (a unit made since on another server: read it). Borrowed. */
const mc_unit *mc_time_ctx_unit_by_code(const mc_time_ctx *tc, const char *code);
/* Every unit, sorted by id; *n their number. Borrowed. */
const mc_unit *mc_time_ctx_units(const mc_time_ctx *tc, size_t *n);
/* The search key (mc_text_fold) of the name of the i-th unit of
 * mc_time_ctx_units, made once at load: "ubnd phuong ba dinh". Borrowed. */
const char *mc_time_ctx_unit_key(const mc_time_ctx *tc, size_t i);
/* The root of the unit tree (the province; the first one by id when there
 * are several), or NULL when there are no units. Borrowed. */
const mc_unit *mc_time_ctx_root(const mc_time_ctx *tc);
/* Whether unit_id is ancestor_id or lies in its subtree. */
bool mc_time_ctx_within(const mc_time_ctx *tc, int64_t unit_id, int64_t ancestor_id);
/* The unit that holds unit_id's place on the local day `day`: unit_id itself
 * while in force, else its successor's heir (successor_id, followed); NULL
 * for an unknown unit. An ended unit without a successor is its own heir.
 * Borrowed. */
const mc_unit *mc_time_ctx_heir(const mc_time_ctx *tc, int64_t unit_id, int32_t day);
/* MC_EINVAL with reason MC_REASON_UNIT_ENDED, the detail naming field, u
 * and its successor, when u has ended by the local day `day` (valid_to on or
 * before it): an ended unit takes no new work (docs/units.md §3); 0 else. */
int mc_app_unit_ended_or_zero(const mc_time_ctx *tc, const mc_unit *u, int32_t day, const char *field);
/* Office hours of a unit (the default when it has none of its own). Borrowed. */
const mc_office_hours *mc_time_ctx_hours(const mc_time_ctx *tc, int64_t unit_id);
/* Whether an online submission to unit_id, submitted at submitted_at and
 * still waiting for the desk, is overdue for reception at `now`: the desk
 * handles it (receives, refuses or asks for a supplement) within one working
 * day, so it is overdue once more working time than one of the unit's
 * working days (its office hours' length: 8 hours by default) has passed
 * since it was submitted, counted with the calendar and the unit's office
 * hours as due times are (core/deadline.h). */
bool mc_app_reception_overdue(const mc_time_ctx *tc, int64_t unit_id, int64_t submitted_at, int64_t now);

#endif
