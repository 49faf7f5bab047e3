/*
 * store.h - persistence for motcua, one interface of business operations.
 *
 * Two engines stand behind the same functions, chosen by the URL given to
 * mc_store_open: a SQLite file (the default) or a PostgreSQL database, which
 * several servers may share. Each operation is written once, in
 * store_<resource>.c on the driver db.h; what the engines do their own way is
 * in db_sqlite.c and db_pg.c. Nothing outside src/store sees a database handle
 * or SQL. Every statement is prepared with bound parameters; schema changes are
 * numbered migration files (src/store/migrations/<engine>/NNN_name.sql,
 * embedded in the binary) applied in order by mc_store_migrate.
 *
 * One mc_store is one connection: use it from one thread at a time. The HTTP
 * server gives each worker thread its own store for reads, and funnels writes
 * through the group committer (group.h), which owns one more.
 *
 * All times are UTC seconds. Strings are UTF-8, NFC (the API normalises input).
 * Unless a prototype says otherwise, out-structs are filled by copy and lists
 * are returned as arrays the caller frees with the matching _free_list.
 */
#ifndef MC_STORE_H
#define MC_STORE_H

#include "core/code.h"
#include "core/mc.h"
#include "core/stats.h"
#include "core/workcal.h"

typedef struct mc_store mc_store;

/* ---- connection and schema -------------------------------------------- */

/*
 * Opens the database named by url: a file path or "sqlite:PATH" (WAL, foreign
 * keys, synchronous=FULL, busy_timeout; attachments in the folder
 * "<PATH>.files" beside it), or "postgresql://…" (attachments in the folder of
 * its files= parameter, default ./var/files). Caller closes with
 * mc_store_close.
 */
int mc_store_open(mc_store **out, const char *url);
/* As mc_store_open, except that a PostgreSQL server that cannot be reached
 * now is no failure: the connection is made at its first use, and each use
 * fails with MC_EBUSY until it answers (said once on stderr). For a read
 * replica that may be down when the server starts. */
int mc_store_open_deferred(mc_store **out, const char *url);
/* Whether url names a PostgreSQL database ("postgresql://…", "postgres://…"),
 * which several servers may share, rather than a SQLite file. */
bool mc_store_url_is_pg(const char *url);
void mc_store_close(mc_store *st);
/* Applies every migration newer than the database's version, each in its own
 * transaction. Returns 0, or MC_ERROR naming the failed file on stderr. */
int mc_store_migrate(mc_store *st);
int mc_store_schema_version(mc_store *st, int *out);
/* Empties the statistics roll-ups (by unit and by procedure) and counts every
 * dossier, supplement request and issued apology into them again, in one
 * transaction of its own (`motcua stats rebuild`; docs/statistics.md §6).
 * *dossiers counts the dossiers read. */
int mc_store_stats_rebuild(mc_store *st, int64_t *dossiers);
/* Writes a consistent copy of the live database to dest (which must not
 * exist) and its attachments to "<dest>.files". MC_ECONFLICT when dest exists. */
int mc_store_backup(mc_store *st, const char *dest);
/* Replaces the database's content with the backup at src (and adds its
 * attachments); run it with the server stopped. */
int mc_store_restore(mc_store *st, const char *src);
/* The file path of the database (borrowed). */
const char *mc_store_path(const mc_store *st);

/*
 * Bounds on how long a connection waits, for the server's connections
 * (docs/operations.md, db_*_timeout_ms). 0 = no bound. PostgreSQL:
 * lock_timeout, statement_timeout and idle_in_transaction_session_timeout of
 * the session; a statement that runs out of time fails with MC_EBUSY (503
 * Retry-After), and a session idle in a transaction for too long is ended by
 * the server (its locks with it). SQLite has no row locks: one writer holds
 * the whole database, and its busy timeout (5 s) bounds the wait for it.
 */
typedef struct {
	int lock_timeout_ms;
	int statement_timeout_ms;
	int idle_in_transaction_timeout_ms;
} mc_store_limits;

/* Whether writers on this store wait for row locks held by other connections
 * (PostgreSQL), rather than for one lock on the whole database (SQLite). */
bool mc_store_row_locks(const mc_store *st);

/* ---- transactions ----------------------------------------------------- */

/* A write transaction (BEGIN IMMEDIATE on SQLite). MC_EBUSY when the database
 * stays locked past the busy timeout. Reads outside a transaction each see a
 * consistent snapshot of their own. */
int mc_store_begin(mc_store *st);
int mc_store_commit(mc_store *st);
int mc_store_rollback(mc_store *st);
/* One nested level inside a transaction, used by the group committer so that
 * one request's failure does not undo its neighbours' work. */
int mc_store_savepoint(mc_store *st);
int mc_store_savepoint_release(mc_store *st);
int mc_store_savepoint_rollback(mc_store *st);
/* Until called again with false, the caller (the group committer) undoes the
 * whole transaction on any failure and runs its work again one savepoint per
 * request: operations of several statements open no savepoint of their own
 * (each costs a round trip and a subtransaction on PostgreSQL). Any failed
 * operation, and on PostgreSQL any failed statement, is remembered, even one
 * its caller goes on from: mc_store_undo_needed tells, and forgets. Writes
 * whose failure is an expected answer (a duplicate) keep their savepoint and
 * count as no failure. On PostgreSQL, writes whose answer nobody reads are
 * then sent without waiting for it (db.h: mc_q_exec_later). Starting clears
 * what was remembered. */
void mc_store_undo_all(mc_store *st, bool on);
/* wait: first the answers to the writes sent without waiting for them
 * (db.h: mc_q_exec_later); else what is known so far. */
bool mc_store_undo_needed(mc_store *st, bool wait);
/* Sets the bounds of mc_store_limits on this connection, now and after every
 * reconnection. Nothing to do on SQLite (0). MC_EINVAL for a negative value. */
int mc_store_set_limits(mc_store *st, const mc_store_limits *limits);
/* For the rest of the current transaction, waits at most ms (> 0) for a row
 * lock; a statement that waits longer fails with MC_EBUSY and may be undone
 * with its savepoint. The group committer uses it to set aside a job that
 * waits on a locked row (group.h). Nothing to do on SQLite (0). */
int mc_store_lock_wait(mc_store *st, int ms);

/* ---- units (tree: province → departments, districts → communes) ------- */

/*
 * Text fields of the structs below are owned strings. A struct the store
 * fills (get, list) owns its strings: "" for an empty column, never NULL; free
 * them with the struct's clear function (or _free_list for a list), which is
 * NULL-safe and leaves the struct zeroed. A struct handed TO the store
 * (create, update) is only read: its strings may be borrowed, and NULL is
 * stored as "". A plain copy (*a = *b) shares the strings: clear only one.
 * Lengths are limited where text comes in (core/limits.h), not here.
 */

typedef struct {
	int64_t id;
	int64_t parent_id; /* 0 for the root */
	char *code;	   /* organisation code, QCVN 102 style: "000.00.15.H56"; unique */
	char *name;
	char *level;	     /* province | department | district | commune */
	char *province_code; /* the province the unit belongs to, e.g. "H56" */
	char *office_hours;  /* "07:00-11:30,13:30-17:00"; "" = the default */
	char *address;
	char *phone;
	int32_t one_stop_since;		   /* local day (days since 1970-01-01) since when the unit runs the
					    * one-stop mechanism (cơ chế một cửa, một cửa liên thông); 0 = not */
	int32_t electronic_one_stop_since; /* the same for the electronic one-stop system; 0 = not */
	int32_t valid_from;   /* local day from which it is in force; 0 = since before the system knew it */
	int32_t valid_to;     /* the first local day it is no longer in force; 0 = in force */
	int64_t successor_id; /* once ended: the unit that took over its open dossiers; 0 = none */
} mc_unit;

/* Whether u is in force on the local day `day` (docs/units.md). */
bool mc_unit_in_force(const mc_unit *u, int32_t day);

/* Frees the strings of u and zeroes it. NULL-safe. */
void mc_unit_clear(mc_unit *u);

/* Sets u->id. MC_ECONFLICT on a duplicate code, MC_ENOTFOUND on an unknown parent. */
int mc_store_unit_create(mc_store *st, mc_unit *u);
/* Writes u's name, office_hours, address and phone, each only when it is
 * not NULL (a field left out keeps what is stored, whoever wrote it);
 * MC_ENOTFOUND when no unit has u->id. Nothing else of the unit changes. */
int mc_store_unit_update(mc_store *st, const mc_unit *u);
/* On success *out owns its strings (clear it); on failure it is left zeroed. */
int mc_store_unit_get(mc_store *st, mc_unit *out, int64_t id);
int mc_store_unit_by_code(mc_store *st, mc_unit *out, const char *code);
/* Every unit, parents before children. Caller frees with mc_unit_free_list. */
int mc_store_unit_list(mc_store *st, mc_unit **out, size_t *n);
/* *out = true when unit is ancestor or lies in its subtree. */
int mc_store_unit_within(mc_store *st, bool *out, int64_t unit, int64_t ancestor);
/* Clears the n units of list and frees it. NULL-safe. */
void mc_unit_free_list(mc_unit *list, size_t n);

/*
 * Units that change over time (docs/units.md): a unit ends on a day (the
 * first on which it is no longer in force), and the units that take its
 * place are linked to it. A change that would rewrite the past (rename, move
 * under another parent, merge, split) ends the unit and creates its
 * successor with a code of its own; only the plan (app/unit_plan.h) does so.
 */
typedef struct {
	int64_t unit_id;
	int64_t successor_id;
	char *kind;	 /* merge | split | rename | move | end */
	int64_t plan_id; /* 0 when not made by a plan */
} mc_unit_link;

/* Ends unit_id on day, its open dossiers going to successor_id (0 = none).
 * MC_ENOTFOUND for an unknown unit, MC_ECONFLICT when it has ended already. */
int mc_store_unit_end(mc_store *st, int64_t unit_id, int32_t day, int64_t successor_id);
/* Links a unit to one of its successors. MC_ECONFLICT when linked already. */
int mc_store_unit_link(mc_store *st, int64_t unit_id, int64_t successor_id, const char *kind,
		       int64_t plan_id);
/* Every link, by unit then successor. Caller frees with mc_unit_link_free_list. */
int mc_store_unit_links(mc_store *st, mc_unit_link **out, size_t *n);
void mc_unit_link_free_list(mc_unit_link *list, size_t n);
/* The codes of the open dossiers (finished_at = 0) whose current unit is
 * unit_id, in code order. Caller frees each and the array (mc_strv_free). */
