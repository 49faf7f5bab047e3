/*
 * store_pg.c - what only the PostgreSQL store does its own way: the
 * connection (a URL with our files= parameter, the session's settings and
 * time limits), a connection lost and made again (reconnect_if_lost),
 * statements prepared by name and their errors mapped by SQLSTATE,
 * transactions that know whether one is open (tx_open), the schema's number
 * (the schema_migration table) and running one migration's script, and the
 * health checks (the server answers; it is no standby). What both engines do
 * alike is written once: the migrations' order in store_migrate.c,
 * savepoints and the time limits' checks in store.c, statements in db.c and
 * the store_<resource>.c files.
 *
 * The parameter, result and statement helpers (mc_pq_*) serve db.c, and the
 * store_pg_*.c files not yet written on it.
 */
#include "store/store_pg_int.h"

#include <assert.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/text.h"
#include "store/db.h"

#define DEFAULT_FILES_DIR "./var/files"

/* ---- parameters -------------------------------------------------------- */

/* A parameter number out of range is a bug in the SQL beside the call. */
static void param_slot(struct mc_pq_params *p, int i)
{
	if (i < 1 || i > MC_PQ_MAX_PARAMS) {
		fprintf(stderr, "could not bind parameter $%d: out of range\n", i);
		abort();
	}
	for (int k = p->n; k < i; k++)
		p->values[k] = NULL;
	if (i > p->n)
		p->n = i;
	free(p->owned[i - 1]);
	p->owned[i - 1] = NULL;
}

void mc_pq_set_text(struct mc_pq_params *p, int i, const char *v)
{
	param_slot(p, i);
	p->values[i - 1] = v;
}

void mc_pq_set_textn(struct mc_pq_params *p, int i, const char *v, size_t cap)
{
	size_t len = strnlen(v, cap);

	param_slot(p, i);
	if (len < cap) {
		p->values[i - 1] = v;
		return;
	}
	p->owned[i - 1] = mc_xstrndup(v, len);
	p->values[i - 1] = p->owned[i - 1];
}

void mc_pq_set_int(struct mc_pq_params *p, int i, int64_t v)
{
	param_slot(p, i);
	snprintf(p->nums[i - 1], sizeof(p->nums[0]), "%" PRId64, v);
	p->values[i - 1] = p->nums[i - 1];
}

void mc_pq_set_ref(struct mc_pq_params *p, int i, int64_t v)
{
	if (v == 0)
		mc_pq_set_null(p, i);
	else
		mc_pq_set_int(p, i, v);
}

void mc_pq_set_bool(struct mc_pq_params *p, int i, bool v)
{
	param_slot(p, i);
	p->values[i - 1] = v ? "t" : "f";
}

void mc_pq_set_null(struct mc_pq_params *p, int i)
{
	param_slot(p, i);
	p->values[i - 1] = NULL;
}

void mc_pq_params_clear(struct mc_pq_params *p)
{
	for (int i = 0; i < MC_PQ_MAX_PARAMS; i++) {
		free(p->owned[i]);
		p->owned[i] = NULL;
		p->values[i] = NULL;
	}
	p->n = 0;
}

/* ---- results ----------------------------------------------------------- */

