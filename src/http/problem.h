/*
 * problem.h - the one registry of API errors. Every error reply is made from
 * an entry here and sent as application/problem+json (RFC 9457) with a stable
 * `type` ("urn:motcua:problem:<slug>"), the HTTP status and a title; the
 * detail says what exactly was wrong with this request.
 *
 * It is also the one place where a failure that crosses from the layers below
 * (an mc_err: a code, a reason, a message; core/err.h) becomes a problem: each
 * reason has its problem, and a failure without a reason is answered by its
 * code (docs/architecture.md §4).
 */
#ifndef MC_HTTP_PROBLEM_H
#define MC_HTTP_PROBLEM_H

#include "core/err.h"

#include <stddef.h>

typedef enum {
	MC_PROB_MALFORMED_JSON,
	MC_PROB_INVALID_UTF8,
	MC_PROB_INVALID_FIELD,
	MC_PROB_MISSING_FIELD,
	MC_PROB_UNSUPPORTED_MEDIA,
	MC_PROB_UNSUPPORTED_FILE,
	MC_PROB_BODY_TOO_LARGE,
	MC_PROB_UNAUTHENTICATED,
	MC_PROB_BAD_CREDENTIALS,
	MC_PROB_FORBIDDEN,
	MC_PROB_OUT_OF_SCOPE,
	MC_PROB_NOT_FOUND,
	MC_PROB_METHOD_NOT_ALLOWED,
	MC_PROB_UNKNOWN_PROCEDURE,
	MC_PROB_UNKNOWN_UNIT,
	MC_PROB_FORBIDDEN_TRANSITION,
	MC_PROB_VERSION_CONFLICT,
	MC_PROB_PRECONDITION_FAILED,
	MC_PROB_DUPLICATE,
	MC_PROB_CODES_EXHAUSTED,
	MC_PROB_INVALID_QUERY,
	MC_PROB_TOO_MANY_ATTEMPTS,
	MC_PROB_UNAVAILABLE,
	MC_PROB_INTERNAL,
	MC_PROB_APOLOGY_ISSUED,
	MC_PROB_APOLOGY_OUTDATED,
	MC_PROB_BAD_CHECK_VALUE,
	MC_PROB_UNKNOWN_PAYMENT,
	MC_PROB_AMOUNT_MISMATCH,
	MC_PROB_PAYMENT_CLOSED,
	MC_PROB_NOTHING_OWED,
	MC_PROB_BAD_FRAMING,
	MC_PROB_OVERLOADED,
	MC_PROB_FILING_LIMIT,
	MC_PROB_UPLOAD_QUOTA,
	MC_PROB_NOT_READY,
	MC_PROB_PAYMENT_NOT_CONFIGURED,
	MC_PROB_UNIT_ENDED,
	MC_PROB_PLAN_APPLIED,
	MC_PROB_PASSWORD_CHANGE_REQUIRED,
	MC_PROB_INVALID_CODE,
	/* Sign-in through the identity provider (app/oidc.h). */
	MC_PROB_IDP_OFF,
	MC_PROB_IDP_STATE,
	MC_PROB_IDP_REFUSED,
	MC_PROB_IDP_ERROR,
	MC_PROB_IDP_UNAVAILABLE,
	MC_PROB_IDENTITY_NOT_LINKED,
	MC_PROB_ACCOUNT_LOCKED,
	MC_PROB_SIGNING_KEY,
	/* edXML exchange (docs/documents.md §9) */
	MC_PROB_INVALID_PACKAGE,
	MC_PROB_UNKNOWN_SENDER,
	MC_PROB_BAD_SIGNATURE,
	MC_PROB_EXCHANGE_NOT_CONFIGURED,
	MC_PROB_NOT_RETRYABLE,
	/* The national portal asked directly (app/portal.h, TraCuuHoSo). */
	MC_PROB_PORTAL_OFF,
	MC_PROB_PORTAL_ERROR,
	MC_PROB_PORTAL_UNAVAILABLE,
	MC_PROB_NOT_RECEIVABLE_HERE,
	/* A stored file destroyed with a disposed work file (docs/documents.md §12). */
	MC_PROB_CONTENT_DESTROYED,
	/* A write signed in by the session cookie from another site's page (http/dispatch.c). */
	MC_PROB_CROSS_SITE,
	/* A council member's appraisal or rating of their own unit (docs/par-index.md §4). */
	MC_PROB_OWN_UNIT,
	MC_PROB_SUPPLEMENT_AGAIN,
	MC_PROB_REFUSE_OVERDUE,
	MC_PROB_COUNT_
} mc_problem;

typedef struct {
	const char *slug;
	int status;
	const char *title;
} mc_problem_info;

/* Borrowed, static. */
const mc_problem_info *mc_problem_get(mc_problem p);

/* How a failure is answered. */
typedef struct {
	mc_problem problem;
	int64_t retry_after; /* seconds for a Retry-After header, 0 = none */
	char detail[512];
} mc_problem_answer;

/*
 * The answer to e: the problem of its reason, or when it has none, of its
 * code (not found 404, conflict 409 duplicate, invalid 422, forbidden 403,
 * too big 413, stale 409, codes used up 409, limited 429, busy 503 with
 * Retry-After 1, anything else 503 with Retry-After 5). The detail is e's
 * message, or when it has none the code's text about `what` ("the dossier
 * not found").
 */
void mc_problem_from_err(mc_problem_answer *out, const mc_err *e, const char *what);

#endif