int mc_store_unit_open_dossiers(mc_store *st, char ***out, size_t *n, int64_t unit_id);
void mc_strv_free(char **list, size_t n);
/* Counts the open dossiers held by unit_id and its active officers. */
int mc_store_unit_holdings(mc_store *st, int64_t *open_dossiers, int64_t *active_users, int64_t unit_id);
/* Counts in *n the active desk officers (not erased) who may hand back a
 * result at unit_id: those of the unit itself or of a unit above it. */
int mc_store_unit_desk_officers(mc_store *st, int64_t *n, int64_t unit_id);
/* The latest time before `before` at which a dossier of unit_id (its
 * receiving unit: the unit its code names) was filed online or received, in
 * *at; 0 when none. The plan's check (app/unit_plan.c) refuses to end a unit
 * on a day it has already worked as itself. */
int mc_store_unit_last_received(mc_store *st, int64_t *at, int64_t unit_id, int64_t before);
/* Moves the users of from_unit to to_unit (*moved counts them), or, when
 * to_unit is 0, deactivates its active ones and ends their sessions
 * (*moved counts those deactivated). */
int mc_store_unit_users_move(mc_store *st, int64_t *moved, int64_t from_unit, int64_t to_unit);

/* A reorganisation plan as stored (app/unit_plan.h reads its body). */
typedef struct {
	int64_t id;
	char *name;
	int32_t effective_day; /* local day on which its changes take effect */
	char *body;	       /* the operations, JSON as checked by mc_app_unit_plan_parse */
	char *status;	       /* draft | scheduled | applied | failed */
	int64_t created_by;
	int64_t created_at;
	int64_t applied_at; /* 0 until applied */
	int64_t moved_dossiers;
	int64_t moved_tasks;	 /* open tasks handed to the successors (migration 064) */
	int64_t moved_documents; /* documents in hand handed to them */
	int64_t moved_users;
	int64_t deactivated_users;
	char *failure; /* why a scheduled plan failed on its day; "" otherwise */
} mc_unit_plan;

void mc_unit_plan_clear(mc_unit_plan *p);
void mc_unit_plan_free_list(mc_unit_plan *list, size_t n);
/* Sets p->id; status as given (draft or scheduled). */
int mc_store_unit_plan_create(mc_store *st, mc_unit_plan *p);
/* On success *out owns its strings. MC_ENOTFOUND when unknown. */
int mc_store_unit_plan_get(mc_store *st, mc_unit_plan *out, int64_t id);
/* Every plan, newest first. */
int mc_store_unit_plan_list(mc_store *st, mc_unit_plan **out, size_t *n);
/* Sets a plan's status from one that is not 'applied' (and, when applied,
 * its counts and applied_at). MC_ECONFLICT when it was applied already,
 * MC_ENOTFOUND when unknown: the guard against applying a plan twice. */
int mc_store_unit_plan_mark(mc_store *st, const mc_unit_plan *p);
/* The ids of the scheduled plans whose day is on or before day, oldest first. */
int mc_store_unit_plan_due(mc_store *st, int64_t **out, size_t *n, int32_t day);

/* The units of one level in a subtree, and how many of them run the one-stop
 * mechanism and the electronic one-stop system on a day. */
typedef struct {
	int64_t units;
	int64_t one_stop;
	int64_t electronic;
} mc_one_stop_count;

/* For the subtree of unit_id, by level (out[0] province, [1] department,
 * [2] district, [3] commune): the units, and those whose one_stop_since and
 * electronic_one_stop_since are set and on or before day. MC_ENOTFOUND for
 * an unknown unit. */
int mc_store_unit_one_stop(mc_store *st, mc_one_stop_count out[4], int64_t unit_id, int32_t day);

/* ---- users, roles, sessions ------------------------------------------- */

typedef struct {
	int64_t id;
	char *username;
	char *full_name;
	char *email;
	char *phone;
	char *id_number; /* citizen identity number (CCCD) for citizens */
	int role;	 /* mc_role (core/dossier.h) */
	int64_t unit_id; /* the unit the role is held in; 0 for citizens */
	bool active;
	int64_t created_at;
	bool must_change_password; /* the session allows only a password change until it is made */
	/* Someone vouched for id_number: an administrator entered it, or the
	 * identity provider claimed it (app/oidc.h). A self-registered citizen's
	 * is not; only a vouched number finds an account at a first sign-in
	 * through the provider (mc_store_identity_citizen). */
	bool id_number_verified;
} mc_user;

/* Frees the strings of u and zeroes it. NULL-safe. */
void mc_user_clear(mc_user *u);

/* Sets u->id. MC_ECONFLICT on a duplicate username. password_hash is an
 * argon2id string (libsodium crypto_pwhash_str). */
int mc_store_user_create(mc_store *st, mc_user *u, const char *password_hash);
/* On success *out owns its strings (clear it); on failure it is left zeroed. */
int mc_store_user_get(mc_store *st, mc_user *out, int64_t id);
/* hash may be NULL; else receives the password hash (hash_cap >= 128: an
 * argon2id string has a fixed format, not a text field; a longer one is
 * MC_ETOOBIG, never cut). *out as mc_store_user_get. */
int mc_store_user_by_username(mc_store *st, mc_user *out, char *hash, size_t hash_cap, const char *username);
int mc_store_user_set_password(mc_store *st, int64_t id, const char *password_hash);
/* The citizen account (not erased) whose username, else identity number, is
 * key. *out as mc_store_user_get; MC_ENOTFOUND when there is none. */
int mc_store_user_citizen(mc_store *st, mc_user *out, const char *key);
/* Users whose unit lies in the subtree of unit_id (0 = every user). Caller
 * frees with mc_user_free_list. */
int mc_store_user_list(mc_store *st, mc_user **out, size_t *n, int64_t unit_id);
/* Clears the n users of list and frees it. NULL-safe. */
void mc_user_free_list(mc_user *list, size_t n);
/* Writes full_name, email, phone, role, unit_id, active and
 * must_change_password of the account u->id (the strings only read).
 * MC_ENOTFOUND for no such account. */
int mc_store_user_update(mc_store *st, const mc_user *u);
/* The same, id_number and id_number_verified, only while the account is still as `was` (read before the
 * write's transaction: an administrator's edit) and not erased: MC_ESTALE,
 * nothing written, when anything of it changed meanwhile (a lock, a role
 * or unit, a unit plan's move, an erasure), so that the edit never undoes
 * another. */
int mc_store_user_update_if(mc_store *st, const mc_user *was, const mc_user *u);
/* Whether another citizen account than user_id, not erased, holds
 * id_number vouched for (*out), which the provider's sign-in would find.
 * In a write transaction it first takes the number's lock (db.h mc_db_lock),
 * held until the commit: on PostgreSQL two servers vouching for the number
 * on two accounts look one after the other, and the second finds the
 * first's. */
int mc_store_user_number_vouched(mc_store *st, bool *out, const char *id_number, int64_t user_id);
/* Whether another official's account than user_id (any role but citizen),
 * not erased, holds id_number (*out): the provider's sign-in refuses a
 * number an official holds (mc_store_identity_citizen), so one official
 * account holds a number. Takes the number's lock as
 * mc_store_user_number_vouched does. */
int mc_store_user_number_official(mc_store *st, bool *out, const char *id_number, int64_t user_id);
/* An account's own change of its contacts and password: email and phone
 * when not NULL, and new_hash (then must_change_password is cleared) when
 * not NULL; nothing else of the row. Only while its password is still
 * checked_hash (the one the request was checked against) and it is active
 * and not erased: MC_ESTALE, nothing written, otherwise. */
int mc_store_user_own_change(mc_store *st, int64_t id, const char *checked_hash, const char *email,
			     const char *phone, const char *new_hash);

/* Ends every session of user_id but keep (a token hash; NULL = every one). */
int mc_store_session_revoke(mc_store *st, int64_t user_id, const char *keep);

/* A sign-in attempt of an account, as recorded. */
typedef struct {
	int64_t at;
	char *peer;   /* the client address */
	char *device; /* its User-Agent, cut to MC_SIGNIN_DEVICE_MAX bytes */
	bool ok;
} mc_signin;
#define MC_SIGNIN_DEVICE_MAX 200
#define MC_SIGNIN_KEEP 50
/* Records a sign-in attempt (the strings only read; device cut at a
 * character boundary to MC_SIGNIN_DEVICE_MAX bytes: it is what the browser
 * says, not a field anyone typed) and forgets the account's attempts beyond
 * the newest MC_SIGNIN_KEEP. */
int mc_store_signin_record(mc_store *st, int64_t user_id, int64_t at, const char *peer, const char *device,
			   bool ok);
/* The newest `limit` attempts of user_id, newest first. Caller frees with
 * mc_signin_free_list. */
int mc_store_signin_list(mc_store *st, mc_signin **out, size_t *n, int64_t user_id, int limit);
void mc_signin_free_list(mc_signin *list, size_t n);

/* The recovery code of an account (its SHA-256, never the code). */
typedef struct {
	int64_t user_id;
	char code_hash[65];
	int64_t created_at;
	int64_t expires_at;
	int attempts;
} mc_recovery;
/* Stores the account's code, replacing the one it had. */
int mc_store_recovery_put(mc_store *st, const mc_recovery *c);
/* MC_ENOTFOUND when the account has none. Within a write, it holds the
 * account's lock until the commit (one check of a code at a time). */
int mc_store_recovery_get(mc_store *st, mc_recovery *out, int64_t user_id);
/* Counts a wrong try. */
int mc_store_recovery_attempt(mc_store *st, int64_t user_id);
int mc_store_recovery_delete(mc_store *st, int64_t user_id);

/* Sessions are keyed by the SHA-256 (hex) of the token, never the token.
 * A session is made only while the account is active, not erased and, when
 * checked_hash is given, still has the password hash its sign-in checked;
 * otherwise (or for a token hash already in use) MC_ESTALE. It waits for a
 * change that ends the account's sessions (mc_store_session_revoke), as
 * that waits for it. */
int mc_store_session_create(mc_store *st, const char *token_hash, int64_t user_id, int64_t created_at,
			    int64_t expires_at, const char *checked_hash);
int mc_store_session_get(mc_store *st, int64_t *user_id, int64_t *expires_at, const char *token_hash);
/* The session's user (*out as mc_store_user_get) and its expiry, in one
 * read: every signed-in request makes it. MC_ENOTFOUND for no session. */
int mc_store_session_user(mc_store *st, mc_user *out, int64_t *expires_at, const char *token_hash);
int mc_store_session_delete(mc_store *st, const char *token_hash);
int mc_store_session_purge(mc_store *st, int64_t now);
/* Ends the sessions of user_id beyond the keep newest, newest (a token hash)
 * always among those kept; sessions made in the same second are as old as
 * each other. */
