/*
 * app/payment.h - fees paid online (level 4 services) through a payment
 * provider in the style of the national payment platform: the signed request
 * that sends the applicant to the provider, the check of the provider's signed
 * confirmation (its callback), and what that confirmation does to the payment
 * and the dossier. The protocol is written down in docs/payments.md.
 *
 * Check value: the lower-case hex SHA-256 of the fields in their fixed order,
 * each followed by '|', then the shared secret:
 *   sha256("f1|f2|...|fn|" + secret)
 * This is the provider's format (docs/payments.md §2): a plain hash with the
 * secret last, not an HMAC, so it is kept as it is.
 * Fields may not contain '|', so no two field lists give the same text, and the
 * secret comes last, so a known check value cannot be extended to sign more.
 *
 * The mc_app_payment_* functions run inside a write transaction that the
 * caller opened (the group committer); they never commit. A failure records
 * its reason and message (core/err.h).
 */
#ifndef MC_APP_PAYMENT_H
#define MC_APP_PAYMENT_H

#include "app/dossier.h"

/* Hex digits of a check value, without the NUL. */
#define MC_PAYMENT_CHECK_LEN 64
/* The provider's result code for a successful payment. */
#define MC_PAYMENT_RESULT_OK "00"

typedef struct {
	const char *partner_code; /* our code at the provider */
	const char *secret;	  /* shared with the provider; NULL or "" = payments are off */
	const char *url;	  /* the provider's payment page */
	const char *provider;	  /* its name in receipts: "test" for the in-process test provider */
	bool test_provider;	  /* serve the in-process test provider (demo, tests): never in production */
} mc_payment_config;

/*
 * The check value of fields[0..n) with secret, as 64 hex digits and a NUL in
 * out. MC_EINVAL when a field holds '|' (it could then be read as two);
 * MC_ETOOBIG when the fields and the secret pass 16 KiB.
 */
int mc_payment_check_value(char out[MC_PAYMENT_CHECK_LEN + 1], const char *const *fields, size_t n,
			   const char *secret);
/* Whether two check values are equal, in time that does not depend on where
 * they differ. */
bool mc_payment_check_equal(const char *a, const char *b);
/* t as Vietnam's local time "yyyyMMddHHmmss" (UTC+7), 14 digits and a NUL. */
void mc_payment_time(char out[15], int64_t t);
/* Whether s is 14 digits of a plausible "yyyyMMddHHmmss". */
bool mc_payment_time_valid(const char *s);
/* A new payment reference: 24 upper-case hex digits from 96 random bits.
 * MC_ERROR when the system has no randomness to give. */
int mc_payment_new_reference(char out[25]);

/* What the applicant's browser takes to the provider. Strings borrowed. */
typedef struct {
	const char *partner_code;
	const char *reference;
	int64_t amount;		/* VND */
	const char *order_info; /* ASCII, without '|' */
	const char *return_url; /* where the provider sends the browser back */
	const char *time;	/* yyyyMMddHHmmss, Vietnam time */
} mc_payment_request;

/* Check value of a request over partner_code, reference, amount, order_info,
 * return_url, time. MC_EINVAL as mc_payment_check_value. */
int mc_payment_request_sign(char out[MC_PAYMENT_CHECK_LEN + 1], const mc_payment_request *rq,
			    const char *secret);
/* The provider's URL with the request and its check_value as the query
 * string (percent-encoded). Caller frees *out. MC_EINVAL as above;
 * MC_ETOOBIG when the URL would pass 16 KiB (it is refused, never cut). */
int mc_payment_request_url(char **out, const char *url, const mc_payment_request *rq, const char *secret);

/* The provider's confirmation. Strings borrowed. */
typedef struct {
	const char *partner_code;
	const char *reference;
	int64_t amount;		    /* VND */
	const char *transaction_no; /* the provider's transaction number */
	const char *result_code;    /* MC_PAYMENT_RESULT_OK when paid, anything else failed */
	const char *time;	    /* when the provider settled it, yyyyMMddHHmmss */
	const char *check_value;
} mc_payment_callback;

/* Check value of a callback over partner_code, reference, amount,
 * transaction_no, result_code, time. MC_EINVAL as mc_payment_check_value. */
int mc_payment_callback_sign(char out[MC_PAYMENT_CHECK_LEN + 1], const mc_payment_callback *cb,
			     const char *secret);
/* 0 when cb's check value is right for secret; MC_EFORBIDDEN otherwise. */
int mc_payment_callback_verify(const mc_payment_callback *cb, const char *secret);

/*
 * The dossier with this id owes amount (request_payment): records a pending
 * payment with a new reference. MC_EINVAL for an amount <= 0 (nothing is
 * owed), MC_ECONFLICT when one is pending already.
 */
int mc_app_payment_owe(mc_store *st, int64_t dossier_id, int64_t amount, int64_t at);

/*
 * Closes the dossier's pending payment, if it has one, without the provider:
 * "paid" when an officer or the applicant records the payment by hand (the
 * `pay` action; provider "manual", the receipt names who recorded it and the
 * note), "cancelled" when the dossier stops waiting for it (withdraw, stop).
 * A confirmation that arrives later for it is refused. MC_EINVAL for another
 * state.
 */
int mc_app_payment_close(mc_store *st, const mc_actor *actor, int64_t dossier_id, const char *state,
			 const char *note, int64_t at);

/*
 * The applicant (or the desk for them) starts paying the dossier with this
 * code: its pending payment, or after a failed attempt a new pending one for
 * the same amount. Checked with mc_app_dossier_may as the `pay` action (owner
 * or receiving desk, awaiting_payment). Fills *out (zeroed, or holding an
 * earlier payment, which is cleared); *created tells whether the row is new.
 * The caller clears *out with mc_payment_clear, also after a failure. MC_ENOTFOUND unknown dossier,
 * MC_EFORBIDDEN scope or role, MC_ECONFLICT not awaiting payment, MC_EINVAL nothing owed online (no amount
 * was stated, or the last one was cancelled).
 */
/* Whether the actor may start an online payment of this dossier's fee: its
 * owner, or a desk officer of its receiving unit, while it awaits payment. */
mc_may mc_app_payment_may_start(const mc_time_ctx *tc, const mc_actor *actor, const mc_dossier *d);
int mc_app_payment_start(mc_store *st, const mc_time_ctx *tc, const mc_actor *actor, const char *code,
			 int64_t at, mc_payment *out, bool *created);

/*
 * Applies a provider's confirmation whose check value the caller has verified:
 * the payment with its reference must be owed for exactly its amount. A
 * success marks it paid, keeps the receipt (the callback's fields as JSON) and
 * takes the dossier out of awaiting_payment with the `pay` action as the
 * system; a failure marks it failed and leaves the dossier waiting. The same
 * confirmation again changes nothing and sets *repeat, also when it loses a
 * race with its own copy on another connection (another server): the payment
 * is read again once settled. Fills *out (zeroed, or holding an earlier
 * payment, which is cleared) with the payment after it; the caller clears it
 * with mc_payment_clear. MC_ENOTFOUND unknown reference, MC_EINVAL wrong amount,
 * MC_ECONFLICT the payment was settled otherwise (another transaction, another
 * result, or closed by hand) or the dossier cannot take the payment.
 */
int mc_app_payment_settle(mc_store *st, const mc_time_ctx *tc, const mc_payment_callback *cb,
			  const char *provider, int64_t at, mc_payment *out, bool *repeat);

#endif
