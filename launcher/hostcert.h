/*
 * hostcert: OpenSSH host certificates (PROTOCOL.certkeys) for
 * `@cert-authority` lines in known_hosts.
 *
 * libssh 0.10 never offers a certificate host key algorithm (its client
 * strips them from the KEXINIT list whatever SSH_OPTIONS_HOSTKEYS says), so
 * the session always receives the plain key. When known_hosts names a CA
 * for the host, the hop asks the same server for its certificate on a
 * second, short connection that stops at the key exchange reply
 * (hostcert_request(), hostcert_reply(); the I/O is hop.c's); the
 * certificate needs no trust in that connection: the CA's signature binds
 * the key, and the real session proved the server holds it.
 * hostcert_parse() reads the blob with every length checked (it is network
 * input) and verifies the CA signature with libcrypto, as ssh's cert_parse
 * does; hostcert_check() is ssh's sshkey_cert_check_host().
 */
#ifndef SSHFWD_HOSTCERT_H
#define SSHFWD_HOSTCERT_H

#include <stddef.h>
#include <stdint.h>

/* Bounds: ssh's SSHKEY_CERT_MAX_PRINCIPALS; a blob far above any real
 * certificate (an RSA-16384 key signed by an RSA-16384 CA is ~5 KiB). */
#define HOSTCERT_BLOB_MAX 32768
#define HOSTCERT_PRINCIPALS_MAX 256

#define HOSTCERT_TYPE_USER 1
#define HOSTCERT_TYPE_HOST 2

struct hostcert {
	const char *name; /* "ssh-ed25519-cert-v01@openssh.com", ... */
	unsigned char *key; /* the certified key as a plain key blob */
	size_t keylen;
	uint64_t serial;
	uint32_t type; /* HOSTCERT_TYPE_* */
	char *key_id;
	char **principals;
	size_t nprincipals;
	uint64_t valid_after;
	uint64_t valid_before;
	size_t critical_len; /* bytes of critical options */
	unsigned char *ca; /* the signing CA's plain key blob */
	size_t calen;
	const char *ca_type; /* its key type name, "ssh-ed25519", ... */
	char *sig_alg; /* the CA signature's algorithm, e.g. "ssh-ed25519" */
};

/*
 * Parse a certificate blob and verify its CA signature. 0 and *out (free
 * with hostcert_free); -1 when the blob is refused, *why set to ssh's
 * words for the error (ssherr.c); -2 on out of memory.
 */
int hostcert_parse(const unsigned char *blob, size_t len, struct hostcert **out,
    const char **why);

/*
 * ssh's sshkey_cert_check_host(): a host certificate, valid at now, naming
 * name among its principals (or naming none), with no critical options,
 * signed with an algorithm in the CASignatureAlgorithms list ca_algs
 * (NULL: any). 0, or -1 with *reason in ssh's words.
 */
int hostcert_check(const struct hostcert *c, const char *name,
    const char *ca_algs, uint64_t now, const char **reason);

void hostcert_free(struct hostcert *c);

/* "ED25519-CERT", ... for the certificate's key (ssh's sshkey_type). */
const char *hostcert_type_name(const struct hostcert *c);

/*
 * The certificate algorithms, in ssh's order, for a server key of the
 * plain algorithm plain ("ssh-ed25519", "ssh-rsa", ...), kept when
 * allowed (a HostKeyAlgorithms list; NULL: all). malloc'd
 * comma-separated list, "" when none; NULL on out of memory.
 */
char *hostcert_algs_for(const char *plain, const char *allowed);

/* Bytes a request takes at most; a reply we read at most. */
#define HOSTCERT_REQUEST_MAX 2048
#define HOSTCERT_REPLY_MAX (HOSTCERT_BLOB_MAX + 16384)

/*
 * What the client sends to ask for the server's host key of one of the
 * algorithms algs: our ident, KEXINIT (curve25519 key exchange only) and
 * KEX_ECDH_INIT, all at once. Written to out (outsz >=
 * HOSTCERT_REQUEST_MAX); returns the length, 0 on failure.
 */
size_t hostcert_request(const char *algs, unsigned char *out, size_t outsz);

/* n random bytes from getrandom() (KEXINIT cookies and padding here, the
 * salt of a hashed known_hosts name in hostkey.c). 0 or -1. */
int hostcert_random(unsigned char *p, size_t n);

/*
 * Read the server's side so far (have bytes from the start): 1 when more
 * is needed, 0 with the host key blob of its key exchange reply (*blob
 * malloc'd, *len), -1 with *why when the server refused (it has no
 * certificate of those algorithms) or sent something malformed. Bounded:
 * a caller stops reading at HOSTCERT_REPLY_MAX bytes.
 */
int hostcert_reply(const unsigned char *buf, size_t have, unsigned char **blob,
    size_t *len, const char **why);

#endif
