/*
 * forward: LocalForward / RemoteForward / DynamicForward specifications
 * and -L / -R / -D / -W arguments (readconf.c parse_forward), and the
 * -G representation of a forward.
 *
 * A struct fwd keeps ssh's representation: a Unix-socket side has its
 * path set and its port FORWARD_PORT_STREAMLOCAL; dynamic forwards have
 * connect_host "socks" (ssh's marker, which its -G dump relies on).
 */
#ifndef SSHFWD_FORWARD_H
#define SSHFWD_FORWARD_H

#include "parser/options.h"

#define FORWARD_PORT_STREAMLOCAL (-2) /* ssh's PORT_STREAMLOCAL */
#define FORWARD_HOST_MAX 1025 /* NI_MAXHOST: names must be shorter */
#define FORWARD_PATH_MAX 108 /* sizeof(sun_path) */
#define FORWARD_CONFIG_SPEC_MAX 256 /* readconf.c's fwdarg[256] */

/*
 * Parse spec as ssh's parse_forward(spec, dynamic, remote), where kind
 * selects the flags: FWD_LOCAL (0,0), FWD_REMOTE (0,1), FWD_DYNAMIC
 * (1,0), FWD_REMOTE_DYNAMIC (1,1). `${VAR}` is expanded first (an unset
 * variable is an error). On success returns the number of fields (> 0)
 * and fills *out (kind set; remote forwards with a "socks" target become
 * FWD_REMOTE_DYNAMIC); caller frees with forward_free. Returns 0 when the
 * spec is invalid, -2 on out of memory.
 */
int forward_parse(const char *spec, enum fwd_kind kind, struct fwd *out);

/* forward_parse, and when `${}` expansion fails, ssh's message (e.g.
 * "env var ${X} has no value") in errbuf; errbuf[0] is '\0' otherwise. */
int forward_parse_err(const char *spec, enum fwd_kind kind, struct fwd *out,
    char *errbuf, size_t errlen);

/*
 * The -L / -R / -D argument that forward_parse reads back as f (without
 * the kind's letter): -O forward and cancel send the master each forward
 * of the client's resolved options, the config file's as well as the
 * command line's, as ssh's mux client does. ':', '\\', '[', ']' and
 * blanks are backslash-escaped. Returns 0 and a malloc'd *out; -1 when a
 * field holds "${" (forward_parse would expand it a second time) or a
 * control character; -2 on out of memory.
 */
int forward_spec(const struct fwd *f, char **out);

/* ssh's forward_equals. */
int forward_equals(const struct fwd *a, const struct fwd *b);

void forward_free(struct fwd *f);

/* Deep copy. Returns 0 or -2. */
int forward_copy(struct fwd *dst, const struct fwd *src);

/* ssh's a2port: decimal 0..65535 or a tcp service name; -1 if invalid. */
int forward_a2port(const char *s);

#endif