int mc_store_session_trim(mc_store *st, int64_t user_id, int keep, const char *newest);

/* Accounts linked to an identity at an OpenID Connect provider: (issuer,
 * subject) names one person there and one account here (store_identity.c). */
/* The account linked to (issuer, subject) in *out; MC_ENOTFOUND for none. */
int mc_store_identity_user(mc_store *st, int64_t *out, const char *issuer, const char *subject);
/* The subject the account user_id is linked to at issuer (the newest link),
 * copied into out (MC_ETOOBIG past cap, never cut); MC_ENOTFOUND for none. */
int mc_store_identity_subject(mc_store *st, char *out, size_t cap, const char *issuer, int64_t user_id);
/* Every subject the account user_id is linked to at issuer, oldest first:
 * *out an array of *n owned strings (mc_strv_free), NULL and 0 for none. */
int mc_store_identity_subjects(mc_store *st, char ***out, size_t *n, const char *issuer, int64_t user_id);
/* The oldest citizen account (not erased) with this identity number, vouched
 * for (mc_user.id_number_verified), in *out; MC_ENOTFOUND for none (a citizen
 * account holding the number unvouched counts as none); MC_EFORBIDDEN when
 * only officials' accounts hold it (they are never found this way). In a
 * write transaction it holds the number's lock until the commit, as
 * mc_store_user_number_vouched does. */
int mc_store_identity_citizen(mc_store *st, int64_t *out, const char *id_number);
/* Links (issuer, subject) to user_id. MC_ECONFLICT when the subject is
 * linked already (the transaction stays usable), MC_ENOTFOUND for no such
 * account. */
int mc_store_identity_link(mc_store *st, const char *issuer, const char *subject, int64_t user_id,
			   int64_t at);
/* Removes the links of user_id at issuer; MC_ENOTFOUND when it had none. */
int mc_store_identity_unlink(mc_store *st, const char *issuer, int64_t user_id);

/* ---- procedures (thủ tục hành chính) ----------------------------------- */

typedef struct {
	int seq;	  /* 1.. */
	char *name;	  /* "Tiếp nhận hồ sơ", "Thẩm định", "Phê duyệt", ... */
	char *role;	  /* the role that acts in this step */
	char *unit_level; /* where: commune | district | department | province */
	int32_t hours;	  /* its share of the statutory time, working hours */
} mc_proc_step;

typedef struct {
	int seq;
	char *name;
	int originals; /* số bản chính */
	int copies;    /* số bản sao */
	char *form;    /* form template name or "" */
	bool required;
	char *template_sha256;	 /* the form's file (an attachment) or "" (NULL: "") */
	char *template_filename; /* the name it is downloaded as, or "" */
} mc_proc_doc;

typedef struct {
	char *code;
	char *name;
	int64_t amount; /* VND */
} mc_proc_fee;

typedef struct {
	char *kind;	/* new | modified | standardised | abolished */
	char *decision; /* the decision that published it, "Quyết định 1234/QĐ-UBND" */
	int32_t day;	/* days since 1970-01-01 */
} mc_proc_pub;

typedef struct {
	int64_t id;
	char *code; /* mã TTHC, unique */
	char *name;
	char *field;		/* lĩnh vực */
	char *levels;		/* comma list: province,department,district,commune */
	int64_t unit_id;	/* the unit that owns it (a department); 0 = every unit of its levels */
	int32_t duration_hours; /* statutory processing time, working hours (a day = 8) */
	int32_t online_duration_hours; /* for online filing, 0 = the same */
	int cutoff_min;		    /* minutes after midnight after which the day does not count; -1 none */
	bool restart_on_supplement; /* a supplement restarts the whole period */
	int online_level;	    /* 2, 3 or 4 */
	char *status;		    /* active | abolished; NULL or "" is stored as active */
	char *target;		    /* đối tượng thực hiện */
	char *result;		    /* kết quả */
	char *legal_basis;	    /* căn cứ pháp lý */
	char *place;		    /* địa điểm thực hiện */
	/* Nghị định 118/2025/NĐ-CP: received at any centre of the province,
	 * regardless of administrative boundary, from 1 July 2025
	 * (core/onestop.h). */
	bool anywhere;
	/* Nghị định 42/2022/NĐ-CP: "full" (toàn trình), "partial" (một phần) or
	 * "" (not online), in force from online_class_since (a local day; 0: no
	 * class yet, online_level is in force). NULL is stored as "". */
	char *online_class;
	int32_t online_class_since;
	mc_proc_step *steps;
	size_t n_steps;
	mc_proc_doc *docs;
	size_t n_docs;
	mc_proc_fee *fees;
	size_t n_fees;
	mc_proc_pub *pubs;
	size_t n_pubs;
} mc_procedure;

/* Frees the strings of p and its parts (steps, docs, fees, pubs, with their
 * strings), not p itself, and zeroes it. NULL-safe. For a procedure the store
 * filled, or one built with owned strings and parts (malloc'd arrays); one
 * built from borrowed strings to be written is not cleared. */
void mc_procedure_clear(mc_procedure *p);
void mc_procedure_free_list(mc_procedure *list, size_t n);

/* Inserts p with its steps, documents, fees and publication history and
 * indexes it for search. Sets p->id. MC_ECONFLICT on a duplicate code. */
int mc_store_procedure_create(mc_store *st, mc_procedure *p);
/* Replaces the scalar fields and every part of the procedure with this code. */
int mc_store_procedure_update(mc_store *st, mc_procedure *p);
/* with_parts loads steps, docs, fees and pubs too. On success *out owns its
 * strings and parts (free with mc_procedure_clear); on failure it is left zeroed. */
int mc_store_procedure_get(mc_store *st, mc_procedure *out, const char *code, bool with_parts);
int mc_store_procedure_get_id(mc_store *st, mc_procedure *out, int64_t id, bool with_parts);

typedef struct {
	const char *
	    q; /* free text; folded (diacritics off) and matched by prefix, ranked by relevance; NULL = all */
	const char *field; /* exact field or NULL */
	const char *level; /* one of the levels or NULL */
	int online_level;  /* 0 = any, else at least this level */
	int64_t unit_id;   /* 0 = any; else procedures owned by this unit or open to its level */
	bool include_abolished;
	int limit; /* 1..200 */
	int offset;
} mc_proc_query;

/* Without parts. Ordered by relevance when q is given, else by field, name. */
int mc_store_procedure_search(mc_store *st, mc_procedure **out, size_t *n, int64_t *total,
			      const mc_proc_query *q);

/* What a search found besides its page (mc_store_procedure_find). */
typedef struct {
	int64_t total;	    /* procedures that match */
	bool relaxed;	    /* none had every word of q: these have most of them (core/search.h) */
	char *did_you_mean; /* when q found nothing, or only relaxed: q (folded) with its unknown
			     * words replaced by the nearest words of the catalogue's names; NULL
			     * when there is none. Owned: mc_proc_found_clear */
} mc_proc_found;

/* mc_store_procedure_search, with what it found: *found filled (zeroed
 * first; clear it with mc_proc_found_clear even on failure). */
int mc_store_procedure_find(mc_store *st, mc_procedure **out, size_t *n, mc_proc_found *found,
			    const mc_proc_query *q);
void mc_proc_found_clear(mc_proc_found *found);

/* A field (lĩnh vực) of the catalogue with the number of its active procedures. */
typedef struct {
	char *field;
	int64_t count;
} mc_proc_field;

/* The fields of the active procedures, those open to `level` only when it is
 * not NULL; most procedures first, then by name. Empty fields are left out.
 * Caller frees *out with mc_proc_field_free_list. */
int mc_store_procedure_fields(mc_store *st, mc_proc_field **out, size_t *n, const char *level);
void mc_proc_field_free_list(mc_proc_field *list, size_t n);

/* The publications of a period: how many procedures had a publication of
 * each kind with a day in [first_day, last_day] (local days). */
typedef struct {
	int64_t published_new; /* công bố mới */
	int64_t modified;      /* công bố sửa đổi, bổ sung */
	int64_t standardised;  /* công bố chuẩn hóa */
	int64_t abolished;     /* công bố bãi bỏ */
} mc_pub_counts;

int mc_store_procedure_pub_counts(mc_store *st, mc_pub_counts *out, int32_t first_day, int32_t last_day);

/* One decision that published procedures in a period, with its counts. */
typedef struct {
	char *decision;
	int32_t day; /* its first publication day in the period */
	mc_pub_counts c;
} mc_pub_decision;

/* The decisions of [first_day, last_day], earliest first. Caller frees *out
 * with mc_pub_decision_free_list. */
int mc_store_procedure_pub_decisions(mc_store *st, mc_pub_decision **out, size_t *n, int32_t first_day,
				     int32_t last_day);
void mc_pub_decision_free_list(mc_pub_decision *list, size_t n);

/* The procedures in force on a day, by online level: first published (new
 * or standardised) on or before it, or without such a record (it predates
 * the catalogue), and not abolished on or before it; a procedure with status
 * abolished but no abolished record is not in force. by_level[l] counts
 * online level l (2..4; 0 for none), *total all of them. */
int mc_store_procedure_in_force(mc_store *st, int64_t by_level[5], int64_t *total, int32_t day);

/* ---- dossiers (hồ sơ) -------------------------------------------------- */

/*
 * Strings of dossiers, their documents, events and submissions. A struct the
 * store fills (a get, a list, a lookup) owns every string in it: never NULL
 * ("" for none), freed by the struct's one clear function (mc_dossier_clear,
 * mc_event_clear…) or by the _free_list of its array. A struct given to the
 * store to write is only read by it: its strings may be borrowed, and NULL
 * reads as "". Copying a struct that owns strings (*a = *b) moves them; it
 * does not duplicate them. Lengths are limited where text comes in
 * (core/limits.h, in characters), never by the struct.
 */

typedef struct {
	int seq;
	char *name; /* the required document it answers, or a free name */
	int originals;
	int copies;
	char sha256[65]; /* attachment, "" if paper only: a digest (64 hex digits), of fixed size */
	char *filename;	 /* as uploaded; shown, never used as a path */
	char *mime;
	int64_t size;
	char *kind; /* "input" (handed in) or "result" (handed back); "" or NULL is stored as input */
} mc_dossier_doc;

/* Frees the strings of x and zeroes it. NULL-safe. For a document that owns
 * them: one read from the store, or made with mc_dossier_doc_copy. */
void mc_dossier_doc_clear(mc_dossier_doc *x);
/* *out = a copy of x that owns its strings (NULL stays NULL). */
void mc_dossier_doc_copy(mc_dossier_doc *out, const mc_dossier_doc *x);

