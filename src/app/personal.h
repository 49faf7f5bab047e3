/*
 * app/personal.h - personal data under Nghị định 13/2023/NĐ-CP: what a data
 * subject may take away (art. 14, 16: an export of everything motcua holds
 * about them), how long each kind of record keeps personal data (retention,
 * then pseudonymisation or deletion), and erasure at the subject's request
 * where the law allows it (art. 16: not while a dossier is being handled;
 * dossiers themselves are kept as the archive law requires, their personal
 * fields pseudonymised). The event log stays verifiable throughout: events
 * chain a salted hash of their personal texts (core/audit.h). Officers' reads
 * of personal data are logged by the API (api/personal.c) into the store's
 * personal_read table. docs/operations.md, "Personal data", has the commands.
 */
#ifndef MC_APP_PERSONAL_H
#define MC_APP_PERSONAL_H

#include "store/store.h"

/* The most dossiers an export holds, and the largest archive (bytes, before
 * compression); a larger one fails with MC_ETOOBIG. */
#define MC_PERSONAL_EXPORT_DOSSIERS 2000
#define MC_PERSONAL_EXPORT_MAX ((size_t)512 * 1024 * 1024)
/* Archives one server makes at once (api/personal.c); a request for another
 * meanwhile is refused (429 overloaded, Retry-After). */
#define MC_PERSONAL_EXPORTS_AT_ONCE 1

/* How long each kind of record keeps its personal data; 0 = kept. Sessions
 * end at their expiry and uploads no dossier holds a day after they were sent
 * whatever these say (app/jobs.h, app/upload.h). */
typedef struct {
	int dossier_years; /* finished dossiers' personal fields, then pseudonymised */
	int message_days;  /* the text of messages sent or given up, then emptied */
	int read_log_days; /* the log of officers' reads, then deleted */
} mc_retention;

/* What a purge did (or, dry, would do). */
typedef struct {
	mc_personal_counts pseudonymised; /* dossiers past retention */
	int64_t messages_emptied;
	int64_t reads_deleted;
} mc_personal_purge_report;

/*
 * The export of a data subject as a gzip-compressed tar archive in *out
 * (caller frees), *len bytes: manifest.json (format
 * "motcua-personal-export-1": the account, each dossier with its documents,
 * events, rating, payments and messages, the officers' reads of it) and every
 * attached file under files/<sha256>, the SHA-256 named beside it in the
 * manifest. subject is the account (NULL for a subject known only by an
 * identity number); id_number, when not NULL nor "", also takes in the
 * dossiers that name it as the applicant's (an administrator's export, on
 * identity checked at the desk; a citizen exports the dossiers of their own
 * account only). MC_ETOOBIG past the limits above.
 */
int mc_app_personal_export(mc_store *st, const mc_user *subject, const char *id_number, int64_t now,
			   unsigned char **out, size_t *len);

/*
 * Erases the citizen account user_id at its owner's request, at now: refused
 * with MC_ECONFLICT (reason state) while one of its dossiers is open; else
 * every dossier it owns is pseudonymised (store.h) and the account erased.
 * *c counts what changed. In the caller's transaction.
 */
int mc_app_personal_erase(mc_store *st, int64_t user_id, int64_t now, mc_personal_counts *c);
/* Records the erasure just made (mc_app_personal_erase, same transaction) as
 * an account action (app/user.h) by actor (NULL: the operator at the
 * command line; the account itself at its owner's request is named by its
 * erased username, as the subject is: no personal data stays in the record). */
int mc_app_personal_erase_record(mc_store *st, const mc_user *actor, int64_t user_id,
				 const mc_personal_counts *c, int64_t now);

/*
 * Applies retention at now: pseudonymises up to max_dossiers dossiers
 * finished more than dossier_years ago, empties old messages, deletes old
 * reads. In the caller's transaction (a dry run rolls it back).
 */
int mc_app_personal_purge(mc_store *st, const mc_retention *r, int64_t now, size_t max_dossiers,
			  mc_personal_purge_report *rep);

#endif
