/*
 * test_payment.c - the payment protocol of src/app/payment.c: check values
 * (known vectors computed outside the code), the time format, the comparison
 * of check values, the signed request URL and the callback's verification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "app/payment.h"

#define SECRET "bi-mat-thu-nghiem"
#define REF "0123456789ABCDEF01234567"

/* printf '%s' 'MOTCUA|0123456789ABCDEF01234567|500000|TEST0001|00|20170315093000|bi-mat-thu-nghiem' |
 * sha256sum */
#define CALLBACK_CHECK "3739bac58a835f1977bfb289c59f0162e61c783f4ada5c1da3e7071f7b765042"

/* printf '%s' 'MOTCUA|0123456789ABCDEF01234567|500000|Thanh toan le phi ho so 000.00.10.H56-170315-0001|'\
 * 'http://127.0.0.1:8080/ho-so-cua-toi/000.00.10.H56-170315-0001|20170315093000|bi-mat-thu-nghiem' |
 * sha256sum */
#define REQUEST_CHECK "9fb7d05e538b3034b1cf8457c330260645055948c00f0ef2a84f97a89b45a9ad"

static mc_payment_callback good_callback(void)
{
	return (mc_payment_callback){.partner_code = "MOTCUA",
				     .reference = REF,
				     .amount = 500000,
				     .transaction_no = "TEST0001",
				     .result_code = "00",
				     .time = "20170315093000",
				     .check_value = CALLBACK_CHECK};
}

