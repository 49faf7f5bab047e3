#include "http/problem.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const mc_problem_info registry[MC_PROB_COUNT_] = {
    [MC_PROB_MALFORMED_JSON] = {"malformed-json", 400, "The request body is not valid JSON"},
    [MC_PROB_INVALID_UTF8] = {"invalid-utf8", 400, "The request contains invalid UTF-8"},
    [MC_PROB_INVALID_FIELD] = {"invalid-field", 422, "A field has the wrong type or value"},
    [MC_PROB_MISSING_FIELD] = {"missing-field", 422, "A required field is missing"},
    [MC_PROB_UNSUPPORTED_MEDIA] = {"unsupported-media-type", 415,
				   "The request body must be application/json"},
    [MC_PROB_UNSUPPORTED_FILE] = {"unsupported-file-type", 415, "This type of file is not accepted"},
    [MC_PROB_BODY_TOO_LARGE] = {"body-too-large", 413, "The request body is too large"},
    [MC_PROB_UNAUTHENTICATED] = {"unauthenticated", 401, "A session is required"},
    [MC_PROB_BAD_CREDENTIALS] = {"bad-credentials", 401, "Wrong username or password"},
    [MC_PROB_FORBIDDEN] = {"forbidden", 403, "Your role does not allow this"},
    [MC_PROB_OUT_OF_SCOPE] = {"out-of-scope", 403, "The unit concerned is outside your scope"},
    [MC_PROB_NOT_FOUND] = {"not-found", 404, "No such resource"},
    [MC_PROB_METHOD_NOT_ALLOWED] = {"method-not-allowed", 405, "Method not allowed on this resource"},
    [MC_PROB_UNKNOWN_PROCEDURE] = {"unknown-procedure", 422, "No such procedure"},
    [MC_PROB_UNKNOWN_UNIT] = {"unknown-unit", 422, "No such unit"},
    [MC_PROB_FORBIDDEN_TRANSITION] = {"forbidden-transition", 409,
				      "The dossier's state does not allow this action"},
    [MC_PROB_VERSION_CONFLICT] = {"version-conflict", 409, "The dossier was changed by someone else"},
    [MC_PROB_PRECONDITION_FAILED] = {"precondition-failed", 412,
				     "If-Match does not match the current version"},
    [MC_PROB_DUPLICATE] = {"duplicate", 409, "It exists already"},
    [MC_PROB_CODES_EXHAUSTED] = {"codes-exhausted", 409, "The unit has used every dossier code of the day"},
    [MC_PROB_INVALID_QUERY] = {"invalid-query", 400, "A query parameter is invalid"},
    [MC_PROB_TOO_MANY_ATTEMPTS] = {"too-many-attempts", 429, "Too many attempts"},
    [MC_PROB_UNAVAILABLE] = {"unavailable", 503, "The service is temporarily unavailable"},
    [MC_PROB_INTERNAL] = {"internal", 500, "Internal error"},
    [MC_PROB_APOLOGY_ISSUED] = {"apology-issued", 409, "The apology has been issued already"},
    [MC_PROB_APOLOGY_OUTDATED] = {"apology-outdated", 409,
				  "The apology's new date no longer fits the dossier; prepare a new one"},
    [MC_PROB_BAD_CHECK_VALUE] = {"bad-check-value", 403, "The check value does not match the fields"},
    [MC_PROB_UNKNOWN_PAYMENT] = {"unknown-payment", 404, "No payment has this reference"},
    [MC_PROB_AMOUNT_MISMATCH] = {"amount-mismatch", 409, "The amount is not the amount owed"},
    [MC_PROB_PAYMENT_CLOSED] = {"payment-closed", 409, "The payment was settled or closed already"},
    [MC_PROB_NOTHING_OWED] = {"nothing-owed", 409, "The dossier owes nothing to pay online"},
    [MC_PROB_BAD_FRAMING] = {"bad-framing", 400, "The request's framing headers are ambiguous"},
    [MC_PROB_OVERLOADED] = {"overloaded", 429, "Too many requests are waiting; try again shortly"},
    [MC_PROB_FILING_LIMIT] = {"filing-limit", 429, "Too many dossiers filed; wait before filing again"},
    [MC_PROB_UPLOAD_QUOTA] = {"upload-quota", 429,
			      "The account has uploaded as much as it may keep; attach or wait for expiry"},
    [MC_PROB_NOT_READY] = {"not-ready", 503, "The server cannot serve requests now"},
    [MC_PROB_PAYMENT_NOT_CONFIGURED] = {"payment-not-configured", 409,
					"Online payment is not configured on this server"},
    [MC_PROB_UNIT_ENDED] = {"unit-ended", 422, "The unit has ended; its successor serves"},
    [MC_PROB_PLAN_APPLIED] = {"plan-applied", 409, "The plan has been applied already"},
    [MC_PROB_PASSWORD_CHANGE_REQUIRED] = {"password-change-required", 403,
					  "The account must choose a new password first"},
    [MC_PROB_INVALID_CODE] = {"invalid-code", 400, "The code is wrong, expired or used already"},
    [MC_PROB_IDP_OFF] = {"identity-provider-off", 404,
			 "Sign-in through the identity provider is not configured"},
    [MC_PROB_IDP_STATE] = {"sign-in-state", 400,
			   "The sign-in was not started in this browser, or it has expired; start again"},
    [MC_PROB_IDP_REFUSED] = {"identity-provider-refused", 400, "The identity provider did not sign you in"},
    [MC_PROB_IDP_ERROR] = {"identity-provider-error", 502, "The identity provider's answer was refused"},
    [MC_PROB_IDP_UNAVAILABLE] = {"identity-provider-unavailable", 503,
				 "The identity provider cannot be reached"},
    [MC_PROB_IDENTITY_NOT_LINKED] = {"identity-not-linked", 403,
				     "No account may be opened with this identity"},
    [MC_PROB_ACCOUNT_LOCKED] = {"account-locked", 403, "The account is locked"},
    [MC_PROB_SIGNING_KEY] = {"signing-key", 503, "A signing key of the server cannot be used"},
    [MC_PROB_INVALID_PACKAGE] = {"invalid-package", 422, "The edXML package cannot be taken"},
    [MC_PROB_UNKNOWN_SENDER] = {"unknown-sender", 403, "The sender is not a peer of this server"},
    [MC_PROB_BAD_SIGNATURE] = {"bad-signature", 403, "The package's signature does not verify"},
    [MC_PROB_EXCHANGE_NOT_CONFIGURED] = {"exchange-not-configured", 409,
					 "This server exchanges no documents with other systems"},
    [MC_PROB_NOT_RETRYABLE] = {"not-retryable", 409, "Only a change the portal sync gave up can be retried"},
    [MC_PROB_PORTAL_OFF] = {"portal-sync-off", 409, "This server does not sync with the national portal"},
    [MC_PROB_PORTAL_ERROR] = {"portal-error", 502, "The national portal's answer was refused"},
    [MC_PROB_PORTAL_UNAVAILABLE] = {"portal-unavailable", 503, "The national portal could not be reached"},
    [MC_PROB_NOT_RECEIVABLE_HERE] = {"not-receivable-here", 422,
				     "The procedure is not received at this desk for that unit"},
    [MC_PROB_CONTENT_DESTROYED] = {"content-destroyed", 410,
				   "The content was destroyed with a disposed work file"},
    [MC_PROB_CROSS_SITE] = {"cross-site-request", 403,
			    "A change signed in by the session cookie came from another site's page"},
    [MC_PROB_OWN_UNIT] = {"own-unit", 403, "A council member does not appraise or rate their own unit"},
    [MC_PROB_SUPPLEMENT_AGAIN] =
	{"supplement-again", 409,
	 "A supplement was requested already; only a leader asks again, with the reason"},
    [MC_PROB_REFUSE_OVERDUE] =
	{"refuse-overdue", 409,
	 "The dossier is past its due time; it is resolved with outcome refused instead"},
};

