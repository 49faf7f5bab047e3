#include "app/user.h"

#include "app/auth.h"
#include "app/notify.h"
#include "core/err.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int mc_app_user_number_free(mc_store *st, const mc_user *u)
{
	bool elsewhere = false;
	int rc = 0;

	if (!u->id_number || !u->id_number[0])
		return 0;
	if (u->role == MC_ROLE_CITIZEN) {
		if (!u->id_number_verified)
			return 0;
		rc = mc_store_user_number_vouched(st, &elsewhere, u->id_number, u->id);
		if (rc == 0 && elsewhere)
			rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE,
					"another citizen account holds this identity number vouched for; "
					"the provider's sign-in finds that one");
		return rc;
	}
	rc = mc_store_user_number_official(st, &elsewhere, u->id_number, u->id);
	if (rc == 0 && elsewhere)
		rc = mc_err_set(MC_ECONFLICT, MC_REASON_DUPLICATE,
				"another official's account holds this identity number; one official "
				"account holds a number");
	return rc;
}

void mc_app_user_number_masked(char *out, size_t cap, const char *id_number)
{
	size_t n = id_number ? strlen(id_number) : 0, o = 0;

	for (size_t i = 0; i < n && o + 1 < cap; i++)
		out[o++] = i + 3 < n ? '*' : id_number[i];
	if (cap)
		out[o] = '\0';
}

int mc_app_user_create(mc_store *st, mc_user *u, const char *password_hash)
{
	int rc;

	mc_err_clear();
	u->id_number_verified = true;
	rc = mc_app_user_number_free(st, u);
	if (rc != 0)
		return rc;
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
	u->id_number_verified = false;
	rc = mc_store_user_create(st, u, password_hash);
	/* MC_ECONFLICT: the same name registered a moment before by another
	 * request; answered alike. */
	return rc == MC_ECONFLICT ? 0 : rc;
}

static bool is_officer(const mc_user *u)
{
	return u->role == MC_ROLE_DESK || u->role == MC_ROLE_SPECIALIST || u->role == MC_ROLE_LEADER;
}

int mc_app_user_handover(mc_store *st, const mc_actor *actor, int64_t from_id, int64_t to_id, int64_t at,
			 int *moved)
{
	mc_user from = {0}, to = {0};
	mc_dossier *list = NULL;
	size_t n = 0;
	int64_t total = 0;
	char note[1024]; /* two names of at most 60 characters (4 bytes each) and two usernames fit */
	int rc;

	mc_err_clear();
	*moved = 0;
	rc = mc_store_user_get(st, &from, from_id);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(rc, MC_REASON_NOT_FOUND, "no such account");
	if (rc != 0)
		goto cleanup;
	rc = mc_store_user_get(st, &to, to_id);
	if (rc == MC_ENOTFOUND)
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD, "no such colleague");
	if (rc != 0)
		goto cleanup;
	if (to.id == from.id || !to.active || !is_officer(&to) || !from.unit_id ||
	    to.unit_id != from.unit_id) {
		rc = mc_err_set(MC_EINVAL, MC_REASON_INVALID_FIELD,
				"%s is not another active officer of the unit of %s", to.username,
				from.username);
		goto cleanup;
	}
	snprintf(note, sizeof note, "Bàn giao hồ sơ của %s (%s) cho %s (%s)", from.full_name, from.username,
		 to.full_name, to.username);
	/* Each pass takes the first page of what is still the officer's: the
	 * dossiers handed over leave it. */
	for (;;) {
		mc_dossier_query q = {.handler_id = from.id, .open_only = true, .limit = 200};
		rc = mc_store_dossier_list(st, &list, &n, &total, &q);
		if (rc != 0 || n == 0)
			break;
		for (size_t i = 0; i < n && rc == 0; i++) {
			mc_dossier *d = &list[i];
			d->handler_id = to.id;
			rc = mc_store_dossier_update(st, d, d->version);
			if (rc == 0)
				rc = mc_app_dossier_event(st, d, actor, "handover", d->state, note, at);
			if (rc == 0)
				(*moved)++;
		}
		mc_dossier_free_list(list, n);
		list = NULL;
		if (rc != 0)
			break;
	}
cleanup:
	mc_user_clear(&from);
	mc_user_clear(&to);
	return rc;
}

/* ---- password recovery ---------------------------------------------------- */

static void code_hash(char out[65], int64_t user_id, const char *code)
{
	char s[64];
	snprintf(s, sizeof s, "%lld:%s", (long long)user_id, code);
	mc_auth_token_hash(out, s);
	sodium_memzero(s, sizeof s);
}

