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

#include "store/store.h"

/* Stores u with its password hash and sets u->id. MC_ECONFLICT (reason
 * duplicate) when the username is taken. */
int mc_app_user_create(mc_store *st, mc_user *u, const char *password_hash);

/* The same for a citizen registering: a username taken already, also by a
 * registration a moment before, stores nothing and returns 0 as a new
 * account does. */
int mc_app_user_register(mc_store *st, mc_user *u, const char *password_hash);

#endif
