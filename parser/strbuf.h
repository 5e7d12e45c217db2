/*
 * strbuf: the one growable string builder of the formatters (-G dump,
 * --dry-run text and JSON, --lint text and JSON, % expansion).
 *
 * Appends do not return an error: the first failed allocation, or growing
 * past STRBUF_MAX, sets a sticky oom flag and every later append does
 * nothing, so a formatter writes straight-line code and checks once, in
 * strbuf_finish. The text is always NUL-terminated once anything is added.
 */
#ifndef SSHFWD_STRBUF_H
#define SSHFWD_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Bound on one built string; more counts as out of memory. */
#define STRBUF_MAX (256 * 1024 * 1024)

struct strbuf {
	char *s; /* NULL until the first append */
	size_t len; /* bytes in s, without the NUL */
	size_t cap;
	int oom; /* sticky: an append failed, the text is incomplete */
};

#define STRBUF_INIT \
	{ \
		NULL, 0, 0, 0 \
	}

/* Strings for strbuf_add_json: every control character and every byte
 * that is not part of valid UTF-8 as \u00XX (the byte's value), instead
 * of the short escapes \b \f and U+FFFD. */
#define STRBUF_JSON_HEXBYTES 1

void strbuf_init(struct strbuf *b);

/* Append n bytes of s (which may hold NULs), the NUL-terminated s, or
 * printf output. No effect once b->oom is set. */
void strbuf_addn(struct strbuf *b, const char *s, size_t n);
void strbuf_add(struct strbuf *b, const char *s);
void strbuf_addf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_addvf(struct strbuf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Append s as a JSON string literal, quotes included ("null" for NULL).
 * Valid UTF-8 passes through; flags: 0 or STRBUF_JSON_HEXBYTES.
 */
void strbuf_add_json(struct strbuf *b, const char *s, int flags);

/*
 * Hand the text over: a malloc'd string ("" when nothing was added) the
 * caller frees, or NULL when b->oom is set (out of memory). b is reset
 * to empty either way.
 */
char *strbuf_finish(struct strbuf *b);

/* Drop the text and reset b to empty. */
void strbuf_free(struct strbuf *b);

#endif
