/*
 * wire: SSH's binary encoding (RFC 4251, section 5) as the launcher reads
 * and writes it outside libssh: big-endian uint32/uint64 and
 * length-prefixed strings, read through a cursor that checks every length
 * against what is left (agent messages, host certificates, key blobs).
 */
#ifndef SSHFWD_WIRE_H
#define SSHFWD_WIRE_H

#include <stddef.h>
#include <stdint.h>

void wire_put_u32(unsigned char *p, uint32_t v);
uint32_t wire_get_u32(const unsigned char *p);

/* A bounded read position: p, with left bytes after it. */
struct wire_rd {
	const unsigned char *p;
	size_t left;
};

/* Each takes the next field and advances; 0, or -1 (nothing taken) when
 * the field runs past the end. *out / *s point into the buffer. */
int wire_take(struct wire_rd *r, size_t n, const unsigned char **out);
int wire_u32(struct wire_rd *r, uint32_t *v);
int wire_u64(struct wire_rd *r, uint64_t *v);
int wire_str(struct wire_rd *r, const unsigned char **s, size_t *n);

#endif
