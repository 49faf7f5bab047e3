/*
 * personal.c - personal data (app/personal.h): the officers' reads of it,
 * logged as the data is sent; a citizen's export and erasure; an
 * administrator's export of a citizen and the log of reads.
 *
 * A read is recorded through the group committer without waiting for it: the
 * row joins the next batch of writes (no transaction of its own) and the
 * read is served at once, so that reads go on while writes wait (a locked or
 * full database). The listing of reads waits for the batches queued before
 * it, so it shows every read served before it was asked.
 */
#include "api/api.h"

#include "app/personal.h"
#include "core/audit.h"
#include "core/dossier.h"
#include "core/err.h"
#include "core/limits.h"
#include "http/limiter.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the log of reads -------------------------------------------------- */

/* A record on its way to the writer: owns itself and its route. */
typedef struct {
	mc_personal_read rec;
	char route[];
} pending_read;

/* Records that could not be written (the database locked past its timeout,
 * full, gone); for /metrics, beside the failures said on stderr. */
static _Atomic uint64_t lost_reads;

uint64_t mc_api_reads_lost(void)
{
	return atomic_load(&lost_reads);
}

static int record_write(mc_store *st, void *payload)
{
	pending_read *p = payload;
	return mc_store_personal_read_add(st, &p->rec);
}

static void record_done(int rc, void *payload)
{
	pending_read *p = payload;

	if (rc != 0) {
		atomic_fetch_add(&lost_reads, 1);
		fprintf(stderr,
			"motcua: a read of personal data (%s by user %lld) could not be recorded (%d)\n",
			p->route, (long long)p->rec.reader_id, rc);
	}
	free(p);
}

static void log_read(mc_req *r, const mc_dossier *d, int64_t subject_id, int64_t unit_id, size_t records,
		     const char *what)
{
	const mc_user *u = mc_req_user(r);
	const char *path = mc_req_path(r);
	size_t len = strlen(path);
	pending_read *p;

	/* A citizen reading their own data is no officer's read. */
	if (!u || u->role == MC_ROLE_CITIZEN)
		return;
	p = mc_xmalloc(sizeof *p + len + 1);
	memcpy(p->route, path, len + 1);
	p->rec = (mc_personal_read){
	    .at = mc_now(),
	    .reader_id = u->id,
	    .reader_role = u->role,
	    .reader_unit_id = u->unit_id,
	    .dossier_id = d ? d->id : 0,
	    .subject_id = d ? d->owner_id : subject_id,
	    .unit_id = d ? d->current_unit_id : unit_id,
	    .receiving_unit_id = d ? d->receiving_unit_id : 0,
	    .what = (char *)what,
	    .route = p->route,
	    .records = records > INT32_MAX ? INT32_MAX : (int)records,
	};
	if (mc_req_write_detached(r, record_write, record_done, p) != 0)
		record_done(MC_EBUSY, p);
}

void mc_api_log_read(mc_req *r, const mc_dossier *d, int64_t subject_id, const char *what)
{
	log_read(r, d, subject_id, 0, 1, what);
}

void mc_api_log_list_read(mc_req *r, int64_t unit_id, size_t records, const char *what)
{
	if (records > 0)
		log_read(r, NULL, 0, unit_id, records, what);
}

/* ---- exports ---------------------------------------------------------- */

typedef struct {
	const char *db_url; /* borrowed from the server's configuration */
	int64_t user_id;    /* a citizen's own export; 0 for an administrator's */
	char *key;	    /* an administrator's: username or identity number */
	mc_user subject;    /* the account, owned; id 0 when there is none */
	unsigned char *out; /* the archive, owned until replied */
	size_t len;
} export_job;

/* On the pool's thread, with a connection of its own: the archive may hold
 * many files, and no worker's event loop waits for it. */
