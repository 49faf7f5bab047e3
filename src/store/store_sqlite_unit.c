/*
 * store_sqlite_unit.c - units, users and sessions in the SQLite store.
 */
#include "store/store_sqlite_int.h"

#include <stdlib.h>

/* ---- units ------------------------------------------------------------ */

#define UNIT_COLS                                                                                            \
	"id, parent_id, code, name, level, province_code, office_hours, address, phone, one_stop_since, "    \
	"electronic_one_stop_since"

static void unit_read(mc_unit *u, sqlite3_stmt *s)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	u->parent_id = sqlite3_column_int64(s, 1);
	MC_SQ_COL_FIELD(u->code, s, 2);
	MC_SQ_COL_FIELD(u->name, s, 3);
	MC_SQ_COL_FIELD(u->level, s, 4);
	MC_SQ_COL_FIELD(u->province_code, s, 5);
	MC_SQ_COL_FIELD(u->office_hours, s, 6);
	MC_SQ_COL_FIELD(u->address, s, 7);
	MC_SQ_COL_FIELD(u->phone, s, 8);
	u->one_stop_since = sqlite3_column_int(s, 9);
	u->electronic_one_stop_since = sqlite3_column_int(s, 10);
}

int mc_sqlite_unit_create(mc_sqlite *st, mc_unit *u)
{
	static const char ins[] =
	    "INSERT INTO unit (parent_id, code, name, level, province_code, office_hours, "
	    "address, phone, one_stop_since, electronic_one_stop_since) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	/* The path is the parent's path and the new id; the root's is "/id/". */
	static const char set_path[] =
	    "UPDATE unit SET path = coalesce((SELECT p.path FROM unit p WHERE p.id = unit.parent_id), '/') "
	    "|| id || '/' WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int64_t id = 0;
	int rc = mc_sq_op_begin(st);

	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, ins);
	if (rc)
		goto cleanup;
	mc_sq_bind_ref(s, 1, u->parent_id);
	MC_SQ_BIND_FIELD(s, 2, u->code);
	MC_SQ_BIND_FIELD(s, 3, u->name);
	MC_SQ_BIND_FIELD(s, 4, u->level);
	MC_SQ_BIND_FIELD(s, 5, u->province_code);
	MC_SQ_BIND_FIELD(s, 6, u->office_hours);
	MC_SQ_BIND_FIELD(s, 7, u->address);
	MC_SQ_BIND_FIELD(s, 8, u->phone);
	mc_sq_bind_ref(s, 9, u->one_stop_since);
	mc_sq_bind_ref(s, 10, u->electronic_one_stop_since);
	rc = mc_sq_exec(st, s, "insert unit");
	if (rc)
		goto cleanup;
	id = sqlite3_last_insert_rowid(st->db);
	mc_sq_done(s);
	s = NULL;
	rc = mc_sq_prepare(st, &s, set_path);
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	rc = mc_sq_exec(st, s, "set unit path");
cleanup:
	mc_sq_done(s);
	rc = mc_sq_op_end(st, rc);
	if (rc == 0)
		u->id = id;
	return rc;
}

int mc_sqlite_unit_update(mc_sqlite *st, const mc_unit *u)
{
	static const char sql[] = "UPDATE unit SET name = ?2, office_hours = ?3, address = ?4, phone = ?5, "
				  "one_stop_since = ?6, electronic_one_stop_since = ?7 WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, u->id);
	MC_SQ_BIND_FIELD(s, 2, u->name);
	MC_SQ_BIND_FIELD(s, 3, u->office_hours);
	MC_SQ_BIND_FIELD(s, 4, u->address);
	MC_SQ_BIND_FIELD(s, 5, u->phone);
	mc_sq_bind_ref(s, 6, u->one_stop_since);
	mc_sq_bind_ref(s, 7, u->electronic_one_stop_since);
	rc = mc_sq_exec(st, s, "update unit");
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = MC_ENOTFOUND;
cleanup:
	mc_sq_done(s);
	return rc;
}

/* Reads the one row of a prepared query into *out; MC_ENOTFOUND when none. */
static int unit_get_one(mc_sqlite *st, mc_unit *out, sqlite3_stmt *s)
{
	int rc = mc_sq_row(st, s, "read unit");

	if (rc == 0)
		return MC_ENOTFOUND;
	if (rc < 0)
		return rc;
	unit_read(out, s);
	return 0;
}

int mc_sqlite_unit_get(mc_sqlite *st, mc_unit *out, int64_t id)
{
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	rc = unit_get_one(st, out, s);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_unit_by_code(mc_sqlite *st, mc_unit *out, const char *code)
{
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit WHERE code = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, code);
	rc = unit_get_one(st, out, s);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_unit_list(mc_sqlite *st, mc_unit **out, size_t *n)
{
	/* A path sorts before every path that extends it: parents come first. */
	static const char sql[] = "SELECT " UNIT_COLS " FROM unit ORDER BY path";
	sqlite3_stmt *s = NULL;
	mc_unit *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	for (;;) {
		rc = mc_sq_row(st, s, "list units");
		if (rc != 1)
			break;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		unit_read(&list[len++], s);
	}
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		free(list);
		list = NULL;
		len = 0;
	}
	*out = list;
	*n = len;
	return rc < 0 ? rc : 0;
}

