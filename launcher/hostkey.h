/*
 * hostkey: verify a hop's server key against known_hosts, as ssh does.
 *
 * Reads every UserKnownHostsFile and GlobalKnownHostsFile itself (libssh
 * 0.10 checks only one of each and cannot name the offending line),
 * matching plain, wildcard, hashed and [host]:port entries through
 * ssh_known_hosts_parse_line(), honouring HostKeyAlias and @revoked.
 * StrictHostKeyChecking yes / ask / accept-new / no. A changed key is
 * always refused, naming file:line of the old key.
 */
#ifndef SSHFWD_HOSTKEY_H
#define SSHFWD_HOSTKEY_H

#include <stddef.h>

struct hop;
struct options;

/* The name ssh looks up: HostKeyAlias, else "host" or "[host]:port". */
int hostkey_name(const struct options *o, char *buf, size_t len);

/* Before ssh_connect: point libssh at the first user and global files so
 * it orders host key algorithms by what is known. 0 or -1. */
int hostkey_prepare(struct hop *h);

/* After the key exchange: 0 to proceed, -1 refused (logged with a hint). */
int hostkey_verify(struct hop *h);

#endif