/*
 * A dossier owns its strings and its documents (docs, n_docs) with theirs,
 * whoever filled it: the store, the app layer (mc_app_dossier_build) or a
 * test, which allocates them with mc_xstrdup. mc_store_dossier_insert and
 * mc_store_dossier_update only read them, except that insert replaces
 * province_code and procedure_code with the ones it stored. A caller that
 * lends docs to insert or update for one call (app/dossier.c) takes them back
 * before clearing.
 */
typedef struct {
	int64_t id;
	char *code; /* <unit code>-<yymmdd>-<NNNN>, unique */
	char *province_code;
	int64_t procedure_id;
	char *procedure_code;
	int64_t receiving_unit_id; /* the one-stop desk that took it; received at another
				    * centre (reception_unit_id), the competent unit */
	int64_t current_unit_id;   /* where it is now (changes on transfer) */
	int64_t reception_unit_id; /* the centre that received it regardless of administrative
				    * boundary (Nghị định 118/2025/NĐ-CP); 0 = its own desk. Set
				    * on insert only */
	int64_t return_unit_id;	   /* the centre chosen to hand back the result (Nghị định
				    * 118/2025/NĐ-CP); 0 = the receiving unit's desk. Set on
				    * insert only */
	int64_t handler_id;	   /* officer holding it, 0 none */
	int step;		   /* current step of the procedure, 0 none */
	int channel;		   /* mc_channel */
	int state;		   /* mc_state */
	int resume_state;	   /* state to return to after a pause */
	int outcome;		   /* 0 none, 1 approved, 2 refused (result with reasons) */
	char *applicant_name;
	char *applicant_id_number;
	char *applicant_phone;
	char *applicant_email;
	char *applicant_address;
	int64_t owner_id;	/* citizen account that filed it online, 0 none */
	int32_t duration_hours; /* statutory time applied to it */
	/* The procedure's rules as they were when the dossier was filed (set
	 * by the insert from the procedure's row; an edit of the procedure
	 * later does not change them): the cut-off of the day of reception
	 * (-1 none) and whether a supplement restarts the whole period. */
	int cutoff_min;
	bool restart_on_supplement;
	int64_t submitted_at;	  /* 0 when never submitted online */
	int64_t received_at;	  /* 0 until received */
	int64_t due_at;		  /* 0 until received */
	int64_t statutory_due_at; /* 0 = due_at; once an apology moved due_at, the due time by law,
				   * against which lateness is still judged (docs/statistics.md) */
	int64_t paused_at;	  /* 0 unless paused */
	int64_t finished_at;	  /* resolved, refused, withdrawn or stopped; 0 while open */
	int64_t returned_at;
	int64_t updated_at;
	int64_t version; /* optimistic concurrency, 1 on insert */
	char *note;	 /* last reason given (refusal, supplement, stop) */
	mc_dossier_doc *docs;
	size_t n_docs;
} mc_dossier;

/* Frees the strings of d, its documents and theirs, and zeroes d. NULL-safe. */
void mc_dossier_clear(mc_dossier *d);
/* Clears each of the n dossiers of list, then frees it. NULL-safe. */
void mc_dossier_free_list(mc_dossier *list, size_t n);

/* Next sequence number of a unit on a local day in one of its numbering
 * spaces (core/code.h: the desk's, the online one; each its own sequence);
 * inside a write transaction. Numbers are never reused, even when the
 * transaction that took one is later rolled back by a savepoint (gaps are
 * allowed, duplicates never). */
int mc_store_dossier_next_seq(mc_store *st, int *out, int64_t unit_id, int32_t local_day,
			      mc_code_space space);
/* Inserts d and its docs; sets d->id, d->version = 1, d->procedure_id and
 * d->province_code and d->procedure_code as stored (the province defaults to
 * the receiving unit's; the procedure may be named by code alone).
 * MC_ECONFLICT on a duplicate code. */
int mc_store_dossier_insert(mc_store *st, mc_dossier *d);
int mc_store_dossier_get(mc_store *st, mc_dossier *out, const char *code, bool with_docs);
/* The current version of a dossier (one indexed read), for cached replies. */
int mc_store_dossier_version(mc_store *st, int64_t *out, const char *code);
/* Whether anything may have been committed to the database, by this
 * connection, another one or another process, since the previous call on this
 * connection (true at the first call, and whenever in doubt); false means
 * nothing was. No table is read: on SQLite the header of the WAL index in
 * shared memory, which every commit rewrites. *known is false when the
 * backend cannot tell that cheaply (PostgreSQL: several servers share the
 * database): read what is needed. */
int mc_store_data_changed(mc_store *st, bool *changed, bool *known);
/* Writes every mutable field of d if the stored version is expected_version,
 * then sets d->version = expected_version + 1. MC_ECONFLICT when the version
 * moved, MC_ENOTFOUND when the dossier does not exist. Docs are replaced when
 * d->docs is not NULL. */
int mc_store_dossier_update(mc_store *st, mc_dossier *d, int64_t expected_version);

/* The dossiers (without docs, at most 50) whose documents include this
 * attachment; for deciding who may download it. */
int mc_store_dossier_by_attachment(mc_store *st, mc_dossier **out, size_t *n, const char *sha256);

typedef struct {
	int64_t unit_id;    /* 0 = any; else current or receiving unit within this unit's subtree */
	int64_t owner_id;   /* 0 = any */
	int64_t handler_id; /* 0 = any */
	int state;	    /* 0 = any */
	bool open_only;	    /* not final */
	const char *q;	    /* code prefix, applicant name (folded) or id number; NULL = all */
	int64_t received_from, received_to; /* 0 = unbounded; [from, to) */
	/* With unit_id: MC_DOSSIER_VIEW_RECEPTION lists the dossiers whose
	 * receiving centre (reception_unit_id, filed regardless of boundary) is in
	 * the subtree, MC_DOSSIER_VIEW_RETURN those whose chosen return centre
	 * (return_unit_id) is, with their result ready (resolved or returned):
	 * what mc_api_may_see lets those centres see, instead of the current or
	 * receiving unit. */
	int view;
	int limit; /* 1..200 */
	int offset;
} mc_dossier_query;

enum { MC_DOSSIER_VIEW_UNIT = 0, MC_DOSSIER_VIEW_RECEPTION, MC_DOSSIER_VIEW_RETURN };

/* Without docs. Open dossiers first, by due time (most urgent first), then the rest by received time, newest
 * first. */
int mc_store_dossier_list(mc_store *st, mc_dossier **out, size_t *n, int64_t *total,
			  const mc_dossier_query *q);

/* ---- online filings: who filed, from where (app/filing.h) -------------- */

/* Records that the citizen account user_id filed dossier_id online from the
 * client address peer (cut to 63 bytes) at `at`; in the filing's
 * transaction. MC_ENOTFOUND for an unknown dossier or user, MC_ECONFLICT when
 * the dossier has its record already. */
int mc_store_filing_record(mc_store *st, int64_t dossier_id, int64_t user_id, const char *peer, int64_t at);
/* Inside a write transaction: makes every other transaction that counts or
 * records the filings of this account or from this address wait until this
 * one ends, so that servers sharing one database count one after the other
 * (PostgreSQL: transaction-level advisory locks; SQLite: nothing to do, the
 * write transaction holds the whole database). */
int mc_store_filing_lock(mc_store *st, int64_t user_id, const char *peer);
/* The time of the n-th newest (n >= 1) filing at or after since of the
 * account user_id (when peer is NULL) or from the address peer (when user_id
 * is 0) into *out; MC_ENOTFOUND when there are fewer than n. Reads at most n
 * rows of an index. */
int mc_store_filing_nth(mc_store *st, int64_t *out, int64_t user_id, const char *peer, int64_t since, int n);

/* The most submissions one listing returns (and one bulk refusal takes). */
#define MC_SUBMISSION_LIST_MAX 500

/* Online submissions waiting for the desk (state submitted). */
typedef struct {
	int64_t unit_id;  /* receiving unit within this unit's subtree; required */
	int64_t owner_id; /* 0 = any account */
	const char *peer; /* NULL = any client address */
	int64_t from, to; /* submitted in [from, to); 0 = unbounded */
	int limit;	  /* 1..MC_SUBMISSION_LIST_MAX */
} mc_submission_query;

/* Read from the store: owns its strings (as a dossier read does). */
typedef struct {
	char *code;
	char *procedure_code;
	char *applicant_name;
	int64_t submitted_at;
	int64_t receiving_unit_id;
	int64_t version;
	int64_t owner_id; /* the citizen account, 0 when an officer filed it */
	char *account;	  /* its username, "" for none */
	char *peer;	  /* the client address it was filed from, "" when not recorded */
} mc_submission;

/* Read from the store: owns its string. */
typedef struct {
	char *key; /* the account's username or the address; "" for none or not recorded */
	int64_t count;
	int64_t first_at, last_at; /* submitted */
} mc_submission_group;

/* Free the strings of each of the n items of list, then list. NULL-safe. */
void mc_submission_free_list(mc_submission *list, size_t n);
void mc_submission_group_free_list(mc_submission_group *list, size_t n);

/* The submissions that match q, oldest first (at most q->limit), and *total
 * of them all. Caller frees *out with mc_submission_free_list. MC_EINVAL for
 * a bad limit. */
int mc_store_submission_list(mc_store *st, mc_submission **out, size_t *n, int64_t *total,
			     const mc_submission_query *q);
/* The same submissions counted per account (by_peer false) or per client
 * address, most first, at most limit (1..100) groups. Caller frees *out with
 * mc_submission_group_free_list. */
int mc_store_submission_groups(mc_store *st, mc_submission_group **out, size_t *n,
			       const mc_submission_query *q, bool by_peer, int limit);

/* ---- events (append-only; never updated or deleted) -------------------- */

/*
 * An event read from the store (list, scan, public lookup) owns its strings:
 * mc_event_clear, mc_event_free_list. One filled to be appended borrows them
 * (mc_app_dossier_event_make points at the actor's name, the action's name
 * and the caller's note): the store only reads them, and nothing clears it.
 */
