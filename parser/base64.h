/*
 * base64: RFC 4648 base64, for key blobs (ssh-agent, libssh's key import
 * and export) and hashed known_hosts names.
 */
#ifndef SSHFWD_BASE64_H
#define SSHFWD_BASE64_H

#include <stddef.h>

/* The encoding of len bytes at p, padded; malloc'd, NULL on out of
 * memory. */
char *base64_encode(const unsigned char *p, size_t len);

/*
 * Decode s (padding optional) into a malloc'd *out of *outlen bytes.
 * 0, -1 on a character outside the alphabet (*out stays NULL), -2 on out
 * of memory.
 */
int base64_decode(const char *s, unsigned char **out, size_t *outlen);

#endif