static int export_run(void *payload)
{
	export_job *j = payload;
	mc_store *st = NULL;
	const char *id_number = NULL;
	int rc = mc_store_open(&st, j->db_url);

	if (rc)
		return rc;
	if (j->user_id)
		rc = mc_store_user_get(st, &j->subject, j->user_id);
	else {
		rc = mc_store_user_citizen(st, &j->subject, j->key);
		/* A subject known only by an identity number (filed at the desk). */
		if (rc == MC_ENOTFOUND) {
			memset(&j->subject, 0, sizeof j->subject);
			rc = 0;
		}
		id_number = j->subject.id ? j->subject.id_number : j->key;
		/* Nothing known by that name: no account, no dossier. */
		if (rc == 0 && !j->subject.id) {
			char **codes = NULL;
			size_t n = 0;
			rc = mc_store_personal_dossiers(st, &codes, &n, 0, id_number, 1);
			if (rc == 0 && n == 0)
				rc = MC_ENOTFOUND;
			for (size_t i = 0; i < n; i++)
				free(codes[i]);
			free(codes);
		}
	}
	if (rc == 0)
		rc = mc_app_personal_export(st, j->subject.id ? &j->subject : NULL, id_number, mc_now(),
					    &j->out, &j->len);
	mc_store_close(st);
	return rc;
}

static void export_reply(mc_req *r, int rc, void *payload)
{
	export_job *j = payload;
	unsigned char *out = j->out;
	int64_t subject = j->subject.id;
	char disposition[160];

	j->out = NULL;
	mc_user_clear(&j->subject);
	if (rc == MC_ENOTFOUND) {
		free(out);
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no citizen account or dossier is known by that name");
		return;
	}
	if (rc == MC_ETOOBIG) {
		free(out);
		mc_reply_problem(
		    r, MC_PROB_INTERNAL,
		    "the export would hold more than %d dossiers or %zu MiB: ask the operator for "
		    "motcua personal export",
		    MC_PERSONAL_EXPORT_DOSSIERS, MC_PERSONAL_EXPORT_MAX / (1024 * 1024));
		return;
	}
	if (rc != 0) {
		free(out);
		mc_reply_error(r, rc, "the export");
		return;
	}
	snprintf(disposition, sizeof disposition, "attachment; filename=\"motcua-personal-data-%lld.tar.gz\"",
		 (long long)mc_now());
	mc_reply_header(r, "Content-Disposition", disposition);
	mc_reply_header(r, "Cache-Control", "no-store");
	mc_api_log_read(r, NULL, subject, "export");
	mc_reply_raw(r, 200, "application/gzip", out, j->len);
	free(out);
}

/* Archives being made by this server: at most MC_PERSONAL_EXPORTS_AT_ONCE,
 * so that one account asking again and again holds neither the memory of
 * many archives (each up to MC_PERSONAL_EXPORT_MAX) nor the pool. */
static _Atomic int exports_running;

/* The archive is freed once replied: then another may be made. */
static void export_after(mc_req *r, int rc, void *payload)
{
	export_reply(r, rc, payload);
	atomic_fetch_sub(&exports_running, 1);
}

static void export_busy(mc_req *r)
{
	mc_reply_header(r, "Retry-After", "30");
	mc_reply_problem(r, MC_PROB_OVERLOADED, "another export is being made; try again shortly");
}

static void start_export(mc_req *r, export_job *j)
{
	mc_limiter *asked = mc_req_export_accounts(r);
	int64_t now = mc_now();
	char key[32];
	int wait = 0;

	/* Each archive is read from the database and the disk whole: an account
	 * asks for a few a day (personal_export_per_day), not one after another. */
	snprintf(key, sizeof key, "u:%" PRId64, mc_req_user(r)->id);
	if (mc_limiter_blocked(asked, key, now, &wait)) {
		mc_api_too_many(r, wait, "this account has asked for its exports of the day");
		return;
	}
	j->db_url = mc_req_config(r)->db_url;
	if (atomic_fetch_add(&exports_running, 1) >= MC_PERSONAL_EXPORTS_AT_ONCE) {
		atomic_fetch_sub(&exports_running, 1);
		export_busy(r);
		return;
	}
	/* On the pool of calls to other systems, not the password-hashing
	 * pool: an archive takes seconds, and sign-ins must not wait for it. */
	if (mc_req_outbound(r, export_run, export_after, j) != 0) {
		atomic_fetch_sub(&exports_running, 1);
		export_busy(r);
		return;
	}
	/* Counted once started: one refused as busy may be asked again. */
	mc_limiter_fail(asked, key, now);
}

