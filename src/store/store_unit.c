/*
 * store_unit.c - units, users and sessions, on either engine (db.h).
 */
#include "store/db.h"

#include "core/buf.h"
#include "core/dossier.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

/* A string of a struct handed in, NULL stored as "" (the columns are NOT NULL). */
static const char *str(const char *s)
{
	return s ? s : "";
}

/* ---- units ------------------------------------------------------------ */

#define UNIT_COLS                                                                                            \
	"id, parent_id, code, name, level, province_code, office_hours, address, phone, one_stop_since, "    \
	"electronic_one_stop_since, valid_from, valid_to, successor_id"

static const mc_col unit_cols[] = {
    MC_COL(MC_COL_I64, mc_unit, id, "id"),
    MC_COL(MC_COL_I64, mc_unit, parent_id, "parent_id"),
    MC_COL(MC_COL_STR, mc_unit, code, "code"),
    MC_COL(MC_COL_STR, mc_unit, name, "name"),
    MC_COL(MC_COL_STR, mc_unit, level, "level"),
    MC_COL(MC_COL_STR, mc_unit, province_code, "province_code"),
    MC_COL(MC_COL_STR, mc_unit, office_hours, "office_hours"),
    MC_COL(MC_COL_STR, mc_unit, address, "address"),
    MC_COL(MC_COL_STR, mc_unit, phone, "phone"),
    MC_COL(MC_COL_I32, mc_unit, one_stop_since, "one_stop_since"),
    MC_COL(MC_COL_I32, mc_unit, electronic_one_stop_since, "electronic_one_stop_since"),
    MC_COL(MC_COL_I32, mc_unit, valid_from, "valid_from"),
    MC_COL(MC_COL_I32, mc_unit, valid_to, "valid_to"),
    MC_COL(MC_COL_I64, mc_unit, successor_id, "successor_id"),
};

bool mc_unit_in_force(const mc_unit *u, int32_t day)
{
	return (!u->valid_from || u->valid_from <= day) && (!u->valid_to || day < u->valid_to);
}

void mc_unit_clear(mc_unit *u)
{
	mc_row_clear(unit_cols, MC_ARRAY_LEN(unit_cols), u, sizeof *u);
}

int mc_store_unit_create(mc_store *st, mc_unit *u)
{
	static const char ins[] =
	    "INSERT INTO unit (parent_id, code, name, level, province_code, office_hours, "
	    "address, phone, one_stop_since, electronic_one_stop_since, valid_from, valid_to) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
	/* The path is the parent's path and the new id; the root's is "/id/". */
	static const char set_path[] =
	    "UPDATE unit SET path = coalesce((SELECT p.path FROM unit p WHERE p.id = unit.parent_id), '/') "
	    "|| CAST(id AS TEXT) || '/' WHERE id = $1";
	int64_t id = 0;
	int kind = 0;
	int rc = mc_db_op_begin(st, &kind);

	if (rc)
		return rc;
	rc = mc_db_insert(st, ins, "insert unit", &id,
			  MC_ARGS(MC_REF(u->parent_id), MC_T(str(u->code)), MC_T(str(u->name)),
				  MC_T(str(u->level)), MC_T(str(u->province_code)),
				  MC_T(str(u->office_hours)), MC_T(str(u->address)), MC_T(str(u->phone)),
				  MC_REF(u->one_stop_since), MC_REF(u->electronic_one_stop_since),
				  MC_REF(u->valid_from), MC_REF(u->valid_to)));
	if (rc == 0)
		rc = mc_db_run(st, set_path, "set unit path", MC_ARGS(MC_I(id)));
	rc = mc_db_op_end(st, kind, rc);
	if (rc == 0)
		u->id = id;
	return rc;
}

