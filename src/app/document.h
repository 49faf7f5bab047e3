/*
 * app/document.h - the life of an official document (Nghị định
 * 30/2020/NĐ-CP; docs/documents.md): the rules of core/document.h applied
 * to the store.
 *
 * Outgoing: a specialist drafts for an issuing body that holds their unit
 * (art. 10), submits; a leader whose scope holds the drafting unit approves
 * or returns it with a note (art. 11); a leader whose scope holds the
 * issuing body signs (art. 13); the clerk (văn thư, the desk role) of the
 * issuing body issues it: the number of its series is taken, the number and
 * notation written, and a copy goes to each recipient unit's incoming box
 * (art. 15-17, 19). Incoming: the clerk registers an arrived copy or a paper
 * document with the next số đến (art. 21-22); a leader of the receiving
 * unit names the unit in charge, the officer, the direction and the
 * deadline (art. 23). Every step appends an event.
 *
 * These run inside a write transaction the caller opened (the group
 * committer's job) and never commit. A failure records its reason and
 * message (core/err.h).
 */
#ifndef MC_APP_DOCUMENT_H
#define MC_APP_DOCUMENT_H

#include "app/dossier.h"
#include "core/document.h"
#include "store/store_document.h"
#include "store/store_document_file.h"

/* The fields of a draft. Strings are borrowed, clean (NFC, trimmed) and
 * within core/limits.h. */
typedef struct {
	int64_t unit_id; /* the issuing body; 0 = the drafter's unit */
	const char *type;
	bool normative;
	mc_doc_urgency urgency;
	mc_doc_secrecy secrecy;
	const char *subject;
	const char *body;
	const char *drafting_abbr;
	const char *place;
	const char *signer_position;
	const char *signer_name;
	const char *recipients;	     /* nơi nhận, as written */
	const char *recipient_units; /* unit codes, comma-separated: each must have an incoming register */
} mc_doc_draft;

/* Appends e to its document's hash-chained log (core/audit.h): reads the
 * document's last hash, computes e->hash over it and e's fields, stores e.
 * Inside the caller's write transaction (which orders the events). */
int mc_app_document_event_append(mc_store *st, mc_document_event *e);

/* Whether actor may see d: an officer (not a citizen) whose scope holds the
 * document's unit, its drafting unit or the unit assigned to it. */
bool mc_app_document_may_see(const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d);

/*
 * Whether actor may take action on d now: 0, or the refusal recorded -
 * MC_EFORBIDDEN (role: MC_REASON_ROLE; unit: MC_REASON_SCOPE), MC_ECONFLICT
 * (state). What mc_app_document_act checks, for a handler to refuse before
 * it queues a write.
 */
int mc_app_document_check(const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			  mc_doc_action action);

/*
 * A new draft by actor (a specialist) at `at`. MC_EFORBIDDEN (not a
 * specialist; the issuing body does not hold the drafter's unit), MC_EINVAL
 * (an unknown kind, normative for a kind that cannot be, a bad abbreviation,
 * a recipient unit unknown or without an incoming register), MC_ENOTFOUND
 * (the issuing body has no outgoing register). Fills *out (clear it).
 */
int mc_app_document_draft(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_doc_draft *in,
			  int64_t at, mc_document *out);

/* Replaces the fields of draft id (its drafter, while draft or returned) at
 * version if_version. As mc_app_document_draft, and MC_ENOTFOUND,
 * MC_ECONFLICT (state), MC_ESTALE (another version). */
int mc_app_document_edit(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			 int64_t if_version, const mc_doc_draft *in, int64_t at, mc_document *out);

