/*
 * app/audit.h - anchoring the event log and verifying it (core/audit.h).
 *
 * Every event moves its dossier's head (hash and count of its chain) in the
 * event's own transaction, and marks the dossier changed. An anchor takes the
 * dossiers changed since the previous one, in id order, and records their
 * (id, head, count, state) under a root hash chained to the previous
 * anchor's, signed with an Ed25519 key when one is configured. The server
 * makes one every audit_anchor_seconds (app/upkeep.h), `motcua init` and
 * `motcua audit anchor` on demand: the cost is that of the dossiers changed,
 * never of the whole log.
 *
 * Verification recomputes every chain and every anchor and checks each
 * against the other: it finds edited or removed events, a chain cut short or
 * a dossier removed after an anchor recorded it, a state changed without its
 * event, and removed or altered anchors (docs/operations.md, "Audit").
 */
#ifndef MC_APP_AUDIT_H
#define MC_APP_AUDIT_H

#include <stdio.h>

#include "store/store.h"

#define MC_AUDIT_KEY_HEX 65 /* an Ed25519 public key or seed as hex, with NUL */

typedef struct {
	int anchor_seconds; /* between the server's anchors; 0 = the server makes none */
	bool sign;	    /* anchors are signed with secret_key */
	unsigned char secret_key[64];
	char public_key[MC_AUDIT_KEY_HEX];
} mc_audit_config;

/* Reads the signing key from path (the 32-byte Ed25519 seed as 64 hex
 * digits) into cfg and sets cfg->sign. Prints why on stderr and returns
 * MC_EINVAL when the file is unreadable, malformed or open to others. */
int mc_app_audit_key_load(mc_audit_config *cfg, const char *path);
/* Writes a new random key to path (created with mode 0600, never replaced)
 * and gives its public key. MC_ECONFLICT when path exists. */
int mc_app_audit_keygen(const char *path, char public_key[MC_AUDIT_KEY_HEX]);

/* Makes one anchor of up to limit dossiers changed since the last one and
 * of the documents' and tasks' events since (at most 25 × limit of each), at
 * now, in the caller's transaction; *covered counts the dossiers; *more
 * (NULL: not asked) says whether changes were left for the next anchor. */
int mc_app_audit_anchor(mc_store *st, const mc_audit_config *cfg, int64_t now, int limit, int64_t *covered,
			bool *more);
/* Anchors every changed dossier, each anchor in a transaction of its own
 * (the command line, init); *anchors counts the anchors made. */
int mc_app_audit_anchor_all(mc_store *st, const mc_audit_config *cfg, int64_t now, int64_t *anchors);

typedef struct {
	int64_t events;
	int64_t dossiers;
	int64_t anchors;
	int64_t signed_anchors;
	int64_t pending; /* dossiers changed since their last anchor: checked against their own log only */
	int64_t pseudonymised; /* events whose personal texts were pseudonymised (core/audit.h) */
	int64_t task_events;   /* the tasks' logs (app/task.h), chained per task */
	int64_t tasks;
	int64_t problems;
	int64_t documents;	    /* official documents with events (migration 030) */
	int64_t document_events;    /* their events */
	int64_t document_unchained; /* of them, written before the chain began */
	mc_audit_anchor last; /* the newest anchor, owned (mc_audit_anchor_clear); id 0 when there is none */
} mc_audit_report;

/* Verifies the whole log (the dossiers' events and anchors, then the
 * tasks' events), writing one line per problem to out (the first
 * few hundred; all are counted in report->problems). pinned_key, when not
 * NULL, is the hex public key every anchor must be signed with; without it a
 * signature is checked against the key stored beside it. Returns 0 when the
 * log could be read (intact or not), else the store's error. *report is
 * overwritten; the caller clears report->last with mc_audit_anchor_clear. */
int mc_app_audit_verify(mc_store *st, const char *pinned_key, FILE *out, mc_audit_report *report);

#endif