int64_t mc_pq_get_i64(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool mc_pq_get_bool(const PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

double mc_pq_get_double(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtod(PQgetvalue(r, row, col), NULL);
}

void mc_pq_get_text(char *dst, size_t cap, const PGresult *r, int row, int col)
{
	const char *v = PQgetvalue(r, row, col);
	size_t len = (size_t)PQgetlength(r, row, col);

	assert(cap > 0);
	if (PQgetisnull(r, row, col)) {
		dst[0] = '\0';
		return;
	}
	if (len >= cap) {
		len = cap - 1;
		/* Back off continuation bytes (10xxxxxx) to the start of a character. */
		while (len > 0 && ((unsigned char)v[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, v, len);
	dst[len] = '\0';
}

int64_t mc_pq_changes(const PGresult *r)
{
	const char *n = PQcmdTuples((PGresult *)r);

	return n && *n ? strtoll(n, NULL, 10) : 0;
}

/* ---- errors ------------------------------------------------------------ */

static bool connection_lost(mc_pg *st)
{
	return PQstatus(st->conn) == CONNECTION_BAD;
}

int mc_pq_error(mc_pg *st, const PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : "";
	size_t len;

	if (!msg || !*msg)
		msg = PQerrorMessage(st->conn);
	if (state) {
		if (strcmp(state, "23505") == 0)
			return MC_ECONFLICT;
		if (strcmp(state, "23503") == 0)
			return MC_ENOTFOUND;
		if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0)
			return MC_EINVAL;
		if (strcmp(state, "P0001") == 0)
			return MC_EFORBIDDEN;
		/* A row lock held past lock_timeout: expected under contention
		 * (the group committer sets such a job aside and tries it again,
		 * and says so when it finally gives up), not worth a line here. */
		if (strcmp(state, "55P03") == 0)
			return MC_EBUSY;
	}
	/* While the server is away every call fails the same way: said once,
	 * when the connection is found lost, and again when it is back. */
	if (connection_lost(st) && st->down)
		return MC_EBUSY;
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	fprintf(stderr, "could not %s: %.*s\n", what, (int)len, msg);
	if (connection_lost(st)) {
		st->down = 1;
		return MC_EBUSY;
	}
	/* serialization_failure, deadlock_detected, query_canceled (a
	 * statement that ran past statement_timeout), the connection exceptions
	 * (08…) and an administrator's shutdown (57P0…): worth trying again. */
	if (state &&
	    (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "57014") == 0 ||
	     strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0))
		return MC_EBUSY;
	return MC_ERROR;
}

/* ---- statement cache --------------------------------------------------- */

static size_t slot_hash(const void *key, unsigned variant)
{
	uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15u;
	h ^= (uint64_t)variant * 0xc2b2ae3d27d4eb4fu;
	return (size_t)(h ^ (h >> 29));
}

static struct mc_pg_stmt *slot_find(mc_pg *st, const void *key, unsigned variant)
{
	size_t mask = st->n_slots - 1;
	size_t i = slot_hash(key, variant) & mask;

	while (st->slots[i].key) {
		if (st->slots[i].key == key && st->slots[i].variant == variant)
			return &st->slots[i];
		i = (i + 1) & mask;
	}
	return &st->slots[i];
}

static void slots_grow(mc_pg *st)
{
	struct mc_pg_stmt *old = st->slots;
	size_t n_old = st->n_slots;

	st->n_slots = n_old * 2;
	st->slots = mc_xcalloc(st->n_slots, sizeof(*st->slots));
	for (size_t i = 0; i < n_old; i++) {
		if (old[i].key)
			*slot_find(st, old[i].key, old[i].variant) = old[i];
	}
	free(old);
}

/* After a reset the server has forgotten every prepared statement. */
static void slots_forget(mc_pg *st)
{
	for (size_t i = 0; i < st->n_slots; i++)
		st->slots[i].id = 0;
}

/* Whether the connection is gone while idle. The server closes its end
 * when it stops or restarts, or when an administrator ends the session:
 * a FATAL message, then end of file, sent without being asked. An idle
 * connection otherwise has nothing to read (we LISTEN to nothing), so
 * whatever is there is read now, and libpq marks the connection bad if
 * it was the end. One poll, without waiting, when nothing is there. */
static bool idle_connection_closed(mc_pg *st)
{
	struct pollfd p = {.fd = PQsocket(st->conn), .events = POLLIN};

	for (int i = 0; i < 4 && !connection_lost(st); i++) {
		if (p.fd < 0 || poll(&p, 1, 0) <= 0 || !PQconsumeInput(st->conn))
			break;
	}
	return connection_lost(st);
}

/* Sets a setting of the session (local = false) or of the current
 * transaction (local = true) to a number of milliseconds, with the value
 * bound as a parameter rather than written into the SQL. */
static int set_ms(mc_pg *st, const char *name, int ms, bool local)
{
	char value[24];
	const char *values[3] = {name, value, local ? "true" : "false"};
	PGresult *r = NULL;
	int rc = 0;

	snprintf(value, sizeof(value), "%d", ms);
	r = PQexecParams(st->conn, "SELECT set_config($1, $2, $3::boolean)", 3, NULL, values, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = mc_pq_error(st, r, "set a time limit of the connection");
	PQclear(r);
	return rc;
}

static int apply_limits(mc_pg *st)
{
	/* 0 is PostgreSQL's own "no limit" for each of them. */
	int rc = set_ms(st, "lock_timeout", st->limits.lock_timeout_ms, false);

	if (rc == 0)
		rc = set_ms(st, "statement_timeout", st->limits.statement_timeout_ms, false);
	if (rc == 0)
		rc = set_ms(st, "idle_in_transaction_session_timeout",
			    st->limits.idle_in_transaction_timeout_ms, false);
	return rc;
}

/* Settings of every session, on the first connection and after each reconnection. */
static int configure(mc_pg *st)
{
	/* A commit returns once it is on disk (and on a synchronous standby when
	 * the server has one), whatever the server's default. Notices (a
	 * savepoint released twice, IF NOT EXISTS) are not errors. */
	int rc = mc_pq_exec_sql(st, "SET synchronous_commit = on", "configure the connection");

	if (rc == 0)
		rc = mc_pq_exec_sql(st, "SET client_min_messages = warning", "configure the connection");
	if (rc == 0 && st->limits_set)
		rc = apply_limits(st);
	return rc;
}

int mc_pg_set_limits(mc_pg *st, const mc_store_limits *limits)
{
	st->limits = *limits;
	st->limits_set = true;
	return apply_limits(st);
}

int mc_pg_lock_wait(mc_pg *st, int ms)
{
	return set_ms(st, "lock_timeout", ms, true);
}

int mc_pq_reconnect(mc_pg *st)
{
	int rc;

	PQreset(st->conn);
	/* A new session: no prepared statement, and the numbers handed out on
	 * the old one are either committed (and in dossier_seq) or gone. */
	slots_forget(st);
	mc_seq_marks_forget(&st->marks);
	if (connection_lost(st)) {
		if (st->down < 2) {
			const char *msg = PQerrorMessage(st->conn);
			size_t len = strlen(msg);

			while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
				len--;
			fprintf(stderr, "could not reconnect to PostgreSQL: %.*s\n", (int)len, msg);
			st->down = 2;
		}
		return MC_EBUSY;
	}
	rc = configure(st);
	if (rc == 0 && st->down) {
		fprintf(stderr, "motcua: reconnected to PostgreSQL at %s\n", st->url);
		st->down = 0;
	}
	return rc;
}

/* A lost connection is made again by the next call that finds it lost
 * before sending anything, so that nothing it sends can have run on the
 * old one. Never inside a transaction (mc_store_begin or an operation of
 * its own): its work is gone with the connection, and the rest of it must
 * not run and commit statement by statement on a new one; every call fails
 * with MC_EBUSY until the owner rolls back. A call that was under way when
 * the connection broke fails with MC_EBUSY too and is not sent again: a
 * write may or may not have committed. While the server is down, each call
 * tries once (a refused connection fails at once; connect_timeout bounds
 * the rest) and fails with MC_EBUSY. */
static int reconnect_if_lost(mc_pg *st)
{
	if (st->tx_open || !idle_connection_closed(st))
		return 0;
	if (!st->down) {
		fprintf(stderr, "motcua: PostgreSQL closed the connection to %s; connecting again\n", st->url);
		st->down = 1;
	}
	return mc_pq_reconnect(st);
}

static int prepare(mc_pg *st, unsigned *id, const void *key, unsigned variant, const char *sql, int n_types,
		   const Oid *types)
{
	struct mc_pg_stmt *slot = slot_find(st, key, variant);
	char name[24];
	PGresult *r = NULL;
	int rc = 0;

	if (slot->key && slot->id) {
		*id = slot->id;
		goto cleanup;
	}
	if (!slot->key && (st->used_slots + 1) * 2 > st->n_slots) {
		slots_grow(st);
		slot = slot_find(st, key, variant);
	}
	snprintf(name, sizeof(name), "mc%u", ++st->next_id);
	r = PQprepare(st->conn, name, sql, n_types, types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		/* The SQL is ours: a bug, a schema older than the code, or a lost connection. */
		rc = mc_pq_error(st, r, "prepare statement");
		if (rc == MC_ERROR)
			fprintf(stderr, "%s\n", sql);
		goto cleanup;
	}
	if (!slot->key)
		st->used_slots++;
	slot->key = key;
	slot->variant = variant;
	slot->id = st->next_id;
	*id = slot->id;
cleanup:
	PQclear(r);
	return rc;
}

int mc_pq_run_typed(mc_pg *st, PGresult **out, const void *key, unsigned variant, const char *sql,
		    int n_types, const Oid *types, const struct mc_pq_params *p, const char *what)
{
	PGresult *r = NULL;
	char name[24];
	unsigned id = 0;
	int rc;

	if (out)
		*out = NULL;
	rc = reconnect_if_lost(st);
	if (rc)
		goto cleanup;
	rc = prepare(st, &id, key, variant, sql, n_types, types);
	/* Preparing changes nothing: when it finds the connection lost, it is
	 * tried once more on a new one (outside a transaction). */
	if (rc == MC_EBUSY && connection_lost(st) && !st->tx_open) {
		rc = mc_pq_reconnect(st);
		if (rc == 0)
			rc = prepare(st, &id, key, variant, sql, n_types, types);
	}
	if (rc)
		goto cleanup;
	snprintf(name, sizeof(name), "mc%u", id);
	r = PQexecPrepared(st->conn, name, p ? p->n : 0, p ? p->values : NULL, NULL, NULL, 0);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		if (out) {
			*out = r;
			r = NULL;
		}
		break;
	default:
		rc = mc_pq_error(st, r, what);
		break;
	}
cleanup:
	PQclear(r);
	return rc;
}

int mc_pq_run_as(mc_pg *st, PGresult **out, const void *key, unsigned variant, const char *sql,
		 const struct mc_pq_params *p, const char *what)
{
	return mc_pq_run_typed(st, out, key, variant, sql, 0, NULL, p, what);
}

int mc_pq_run(mc_pg *st, PGresult **out, const char *sql, const struct mc_pq_params *p, const char *what)
{
	return mc_pq_run_typed(st, out, sql, 0, sql, 0, NULL, p, what);
}

int mc_pq_exec_sql(mc_pg *st, const char *sql, const char *what)
{
	PGresult *r = PQexec(st->conn, sql);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = mc_pq_error(st, r, what);
	PQclear(r);
	return rc;
}

static bool in_transaction(mc_pg *st)
{
	PGTransactionStatusType t = PQtransactionStatus(st->conn);

	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

int mc_pq_write(mc_pg *st, PGresult **out, const char *sql, const struct mc_pq_params *p, const char *what)
{
	int rc;

	if (!in_transaction(st))
		return mc_pq_run(st, out, sql, p, what);
	rc = mc_pq_exec_sql(st, "SAVEPOINT mc_w", "begin statement");
	if (rc)
		return rc;
	rc = mc_pq_run(st, out, sql, p, what);
	if (rc == 0)
		return mc_pq_exec_sql(st, "RELEASE SAVEPOINT mc_w", "finish statement");
	mc_pq_exec_sql(st, "ROLLBACK TO SAVEPOINT mc_w", "undo statement");
	mc_pq_exec_sql(st, "RELEASE SAVEPOINT mc_w", "undo statement");
	return rc;
}

enum { OP_TRANSACTION = 1, OP_SAVEPOINT = 2 };

/* An operation of its own transaction marks it open (tx_open) like
 * mc_store_begin, so that a connection lost half-way is not made again for
 * its remaining statements. Inside the caller's transaction (tx_open even
 * when the connection has just been lost) it is a savepoint. */
int mc_pq_op_begin(mc_pg *st, int *kind)
{
	int rc;

	if (st->tx_open || in_transaction(st)) {
		*kind = OP_SAVEPOINT;
		return mc_pq_exec_sql(st, "SAVEPOINT mc_op", "begin operation");
	}
	*kind = OP_TRANSACTION;
	rc = reconnect_if_lost(st);
	if (rc == 0)
		rc = mc_pq_exec_sql(st, "BEGIN", "begin operation");
	st->tx_open = rc == 0;
	return rc;
}

int mc_pq_op_end(mc_pg *st, int kind, int rc)
{
	if (kind == OP_TRANSACTION) {
		st->tx_open = false;
		if (rc == 0) {
			rc = mc_pq_exec_sql(st, "COMMIT", "finish operation");
			if (rc == 0)
				return 0;
		}
		if (in_transaction(st))
			mc_pq_exec_sql(st, "ROLLBACK", "undo operation");
		return rc;
	}
	if (rc == 0) {
		rc = mc_pq_exec_sql(st, "RELEASE SAVEPOINT mc_op", "finish operation");
		if (rc == 0)
			return 0;
	}
	mc_pq_exec_sql(st, "ROLLBACK TO SAVEPOINT mc_op", "undo operation");
	mc_pq_exec_sql(st, "RELEASE SAVEPOINT mc_op", "undo operation");
	return rc;
}

int mc_pq_unit_range(mc_pg *st, char lo[256], char hi[256], int64_t unit_id)
{
	return mc_db_unit_range(&st->base, lo, hi, unit_id);
}

/* ---- connection -------------------------------------------------------- */

const char *mc_pg_path(const mc_pg *st)
{
	return st->url;
}

int mc_pg_data_changed(mc_pg *st, bool *changed, bool *known)
{
	/* Other servers commit to the same database and nothing tells this one
	 * without a round trip: callers read the versions they need. */
	(void)st;
	*changed = true;
	*known = false;
	return 0;
}

void mc_pg_close(mc_pg *st)
{
	if (!st)
		return;
	PQfinish(st->conn);
	free(st->slots);
	mc_seq_marks_free(&st->marks);
	free(st->files_dir);
	free(st->conninfo);
	free(st->url);
	free(st);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX in s[0..len) into a new string. */
static char *percent_decode(const char *s, size_t len)
{
	char *out = mc_xmalloc(len + 1);
	size_t k = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
			out[k++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

/* Splits our files= parameter off the URL: *conninfo is the rest, for libpq;
 * *files the folder (decoded), or the default. */
static void split_url(const char *url, char **conninfo, char **files)
{
	const char *q = strchr(url, '?');
	size_t len = 0;
	char *out = mc_xmalloc(strlen(url) + 1);

	*files = NULL;
	if (!q) {
		memcpy(out, url, strlen(url) + 1);
		*conninfo = out;
		*files = mc_xstrdup(DEFAULT_FILES_DIR);
		return;
	}
	memcpy(out, url, (size_t)(q - url));
	len = (size_t)(q - url);
	for (const char *p = q + 1; *p;) {
		const char *end = strchr(p, '&');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n > 6 && strncmp(p, "files=", 6) == 0) {
			free(*files);
			*files = percent_decode(p + 6, n - 6);
		} else if (n > 0) {
			char sep = len == (size_t)(q - url) ? '?' : '&';

			out[len++] = sep;
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	out[len] = '\0';
	*conninfo = out;
	if (!*files)
		*files = mc_xstrdup(DEFAULT_FILES_DIR);
}

/* The URL as shown (mc_store_path, messages): a password in it replaced by "***". */
static char *url_shown(const char *url)
{
	const char *auth = strstr(url, "://");
	const char *at;
	const char *colon;
	size_t end;
	char *out;

	if (!auth)
		return mc_xstrdup(url);
	auth += 3;
	end = strcspn(auth, "/?");
	at = memchr(auth, '@', end);
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon)
		return mc_xstrdup(url);
	out = mc_xmalloc(strlen(url) + 4);
	snprintf(out, strlen(url) + 4, "%.*s:***%s", (int)(colon - url), url, at);
	return out;
}

int mc_pg_open(mc_pg **out, const char *url)
{
	/* Bounds on a server that does not answer, so that a request fails with
	 * 503 rather than hang: 5 s to connect (also for each reconnection), and
	 * TCP keepalives that find a silent peer in about a minute. The URL's own
	 * values win: the expanded dbname comes after these. */
	static const char *const keys[] = {"connect_timeout",	  "keepalives_idle", "keepalives_interval",
					   "keepalives_count", "dbname",	  NULL};
	const char *values[] = {"5", "30", "10", "3", NULL, NULL};
	mc_pg *st = mc_xcalloc(1, sizeof(*st));
	int rc = 0;

	*out = NULL;
	st->base.backend = MC_BACKEND_PG;
	st->url = url_shown(url);
	split_url(url, &st->conninfo, &st->files_dir);
	values[4] = st->conninfo;
	st->n_slots = 64;
	st->slots = mc_xcalloc(st->n_slots, sizeof(*st->slots));
	st->conn = PQconnectdbParams(keys, values, 1);
	if (!st->conn) {
		fprintf(stderr, "could not connect to PostgreSQL: out of memory\n");
		rc = MC_ERROR;
		goto cleanup;
	}
	if (PQstatus(st->conn) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(st->conn);
		size_t len = strlen(msg);

		while (len > 0 && msg[len - 1] == '\n')
			len--;
		fprintf(stderr, "could not connect to PostgreSQL: %.*s\n", (int)len, msg);
		rc = MC_EBUSY;
		goto cleanup;
	}
	rc = configure(st);
	if (rc)
		goto cleanup;
	*out = st;
	st = NULL;
cleanup:
	mc_pg_close(st);
	return rc;
}

/* ---- schema ----------------------------------------------------------- */

int mc_pg_schema_version(mc_pg *st, int *out)
{
	static const char exists_sql[] = "SELECT to_regclass('schema_migration') IS NOT NULL";
	static const char max_sql[] = "SELECT coalesce(max(version), 0) FROM schema_migration";
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, exists_sql, NULL, "read schema version");

	*out = 0;
	if (rc)
		goto cleanup;
	if (!mc_pq_get_bool(r, 0, 0))
		goto cleanup;
	PQclear(r);
	r = NULL;
	rc = mc_pq_run(st, &r, max_sql, NULL, "read schema version");
	if (rc)
		goto cleanup;
	*out = (int)mc_pq_get_i64(r, 0, 0);
cleanup:
	PQclear(r);
	return rc;
}

int mc_pq_migration_apply(mc_pg *st, int version, const char *path, const char *sql)
{
	static const char table_sql[] = "CREATE TABLE IF NOT EXISTS schema_migration (version integer "
					"PRIMARY KEY, applied_at bigint NOT NULL)";
	static const char record_sql[] =
	    "INSERT INTO schema_migration (version, applied_at) VALUES ($1::integer, $2::bigint)";
	struct mc_pq_params p = {0};
	/* A script of several statements: the simple protocol runs them in turn. */
	PGresult *r = PQexec(st->conn, sql);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		char what[600];

		snprintf(what, sizeof(what), "apply migration %s", path);
		rc = mc_pq_error(st, r, what);
		if (rc == 0)
			rc = MC_ERROR;
	}
	PQclear(r);
	if (rc == 0)
		rc = mc_pq_exec_sql(st, table_sql, "create the migration table");
	if (rc == 0) {
		mc_pq_set_int(&p, 1, version);
		mc_pq_set_int(&p, 2, mc_now());
		rc = mc_pq_run(st, NULL, record_sql, &p, "record the schema version");
	}
	mc_pq_params_clear(&p);
	return rc;
}

/* ---- transactions ------------------------------------------------------ */

int mc_pg_begin(mc_pg *st)
{
	int rc = reconnect_if_lost(st);

	if (rc)
		return rc;
	/* Read committed: writers that touch the same rows wait on row locks,
	 * dossier updates check their version, and sequence numbers come from
	 * one upsert, so nothing needs the whole database locked. */
	rc = mc_pq_exec_sql(st, "BEGIN", "begin transaction");
	st->tx_open = rc == 0;
	return rc;
}

int mc_pg_commit(mc_pg *st)
{
	PGresult *r = PQexec(st->conn, "COMMIT");
	int rc = 0;

	st->tx_open = false;
	/* COMMIT of a failed transaction answers ROLLBACK without an error. */
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = mc_pq_error(st, r, "commit transaction");
	else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		fprintf(stderr, "could not commit transaction: it had failed and was rolled back\n");
		rc = MC_ERROR;
	}
	PQclear(r);
	return rc;
}

int mc_pg_rollback(mc_pg *st)
{
	int rc = 0;

	st->tx_open = false;
	if (in_transaction(st))
		rc = mc_pq_exec_sql(st, "ROLLBACK", "roll back transaction");
	/* As in SQLite: the numbers of a rolled-back transaction were never
	 * stored, so the stored sequence is the truth again. */
	if (!in_transaction(st))
		mc_seq_marks_forget(&st->marks);
	return rc;
}

/* ---- health ----------------------------------------------------------- */

int mc_pg_check_integrity(mc_pg *st, bool *complete, char *problem, size_t cap, int64_t budget_ms)
{
	/* PostgreSQL checks its pages (checksums, WAL replay) itself; what is
	 * left to ask is whether the server answers. */
	PGresult *r = NULL;
	int rc = mc_pq_run(st, &r, "SELECT 1", NULL, "check the database");

	(void)budget_ms;
	*complete = true;
	if (cap)
		problem[0] = '\0';
	if (rc != 0 && cap)
		snprintf(problem, cap, "%s", PQerrorMessage(st->conn));
	PQclear(r);
	return rc;
}

int mc_pg_writable(mc_pg *st, bool *out)
{
	PGresult *r = NULL;
	int rc =
	    mc_pq_run(st, &r, "SELECT pg_is_in_recovery()", NULL, "ask whether the database is a standby");

	*out = false;
	if (rc == 0 && PQntuples(r) == 1)
		*out = !mc_pq_get_bool(r, 0, 0);
	PQclear(r);
	return rc;
}