const mc_problem_info *mc_problem_get(mc_problem p)
{
	assert(p >= 0 && p < MC_PROB_COUNT_);
	return &registry[p];
}

/* The problem of each reason. A switch without a default: the compiler names
 * a reason added to core/err.h and left out here. */
static mc_problem reason_problem(mc_reason reason)
{
	switch (reason) {
	case MC_REASON_NONE:
		break;
	case MC_REASON_NOT_FOUND:
		return MC_PROB_NOT_FOUND;
	case MC_REASON_UNKNOWN_PROCEDURE:
		return MC_PROB_UNKNOWN_PROCEDURE;
	case MC_REASON_UNKNOWN_UNIT:
		return MC_PROB_UNKNOWN_UNIT;
	case MC_REASON_INVALID_FIELD:
		return MC_PROB_INVALID_FIELD;
	case MC_REASON_MISSING_FIELD:
		return MC_PROB_MISSING_FIELD;
	case MC_REASON_ROLE:
		return MC_PROB_FORBIDDEN;
	case MC_REASON_SCOPE:
		return MC_PROB_OUT_OF_SCOPE;
	case MC_REASON_STATE:
		return MC_PROB_FORBIDDEN_TRANSITION;
	case MC_REASON_STALE:
		return MC_PROB_VERSION_CONFLICT;
	case MC_REASON_DUPLICATE:
		return MC_PROB_DUPLICATE;
	case MC_REASON_CODES_EXHAUSTED:
		return MC_PROB_CODES_EXHAUSTED;
	case MC_REASON_FILING_LIMIT:
		return MC_PROB_FILING_LIMIT;
	case MC_REASON_UPLOAD_QUOTA:
		return MC_PROB_UPLOAD_QUOTA;
	case MC_REASON_APOLOGY_ISSUED:
		return MC_PROB_APOLOGY_ISSUED;
	case MC_REASON_APOLOGY_OUTDATED:
		return MC_PROB_APOLOGY_OUTDATED;
	case MC_REASON_UNKNOWN_PAYMENT:
		return MC_PROB_UNKNOWN_PAYMENT;
	case MC_REASON_AMOUNT_MISMATCH:
		return MC_PROB_AMOUNT_MISMATCH;
	case MC_REASON_PAYMENT_CLOSED:
		return MC_PROB_PAYMENT_CLOSED;
	case MC_REASON_NOTHING_OWED:
		return MC_PROB_NOTHING_OWED;
	case MC_REASON_UNIT_ENDED:
		return MC_PROB_UNIT_ENDED;
	case MC_REASON_BOUNDARY:
	case MC_REASON_RETURN_BOUNDARY:
		return MC_PROB_NOT_RECEIVABLE_HERE;
	case MC_REASON_CONTENT_DESTROYED:
		return MC_PROB_CONTENT_DESTROYED;
	case MC_REASON_OWN_UNIT:
		return MC_PROB_OWN_UNIT;
	case MC_REASON_SUPPLEMENT_AGAIN:
		return MC_PROB_SUPPLEMENT_AGAIN;
	case MC_REASON_REFUSE_OVERDUE:
		return MC_PROB_REFUSE_OVERDUE;
	case MC_REASON_RETURN_NO_DESK:
		return MC_PROB_INVALID_FIELD;
	case MC_REASON_COUNT_:
		break;
	}
	return MC_PROB_INTERNAL;
}

