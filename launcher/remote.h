/*
 * remote: RemoteForward (TCP target, Unix-socket target, remote dynamic).
 *
 * Each forward is requested with tcpip-forward through the destination
 * hop's global-request queue, right after authentication and before any
 * channel carries traffic on that session (libssh 0.10 reads the port
 * allocated for "-R 0" from the last decoded packet, which is only the
 * reply in a quiet session). The allocated port is reported as ssh does
 * ("Allocated port N for remote forward to HOST:PORT"). Incoming
 * forwarded-tcpip channels arrive through the session's message callback
 * and are matched by port; an unknown port is refused. A remote dynamic
 * forward runs the SOCKS machine on the channel and connects locally,
 * honouring PermitRemoteOpen.
 *
 * Remote Unix-socket listeners (streamlocal-forward@openssh.com) cannot be
 * requested with libssh 0.10's public API: such forwards are reported as
 * unsupported and count as forward failures.
 */
#ifndef SSHFWD_REMOTE_H
#define SSHFWD_REMOTE_H

struct engine;
struct fwd;
struct hop;

struct rfwd {
	const struct fwd *fwd;
	int bound_port; /* the port the server listens on (after the reply) */
	int state; /* 0 pending, 1 up, -1 failed */
};

/*
 * Queue tcpip-forward for every RemoteForward of the destination on hop h
 * and install the message callback. Returns 0, or -2 on out of memory.
 */
int remote_start(struct engine *e, struct hop *h);

/* Forget the table (session teardown takes the server's listeners). */
void remote_stop(struct engine *e);

#endif
