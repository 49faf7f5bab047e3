/*
 * store_exchange.h - the store's operations on edXML packages exchanged
 * with peers (migration 024; the rules in app/exchange.h, the package in
 * core/edxml.h). Part of the store's one interface (store.h), in a header
 * of its own.
 *
 * Structs the store fills own their strings, freed by their clear function;
 * structs handed to the store are only read.
 */
#ifndef MC_STORE_EXCHANGE_H
#define MC_STORE_EXCHANGE_H

#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { MC_XCH_OUT = 1, MC_XCH_IN = 2 };

typedef struct {
	int64_t id;
	char *province_code;
	int direction;		 /* MC_XCH_OUT, MC_XCH_IN */
	int kind;		 /* core/edxml.h mc_edxml_kind */
	char *organ_id;		 /* out: the recipient; in: the sender */
	char *local_organ_id;	 /* out: the sending unit's code; in: the receiving unit's */
	char *message_id;	 /* the package's DocumentId */
	int64_t document_id;	 /* our document: the one sent, or the copy received (0 none) */
	int business;		 /* mc_edxml_business */
	char *ref_message_id;	 /* a status's ResponseFor, a recall's or replacement's ReplacementInfo */
	int64_t response_for_id; /* our document it answers (ResponseFor), 0 none */
	int status_code;	 /* a status message's 1..6 */
	char *description;	 /* a status's Description, a recall's reason */
	char *package;		 /* the XML */
	char *state;		 /* out: pending | sent | failed; in: received | recalled | replaced */
	int attempts;
	int64_t next_at;
	int64_t claimed_until;
	char *last_error;
	int64_t created_at;
	int64_t sent_at;
} mc_xch_message;

void mc_xch_message_clear(mc_xch_message *m);
void mc_xch_message_free_list(mc_xch_message *list, size_t n);

/* Records a package (state as given; an outgoing one due at next_at, or at
 * once); sets m->id. MC_ECONFLICT when this direction already holds this
 * organ_id and message_id (a replayed package, a document sent twice to one
 * organisation), MC_ENOTFOUND for an unknown document. */
int mc_store_xch_add(mc_store *st, mc_xch_message *m);
/* The package of this direction, organ, local organ (NULL = any; the first
 * then) and DocumentId. MC_ENOTFOUND. */
int mc_store_xch_find(mc_store *st, mc_xch_message *out, int direction, const char *organ_id,
		      const char *local_organ_id, const char *message_id);
/* The outgoing document package whose DocumentId is message_id (whoever it
 * went to), for a status or an answer naming it. MC_ENOTFOUND. */
int mc_store_xch_find_sent(mc_store *st, mc_xch_message *out, const char *message_id);
/* The packages of our document document_id, both directions, and those
 * received that answer it (ResponseFor), in order. */
int mc_store_xch_of_document(mc_store *st, mc_xch_message **out, size_t *n, int64_t document_id);
/* The incoming document package that made the copy document_id. MC_ENOTFOUND. */
int mc_store_xch_received_as(mc_store *st, mc_xch_message *out, int64_t document_id);
/* Sets the state (and last_error to note) of an incoming package. */
int mc_store_xch_set_state(mc_store *st, int64_t id, const char *state, const char *note);
/* Claims pending outgoing packages due at now, as mc_store_outbox_claim;
 * one that names an earlier package to the same organisation
 * (ref_message_id: a recall, a replacement) not while that one is pending. */
int mc_store_xch_claim(mc_store *st, mc_xch_message **out, size_t *n, int64_t now, int limit,
		       int64_t lease_seconds);
/* Records an attempt as mc_store_outbox_done; a sent package's text becomes
 * signed_package (the one posted) when not NULL. */
int mc_store_xch_done(mc_store *st, int64_t id, bool ok, const char *error, int64_t at, int64_t next_at,
		      const char *signed_package);

/* Puts a failed outgoing package back in the queue with the text package:
 * pending, no attempts, due at `at`. MC_ENOTFOUND unless it had failed. */
int mc_store_xch_requeue(mc_store *st, int64_t id, const char *package, int64_t at);

#endif
