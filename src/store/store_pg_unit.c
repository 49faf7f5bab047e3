/*
 * store_pg_unit.c - units, users and sessions in the PostgreSQL store.
 */
#include "store/store_pg_int.h"

#include <stdlib.h>

/* ---- units ------------------------------------------------------------ */

#define UNIT_COLS                                                                                            \
	"id, parent_id, code, name, level, province_code, office_hours, address, phone, one_stop_since, "    \
	"electronic_one_stop_since"

static void unit_read(mc_unit *u, const PGresult *r, int row)
{
	memset(u, 0, sizeof(*u));
	u->id = mc_pq_get_i64(r, row, 0);
	u->parent_id = mc_pq_get_i64(r, row, 1);
	MC_PQ_GET_FIELD(u->code, r, row, 2);
	MC_PQ_GET_FIELD(u->name, r, row, 3);
	MC_PQ_GET_FIELD(u->level, r, row, 4);
	MC_PQ_GET_FIELD(u->province_code, r, row, 5);
	MC_PQ_GET_FIELD(u->office_hours, r, row, 6);
	MC_PQ_GET_FIELD(u->address, r, row, 7);
	MC_PQ_GET_FIELD(u->phone, r, row, 8);
	u->one_stop_since = (int32_t)mc_pq_get_i64(r, row, 9);
	u->electronic_one_stop_since = (int32_t)mc_pq_get_i64(r, row, 10);
}