static void test_check_value_vectors(void **state)
{
	(void)state;
	char out[MC_PAYMENT_CHECK_LEN + 1];
	mc_payment_callback cb = good_callback();
	assert_int_equal(mc_payment_callback_sign(out, &cb, SECRET), 0);
	assert_string_equal(out, CALLBACK_CHECK);

	mc_payment_request rq = {.partner_code = "MOTCUA",
				 .reference = REF,
				 .amount = 500000,
				 .order_info = "Thanh toan le phi ho so 000.00.10.H56-170315-0001",
				 .return_url =
				     "http://127.0.0.1:8080/ho-so-cua-toi/000.00.10.H56-170315-0001",
				 .time = "20170315093000"};
	assert_int_equal(mc_payment_request_sign(out, &rq, SECRET), 0);
	assert_string_equal(out, REQUEST_CHECK);

	/* No fields: the secret after nothing. printf '%s' '' | sha256sum */
	assert_int_equal(mc_payment_check_value(out, NULL, 0, ""), 0);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* A '|' inside a field would let "a|b" + "c" sign the same as "a" + "b|c". */
static void test_check_value_refuses_separator(void **state)
{
	(void)state;
	char out[MC_PAYMENT_CHECK_LEN + 1] = "x";
	const char *fields[] = {"MOTCUA", "REF|500000"};
	assert_int_equal(mc_payment_check_value(out, fields, 2, SECRET), MC_EINVAL);
	assert_string_equal(out, "");
	mc_payment_callback cb = good_callback();
	cb.transaction_no = "T|1";
	assert_int_equal(mc_payment_callback_verify(&cb, SECRET), MC_EFORBIDDEN);
}

static void test_callback_verify(void **state)
{
	(void)state;
	mc_payment_callback cb = good_callback();
	assert_int_equal(mc_payment_callback_verify(&cb, SECRET), 0);
	/* Another secret, any field changed, or a changed check value: refused. */
	assert_int_equal(mc_payment_callback_verify(&cb, "another-secret"), MC_EFORBIDDEN);
	assert_int_equal(mc_payment_callback_verify(&cb, ""), MC_EFORBIDDEN);
	cb.amount = 5000000;
	assert_int_equal(mc_payment_callback_verify(&cb, SECRET), MC_EFORBIDDEN);
	cb = good_callback();
	cb.result_code = "24";
	assert_int_equal(mc_payment_callback_verify(&cb, SECRET), MC_EFORBIDDEN);
	cb = good_callback();
	cb.check_value = "3739BAC58A835F1977BFB289C59F0162E61C783F4ADA5C1DA3E7071F7B765042";
	assert_int_equal(mc_payment_callback_verify(&cb, SECRET), MC_EFORBIDDEN);
	cb.check_value = "3739bac5";
	assert_int_equal(mc_payment_callback_verify(&cb, SECRET), MC_EFORBIDDEN);
	cb.check_value = CALLBACK_CHECK "00";
	assert_int_equal(mc_payment_callback_verify(&cb, SECRET), MC_EFORBIDDEN);
	cb.check_value = NULL;
	assert_int_equal(mc_payment_callback_verify(&cb, SECRET), MC_EFORBIDDEN);
}

static void test_check_equal(void **state)
{
	(void)state;
	assert_true(mc_payment_check_equal(CALLBACK_CHECK, CALLBACK_CHECK));
	assert_false(mc_payment_check_equal(CALLBACK_CHECK, REQUEST_CHECK));
	assert_false(mc_payment_check_equal("", ""));
	assert_false(mc_payment_check_equal("abc", "abc"));
	assert_false(mc_payment_check_equal(CALLBACK_CHECK, CALLBACK_CHECK "1"));
}

static void test_time_format(void **state)
{
	(void)state;
	char out[15];
	int64_t t = 0;
	/* Vietnam time, whatever the machine's zone. */
	assert_int_equal(mc_time_parse(&t, "2017-03-15T09:30:00+07:00"), 0);
	mc_payment_time(out, t);
	assert_string_equal(out, "20170315093000");
	assert_int_equal(mc_time_parse(&t, "2016-12-31T17:00:00Z"), 0);
	mc_payment_time(out, t);
	assert_string_equal(out, "20170101000000");
	assert_true(mc_payment_time_valid("20170315093000"));
	assert_false(mc_payment_time_valid("2017031509300"));
	assert_false(mc_payment_time_valid("20171315093000"));
	assert_false(mc_payment_time_valid("2017-03-15T093"));
	assert_false(mc_payment_time_valid("20170315246000"));
}

static void test_reference(void **state)
{
	(void)state;
	char a[25], b[25];
	assert_int_equal(mc_payment_new_reference(a), 0);
	assert_int_equal(mc_payment_new_reference(b), 0);
	assert_int_equal(strlen(a), 24);
	assert_int_equal(strspn(a, "0123456789ABCDEF"), 24);
	assert_string_not_equal(a, b);
}

static void test_request_url(void **state)
{
	(void)state;
	char *url = NULL;
	mc_payment_request rq = {.partner_code = "MOTCUA",
				 .reference = REF,
				 .amount = 500000,
				 .order_info = "Thanh toan le phi ho so 000.00.10.H56-170315-0001",
				 .return_url =
				     "http://127.0.0.1:8080/ho-so-cua-toi/000.00.10.H56-170315-0001",
				 .time = "20170315093000"};
	assert_int_equal(mc_payment_request_url(&url, "https://pay.example.vn/pay", &rq, SECRET), 0);
	assert_string_equal(
	    url, "https://pay.example.vn/pay?partner_code=MOTCUA&reference=" REF "&amount=500000"
		 "&order_info=Thanh%20toan%20le%20phi%20ho%20so%20000.00.10.H56-170315-0001"
		 "&return_url=http%3A%2F%2F127.0.0.1%3A8080%2Fho-so-cua-toi%2F000.00.10.H56-170315-0001"
		 "&time=20170315093000&check_value=" REQUEST_CHECK);
	free(url);
	/* A URL that has a query already gets the fields after '&'. */
	assert_int_equal(mc_payment_request_url(&url, "https://pay.example.vn/pay?v=2", &rq, SECRET), 0);
	assert_non_null(strstr(url, "/pay?v=2&partner_code=MOTCUA&"));
	free(url);
	rq.order_info = "a|b";
	assert_int_equal(mc_payment_request_url(&url, "https://pay.example.vn/pay", &rq, SECRET), MC_EINVAL);
	assert_null(url);
	/* Bytes outside RFC 3986's unreserved set, UTF-8 included, as %XX. */
	rq.order_info = "Lệ phí ~_.-+&=";
	assert_int_equal(mc_payment_request_url(&url, "https://pay.example.vn/pay", &rq, SECRET), 0);
	assert_non_null(strstr(url, "&order_info=L%E1%BB%87%20ph%C3%AD%20~_.-%2B%26%3D&return_url="));
	free(url);
}

/* What is signed and the URL made from it have a limit (16 KiB): past it
 * the request is refused, not signed nor sent cut. */
static void test_request_limit(void **state)
{
	(void)state;
	char *url = (char *)"x";
	char check[MC_PAYMENT_CHECK_LEN + 1];
	size_t n = 9000;
	char *info = malloc(n + 1);
	memset(info, 'a', n);
	info[n] = '\0';
	mc_payment_request rq = {.partner_code = "MOTCUA",
				 .reference = REF,
				 .amount = 500000,
				 .order_info = info,
				 .return_url =
				     "http://127.0.0.1:8080/ho-so-cua-toi/000.00.10.H56-170315-0001",
				 .time = "20170315093000"};
	/* Signed (about 9 KiB), but the URL takes three bytes for each space. */
	memset(info, ' ', n);
	assert_int_equal(mc_payment_request_sign(check, &rq, SECRET), 0);
	assert_int_equal(mc_payment_request_url(&url, "https://pay.example.vn/pay", &rq, SECRET), MC_ETOOBIG);
	assert_null(url);
	/* Too long to sign at all. */
	const char *fields[] = {info, info};
	assert_int_equal(mc_payment_check_value(check, fields, 2, SECRET), MC_ETOOBIG);
	assert_string_equal(check, "");
	free(info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_value_vectors), cmocka_unit_test(test_check_value_refuses_separator),
	    cmocka_unit_test(test_callback_verify),	cmocka_unit_test(test_check_equal),
	    cmocka_unit_test(test_time_format),		cmocka_unit_test(test_reference),
	    cmocka_unit_test(test_request_url),		cmocka_unit_test(test_request_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
