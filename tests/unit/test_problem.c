/* test_problem.c - the registry of API errors and the one table that turns a
 * failure (a code, a reason, a message) into a problem and its status
 * (src/http/problem.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "http/problem.h"

static const char *slug_of(const mc_problem_answer *a)
{
	return mc_problem_get(a->problem)->slug;
}

static void test_every_reason_has_its_problem(void **state)
{
	(void)state;
	static const struct {
		mc_reason reason;
		const char *slug;
		int status;
	} want[] = {
	    {MC_REASON_NOT_FOUND, "not-found", 404},
	    {MC_REASON_UNKNOWN_PROCEDURE, "unknown-procedure", 422},
	    {MC_REASON_UNKNOWN_UNIT, "unknown-unit", 422},
	    {MC_REASON_INVALID_FIELD, "invalid-field", 422},
	    {MC_REASON_MISSING_FIELD, "missing-field", 422},
	    {MC_REASON_ROLE, "forbidden", 403},
	    {MC_REASON_SCOPE, "out-of-scope", 403},
	    {MC_REASON_STATE, "forbidden-transition", 409},
	    {MC_REASON_STALE, "version-conflict", 409},
	    {MC_REASON_DUPLICATE, "duplicate", 409},
	    {MC_REASON_CODES_EXHAUSTED, "codes-exhausted", 409},
	    {MC_REASON_FILING_LIMIT, "filing-limit", 429},
	    {MC_REASON_UPLOAD_QUOTA, "upload-quota", 429},
	    {MC_REASON_APOLOGY_ISSUED, "apology-issued", 409},
	    {MC_REASON_APOLOGY_OUTDATED, "apology-outdated", 409},
	    {MC_REASON_UNKNOWN_PAYMENT, "unknown-payment", 404},
	    {MC_REASON_AMOUNT_MISMATCH, "amount-mismatch", 409},
	    {MC_REASON_PAYMENT_CLOSED, "payment-closed", 409},
	    {MC_REASON_NOTHING_OWED, "nothing-owed", 409},
	    {MC_REASON_UNIT_ENDED, "unit-ended", 422},
	    {MC_REASON_BOUNDARY, "not-receivable-here", 422},
	    {MC_REASON_RETURN_BOUNDARY, "not-receivable-here", 422},
	    {MC_REASON_CONTENT_DESTROYED, "content-destroyed", 410},
	    {MC_REASON_OWN_UNIT, "own-unit", 403},
	    {MC_REASON_SUPPLEMENT_AGAIN, "supplement-again", 409},
	    {MC_REASON_REFUSE_OVERDUE, "refuse-overdue", 409},
	    {MC_REASON_RETURN_NO_DESK, "invalid-field", 422},
	};
	assert_int_equal(sizeof want / sizeof want[0], MC_REASON_COUNT_ - 1);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		mc_err e;
		mc_problem_answer a;
		/* The reason decides, whatever the code. */
		mc_err_make(&e, MC_EINVAL, want[i].reason, "what was wrong");
		mc_problem_from_err(&a, &e, "the thing");
		assert_string_equal(slug_of(&a), want[i].slug);
		assert_int_equal(mc_problem_get(a.problem)->status, want[i].status);
		assert_string_equal(a.detail, "what was wrong");
		assert_int_equal(a.retry_after, 0);
	}
}

static void assert_code(int code, const char *slug, int status, int retry_after, const char *detail)
{
	mc_err e = {.code = code};
	mc_problem_answer a;
	mc_problem_from_err(&a, &e, "the dossier");
	assert_string_equal(slug_of(&a), slug);
	assert_int_equal(mc_problem_get(a.problem)->status, status);
	assert_int_equal(a.retry_after, retry_after);
	assert_string_equal(a.detail, detail);
}

static void test_a_failure_without_a_reason_is_answered_by_its_code(void **state)
{
	(void)state;
	assert_code(MC_ENOTFOUND, "not-found", 404, 0, "the dossier not found");
	assert_code(MC_ECONFLICT, "duplicate", 409, 0, "the dossier conflicts with existing data");
	assert_code(MC_EINVAL, "invalid-field", 422, 0, "the dossier is invalid");
	assert_code(MC_EFORBIDDEN, "forbidden", 403, 0, "your role does not allow the dossier");
	assert_code(MC_ETOOBIG, "body-too-large", 413, 0, "the dossier is too large");
	assert_code(MC_ESTALE, "version-conflict", 409, 0, "the dossier has changed meanwhile; reload it");
	assert_code(MC_EFULL, "codes-exhausted", 409, 0, "the dossier: every number of the day is used");
	assert_code(MC_ELIMIT, "too-many-attempts", 429, 0, "the dossier: too many; try again later");
	assert_code(MC_EBUSY, "unavailable", 503, 1, "the database is busy; nothing was changed, try again");
	assert_code(MC_ERROR, "unavailable", 503, 5, "could not complete the dossier; nothing was changed");
	assert_code(-99, "unavailable", 503, 5, "could not complete the dossier; nothing was changed");
}

static void test_the_message_and_the_wait_of_the_failure_win(void **state)
{
	(void)state;
	mc_err e;
	mc_problem_answer a;
	mc_err_make(&e, MC_ELIMIT, MC_REASON_FILING_LIMIT, "the next may be filed in %d seconds", 120);
	e.retry_after = 120;
	mc_problem_from_err(&a, &e, "the filing");
	assert_string_equal(slug_of(&a), "filing-limit");
	assert_int_equal(a.retry_after, 120);
	assert_string_equal(a.detail, "the next may be filed in 120 seconds");
	/* A code's own text when the failure has no message. */
	mc_err_make(&e, MC_ENOTFOUND, MC_REASON_NOT_FOUND, NULL);
	mc_problem_from_err(&a, &e, "the apology");
	assert_string_equal(slug_of(&a), "not-found");
	assert_string_equal(a.detail, "the apology not found");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_reason_has_its_problem),
	    cmocka_unit_test(test_a_failure_without_a_reason_is_answered_by_its_code),
	    cmocka_unit_test(test_the_message_and_the_wait_of_the_failure_win),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
