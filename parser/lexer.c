/*
 * lexer: strdelim and argv_split as OpenSSH 9.2 implements them.
 *
 * Both are reproduced for their observable behaviour, including the odd
 * corners (one `=` only, an unmatched `"` in the keyword dropping the
 * line, backslash escapes recognised only for some characters).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parser/lexer.h"

char *
lexer_strdelim(char **s)
{
	char *old;
	int wspace = 0;

	if (*s == NULL)
		return NULL;
	old = *s;
	*s = strpbrk(*s, LEXER_WHITESPACE "\"=");
	if (*s == NULL)
		return old;
	if ((*s)[0] == '"') {
		memmove(*s, *s + 1, strlen(*s)); /* NUL too */
		if ((*s = strpbrk(*s, "\"")) == NULL)
			return NULL; /* no matching quote */
		(*s)[0] = '\0';
		*s += strspn(*s + 1, LEXER_WHITESPACE) + 1;
		return old;
	}
	/* only one '=' may be skipped */
	if ((*s)[0] == '=')
		wspace = 1;
	(*s)[0] = '\0';
	*s += strspn(*s + 1, LEXER_WHITESPACE) + 1;
	if ((*s)[0] == '=' && !wspace)
		*s += strspn(*s + 1, LEXER_WHITESPACE) + 1;
	return old;
}

void
lexer_argv_free(char **av, int ac)
{
	int i;

	if (av == NULL)
		return;
	for (i = 0; i < ac; i++)
		free(av[i]);
	free(av);
}

int
lexer_argv_split(const char *s, int *argcp, char ***argvp)
{
	char **argv = NULL, **nv, *arg;
	int argc = 0, quote, r = -2;
	size_t i, j;

	*argvp = NULL;
	*argcp = 0;
	if ((argv = calloc(1, sizeof(*argv))) == NULL)
		return -2;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (s[i] == '#')
			break;
		quote = 0;
		if (argc >= LEXER_MAX_ARGS)
			goto out;
		nv = realloc(argv, ((size_t)argc + 2) * sizeof(*argv));
		if (nv == NULL)
			goto out;
		argv = nv;
		if ((arg = argv[argc] = calloc(1, strlen(s + i) + 1)) == NULL)
			goto out;
		argv[++argc] = NULL;
		for (j = 0; s[i] != '\0'; i++) {
			if (s[i] == '\\') {
				if (s[i + 1] == '\'' || s[i + 1] == '"' ||
				    s[i + 1] == '\\' ||
				    (quote == 0 && s[i + 1] == ' ')) {
					i++;
					arg[j++] = s[i];
				} else
					arg[j++] = s[i];
			} else if (quote == 0 && (s[i] == ' ' || s[i] == '\t'))
				break;
			else if (quote == 0 && (s[i] == '"' || s[i] == '\''))
				quote = s[i];
			else if (quote != 0 && s[i] == quote)
				quote = 0;
			else
				arg[j++] = s[i];
		}
		if (s[i] == '\0') {
			if (quote != 0) {
				r = -1;
				goto out;
			}
			break;
		}
	}
	*argcp = argc;
	*argvp = argv;
	return 0;
out:
	lexer_argv_free(argv, argc);
	return r;
}

void
lexer_chop(char *line)
{
	size_t len;

	if ((len = strlen(line)) == 0)
		return;
	for (len--; len > 0; len--) {
		if (strchr(LEXER_WHITESPACE "\f", line[len]) == NULL)
			break;
		line[len] = '\0';
	}
}

void
lexer_lowercase(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}
