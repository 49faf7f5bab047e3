/*
 * app/exchange.h - official documents exchanged with other document systems
 * (another province, a ministry, another motcua) as edXML packages of QCVN
 * 102:2016/BTTTT (docs/documents.md §9).
 *
 * Peers are configured in a file (docs/operations.md): each names the
 * organisation codes it serves ("000.00.00.H26", or "*.H26" for all of a
 * province), the URL of its inbox (POST /api/v1/edxml on a motcua) and the
 * certificate whose key signs its packages. This server signs what it sends
 * with the organisation's key and certificate (exchange_key_file,
 * exchange_cert_file).
 *
 * Sending: the clerk of the issuing body sends an issued outgoing document
 * to peer organisations; one package per organisation is queued in the
 * exchange's outbox in the same transaction, signed and posted by a
 * background pass with retries (mc_exchange_deliver), so nothing is lost
 * while the peer is down. A document may answer one received
 * (ResponseFor), replace one sent before, and a sent one may be recalled.
 *
 * Receiving: mc_exchange_check reads the package and verifies its
 * signature against the sender's peer certificate (an unknown sender or a
 * bad signature is refused, nothing stored); mc_app_exchange_receive then
 * stores it, once per sender and DocumentId: a document arrives in the
 * incoming box of each recipient unit (the clerk registers it, số đến),
 * with status 01 queued back; a recall or replacement marks the copies it
 * names; a status message is recorded on the document it is about.
 * Registering and assigning an exchanged copy send 03 and 04; the task its
 * assignment made sends 05 and 06 (mc_app_exchange_on_task); the unit may
 * send 02, 05 and 06 by hand (mc_app_exchange_status).
 */
#ifndef MC_APP_EXCHANGE_H
#define MC_APP_EXCHANGE_H

#include "app/document.h"
#include "core/edxml.h"
#include "store/group.h"
#include "store/store_exchange.h"
#include "store/store_task.h"

typedef struct mc_exchange mc_exchange;

typedef struct {
	const char *key_file;	/* PEM private key of the organisation */
	const char *cert_file;	/* its PEM certificate */
	const char *peers_file; /* the peers; NULL or "" = no exchange */
	int retry_seconds;	/* first delay after a failed delivery (doubles, at most an hour) */
} mc_exchange_config;

/*
 * Loads the key, the certificate and the peers. *out is NULL (and 0
 * returned) when peers_file is not set: the server exchanges nothing. A
 * message on stderr and MC_EINVAL when a file cannot be read or a line of
 * the peers is wrong. Free with mc_exchange_free.
 */
int mc_exchange_load(mc_exchange **out, const mc_exchange_config *cfg);
void mc_exchange_free(mc_exchange *x);
/* Whether a peer serves the organisation code. */
bool mc_exchange_is_peer(const mc_exchange *x, const char *organ_id);
/* The number of peers, and the i-th's organisation codes and URL (borrowed). */
size_t mc_exchange_peer_count(const mc_exchange *x);
void mc_exchange_peer_info(const mc_exchange *x, size_t i, const char **organs, const char **url);

/* Why a package was refused by mc_exchange_check. */
typedef enum {
	MC_XCH_BAD_PACKAGE = 1, /* not an edXML package we can take (MC_EINVAL, MC_ETOOBIG) */
	MC_XCH_UNKNOWN_SENDER,	/* From/OrganId is no peer's (MC_EFORBIDDEN) */
	MC_XCH_BAD_SIGNATURE, /* the signature does not verify with the peer's certificate (MC_EFORBIDDEN) */
} mc_xch_refusal;

/*
 * Reads the package xml (len bytes, at most max_bytes) into *msg (clear it)
 * and verifies it came from its From: a peer serves that organisation and
 * the signature verifies with that peer's certificate at now; then that it
 * carries nothing the signature does not cover (mc_xmldsig_covered) and that
 * each attachment kept as a PDF is one (MC_XCH_BAD_PACKAGE, MC_EINVAL). 0,
 * or the code with *why and problem (at least 300 bytes) said.
 */