int mc_sqlite_unit_within(mc_sqlite *st, bool *out, int64_t unit, int64_t ancestor)
{
	static const char sql[] = "SELECT EXISTS (SELECT 1 FROM unit u, unit a WHERE u.id = ?1 AND a.id = ?2 "
				  "AND substr(u.path, 1, length(a.path)) = a.path)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	*out = false;
	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, unit);
	mc_sq_bind_int(s, 2, ancestor);
	rc = mc_sq_row(st, s, "check unit scope");
	if (rc < 0)
		goto cleanup;
	*out = rc == 1 && sqlite3_column_int(s, 0) != 0;
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

void mc_unit_free_list(mc_unit *list)
{
	free(list);
}

int mc_sqlite_unit_one_stop(mc_sqlite *st, mc_one_stop_count out[4], int64_t unit_id, int32_t day)
{
	static const char *const levels[] = {"province", "department", "district", "commune"};
	static const char sql[] =
	    "SELECT level, count(*), sum(one_stop_since IS NOT NULL AND one_stop_since <= ?3), "
	    "sum(electronic_one_stop_since IS NOT NULL AND electronic_one_stop_since <= ?3) "
	    "FROM unit WHERE path >= ?1 AND path < ?2 GROUP BY level";
	sqlite3_stmt *s = NULL;
	char lo[256], hi[256];
	int rc;

	memset(out, 0, 4 * sizeof(*out));
	rc = mc_sq_unit_range(st, lo, hi, unit_id);
	if (rc)
		return rc;
	rc = mc_sq_prepare(st, &s, sql);
	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, lo);
	mc_sq_bind_text(s, 2, hi);
	mc_sq_bind_int(s, 3, day);
	for (;;) {
		const char *level;

		rc = mc_sq_row(st, s, "count one-stop units");
		if (rc != 1)
			break;
		level = (const char *)sqlite3_column_text(s, 0);
		for (size_t i = 0; level && i < MC_ARRAY_LEN(levels); i++) {
			if (strcmp(level, levels[i]) == 0) {
				out[i].units = sqlite3_column_int64(s, 1);
				out[i].one_stop = sqlite3_column_int64(s, 2);
				out[i].electronic = sqlite3_column_int64(s, 3);
			}
		}
	}
cleanup:
	mc_sq_done(s);
	return rc < 0 ? rc : 0;
}

/* ---- users ------------------------------------------------------------ */

#define USER_COLS                                                                                            \
	"app_user.id, username, full_name, email, app_user.phone, id_number, role, unit_id, active, "        \
	"created_at, "                                                                                       \
	"password_hash"

static void user_read(mc_user *u, sqlite3_stmt *s)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, 0);
	MC_SQ_COL_FIELD(u->username, s, 1);
	MC_SQ_COL_FIELD(u->full_name, s, 2);
	MC_SQ_COL_FIELD(u->email, s, 3);
	MC_SQ_COL_FIELD(u->phone, s, 4);
	MC_SQ_COL_FIELD(u->id_number, s, 5);
	u->role = sqlite3_column_int(s, 6);
	u->unit_id = sqlite3_column_int64(s, 7);
	u->active = sqlite3_column_int(s, 8) != 0;
	u->created_at = sqlite3_column_int64(s, 9);
}

