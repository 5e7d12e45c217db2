/*
 * regexhint: recognise a Host pattern written as a regular expression.
 *
 * ssh's patterns are globs: `*` and `?` are the only wildcards and every
 * other byte matches itself, so `Host web[0-9]+\.example\.com` or
 * `Host ^db.*$` never matches anything a user would type. Host names
 * cannot contain `\ [ ] ^ $ ( ) | + { }`, which makes the mistake
 * recognisable; this module finds it and proposes the glob that was meant.
 */
#ifndef SSHFWD_REGEXHINT_H
#define SSHFWD_REGEXHINT_H

#include <stddef.h>

#define REGEXHINT_MAX 1024 /* longer patterns are not examined */

/*
 * Does pattern (one Host pattern, without a leading '!') use regular
 * expression syntax? Returns 1 and a malloc'd glob suggestion in *glob
 * (the closest ssh pattern: anchors dropped, escapes undone, quantified
 * classes and groups turned into `*`, single classes into `?`), 0 when it
 * reads as a plain glob (*glob NULL), -2 when out of memory or PCRE2
 * fails.
 */
int regexhint_glob(const char *pattern, char **glob);

#endif
