/*
 * strbuf: a bounded string builder with a sticky out-of-memory flag.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/strbuf.h"

#define STRBUF_FIRST 256 /* first allocation: most built strings fit */

void
strbuf_init(struct strbuf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = 0;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->s);
	strbuf_init(b);
}

/* Make room for n more bytes and the NUL. 0, or -1 with b->oom set. */
static int
strbuf_reserve(struct strbuf *b, size_t n)
{
	size_t need, ncap;
	char *ns;

	if (b->oom)
		return -1;
	if (n > STRBUF_MAX - b->len) {
		b->oom = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : STRBUF_FIRST;
	while (ncap < need)
		ncap *= 2;
	if ((ns = realloc(b->s, ncap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->s = ns;
	b->cap = ncap;
	return 0;
}

void
strbuf_addn(struct strbuf *b, const char *s, size_t n)
{
	if (strbuf_reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
strbuf_add(struct strbuf *b, const char *s)
{
	strbuf_addn(b, s, strlen(s));
}

void
strbuf_addvf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	/* Format straight into the free space; only a result that does not
	 * fit costs a second pass after growing. */
	if (strbuf_reserve(b, 0) != 0)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->s[b->len] = '\0';
		b->oom = 1;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		b->s[b->len] = '\0';
		if (strbuf_reserve(b, (size_t)n) != 0)
			return;
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_addvf(b, fmt, ap);
	va_end(ap);
}

/* Length of the valid UTF-8 sequence at s (shortest form, no surrogates,
 * at most U+10FFFF), or 0. */
static size_t
strbuf_utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void
strbuf_add_json(struct strbuf *b, const char *s, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	int hex = (flags & STRBUF_JSON_HEXBYTES) != 0;
	size_t n;

	if (s == NULL) {
		strbuf_add(b, "null");
		return;
	}
	strbuf_addn(b, "\"", 1);
	while (*p != '\0') {
		switch (*p) {
		case '"':
			strbuf_addn(b, "\\\"", 2);
			break;
		case '\\':
			strbuf_addn(b, "\\\\", 2);
			break;
		case '\n':
			strbuf_addn(b, "\\n", 2);
			break;
		case '\r':
			strbuf_addn(b, "\\r", 2);
			break;
		case '\t':
			strbuf_addn(b, "\\t", 2);
			break;
		case '\b':
			strbuf_add(b, hex ? "\\u0008" : "\\b");
			break;
		case '\f':
			strbuf_add(b, hex ? "\\u000c" : "\\f");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				strbuf_addf(b, "\\u%04x", *p);
				break;
			}
			if ((n = strbuf_utf8_len(p)) == 0) {
				if (hex)
					strbuf_addf(b, "\\u%04x", *p);
				else
					strbuf_addn(b, "\\ufffd", 6);
				break;
			}
			strbuf_addn(b, (const char *)p, n);
			p += n - 1;
			break;
		}
		p++;
	}
	strbuf_addn(b, "\"", 1);
}

char *
strbuf_finish(struct strbuf *b)
{
	char *s;

	if (b->oom) {
		strbuf_free(b);
		return NULL;
	}
	s = b->s != NULL ? b->s : strdup("");
	strbuf_init(b);
	return s;
}
