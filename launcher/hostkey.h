/*
 * hostkey: verify a hop's server key against known_hosts, as ssh does.
 *
 * Reads every UserKnownHostsFile and GlobalKnownHostsFile itself (libssh
 * 0.10 checks only one of each and cannot name the offending line),
 * matching plain, wildcard, hashed and [host]:port entries through
 * ssh_known_hosts_parse_line(), honouring HostKeyAlias and @revoked.
 * StrictHostKeyChecking yes / ask / accept-new / no. A changed key is
 * always refused, naming file:line of the old key. CheckHostIP yes also
 * checks hop 0's numeric peer address as ssh 9.2 does: recorded next to a
 * known key, warned about or refused when it is known with another key;
 * skipped for loopback peers, for hops behind ProxyCommand/ProxyJump, and
 * when HostName is that address. `@cert-authority` lines: the server's
 * host certificate (fetched by the hop, checked by hostcert.c) as ssh 9.2
 * checks it, falling back to the plain key.
 */
#ifndef SSHFWD_HOSTKEY_H
#define SSHFWD_HOSTKEY_H

#include <stddef.h>
#include <sys/socket.h>

struct hop;
struct options;

/* The name ssh looks up: HostKeyAlias, else "host" or "[host]:port". */
int hostkey_name(const struct options *o, char *buf, size_t len);

/*
 * The address string ssh looks up for peer sa under CheckHostIP: numeric,
 * "[addr]:port" off port 22 (port <= 0 means 22). *local tells whether it
 * is a loopback address (ssh then skips the check). 0, or -1 for a family
 * that has no such string or a buffer too small.
 */
int hostkey_ip_string(const struct sockaddr *sa, socklen_t salen, int port,
    char *buf, size_t len, int *local);

/* Before ssh_connect: point libssh at the first user and global files so
 * it orders host key algorithms by what is known, and run KnownHostsCommand
 * "ORDER" as ssh does. 0, or -1 when that command failed (logged). */
int hostkey_prepare(struct hop *h);

/*
 * After the key exchange: the certificate algorithms (comma list) to ask
 * the server for when known_hosts names a CA for this hop (ssh would
 * negotiate a certificate then; libssh cannot, see hostcert.h), allowed by
 * HostKeyAlgorithms and of the type of the key the session got. NULL when
 * no certificate is wanted. malloc'd.
 */
char *hostkey_cert_algs(struct hop *h);

/*
 * After the key exchange and the certificate fetch (cert: the host key blob
 * the server sent for the certificate algorithms, NULL if none): 0 to
 * proceed, -1 refused (logged with a hint). A certificate counts only when
 * it certifies the key of this session.
 */
int hostkey_verify(struct hop *h, const unsigned char *cert, size_t certlen);

#endif
