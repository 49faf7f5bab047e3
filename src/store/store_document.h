/*
 * store_document.h - the store's operations on official documents: their
 * registers and numbers, the documents and their append-only events
 * (migration 018; rules in core/document.h, their life in app/document.h).
 * Part of the store's one interface (store.h), in a header of its own.
 *
 * Structs the store fills own their strings, freed by their clear function;
 * structs handed to the store are only read.
 */
#ifndef MC_STORE_DOCUMENT_H
#define MC_STORE_DOCUMENT_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A register (sổ đăng ký văn bản) of one issuing body and box (core/document.h mc_doc_box). */
typedef struct {
	int64_t id;
	char *province_code;
	int64_t unit_id;
	int box;
	char *name;	  /* "Sổ đăng ký văn bản đi" */
	char *organ_abbr; /* the body's abbreviation in notations: "UBND" */
	int64_t created_at;
} mc_doc_register;

void mc_doc_register_clear(mc_doc_register *g);
void mc_doc_register_free_list(mc_doc_register *list, size_t n);

/* Records a register; sets g->id. MC_ECONFLICT when the unit has one of
 * that box, MC_ENOTFOUND for an unknown unit. */
int mc_store_doc_register_add(mc_store *st, mc_doc_register *g);
/* MC_ENOTFOUND when there is none. Clear *out. */
int mc_store_doc_register_get(mc_store *st, mc_doc_register *out, int64_t id);
int mc_store_doc_register_of(mc_store *st, mc_doc_register *out, int64_t unit_id, int box);
/* The registers of the units in unit_id's subtree, by unit and box. */
int mc_store_doc_register_list(mc_store *st, mc_doc_register **out, size_t *n, int64_t unit_id);

/*
 * The next number of a series of a register in a year (art. 16, 22): 1 the
 * first time, one more than the last after. Taken in the caller's
 * transaction, whose row lock orders every writer of the series (servers
 * sharing a PostgreSQL database too): rolled back with it, the number is
 * given again, so the series has no gap and no number twice.
 */
int mc_store_doc_number_next(mc_store *st, int64_t *out, int64_t register_id, int year, const char *series);

typedef struct {
	int64_t id;
	char *province_code;
	int box;
	int64_t register_id;
	int64_t unit_id;
	int64_t drafting_unit_id;
	int state;
	int64_t version;
	char *type;
	bool normative;
	int urgency;
	int secrecy;
	char *subject;
	char *body;
	char *drafting_abbr;
	char *place;
	char *signer_position;
	char *signer_name;
	char *recipients;      /* nơi nhận, as written */
	char *recipient_units; /* unit codes it is sent to, comma-separated */
	int year;
	char *series;
	int64_t number;
	char *notation;	     /* "12/QĐ-UBND"; an incoming document's is the sender's */
	char *organ_name;    /* incoming: the sending body */
	int64_t issued_at;   /* outgoing: issued; incoming: the sender's date */
	int64_t received_at; /* incoming: registered */
	int64_t source_id;   /* incoming: the outgoing document it is a copy of */
	int64_t assigned_unit_id;
	int64_t assignee_id;
	int64_t deadline;
	char *direction;
	char *note;
	int64_t created_by;
	int64_t created_at;
	int64_t updated_at;
	char *cooperating_units; /* incoming: the cooperating units' ids, comma-separated (art. 23) */
	int64_t task_id;	 /* incoming: the task its assignment is tracked as; 0 = none */
} mc_document;

void mc_document_clear(mc_document *d);
void mc_document_free_list(mc_document *list, size_t n);

/* The folded text a document is found by (number and notation, subject,
 * sender, body; and its uploaded file's, mc_store_document_file_text) is
 * written with it. Records a new document (version 1); sets d->id and
 * d->version. MC_ENOTFOUND for an unknown register, unit or user. */
int mc_store_document_add(mc_store *st, mc_document *d);
/* MC_ENOTFOUND when no document has this id. Clear *out. */
int mc_store_document_get(mc_store *st, mc_document *out, int64_t id);
/*
 * Writes every field of d that may change (its register, unit and drafting
 * unit too, which only a reorganisation changes) over the row of d->id whose
 * version is if_version, and moves its version to if_version + 1.
 * MC_ESTALE when the row is at another version (or gone); MC_ECONFLICT when
 * the number or notation is taken.
 */
int mc_store_document_update(mc_store *st, const mc_document *d, int64_t if_version);

typedef struct {
	int64_t scope_unit_id; /* documents whose unit or drafting unit lies in its subtree */
	int64_t register_id;   /* 0 = any */
	int box;	       /* 0 = both */
	int year;	       /* 0 = any */
	int state;	       /* 0 = any */
	bool numbered;	       /* only documents with a number (the register) */
	bool by_number;	       /* in the register's order (year, number) rather than newest first */
	const char *q;	       /* folded text to find in number, notation, subject, sender; NULL = all */
	int limit;	       /* 1..1000 */
	int offset;
} mc_document_query;

