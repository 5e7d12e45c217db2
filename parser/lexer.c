/*
 * lexer: strdelim and argv_split as OpenSSH 9.2 implements them.
 *
 * Both are reproduced for their observable behaviour, including the odd
 * corners (one `=` only, an unmatched `"` in the keyword dropping the
 * line, backslash escapes recognised only for some characters).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "parser/lexer.h"

/*
 * Byte classes for the hot loops (ssh uses strpbrk/strspn; tables give
 * the same answers without a library call per token).
 */
#define LX_WS 1 /* LEXER_WHITESPACE */
#define LX_DELIM 2 /* LEXER_WHITESPACE, '"', '=' (strdelim's set) */
#define LX_PLAIN 4 /* copied as is by argv_split outside quotes */

/* Indexed by byte: ' ' and TAB are WS|DELIM, CR and LF WS|DELIM|PLAIN,
 * '"' DELIM, '=' DELIM|PLAIN, NUL, '\'' and '\\' nothing, the rest PLAIN. */
/* clang-format off */
static const unsigned char lx_class[256] = {
	0, 4, 4, 4, 4, 4, 4, 4, 4, 3, 7, 4, 4, 7, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	3, 4, 2, 4, 4, 4, 4, 0, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};
/* clang-format on */

#define LX_IS(c, k) ((lx_class[(unsigned char)(c)] & (k)) != 0)

/* strspn(p, LEXER_WHITESPACE) */
static size_t
lexer_wsspan(const char *p)
{
	size_t n = 0;

	while (LX_IS(p[n], LX_WS))
		n++;
	return n;
}

char *
lexer_strdelim(char **s)
{
	char *old, *p;
	int wspace = 0;

	if (*s == NULL)
		return NULL;
	old = *s;
	/* strpbrk(*s, LEXER_WHITESPACE "\"=") */
	for (p = *s; *p != '\0' && !LX_IS(*p, LX_DELIM); p++)
		;
	if (*p == '\0') {
		*s = NULL;
		return old;
	}
	*s = p;
	if ((*s)[0] == '"') {
		memmove(*s, *s + 1, strlen(*s)); /* NUL too */
		if ((*s = strchr(*s, '"')) == NULL)
			return NULL; /* no matching quote */
		(*s)[0] = '\0';
		*s += lexer_wsspan(*s + 1) + 1;
		return old;
	}
	/* only one '=' may be skipped */
	if ((*s)[0] == '=')
		wspace = 1;
	(*s)[0] = '\0';
	*s += lexer_wsspan(*s + 1) + 1;
	if ((*s)[0] == '=' && !wspace)
		*s += lexer_wsspan(*s + 1) + 1;
	return old;
}

/*
 * argv_split's result is one allocation: the pointer array (NULL
 * terminated) followed by the argument strings, so a line costs one
 * malloc and one free however many arguments it has.
 */
void
lexer_argv_free(char **av, int ac)
{
	(void)ac;
	free(av);
}

int
lexer_argv_split(const char *s, int *argcp, char ***argvp)
{
	return lexer_argv_split_buf(s, NULL, 0, argcp, argvp);
}

int
lexer_argv_split_buf(
    const char *s, char **buf, size_t bufsz, int *argcp, char ***argvp)
{
	return lexer_argv_split_n(s, strlen(s), buf, bufsz, argcp, argvp);
}

/* The one splitter; comments: a word starting with `#` ends the line. */
static int
lexer_split(const char *s, size_t len, char **buf, size_t bufsz, int comments,
    int *argcp, char ***argvp)
{
	char **argv, *arg, *store;
	int argc = 0, quote;
	size_t i, j, maxargs, need;

	*argvp = NULL;
	*argcp = 0;
	/*
	 * Every argument takes at least one input byte and, unless it ends
	 * the string, the separator after it; its copy is never longer than
	 * its input, plus a NUL. len bounds strlen(s), so the sizes hold.
	 */
	maxargs = len / 2 + 1;
	if (maxargs > LEXER_MAX_ARGS + 1)
		maxargs = LEXER_MAX_ARGS + 1;
	need = (maxargs + 1) * sizeof(*argv) + len + maxargs + 1;
	if (buf != NULL && need <= bufsz)
		argv = buf;
	else if ((argv = malloc(need)) == NULL)
		return -2;
	store = (char *)(argv + maxargs + 1);
	argv[0] = NULL;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (comments && s[i] == '#')
			break;
		quote = 0;
		if (argc >= LEXER_MAX_ARGS) {
			if (argv != buf)
				free(argv);
			return -2;
		}
		arg = argv[argc] = store;
		argv[++argc] = NULL;
		for (j = 0; s[i] != '\0'; i++) {
			if (quote == 0 && LX_IS(s[i], LX_PLAIN)) {
				/* a run of ordinary bytes */
				do
					arg[j++] = s[i++];
				while (LX_IS(s[i], LX_PLAIN));
				i--;
				continue;
			}
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
		arg[j++] = '\0';
		store += j;
		if (s[i] == '\0') {
			if (quote != 0) {
				if (argv != buf)
					free(argv);
				return -1;
			}
			break;
		}
	}
	*argcp = argc;
	*argvp = argv;
	return 0;
}

int
lexer_argv_split_n(const char *s, size_t len, char **buf, size_t bufsz,
    int *argcp, char ***argvp)
{
	return lexer_split(s, len, buf, bufsz, 1, argcp, argvp);
}

int
lexer_argv_split_cmd(const char *s, int *argcp, char ***argvp)
{
	return lexer_split(s, strlen(s), NULL, 0, 0, argcp, argvp);
}

void
lexer_chop(char *line)
{
	(void)lexer_chop_n(line, strlen(line));
}

size_t
lexer_chop_n(char *line, size_t len)
{
	if (len == 0)
		return 0;
	for (len--; len > 0; len--) {
		switch (line[len]) {
		case ' ':
		case '\t':
		case '\r':
		case '\n':
		case '\f':
			line[len] = '\0';
			continue;
		}
		break;
	}
	return len + 1;
}

void
lexer_lowercase(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}
