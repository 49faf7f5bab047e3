/*
 * app/user.h - making accounts: an officer's or a citizen's made by an
 * administrator, and a citizen's own registration, which tells an anonymous
 * caller no more about which usernames exist than signing in does.
 *
 * Like app/dossier.h these run inside a write transaction the caller opened,
 * and never commit; a failure records its reason (core/err.h).
 */
#ifndef MC_APP_USER_H
#define MC_APP_USER_H

#include "app/dossier.h"
#include "store/store.h"

#include <stdbool.h>

/* An administrator's new account: stores u with its password hash and sets
 * u->id; its identity number counts as vouched for (the administrator
 * entered it, from the ID card). MC_ECONFLICT (reason duplicate) when the
 * username is taken. */
int mc_app_user_create(mc_store *st, mc_user *u, const char *password_hash);

/* Whether u's identity number may be held by it (none always may): a
 * citizen's vouched for by no other citizen account (the provider's sign-in
 * finds one account per number), an official's by no other official's
 * account (the provider's sign-in of a number an official holds is refused
 * until an administrator links that official). MC_ECONFLICT (reason
 * duplicate) otherwise. Takes the number's lock (store.h). */
int mc_app_user_number_free(mc_store *st, const mc_user *u);

/* The identity number as the record of account actions keeps it: every
 * digit but the last three a '*' ("*********579"), "" for none. Enough to
 * tell two numbers apart and to check a number one has, not to learn one:
 * the record is append-only and outlives an erasure (docs/operations.md §13). */
void mc_app_user_number_masked(char *out, size_t cap, const char *id_number);

/* The same for a citizen registering: a username taken already, also by a
 * registration a moment before, stores nothing and returns 0 as a new
 * account does. The identity number is the registrant's word only, not
 * vouched for. */
int mc_app_user_register(mc_store *st, mc_user *u, const char *password_hash);

/*
 * An officer's departure: every open dossier that from_id handles is handed
 * to to_id, each with a "handover" event by actor saying so. to_id must be an
 * active officer (desk, specialist or leader) of from_id's unit
 * (MC_EINVAL, reason INVALID_FIELD, otherwise); *moved counts the dossiers.
 */
int mc_app_user_handover(mc_store *st, const mc_actor *actor, int64_t from_id, int64_t to_id, int64_t at,
			 int *moved);

/* ---- password recovery ---------------------------------------------------
 * A one-time code of MC_RECOVERY_DIGITS digits, sent by e-mail or SMS through
 * the outbox, stored as a SHA-256 of the account id and the code, valid
 * MC_RECOVERY_TTL seconds and MC_RECOVERY_TRIES wrong tries; a new request
 * replaces it, a use deletes it.
 */
#define MC_RECOVERY_DIGITS 6
#define MC_RECOVERY_TTL 900
#define MC_RECOVERY_TRIES 5

/* Queues a code for the account `username` on channel ("email", "sms", or
 * NULL/"" for e-mail when it has an address, else SMS). An unknown or
 * inactive account, or one without that contact, stores and sends nothing
 * and returns 0 as well: the caller's answer must not tell them apart. */
int mc_app_recovery_start(mc_store *st, const char *username, const char *channel, int64_t at);

/* Checks code for username; when it is right and in time, sets the password
 * to password_hash, ends every session of the account, clears a required
 * password change and deletes the code: *ok = true. A wrong code counts a
 * try (the code dies at MC_RECOVERY_TRIES) and leaves *ok false, as does an
 * unknown account, an expired or used code: the transaction must commit
 * either way, so that the try is counted. */
int mc_app_recovery_finish(mc_store *st, const char *username, const char *code, const char *password_hash,
			   int64_t at, bool *ok);

/*
 * An administrator (actor) links the account user_id to the identity
 * (issuer, subject) at the identity provider, or removes all its links at
 * issuer: recorded as the account actions identity_link / identity_unlink
 * ({"issuer", "subject"}, one per link removed), and the account's owner is
 * told at its e-mail and phone (app/notify.h mc_notify_identity). Link:
 * MC_ECONFLICT when the subject is linked already, MC_ENOTFOUND for no such
 * account. Unlink: MC_ENOTFOUND when the account has no link at issuer.
 */
int mc_app_identity_link(mc_store *st, const mc_user *actor, int64_t user_id, const char *issuer,
			 const char *subject, int64_t at);
int mc_app_identity_unlink(mc_store *st, const mc_user *actor, int64_t user_id, const char *issuer,
			   int64_t at);

/*
 * Records an administrator's action on an account (store.h,
 * mc_account_action) in the caller's transaction, the one that makes the
 * change: actor NULL is the operator at the command line; detail is JSON
 * text or NULL. What the store returns.
 */
int mc_app_account_action(mc_store *st, const mc_user *actor, const char *action, int64_t target_id,
			  const char *target_username, const char *detail, int64_t at);

#endif
