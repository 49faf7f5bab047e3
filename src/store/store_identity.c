/*
 * store_identity.c - accounts linked to identities at an OpenID Connect
 * provider (issuer, subject), on either engine (db.h). The rules of who may
 * be linked are the app's (app/oidc.c); this only reads and writes links.
 */
#include "store/db.h"

#include <stdint.h>
#include <string.h>

int mc_store_identity_user(mc_store *st, int64_t *out, const char *issuer, const char *subject)
{
	static const char sql[] = "SELECT user_id FROM user_identity WHERE issuer = $1 AND subject = $2";
	static const mc_col cols[] = {{"user_id", MC_COL_I64, 0, 0}};

	*out = 0;
	return mc_db_read(st, sql, "read an identity link", MC_COLS(cols), out,
			  MC_ARGS(MC_T(issuer), MC_T(subject)));
}

int mc_store_identity_subject(mc_store *st, char *out, size_t cap, const char *issuer, int64_t user_id)
{
	static const char sql[] = "SELECT subject FROM user_identity WHERE issuer = $1 AND user_id = $2 "
				  "ORDER BY linked_at DESC, subject LIMIT 1";
	mc_q *q = NULL;
	int rc;

	out[0] = '\0';
	rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_text(q, 1, issuer);
	mc_q_int(q, 2, user_id);
	rc = mc_q_row(q, "read an account's identity link");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1)
		rc = mc_strlcpy(out, mc_q_col_text(q, 0), cap) == 0 ? 0 : MC_ETOOBIG;
cleanup:
	mc_q_done(q);
	return rc;
}

typedef struct {
	int64_t id;
	int64_t role;
} citizen_row;

/* The space of the identity numbers' locks (db.h mc_db_lock), by a 32-bit
 * FNV-1a hash of the number: two numbers of one hash only wait for each
 * other. */
#define LOCK_ID_NUMBER INT64_C(1835230082)

/* Held until the commit: who looks for the citizen account holding a
 * number vouched for, and then vouches for it or makes one, does so on
 * PostgreSQL one server at a time, so that two never both find none and
 * both vouch (one citizen account per vouched number). */
static int number_lock(mc_store *st, const char *id_number)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)id_number; *p; p++)
		h = (h ^ *p) * 16777619u;
	return mc_db_lock(st, (LOCK_ID_NUMBER << 32) | h, "lock an identity number");
}

int mc_store_user_number_vouched(mc_store *st, bool *out, const char *id_number, int64_t user_id)
{
	static const char sql[] = "SELECT count(*) FROM app_user WHERE role = 1 AND erased_at = 0 AND "
				  "id_number_verified AND id_number = $1 AND id_number != '' AND id != $2";
	int64_t n = 0;
	int rc = number_lock(st, id_number);

	if (rc == 0)
		rc = mc_db_int(st, sql, "look for a number vouched for elsewhere", &n,
			       MC_ARGS(MC_T(id_number), MC_I(user_id)));

	*out = rc == 0 && n > 0;
	return rc;
}

int mc_store_user_number_official(mc_store *st, bool *out, const char *id_number, int64_t user_id)
{
	static const char sql[] = "SELECT count(*) FROM app_user WHERE role != 1 AND erased_at = 0 AND "
				  "id_number = $1 AND id_number != '' AND id != $2";
	int64_t n = 0;
	int rc = number_lock(st, id_number);

	if (rc == 0)
		rc = mc_db_int(st, sql, "look for an official holding a number", &n,
			       MC_ARGS(MC_T(id_number), MC_I(user_id)));

	*out = rc == 0 && n > 0;
	return rc;
}

int mc_store_identity_citizen(mc_store *st, int64_t *out, const char *id_number)
{
	/* Only a citizen is found by the number: an official's account is
	 * linked by an administrator, never by what a provider says. A number
	 * held by an official only is said to be so (MC_EFORBIDDEN), so that no
	 * second account is made for that person. A citizen's number counts
	 * only when someone vouched for it (id_number_verified): anyone may
	 * self-register with any number, and the person it belongs to must not
	 * be signed into that account. */
	static const char sql[] =
	    "SELECT id, role FROM app_user WHERE erased_at = 0 AND id_number = $1 AND id_number != '' AND "
	    "(role != 1 OR id_number_verified) ORDER BY CASE WHEN role = 1 THEN 0 ELSE 1 END, id LIMIT 1";
	static const mc_col cols[] = {
	    MC_COL(MC_COL_I64, citizen_row, id, "id"),
	    MC_COL(MC_COL_I64, citizen_row, role, "role"),
	};
	citizen_row row = {0};
	int rc = number_lock(st, id_number);

	if (rc == 0)
		rc = mc_db_read(st, sql, "find a citizen by identity number", MC_COLS(cols), &row,
				MC_ARGS(MC_T(id_number)));

	*out = 0;
	if (rc == 0 && row.role != 1)
		rc = MC_EFORBIDDEN;
	if (rc == 0)
		*out = row.id;
	return rc;
}

int mc_store_identity_subjects(mc_store *st, char ***out, size_t *n, const char *issuer, int64_t user_id)
{
	static const char sql[] = "SELECT subject FROM user_identity WHERE issuer = $1 AND user_id = $2 "
				  "ORDER BY linked_at, subject";
	/* Each row one owned string of the array. */
	static const mc_col cols[] = {{"subject", MC_COL_STR, 0, 0}};
	return mc_db_list(st, sql, "list an account's identity links", MC_COLS(cols), sizeof **out, out, n,
			  MC_ARGS(MC_T(issuer), MC_I(user_id)));
}

int mc_store_identity_link(mc_store *st, const char *issuer, const char *subject, int64_t user_id, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO user_identity (issuer, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)";

	/* A subject linked already is an answer (MC_ECONFLICT), not a failure
	 * of the caller's transaction. */
	return mc_db_try(st, sql, "link an identity",
			 MC_ARGS(MC_T(issuer), MC_T(subject), MC_I(user_id), MC_I(at)));
}

int mc_store_identity_unlink(mc_store *st, const char *issuer, int64_t user_id)
{
	static const char sql[] = "DELETE FROM user_identity WHERE issuer = $1 AND user_id = $2";
	return mc_db_change(st, sql, "unlink an identity", MC_SOME, MC_ENOTFOUND,
			    MC_ARGS(MC_T(issuer), MC_I(user_id)));
}