void mc_api_personal_export(mc_req *r)
{
	export_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));

	j->user_id = mc_req_user(r)->id;
	start_export(r, j);
}

void mc_api_citizen_export(mc_req *r)
{
	const char *key = mc_req_param(r, 0);
	export_job *j;

	if (mc_api_root_admin_or_reply(r, "export a citizen's personal data") != 0)
		return;
	/* A username or an identity number: short, printable; anything else names no one. */
	if (!key || !key[0] || strlen(key) > MC_LIMIT_USER_USERNAME * 4) {
		mc_reply_problem(r, MC_PROB_NOT_FOUND, "no citizen account or dossier is known by that name");
		return;
	}
	j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->key = mc_req_own(r, mc_xstrdup(key));
	start_export(r, j);
}

/* ---- erasure ---------------------------------------------------------- */

typedef struct {
	int64_t user_id;
	const mc_user *self; /* the request's */
	mc_personal_counts counts;
	mc_err err;
} erase_job;

static int erase_write(mc_store *st, void *payload)
{
	erase_job *j = payload;
	int64_t now = mc_now();
	int rc = mc_app_personal_erase(st, j->user_id, now, &j->counts);

	mc_err_take(&j->err, rc);
	if (rc == 0)
		rc = mc_app_personal_erase_record(st, j->self, j->user_id, &j->counts, now);
	return rc;
}

static void erase_after(mc_req *r, int rc, void *payload)
{
	erase_job *j = payload;

	if (rc != 0) {
		mc_reply_err(r, mc_err_for(&j->err, rc), "the erasure");
		return;
	}
	mc_reply_json(r, 200,
		      json_pack("{s:b, s:I, s:I, s:I, s:I}", "erased", 1, "dossiers_pseudonymised",
				(json_int_t)j->counts.dossiers, "events_pseudonymised",
				(json_int_t)j->counts.events, "messages_emptied",
				(json_int_t)j->counts.messages, "events_kept_version_1",
				(json_int_t)j->counts.events_v1));
}

void mc_api_personal_erase(mc_req *r)
{
	json_t *confirm = json_object_get(mc_req_body(r), "confirm");
	erase_job *j;

	if (!json_is_object(mc_req_body(r))) {
		mc_reply_problem(r, MC_PROB_MALFORMED_JSON, "the body must be a JSON object");
		return;
	}
	if (!json_is_true(confirm)) {
		mc_reply_field_problem(
		    r, MC_PROB_MISSING_FIELD, "confirm", "required",
		    "confirm must be true: the account and the personal data of your dossiers "
		    "are erased for good");
		return;
	}
	j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->user_id = mc_req_user(r)->id;
	j->self = mc_req_user(r);
	mc_req_write(r, erase_write, erase_after, j);
}

/* ---- the log of reads -------------------------------------------------- */

/* A date YYYY-MM-DD of the query as the local midnight starting it (or, with
 * next, the one after it); 0 when absent. -1 after replying 400. */
static int day_param_or_reply(mc_req *r, const char *name, bool next, int64_t *out)
{
	const char *v = mc_req_query(r, name);

	*out = 0;
	if (!v)
		return 0;
	if (strlen(v) != 10 || mc_time_parse(out, v) != 0) {
		mc_reply_field_problem(r, MC_PROB_INVALID_QUERY, name, "format",
				       "%s must be a date YYYY-MM-DD", name);
		return -1;
	}
	if (next)
		*out += 86400;
	return 0;
}

typedef struct {
	mc_personal_read_query q;
	bool none; /* a filter named no one: no rows */
} reads_job;

static int barrier_write(mc_store *st, void *payload);
static void reads_after(mc_req *r, int rc, void *payload);