typedef struct {
	int64_t id;
	int64_t dossier_id;
	int64_t at;
	int64_t actor_id; /* user, 0 for the system or the public */
	char *actor_name;
	int64_t unit_id; /* unit responsible after the event */
	char *action;	 /* create, receive, refuse, ... (core/dossier.h names) */
	int from_state;	 /* 0 on creation */
	int to_state;
	int step;
	char *note;
	char hash[65];		  /* core/audit.h: over the fields and the previous event's hash; a
				   * digest (64 hex digits), of fixed size */
	int hash_version;	  /* MC_AUDIT_V1 (written before migration 016) or MC_AUDIT_V2; 0 on
				   * append reads as MC_AUDIT_V2 */
	char personal_hash[65];	  /* version 2: over personal_salt, actor_name and note */
	char personal_salt[33];	  /* version 2: random, "" once pseudonymised */
	int64_t pseudonymised_at; /* 0 unless actor_name and note were replaced (core/audit.h) */
} mc_event;

/* Frees the strings of an event read from the store and zeroes it. NULL-safe. */
void mc_event_clear(mc_event *e);
/* Clears each of the n events of list, then frees it. NULL-safe. */
void mc_event_free_list(mc_event *list, size_t n);

/* Appends e with the hash the caller computed over it and the hash of the
 * dossier's previous event (mc_store_event_head; core/audit.h, chained by
 * mc_app_dossier_event_append); sets e->id, except in a group commit's
 * first run on PostgreSQL, where the insert is not waited for (db.h:
 * mc_q_exec_later) and e->id is 0. MC_EINVAL without a hash, MC_ENOTFOUND for
 * an unknown dossier. */
int mc_store_event_append(mc_store *st, mc_event *e);
/* The hash of the dossier's newest event into out, "" when it has none. */
int mc_store_event_head(mc_store *st, char out[65], int64_t dossier_id);
/* Every event of every dossier in chain order (dossier, then insertion), for
 * verifying the log; stops at and returns a non-zero cb result. The event
 * given to cb is borrowed for the call. */
int mc_store_event_scan(mc_store *st, int (*cb)(const mc_event *e, void *payload), void *payload);
/* Events of a dossier in order; caller frees *out with mc_event_free_list. */
int mc_store_event_list(mc_store *st, mc_event **out, size_t *n, int64_t dossier_id);
/* What the public lookup shows, read at once: the dossier (without docs;
 * mc_dossier_clear), its procedure's name (*procedure_name, caller frees with
 * free()) and its events in order, of which only the public fields (id,
 * dossier_id, at, unit_id, action, from_state, to_state, step) are filled
 * (the other strings ""); *events freed with mc_event_free_list. On failure
 * nothing is left to free. MC_ENOTFOUND when no dossier has the code. */
int mc_store_dossier_public(mc_store *st, mc_dossier *out, char **procedure_name, mc_event **events,
			    size_t *n, const char *code);

/* ---- attachments (content-addressed files) ----------------------------- */

#define MC_ATTACHMENT_MAX ((size_t)20 * 1024 * 1024)

/* Writes data under its SHA-256 in the attachment folder (a temporary file,
 * fsync, rename; idempotent); sha256_out gets the hex digest. Touches no
 * table: call it before the transaction that records the file, so the disk
 * work stays out of the write lock. MC_ETOOBIG above MC_ATTACHMENT_MAX. */
int mc_store_attachment_write(mc_store *st, char sha256_out[65], const void *data, size_t len);
/* Records a written file (inside a write transaction); idempotent. */
int mc_store_attachment_record(mc_store *st, const char *sha256, int64_t size, const char *mime);
/* Both of the above, the record in its own statement (for the CLI and tests). */
int mc_store_attachment_put(mc_store *st, char sha256_out[65], const void *data, size_t len,
			    const char *mime);
/* Size and type of a recorded attachment. MC_ENOTFOUND when unknown, MC_EINVAL
 * when sha256 is not 64 hex digits. */
int mc_store_attachment_stat(mc_store *st, int64_t *size, char *mime, size_t mime_cap, const char *sha256);
/* Opens a recorded attachment's file for reading (for sending it without
 * holding it in memory); caller closes *fd. MC_ENOTFOUND when unknown;
 * MC_EGONE, with the reason recorded, when destroyed with a disposed work
 * file (mc_store_file_destroyed): check the reader's access first. */
int mc_store_attachment_open(mc_store *st, int *fd, int64_t *size, char *mime, size_t mime_cap,
			     const char *sha256);
/* Reads an attachment; caller frees *data. MC_ENOTFOUND when unknown,
 * MC_EGONE when destroyed (as mc_store_attachment_open). */
int mc_store_attachment_get(mc_store *st, void **data, size_t *len, char *mime, size_t mime_cap,
			    const char *sha256);

/* ---- uploads (an account's files until a dossier holds them) ---------- */

/* What an account has uploaded that counts against its quotas (app/upload.h). */
typedef struct {
	int64_t unattached_files; /* its uploads that no dossier holds */
	int64_t unattached_bytes;
	int64_t recent_bytes; /* all it uploaded since `since`, held or not */
} mc_upload_usage;

/* The usage of user_id. Inside a write transaction on PostgreSQL it first
 * locks the account's uploads until the end of the transaction, so that two
 * servers cannot both let the last upload in. */
int mc_store_upload_usage(mc_store *st, mc_upload_usage *out, int64_t user_id, int64_t since);
/* Records the file sha256 (written by mc_store_attachment_write) as uploaded
 * by user_id at `at`: its attachment row when new, and the account's upload
 * row (moved to `at` when it existed). Inside a write transaction. MC_EBUSY
 * when the file is no longer whole on disk (a sweep removed it as unused
 * meanwhile: write it again), MC_EINVAL for a malformed digest or size. */
int mc_store_upload_record(mc_store *st, int64_t user_id, const char *sha256, int64_t size, const char *mime,
			   int64_t at);
/* *out = true when user_id has an upload row for sha256. */
int mc_store_upload_owned(mc_store *st, bool *out, int64_t user_id, const char *sha256);
/* Names a written file that was refused for deletion: the next sweep deletes
 * it unless an attachment row names it by then. */
int mc_store_upload_discard(mc_store *st, const char *sha256, int64_t at);
/* Removes the upload rows made before `before` of up to limit files, then
 * the attachment rows they leave that no dossier holds and no other upload
 * keeps; those files are named for the next mc_store_files_sweep. *expired
 * counts the files whose upload rows were removed (0: none was due). */
int mc_store_upload_expire(mc_store *st, int64_t *expired, int64_t before, int limit);
/* Deletes up to limit files named for deletion that no attachment row names;
 * *removed counts them. Run it in a transaction of its own, never in the one
 * that named them: a file is deleted only once its row's removal is
 * committed. */
int mc_store_files_sweep(mc_store *st, int64_t *removed, int limit);
/* Deletes the temporary files of uploads cut short by a crash (".tmp-*" in
 * the attachment folder) last modified before `before`; *removed counts them. */
int mc_store_files_clean_tmp(mc_store *st, int64_t *removed, int64_t before);

/* ---- health ------------------------------------------------------------ */

/* Checks that the database is whole: SQLite runs PRAGMA quick_check and stops
 * it after budget_ms (0 = no limit), with *complete false; PostgreSQL, which
 * checks its own pages, answers a query. MC_ERROR with what is damaged in
 * problem (cap bytes) when it is not whole. */
int mc_store_check_integrity(mc_store *st, bool *complete, char *problem, size_t cap, int64_t budget_ms);
/* *out = whether this connection can write: SQLite not opened read-only;
 * PostgreSQL a primary, not a standby in recovery. */
int mc_store_writable(mc_store *st, bool *out);
/* The newest migration this binary holds for the store's backend. */
int mc_store_schema_latest(mc_store *st, int *out);
/* WAL positions, PostgreSQL only (MC_EINVAL on SQLite), as numbers that
 * grow with every write: the primary's current one, and the last one a
 * standby has replayed (*standby false on a primary, whose own current one
 * it is then). A replica has what the primary had when its position was
 * the replica's or lower (the lag of db_read, http/replica.c). */
int mc_store_wal_position(mc_store *st, uint64_t *out);
int mc_store_replay_position(mc_store *st, uint64_t *out, bool *standby);
/* The PostgreSQL connections of this process, since it started: found lost
 * (closed by the server, or broken), made again, and attempts to make them
 * again that failed. For /metrics. */
typedef struct {
	uint64_t lost, reconnected, failed;
} mc_store_conn_stats;
void mc_store_conn_stats_get(mc_store_conn_stats *out);

/* ---- audit anchors (core/audit.h, app/audit.h) ------------------------- */

/* A dossier's head as an anchor records it, or as the dossier row holds it. */
typedef struct {
	int64_t dossier_id;
	int64_t
	    anchor_id; /* entries: their anchor; dossier rows: the anchor covering it, 0 = changed since */
	char *province_code;
	char *head_hash;
	int64_t event_count;
	int state;
	char *code; /* dossier rows only ("" in entries) */
} mc_audit_entry;

/* Frees the strings of the n entries of list, then list. NULL-safe. */
void mc_audit_entry_free_list(mc_audit_entry *list, size_t n);

typedef struct {
	int64_t id; /* 1, 2, 3 ... */
	int64_t at;
	char *prev_root;  /* hex; "" for the first */
	char *root;	  /* hex */
	int64_t dossiers; /* its entries */
	char *public_key; /* Ed25519, hex; "" unsigned */
	char *signature;  /* hex; "" unsigned */
	/* The official documents' and the tasks' logs (migration 054): the last
	 * event id covered and the digest chained over them (app/audit.c); 0 and
	 * "" in anchors made before. */
	int64_t document_events_to;
	char *document_digest;
	int64_t task_events_to;
	char *task_digest;
} mc_audit_anchor;

/* An anchor read by the store owns its strings: mc_audit_anchor_clear frees
 * them (NULL-safe; the anchor is zeroed), mc_audit_anchor_free_list clears
 * the n anchors of a list and frees it. One given to the store (anchor_add)
 * is only read: its strings may be anyone's. */
void mc_audit_anchor_clear(mc_audit_anchor *a);
void mc_audit_anchor_free_list(mc_audit_anchor *list, size_t n);

/* The newest anchor (id 0 and "" strings when there is none; clear it). Inside a write transaction on
 * PostgreSQL it first takes the anchoring lock until the end of the
 * transaction, so that servers chain their anchors one after the other. */
int mc_store_audit_head(mc_store *st, mc_audit_anchor *out);
/* Up to limit dossiers changed since they were last anchored, by id. Caller
 * frees *out with mc_audit_entry_free_list. */
int mc_store_audit_pending(mc_store *st, mc_audit_entry **out, size_t *n, int limit);
/* Records anchor a with its entries (sorted by dossier) and marks each
 * dossier covered unless it changed again meanwhile. */
int mc_store_audit_anchor_add(mc_store *st, const mc_audit_anchor *a, const mc_audit_entry *e, size_t n);
/* The highest anchor id any row names (anchors, entries, dossiers) and the
 * highest dossier id any row names (dossiers, entries, events). */
