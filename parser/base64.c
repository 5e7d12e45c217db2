/*
 * base64: encode and decode with the standard alphabet.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser/base64.h"

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
base64_encode(const unsigned char *p, size_t len)
{
	char *out = malloc((len + 2) / 3 * 4 + 1), *o;
	size_t i;
	uint32_t v;

	if (out == NULL)
		return NULL;
	o = out;
	for (i = 0; i < len; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		*o++ = base64_alphabet[(v >> 18) & 63];
		*o++ = base64_alphabet[(v >> 12) & 63];
		*o++ = i + 1 < len ? base64_alphabet[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? base64_alphabet[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static int
base64_value(char c)
{
	const char *q;

	if (c == '\0')
		return -1;
	q = strchr(base64_alphabet, c);
	return q != NULL ? (int)(q - base64_alphabet) : -1;
}

int
base64_decode(const char *s, unsigned char **out, size_t *outlen)
{
	size_t n = strlen(s), i, o = 0;
	uint32_t v = 0;
	int bits = 0, d;
	unsigned char *b;

	*out = NULL;
	*outlen = 0;
	b = malloc(n / 4 * 3 + 3);
	if (b == NULL)
		return -2;
	for (i = 0; i < n && s[i] != '='; i++) {
		d = base64_value(s[i]);
		if (d < 0) {
			free(b);
			return -1;
		}
		v = (v << 6) | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			b[o++] = (unsigned char)(v >> bits);
		}
	}
	*out = b;
	*outlen = o;
	return 0;
}