int mc_store_unit_update(mc_store *st, const mc_unit *u)
{
	/* Only the fields named: what another edit changed meanwhile stays. */
	static const char sql[] =
	    "UPDATE unit SET name = coalesce($2, name), office_hours = coalesce($3, "
	    "office_hours), address = coalesce($4, address), phone = coalesce($5, phone) "
	    "WHERE id = $1";
	return mc_db_change(
	    st, sql, "update unit", MC_SOME, MC_ENOTFOUND,
	    MC_ARGS(MC_I(u->id), MC_T(u->name), MC_T(u->office_hours), MC_T(u->address), MC_T(u->phone)));
}

/* The one unit a query with key as $1 finds; MC_ENOTFOUND when none. */
static int unit_one(mc_store *st, mc_unit *out, const char *sql, mc_arg key)
{
	memset(out, 0, sizeof *out);
	int rc = mc_db_read(st, sql, "read unit", MC_COLS(unit_cols), out, &key, 1);
	if (rc)
		mc_unit_clear(out);
	return rc;
}

int mc_store_unit_get(mc_store *st, mc_unit *out, int64_t id)
{
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit WHERE id = $1";
	return unit_one(st, out, sql, MC_I(id));
}

int mc_store_unit_by_code(mc_store *st, mc_unit *out, const char *code)
{
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit WHERE code = $1";
	return unit_one(st, out, sql, MC_T(code));
}

int mc_store_unit_list(mc_store *st, mc_unit **out, size_t *n)
{
	/* A path sorts before every path that extends it: parents come first. */
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit ORDER BY path";
	return mc_db_list(st, sql, "list units", MC_COLS(unit_cols), sizeof **out, out, n, NULL, 0);
}

int mc_store_unit_within(mc_store *st, bool *out, int64_t unit, int64_t ancestor)
{
	static const char sql[] = "SELECT EXISTS (SELECT 1 FROM unit u, unit a WHERE u.id = $1 AND a.id = $2 "
				  "AND substr(u.path, 1, length(a.path)) = a.path)";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*out = false;
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, unit);
	mc_q_int(q, 2, ancestor);
	rc = mc_q_row(q, "check unit scope");
	if (rc == 1)
		*out = mc_q_col_bool(q, 0);
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

void mc_unit_free_list(mc_unit *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		mc_unit_clear(&list[i]);
	free(list);
}

/* ---- units over time ---------------------------------------------------- */

int mc_store_unit_end(mc_store *st, int64_t unit_id, int32_t day, int64_t successor_id)
{
	static const char sql[] =
	    "UPDATE unit SET valid_to = $2, successor_id = $3 WHERE id = $1 AND valid_to IS NULL";
	static const char exists[] = "SELECT 1 FROM unit WHERE id = $1";
	int64_t found = 0;
	/* The write changes no unique column: MC_ECONFLICT is its changing no row. */
	int rc = mc_db_change(st, sql, "end unit", MC_SOME, MC_ECONFLICT,
			      MC_ARGS(MC_I(unit_id), MC_I(day), MC_REF(successor_id)));
	if (rc != MC_ECONFLICT)
		return rc;
	/* Nothing changed: unknown, or ended already. */
	rc = mc_db_int(st, exists, "read unit", &found, MC_ARGS(MC_I(unit_id)));
	if (rc == 0)
		rc = found ? MC_ECONFLICT : MC_ENOTFOUND;
	return rc;
}

int mc_store_unit_link(mc_store *st, int64_t unit_id, int64_t successor_id, const char *kind, int64_t plan_id)
{
	static const char sql[] =
	    "INSERT INTO unit_successor (unit_id, successor_id, kind, plan_id) VALUES ($1, $2, $3, $4)";
	return mc_db_try(st, sql, "link unit to its successor",
			 MC_ARGS(MC_I(unit_id), MC_I(successor_id), MC_T(str(kind)), MC_REF(plan_id)));
}

static const mc_col link_cols[] = {
    MC_COL(MC_COL_I64, mc_unit_link, unit_id, "unit_id"),
    MC_COL(MC_COL_I64, mc_unit_link, successor_id, "successor_id"),
    MC_COL(MC_COL_STR, mc_unit_link, kind, "kind"),
    MC_COL(MC_COL_I64, mc_unit_link, plan_id, "plan_id"),
};