int mc_store_audit_bounds(mc_store *st, int64_t *max_anchor, int64_t *max_dossier);
/* The anchors with id in [lo, hi), by id. Caller frees *out with
 * mc_audit_anchor_free_list. */
int mc_store_audit_anchors(mc_store *st, mc_audit_anchor **out, size_t *n, int64_t lo, int64_t hi);
/* Entries with anchor_id in [lo, hi) by (anchor, dossier) when by_anchor,
 * else with dossier_id in [lo, hi) by (dossier, event_count). Caller frees
 * *out with mc_audit_entry_free_list. */
int mc_store_audit_entries(mc_store *st, mc_audit_entry **out, size_t *n, bool by_anchor, int64_t lo,
			   int64_t hi);
/* The dossier rows with id in [lo, hi), by id. Caller frees *out with
 * mc_audit_entry_free_list. */
int mc_store_audit_dossiers(mc_store *st, mc_audit_entry **out, size_t *n, int64_t lo, int64_t hi);
/* The other logs the anchors cover (migration 054). */
typedef enum { MC_AUDIT_LOG_DOCUMENTS = 0, MC_AUDIT_LOG_TASKS = 1 } mc_audit_log;
/* The highest event id of the log. Inside a write transaction on PostgreSQL
 * it first locks the log against writers until the end of the transaction,
 * so that no event committed later can have an id below it. */
int mc_store_audit_log_top(mc_store *st, mc_audit_log which, int64_t *top);
/* Calls cb with the id and stored hash ("" for none) of each event of the log
 * with id in (after, upto], by id; stops at cb's first non-zero return,
 * which it returns. */
int mc_store_audit_log_scan(mc_store *st, mc_audit_log which, int64_t after, int64_t upto,
			    int (*cb)(int64_t id, const char *hash, void *payload), void *payload);
/* The events of the dossiers with id in [lo, hi) in chain order, as
 * mc_store_event_scan. */
int mc_store_event_scan_range(mc_store *st, int64_t lo, int64_t hi,
			      int (*cb)(const mc_event *e, void *payload), void *payload);

/* ---- statistics (docs/statistics.md) ---------------------------------- */

typedef enum {
	MC_STATS_TOTAL = 0,    /* one row: the unit with its subtree */
	MC_STATS_BY_UNIT,      /* a row per direct child (with its subtree), every child even when
				* empty, and one for the unit itself (its own desk) when not empty */
	MC_STATS_BY_FIELD,     /* a row per field (lĩnh vực) with dossiers */
	MC_STATS_BY_PROCEDURE, /* a row per procedure with dossiers */
	MC_STATS_EACH_UNIT,    /* a row per unit of the subtree whose own desk has figures, keyed by
				* that unit (not its subtree): for rolling the figures of units that
				* have ended up into today's (docs/statistics.md §11) */
} mc_stats_group;

typedef struct {
	int64_t unit_id;  /* dossiers whose receiving unit lies in this unit's subtree */
	int64_t from, to; /* the period [from, to), UTC seconds (local midnights) */
	int64_t at;	  /* evaluation instant for in-progress lateness: min(to, now) */
	mc_stats_group group;
	bool live; /* count from the dossiers, not the roll-up (for checking one by the other) */
	/* By field and by procedure only, from the roll-up: when n_units > 0, the
	 * dossiers whose receiving unit is one of these units (their own desks,
	 * not their subtrees) and lies in unit_id's subtree: the units that
	 * rolled up into today's (units=today, docs/statistics.md §11). Borrowed. */
	const int64_t *units;
	size_t n_units;
} mc_stats_query;

typedef struct {
	int64_t unit_id;      /* TOTAL: the unit; BY_UNIT: the child, or the unit itself */
	int64_t procedure_id; /* BY_PROCEDURE */
	char *procedure_code; /* BY_PROCEDURE; "" otherwise */
	char *procedure_name; /* BY_PROCEDURE; "" otherwise */
	char *field;	      /* BY_FIELD, BY_PROCEDURE; "" otherwise */
	mc_stats_counts c;
} mc_stats_row;

/*
 * Counts the figures of q->unit_id's subtree over [q->from, q->to) grouped as
 * q->group says, with the rules of docs/statistics.md. In total and by unit,
 * for periods of whole local days, they are summed from the roll-up kept with
 * every write (core/rollup.h; the open dossiers' overdue split counted live
 * for the current period); by field and by procedure, or with q->live, they
 * are counted from the dossier table and the event log. The rows
 * add up to the total: every dossier counts in exactly one row. BY_UNIT rows
 * come in unit-code order with the unit's own row first; BY_FIELD by field,
 * BY_PROCEDURE by procedure code. The rows own their strings: caller frees
 * *out with mc_stats_row_free_list(*out, *n). MC_ENOTFOUND for an unknown
 * unit, MC_EINVAL when from >= to.
 */
int mc_store_stats(mc_store *st, mc_stats_row **out, size_t *n, const mc_stats_query *q);
/* The dossiers received by unit_id's subtree's desks that finished in
 * [from, to) without ever being received (withdrawn or refused while
 * submitted online): counted in withdrawn and not_accepted, though the
 * reporting form's "received" never held them (docs/forms.md §4). */
int mc_store_stats_unreceived(mc_store *st, int64_t *out, int64_t unit_id, int64_t from, int64_t to);
/* The dossiers received by unit_id's subtree's desks that were waiting for a
 * supplement at `at` (the end of a report's period): in progress then, their
 * last event before it having left them supplement_requested ("chờ bổ
 * sung", docs/forms.md §4). */
int mc_store_stats_waiting_supplement(mc_store *st, int64_t *out, int64_t unit_id, int64_t at);
/* Frees the strings of the n rows of list, then list. NULL-safe. */
void mc_stats_row_free_list(mc_stats_row *list, size_t n);

/* The dossiers received regardless of administrative boundary (Nghị định
 * 118/2025/NĐ-CP) in a period: they count in the figures above at their
 * competent unit, and here apart. */
typedef struct {
	int64_t for_other_units;  /* received at a centre of the subtree for a unit outside it */
	int64_t at_other_centres; /* of a unit of the subtree, received at a centre outside it */
} mc_stats_reception;

/* The counts of *out for unit_id's subtree and the dossiers received in
 * [from, to) (UTC seconds). MC_ENOTFOUND for an unknown unit. */
int mc_store_stats_reception(mc_store *st, mc_stats_reception *out, int64_t unit_id, int64_t from,
			     int64_t to);

/* An open dossier past its due time. */
typedef struct {
	char *code;
	char *procedure_code;
	char *procedure_name;
	int64_t receiving_unit_id;
	int64_t current_unit_id;
	int state;
	int64_t received_at;
	int64_t due_at;		   /* by law */
	int64_t appointment;	   /* due_at: moved by an issued apology */
	int64_t apology_id;	   /* its latest apology, or 0 */
	int64_t apology_issued_at; /* 0 while only prepared */
	int64_t apology_new_due;
} mc_stats_overdue;

/*
 * The dossiers received in unit_id's subtree that are open with the clock
 * running (received or processing, not paused) and whose due time is before
 * now, longest overdue (earliest due time) first; *total counts them all.
 * limit 1..200. Caller frees *out with mc_stats_overdue_free_list(*out, *n).
 * MC_ENOTFOUND for an unknown unit.
 */
int mc_store_stats_overdue(mc_store *st, mc_stats_overdue **out, size_t *n, int64_t *total, int64_t unit_id,
			   int64_t now, int limit, int offset);
/* Frees the strings of the n rows of list, then list. NULL-safe. */
void mc_stats_overdue_free_list(mc_stats_overdue *list, size_t n);

/* A month of the public register of results: dossiers resolved by a unit's
 * subtree (counted at the receiving unit, as mc_store_stats does), and how
 * many of them early or on time. */
typedef struct {
	int64_t unit_id; /* a direct child of the unit asked for, or the unit itself (its own desk) */
	int month;	 /* 1..12 */
	int64_t resolved;
	int64_t on_time; /* early + on time */
} mc_stats_month;

/*
 * The public register of results of unit_id's children for a local calendar
 * year, one grouped query over the statistics index: twelve rows (months
 * 1..12, zeros included) for every direct child in unit-code order, preceded
 * by twelve for the unit's own desk when it resolved anything in the year.
 * Caller frees *out with free(). MC_ENOTFOUND for
 * an unknown unit, MC_EINVAL for a year outside 1970..9999.
 */
int mc_store_stats_months(mc_store *st, mc_stats_month **out, size_t *n, int64_t unit_id, int year);

/* ---- apologies (QĐ 876/2017: công khai xin lỗi; form 04) --------------- */

typedef struct {
	int64_t id;
	char *province_code; /* set by the store from the dossier */
	int64_t dossier_id;
	int64_t unit_id; /* the unit that apologises: holding the dossier when prepared */
	char *reason;	 /* at most MC_LIMIT_APOLOGY_REASON characters (core/limits.h) */
	int64_t old_due; /* the due time it replaces */
	int64_t new_due; /* the new appointment, in working time */
	int64_t prepared_by;
	char *prepared_by_name;
	int64_t prepared_at;
	int64_t issued_by;    /* 0 while prepared only */
	char *issued_by_name; /* "" while prepared only */
	int64_t issued_at;    /* 0 while prepared only */
	char *signed_as;      /* "head", "deputy"; "" while prepared only or issued before 026 */
	int64_t document_id;  /* the outgoing document it was issued as (migration 038), 0 = none */
} mc_apology;

/* An apology read by the store (or made by app/apology.h) owns its strings:
 * mc_apology_clear frees them (NULL-safe; the apology is zeroed), and
 * mc_apology_free_list clears the n apologies of a list and frees it. */
void mc_apology_clear(mc_apology *a);
void mc_apology_free_list(mc_apology *list, size_t n);

/* Records a prepared apology (issued_at 0); sets a->id and a->province_code
 * (freeing what it held). The other strings are only read. MC_ENOTFOUND for
 * an unknown dossier or unit, MC_EINVAL when new_due is not after old_due. */
int mc_store_apology_add(mc_store *st, mc_apology *a);
/* MC_ENOTFOUND when no apology of that dossier has this id. Clear *out. */
int mc_store_apology_get(mc_store *st, mc_apology *out, int64_t dossier_id, int64_t id);
/* Marks a prepared apology issued, with the due time it replaces now.
 * MC_ECONFLICT when it was issued already, MC_ENOTFOUND when it does not exist. */
int mc_store_apology_issue(mc_store *st, int64_t id, int64_t old_due, int64_t issued_by,
			   const char *issued_by_name, int64_t at);