/* The most matches a list counts: counting every match of a common word
 * among a million documents costs more than the page itself, and a person
 * reads "more than 1,000" as well as the number. */
#define MC_DOCUMENT_COUNT_MAX 1000

/* A page of documents and the count of all that match, up to
 * MC_DOCUMENT_COUNT_MAX + 1 (more than the most, which the caller says as
 * such). Caller frees with mc_document_free_list. */
int mc_store_document_list(mc_store *st, mc_document **out, size_t *n, int64_t *total,
			   const mc_document_query *q);

typedef struct {
	int64_t id;
	int64_t document_id;
	int64_t at;
	int64_t user_id;
	char *user_name;
	char *role;
	int64_t unit_id;
	char *action;
	int from_state;
	int to_state;
	char *note;
	char hash[65];	      /* core/audit.h: over the fields and the previous event's hash; "" before 030 */
	int file_version;     /* the uploaded version it refers to (migration 034); 0 = none */
	char file_sha256[65]; /* that version's SHA-256; "" = none */
} mc_document_event;

void mc_document_event_clear(mc_document_event *e);
void mc_document_event_free_list(mc_document_event *list, size_t n);
/* Appends an event; sets e->id. MC_EINVAL without e->hash: the caller
 * computes it (app/document.h: mc_app_document_event_append). */
int mc_store_document_event_add(mc_store *st, mc_document_event *e);
/* Inside a write transaction, takes the document's chain lock (db.h
 * mc_db_lock), held until the commit; nothing outside one. A write that
 * reads a document to decide on it (its state: may a draft still take a
 * file?) takes it first, so that a change committed meanwhile on another
 * server is read, and every document write takes its locks in one order:
 * this one, then the document's row. */
int mc_store_document_lock(mc_store *st, int64_t document_id);
/* The hash of the document's last event into out ("" when it has none, or
 * only events from before the chain). Inside a write transaction, it first
 * takes the document's chain lock (db.h mc_db_lock), held until the commit:
 * the next appender on another server waits and reads this one's event. */
int mc_store_document_event_head(mc_store *st, int64_t document_id, char out[65]);
/* Calls cb on every document event in (document_id, id) order, a page at a
 * time with no statement open while cb runs; a non-zero return of cb stops
 * the scan and is returned. */
int mc_store_document_event_scan(mc_store *st, int (*cb)(const mc_document_event *e, void *payload),
				 void *payload);
/* The first event id that must carry a hash: the events below it were
 * written before migration 030 and are not chained. */
int mc_store_document_event_chained_from(mc_store *st, int64_t *id);
/* Sets the text of d's latest uploaded file (a DOCX's, mc_doc_docx_text),
 * folded, as part of what d is found by, after its fields. Inside the
 * caller's transaction; "" clears it. */
int mc_store_document_file_text(mc_store *st, const mc_document *d, const char *text);

/*
 * Folds the search text of every document again from its fields (number and
 * notation, subject, sender, body): what migration 034 runs, in its
 * transaction, when the body joined the search. *count: documents folded.
 */
int mc_store_document_search_refold(mc_store *st, int64_t *count);

/* The first event of action in a document's log (the last one with last
 * set) into *out (cleared by the caller): MC_ENOTFOUND when it has none. */
int mc_store_document_event_find(mc_store *st, mc_document_event *out, int64_t document_id,
				 const char *action, bool last);
/* A page of a document's events, oldest first: the last `limit` of those
 * whose id is below before_id (0: of all), and *more when older ones are
 * left (every edit of a draft is a step: up to 300 an hour from one
 * account, core/limits.h). */
int mc_store_document_events_page(mc_store *st, mc_document_event **out, size_t *n, bool *more,
				  int64_t document_id, int64_t before_id, int limit);
/* How many document events user_id has recorded since `since` (the hourly
 * limit), counted under the account's lock (db.h mc_db_lock_account). */
int mc_store_document_events_by(mc_store *st, int64_t *out, int64_t user_id, int64_t since);
/* The ids of the documents unit_id still has in hand, by id: not issued,
 * recalled or replaced, and unit_id their unit, drafting unit or unit in
 * charge. What a reorganisation that ends the unit hands to its successor. */
int mc_store_unit_open_documents(mc_store *st, int64_t **out, size_t *n, int64_t unit_id);
/* The ids of the copies delivered inside the deployment of the outgoing
 * document source_id (its incoming copies, by id). */
int mc_store_document_copy_ids(mc_store *st, int64_t **out, size_t *n, int64_t source_id);

#endif
