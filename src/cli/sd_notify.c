/*
 * sd_notify.c - the sd_notify(3) datagram (sd_notify.h).
 */
#include "cli/sd_notify.h"

#include "core/mc.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int mc_sd_notify(const char *state)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t sa_len;
	size_t len;
	ssize_t sent;
	int fd = -1;
	int rc = MC_ERROR;

	if (!name || !*name)
		return 0;
	len = strlen(name);
	/* vsock addresses (systemd 253 and later, for virtual machines) are not
	 * spoken here: a service of this kind runs on the machine itself. */
	if ((name[0] != '/' && name[0] != '@') || len >= sizeof sa.sun_path || len < 2)
		return MC_EINVAL;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, name, len);
	/* An abstract name starts with a NUL byte and is exactly len bytes
	 * long: no terminating NUL may be counted in the address length. */
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto cleanup;
	do {
		sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (const struct sockaddr *)&sa, sa_len);
	} while (sent < 0 && errno == EINTR);
	if (sent == (ssize_t)strlen(state))
		rc = 0;
cleanup:
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return rc;
}