/* Gives the apologies prepared at unit from_unit and not issued to unit
 * to_unit, which then issues them: the unit from_unit has ended
 * (app/unit_plan.h). */
int mc_store_apology_move_prepared(mc_store *st, int64_t from_unit, int64_t to_unit);
/* Records how the issuing leader signed apology id: "head" or "deputy"
 * (migration 026). MC_ENOTFOUND when it does not exist. */
int mc_store_apology_sign(mc_store *st, int64_t id, const char *signed_as);
/* Links issued apology id to the outgoing document it was issued as
 * (migration 038). MC_ECONFLICT when it has one already or does not exist. */
int mc_store_apology_set_document(mc_store *st, int64_t id, int64_t document_id);
/* The apology issued as document document_id, and its dossier's code
 * (*dossier_code, free with free()). MC_ENOTFOUND when the document is no
 * apology's. Clear *out. */
int mc_store_apology_of_document(mc_store *st, mc_apology *out, char **dossier_code, int64_t document_id);
/* The apologies of a dossier, oldest first. Caller frees *out with
 * mc_apology_free_list. */
int mc_store_apology_list(mc_store *st, mc_apology **out, size_t *n, int64_t dossier_id);

/* An issued apology as the public register shows it. */
typedef struct {
	mc_apology a;
	char *dossier_code;
	char *applicant_name; /* in full: the caller masks it */
	char *procedure_code;
	char *procedure_name;
} mc_apology_entry;

/* Clears the n entries of list (their apologies too), then frees list. NULL-safe. */
void mc_apology_entry_free_list(mc_apology_entry *list, size_t n);

/*
 * The issued apologies of the units in unit_id's subtree (by the apologising
 * unit) issued in [from, to), newest first; *total counts them all. limit
 * 1..200. Caller frees *out with mc_apology_entry_free_list. MC_ENOTFOUND
 * for an unknown unit.
 */
int mc_store_apology_register(mc_store *st, mc_apology_entry **out, size_t *n, int64_t *total,
			      int64_t unit_id, int64_t from, int64_t to, int limit, int offset);

/* An open dossier near its due time with no apology, whose unit's leaders
 * were not warned yet (app/apology.h mc_app_apology_warn). */
typedef struct {
	int64_t dossier_id;
	char *code;
	char *province_code;
	char *procedure_name;
	int64_t receiving_unit_id;
	int64_t current_unit_id;
	int64_t due_at;
} mc_apology_warning;

/*
 * The dossiers open with the clock running (received or processing, not
 * paused) whose due time is in (now, until], with no apology (prepared or
 * issued) and no warning recorded (mc_store_apology_warned), earliest due
 * first, at most limit (1..10000). Caller frees *out with
 * mc_apology_warning_free_list.
 */
int mc_store_apology_warnings_due(mc_store *st, mc_apology_warning **out, size_t *n, int64_t now,
				  int64_t until, int limit);
/* Records that the leaders were warned of dossier_id (due at due_at) at
 * `at`: it is not listed again. MC_ECONFLICT when it was already. */
int mc_store_apology_warned(mc_store *st, int64_t dossier_id, int64_t due_at, int64_t at);
/* The number (Số) of a form 02 or 04 (migration 031): kind 2 or 4, the
 * dossier, the act (ref: the request's time for 02, the apology's id for
 * 04), the unit whose series it is, the local year, and the number. */
typedef struct {
	int kind;
	int64_t dossier_id;
	int64_t ref;
	int64_t unit_id;
	int year;
	int64_t number;
} mc_form_number;

/* Gives n the next number of its series (kind, unit_id, year) and records it
 * for (kind, dossier_id, ref): sets n->number. MC_ECONFLICT when that act
 * has one already, MC_ENOTFOUND for an unknown dossier or unit. Run it in
 * the act's transaction: a rollback returns the number. */
int mc_store_form_number_take(mc_store *st, mc_form_number *n);
/* The number of the act (kind, dossier_id, ref): fills *out, MC_ENOTFOUND
 * when it has none (an act recorded before migration 031). */
int mc_store_form_number_get(mc_store *st, mc_form_number *out, int kind, int64_t dossier_id, int64_t ref);

/* Frees the strings of the n rows of list, then list. NULL-safe. */
void mc_apology_warning_free_list(mc_apology_warning *list, size_t n);

/* ---- calendar (official days off per year) ----------------------------- */

/* Replaces the official schedule of a year. days and source are only read;
 * a name is stored whole, however long (the API and the schedule file keep
 * it within MC_LIMIT_CALENDAR_DAY_NAME characters). MC_EINVAL for a day
 * outside the year or without a name. */
int mc_store_calendar_set_year(mc_store *st, int year, const mc_day_entry *days, size_t n,
			       const char *source);
/* Removes a year's schedule, so the year follows the Labour Code rule again. */
int mc_store_calendar_delete_year(mc_store *st, int year);
/* Calls cb for each stored year, in order; stops at and returns a non-zero
 * cb result. days (and their names) and source are borrowed for the call. */
int mc_store_calendar_each(mc_store *st,
			   int (*cb)(int year, const mc_day_entry *days, size_t n, const char *source,
				     void *payload),
			   void *payload);

/* The generation of the units and the calendar, the tables every server keeps
 * in memory as its time rules: a number that every change to them (insert,
 * update, delete) moves, in the change's own transaction. A server reads it
 * before loading them and loads them again when it has moved. */
int mc_store_generation(mc_store *st, int64_t *out);

/* ---- satisfaction ratings (khảo sát mức độ hài lòng) ------------------- */

/* The criteria, each scored 0 (not satisfied), 1 (satisfied), 2 (very satisfied). */
enum {
	MC_RATE_TOTAL_TIME,   /* total time taken against the statutory time */
	MC_RATE_AGENCY_TIME,  /* the time each agency took */
	MC_RATE_CONTACTS,     /* how many times the applicant had to come or call */
	MC_RATE_AGENCIES,     /* how many agencies the applicant had to deal with */
	MC_RATE_RECEPTION,    /* reception and return of the dossier */
	MC_RATE_TRANSPARENCY, /* openness of the procedure and its progress */
	MC_RATE_ATTITUDE,     /* the staff's attitude */
	MC_RATE_COUNT_
};

typedef struct {
	int64_t dossier_id;
	char *province_code; /* read: set by the store from the dossier; ignored on put */
	int64_t unit_id;     /* the receiving unit */
	int64_t at;
	int criteria[MC_RATE_COUNT_];
	char *overall; /* very_satisfied | satisfied | not_satisfied */
	char *comment; /* "" none; at most MC_LIMIT_RATING_COMMENT characters */
} mc_rating;

/* A rating read by the store owns its strings: mc_rating_clear frees them
 * (NULL-safe; the rating is zeroed). One given to mc_store_rating_put is
 * only read. */
void mc_rating_clear(mc_rating *r);

/* Records the rating of a dossier. MC_ECONFLICT when it is rated already,
 * MC_ENOTFOUND when the dossier or unit does not exist, MC_EINVAL when a
 * score or overall is out of range. */
int mc_store_rating_put(mc_store *st, const mc_rating *r);
/* MC_ENOTFOUND when the dossier has no rating. Clear *out. */
int mc_store_rating_get(mc_store *st, mc_rating *out, int64_t dossier_id);

typedef struct {
	int64_t count;
	double criteria[MC_RATE_COUNT_]; /* averages, 0..2; 0 when count is 0 */
	int64_t very_satisfied, satisfied, not_satisfied;
} mc_rating_summary;

/* The ratings of the dossiers received by unit_id or a unit of its subtree,
 * given in [from, to) (0 = unbounded). MC_ENOTFOUND for an unknown unit. */
int mc_store_rating_summary(mc_store *st, mc_rating_summary *out, int64_t unit_id, int64_t from, int64_t to);

/* ---- outbox (messages to applicants) ----------------------------------- */

typedef struct {
	int64_t id;
	char *province_code;
	int64_t dossier_id; /* 0 none */
	char *channel;	    /* email | sms */
	char *recipient;
	char *subject;
	char *body;
	int64_t created_at;
	char *state; /* pending | sent | failed; ignored on add */
	int attempts;
	int64_t next_at; /* when to try (again) */
	int64_t sent_at;
	char *last_error;      /* ignored on add */
	int64_t claimed_until; /* a delivery pass holds it until then; 0 none */
} mc_message;

/* A message read by the store owns its strings: mc_message_clear frees them
 * (NULL-safe; the message is zeroed), mc_message_free_list clears the n
 * messages of a list and frees it. One given to mc_store_outbox_add is only
 * read: its strings may be anyone's. */
void mc_message_clear(mc_message *m);
void mc_message_free_list(mc_message *list, size_t n);

/* Queues a message (inside the transaction of the event that causes it);
 * sets m->id and nothing else. It is stored pending, with 0 attempts, due at
 * m->next_at or else created_at. */
int mc_store_outbox_add(mc_store *st, mc_message *m);
/* Pending messages due at now, oldest first, at most limit. Caller frees
 * with mc_message_free_list. */
int mc_store_outbox_due(mc_store *st, mc_message **out, size_t *n, int64_t now, int limit);
/* Takes pending messages due at now that no delivery pass holds (no claim,
 * or a claim expired before now), oldest first, at most limit, and marks
 * them claimed until now + lease_seconds, atomically: two passes, on one
 * server or on several sharing a PostgreSQL database, never take the same
 * message (PostgreSQL: row locks, SKIP LOCKED; SQLite: one writer). A pass
 * that dies leaves its claims to expire. Writes: run it in a transaction
 * (the group committer). Caller frees with mc_message_free_list. */
int mc_store_outbox_claim(mc_store *st, mc_message **out, size_t *n, int64_t now, int limit,
			  int64_t lease_seconds);
/* Records an attempt: sent (ok) or not, with the error and the next try
 * (next_at 0 = give up: failed), and clears the claim. Only a pending
 * message changes. */
int mc_store_outbox_done(mc_store *st, int64_t id, bool ok, const char *error, int64_t at, int64_t next_at);
/* Messages of a dossier, in order. Caller frees with mc_message_free_list. */
int mc_store_outbox_of_dossier(mc_store *st, mc_message **out, size_t *n, int64_t dossier_id);
/* Gauges for /metrics: dossiers by state (index = national status code,
 * 1..10) and open dossiers past their due time at now, not paused. */
int mc_store_gauges(mc_store *st, int64_t by_state[11], int64_t *overdue, int64_t now);
/* Pending messages in all (for /metrics and tests). */
int mc_store_outbox_depth(mc_store *st, int64_t *out);