/* The answer to a failure known only by its code; detail names `what`. */
static const struct code_answer {
	int code;
	mc_problem problem;
	int retry_after;
	const char *detail;
} code_answers[] = {
    {MC_ENOTFOUND, MC_PROB_NOT_FOUND, 0, "%s not found"},
    {MC_ECONFLICT, MC_PROB_DUPLICATE, 0, "%s conflicts with existing data"},
    {MC_EINVAL, MC_PROB_INVALID_FIELD, 0, "%s is invalid"},
    {MC_EFORBIDDEN, MC_PROB_FORBIDDEN, 0, "your role does not allow %s"},
    {MC_ETOOBIG, MC_PROB_BODY_TOO_LARGE, 0, "%s is too large"},
    {MC_ESTALE, MC_PROB_VERSION_CONFLICT, 0, "%s has changed meanwhile; reload it"},
    {MC_EFULL, MC_PROB_CODES_EXHAUSTED, 0, "%s: every number of the day is used"},
    {MC_ELIMIT, MC_PROB_TOO_MANY_ATTEMPTS, 0, "%s: too many; try again later"},
    {MC_EGONE, MC_PROB_CONTENT_DESTROYED, 0, "%s: its content was destroyed"},
    {MC_EBUSY, MC_PROB_UNAVAILABLE, 1, "the database is busy; nothing was changed, try again"},
    /* Anything else (MC_ERROR, a code not listed): the change was undone. */
    {0, MC_PROB_UNAVAILABLE, 5, "could not complete %s; nothing was changed"},
};

void mc_problem_from_err(mc_problem_answer *out, const mc_err *e, const char *what)
{
	const struct code_answer *c = code_answers;
	while (c->code != 0 && c->code != e->code)
		c++;
	memset(out, 0, sizeof *out);
	if (e->reason != MC_REASON_NONE) {
		out->problem = reason_problem(e->reason);
	} else {
		out->problem = c->problem;
		out->retry_after = c->retry_after;
	}
	if (e->retry_after > 0)
		out->retry_after = e->retry_after;
	if (e->msg[0])
		snprintf(out->detail, sizeof out->detail, "%s", e->msg);
	else
		snprintf(out->detail, sizeof out->detail, c->detail, what ? what : "the request");
}
