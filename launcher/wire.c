/*
 * wire: SSH's binary encoding (wire.h).
 */
#include "autoconf.h"

#include "launcher/wire.h"

void
wire_put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

uint32_t
wire_get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
wire_take(struct wire_rd *r, size_t n, const unsigned char **out)
{
	if (n > r->left)
		return -1;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

int
wire_u32(struct wire_rd *r, uint32_t *v)
{
	const unsigned char *p;

	if (wire_take(r, 4, &p) != 0)
		return -1;
	*v = wire_get_u32(p);
	return 0;
}

int
wire_u64(struct wire_rd *r, uint64_t *v)
{
	uint32_t hi, lo;

	if (r->left < 8 || wire_u32(r, &hi) != 0 || wire_u32(r, &lo) != 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
wire_str(struct wire_rd *r, const unsigned char **s, size_t *n)
{
	uint32_t len;

	if (r->left < 4 || wire_get_u32(r->p) > r->left - 4)
		return -1;
	(void)wire_u32(r, &len);
	(void)wire_take(r, len, s);
	*n = len;
	return 0;
}
