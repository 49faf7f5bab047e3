/*
 * app/notify.h - telling applicants what happens to their dossiers.
 *
 * Messages go through the outbox (store.h): an event that calls for one
 * queues it in the same transaction, so a message exists if and only if its
 * event committed. A background pass delivers what is due — e-mail through an
 * SMTP relay, SMS through an HTTP gateway, both with libcurl — and records the
 * outcome; a failure is retried with a growing delay, then given up and kept
 * as failed for an officer to see.
 */
#ifndef MC_APP_NOTIFY_H
#define MC_APP_NOTIFY_H

#include "store/group.h"
#include "store/store.h"

typedef struct {
	const char *smtp_url;  /* "smtp://relay:25", "smtps://…"; NULL or "" = no e-mail */
	const char *smtp_user; /* NULL = no authentication */
	const char *smtp_password;
	const char *mail_from;	/* sender address */
	const char *sms_url;	/* gateway URL taking POST {"to","text"}; NULL or "" = no SMS */
	const char *public_url; /* the portal, for lookup links */
} mc_notify_config;

/* The most attempts before a message is given up. */
#define MC_NOTIFY_MAX_ATTEMPTS 8
/* A delivery pass claims messages MC_NOTIFY_CLAIM_BATCH at a time, at most
 * MC_NOTIFY_BATCHES times, each claim held for MC_NOTIFY_LEASE seconds: longer
 * than a batch can take to send (curl gives up on a message after 30 s). */
#define MC_NOTIFY_CLAIM_BATCH 10
#define MC_NOTIFY_BATCHES 5
#define MC_NOTIFY_LEASE 600

/*
 * Queues the messages that the event `action` (an event action name: create,
 * receive, request_supplement, refuse, resolve, apology, due_recomputed) on dossier d calls
 * for: an e-mail when it has an address, an SMS when it has a phone. Runs
 * inside the event's transaction. unit_name and procedure_name are borrowed.
 */
int mc_notify_dossier(mc_store *st, const mc_dossier *d, const char *action, const char *procedure_name,
		      const char *unit_name, const char *public_url, int64_t at);

/*
 * Queues the e-mail reminding `recipient` of a task (docs/tasks.md §6): due
 * soon (overdue false) on due_text, or overdue since it. Texts are borrowed;
 * province_code names the outbox row's province. Runs inside the caller's
 * transaction.
 */
int mc_notify_task(mc_store *st, const char *province_code, const char *recipient, int64_t task_id,
		   const char *title, const char *unit_name, const char *due_text, bool overdue,
		   const char *public_url, int64_t at);

/*
 * Queues the e-mail warning `recipient`, a leader of unit_name, that dossier
 * `code` is due at due_at (within one working day) with no apology
 * (app/apology.h mc_app_apology_warn). Texts are borrowed; province_code
 * names the outbox row's province. Runs inside the caller's transaction.
 */
int mc_notify_apology_due(mc_store *st, const char *province_code, const char *recipient, int64_t dossier_id,
			  const char *code, const char *procedure_name, const char *unit_name, int64_t due_at,
			  int64_t at);

/* What an administrator did to an account that its owner is told of. */
typedef enum {
	MC_NOTICE_IDENTITY_LINK,   /* linked to an identity at the identity provider */
	MC_NOTICE_IDENTITY_UNLINK, /* its links removed */
	MC_NOTICE_PASSWORD_RESET,  /* a new password set, the sessions ended */
	MC_NOTICE_LOCK,		   /* locked, the sessions ended */
	MC_NOTICE_CONTACT,	   /* its e-mail address or phone changed: told at the old ones */
} mc_account_notice;

/*
 * Queues the messages telling the owner of the account `owner` what the
 * administrator `admin_username` did to it at `at`: whoever signs in through
 * a linked identity, or with a password an administrator set, acts as the
 * owner, so the owner learns of it and can raise the alarm. An e-mail when
 * the account has an address, an SMS when it has a phone; nothing without
 * either. MC_NOTICE_CONTACT is sent with `owner` as it was before the
 * change: an administrator who moves the contacts to their own would
 * otherwise receive every later notice, a reset's included. Runs inside the
 * caller's transaction.
 */
int mc_notify_account(mc_store *st, const mc_user *owner, const char *admin_username, mc_account_notice what,
		      int64_t at);

/* The delay before attempt n+1 after n failed attempts (seconds): 1, 2, 4 …
 * minutes, at most an hour; 0 once MC_NOTIFY_MAX_ATTEMPTS are spent. */
int64_t mc_notify_backoff(int attempts);

/*
 * One delivery pass: claims due messages (mc_store_outbox_claim) through the
 * group committer, sends each, and records every outcome (which clears the
 * claim) through it too, so that several passes - threads or servers sharing
 * one PostgreSQL database - never send a message twice; the claims of a pass
 * that dies expire after MC_NOTIFY_LEASE. `st` is not used (every read is a
 * claim, hence a write) and may be NULL. *sent and *failed (may be NULL)
 * count this pass. A channel that is not configured leaves its messages
 * pending. Call mc_notify_global_init once before threads start.
 */
int mc_notify_deliver(mc_store *st, mc_group *g, const mc_notify_config *cfg, int64_t now, int *sent,
		      int *failed);
int mc_notify_global_init(void);

/*
 * The Message-ID header of an e-mail of the outbox, "<motcua.ID.CREATED.PROVINCE@DOMAIN>",
 * made only from the message's row (id, creation time, province) and the
 * domain of mail_from. Delivery is at least once: a server that dies after
 * the relay took a message but before the outcome is recorded leaves it to be
 * sent again when its claim expires, and the copy carries the same
 * Message-ID, by which mail clients and relays can recognise it. The creation
 * time and the domain keep the messages of other databases (another
 * province, a database made again from nothing) from sharing one. At most
 * cap bytes with the NUL; 160 always suffice.
 */
void mc_notify_message_id(char *out, size_t cap, const mc_message *m, const char *mail_from);

#endif