int mc_exchange_check(const mc_exchange *x, const char *xml, size_t len, size_t max_bytes, int64_t now,
		      mc_edxml_message *msg, mc_xch_refusal *why, char *problem, size_t problem_size);

/* What a received package did. */
typedef struct {
	bool replayed;	      /* the package was received before: nothing changed */
	int64_t documents[8]; /* the copies made (or found, when replayed); 0 after the last */
	size_t n_documents;
	int64_t status_of; /* a status: our document it is about */
} mc_xch_receipt;

/*
 * Stores a package mc_exchange_check accepted (msg, with its signed text),
 * inside the caller's transaction, at `at`. MC_EINVAL (said with
 * mc_err_set) when no To is a unit of this server with an incoming
 * register, when a status is about no document we sent that organisation,
 * or a recall names no document received from the sender.
 */
int mc_app_exchange_receive(mc_store *st, const mc_time_ctx *tc, const mc_edxml_message *msg, const char *xml,
			    size_t len, int64_t at, mc_xch_receipt *out);

/* A sending of an issued outgoing document. */
typedef struct {
	const char *const *to; /* organisation codes, each a peer's */
	size_t n_to;
	int64_t response_for_id; /* a document received by exchange that this one answers, 0 none */
	int64_t replaces_id;	 /* one of ours sent before that this one replaces, 0 none */
	const char *reason;	 /* why it replaces (optional) */
} mc_xch_send;

/*
 * The clerk (desk role) of the issuing body queues document id for each
 * organisation of in->to, at `at`. MC_EFORBIDDEN (role, scope), MC_ECONFLICT
 * (not issued; already sent to one of them), MC_EINVAL (an organisation no
 * peer serves; a bad response_for or replaces), MC_ENOTFOUND.
 */
int mc_app_exchange_send(mc_store *st, const mc_time_ctx *tc, const mc_exchange *x, const mc_actor *actor,
			 int64_t id, const mc_xch_send *in, int64_t at);

/*
 * Recalls (thu hồi) document id from every organisation it was sent to
 * (art. 18 of NĐ 30): a package with Bussiness 1 and the reason, queued to
 * each. MC_ECONFLICT when it was sent to none or is recalled already.
 */
int mc_app_exchange_recall(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id,
			   const char *reason, int64_t at);

/*
 * The receiving unit tells the sender of copy id a status (02 refused, 05
 * processing, 06 done, or any of 01-06), with a description. MC_EINVAL when
 * the document did not come by exchange or code is not 1-6; MC_EFORBIDDEN
 * for a role or unit that may not.
 */
int mc_app_exchange_status(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, int64_t id, int code,
			   const char *description, int64_t at);

/* Called by the document's life (app/document.c) after action on d: an
 * exchanged copy registered sends 03, assigned 04. 0 when d did not come
 * by exchange. */
int mc_app_exchange_on_act(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_document *d,
			   mc_doc_action action, int64_t at);

/* Called by the tasks' life (app/task.c) after task t moved from
 * from_state: when t is the task an exchanged copy's assignment made
 * (docs/documents.md §4), its sender is told 05 when work begins (the first
 * report, start, delegation or completion proposed) and 06 when the
 * assigner confirms it done; each once (one sent by hand counts), each with
 * an exchange_status event on the copy. 0 when t tracks no exchanged copy. */
int mc_app_exchange_on_task(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const mc_task *t,
			    int from_state, int64_t at);

/* The most attempts before a package is given up. */
#define MC_XCH_MAX_ATTEMPTS 12

/*
 * One delivery pass of the exchange's outbox: claims due packages through
 * the group committer, signs each with the organisation's key, posts it to
 * its peer and records the outcome (a refusal by the peer, 4xx, gives it up
 * at once, with the peer's problem; anything else is retried). *sent and
 * *failed (may be NULL) count the pass. x NULL: nothing.
 */
int mc_exchange_deliver(mc_group *g, const mc_exchange *x, int64_t now, int *sent, int *failed);

/* The DocumentId of document id sent from organ to recipient, as this
 * server makes them: "<organ>,<id>,<recipient>,<business>". */
void mc_exchange_message_id(char *out, size_t cap, const char *organ, int64_t id, const char *recipient,
			    int business);

#endif