/* ---- payments (fees paid online, docs/payments.md) --------------------- */

typedef struct {
	int64_t id;
	char *province_code; /* read: set by the store from the dossier */
	int64_t dossier_id;
	char *dossier_code; /* read with the payment; ignored on create */
	char *reference;    /* what the provider knows it by: random, unique */
	int64_t amount;	    /* VND, > 0 */
	char *currency;	    /* "VND" */
	char *state;	    /* pending | paid | failed | cancelled */
	int64_t created_at;
	int64_t paid_at;    /* when it was settled (paid or failed); 0 while pending */
	char *provider;	    /* the partner that settled it ("test", ...), or "manual" */
	char *provider_txn; /* the provider's transaction number */
	char *receipt;	    /* the confirmation as JSON (the callback's fields), "" none */
} mc_payment;

/* A payment read by the store owns its strings: mc_payment_clear frees them
 * (NULL-safe; the payment is zeroed). mc_payment_copy makes dst (cleared
 * first) an owning copy of src. */
void mc_payment_clear(mc_payment *p);
void mc_payment_copy(mc_payment *dst, const mc_payment *src);

/* Records a pending payment of a dossier; sets p->id, and p->state and
 * p->currency as owned strings (freeing what they held); reads the rest.
 * MC_ECONFLICT when the reference is taken or the dossier has a pending one
 * already, MC_ENOTFOUND for an unknown dossier, MC_EINVAL when the table
 * refuses the row (amount <= 0). What is owed is app/payment.c's rule. */
int mc_store_payment_create(mc_store *st, mc_payment *p);
/* MC_ENOTFOUND when no payment has this reference. Clear *out. */
int mc_store_payment_by_reference(mc_store *st, mc_payment *out, const char *reference);
/* The newest payment of a dossier. MC_ENOTFOUND when it has none. Clear *out. */
int mc_store_payment_latest(mc_store *st, mc_payment *out, int64_t dossier_id);
/* Every payment of a dossier, oldest first. Caller frees each with
 * mc_payment_clear, then *out. */
int mc_store_payment_list(mc_store *st, mc_payment **out, size_t *n, int64_t dossier_id);
/* Settles a pending payment: state (paid, failed or cancelled: the caller's
 * choice, app/payment.c), paid_at, provider, provider_txn and receipt from p,
 * found by p->id; only read. MC_ECONFLICT when it is no longer pending,
 * MC_EINVAL when the table refuses the state. */
int mc_store_payment_settle(mc_store *st, const mc_payment *p);

/* ---- personal data (Nghị định 13/2023/NĐ-CP; app/personal.h) ----------- */

/* A read of personal data by an officer. One read from the store owns its
 * strings (mc_personal_read_free_list); one given to be added is only read. */
typedef struct {
	int64_t id;
	int64_t at;
	int64_t reader_id;
	int reader_role;
	int64_t reader_unit_id;	   /* 0 none */
	int64_t dossier_id;	   /* 0: a citizen's export */
	int64_t subject_id;	   /* the citizen account whose data it is, 0 none */
	int64_t unit_id;	   /* the dossier's current unit at the read, 0 none */
	int64_t receiving_unit_id; /* its receiving unit, 0 none */
	char *what;		   /* dossier | attachment | form | export */
	char *route;		   /* the path read */
	char *reader_name;	   /* read: the reader's full name */
	char *reader_username;	   /* read */
	char *dossier_code;	   /* read: "" for none */
	int records;		   /* records shown: 1 (0 when added means 1), a list's rows */
} mc_personal_read;

/* Clears the strings of the n reads of list and frees it. NULL-safe. */
void mc_personal_read_free_list(mc_personal_read *list, size_t n);
/* Records a read (province from the dossier, else the reader's unit). */
int mc_store_personal_read_add(mc_store *st, const mc_personal_read *x);

typedef struct {
	int64_t unit_id;    /* 0 = any; else the dossier's current or receiving unit, or for an
			     * export the reader's unit, within this unit's subtree */
	int64_t subject_id; /* 0 = any; else reads of this citizen's data: as subject, or of the
			     * dossiers the account owns */
	int64_t dossier_id; /* 0 = any */
	int64_t reader_id;  /* 0 = any */
	int64_t from, to;   /* [from, to), 0 = unbounded */
	int limit;	    /* 1..500 */
	int offset;
} mc_personal_read_query;

/* The reads that match q, newest first, and *total of them. Caller frees
 * *out with mc_personal_read_free_list. MC_EINVAL for a bad limit. */
int mc_store_personal_read_list(mc_store *st, mc_personal_read **out, size_t *n, int64_t *total,
				const mc_personal_read_query *q);
/* Deletes the reads recorded before `before`; *count says how many. */
int mc_store_personal_read_purge(mc_store *st, int64_t before, int64_t *count);

/* ---- administrators' account actions (append-only) -------------------- */

/* One action on an account: who (actor_id 0: the operator at the command
 * line), when, what (create, role, unit, lock, unlock, profile,
 * force_password_change, password_reset, handover, erase), on whom, and what
 * changed (detail, JSON text; never a password). Usernames as they were at
 * the time. One read from the store owns its strings
 * (mc_account_action_free_list); one given to be added is only read. */
typedef struct {
	int64_t id;
	int64_t at;
	int64_t actor_id;
	char *actor_username;
	char *action;
	int64_t target_id;
	char *target_username;
	char *detail;
} mc_account_action;

void mc_account_action_free_list(mc_account_action *list, size_t n);
/* Records an action, in the caller's transaction (that of the change). */
int mc_store_account_action_add(mc_store *st, const mc_account_action *x);

typedef struct {
	int64_t target_id; /* 0 = any */
	int64_t actor_id;  /* 0 = any */
	int64_t from, to;  /* [from, to), 0 = unbounded */
	int limit;	   /* 1..500 */
	int offset;
} mc_account_action_query;

/* The actions that match q, newest first, and *total of them. Caller frees
 * *out with mc_account_action_free_list. MC_EINVAL for a bad limit. */
int mc_store_account_action_list(mc_store *st, mc_account_action **out, size_t *n, int64_t *total,
				 const mc_account_action_query *q);

/* ---- the national public-service portal's sync queue (app/portal.h) ---- */

/* One state change of a dossier to push to the portal. Read from the store:
 * owns its strings (mc_portal_item_free_list). */
typedef struct {
	int64_t id;
	int64_t dossier_id;
	char *dossier_code;
	int64_t event_id;
	char *action;	/* the event's action */
	int state_code; /* the dossier's state after the event (mc_state, 1-10) */
	int64_t created_at;
	char *status; /* pending | sent | dead */
	int attempts;
	int64_t next_at;
	int64_t sent_at; /* 0 until sent */
	char *last_error;
} mc_portal_item;

void mc_portal_item_free_list(mc_portal_item *list, size_t n);
/* Queues the change that the event of dossier_id with hash event_hash (just
 * appended, in the same transaction) made; a second call for the same
 * (dossier, event) adds nothing. */
int mc_store_portal_queue(mc_store *st, int64_t dossier_id, const char *event_hash, const char *action,
			  int state_code, int64_t at);
/* Claims up to limit items due at now for lease seconds, oldest first, each
 * the oldest unsent item of its dossier (a dossier's later changes wait while
 * an earlier one is pending or dead): the caller sends them and records each
 * with mc_store_portal_done. */
int mc_store_portal_claim(mc_store *st, mc_portal_item **out, size_t *n, int64_t now, int limit,
			  int64_t lease);
/* Records an attempt: ok → sent at `at`; else dead when dead, or pending
 * again at next_at; the claim is cleared. MC_ENOTFOUND when not pending. */
int mc_store_portal_done(mc_store *st, int64_t id, bool ok, bool dead, const char *error, int64_t at,
			 int64_t next_at);
/* Items of status (NULL or "" = any), newest first, and *total of them.
 * MC_EINVAL for a bad limit. */
int mc_store_portal_list(mc_store *st, mc_portal_item **out, size_t *n, int64_t *total, const char *status,
			 int limit, int offset);
/* A dead item pending again at now with its attempts reset; MC_ENOTFOUND
 * when no item has that id, MC_ECONFLICT when it is not dead. */
int mc_store_portal_retry(mc_store *st, int64_t id, int64_t now);

/* The codes of the dossiers of a data subject: owned by the account owner_id
 * (0 none), or, when id_number is not NULL nor "", naming it as the
 * applicant's identity number; oldest first, at most max. *out is an array
 * of owned strings: free each, then it. */
int mc_store_personal_dossiers(mc_store *st, char ***out, size_t *n, int64_t owner_id, const char *id_number,
			       size_t max);
/* How many dossiers of the account owner_id are still open (not final). */
int mc_store_personal_open_count(mc_store *st, int64_t *out, int64_t owner_id);
/* Up to max ids of dossiers finished before `before` whose personal fields
 * are not pseudonymised yet, oldest first. Caller frees *out. */
int mc_store_personal_finished_before(mc_store *st, int64_t **out, size_t *n, int64_t before, size_t max);

/* What one pseudonymisation changed. */
typedef struct {
	int64_t dossiers;  /* personal fields replaced */
	int64_t events;	   /* events whose actor's name and note were replaced */
	int64_t events_v1; /* the subject's events of hash version 1, left as they were */
	int64_t messages;  /* outbox messages emptied */
	int64_t ratings;   /* comments emptied */
} mc_personal_counts;

/*
 * Pseudonymises the dossier dossier_id at `at`, when not done yet: the
 * applicant's name becomes the pseudonym (core/audit.h), the identity number,
 * phone, e-mail, address and the online filing's client address "", its
 * messages lose their recipient and text (pending ones are given up), its
 * rating its comment, and the events of version 2 that the citizen
 * subject_id (0: the dossier's owner, if any) made lose their name, note and
 * salt. The event chain verifies as before. Adds what changed to *c.
 */
int mc_store_personal_pseudonymise(mc_store *st, int64_t dossier_id, int64_t subject_id, int64_t at,
				   mc_personal_counts *c);
/* Erases the citizen account user_id at `at` (its owner's request): its name
 * becomes the pseudonym, its username "erased-<id>", e-mail, phone, identity
 * number and password unusable, the account inactive, its sessions gone
 * (its uploads no dossier holds expire within a day, app/upload.h).
 * MC_ENOTFOUND when there is no such citizen account. */
int mc_store_personal_erase_account(mc_store *st, int64_t user_id, int64_t at);
/* Empties the subject and body of messages sent or given up created before
 * `before`; *count says how many. */
int mc_store_personal_outbox_purge(mc_store *st, int64_t before, int64_t *count);

#endif