int mc_app_recovery_start(mc_store *st, const char *username, const char *channel, int64_t at)
{
	mc_user u = {0};
	char code[MC_RECOVERY_DIGITS + 1], text[512];
	int rc;

	mc_err_clear();
	rc = mc_store_user_by_username(st, &u, NULL, 0, username);
	if (rc == MC_ENOTFOUND) {
		rc = 0;
		goto cleanup;
	}
	if (rc != 0 || !u.active)
		goto cleanup;
	bool email = channel && *channel ? strcmp(channel, "email") == 0 : u.email && *u.email;
	const char *to = email ? u.email : u.phone;
	if (!to || !*to)
		goto cleanup;
	snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
	mc_recovery c = {.user_id = u.id, .created_at = at, .expires_at = at + MC_RECOVERY_TTL};
	code_hash(c.code_hash, u.id, code);
	rc = mc_store_recovery_put(st, &c);
	if (rc != 0)
		goto cleanup;
	snprintf(text, sizeof text,
		 "Mã khôi phục mật khẩu tài khoản %s: %s. Mã có hiệu lực %d phút và chỉ dùng được một lần. "
		 "Không đưa mã này cho bất kỳ ai. Nếu bạn không yêu cầu, hãy bỏ qua tin này.",
		 u.username, code, MC_RECOVERY_TTL / 60);
	mc_message m = {.province_code = "",
			.channel = email ? "email" : "sms",
			.recipient = (char *)to,
			.subject = "Mã khôi phục mật khẩu",
			.body = text,
			.created_at = at,
			.next_at = at};
	rc = mc_store_outbox_add(st, &m);
cleanup:
	sodium_memzero(code, sizeof code);
	sodium_memzero(text, sizeof text);
	mc_user_clear(&u);
	return rc;
}

int mc_app_recovery_finish(mc_store *st, const char *username, const char *code, const char *password_hash,
			   int64_t at, bool *ok)
{
	mc_user u = {0};
	mc_recovery c;
	char hash[65];
	int rc;

	mc_err_clear();
	*ok = false;
	rc = mc_store_user_by_username(st, &u, NULL, 0, username);
	if (rc == MC_ENOTFOUND || (rc == 0 && !u.active)) {
		rc = 0;
		goto cleanup;
	}
	if (rc != 0)
		goto cleanup;
	rc = mc_store_recovery_get(st, &c, u.id);
	if (rc == MC_ENOTFOUND) {
		rc = 0;
		goto cleanup;
	}
	if (rc != 0)
		goto cleanup;
	if (at >= c.expires_at || c.attempts >= MC_RECOVERY_TRIES) {
		rc = mc_store_recovery_delete(st, u.id);
		goto cleanup;
	}
	code_hash(hash, u.id, code);
	if (strlen(code) != MC_RECOVERY_DIGITS || sodium_memcmp(hash, c.code_hash, 64) != 0) {
		rc = c.attempts + 1 >= MC_RECOVERY_TRIES ? mc_store_recovery_delete(st, u.id)
							 : mc_store_recovery_attempt(st, u.id);
		goto cleanup;
	}
	rc = mc_store_user_set_password(st, u.id, password_hash);
	if (rc == 0)
		rc = mc_store_recovery_delete(st, u.id);
	if (rc == 0)
		rc = mc_store_session_revoke(st, u.id, NULL);
	if (rc == 0 && u.must_change_password) {
		u.must_change_password = false;
		rc = mc_store_user_update(st, &u);
	}
	*ok = rc == 0;
cleanup:
	mc_user_clear(&u);
	return rc;
}

int mc_app_account_action(mc_store *st, const mc_user *actor, const char *action, int64_t target_id,
			  const char *target_username, const char *detail, int64_t at)
{
	mc_account_action a = {
	    .at = at,
	    .actor_id = actor ? actor->id : 0,
	    .actor_username = actor ? actor->username : "(command line)",
	    .action = (char *)action,
	    .target_id = target_id,
	    .target_username = (char *)target_username,
	    .detail = (char *)(detail ? detail : "{}"),
	};
	return mc_store_account_action_add(st, &a);
}

/* ---- links to the identity provider -------------------------------------- */

/* Records one link or its removal: {"issuer", "subject"}. */
static int identity_action(mc_store *st, const mc_user *actor, const char *action, const mc_user *u,
			   const char *issuer, const char *subject, int64_t at)
{
	json_t *d = json_pack("{s:s, s:s}", "issuer", issuer, "subject", subject);
	char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
	int rc = detail ? mc_app_account_action(st, actor, action, u->id, u->username, detail, at) : MC_ERROR;
	free(detail);
	json_decref(d);
	return rc;
}

int mc_app_identity_link(mc_store *st, const mc_user *actor, int64_t user_id, const char *issuer,
			 const char *subject, int64_t at)
{
	mc_user u = {0};
	int rc = mc_store_user_get(st, &u, user_id);

	if (rc == 0)
		rc = mc_store_identity_link(st, issuer, subject, user_id, at);
	if (rc == 0)
		rc = identity_action(st, actor, "identity_link", &u, issuer, subject, at);
	if (rc == 0)
		rc = mc_notify_account(st, &u, actor ? actor->username : "(command line)",
				       MC_NOTICE_IDENTITY_LINK, at);
	mc_user_clear(&u);
	return rc;
}

int mc_app_identity_unlink(mc_store *st, const mc_user *actor, int64_t user_id, const char *issuer,
			   int64_t at)
{
	mc_user u = {0};
	char **subjects = NULL;
	size_t n = 0;
	int rc = mc_store_user_get(st, &u, user_id);

	if (rc == 0)
		rc = mc_store_identity_subjects(st, &subjects, &n, issuer, user_id);
	if (rc == 0 && n == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		rc = mc_store_identity_unlink(st, issuer, user_id);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = identity_action(st, actor, "identity_unlink", &u, issuer, subjects[i], at);
	if (rc == 0)
		rc = mc_notify_account(st, &u, actor ? actor->username : "(command line)",
				       MC_NOTICE_IDENTITY_UNLINK, at);
	mc_strv_free(subjects, n);
	mc_user_clear(&u);
	return rc;
}
