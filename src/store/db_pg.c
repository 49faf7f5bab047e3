/*
 * db_pg.c - what only PostgreSQL does its own way under the driver
 * (db_int.h): the connection (a URL with our files= parameter, the
 * session's settings and time limits), a connection lost and made again
 * (reconnect_if_lost), statements prepared by name on their first run in a
 * session and their errors mapped by SQLSTATE, transactions that know
 * whether one is open (tx_open), the schema's number (the schema_migration
 * table) and running one migration's script, the health checks (the server
 * answers; it is no standby), and backup (pg_dump, pg_restore).
 *
 * The store is selected by a URL "postgresql://user@host:port/dbname?…" (or
 * "postgres://…"), handed to libpq as it is except for one parameter of our
 * own, files=/path, the folder that holds the attachments (default
 * ./var/files; every server on one database must see the same folder).
 * Timestamps are bigint seconds, as in SQLite, so callers see the same values.
 */
#include "store/db_int.h"

#include "core/redact.h"

#include <errno.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_FILES_DIR "./var/files"

/* Connections of this process found lost, made again, and attempts that
 * failed (for /metrics: mc_store_conn_stats_get). */
static _Atomic uint64_t conns_lost, conns_reconnected, conns_failed;

/* ---- errors ------------------------------------------------------------ */

static bool connection_lost(mc_store *st)
{
	return PQstatus(st->conn) == CONNECTION_BAD;
}

/* A message of libpq's without its final newlines, for one line of the log. */
static int trimmed(const char *msg)
{
	size_t len = strlen(msg);

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	return (int)len;
}

/* Maps a failed result to an MC code: unique_violation → MC_ECONFLICT,
 * foreign_key_violation → MC_ENOTFOUND, check and not-null violations →
 * MC_EINVAL (as SQLite's other constraints), serialization failure, deadlock,
 * lock timeout and a lost connection → MC_EBUSY, the append-only triggers →
 * MC_EFORBIDDEN, anything else → MC_ERROR, logged as "could not <what>: <why>". */
