/*
 * test_notify.c - messages to applicants (src/app/notify.c) and the outbox
 * (store.h): what each event queues, the retry delays, and the outcome of a
 * delivery recorded once.
 */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/notify.h"
#include "core/dossier.h"
#include "core/text.h"

struct fixture {
	char dir[512];
	char path[600];
	mc_store *st;
	mc_dossier d;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *base = getenv("MC_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0700) != 0 && errno != EEXIST)
		return -1;
	snprintf(f->dir, sizeof f->dir, "%s/notify-XXXXXX", base);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/motcua.db", f->dir);
	if (mc_store_open(&f->st, f->path) != 0 || mc_store_migrate(f->st) != 0)
		return -1;
	mc_unit u = {.code = "000.00.33.H56",
		     .name = "UBND huyện Quảng Xương",
		     .level = "district",
		     .province_code = "H56"};
	assert_int_equal(mc_store_unit_create(f->st, &u), 0);
	mc_procedure p = {.code = "1.001193",
			  .name = "Đăng ký khai sinh",
			  .field = "Hộ tịch",
			  .levels = "district",
			  .duration_hours = 8,
			  .cutoff_min = -1,
			  .online_level = 3,
			  .status = "active"};
	assert_int_equal(mc_store_procedure_create(f->st, &p), 0);
	mc_dossier *d = &f->d;
	d->code = mc_xstrdup("000.00.33.H56-170302-0001");
	d->procedure_id = p.id;
	d->receiving_unit_id = d->current_unit_id = u.id;
	d->channel = MC_CH_DIRECT;
	d->state = MC_ST_RECEIVED;
	d->received_at = 1488420000; /* 2017-03-02 09:00 +07 */
	d->due_at = 1488506400;	     /* 2017-03-03 09:00 +07 */
	d->duration_hours = 8;
	d->applicant_name = mc_xstrdup("Nguyễn Văn An");
	d->applicant_email = mc_xstrdup("an@example.vn");
	d->applicant_phone = mc_xstrdup("0912345678");
	assert_int_equal(mc_store_dossier_insert(f->st, d), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	mc_dossier_clear(&f->d);
	mc_store_close(f->st);
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void test_reception_queues_email_and_sms(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mc_notify_dossier(f->st, &f->d, "create", "Đăng ký khai sinh",
					   "UBND huyện Quảng Xương", "https://dichvucong.example.vn",
					   f->d.received_at),
			 0);
	mc_message *m = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_outbox_of_dossier(f->st, &m, &n, f->d.id), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].channel, "email");
	assert_string_equal(m[0].recipient, "an@example.vn");
	assert_string_equal(m[0].subject, "Hồ sơ 000.00.33.H56-170302-0001 đã được tiếp nhận");
	assert_non_null(strstr(m[0].body, "Nguyễn Văn An"));
	assert_non_null(strstr(m[0].body, "09 giờ 00 phút ngày 03/03/2017"));
	assert_non_null(strstr(m[0].body, "https://dichvucong.example.vn/tra-cuu/000.00.33.H56-170302-0001"));
	assert_string_equal(m[1].channel, "sms");
	assert_string_equal(m[1].recipient, "0912345678");
	assert_string_equal(m[1].state, "pending");
	mc_message_free_list(m, n);
	/* Events that tell the applicant nothing queue nothing. */
	assert_int_equal(mc_notify_dossier(f->st, &f->d, "assign", NULL, NULL, "", f->d.received_at), 0);
	assert_int_equal(mc_store_outbox_of_dossier(f->st, &m, &n, f->d.id), 0);
	assert_int_equal(n, 2);
	mc_message_free_list(m, n);
}

/* The message carries the reason whole, however long: the outbox keeps
 * text as long as it comes (it was cut at 4096 bytes). */
static void test_long_reason_is_kept_whole(void **state)
{
	struct fixture *f = *state;
	enum { NOTE = 4096 };
	free(f->d.note);
	f->d.note = mc_xcalloc(1, NOTE);
	for (size_t i = 0; i + 3 < NOTE; i += 3)
		memcpy(f->d.note + i, "ữ", 3); /* a three-byte letter, cut only between letters */
	f->d.applicant_phone[0] = '\0';
	assert_int_equal(
	    mc_notify_dossier(f->st, &f->d, "request_supplement", NULL, NULL, "", f->d.received_at), 0);
	mc_message *m = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_outbox_of_dossier(f->st, &m, &n, f->d.id), 0);
	assert_int_equal(n, 1);
	size_t len = strlen(m[0].body);
	assert_non_null(strstr(m[0].body, f->d.note));
	assert_true(len > strlen(f->d.note));
	assert_true(mc_text_valid_utf8(m[0].body, len));
	mc_message_free_list(m, n);
}

/* The lookup link is built whole from a public_url as long as the setting
 * allows (511 bytes): it was cut at 511 bytes with the code, leaving a link
 * that leads nowhere. */