int mc_store_unit_links(mc_store *st, mc_unit_link **out, size_t *n)
{
	static const char sql[] =
	    "SELECT unit_id, successor_id, kind, plan_id FROM unit_successor ORDER BY unit_id, successor_id";
	return mc_db_list(st, sql, "list unit successors", MC_COLS(link_cols), sizeof **out, out, n, NULL, 0);
}

void mc_unit_link_free_list(mc_unit_link *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i].kind);
	free(list);
}

void mc_strv_free(char **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

int mc_store_unit_open_dossiers(mc_store *st, char ***out, size_t *n, int64_t unit_id)
{
	static const char sql[] =
	    "SELECT code FROM dossier WHERE current_unit_id = $1 AND finished_at = 0 ORDER BY code";
	/* Each row one owned string of the array. */
	static const mc_col cols[] = {{"code", MC_COL_STR, 0, 0}};

	return mc_db_read_list_by(st, sql, unit_id, "list a unit's open dossiers", MC_COLS(cols),
				  sizeof **out, out, n);
}

int mc_store_unit_holdings(mc_store *st, int64_t *open_dossiers, int64_t *active_users, int64_t unit_id)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM dossier WHERE current_unit_id = $1 AND finished_at = 0), "
	    "(SELECT count(*) FROM app_user WHERE unit_id = $1 AND active)";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*open_dossiers = *active_users = 0;
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, unit_id);
	rc = mc_q_row(q, "count a unit's holdings");
	if (rc == 1) {
		*open_dossiers = mc_q_col_int(q, 0);
		*active_users = mc_q_col_int(q, 1);
	}
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

int mc_store_unit_desk_officers(mc_store *st, int64_t *n, int64_t unit_id)
{
	/* The unit's own desk and the desks of the units above it: those whose
	 * unit's path begins its path (the scope of mc_app_dossier_may). */
	static const char sql[] = "SELECT count(*) FROM app_user a JOIN unit s ON s.id = a.unit_id, unit c "
				  "WHERE c.id = $1 AND a.role = $2 AND a.active AND a.erased_at = 0 "
				  "AND substr(c.path, 1, length(s.path)) = s.path";

	return mc_db_int(st, sql, "count a unit's desk officers", n,
			 MC_ARGS(MC_I(unit_id), MC_I(MC_ROLE_DESK)));
}

int mc_store_unit_last_received(mc_store *st, int64_t *at, int64_t unit_id, int64_t before)
{
	/* Received after it was filed online: the later of the two before
	 * `before`. A dossier not received yet (0) counts by its filing. */
	static const char sql[] =
	    "SELECT max(CASE WHEN received_at > 0 AND received_at < $2 THEN received_at "
	    "WHEN submitted_at > 0 AND submitted_at < $2 THEN submitted_at ELSE 0 END) "
	    "FROM dossier WHERE receiving_unit_id = $1";

	return mc_db_int(st, sql, "read a unit's latest dossier", at, MC_ARGS(MC_I(unit_id), MC_I(before)));
}