static int pg_error(mc_store *st, const PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : "";

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
		/* read_only_sql_transaction: a write on a standby, or on a primary
		 * made read-only (default_transaction_read_only) in a failover. The
		 * node is not ready (/readyz) and the write can be tried again once
		 * its connection reaches the new primary. */
		if (strcmp(state, "25006") == 0) {
			fprintf(stderr,
				"could not %s: the database is read-only (a standby, or a primary being "
				"switched over); connecting again before the next use\n",
				what);
			/* The session stays on the old primary until it is ended: a new
			 * connection (target_session_attrs=read-write in a multi-host
			 * URL) finds the new one without a restart. */
			st->read_only = true;
			return MC_EBUSY;
		}
	}
	/* While the server is away every call fails the same way: said once,
	 * when the connection is found lost, and again when it is back. */
	if (connection_lost(st) && st->down)
		return MC_EBUSY;
	fprintf(stderr, "could not %s: %.*s\n", what, trimmed(msg), msg);
	if (connection_lost(st)) {
		st->down = 1;
		atomic_fetch_add(&conns_lost, 1);
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

int mc_pg_sql(mc_store *st, const char *sql, const char *what)
{
	int rc = mc_pg_flush(st);
	PGresult *r = NULL;

	if (rc)
		return rc;
	r = PQexec(st->conn, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pg_error(st, r, what);
	PQclear(r);
	return rc;
}

/* ---- the session: settings, limits, reconnection ----------------------- */

/* Whether the connection is gone while idle. The server closes its end
 * when it stops or restarts, or when an administrator ends the session:
 * a FATAL message, then end of file, sent without being asked. An idle
 * connection otherwise has nothing to read (we LISTEN to nothing), so
 * whatever is there is read now, and libpq marks the connection bad if
 * it was the end. One poll, without waiting, when nothing is there. */
static bool idle_connection_closed(mc_store *st)
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
 * bound as a parameter rather than written into the SQL. Not through the
 * driver: it runs while a new session is being set up. */
static int set_ms(mc_store *st, const char *name, int ms, bool local)
{
	char value[24];
	const char *values[3] = {name, value, local ? "true" : "false"};
	PGresult *r = NULL;
	int rc = 0;

	snprintf(value, sizeof(value), "%d", ms);
	rc = mc_pg_flush(st);
	if (rc)
		return rc;
	r = PQexecParams(st->conn, "SELECT set_config($1, $2, $3::boolean)", 3, NULL, values, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = pg_error(st, r, "set a time limit of the connection");
	PQclear(r);
	return rc;
}

static int apply_limits(mc_store *st)
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
static int configure(mc_store *st)
{
	/* A commit returns once it is on disk (and on a synchronous standby when
	 * the server has one), whatever the server's default. Notices (a
	 * savepoint released twice, IF NOT EXISTS) are not errors. */
	int rc = mc_pg_sql(st, "SET synchronous_commit = on", "configure the connection");

	if (rc == 0)
		rc = mc_pg_sql(st, "SET client_min_messages = warning", "configure the connection");
	if (rc == 0 && st->limits_set)
		rc = apply_limits(st);
	return rc;
}

int mc_pg_set_limits(mc_store *st, const mc_store_limits *limits)
{
	st->limits = *limits;
	st->limits_set = true;
	/* Not connected yet (mc_pg_open with deferred): set when it connects. */
	if (connection_lost(st))
		return 0;
	return apply_limits(st);
}

int mc_pg_lock_wait(mc_store *st, int ms)
{
	return set_ms(st, "lock_timeout", ms, true);
}

/* Makes the connection again (PQreset) and sets it up as mc_pg_open does.
 * MC_EBUSY while the server cannot be reached. */
static int reconnect(mc_store *st)
{
	int rc;

	PQreset(st->conn);
	/* A new session: no prepared statement, and the numbers handed out on
	 * the old one are either committed (and in dossier_seq) or gone. */
	st->session++;
	mc_seq_marks_forget(&st->marks);
	/* The session's transaction, and any unit it made, is gone. */
	mc_db_unit_paths_forget(st);
	if (connection_lost(st)) {
		atomic_fetch_add(&conns_failed, 1);
		if (st->down < 2) {
			const char *msg = PQerrorMessage(st->conn);

			fprintf(stderr, "could not reconnect to PostgreSQL: %.*s\n", trimmed(msg), msg);
			st->down = 2;
		}
		return MC_EBUSY;
	}
	atomic_fetch_add(&conns_reconnected, 1);
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
static int reconnect_if_lost(mc_store *st)
{
	if (st->read_only && !st->tx_open) {
		st->read_only = false;
		return reconnect(st);
	}
	if (st->tx_open || !idle_connection_closed(st))
		return 0;
	if (!st->down) {
		fprintf(stderr, "motcua: PostgreSQL closed the connection to %s; connecting again\n",
			st->url);
		st->down = 1;
		atomic_fetch_add(&conns_lost, 1);
	}
	return reconnect(st);
}

/* ---- statements -------------------------------------------------------- */

/* Prepares q as "mc<id>" in this session, unless it is already. The types
 * of its parameters are those bound for this run: PostgreSQL cannot infer
 * the type of a parameter the statement leaves unused. */
static int prepare(mc_q *q)
{
	mc_store *st = q->st;
	char name[24];
	PGresult *r = NULL;
	int rc = 0;

	if (q->id && q->session == st->session)
		return 0;
	snprintf(name, sizeof(name), "mc%u", ++st->next_id);
	r = PQprepare(st->conn, name, q->sql, q->n_params, q->types);
	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		q->id = st->next_id;
		q->session = st->session;
	} else {
		/* The SQL is ours: a bug, a schema older than the code, or a lost connection. */
		rc = pg_error(st, r, "prepare statement");
		if (rc == MC_ERROR)
			fprintf(stderr, "%s\n", q->sql);
	}
	PQclear(r);
	return rc;
}

int mc_pg_run(mc_q *q, const char *what)
{
	mc_store *st = q->st;
	PGresult *r = NULL;
	char name[24];
	int rc = mc_pg_flush(st);

	if (rc == 0)
		rc = reconnect_if_lost(st);

	/* Planned for these values, nothing to prepare (mc_q_plan_each_run). */
	if (rc == 0 && q->each_run)
		r = PQexecParams(st->conn, q->sql, q->n_params, q->types, (const char *const *)q->values,
				 NULL, NULL, 0);
	else {
		if (rc == 0)
			rc = prepare(q);
		/* Preparing changes nothing: when it finds the connection lost, it is
		 * tried once more on a new one (outside a transaction). */
		if (rc == MC_EBUSY && connection_lost(st) && !st->tx_open) {
			rc = reconnect(st);
			if (rc == 0)
				rc = prepare(q);
		}
		if (rc)
			return rc;
		snprintf(name, sizeof(name), "mc%u", q->id);
		r = PQexecPrepared(st->conn, name, q->n_params, (const char *const *)q->values, NULL, NULL,
				   0);
	}
	if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK) {
		q->r = r;
		return 0;
	}
	rc = pg_error(st, r, what);
	PQclear(r);
	return rc;
}

/* The answers to the writes sent without waiting, and the end of the
 * pipeline: each write's result, then NULL; after a failure, the writes
 * behind it are skipped (PGRES_PIPELINE_ABORTED); last the sync point. */
int mc_pg_flush(mc_store *st)
{
	int rc = 0, i = 0;

	if (!st->n_later)
		return 0;
	/* Without the sync point sent, no answer would end the wait. */
	bool synced = PQpipelineSync(st->conn) == 1;
	if (!synced)
		rc = pg_error(st, NULL, st->later[0]);
	while (synced && (rc == 0 || !connection_lost(st))) {
		PGresult *r = PQgetResult(st->conn);
		ExecStatusType status = r ? PQresultStatus(r) : PGRES_COMMAND_OK;

		if (!r) {
			/* The end of one write's results. */
			if (++i > st->n_later + 1 || connection_lost(st)) {
				if (rc == 0)
					rc = pg_error(st, NULL, st->later[st->n_later - 1]);
				break;
			}
			continue;
		}
		if (status == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
		    status != PGRES_PIPELINE_ABORTED && rc == 0)
			rc = pg_error(st, r, st->later[i < st->n_later ? i : st->n_later - 1]);
		PQclear(r);
	}
	st->n_later = 0;
	if (PQexitPipelineMode(st->conn) != 1 && rc == 0)
		rc = pg_error(st, NULL, "leave pipeline mode");
	/* The transaction has failed: whatever its caller does next. */
	if (rc)
		st->undo_needed = true;
	return rc;
}

int mc_pg_run_later(mc_q *q, const char *what)
{
	mc_store *st = q->st;
	char name[24];
	int rc = 0;

	/* A statement is prepared (waiting for the answer) outside the pipeline. */
	if (st->n_later && (!(q->id && q->session == st->session) || st->n_later == MC_DB_MAX_LATER))
		rc = mc_pg_flush(st);
	if (rc == 0 && !st->n_later) {
		rc = reconnect_if_lost(st);
		if (rc == 0)
			rc = prepare(q);
		if (rc == 0 && PQenterPipelineMode(st->conn) != 1)
			rc = pg_error(st, NULL, what);
	}
	if (rc)
		return rc;
	snprintf(name, sizeof(name), "mc%u", q->id);
	if (PQsendQueryPrepared(st->conn, name, q->n_params, (const char *const *)q->values, NULL, NULL, 0) !=
	    1) {
		rc = pg_error(st, NULL, what);
		mc_pg_flush(st);
		if (!st->n_later)
			PQexitPipelineMode(st->conn);
		return rc ? rc : MC_ERROR;
	}
	st->later[st->n_later++] = what;
	return 0;
}

/* ---- transactions ------------------------------------------------------ */

bool mc_pg_in_transaction(mc_store *st)
{
	/* Writes are only sent unanswered inside a transaction; its status
	 * waits for their answers otherwise. */
	if (st->n_later)
		return true;
	PGTransactionStatusType t = PQtransactionStatus(st->conn);

	return st->tx_open || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

int mc_pg_begin(mc_store *st)
{
	int rc = reconnect_if_lost(st);

	if (rc)
		return rc;
	/* Read committed: writers that touch the same rows wait on row locks,
	 * dossier updates check their version, and sequence numbers come from
	 * one upsert, so nothing needs the whole database locked. */
	mc_db_locks_forget(st);
	mc_seq_marks_release(&st->marks);
	rc = mc_pg_sql(st, "BEGIN", "begin transaction");
	/* A BEGIN changes nothing: when it finds the connection lost (closed
	 * between the check above and the BEGIN), it is tried once more on a
	 * new one. */
	if (rc == MC_EBUSY && connection_lost(st)) {
		rc = reconnect(st);
		if (rc == 0)
			rc = mc_pg_sql(st, "BEGIN", "begin transaction");
	}
	st->tx_open = rc == 0;
	return rc;
}

int mc_pg_commit(mc_store *st)
{
	int rc = mc_pg_flush(st);
	PGresult *r = NULL;

	/* A write not waited for failed: the transaction is gone. */
	if (rc) {
		mc_pg_rollback(st);
		return rc;
	}
	r = PQexec(st->conn, "COMMIT");
	st->tx_open = false;
	mc_db_locks_forget(st);
	/* COMMIT of a failed transaction answers ROLLBACK without an error. */
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_error(st, r, "commit transaction");
	else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		fprintf(stderr, "could not commit transaction: it had failed and was rolled back\n");
		rc = MC_ERROR;
	}
	PQclear(r);
	return rc;
}

int mc_pg_rollback(mc_store *st)
{
	int rc = 0;

	mc_pg_flush(st);
	st->tx_open = false;
	mc_db_locks_forget(st);
	mc_db_unit_paths_forget(st);
	if (mc_pg_in_transaction(st))
		rc = mc_pg_sql(st, "ROLLBACK", "roll back transaction");
	/* As in SQLite: the numbers of a rolled-back transaction were never
	 * stored, so the stored sequence is the truth again. */
	if (!mc_pg_in_transaction(st))
		mc_seq_marks_forget(&st->marks);
	return rc;
}

/* ---- connection -------------------------------------------------------- */

void mc_pg_close(mc_store *st)
{
	/* Unanswered writes of an open transaction go with the connection. */
	st->n_later = 0;
	PQfinish(st->conn);
	free(st->conninfo);
	free(st->url);
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

int mc_pg_open(mc_store **out, const char *url, bool deferred)
{
	/* Bounds on a server that does not answer, so that a request fails with
	 * 503 rather than hang: 5 s to connect (also for each reconnection), and
	 * TCP keepalives that find a silent peer in about a minute. The URL's own
	 * values win: the expanded dbname comes after these. */
	static const char *const keys[] = {"connect_timeout",  "keepalives_idle", "keepalives_interval",
					   "keepalives_count", "dbname",	  NULL};
	const char *values[] = {"5", "30", "10", "3", NULL, NULL};
	mc_store *st = mc_xcalloc(1, sizeof(*st));
	int rc = 0;

	st->pg = true;
	st->session = 1;
	st->url = mc_redact_url(url);
	split_url(url, &st->conninfo, &st->files_dir);
	values[4] = st->conninfo;
	st->conn = PQconnectdbParams(keys, values, 1);
	if (!st->conn) {
		fprintf(stderr, "could not connect to PostgreSQL: out of memory\n");
		rc = MC_ERROR;
		goto cleanup;
	}
	if (PQstatus(st->conn) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(st->conn);

		fprintf(stderr, "could not connect to PostgreSQL: %.*s\n", trimmed(msg), msg);
		rc = MC_EBUSY;
		if (!deferred)
			goto cleanup;
		/* Said once: its next uses try again (reconnect_if_lost, which
		 * finds the connection lost) without a line each. */
		fprintf(stderr, "motcua: will connect to %s when it answers\n", st->url);
		atomic_fetch_add(&conns_failed, 1);
		st->down = 2;
		*out = st;
		return 0;
	}
	rc = configure(st);
	if (rc)
		goto cleanup;
	*out = st;
	st = NULL;
cleanup:
	mc_store_close(st);
	return rc;
}

/* ---- schema ------------------------------------------------------------ */

int mc_pg_schema_version(mc_store *st, int *out)
{
	static const char exists_sql[] = "SELECT to_regclass('schema_migration') IS NOT NULL";
	static const char max_sql[] = "SELECT coalesce(max(version), 0) FROM schema_migration";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, exists_sql);

	*out = 0;
	if (rc == 0)
		rc = mc_q_row(q, "read schema version");
	if (rc != 1 || !mc_q_col_bool(q, 0))
		goto cleanup;
	mc_q_done(q);
	rc = mc_db_prepare(st, &q, max_sql);
	if (rc == 0)
		rc = mc_q_row(q, "read schema version");
	if (rc == 1)
		*out = (int)mc_q_col_int(q, 0);
cleanup:
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

int mc_pg_migration_apply(mc_store *st, int version, const char *path, const char *sql)
{
	static const char table_sql[] = "CREATE TABLE IF NOT EXISTS schema_migration (version integer "
					"PRIMARY KEY, applied_at bigint NOT NULL)";
	static const char record_sql[] = "INSERT INTO schema_migration (version, applied_at) VALUES ($1, $2)";
	mc_q *q = NULL;
	PGresult *r = NULL;
	int rc = 0;

	/* A script takes tables' ACCESS EXCLUSIVE locks in its own order, while
	 * the running servers' transactions take theirs in theirs (a filing
	 * writes the dossier, then reads the event log): waiting on one lock
	 * while holding another is a deadlock in the making, and PostgreSQL
	 * may end it by failing the other server's request. So the script never
	 * waits long: a lock not had within 100 ms (well below deadlock_timeout,
	 * after which PostgreSQL looks for deadlocks) fails it, it rolls back,
	 * and the caller runs it again (store_migrate.c). Their requests wait
	 * at most that long; a long script on a large table is not cut short. */
	rc = mc_pg_sql(st, "SET LOCAL lock_timeout = '100ms'", "bound the migration's lock waits");
	if (rc == 0)
		rc = mc_pg_sql(st, "SET LOCAL statement_timeout = 0", "let the migration run to its end");
	if (rc)
		return rc;
	/* A script of several statements: the simple protocol runs them in turn. */
	r = PQexec(st->conn, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		char what[600];

		snprintf(what, sizeof(what), "apply migration %s", path);
		rc = pg_error(st, r, what);
		if (rc == 0)
			rc = MC_ERROR;
	}
	PQclear(r);
	if (rc == 0)
		rc = mc_pg_sql(st, table_sql, "create the migration table");
	if (rc == 0)
		rc = mc_db_prepare(st, &q, record_sql);
	if (rc == 0) {
		mc_q_int(q, 1, version);
		mc_q_int(q, 2, mc_now());
		rc = mc_q_exec(q, "record the schema version");
	}
	mc_q_done(q);
	return rc;
}

/* ---- health ------------------------------------------------------------ */

int mc_pg_check_integrity(mc_store *st, bool *complete, char *problem, size_t cap)
{
	/* PostgreSQL checks its pages (checksums, WAL replay) itself; what is
	 * left to ask is whether the server answers. */
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, "SELECT 1");

	*complete = true;
	if (cap)
		problem[0] = '\0';
	if (rc == 0)
		rc = mc_q_exec(q, "check the database");
	if (rc != 0 && cap)
		snprintf(problem, cap, "%s", PQerrorMessage(st->conn));
	mc_q_done(q);
	return rc;
}

int mc_pg_writable(mc_store *st, bool *out)
{
	/* A standby, or a primary whose transactions are read-only: what an
	 * administrator sets (ALTER SYSTEM SET default_transaction_read_only)
	 * to stop the writes of an old primary in a switchover. */
	static const char sql[] =
	    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*out = false;
	if (rc == 0)
		rc = mc_q_row(q, "ask whether the database takes writes");
	if (rc == 1)
		*out = !mc_q_col_bool(q, 0);
	mc_q_done(q);
	return rc < 0 ? rc : 0;
}

/* "16/B374D848" (a pg_lsn as text) as a number. */
static int parse_lsn(const char *text, uint64_t *out)
{
	unsigned long long hi = 0, lo = 0;
	char tail;

	if (!text || sscanf(text, "%llX/%llX%c", &hi, &lo, &tail) != 2 || hi > 0xffffffffULL ||
	    lo > 0xffffffffULL)
		return MC_ERROR;
	*out = ((uint64_t)hi << 32) | (uint64_t)lo;
	return 0;
}

int mc_pg_wal_position(mc_store *st, uint64_t *out)
{
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, "SELECT pg_current_wal_lsn()");

	*out = 0;
	if (rc == 0)
		rc = mc_q_row(q, "read the WAL position of the primary");
	if (rc == 1)
		rc = parse_lsn(mc_q_col_text(q, 0), out);
	else if (rc == 0)
		rc = MC_ERROR;
	mc_q_done(q);
	return rc;
}

int mc_pg_replay_position(mc_store *st, uint64_t *out, bool *standby)
{
	/* On a primary (a standby promoted, or db_read naming the primary) the
	 * position is its own: everything it has is there. */
	static const char sql[] = "SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN "
				  "pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END";
	mc_q *q = NULL;
	int rc = mc_db_prepare(st, &q, sql);

	*out = 0;
	*standby = false;
	if (rc == 0)
		rc = mc_q_row(q, "read the replay position of the replica");
	if (rc == 1) {
		*standby = mc_q_col_bool(q, 0);
		rc = mc_q_col_null(q, 1) ? 0 : parse_lsn(mc_q_col_text(q, 1), out);
	} else if (rc == 0) {
		rc = MC_ERROR;
	}
	mc_q_done(q);
	return rc;
}

void mc_pg_conn_stats(uint64_t *lost, uint64_t *reconnected, uint64_t *failed)
{
	*lost = atomic_load(&conns_lost);
	*reconnected = atomic_load(&conns_reconnected);
	*failed = atomic_load(&conns_failed);
}

/* ---- backup: pg_dump in its custom format (one snapshot while the servers
 * keep writing) and pg_restore, run as child processes (no shell), found on
 * PATH or in MOTCUA_PG_BINDIR (store_backup.c copies the attachments). The
 * connection string goes on their command line without its password, which
 * any user of the machine could read there (/proc/PID/cmdline, ps); the
 * password goes in the child's environment (PGPASSWORD), which only its own
 * user and root can read. -------------------------------------------------- */

/* A connection string for the tools: conninfo's parameters as libpq's
 * keyword = value list without password (quoted, with \ and ' escaped), and
 * the password apart (NULL when there is none). Both caller-freed. */
static int tool_conninfo(const char *conninfo, char **out, char **password)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
	size_t cap = 1;
	char *s;
	size_t len = 0;

	*out = NULL;
	*password = NULL;
	if (!opts) {
		fprintf(stderr, "could not read the connection string: %s\n", err ? err : "out of memory");
		PQfreemem(err);
		return MC_EINVAL;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (o->val)
			cap += strlen(o->keyword) + 2 * strlen(o->val) + 5;
	}
	s = mc_xmalloc(cap);
	s[0] = '\0';
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			*password = mc_xstrdup(o->val);
			continue;
		}
		len += (size_t)snprintf(s + len, cap - len, "%s%s='", len ? " " : "", o->keyword);
		for (const char *c = o->val; *c; c++) {
			if (*c == '\\' || *c == '\'')
				s[len++] = '\\';
			s[len++] = *c;
		}
		s[len++] = '\'';
		s[len] = '\0';
	}
	PQconninfoFree(opts);
	*out = s;
	return 0;
}