int mc_pg_unit_create(mc_pg *st, mc_unit *u)
{
	/* The path is the parent's path and the new id; the root's is "/id/".
	 * One statement: the id comes from the identity before the row is written. */
	static const char sql[] =
	    "WITH n AS (SELECT nextval(pg_get_serial_sequence('unit', 'id')) AS id) "
	    "INSERT INTO unit (id, parent_id, code, name, level, province_code, office_hours, address, "
	    "phone, "
	    "one_stop_since, electronic_one_stop_since, path) "
	    "SELECT n.id, $1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, "
	    "$9::integer, $10::integer, "
	    "coalesce((SELECT p.path FROM unit p WHERE p.id = $1::bigint), '/') || n.id::text || '/' FROM n "
	    "RETURNING id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_ref(&p, 1, u->parent_id);
	MC_PQ_SET_FIELD(&p, 2, u->code);
	MC_PQ_SET_FIELD(&p, 3, u->name);
	MC_PQ_SET_FIELD(&p, 4, u->level);
	MC_PQ_SET_FIELD(&p, 5, u->province_code);
	MC_PQ_SET_FIELD(&p, 6, u->office_hours);
	MC_PQ_SET_FIELD(&p, 7, u->address);
	MC_PQ_SET_FIELD(&p, 8, u->phone);
	mc_pq_set_ref(&p, 9, u->one_stop_since);
	mc_pq_set_ref(&p, 10, u->electronic_one_stop_since);
	rc = mc_pq_write(st, &r, sql, &p, "insert unit");
	if (rc == 0)
		u->id = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_unit_update(mc_pg *st, const mc_unit *u)
{
	static const char sql[] =
	    "UPDATE unit SET name = $2::text, office_hours = $3::text, address = $4::text, "
	    "phone = $5::text, one_stop_since = $6::integer, "
	    "electronic_one_stop_since = $7::integer WHERE id = $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, u->id);
	MC_PQ_SET_FIELD(&p, 2, u->name);
	MC_PQ_SET_FIELD(&p, 3, u->office_hours);
	MC_PQ_SET_FIELD(&p, 4, u->address);
	MC_PQ_SET_FIELD(&p, 5, u->phone);
	mc_pq_set_ref(&p, 6, u->one_stop_since);
	mc_pq_set_ref(&p, 7, u->electronic_one_stop_since);
	rc = mc_pq_write(st, &r, sql, &p, "update unit");
	if (rc == 0 && mc_pq_changes(r) == 0)
		rc = MC_ENOTFOUND;
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

static int unit_one(mc_pg *st, mc_unit *out, const char *sql, struct mc_pq_params *p)
{
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, sql, p, "read unit");

	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		unit_read(out, r, 0);
	PQclear(r);
	mc_pq_params_clear(p);
	return rc;
}

int mc_pg_unit_get(mc_pg *st, mc_unit *out, int64_t id)
{
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit WHERE id = $1::bigint";
	struct mc_pq_params p = {0};

	mc_pq_set_int(&p, 1, id);
	return unit_one(st, out, sql, &p);
}

int mc_pg_unit_by_code(mc_pg *st, mc_unit *out, const char *code)
{
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit WHERE code = $1::text";
	struct mc_pq_params p = {0};

	mc_pq_set_text(&p, 1, code);
	return unit_one(st, out, sql, &p);
}

int mc_pg_unit_list(mc_pg *st, mc_unit **out, size_t *n)
{
	/* A path sorts before every path that extends it: parents come first. */
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit ORDER BY path";
	PGresult *r = NULL;
	mc_unit *list = NULL;
	int rows = 0;
	int rc = mc_pq_run(st, &r, sql, NULL, "list units");

	*out = NULL;
	*n = 0;
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	list = rows ? mc_xcalloc((size_t)rows, sizeof(*list)) : NULL;
	for (int i = 0; i < rows; i++)
		unit_read(&list[i], r, i);
	*out = list;
	*n = (size_t)rows;
cleanup:
	PQclear(r);
	return rc;
}

int mc_pg_unit_within(mc_pg *st, bool *out, int64_t unit, int64_t ancestor)
{
	static const char sql[] = "SELECT EXISTS (SELECT 1 FROM unit u, unit a WHERE u.id = $1::bigint "
				  "AND a.id = $2::bigint AND left(u.path, length(a.path)) = a.path)";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	*out = false;
	mc_pq_set_int(&p, 1, unit);
	mc_pq_set_int(&p, 2, ancestor);
	rc = mc_pq_run(st, &r, sql, &p, "check unit scope");
	if (rc == 0)
		*out = mc_pq_get_bool(r, 0, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_unit_one_stop(mc_pg *st, mc_one_stop_count out[4], int64_t unit_id, int32_t day)
{
	static const char *const levels[] = {"province", "department", "district", "commune"};
	static const char sql[] =
	    "SELECT level, count(*), "
	    "count(*) FILTER (WHERE one_stop_since IS NOT NULL AND one_stop_since <= $3::integer), "
	    "count(*) FILTER (WHERE electronic_one_stop_since IS NOT NULL AND "
	    "electronic_one_stop_since <= $3::integer) "
	    "FROM unit WHERE path >= $1::text AND path < $2::text GROUP BY level";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	char lo[256], hi[256];
	int rc;

	memset(out, 0, 4 * sizeof(*out));
	rc = mc_pq_unit_range(st, lo, hi, unit_id);
	if (rc)
		return rc;
	mc_pq_set_text(&p, 1, lo);
	mc_pq_set_text(&p, 2, hi);
	mc_pq_set_int(&p, 3, day);
	rc = mc_pq_run(st, &r, sql, &p, "count one-stop units");
	for (int row = 0; rc == 0 && row < PQntuples(r); row++) {
		const char *level = PQgetvalue(r, row, 0);

		for (size_t i = 0; i < MC_ARRAY_LEN(levels); i++) {
			if (strcmp(level, levels[i]) == 0) {
				out[i].units = mc_pq_get_i64(r, row, 1);
				out[i].one_stop = mc_pq_get_i64(r, row, 2);
				out[i].electronic = mc_pq_get_i64(r, row, 3);
			}
		}
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* ---- users ------------------------------------------------------------ */

#define USER_COLS                                                                                            \
	"app_user.id, username, full_name, email, app_user.phone, id_number, role, unit_id, active, "        \
	"created_at, password_hash"

static void user_read(mc_user *u, const PGresult *r, int row)
{
	memset(u, 0, sizeof(*u));
	u->id = mc_pq_get_i64(r, row, 0);
	MC_PQ_GET_FIELD(u->username, r, row, 1);
	MC_PQ_GET_FIELD(u->full_name, r, row, 2);
	MC_PQ_GET_FIELD(u->email, r, row, 3);
	MC_PQ_GET_FIELD(u->phone, r, row, 4);
	MC_PQ_GET_FIELD(u->id_number, r, row, 5);
	u->role = (int)mc_pq_get_i64(r, row, 6);
	u->unit_id = mc_pq_get_i64(r, row, 7);
	u->active = mc_pq_get_bool(r, row, 8);
	u->created_at = mc_pq_get_i64(r, row, 9);
}

int mc_pg_user_create(mc_pg *st, mc_user *u, const char *password_hash)
{
	static const char sql[] =
	    "INSERT INTO app_user (username, password_hash, full_name, email, phone, "
	    "id_number, role, unit_id, active, created_at) VALUES ($1::text, $2::text, "
	    "$3::text, $4::text, $5::text, $6::text, $7::integer, $8::bigint, $9::boolean, "
	    "$10::bigint) RETURNING id";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	MC_PQ_SET_FIELD(&p, 1, u->username);
	mc_pq_set_text(&p, 2, password_hash ? password_hash : "");
	MC_PQ_SET_FIELD(&p, 3, u->full_name);
	MC_PQ_SET_FIELD(&p, 4, u->email);
	MC_PQ_SET_FIELD(&p, 5, u->phone);
	MC_PQ_SET_FIELD(&p, 6, u->id_number);
	mc_pq_set_int(&p, 7, u->role);
	mc_pq_set_ref(&p, 8, u->unit_id);
	mc_pq_set_bool(&p, 9, u->active);
	mc_pq_set_int(&p, 10, u->created_at);
	rc = mc_pq_write(st, &r, sql, &p, "insert user");
	if (rc == 0)
		u->id = mc_pq_get_i64(r, 0, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_user_get(mc_pg *st, mc_user *out, int64_t id)
{
	static const char sql[] = "SELECT " USER_COLS " FROM app_user WHERE id = $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, id);
	rc = mc_pq_run(st, &r, sql, &p, "read user");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0)
		user_read(out, r, 0);
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_user_by_username(mc_pg *st, mc_user *out, char *hash, size_t hash_cap, const char *username)
{
	static const char sql[] = "SELECT " USER_COLS " FROM app_user WHERE username = $1::text";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_text(&p, 1, username);
	rc = mc_pq_run(st, &r, sql, &p, "read user");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc)
		goto cleanup;
	user_read(out, r, 0);
	if (hash && hash_cap > 0) {
		/* A cut hash would never verify; say so instead of truncating. */
		if ((size_t)PQgetlength(r, 0, 10) >= hash_cap) {
			hash[0] = '\0';
			rc = MC_ETOOBIG;
			goto cleanup;
		}
		mc_pq_get_text(hash, hash_cap, r, 0, 10);
	}
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_user_set_password(mc_pg *st, int64_t id, const char *password_hash)
{
	static const char sql[] = "UPDATE app_user SET password_hash = $2::text WHERE id = $1::bigint";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_int(&p, 1, id);
	mc_pq_set_text(&p, 2, password_hash);
	rc = mc_pq_write(st, &r, sql, &p, "set password");
	if (rc == 0 && mc_pq_changes(r) == 0)
		rc = MC_ENOTFOUND;
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_user_list(mc_pg *st, mc_user **out, size_t *n, int64_t unit_id)
{
	static const char all[] = "SELECT " USER_COLS " FROM app_user ORDER BY username";
	static const char subtree[] =
	    "SELECT " USER_COLS " FROM app_user JOIN unit ON unit.id = app_user.unit_id "
	    "WHERE unit.path >= $1::text AND unit.path < $2::text ORDER BY username";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	mc_user *list = NULL;
	char lo[256];
	char hi[256];
	int rows;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (unit_id) {
		rc = mc_pq_unit_range(st, lo, hi, unit_id);
		if (rc)
			goto cleanup;
		mc_pq_set_text(&p, 1, lo);
		mc_pq_set_text(&p, 2, hi);
	}
	rc = mc_pq_run(st, &r, unit_id ? subtree : all, unit_id ? &p : NULL, "list users");
	if (rc)
		goto cleanup;
	rows = PQntuples(r);
	list = rows ? mc_xcalloc((size_t)rows, sizeof(*list)) : NULL;
	for (int i = 0; i < rows; i++)
		user_read(&list[i], r, i);
	*out = list;
	*n = (size_t)rows;
cleanup:
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

/* ---- sessions --------------------------------------------------------- */

int mc_pg_session_create(mc_pg *st, const char *token_hash, int64_t user_id, int64_t created_at,
			 int64_t expires_at)
{
	static const char sql[] = "INSERT INTO session (token_hash, user_id, created_at, expires_at) "
				  "VALUES ($1::text, $2::bigint, $3::bigint, $4::bigint)";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_text(&p, 1, token_hash);
	mc_pq_set_int(&p, 2, user_id);
	mc_pq_set_int(&p, 3, created_at);
	mc_pq_set_int(&p, 4, expires_at);
	rc = mc_pq_write(st, NULL, sql, &p, "create session");
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_session_get(mc_pg *st, int64_t *user_id, int64_t *expires_at, const char *token_hash)
{
	static const char sql[] = "SELECT user_id, expires_at FROM session WHERE token_hash = $1::text";
	struct mc_pq_params p = {0};
	PGresult *r = NULL;
	int rc;

	mc_pq_set_text(&p, 1, token_hash);
	rc = mc_pq_run(st, &r, sql, &p, "read session");
	if (rc == 0 && PQntuples(r) == 0)
		rc = MC_ENOTFOUND;
	if (rc == 0) {
		if (user_id)
			*user_id = mc_pq_get_i64(r, 0, 0);
		if (expires_at)
			*expires_at = mc_pq_get_i64(r, 0, 1);
	}
	PQclear(r);
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_session_delete(mc_pg *st, const char *token_hash)
{
	static const char sql[] = "DELETE FROM session WHERE token_hash = $1::text";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_text(&p, 1, token_hash);
	rc = mc_pq_write(st, NULL, sql, &p, "delete session");
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_session_purge(mc_pg *st, int64_t now)
{
	static const char sql[] = "DELETE FROM session WHERE expires_at <= $1::bigint";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_int(&p, 1, now);
	rc = mc_pq_write(st, NULL, sql, &p, "purge sessions");
	mc_pq_params_clear(&p);
	return rc;
}

int mc_pg_session_trim(mc_pg *st, int64_t user_id, int keep, const char *newest)
{
	static const char sql[] = "DELETE FROM session WHERE user_id = $1::bigint AND token_hash <> $3::text "
				  "AND token_hash NOT IN (SELECT token_hash FROM session WHERE user_id = $1::bigint "
				  "AND token_hash <> $3::text ORDER BY created_at DESC, token_hash LIMIT $2::bigint - 1)";
	struct mc_pq_params p = {0};
	int rc;

	mc_pq_set_int(&p, 1, user_id);
	mc_pq_set_int(&p, 2, keep);
	mc_pq_set_text(&p, 3, newest);
	rc = mc_pq_write(st, NULL, sql, &p, "trim sessions");
	mc_pq_params_clear(&p);
	return rc;
}