/* A step of a document's life. */
typedef struct {
	mc_doc_action action;
	int64_t if_version;	    /* the version the caller saw; 0 = whatever it is */
	const char *note;	    /* return: required; any step: kept in the event */
	int64_t to_unit_id;	    /* assign: the unit in charge (chủ trì), in the leader's scope */
	int64_t assignee_id;	    /* assign: an officer of that unit's subtree; 0 = none */
	int64_t deadline;	    /* assign: when it must be dealt with, after at; 0 = none */
	const int64_t *cooperating; /* assign: the cooperating units (phối hợp), as a task's */
	size_t n_cooperating;
	int track;	  /* assign: a task tracks it: 1 yes, -1 no, 0 by default (docs/documents.md §4) */
	int file_version; /* approve, return: the uploaded version reviewed; 0 = the latest */
	int64_t at;
	/* issue: signs the numbered document and keeps it as its file, inside
	 * the write, before the issue event is appended; sha256 gets the signed
	 * file's SHA-256 (hex), which that event records. NULL = not signed. */
	int (*seal)(mc_store *st, const mc_document *d, void *ctx, char sha256[65]);
	void *seal_ctx;
	/* issue: another issued outgoing document of the same body that this
	 * one replaces (art. 18; mc_app_document_replace); 0 = none */
	int64_t replaces_id;
} mc_doc_act;

/*
 * Applies a step to document id and appends its event; fills *out with the
 * document after it (clear it). MC_ENOTFOUND, MC_EFORBIDDEN, MC_ECONFLICT (a
 * step its state does not allow), MC_EINVAL (a return without a note, an
 * assignment to a unit or officer outside the scope, a deadline not after
 * now; replaces with a step other than issue), MC_ESTALE (the version is
 * not if_version). An issue naming replaces_id is refused as
 * mc_app_document_replace refuses it, before anything is numbered. Sign is
 * mc_app_document_sign with no signed file.
 */
int mc_app_document_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			const mc_doc_act *act, mc_document *out);

/*
 * The leader signs document id (art. 13): the "sign" event. With signed_pdf
 * (the document's rendering signed on the leader's own device, PAdES, which
 * the caller has checked against what it prepared) that file becomes the
 * document's, with one signature, and its signature request is removed.
 */
int mc_app_document_sign(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			 int64_t if_version, const unsigned char *signed_pdf, size_t signed_len, int64_t at,
			 mc_document *out);

/*
 * Whether user_id may take one more step on documents at now: 0 while the
 * account recorded fewer than MC_LIMIT_DOCUMENT_STEPS_PER_HOUR of them (its
 * events) in the hour before; else MC_ETOOMANY with the refusal set
 * (mc_err_hourly). Counted in the store, in the caller's write, for every
 * step: drafts, edits, registrations, actions, and the exchange's sends,
 * recalls and statuses told by hand.
 */
int mc_app_document_step_allowed(mc_store *st, int64_t user_id, int64_t now);

/*
 * A copy of issued document d in the incoming box of each unit of its
 * recipient_units (state arrived, source_id d, an "arrive" event by actor at
 * d's issue time): the exchange inside one deployment, as issuing sends it;
 * the demo (cli/demo_sign.c) sends its units' documents so. In the caller's
 * transaction. A recipient a reorganisation ended after the draft named it
 * is delivered to at its successor (once, when two merged into one);
 * MC_EINVAL (unit-ended) when it has none, MC_EINVAL when the unit
 * receiving has no incoming register.
 */
int mc_app_document_dispatch(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor,
			     const mc_document *d);

/*
 * Ends one copy c of an outgoing document (one delivered inside the
 * deployment, or received from a peer whose recall or replacement came):
 * to_state (MC_DOC_RECALLED or MC_DOC_REPLACED) with an event of action and
 * note at `at`; it takes no further step. In the caller's transaction.
 */
int mc_app_document_copy_end(mc_store *st, mc_document *c, mc_doc_state to_state, const char *action,
			     const char *note, int64_t at);

/*
 * Ends the copies of outgoing document d delivered inside the deployment
 * (document.source_id d) at once (art. 18): each copy not ended yet goes to
 * to_state (MC_DOC_RECALLED or MC_DOC_REPLACED) with an event of action
 * and note at `at`, and takes no further step. *n counts the copies ended
 * now, *before those recalled or replaced already. In the caller's
 * transaction.
 */
int mc_app_document_copies_end(mc_store *st, const mc_document *d, mc_doc_state to_state, const char *action,
			       const char *note, int64_t at, size_t *n, size_t *before);