static void test_long_public_url_link_whole(void **state)
{
	struct fixture *f = *state;
	char url[512], expected[600];
	memcpy(url, "https://", 8);
	memset(url + 8, 'a', sizeof url - 8 - 4);
	memcpy(url + sizeof url - 4, ".vn", 4);
	assert_int_equal(strlen(url), 511);
	snprintf(expected, sizeof expected, "%s/tra-cuu/%s\n", url, f->d.code);
	assert_int_equal(
	    mc_notify_dossier(f->st, &f->d, "receive", "Đăng ký khai sinh", NULL, url, f->d.received_at), 0);
	mc_message *m = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_outbox_of_dossier(f->st, &m, &n, f->d.id), 0);
	assert_int_equal(n, 2);
	assert_non_null(strstr(m[0].body, expected));
	mc_message_free_list(m, n);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(mc_notify_backoff(1), 60);
	assert_int_equal(mc_notify_backoff(2), 120);
	assert_int_equal(mc_notify_backoff(3), 240);
	assert_int_equal(mc_notify_backoff(7), 3600);
	assert_int_equal(mc_notify_backoff(MC_NOTIFY_MAX_ATTEMPTS), 0);
}

static void test_outbox_outcomes(void **state)
{
	struct fixture *f = *state;
	mc_message a = {.dossier_id = f->d.id,
			.channel = "email",
			.recipient = "a@example.vn",
			.subject = "s",
			.body = "b",
			.created_at = 1000};
	mc_message b = a;
	assert_int_equal(mc_store_outbox_add(f->st, &a), 0);
	assert_int_equal(mc_store_outbox_add(f->st, &b), 0);
	mc_message *due = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_outbox_due(f->st, &due, &n, 999, 10), 0);
	assert_int_equal(n, 0);
	mc_message_free_list(due, n);
	assert_int_equal(mc_store_outbox_due(f->st, &due, &n, 1000, 10), 0);
	assert_int_equal(n, 2);
	mc_message_free_list(due, n);
	/* a is sent; b fails and waits a minute. */
	assert_int_equal(mc_store_outbox_done(f->st, a.id, true, NULL, 1001, 0), 0);
	assert_int_equal(mc_store_outbox_done(f->st, b.id, false, "connection refused", 1001, 1061), 0);
	/* An outcome is recorded once: a sent message does not change again. */
	assert_int_equal(mc_store_outbox_done(f->st, a.id, false, "late duplicate", 1002, 1062),
			 MC_ENOTFOUND);
	int64_t depth = 0;
	assert_int_equal(mc_store_outbox_depth(f->st, &depth), 0);
	assert_int_equal(depth, 1);
	assert_int_equal(mc_store_outbox_due(f->st, &due, &n, 1060, 10), 0);
	assert_int_equal(n, 0);
	mc_message_free_list(due, n);
	assert_int_equal(mc_store_outbox_due(f->st, &due, &n, 1061, 10), 0);
	assert_int_equal(n, 1);
	assert_int_equal(due[0].attempts, 1);
	assert_string_equal(due[0].last_error, "connection refused");
	mc_message_free_list(due, n);
	/* Given up: failed, no longer due. */
	assert_int_equal(mc_store_outbox_done(f->st, b.id, false, "still refused", 1100, 0), 0);
	assert_int_equal(mc_store_outbox_due(f->st, &due, &n, 999999, 10), 0);
	assert_int_equal(n, 0);
	mc_message_free_list(due, n);
	assert_int_equal(mc_store_outbox_depth(f->st, &depth), 0);
	assert_int_equal(depth, 0);
}

/* The Message-ID comes from the row alone: the same when the message is read
 * again (a second delivery after a claim expired), another for another
 * message, and from the sender's domain. */
static void test_message_id_stable(void **state)
{
	struct fixture *f = *state;
	mc_message a = {.dossier_id = f->d.id,
			.channel = "email",
			.recipient = "a@example.vn",
			.subject = "s",
			.body = "b",
			.created_at = 1488420000,
			.province_code = "H56"};
	mc_message b = a;
	assert_int_equal(mc_store_outbox_add(f->st, &a), 0);
	assert_int_equal(mc_store_outbox_add(f->st, &b), 0);
	char first[160], again[160], other[160], expected[160];
	mc_message *got = NULL;
	size_t n = 0;
	assert_int_equal(mc_store_outbox_claim(f->st, &got, &n, 1488420000, 10, 600), 0);
	assert_int_equal(n, 2);
	mc_notify_message_id(first, sizeof first, &got[0], "motcua@quangxuong.example.vn");
	mc_notify_message_id(other, sizeof other, &got[1], "motcua@quangxuong.example.vn");
	mc_message_free_list(got, n);
	snprintf(expected, sizeof expected, "<motcua.%lld.1488420000.H56@quangxuong.example.vn>",
		 (long long)a.id);
	assert_string_equal(first, expected);
	assert_string_not_equal(first, other);
	/* The server that claimed it died before recording the outcome: after
	 * the lease another pass takes it again, and the header is the same. */
	assert_int_equal(mc_store_outbox_claim(f->st, &got, &n, 1488420000 + 601, 10, 600), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0].id, a.id);
	mc_notify_message_id(again, sizeof again, &got[0], "motcua@quangxuong.example.vn");
	mc_message_free_list(got, n);
	assert_string_equal(again, first);
	/* Nothing of the header comes from outside the row but the domain, cleaned. */
	mc_notify_message_id(again, sizeof again, &a, NULL);
	snprintf(expected, sizeof expected, "<motcua.%lld.1488420000.H56@localhost>", (long long)a.id);
	assert_string_equal(again, expected);
	mc_notify_message_id(again, sizeof again, &a, "x@bad domain>\r\nBcc: y");
	assert_null(strpbrk(again + 1, " <\r\n:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_reception_queues_email_and_sms, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_reason_is_kept_whole, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_public_url_link_whole, setup, teardown),
	    cmocka_unit_test(test_backoff),
	    cmocka_unit_test_setup_teardown(test_outbox_outcomes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_message_id_stable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
