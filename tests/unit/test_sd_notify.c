/*
 * test_sd_notify.c - the sd_notify(3) datagram (cli/sd_notify.c), received
 * the way systemd receives it: on an AF_UNIX datagram socket named by
 * NOTIFY_SOCKET, a file path or a name in the abstract namespace ('@').
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/sd_notify.h"
#include "core/mc.h"

/* A datagram socket bound to name ('@' = abstract), as systemd makes one. */
static int listen_on(const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(name);
	struct timeval tv = {.tv_sec = 5};
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_true(len < sizeof sa.sun_path);
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		unlink(name);
	assert_int_equal(
	    bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)), 0);
	/* A message that never comes fails the test rather than hanging it. */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
	return fd;
}

static void expect_message(int fd, const char *want)
{
	char got[256];
	ssize_t n = recv(fd, got, sizeof got - 1, 0);

	assert_true(n >= 0);
	got[n] = '\0';
	assert_string_equal(got, want);
}

static void test_path_socket(void **state)
{
	(void)state;
	const char *tmp = getenv("MC_TEST_TMP");
	char path[108];

	if (!tmp || strlen(tmp) > 60)
		tmp = "/tmp";
	mkdir(tmp, 0700);
	snprintf(path, sizeof path, "%s/notify-%d.sock", tmp, (int)getpid());
	int fd = listen_on(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(mc_sd_notify("READY=1\nSTATUS=serving"), 0);
	expect_message(fd, "READY=1\nSTATUS=serving");
	assert_int_equal(mc_sd_notify("STOPPING=1"), 0);
	expect_message(fd, "STOPPING=1");
	close(fd);
	unlink(path);
	unsetenv("NOTIFY_SOCKET");
}

/* systemd names its socket "@/org/freedesktop/systemd1/notify/…" in some
 * set-ups (containers, user managers): the '@' is a NUL byte on the wire and
 * the address is exactly as long as the name, without a terminating NUL. */
static void test_abstract_socket(void **state)
{
	(void)state;
	char name[64];

	snprintf(name, sizeof name, "@motcua/test-notify/%d", (int)getpid());
	int fd = listen_on(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(mc_sd_notify("READY=1"), 0);
	expect_message(fd, "READY=1");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void test_without_systemd(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(mc_sd_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(mc_sd_notify("READY=1"), 0);
	unsetenv("NOTIFY_SOCKET");
}

static void test_bad_names(void **state)
{
	(void)state;
	char long_name[200];

	setenv("NOTIFY_SOCKET", "relative/notify", 1);
	assert_int_equal(mc_sd_notify("READY=1"), MC_EINVAL);
	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	assert_int_equal(mc_sd_notify("READY=1"), MC_EINVAL);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[0] = '/';
	long_name[sizeof long_name - 1] = '\0';
	setenv("NOTIFY_SOCKET", long_name, 1);
	assert_int_equal(mc_sd_notify("READY=1"), MC_EINVAL);
	/* Nobody listening: an error the caller reports, not a crash or a hang. */
	setenv("NOTIFY_SOCKET", "/nonexistent-motcua-dir/notify", 1);
	assert_int_equal(mc_sd_notify("READY=1"), MC_ERROR);
	unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path_socket),
	    cmocka_unit_test(test_abstract_socket),
	    cmocka_unit_test(test_without_systemd),
	    cmocka_unit_test(test_bad_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
