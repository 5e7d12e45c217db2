/*
 * lexer: the two tokenisers of ssh_config, byte-compatible with OpenSSH's
 * misc.c strdelim() (keywords, Match) and argv_split() (arguments).
 */
#ifndef SSHFWD_LEXER_H
#define SSHFWD_LEXER_H

#include <stddef.h>

#define LEXER_LINE_MAX (1024 * 1024) /* ours: ssh has no limit */
#define LEXER_FILE_MAX (64 * 1024 * 1024) /* ours */
#define LEXER_MAX_ARGS 65536 /* ours: bound on argv_split */

/* ssh's WHITESPACE set for strdelim and trimming. */
#define LEXER_WHITESPACE " \t\r\n"

/*
 * Return the next token of *s, splitting on whitespace, `"` quotes and a
 * single `=`, modifying the buffer in place like ssh's strdelim(). Returns
 * NULL (and leaves *s NULL) on an unmatched quote or when *s is NULL.
 * After the last token *s becomes NULL.
 */
char *lexer_strdelim(char **s);

/*
 * Split s into arguments like ssh's argv_split(s, ..., 1): space/TAB
 * separators, `"` and `'` quoting, \\ \" \' and (unquoted) "\ " escapes, a
 * token starting with `#` ends the line. Returns 0, -1 on unterminated
 * quote, -2 on out of memory or too many arguments. *argvp is
 * NULL-terminated; free with lexer_argv_free.
 */
int lexer_argv_split(const char *s, int *argcp, char ***argvp);
void lexer_argv_free(char **av, int ac);

/*
 * The same, building the result in the caller's buf (bufsz bytes, pointer
 * aligned) when it fits, else in a malloc'd block: free *argvp only when
 * it is not buf.
 */
int lexer_argv_split_buf(
    const char *s, char **buf, size_t bufsz, int *argcp, char ***argvp);

/*
 * The same for a caller that knows maxlen >= strlen(s) (the length of the
 * line s points into): sizes the result from it instead of scanning s.
 */
int lexer_argv_split_n(const char *s, size_t maxlen, char **buf, size_t bufsz,
    int *argcp, char ***argvp);

/*
 * ssh's argv_split(s, ..., 0), for commands (KnownHostsCommand): the same
 * words, but `#` is an ordinary byte. Free with lexer_argv_free.
 */
int lexer_argv_split_cmd(const char *s, int *argcp, char ***argvp);

/* Strip ssh's trailing whitespace set (" \t\r\n\f") from line, never
 * removing the first byte. */
void lexer_chop(char *line);

/* The same for a line of known length len; returns the new length. */
size_t lexer_chop_n(char *line, size_t len);

/* Lower-case s in place (ASCII). */
void lexer_lowercase(char *s);

#endif
