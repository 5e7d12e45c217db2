/*
 * agent: the user's ssh-agent as ssh uses it for one hop.
 *
 * ssh decides which agent keys to offer and in which order (IdentitiesOnly
 * offers only those that match an IdentityFile; agent keys that match a
 * configured file come before the others; a certificate file can be signed
 * by the agent key it certifies). libssh 0.10 can only offer every agent key
 * in the agent's order, so the hop's session talks to a relay instead: a
 * socketpair served by a small thread that lists exactly one chosen key and
 * passes signature requests on to the real agent. The thread never touches
 * libssh; libssh blocks on the relay socket while the thread answers.
 */
#ifndef SSHFWD_AGENT_H
#define SSHFWD_AGENT_H

#include <stddef.h>

#include <libssh/libssh.h>

#define AGENT_MSG_MAX (256 * 1024) /* bound on one agent message */
#define AGENT_KEYS_MAX 256 /* agent keys looked at */

struct agent;

/*
 * Connect to the agent socket at path and list its keys. Returns 0 and
 * *out, -1 when there is no usable agent (the reason is logged at -v), -2
 * on out of memory.
 */
int agent_open(const char *path, struct agent **out);

/* Number of keys the agent holds; key i (owned by the agent) and its
 * comment. */
size_t agent_count(const struct agent *ag);
ssh_key agent_key(const struct agent *ag, size_t i);
const char *agent_comment(const struct agent *ag, size_t i);

/*
 * Point session s at the relay (starting its thread). Only one session per
 * agent; libssh owns and closes its end of the socketpair. 0 or -1.
 */
int agent_attach(struct agent *ag, ssh_session s);

/*
 * The key the relay lists next: show (a public key or certificate), signed
 * by agent key i (its public part must be show's). 0, or -1 when the key
 * cannot be encoded.
 */
int agent_select(struct agent *ag, ssh_key show, size_t i);

/* Whether a and b are the same key (for certificates: the same
 * certificate), compared as ssh does, by their wire encoding. */
int agent_key_equal(ssh_key a, ssh_key b);

/* Whether cert is a certificate of the plain key plain. */
int agent_key_certifies(ssh_key cert, ssh_key plain);

/* Stop the relay thread and close the agent connection. */
void agent_free(struct agent *ag);

#endif