/*
 * A reorganisation ended from_unit (app/unit_plan.c): document id, still in
 * hand (not issued, recalled or replaced), follows its successor to_unit
 * wherever from_unit stood to it (its unit, drafting unit, unit in charge,
 * a cooperating unit); one not numbered yet goes to the successor's
 * register of its box when there is one. drop_assignee: the officer it was
 * assigned to was deactivated with the unit. Written at a new version with
 * a "reorganise" event (note) on its chain. In the caller's transaction.
 */
int mc_app_document_reorganise(mc_store *st, const mc_actor *actor, int64_t id, int64_t from_unit,
			       int64_t to_unit, bool drop_assignee, const char *note, int64_t at);

/*
 * Issued outgoing document d replaces document old_id of the same body
 * (art. 18): the old one's copies inside the deployment end as "replaced"
 * with a "replace" event "Được thay thế bởi văn bản số <d's number>", and
 * the old one gets a "replaced" event by actor naming d. Refused: old_id no
 * document (MC_ENOTFOUND), outside actor's scope (MC_EFORBIDDEN), d itself,
 * incoming, another body's or not issued (MC_EINVAL), recalled
 * (MC_ECONFLICT, MC_REASON_STATE) or replaced already (MC_ECONFLICT,
 * MC_REASON_DUPLICATE). With check_only nothing is written. In the
 * caller's transaction.
 */
int mc_app_document_replace(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			    int64_t old_id, bool check_only, int64_t at);

/* A version of a draft uploaded as a file, already in the file store. */
typedef struct {
	mc_doc_file_kind kind; /* checked (mc_doc_file_check) */
	const char *filename;  /* clean, within MC_LIMIT_DOCUMENT_FILENAME */
	const char *sha256;
	int64_t size;
	const char *text; /* a DOCX's text (mc_doc_docx_text), searched with the document; NULL for a PDF */
} mc_doc_upload;

/*
 * The drafter of outgoing document id uploads the next version of its draft
 * (docs/documents.md §3b) at `at`, and the "upload" event records its number
 * and SHA-256. MC_ENOTFOUND, MC_EFORBIDDEN (outside the scope: MC_REASON_SCOPE;
 * not the drafter: MC_REASON_ROLE), MC_ECONFLICT (the draft is not being
 * drafted or sent back: submitted, approved, signed, issued). Fills *out
 * (clear it).
 */
int mc_app_document_version_add(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
				const mc_doc_upload *in, int64_t at, mc_document_version *out);

/*
 * The drafter of outgoing document id attaches a PDF (phụ lục, văn bản kèm
 * theo; docs/documents.md §3c) while it is a draft or returned: in->sha256
 * of in->size bytes, named in->filename (in->kind and in->text unused); the
 * "attach" event records its name. As mc_app_document_version_add, and
 * MC_EINVAL when it holds MC_LIMIT_DOCUMENT_ATTACHMENTS already. Fills *out.
 */
int mc_app_document_attachment_add(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
				   const mc_doc_upload *in, int64_t at, mc_document_attachment *out);
/* The drafter takes attachment number off document id while it is drafted
 * or returned (art. 10-11): a "detach" event names it; its rows and file are
 * kept. MC_ENOTFOUND for no such attachment (or one removed already),
 * MC_EFORBIDDEN for another than the drafter, MC_ECONFLICT once submitted. */
int mc_app_document_attachment_remove(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
				      int number, int64_t at);

/* A paper (or otherwise received) document registered by the clerk. */
typedef struct {
	const char *type;
	mc_doc_urgency urgency;
	mc_doc_secrecy secrecy;
	const char *subject;
	const char *organ_name; /* the sending body */
	const char *code;	/* its number and notation, "345/UBND-VP" */
	int64_t issued_at;	/* its date; 0 = not known */
	const char *note;
} mc_doc_incoming;

/*
 * Registers an incoming document in the incoming register of actor's unit
 * (a clerk's) at `at`, with the next số đến of the year (art. 22). MC_EFORBIDDEN,
 * MC_EINVAL (unknown kind), MC_ENOTFOUND (the unit has no incoming
 * register). Fills *out (clear it).
 */
int mc_app_document_receive(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor,
			    const mc_doc_incoming *in, int64_t at, mc_document *out);

#endif
