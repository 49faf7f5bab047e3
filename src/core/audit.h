/*
 * audit.h - the tamper-evident event log. Each event of a dossier carries a
 * SHA-256 over its own fields and the hash of the dossier's previous event,
 * so changing, removing or reordering a past event breaks every link after it;
 * `motcua audit verify` recomputes the chains and names the first broken link.
 */
#ifndef MC_AUDIT_H
#define MC_AUDIT_H

#include <stdint.h>

#define MC_AUDIT_HASH_LEN 65 /* 64 hex digits and NUL */

/*
 * The hash of an event: SHA-256 (hex) over prev_hash ("" for a dossier's
 * first event) and the fields in this order, each written as "<length>:<bytes>"
 * so that no choice of values can make two events read the same.
 */
void mc_audit_event_hash(char out[MC_AUDIT_HASH_LEN], const char *prev_hash, int64_t dossier_id, int64_t at,
			 int64_t actor_id, const char *actor_name, int64_t unit_id, const char *action, int from_state,
			 int to_state, int step, const char *note);

#endif