int mc_sqlite_user_create(mc_sqlite *st, mc_user *u, const char *password_hash)
{
	static const char sql[] = "INSERT INTO app_user (username, password_hash, full_name, email, phone, "
				  "id_number, role, unit_id, active, created_at) "
				  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	MC_SQ_BIND_FIELD(s, 1, u->username);
	mc_sq_bind_text(s, 2, password_hash ? password_hash : "");
	MC_SQ_BIND_FIELD(s, 3, u->full_name);
	MC_SQ_BIND_FIELD(s, 4, u->email);
	MC_SQ_BIND_FIELD(s, 5, u->phone);
	MC_SQ_BIND_FIELD(s, 6, u->id_number);
	mc_sq_bind_int(s, 7, u->role);
	mc_sq_bind_ref(s, 8, u->unit_id);
	mc_sq_bind_int(s, 9, u->active ? 1 : 0);
	mc_sq_bind_int(s, 10, u->created_at);
	rc = mc_sq_exec(st, s, "insert user");
	if (rc == 0)
		u->id = sqlite3_last_insert_rowid(st->db);
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_user_get(mc_sqlite *st, mc_user *out, int64_t id)
{
	static const char sql[] = "SELECT " USER_COLS " FROM app_user WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	rc = mc_sq_row(st, s, "read user");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	user_read(out, s);
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_user_by_username(mc_sqlite *st, mc_user *out, char *hash, size_t hash_cap, const char *username)
{
	static const char sql[] = "SELECT " USER_COLS " FROM app_user WHERE username = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, username);
	rc = mc_sq_row(st, s, "read user");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	user_read(out, s);
	rc = 0;
	if (hash && hash_cap > 0) {
		/* A cut hash would never verify; say so instead of truncating. */
		if ((size_t)sqlite3_column_bytes(s, 10) >= hash_cap) {
			hash[0] = '\0';
			rc = MC_ETOOBIG;
			goto cleanup;
		}
		mc_sq_col_text(hash, hash_cap, s, 10);
	}
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_user_set_password(mc_sqlite *st, int64_t id, const char *password_hash)
{
	static const char sql[] = "UPDATE app_user SET password_hash = ?2 WHERE id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, id);
	mc_sq_bind_text(s, 2, password_hash);
	rc = mc_sq_exec(st, s, "set password");
	if (rc == 0 && sqlite3_changes(st->db) == 0)
		rc = MC_ENOTFOUND;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_user_list(mc_sqlite *st, mc_user **out, size_t *n, int64_t unit_id)
{
	static const char all[] = "SELECT " USER_COLS " FROM app_user ORDER BY username";
	static const char subtree[] =
	    "SELECT " USER_COLS " FROM app_user JOIN unit ON unit.id = app_user.unit_id "
	    "WHERE unit.path >= ?1 AND unit.path < ?2 ORDER BY username";
	char lo[256];
	char hi[256];
	sqlite3_stmt *s = NULL;
	mc_user *list = NULL;
	size_t len = 0;
	size_t cap = 0;
	int rc = 0;

	if (unit_id) {
		rc = mc_sq_unit_range(st, lo, hi, unit_id);
		if (rc)
			goto cleanup;
	}
	rc = mc_sq_prepare(st, &s, unit_id ? subtree : all);
	if (rc)
		goto cleanup;
	if (unit_id) {
		mc_sq_bind_text(s, 1, lo);
		mc_sq_bind_text(s, 2, hi);
	}
	for (;;) {
		rc = mc_sq_row(st, s, "list users");
		if (rc != 1)
			break;
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			list = mc_xrealloc(list, cap * sizeof(*list));
		}
		user_read(&list[len++], s);
	}
cleanup:
	mc_sq_done(s);
	if (rc < 0) {
		free(list);
		list = NULL;
		len = 0;
	}
	*out = list;
	*n = len;
	return rc < 0 ? rc : 0;
}

void mc_user_free_list(mc_user *list)
{
	free(list);
}

/* ---- sessions --------------------------------------------------------- */

int mc_sqlite_session_create(mc_sqlite *st, const char *token_hash, int64_t user_id, int64_t created_at,
			    int64_t expires_at)
{
	static const char sql[] = "INSERT INTO session (token_hash, user_id, created_at, expires_at) "
				  "VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, token_hash);
	mc_sq_bind_int(s, 2, user_id);
	mc_sq_bind_int(s, 3, created_at);
	mc_sq_bind_int(s, 4, expires_at);
	rc = mc_sq_exec(st, s, "create session");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_session_get(mc_sqlite *st, int64_t *user_id, int64_t *expires_at, const char *token_hash)
{
	static const char sql[] = "SELECT user_id, expires_at FROM session WHERE token_hash = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, token_hash);
	rc = mc_sq_row(st, s, "read session");
	if (rc == 0)
		rc = MC_ENOTFOUND;
	if (rc < 0)
		goto cleanup;
	if (user_id)
		*user_id = sqlite3_column_int64(s, 0);
	if (expires_at)
		*expires_at = sqlite3_column_int64(s, 1);
	rc = 0;
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_session_delete(mc_sqlite *st, const char *token_hash)
{
	static const char sql[] = "DELETE FROM session WHERE token_hash = ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_text(s, 1, token_hash);
	rc = mc_sq_exec(st, s, "delete session");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_session_purge(mc_sqlite *st, int64_t now)
{
	static const char sql[] = "DELETE FROM session WHERE expires_at <= ?1";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, now);
	rc = mc_sq_exec(st, s, "purge sessions");
cleanup:
	mc_sq_done(s);
	return rc;
}

int mc_sqlite_session_trim(mc_sqlite *st, int64_t user_id, int keep, const char *newest)
{
	static const char sql[] = "DELETE FROM session WHERE user_id = ?1 AND token_hash <> ?3 AND token_hash NOT IN "
				  "(SELECT token_hash FROM session WHERE user_id = ?1 AND token_hash <> ?3 "
				  "ORDER BY created_at DESC, token_hash LIMIT ?2 - 1)";
	sqlite3_stmt *s = NULL;
	int rc = mc_sq_prepare(st, &s, sql);

	if (rc)
		goto cleanup;
	mc_sq_bind_int(s, 1, user_id);
	mc_sq_bind_int(s, 2, keep);
	mc_sq_bind_text(s, 3, newest);
	rc = mc_sq_exec(st, s, "trim sessions");
cleanup:
	mc_sq_done(s);
	return rc;
}
