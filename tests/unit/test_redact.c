/* test_redact.c - connection strings and URLs shown without their secrets
 * (src/core/redact.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/redact.h"

static void check(const char *in, const char *want)
{
	char *got = mc_redact_url(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_url_user_password(void **state)
{
	(void)state;
	check("postgresql://motcua:S3cr%40t@db.example:5432/motcua?sslmode=require",
	      "postgresql://motcua:***@db.example:5432/motcua?sslmode=require");
	check("smtps://relay-user:pw@smtp.example:465", "smtps://relay-user:***@smtp.example:465");
	/* The user alone is no secret, and a URL without one is left as it is. */
	check("postgresql://motcua@db.example/motcua", "postgresql://motcua@db.example/motcua");
	check("postgresql://db.example:5432/motcua", "postgresql://db.example:5432/motcua");
	check("https://sms.example/send", "https://sms.example/send");
}

static void test_url_multi_host_and_odd_passwords(void **state)
{
	(void)state;
	check("postgresql://motcua:pw@10.0.0.1:5432,10.0.0.2:5432/motcua?target_session_attrs=read-write",
	      "postgresql://motcua:***@10.0.0.1:5432,10.0.0.2:5432/motcua?target_session_attrs=read-write");
	/* Unencoded '@' and '/' in a password: hidden whole all the same. */
	check("postgresql://motcua:p@ss@db/motcua", "postgresql://motcua:***@db/motcua");
	check("postgresql://motcua:pa/ss@db/motcua", "postgresql://motcua:***@db/motcua");
	check("postgresql://motcua:@db/motcua", "postgresql://motcua:***@db/motcua");
}

static void test_query_secrets(void **state)
{
	(void)state;
	check("postgresql://motcua@db/motcua?password=hunter2&files=%2Fsrv%2Ffiles",
	      "postgresql://motcua@db/motcua?password=***&files=%2Fsrv%2Ffiles");
	check("https://sms.example/api?user=ubnd&Token=abc123&to=x#frag",
	      "https://sms.example/api?user=ubnd&Token=***&to=x#frag");
	check("postgresql://db/m?sslpassword=k&sslmode=verify-full",
	      "postgresql://db/m?sslpassword=***&sslmode=verify-full");
	/* A name that merely contains a secret word is not one. */
	check("https://x.example/?keyboard=1&passage=2", "https://x.example/?keyboard=1&passage=2");
}

static void test_keyword_value_strings(void **state)
{
	(void)state;
	check("host=db port=5432 password=hunter2 dbname=motcua",
	      "host=db port=5432 password=*** dbname=motcua");
	check("host=db password = 'with \\' quote' dbname=m", "host=db password = *** dbname=m");
	check("sslpassword=x host=db", "sslpassword=*** host=db");
	check("host=db mypassword=x", "host=db mypassword=x");
}

static void test_paths_unchanged(void **state)
{
	(void)state;
	check("/var/lib/motcua/motcua.db", "/var/lib/motcua/motcua.db");
	check("sqlite:var/motcua.db", "sqlite:var/motcua.db");
	check("", "");
	char *none = mc_redact_url(NULL);
	assert_string_equal(none, "");
	free(none);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_url_user_password), cmocka_unit_test(test_url_multi_host_and_odd_passwords),
	    cmocka_unit_test(test_query_secrets),     cmocka_unit_test(test_keyword_value_strings),
	    cmocka_unit_test(test_paths_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
