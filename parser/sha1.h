/*
 * sha1: a small SHA-1 and HMAC-SHA1, for ssh's %C token (the connection
 * hash) and hashed known_hosts names (|1|salt|HMAC-SHA1(salt, host)).
 *
 * Not for secrecy: both are formats ssh defines with SHA-1, so we must
 * compute the same. Kept here to avoid linking libcrypto.
 */
#ifndef SSHFWD_SHA1_H
#define SSHFWD_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_LEN 20

struct sha1_ctx {
	uint32_t h[5];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha1_init(struct sha1_ctx *c);
void sha1_update(struct sha1_ctx *c, const void *data, size_t len);
void sha1_final(struct sha1_ctx *c, unsigned char out[SHA1_DIGEST_LEN]);

/* HMAC-SHA1 (RFC 2104) of msg under key. */
void sha1_hmac(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[SHA1_DIGEST_LEN]);

/* Lower-case hex SHA-1 of data into out (41 bytes incl. NUL). */
void sha1_hex(const void *data, size_t len, char out[2 * SHA1_DIGEST_LEN + 1]);

#endif