static void forget(char *secret)
{
	if (!secret)
		return;
	for (volatile char *c = secret; *c; c++)
		*c = '\0';
	free(secret);
}

extern char **environ;

/* Runs tool with args (NULL-terminated, args[0] is the tool's name) and
 * waits; password, when not NULL, in its environment as PGPASSWORD (in place
 * of one the environment has). */
static int run_tool(const char *tool, char *const args[], const char *password)
{
	const char *bindir = getenv("MOTCUA_PG_BINDIR");
	char path[4096];
	char **env = NULL;
	char *pw_var = NULL;
	int status = 0, rc = 0;
	size_t n = 0;
	pid_t pid;

	if (bindir && *bindir)
		snprintf(path, sizeof(path), "%s/%s", bindir, tool);
	else
		snprintf(path, sizeof(path), "%s", tool);
	/* Made before the fork: the child only switches to it and runs the tool. */
	if (password) {
		size_t count = 0;
		while (environ[count])
			count++;
		env = mc_xcalloc(count + 2, sizeof(*env));
		for (size_t i = 0; i < count; i++) {
			if (strncmp(environ[i], "PGPASSWORD=", 11) != 0)
				env[n++] = environ[i];
		}
		pw_var = mc_xmalloc(strlen(password) + 12);
		snprintf(pw_var, strlen(password) + 12, "PGPASSWORD=%s", password);
		env[n++] = pw_var;
		env[n] = NULL;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "could not start %s: %s\n", tool, strerror(errno));
		rc = MC_ERROR;
		goto cleanup;
	}
	if (pid == 0) {
		if (env)
			environ = env;
		execvp(path, args);
		fprintf(stderr, "could not run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "could not wait for %s: %s\n", tool, strerror(errno));
			rc = MC_ERROR;
			goto cleanup;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "could not complete %s: it exited with status %d\n", tool,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		rc = MC_ERROR;
	}
cleanup:
	forget(pw_var);
	free(env);
	return rc;
}

int mc_pg_backup(mc_store *st, const char *dest)
{
	char *conninfo = NULL, *password = NULL;
	int rc = tool_conninfo(st->conninfo, &conninfo, &password);

	if (rc == 0) {
		char *args[] = {"pg_dump",    "--format=custom", "--no-owner", "--file",
				(char *)dest, "--dbname",	 conninfo,     NULL};

		rc = run_tool("pg_dump", args, password);
	}
	free(conninfo);
	forget(password);
	return rc;
}

int mc_pg_restore(mc_store *st, const char *src)
{
	char *conninfo = NULL, *password = NULL;
	int rc = tool_conninfo(st->conninfo, &conninfo, &password);

	if (rc == 0) {
		/* --clean drops what the backup holds before recreating it; the
		 * whole restore is one transaction, so a failure changes nothing. */
		char *args[] = {"pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
				"--dbname",   conninfo,	 (char *)src,	NULL};

		rc = run_tool("pg_restore", args, password);
	}
	free(conninfo);
	forget(password);
	/* The schema may have changed under the prepared statements. */
	int reconnected = reconnect(st);

	return rc ? rc : reconnected;
}