int mc_store_unit_users_move(mc_store *st, int64_t *moved, int64_t from_unit, int64_t to_unit)
{
	static const char move[] = "UPDATE app_user SET unit_id = $2 WHERE unit_id = $1";
	static const char off[] = "UPDATE app_user SET active = $2 WHERE unit_id = $1 AND active";
	/* A deactivated officer's open sessions end with the unit. */
	static const char sessions[] = "DELETE FROM session WHERE user_id IN (SELECT id FROM app_user WHERE "
				       "unit_id = $1 AND NOT active)";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, to_unit ? move : off);

	*moved = 0;
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, from_unit);
	if (to_unit)
		mc_q_int(q, 2, to_unit);
	else
		mc_q_bool(q, 2, false);
	rc = mc_q_exec(q, to_unit ? "move a unit's users" : "deactivate a unit's users");
	if (rc)
		goto cleanup;
	*moved = mc_q_changes(q);
	if (!to_unit) {
		mc_q_done(q);
		q = NULL;
		rc = mc_db_prepare(st, &q, sessions);
		if (rc)
			goto cleanup;
		mc_q_int(q, 1, from_unit);
		rc = mc_q_exec(q, "end a unit's sessions");
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_unit_one_stop(mc_store *st, mc_one_stop_count out[4], int64_t unit_id, int32_t day)
{
	static const char *const levels[] = {"province", "department", "district", "commune"};
	static const char sql[] =
	    "SELECT level, count(*), "
	    "sum(CASE WHEN one_stop_since IS NOT NULL AND one_stop_since <= $3 THEN 1 ELSE 0 END), "
	    "sum(CASE WHEN electronic_one_stop_since IS NOT NULL AND electronic_one_stop_since <= $3 "
	    "THEN 1 ELSE 0 END) "
	    "FROM unit WHERE path >= $1 AND path < $2 "
	    /* The units in force that day: the 2017 report counts 2017's tree. */
	    "AND (valid_from IS NULL OR valid_from <= $3) AND (valid_to IS NULL OR valid_to > $3) "
	    /* Public service units are not sở, ban, ngành (migration 027). */
	    "AND NOT public_service GROUP BY level";
	mc_q *q = NULL;
	int rc;

	memset(out, 0, 4 * sizeof *out);
	rc = mc_db_prepare_in_unit(st, &q, sql, unit_id);
	if (rc)
		goto cleanup;
	mc_q_int(q, 3, day);
	while ((rc = mc_q_row(q, "count one-stop units")) == 1) {
		const char *level = mc_q_col_text(q, 0);
		for (size_t i = 0; i < MC_ARRAY_LEN(levels); i++) {
			if (strcmp(level, levels[i]) == 0) {
				out[i].units = mc_q_col_int(q, 1);
				out[i].one_stop = mc_q_col_int(q, 2);
				out[i].electronic = mc_q_col_int(q, 3);
			}
		}
	}
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

/* ---- users ------------------------------------------------------------ */

#define USER_COLS                                                                                            \
	"app_user.id, username, full_name, email, app_user.phone, id_number, role, unit_id, active, "        \
	"created_at, must_change_password, password_hash, id_number_verified"

static const mc_col user_cols[] = {
    MC_COL(MC_COL_I64, mc_user, id, "id"),
    MC_COL(MC_COL_STR, mc_user, username, "username"),
    MC_COL(MC_COL_STR, mc_user, full_name, "full_name"),
    MC_COL(MC_COL_STR, mc_user, email, "email"),
    MC_COL(MC_COL_STR, mc_user, phone, "phone"),
    MC_COL(MC_COL_STR, mc_user, id_number, "id_number"),
    MC_COL(MC_COL_INT, mc_user, role, "role"),
    MC_COL(MC_COL_I64, mc_user, unit_id, "unit_id"),
    MC_COL(MC_COL_BOOL, mc_user, active, "active"),
    MC_COL(MC_COL_I64, mc_user, created_at, "created_at"),
    MC_COL(MC_COL_BOOL, mc_user, must_change_password, "must_change_password"),
    MC_COL(MC_COL_BOOL, mc_user, id_number_verified, "id_number_verified"),
};

static int user_read(mc_q *q, mc_user *u)
{
	return mc_q_read(q, user_cols, MC_ARRAY_LEN(user_cols), u);
}

int mc_store_user_create(mc_store *st, mc_user *u, const char *password_hash)
{
	static const char sql[] = "INSERT INTO app_user (username, password_hash, full_name, email, phone, "
				  "id_number, role, unit_id, active, created_at, id_number_verified) "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	if (rc)
		goto cleanup;
	mc_q_text(q, 1, str(u->username));
	mc_q_text(q, 2, str(password_hash));
	mc_q_text(q, 3, str(u->full_name));
	mc_q_text(q, 4, str(u->email));
	mc_q_text(q, 5, str(u->phone));
	mc_q_text(q, 6, str(u->id_number));
	mc_q_int(q, 7, u->role);
	mc_q_ref(q, 8, u->unit_id);
	mc_q_bool(q, 9, u->active);
	mc_q_int(q, 10, u->created_at);
	mc_q_bool(q, 11, u->id_number_verified);
	/* A taken username is an answer, not a failure of the caller's transaction. */
	rc = mc_q_try_row(q, "insert user");
	if (rc == 1) {
		u->id = mc_q_col_int(q, 0);
		rc = 0;
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_user_get(mc_store *st, mc_user *out, int64_t id)
{
	static const char sql[] = "SELECT " USER_COLS " FROM app_user WHERE id = $1";
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_read_by_id(st, sql, id, "read user", user_cols, MC_ARRAY_LEN(user_cols), out);
	if (rc)
		mc_user_clear(out);
	return rc;
}

int mc_store_user_by_username(mc_store *st, mc_user *out, char *hash, size_t hash_cap, const char *username)
{
	static const char sql[] = "SELECT " USER_COLS " FROM app_user WHERE username = $1";
	mc_q *q = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_text(q, 1, username);
	rc = mc_q_row(q, "read user");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1)
		rc = user_read(q, out);
	/* A cut hash would never verify: say so instead of truncating. */
	if (rc == 0 && hash && hash_cap > 0 && mc_strlcpy(hash, mc_q_col_text(q, 11), hash_cap) != 0)
		rc = MC_ETOOBIG;
cleanup:
	mc_q_done(q);
	if (rc)
		mc_user_clear(out);
	return rc;
}

int mc_store_user_citizen(mc_store *st, mc_user *out, const char *key)
{
	/* A username is unique; an identity number may be on two accounts
	 * (one typed at self-registration by someone else): a vouched one
	 * answers first, then the oldest, and the caller sees which one. */
	static const char sql[] = "SELECT " USER_COLS " FROM app_user WHERE role = 1 AND erased_at = 0 AND "
				  "(username = $1 OR (id_number = $1 AND id_number != '')) "
				  "ORDER BY CASE WHEN username = $1 THEN 0 ELSE 1 END, "
				  "CASE WHEN id_number_verified THEN 0 ELSE 1 END, id LIMIT 1";
	int rc;

	memset(out, 0, sizeof *out);
	rc = mc_db_read_by_text(st, sql, key, "find a citizen", user_cols, MC_ARRAY_LEN(user_cols), out);
	if (rc)
		mc_user_clear(out);
	return rc;
}

int mc_store_user_set_password(mc_store *st, int64_t id, const char *password_hash)
{
	static const char sql[] = "UPDATE app_user SET password_hash = $2 WHERE id = $1";
	return mc_db_change(st, sql, "set password", MC_SOME, MC_ENOTFOUND,
			    MC_ARGS(MC_I(id), MC_T(password_hash)));
}

int mc_store_user_list(mc_store *st, mc_user **out, size_t *n, int64_t unit_id)
{
	static const char all[] = "SELECT " USER_COLS " FROM app_user ORDER BY username";
	static const char subtree[] =
	    "SELECT " USER_COLS " FROM app_user JOIN unit ON unit.id = app_user.unit_id "
	    "WHERE unit.path >= $1 AND unit.path < $2 ORDER BY username";
	mc_q *q = NULL;
	int rc = unit_id ? mc_db_prepare_in_unit(st, &q, subtree, unit_id) : mc_db_prepare(st, &q, all);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	rc = mc_q_read_list(q, "list users", user_cols, MC_ARRAY_LEN(user_cols), sizeof **out, out, n);
	mc_q_done(q);
	return rc;
}

void mc_user_clear(mc_user *u)
{
	mc_row_clear(user_cols, MC_ARRAY_LEN(user_cols), u, sizeof *u);
}

void mc_user_free_list(mc_user *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		mc_user_clear(&list[i]);
	free(list);
}

int mc_store_user_update(mc_store *st, const mc_user *u)
{
	static const char sql[] = "UPDATE app_user SET full_name = $2, email = $3, phone = $4, role = $5, "
				  "unit_id = $6, active = $7, must_change_password = $8 WHERE id = $1";
	return mc_db_change(st, sql, "update user", MC_SOME, MC_ENOTFOUND,
			    MC_ARGS(MC_I(u->id), MC_T(str(u->full_name)), MC_T(str(u->email)),
				    MC_T(str(u->phone)), MC_I(u->role), MC_REF(u->unit_id), MC_B(u->active),
				    MC_B(u->must_change_password)));
}

int mc_store_user_update_if(mc_store *st, const mc_user *was, const mc_user *u)
{
	static const char sql[] =
	    "UPDATE app_user SET full_name = $2, email = $3, phone = $4, role = $5, unit_id = $6, "
	    "active = $7, must_change_password = $8, id_number_verified = $16, id_number = $18 WHERE id = $1 "
	    "AND erased_at = 0 "
	    "AND full_name = $9 AND email = $10 AND phone = $11 AND role = $12 AND coalesce(unit_id, 0) = "
	    "$13 "
	    "AND active = $14 AND must_change_password = $15 AND id_number_verified = $17 AND id_number = "
	    "$19";
	return mc_db_change(st, sql, "update user as read", MC_SOME, MC_ESTALE,
			    MC_ARGS(MC_I(u->id), MC_T(str(u->full_name)), MC_T(str(u->email)),
				    MC_T(str(u->phone)), MC_I(u->role), MC_REF(u->unit_id), MC_B(u->active),
				    MC_B(u->must_change_password), MC_T(str(was->full_name)),
				    MC_T(str(was->email)), MC_T(str(was->phone)), MC_I(was->role),
				    MC_I(was->unit_id), MC_B(was->active), MC_B(was->must_change_password),
				    MC_B(u->id_number_verified), MC_B(was->id_number_verified),
				    MC_T(str(u->id_number)), MC_T(str(was->id_number))));
}

int mc_store_user_own_change(mc_store *st, int64_t id, const char *checked_hash, const char *email,
			     const char *phone, const char *new_hash)
{
	static const char sql[] =
	    "UPDATE app_user SET email = coalesce($3, email), phone = coalesce($4, phone), "
	    "password_hash = coalesce($5, password_hash), "
	    "must_change_password = CASE WHEN $5 IS NULL THEN must_change_password ELSE $6 END "
	    "WHERE id = $1 AND password_hash = $2 AND active AND erased_at = 0";
	/* A NULL text is bound as a NULL of type text (db.h): coalesce keeps the column. */
	return mc_db_change(st, sql, "change an account's own profile", MC_SOME, MC_ESTALE,
			    MC_ARGS(MC_I(id), MC_T(str(checked_hash)), MC_T(email), MC_T(phone),
				    MC_T(new_hash), MC_B(false)));
}

/* ---- sign-ins ---------------------------------------------------------- */

static const mc_col signin_cols[] = {
    MC_COL(MC_COL_I64, mc_signin, at, "at"),
    MC_COL(MC_COL_STR, mc_signin, peer, "peer"),
    MC_COL(MC_COL_STR, mc_signin, device, "device"),
    MC_COL(MC_COL_BOOL, mc_signin, ok, "ok"),
};

int mc_store_signin_record(mc_store *st, int64_t user_id, int64_t at, const char *peer, const char *device,
			   bool ok)
{
	static const char add[] =
	    "INSERT INTO signin (user_id, at, peer, device, ok) VALUES ($1, $2, $3, $4, $5)";
	static const char trim[] = "DELETE FROM signin WHERE user_id = $1 AND id NOT IN "
				   "(SELECT id FROM signin WHERE user_id = $1 ORDER BY id DESC LIMIT $2)";
	char dev[MC_SIGNIN_DEVICE_MAX + 1];
	int rc;

	int kind = 0;
	mc_text_cut(dev, sizeof dev, str(device));
	rc = mc_db_op_begin(st, &kind);
	if (rc)
		return rc;
	rc = mc_db_run(st, add, "record sign-in",
		       MC_ARGS(MC_I(user_id), MC_I(at), MC_T(str(peer)), MC_T(dev), MC_B(ok)));
	if (rc == 0)
		rc = mc_db_run(st, trim, "trim sign-ins", MC_ARGS(MC_I(user_id), MC_I(MC_SIGNIN_KEEP)));
	return mc_db_op_end(st, kind, rc);
}

int mc_store_signin_list(mc_store *st, mc_signin **out, size_t *n, int64_t user_id, int limit)
{
	static const char sql[] = "SELECT at, peer, device, ok FROM signin WHERE user_id = $1 "
				  "ORDER BY id DESC LIMIT $2";
	return mc_db_list(st, sql, "list sign-ins", MC_COLS(signin_cols), sizeof **out, out, n,
			  MC_ARGS(MC_I(user_id), MC_I(limit)));
}

void mc_signin_free_list(mc_signin *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free(list[i].peer);
		free(list[i].device);
	}
	free(list);
}

/* ---- recovery codes ---------------------------------------------------- */

int mc_store_recovery_put(mc_store *st, const mc_recovery *c)
{
	static const char sql[] =
	    "INSERT INTO recovery_code (user_id, code_hash, created_at, expires_at, attempts) "
	    "VALUES ($1, $2, $3, $4, 0) ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, "
	    "created_at = excluded.created_at, expires_at = excluded.expires_at, attempts = 0";
	return mc_db_run(
	    st, sql, "store recovery code",
	    MC_ARGS(MC_I(c->user_id), MC_T(c->code_hash), MC_I(c->created_at), MC_I(c->expires_at)));
}

/* The lock space of an account's sessions: a session begun and a change
 * that ends the account's sessions wait for each other, on servers sharing a
 * PostgreSQL database, so that neither misses the other's commit. A recovery
 * code's check takes it too, so that its tries are counted one at a time. */
#define LOCK_SESSIONS INT64_C(1835230099)

static int lock_sessions(mc_store *st, int64_t user_id)
{
	return mc_db_lock(st, (LOCK_SESSIONS << 32) | (int64_t)(uint32_t)user_id,
			  "lock an account's sessions");
}

int mc_store_recovery_get(mc_store *st, mc_recovery *out, int64_t user_id)
{
	static const char sql[] = "SELECT code_hash, created_at, expires_at, attempts FROM recovery_code "
				  "WHERE user_id = $1";
	mc_q *q = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = lock_sessions(st, user_id);
	if (rc == 0)
		rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_int(q, 1, user_id);
	rc = mc_q_row(q, "read recovery code");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1) {
		out->user_id = user_id;
		/* A SHA-256 in hex has a fixed size: a longer one is no hash of ours. */
		rc = mc_strlcpy(out->code_hash, mc_q_col_text(q, 0), sizeof out->code_hash) != 0 ? MC_ETOOBIG
												 : 0;
		out->created_at = mc_q_col_int(q, 1);
		out->expires_at = mc_q_col_int(q, 2);
		out->attempts = (int)mc_q_col_int(q, 3);
	}
cleanup:
	mc_q_done(q);
	return rc;
}

int mc_store_recovery_attempt(mc_store *st, int64_t user_id)
{
	static const char sql[] = "UPDATE recovery_code SET attempts = attempts + 1 WHERE user_id = $1";
	return mc_db_run(st, sql, "count recovery attempt", MC_ARGS(MC_I(user_id)));
}

int mc_store_recovery_delete(mc_store *st, int64_t user_id)
{
	static const char sql[] = "DELETE FROM recovery_code WHERE user_id = $1";
	return mc_db_run(st, sql, "delete recovery code", MC_ARGS(MC_I(user_id)));
}

/* ---- sessions --------------------------------------------------------- */

int mc_store_session_create(mc_store *st, const char *token_hash, int64_t user_id, int64_t created_at,
			    int64_t expires_at, const char *checked_hash)
{
	/* Only while the account is as it was when its password was checked:
	 * a password change, a lock or an erasure committed meanwhile wins. */
	static const char sql[] =
	    "INSERT INTO session (token_hash, user_id, created_at, expires_at) "
	    "SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM app_user WHERE id = $2 AND active "
	    "AND erased_at = 0 AND ($5 = '' OR password_hash = $5)) ON CONFLICT DO NOTHING";
	int rc = lock_sessions(st, user_id);
	if (rc == 0)
		rc = mc_db_change(st, sql, "create session", MC_ONE, MC_ESTALE,
				  MC_ARGS(MC_T(token_hash), MC_I(user_id), MC_I(created_at), MC_I(expires_at),
					  MC_T(checked_hash ? checked_hash : "")));
	return rc;
}

int mc_store_session_get(mc_store *st, int64_t *user_id, int64_t *expires_at, const char *token_hash)
{
	static const char sql[] = "SELECT user_id, expires_at FROM session WHERE token_hash = $1";
	struct session_row {
		int64_t user_id, expires_at;
	} row = {0};
	static const mc_col cols[] = {
	    MC_COL(MC_COL_I64, struct session_row, user_id, "user_id"),
	    MC_COL(MC_COL_I64, struct session_row, expires_at, "expires_at"),
	};
	int rc = mc_db_read_by_text(st, sql, token_hash, "read session", MC_COLS(cols), &row);

	if (rc == 0 && user_id)
		*user_id = row.user_id;
	if (rc == 0 && expires_at)
		*expires_at = row.expires_at;
	return rc;
}

int mc_store_session_user(mc_store *st, mc_user *out, int64_t *expires_at, const char *token_hash)
{
	/* USER_COLS with created_at named by its table: session has one too. */
	static const char sql[] =
	    "SELECT app_user.id, username, full_name, email, app_user.phone, id_number, role, unit_id, "
	    "active, "
	    "app_user.created_at, must_change_password, password_hash, id_number_verified, "
	    "session.expires_at AS "
	    "session_expires_at "
	    "FROM session "
	    "JOIN app_user ON app_user.id = session.user_id WHERE session.token_hash = $1";
	static const mc_col expires_col[] = {{"session_expires_at", MC_COL_I64, 0, 0}};
	mc_q *q = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	*expires_at = 0;
	rc = mc_db_prepare(st, &q, sql);
	if (rc)
		goto cleanup;
	mc_q_text(q, 1, token_hash);
	rc = mc_q_row(q, "read session");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc == 1)
		rc = user_read(q, out);
	if (rc == 0)
		rc = mc_q_read(q, expires_col, MC_ARRAY_LEN(expires_col), expires_at);
cleanup:
	mc_q_done(q);
	if (rc)
		mc_user_clear(out);
	return rc;
}

