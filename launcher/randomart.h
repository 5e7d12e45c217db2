/*
 * randomart: the "drunken bishop" picture OpenSSH draws of a key's
 * fingerprint (VisualHostKey, ssh-keygen -lv), so that a person can tell
 * keys apart at a glance.
 *
 * A bishop starts in the middle of a 17x9 board and takes four diagonal
 * steps per digest byte, two bits each from the low end (bit 0 picks left
 * or right, bit 1 up or down), sliding along the edges. Each square counts
 * its visits; the count picks a character, 'S' marks the start and 'E' the
 * end. The frame carries "[TYPE BITS]" on top and "[HASH]" below.
 */
#ifndef SSHFWD_RANDOMART_H
#define SSHFWD_RANDOMART_H

#include <stddef.h>

#include <libssh/libssh.h>

#define RANDOMART_W 17 /* board columns */
#define RANDOMART_H 9 /* board rows */

/*
 * The picture of digest d (n bytes) for a key titled type and bits
 * ("ED25519", 256), hashed with alg ("SHA256", "MD5"): 11 lines of 19
 * characters joined by '\n', without a final newline. Malloc'd; NULL on
 * out of memory.
 */
char *randomart_picture(const char *type, unsigned bits, const char *alg,
    const unsigned char *d, size_t n);

/*
 * The picture of key's fingerprint under hash (SSH_PUBLICKEY_HASH_SHA256
 * or SSH_PUBLICKEY_HASH_MD5), titled as OpenSSH titles it: with type when
 * given (a certificate's "ED25519-CERT": ssh draws the certified key's
 * digest under the certificate's name), else the key's own type. Malloc'd;
 * NULL on out of memory or a key whose size cannot be read.
 */
char *randomart_key(
    ssh_key key, enum ssh_publickey_hash_type hash, const char *type);

#endif
