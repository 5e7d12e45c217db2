/*
 * regexhint: a Host pattern written as a regular expression, and the glob
 * that was meant. PCRE2 does the recognising and the rewriting; the rules
 * are the table below, applied in order.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "parser/regexhint.h"

/*
 * What only a regular expression contains: an escaped class or dot, an
 * anchor, a bracket class, an alternation group, a '+' or counted
 * quantifier. A bare ".*" is not on the list: `Host web.*` is a valid glob
 * (anything starting "web.").
 */
static const char regexhint_detect_re[] = "\\\\[.dDwWsS\\\\-]"
                                          "|^\\^"
                                          "|(?<!\\\\)\\$$"
                                          "|\\[[^\\]]+\\]"
                                          "|\\([^()]*\\|[^()]*\\)"
                                          "|\\+"
                                          "|\\{\\d+(?:,\\d*)?\\}";

/*
 * Rewrites from a regular expression to the nearest glob, in order. Each
 * replacement is no longer than what it replaces, so the result never
 * outgrows the input.
 */
static const struct {
	const char *re;
	const char *with;
} regexhint_rewrites[] = {
	/* anchors mean nothing to a glob, which always matches whole */
	{ "^\\^|(?<!\\\\)\\$$", "" },
	/* a group, optionally quantified: some text, so '*' */
	{ "\\([^()]*\\)(?:[*+?]|\\{\\d+(?:,\\d*)?\\})?", "*" },
	/* a quantified class, escape or unescaped dot: any run, '*' */
	{ "(?:\\[[^\\]]*\\]|\\\\[dDwWsS]|(?<!\\\\)\\.)"
	  "(?:[*+?]|\\{\\d+(?:,\\d*)?\\})",
	    "*" },
	/* a single class or class escape: one character, '?' */
	{ "\\[[^\\]]*\\]|\\\\[dDwWsS]", "?" },
	/* a quantified plain character: it, then anything */
	{ "(?<!\\\\)\\+|(?<!\\\\)\\{\\d+(?:,\\d*)?\\}", "*" },
	/* other escapes stand for the character itself */
	{ "\\\\(.)", "$1" },
	{ "\\*{2,}", "*" },
};

#define REGEXHINT_NREWRITES \
	(sizeof(regexhint_rewrites) / sizeof(regexhint_rewrites[0]))

static pcre2_code *regexhint_detect;
static pcre2_code *regexhint_code[REGEXHINT_NREWRITES];
static int regexhint_ok;
static pthread_once_t regexhint_once = PTHREAD_ONCE_INIT;

static pcre2_code *
regexhint_compile(const char *re)
{
	int err;
	PCRE2_SIZE off;

	return pcre2_compile(
	    (PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
}

/* Compiled once per process; the codes are read-only afterwards. */
static void
regexhint_init(void)
{
	size_t i;

	if ((regexhint_detect = regexhint_compile(regexhint_detect_re)) == NULL)
		return;
	for (i = 0; i < REGEXHINT_NREWRITES; i++)
		if ((regexhint_code[i] = regexhint_compile(
		         regexhint_rewrites[i].re)) == NULL)
			return;
	regexhint_ok = 1;
}

/* Apply one rewrite to buf (size bytes, NUL-terminated) in place. */
static int
regexhint_subst(const pcre2_code *re, const char *with, char *buf, size_t size)
{
	char out[REGEXHINT_MAX + 1];
	PCRE2_SIZE outlen = sizeof(out);
	int r;

	r = pcre2_substitute(re, (PCRE2_SPTR)buf, PCRE2_ZERO_TERMINATED, 0,
	    PCRE2_SUBSTITUTE_GLOBAL, NULL, NULL, (PCRE2_SPTR)with,
	    PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)out, &outlen);
	if (r < 0 || outlen >= size)
		return -2;
	memcpy(buf, out, outlen + 1);
	return 0;
}

int
regexhint_glob(const char *pattern, char **glob)
{
	pcre2_match_data *md = NULL;
	char buf[REGEXHINT_MAX + 1];
	size_t i, n;
	int r, ret = -2;

	*glob = NULL;
	(void)pthread_once(&regexhint_once, regexhint_init);
	if (!regexhint_ok)
		return -2;
	n = strlen(pattern);
	if (n > REGEXHINT_MAX)
		return 0;
	if ((md = pcre2_match_data_create_from_pattern(
	         regexhint_detect, NULL)) == NULL)
		goto out;
	r = pcre2_match(
	    regexhint_detect, (PCRE2_SPTR)pattern, n, 0, 0, md, NULL);
	if (r == PCRE2_ERROR_NOMATCH) {
		ret = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	memcpy(buf, pattern, n + 1);
	for (i = 0; i < REGEXHINT_NREWRITES; i++)
		if (regexhint_subst(regexhint_code[i],
		        regexhint_rewrites[i].with, buf, sizeof(buf)) != 0)
			goto out;
	if (*buf == '\0') { /* "^$" and the like: nothing left */
		buf[0] = '*';
		buf[1] = '\0';
	}
	if ((*glob = strdup(buf)) == NULL)
		goto out;
	ret = 1;
out:
	pcre2_match_data_free(md);
	return ret;
}