int mc_store_session_delete(mc_store *st, const char *token_hash)
{
	static const char sql[] = "DELETE FROM session WHERE token_hash = $1";
	return mc_db_run(st, sql, "delete session", MC_ARGS(MC_T(token_hash)));
}

int mc_store_session_purge(mc_store *st, int64_t now)
{
	static const char sql[] = "DELETE FROM session WHERE expires_at <= $1";
	return mc_db_run(st, sql, "purge sessions", MC_ARGS(MC_I(now)));
}

int mc_store_session_revoke(mc_store *st, int64_t user_id, const char *keep)
{
	static const char sql[] = "DELETE FROM session WHERE user_id = $1 AND token_hash <> $2";
	int rc = lock_sessions(st, user_id);
	if (rc == 0)
		rc = mc_db_run(st, sql, "revoke sessions", MC_ARGS(MC_I(user_id), MC_T(keep ? keep : "")));
	return rc;
}

int mc_store_session_trim(mc_store *st, int64_t user_id, int keep, const char *newest)
{
	static const char sql[] =
	    "DELETE FROM session WHERE user_id = $1 AND token_hash <> $3 AND token_hash NOT IN "
	    "(SELECT token_hash FROM session WHERE user_id = $1 AND token_hash <> $3 "
	    "ORDER BY created_at DESC, token_hash LIMIT $2)";
	return mc_db_run(st, sql, "trim sessions",
			 MC_ARGS(MC_I(user_id), MC_I(keep > 1 ? keep - 1 : 0), MC_T(newest)));
}