void mc_api_personal_reads(mc_req *r)
{
	const mc_user *u = mc_req_user(r);
	mc_store *st = mc_req_store(r);
	mc_personal_read_query q = {.limit = 50};
	int64_t limit = 50, offset = 0;
	bool none = false;
	int rc;

	if (mc_api_query_int_or_reply(r, "limit", &limit, 1, 500) != 0 ||
	    mc_api_query_int_or_reply(r, "offset", &offset, 0, 1000000) != 0 ||
	    day_param_or_reply(r, "from", false, &q.from) != 0 ||
	    day_param_or_reply(r, "to", true, &q.to) != 0)
		return;
	q.limit = (int)limit;
	q.offset = (int)offset;
	if (u->role == MC_ROLE_CITIZEN) {
		q.subject_id = u->id; /* their own data, nothing else */
	} else if (u->unit_id) {
		q.unit_id = u->unit_id; /* the administrator's subtree */
	} else {
		/* Without a unit, no scope (as mc_api_in_scope): not "everything". */
		mc_reply_problem(r, MC_PROB_OUT_OF_SCOPE, "your account is held in no unit: it has no scope");
		return;
	}
	const char *code = mc_req_query(r, "dossier");
	if (code) {
		mc_dossier d = {0};
		rc = strlen(code) > 64 ? MC_ENOTFOUND : mc_store_dossier_get(st, &d, code, false);
		if (rc == MC_ENOTFOUND)
			none = true; /* an unknown dossier was read by no one */
		else if (rc != 0) {
			mc_reply_error(r, rc, "the dossier");
			return;
		}
		q.dossier_id = d.id;
		mc_dossier_clear(&d);
	}
	const char *reader = mc_req_query(r, "reader");
	if (reader && u->role != MC_ROLE_CITIZEN) {
		mc_user ru = {0};
		rc = strlen(reader) > MC_LIMIT_USER_USERNAME * 4
			 ? MC_ENOTFOUND
			 : mc_store_user_by_username(st, &ru, NULL, 0, reader);
		if (rc == MC_ENOTFOUND)
			none = true;
		else if (rc != 0) {
			mc_reply_error(r, rc, "the reader");
			return;
		}
		q.reader_id = ru.id;
		mc_user_clear(&ru);
	}
	reads_job *j = mc_req_own(r, mc_xcalloc(1, sizeof *j));
	j->q = q;
	j->none = none;
	/* Behind the records queued before it: they are committed when it is. */
	mc_req_write(r, barrier_write, reads_after, j);
}

static int barrier_write(mc_store *st, void *payload)
{
	(void)st;
	(void)payload;
	return 0;
}

static void reads_after(mc_req *r, int rc, void *payload)
{
	reads_job *j = payload;
	const mc_user *u = mc_req_user(r);
	const mc_time_ctx *tc = mc_req_time(r);
	mc_personal_read *rows = NULL;
	size_t n = 0;
	int64_t total = 0;

	/* A failed barrier only means the newest reads may be missing: answer
	 * with what is committed. */
	if (!j->none) {
		rc = mc_store_personal_read_list(mc_req_store(r), &rows, &n, &total, &j->q);
		if (rc != 0) {
			mc_reply_error(r, rc, "the reads of personal data");
			return;
		}
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const mc_personal_read *x = &rows[i];
		json_t *it =
		    json_pack("{s:o, s:{s:s, s:s?}, s:o, s:s?, s:s, s:s, s:i}", "at", mc_api_time(x->at),
			      "reader", "name", x->reader_name, "role", mc_role_name((mc_role)x->reader_role),
			      "reader_unit", mc_api_unit_ref(tc, x->reader_unit_id), "dossier",
			      x->dossier_code[0] ? x->dossier_code : NULL, "what", x->what, "route", x->route,
			      "records", x->records);
		/* Administrators see whose account it was and who read, by username. */
		if (u->role != MC_ROLE_CITIZEN)
			json_object_set_new(json_object_get(it, "reader"), "username",
					    json_string(x->reader_username));
		json_array_append_new(items, it);
	}
	mc_personal_read_free_list(rows, n);
	mc_reply_json(r, 200,
		      json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "limit",
				(json_int_t)j->q.limit, "offset", (json_int_t)j->q.offset));
}
