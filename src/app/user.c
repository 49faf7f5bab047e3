#include "app/user.h"

#include "app/auth.h"
#include "core/err.h"

int mc_app_user_create(mc_store *st, mc_user *u, const char *password_hash)
{
	int rc;

	mc_err_clear();
	rc = mc_store_user_create(st, u, password_hash);
	if (rc == MC_ECONFLICT)
		rc = mc_err_set(rc, MC_REASON_DUPLICATE, "the username %s is taken", u->username);
	return rc;
}

int mc_app_user_register(mc_store *st, mc_user *u, const char *password_hash)
{
	mc_user old;
	char hash[MC_PASSWORD_HASH_MAX];
	int rc;

	mc_err_clear();
	rc = mc_store_user_by_username(st, &old, hash, sizeof hash, u->username);
	mc_user_clear(&old);
	if (rc == 0)
		return 0;
	if (rc != MC_ENOTFOUND)
		return rc;
	rc = mc_store_user_create(st, u, password_hash);
	/* MC_ECONFLICT: the same name registered a moment before by another
	 * request; answered alike. */
	return rc == MC_ECONFLICT ? 0 : rc;
}
