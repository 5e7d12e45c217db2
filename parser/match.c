/*
 * match: glob patterns and pattern lists with ssh's exact semantics.
 *
 * The matcher is iterative (single-star backtracking), so it runs in
 * O(len(s) * len(pattern)) even for hostile patterns like `*a*a*a*b`,
 * while accepting exactly what OpenSSH's recursive match_pattern accepts.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parser/match.h"

int
match_pattern(const char *s, const char *p)
{
	const char *star_p = NULL, *star_s = NULL;

	for (;;) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return 1;
			star_p = p;
			star_s = s;
			continue;
		}
		if (*s == '\0') {
			if (*p == '\0')
				return 1;
			return 0;
		}
		if (*p != '\0' && (*p == '?' || *p == *s)) {
			p++;
			s++;
			continue;
		}
		if (star_p == NULL)
			return 0;
		/* retry the last star one byte further */
		p = star_p;
		s = ++star_s;
	}
}

int
match_pattern_list(const char *s, const char *list, int dolower)
{
	char sub[MATCH_SUBPATTERN_MAX + 1];
	size_t i, subi, len = strlen(list);
	int negated, got_positive = 0;

	for (i = 0; i < len;) {
		negated = list[i] == '!';
		if (negated)
			i++;
		for (subi = 0;
		     i < len && subi < sizeof(sub) - 1 && list[i] != ',';
		     subi++, i++)
			sub[subi] = dolower && isupper((unsigned char)list[i])
			    ? (char)tolower((unsigned char)list[i])
			    : list[i];
		if (subi >= sizeof(sub) - 1)
			return 0;
		if (i < len && list[i] == ',')
			i++;
		sub[subi] = '\0';
		if (match_pattern(s, sub)) {
			if (negated)
				return -1;
			got_positive = 1;
		}
	}
	return got_positive;
}

int
match_hostname(const char *host, const char *list)
{
	char *h;
	size_t i;
	int r;

	if ((h = strdup(host)) == NULL)
		return -2;
	for (i = 0; h[i] != '\0'; i++)
		h[i] = (char)tolower((unsigned char)h[i]);
	r = match_pattern_list(h, list, 1);
	free(h);
	return r;
}

char *
match_filter_list(const char *proposal, const char *filter, int allow)
{
	size_t len = strlen(proposal) + 1, o = 0, n;
	char *out, *prop, *cp, *tmp;
	int r;

	if ((out = malloc(len)) == NULL)
		return NULL;
	if ((prop = strdup(proposal)) == NULL) {
		free(out);
		return NULL;
	}
	out[0] = '\0';
	tmp = prop;
	while ((cp = strsep(&tmp, ",")) != NULL) {
		r = match_pattern_list(cp, filter, 0);
		if ((allow && r == 1) || (!allow && r != 1)) {
			n = strlen(cp);
			if (o != 0)
				out[o++] = ',';
			memcpy(out + o, cp, n);
			o += n;
			out[o] = '\0';
		}
	}
	free(prop);
	return out;
}
