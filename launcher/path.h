/*
 * path: ssh's tilde and percent-token expansion for files the launcher
 * opens (IdentityFile, UserKnownHostsFile, IdentityAgent, ProxyCommand).
 *
 * A stop-gap until parser/expand.h lands: ~ and ~/ from the password
 * database, and the tokens %% %d %h %i %L %l %n %p %r %u.
 */
#ifndef SSHFWD_PATH_H
#define SSHFWD_PATH_H

struct options;

/*
 * Expand raw for the host described by o. Returns a malloc'd string, or
 * NULL on out of memory or an unknown token (then *bad is set to it).
 */
char *path_expand(const char *raw, const struct options *o, int *bad);

#endif
