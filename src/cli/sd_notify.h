/*
 * sd_notify.h - telling systemd how the service is doing (Type=notify), the
 * datagram protocol of sd_notify(3) written out here rather than linking
 * libsystemd for one sendto: a state such as "READY=1" sent to the AF_UNIX
 * socket named by $NOTIFY_SOCKET, a path or, starting with '@', a name in
 * the abstract namespace.
 */
#ifndef MC_CLI_SD_NOTIFY_H
#define MC_CLI_SD_NOTIFY_H

/* Sends state ("READY=1", "STOPPING=1", several "KEY=value" lines) to
 * $NOTIFY_SOCKET. 0 when sent, or when NOTIFY_SOCKET is not set (not run by
 * systemd, or by a unit of another type: nothing to tell); MC_EINVAL for a
 * socket name that is neither a path nor '@'-abstract or is too long,
 * MC_ERROR when it cannot be sent (errno says why). */
int mc_sd_notify(const char *state);

#endif
