/*
 * audit.h - the tamper-evident event log. Each event of a dossier carries a
 * SHA-256 over its own fields and the hash of the dossier's previous event,
 * so changing, removing or reordering a past event breaks every link after it;
 * `motcua audit verify` recomputes the chains and names the first broken link.
 *
 * A chain alone cannot show that its last events, or the whole of it, are
 * gone. Anchors can: an anchor is a SHA-256 over the previous anchor's root
 * and the (dossier id, head hash, event count, state) of every dossier that
 * changed since, in dossier order; the anchors form a chain of their own and
 * may be signed (app/audit.h). A truncated chain no longer reaches an
 * anchored head, a deleted dossier leaves its anchored entries without it, a
 * state changed without its event differs from its head event's, and a
 * deleted anchor breaks the anchors' chain.
 */
#ifndef MC_AUDIT_H
#define MC_AUDIT_H

#include <stdint.h>

#define MC_AUDIT_HASH_LEN 65 /* 64 hex digits and NUL */
#define MC_AUDIT_SALT_LEN 33 /* 16 random bytes as 32 hex digits, and NUL */

/*
 * Hash versions. Version 1 (events written before migration 016) covers the
 * actor's name and the note themselves, so they can never change. Version 2
 * covers them through a personal-data hash, SHA-256 over a random salt and
 * the two texts: the chain links the personal hash, so once a retention
 * period or an erasure request (Nghị định 13/2023/NĐ-CP art. 16) replaces the
 * texts by MC_AUDIT_PSEUDONYM and "" and forgets the salt, every link still
 * verifies, and without the salt no one can test a guessed name against the
 * personal hash that stays.
 */
#define MC_AUDIT_V1 1
#define MC_AUDIT_V2 2
/* The actor's name of a pseudonymised event (its note becomes ""). */
#define MC_AUDIT_PSEUDONYM "(ẩn danh)"

/*
 * The hash of an event: SHA-256 (hex) over prev_hash ("" for a dossier's
 * first event) and the fields in this order, each written as "<length>:<bytes>"
 * so that no choice of values can make two events read the same.
 */
void mc_audit_event_hash(char out[MC_AUDIT_HASH_LEN], const char *prev_hash, int64_t dossier_id, int64_t at,
			 int64_t actor_id, const char *actor_name, int64_t unit_id, const char *action,
			 int from_state, int to_state, int step, const char *note);

/* The personal-data hash of a version 2 event: SHA-256 (hex) over its salt,
 * actor's name and note, each as "<length>:<bytes>". */
void mc_audit_personal_hash(char out[MC_AUDIT_HASH_LEN], const char *salt, const char *actor_name,
			    const char *note);
/* The hash of a version 2 event: as version 1, under a tag of its own, with
 * personal_hash in place of the actor's name and the note. */
void mc_audit_event_hash_v2(char out[MC_AUDIT_HASH_LEN], const char *prev_hash, int64_t dossier_id,
			    int64_t at, int64_t actor_id, int64_t unit_id, const char *action, int from_state,
			    int to_state, int step, const char *personal_hash);

/*
 * The hash of an official document's event (document_event, migration 030):
 * SHA-256 (hex) under a tag of its own over prev_hash ("" for the document's
 * first chained event) and the fields in this order, each as
 * "<length>:<bytes>", so that no dossier event can pass for one. An event
 * that refers to an uploaded version of the draft (file_version > 0,
 * migration 034) or names a file (an issue signed: the signed file's
 * SHA-256) has that number and file_sha256 after the note;
 * one that does neither hashes as before, so the chains written before
 * stay valid.
 */
void mc_audit_document_event_hash(char out[MC_AUDIT_HASH_LEN], const char *prev_hash, int64_t document_id,
				  int64_t at, int64_t user_id, const char *user_name, const char *role,
				  int64_t unit_id, const char *action, int from_state, int to_state,
				  const char *note, int file_version, const char *file_sha256);

/* The root of an anchor, computed as entries are added (in dossier order). */
typedef struct mc_audit_root mc_audit_root;

/* Starts the root of anchor id made at `at` after prev_root ("" for the first).
 * Caller ends it with mc_audit_root_end. */
mc_audit_root *mc_audit_root_begin(int64_t id, int64_t at, const char *prev_root);
void mc_audit_root_add(mc_audit_root *r, int64_t dossier_id, const char *head_hash, int64_t event_count,
		       int state);
/* Writes the root as 64 hex digits and frees r. */
void mc_audit_root_end(mc_audit_root *r, char out[MC_AUDIT_HASH_LEN]);

#endif
