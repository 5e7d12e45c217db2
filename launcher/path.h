/*
 * path: ssh's tilde and percent-token expansion for files the launcher
 * opens (IdentityFile, UserKnownHostsFile, IdentityAgent, ProxyCommand),
 * and the Unix socket address for a path (agent, control, -L/-R sockets).
 *
 * A stop-gap until parser/expand.h lands: ~ and ~/ from the password
 * database, and the tokens %% %d %h %i %L %l %n %p %r %u.
 */
#ifndef SSHFWD_PATH_H
#define SSHFWD_PATH_H

struct options;
struct sockaddr_un;

/*
 * Expand raw for the host described by o. Returns a malloc'd string, or
 * NULL on out of memory or an unknown token (then *bad is set to it).
 */
char *path_expand(const char *raw, const struct options *o, int *bad);

/*
 * Fill *sa (cleared first) with the Unix socket address path. Returns -1,
 * leaving the message to the caller, when path does not fit in sun_path.
 */
int path_sockaddr_un(struct sockaddr_un *sa, const char *path);

#endif
